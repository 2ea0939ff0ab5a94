/* Map commands of syscall/ against the running kernel: every common map type
 * is created, filled, read back, iterated and checked with OBJ_GET_INFO. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "kselftest_harness.h"
#include "syscall/bpf_sys.h"
#include "tests/lib_asm.h"

/* Values of per-CPU maps come one per possible CPU, 8-byte aligned each. */
static int possible_cpus(void)
{
	char buf[256], *p;
	int n = 0;
	FILE *f = fopen("/sys/devices/system/cpu/possible", "re");

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	for (p = buf; *p && *p != '\n';) {
		long a = strtol(p, &p, 10), b = a;

		if (*p == '-')
			b = strtol(p + 1, &p, 10);
		n += (int)(b - a + 1);
		if (*p == ',')
			p++;
	}
	return n;
}

/* A 32-bit kernel (uname's machine: armv7l, mips, ...; armv8l is 32-bit
 * userspace on a 64-bit one). 6.1's fd arrays there read a slot back from
 * user space at the 8-byte element stride but store 4-byte pointers: key 2
 * reads back at key 1 (a kernel bug, README "Other architectures"). */
static int kernel_32bit(void)
{
	struct utsname u;

	return !uname(&u) && !strstr(u.machine, "64") && strcmp(u.machine, "s390x") &&
	       strcmp(u.machine, "armv8l");
}

#define SKIP_FD_ARRAY_ON_32BIT()                                                        \
	do {                                                                            \
		if (kernel_32bit())                                                     \
			SKIP(return, "this 32-bit kernel reads fd array slots back at an " \
			     "8-byte stride (key 2 at key 1): a kernel bug");          \
	} while (0)

static int map_new(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max, uint32_t flags,
		   const char *name)
{
	struct mb_map_create_args a = {
		.map_type = type, .key_size = ks, .value_size = vs,
		.max_entries = max, .map_flags = flags, .name = name,
	};

	return mb_sys_map_create(&a);
}

static int map_info(int fd, struct bpf_map_info *info)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return mb_sys_obj_get_info_by_fd(fd, info, &len);
}

FIXTURE(maps) {
	int fd[4];
};

FIXTURE_SETUP(maps) {}

FIXTURE_TEARDOWN(maps)
{
	for (int i = 0; i < 4; i++)
		mb_close(self->fd[i]);
}

TEST_F(maps, hash_roundtrip_and_iterate)
{
	struct bpf_map_info info;
	uint32_t key, next, seen = 0;
	uint64_t val;
	int fd, n = 0, err;

	fd = self->fd[0] = map_new(BPF_MAP_TYPE_HASH, 4, 8, 64, 0, "h1_hash");
	ASSERT_GE(fd, 3);
	for (key = 0; key < 10; key++) {
		val = 0x1000000000ULL + key;
		ASSERT_EQ(0, mb_sys_map_update(fd, &key, &val, BPF_NOEXIST));
	}
	key = 3;
	val = 1;
	EXPECT_EQ(-EEXIST, mb_sys_map_update(fd, &key, &val, BPF_NOEXIST));
	key = 99;
	EXPECT_EQ(-ENOENT, mb_sys_map_update(fd, &key, &val, BPF_EXIST));
	EXPECT_EQ(-ENOENT, mb_sys_map_lookup(fd, &key, &val, 0));

	/* Walk from the NULL key to ENOENT: every key exactly once. */
	err = mb_sys_map_get_next_key(fd, NULL, &next);
	while (!err) {
		ASSERT_LT(next, 10);
		ASSERT_EQ(0, seen & (1u << next));
		seen |= 1u << next;
		ASSERT_EQ(0, mb_sys_map_lookup(fd, &next, &val, 0));
		EXPECT_EQ(0x1000000000ULL + next, val);
		n++;
		key = next;
		err = mb_sys_map_get_next_key(fd, &key, &next);
	}
	EXPECT_EQ(-ENOENT, err);
	EXPECT_EQ(10, n);
	EXPECT_EQ(0x3ff, seen);

	key = 4;
	ASSERT_EQ(0, mb_sys_map_delete(fd, &key));
	EXPECT_EQ(-ENOENT, mb_sys_map_lookup(fd, &key, &val, 0));
	EXPECT_EQ(-ENOENT, mb_sys_map_delete(fd, &key));

	ASSERT_EQ(0, map_info(fd, &info));
	EXPECT_EQ(BPF_MAP_TYPE_HASH, info.type);
	EXPECT_EQ(4, info.key_size);
	EXPECT_EQ(8, info.value_size);
	EXPECT_EQ(64, info.max_entries);
	EXPECT_STREQ("h1_hash", info.name);
}

TEST_F(maps, array)
{
	uint32_t key = 3, next;
	uint64_t val = 0xdeadbeefcafeULL, out = 1;
	int fd;

	fd = self->fd[0] = map_new(BPF_MAP_TYPE_ARRAY, 4, 8, 8, 0, "h1_array");
	ASSERT_GE(fd, 3);
	/* Arrays are preallocated and zeroed; elements cannot be deleted. */
	ASSERT_EQ(0, mb_sys_map_lookup(fd, &key, &out, 0));
	EXPECT_EQ(0, out);
	ASSERT_EQ(0, mb_sys_map_update(fd, &key, &val, BPF_ANY));
	ASSERT_EQ(0, mb_sys_map_lookup(fd, &key, &out, 0));
	EXPECT_EQ(val, out);
	EXPECT_EQ(-EINVAL, mb_sys_map_delete(fd, &key));
	key = 8;
	EXPECT_EQ(-E2BIG, mb_sys_map_update(fd, &key, &val, BPF_ANY));
	key = 7;
	EXPECT_EQ(-ENOENT, mb_sys_map_get_next_key(fd, &key, &next));
	ASSERT_EQ(0, mb_sys_map_get_next_key(fd, NULL, &next));
	EXPECT_EQ(0, next);
}

static void percpu_check(struct __test_metadata *_metadata, uint32_t type, int fd)
{
	int ncpu = possible_cpus();
	uint64_t *in, *out;
	uint32_t key = 1;
	int i;

	ASSERT_GT(ncpu, 0);
	in = calloc(ncpu, 8);
	out = calloc(ncpu, 8);
	ASSERT_TRUE(in != NULL);
	ASSERT_TRUE(out != NULL);
	for (i = 0; i < ncpu; i++)
		in[i] = 1000 * (i + 1) + type;
	EXPECT_EQ(0, mb_sys_map_update(fd, &key, in, BPF_ANY));
	EXPECT_EQ(0, mb_sys_map_lookup(fd, &key, out, 0));
	for (i = 0; i < ncpu; i++) {
		EXPECT_EQ(in[i], out[i]) {
			TH_LOG("cpu %d", i);
		}
	}
	free(in);
	free(out);
}

TEST_F(maps, percpu_hash_and_array)
{
	self->fd[0] = map_new(BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 16, 0, "h1_pc_hash");
	ASSERT_GE(self->fd[0], 3);
	percpu_check(_metadata, BPF_MAP_TYPE_PERCPU_HASH, self->fd[0]);
	self->fd[1] = map_new(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0, "h1_pc_array");
	ASSERT_GE(self->fd[1], 3);
	percpu_check(_metadata, BPF_MAP_TYPE_PERCPU_ARRAY, self->fd[1]);
}

TEST_F(maps, lru_hash_evicts)
{
	uint32_t key, next;
	uint64_t val;
	int fd, n = 0;

	/* NO_COMMON_LRU would give each CPU its own share of 4 slots; keep one. */
	fd = self->fd[0] = map_new(BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, 0, "h1_lru");
	ASSERT_GE(fd, 3);
	for (key = 0; key < 64; key++) {
		val = key * 3;
		ASSERT_EQ(0, mb_sys_map_update(fd, &key, &val, BPF_ANY));
	}
	/* Full map still takes inserts: old entries were evicted. */
	key = 63;
	ASSERT_EQ(0, mb_sys_map_lookup(fd, &key, &val, 0));
	EXPECT_EQ(189, val);
	for (int err = mb_sys_map_get_next_key(fd, NULL, &next); !err;
	     key = next, err = mb_sys_map_get_next_key(fd, &key, &next))
		n++;
	EXPECT_LE(n, 4);
	EXPECT_GE(n, 1);
}

TEST_F(maps, ringbuf)
{
	struct bpf_map_info info;
	uint32_t key = 0;
	uint64_t val;
	int pg = (int)sysconf(_SC_PAGESIZE);

	/* A ring buffer is a power-of-2 number of pages, with no keys. */
	self->fd[0] = map_new(BPF_MAP_TYPE_RINGBUF, 0, 0, pg * 4, 0, "h1_rb");
	ASSERT_GE(self->fd[0], 3);
	ASSERT_EQ(0, map_info(self->fd[0], &info));
	EXPECT_EQ(BPF_MAP_TYPE_RINGBUF, info.type);
	EXPECT_EQ(pg * 4, info.max_entries);
	EXPECT_NE(0, mb_sys_map_lookup(self->fd[0], &key, &val, 0));
	EXPECT_EQ(-EINVAL, map_new(BPF_MAP_TYPE_RINGBUF, 0, 0, pg * 3, 0, "h1_rb_bad"));
}

TEST_F(maps, prog_array)
{
	struct bpf_insn insns[] = { MB_MOV64_IMM(BPF_REG_0, 0), MB_EXIT() };
	struct mb_prog_load_args pa = {
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = insns,
		.insn_cnt = MB_ARRAY_SIZE(insns), .license = "GPL", .name = "h1_tail",
	};
	struct bpf_prog_info info;
	uint32_t key = 2, pfd, id = 0, len = sizeof(info);

	SKIP_FD_ARRAY_ON_32BIT();
	self->fd[0] = map_new(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, "h1_progs");
	ASSERT_GE(self->fd[0], 3);
	self->fd[1] = mb_sys_prog_load(&pa);
	ASSERT_GE(self->fd[1], 3);
	pfd = (uint32_t)self->fd[1];
	ASSERT_EQ(0, mb_sys_map_update(self->fd[0], &key, &pfd, BPF_ANY));
	/* User space stores a prog fd and reads back the prog's id. */
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[1], &info, &len));
	ASSERT_EQ(0, mb_sys_map_lookup(self->fd[0], &key, &id, 0));
	EXPECT_EQ(info.id, id);
	key = 1;
	EXPECT_EQ(-ENOENT, mb_sys_map_lookup(self->fd[0], &key, &id, 0));
	key = 2;
	ASSERT_EQ(0, mb_sys_map_delete(self->fd[0], &key));
	EXPECT_EQ(-ENOENT, mb_sys_map_lookup(self->fd[0], &key, &id, 0));
}

TEST_F(maps, array_of_maps)
{
	struct mb_map_create_args outer = {
		.map_type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .key_size = 4, .value_size = 4,
		.max_entries = 2, .name = "h1_outer",
	};
	struct bpf_map_info info;
	uint32_t key = 1, ifd, id = 0;

	SKIP_FD_ARRAY_ON_32BIT();
	self->fd[0] = map_new(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, "h1_tmpl");
	ASSERT_GE(self->fd[0], 3);
	outer.inner_map_fd = self->fd[0];
	self->fd[1] = mb_sys_map_create(&outer);
	ASSERT_GE(self->fd[1], 3);
	/* The template can go; a compatible inner map goes in. */
	self->fd[2] = map_new(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, "h1_inner");
	ASSERT_GE(self->fd[2], 3);
	ifd = (uint32_t)self->fd[2];
	ASSERT_EQ(0, mb_sys_map_update(self->fd[1], &key, &ifd, BPF_ANY));
	/* From user space, a lookup returns the inner map's id. */
	ASSERT_EQ(0, mb_sys_map_lookup(self->fd[1], &key, &id, 0));
	ASSERT_EQ(0, map_info(self->fd[2], &info));
	EXPECT_EQ(info.id, id);
	/* An incompatible one (other value size) is refused. */
	self->fd[3] = map_new(BPF_MAP_TYPE_ARRAY, 4, 16, 1, 0, "h1_wrong");
	ASSERT_GE(self->fd[3], 3);
	ifd = (uint32_t)self->fd[3];
	EXPECT_EQ(-EINVAL, mb_sys_map_update(self->fd[1], &key, &ifd, BPF_ANY));
}

TEST_F(maps, freeze)
{
	uint32_t key = 0;
	uint64_t val = 7;

	self->fd[0] = map_new(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, "h1_frozen");
	ASSERT_GE(self->fd[0], 3);
	ASSERT_EQ(0, mb_sys_map_update(self->fd[0], &key, &val, BPF_ANY));
	ASSERT_EQ(0, mb_sys_map_freeze(self->fd[0]));
	EXPECT_EQ(-EPERM, mb_sys_map_update(self->fd[0], &key, &val, BPF_ANY));
	ASSERT_EQ(0, mb_sys_map_lookup(self->fd[0], &key, &val, 0));
	EXPECT_EQ(7, val);
}

TEST_HARNESS_MAIN
