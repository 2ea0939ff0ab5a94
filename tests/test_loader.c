// The object loader against the real kernel: objects compiled from progs/,
// loaded through the public API, with effects checked in maps and in the
// kernel's own view of what was loaded.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "lib_kernel.h"
#include "minibpf.h"
#include "syscall/bpf_sys.h"

#define OBJ(name) MB_BUILD_DIR "/progs/" name ".bpf.o"

static uint64_t lookup_u64(struct mb_map *m, uint32_t key)
{
	uint64_t v = 0;

	if (mb_map_lookup(m, &key, &v))
		return (uint64_t)-1;
	return v;
}

TEST(open_reports_programs_and_maps)
{
	struct mb_object *obj = mb_object_open(OBJ("loader_counts"), NULL);

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	EXPECT_STREQ("loader_counts", mb_object_name(obj));
	ASSERT_EQ(2, mb_object_prog_count(obj));
	EXPECT_STREQ("count_getpid", mb_prog_name(mb_object_prog(obj, 0)));
	EXPECT_STREQ("tracepoint/syscalls/sys_enter_getpid", mb_prog_section(mb_object_prog(obj, 0)));
	EXPECT_EQ(BPF_PROG_TYPE_TRACEPOINT, mb_prog_type(mb_object_prog(obj, 0)));
	EXPECT_EQ(BPF_PROG_TYPE_RAW_TRACEPOINT, mb_prog_type(mb_object_prog(obj, 1)));
	ASSERT_NE(NULL, mb_object_map_by_name(obj, "counts"));
	EXPECT_EQ(BPF_MAP_TYPE_HASH, mb_map_type(mb_object_map_by_name(obj, "counts")));
	EXPECT_EQ(64, mb_map_max_entries(mb_object_map_by_name(obj, "counts")));
	ASSERT_NE(NULL, mb_object_map_by_name(obj, ".rodata"));
	ASSERT_NE(NULL, mb_object_map_by_name(obj, ".data.custom"));
	mb_object_close(obj);
}

TEST(load_attach_counts_and_global_data)
{
	struct mb_object *obj = mb_object_open(OBJ("loader_counts"), NULL);
	struct mb_link *l1, *l2;
	struct mb_map *counts, *stats, *data, *bss, *custom;
	uint32_t *pid;
	uint64_t *inc, v;
	uint32_t me;
	size_t sz;
	int i;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	pid = mb_object_global(obj, "target_pid", &sz);
	ASSERT_NE(NULL, pid) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(4, sz);
	*pid = getpid();
	inc = mb_object_global(obj, "increment", &sz);
	ASSERT_NE(NULL, inc);
	EXPECT_EQ(1, *inc);
	*inc = 10;
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	me = *pid;      /* glibc's getpid() is a syscall too: call it no more */
	l1 = mb_prog_attach(mb_object_prog(obj, 0));
	ASSERT_NE(NULL, l1) TH_LOG("%s", mb_last_error());
	l2 = mb_prog_attach(mb_object_prog(obj, 1));
	ASSERT_NE(NULL, l2) TH_LOG("%s", mb_last_error());

	for (i = 0; i < 5; i++)
		syscall(SYS_getpid);    /* not the libc wrapper: it may cache */

	counts = mb_object_map_by_name(obj, "counts");
	stats = mb_object_map_by_name(obj, "stats");
	data = mb_object_map_by_name(obj, ".data");
	bss = mb_object_map_by_name(obj, ".bss");
	custom = mb_object_map_by_name(obj, ".data.custom");
	ASSERT_TRUE(counts && stats && data && bss && custom);
	/* first hit creates 1, four more add the .rodata increment 10 each */
	EXPECT_EQ(41, lookup_u64(counts, me));
	EXPECT_EQ(105, lookup_u64(data, 0));
	EXPECT_EQ(10, lookup_u64(bss, 0));
	EXPECT_EQ(22, lookup_u64(custom, 0));
	EXPECT_EQ(5, lookup_u64(stats, 0));      /* bpf_loop callback summed 0..3 */
	v = lookup_u64(stats, 1);
	EXPECT_GE(v, 5);                         /* raw_tp sees every syscall */
	/* .rodata is frozen and read-only for programs */
	{
		struct mb_map *ro = mb_object_map_by_name(obj, ".rodata");
		uint32_t zero = 0;
		char buf[64] = { 0 };

		ASSERT_NE(NULL, ro);
		EXPECT_NE(0, mb_map_update(ro, &zero, buf, 0));
	}
	mb_link_destroy(l1);
	mb_link_destroy(l2);
	/* detached: no more counting */
	syscall(SYS_getpid);
	EXPECT_EQ(41, lookup_u64(counts, me));
	mb_object_close(obj);
}

TEST(program_info_matches_kernel)
{
	struct mb_object *obj = mb_object_open(OBJ("loader_counts"), NULL);
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	ASSERT_NE(NULL, obj);
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_prog_fd(mb_object_prog(obj, 0)), &info, &len));
	EXPECT_EQ(BPF_PROG_TYPE_TRACEPOINT, info.type);
	EXPECT_STREQ("count_getpid", info.name);
	EXPECT_NE(0, info.btf_id);               /* object BTF went with it */
	EXPECT_GT(info.nr_func_info, 2);         /* the prog + its subprograms */
	EXPECT_GT(info.nr_line_info, 5);
	EXPECT_EQ(6, info.nr_map_ids);           /* counts, stats and the four data maps */
	mb_object_close(obj);
}

/* Ids are never reused: an object of ours still alive above the old maximum
 * id is a leak. Freed objects vanish asynchronously, so wait a little. */
static int leaked(int next_cmd, int fd_cmd, uint32_t since, const char *const *names)
{
	uint32_t id = since, next;
	int leaks = 0, k;

	usleep(100 * 1000);
	while (mb_sys_get_next_id(next_cmd, id, &next) == 0) {
		int fd = mb_sys_get_fd_by_id(fd_cmd, next);
		union { struct bpf_prog_info p; struct bpf_map_info m; } info;
		uint32_t len = sizeof(info);
		const char *name;

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !mb_sys_obj_get_info_by_fd(fd, &info, &len)) {
			name = next_cmd == BPF_PROG_GET_NEXT_ID ? info.p.name : info.m.name;
			for (k = 0; names[k]; k++)
				leaks += !strcmp(name, names[k]);
		}
		mb_close(fd);
		id = next;
	}
	return leaks;
}

FIXTURE(pinroot) {
	char dir[128];
};

FIXTURE_SETUP(pinroot)
{
	const char *root = mb_bpffs_path();

	ASSERT_NE(NULL, root);
	snprintf(self->dir, sizeof(self->dir), "%s/mbtest_loader_%d", root, getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0700));
}

FIXTURE_TEARDOWN(pinroot)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
}

TEST_F(pinroot, failed_load_leaves_nothing)
{
	static const char *const progs[] = { "good", "good2", "bad", NULL };
	static const char *const maps[] = { "vals", "bad_pinned", NULL };
	uint32_t prog0 = last_id(BPF_PROG_GET_NEXT_ID), map0 = last_id(BPF_MAP_GET_NEXT_ID);
	struct mb_open_opts o = { .sz = sizeof(o), .pin_root = self->dir };
	int fds = count_fds();
	struct mb_object *obj = mb_object_open(OBJ("loader_bad"), &o);
	struct dirent *e;
	const char *log;
	int err, pins = 0;
	DIR *d;

	ASSERT_NE(NULL, obj);
	err = mb_object_load(obj);
	EXPECT_EQ(-EACCES, err);
	EXPECT_NE(NULL, strstr(mb_last_error(), "prog 'bad'")) TH_LOG("%s", mb_last_error());
	EXPECT_NE(NULL, strstr(mb_last_error(), "invalid mem access 'map_value_or_null'"))
		TH_LOG("%s", mb_last_error());
	log = mb_prog_log(mb_object_prog_by_name(obj, "bad"));
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, "return *v;")) TH_LOG("no source line in: %s", log);
	EXPECT_EQ(-1, mb_prog_fd(mb_object_prog_by_name(obj, "good")));
	EXPECT_EQ(-1, mb_prog_fd(mb_object_prog_by_name(obj, "good2")));
	EXPECT_EQ(-1, mb_map_fd(mb_object_map_by_name(obj, "vals")));
	mb_object_close(obj);
	EXPECT_EQ(fds, count_fds());
	EXPECT_EQ(0, leaked(BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID, prog0, progs));
	EXPECT_EQ(0, leaked(BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID, map0, maps));
	d = opendir(self->dir);
	ASSERT_NE(NULL, d);
	while ((e = readdir(d)))
		pins += e->d_name[0] != '.';
	closedir(d);
	EXPECT_EQ(0, pins);
}

TEST_F(pinroot, pin_by_name_is_reused)
{
	struct mb_open_opts o = { .sz = sizeof(o), .pin_root = self->dir };
	struct mb_object *a = mb_object_open(OBJ("loader_pinned"), &o);
	struct mb_object *b = mb_object_open(OBJ("loader_pinned"), &o);
	struct bpf_map_info ia, ib;
	uint32_t la = sizeof(ia), lb = sizeof(ib), k = 0;
	uint64_t v = 42, got = 0;
	char p[256];
	struct stat st;

	ASSERT_TRUE(a && b);
	ASSERT_EQ(0, mb_object_load(a)) TH_LOG("%s", mb_last_error());
	snprintf(p, sizeof(p), "%s/shared_cnt", self->dir);
	ASSERT_EQ(0, stat(p, &st));
	ASSERT_EQ(0, mb_map_update(mb_object_map(a, 0), &k, &v, 0));
	ASSERT_EQ(0, mb_object_load(b)) TH_LOG("%s", mb_last_error());
	memset(&ia, 0, sizeof(ia));
	memset(&ib, 0, sizeof(ib));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_map_fd(mb_object_map(a, 0)), &ia, &la));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_map_fd(mb_object_map(b, 0)), &ib, &lb));
	EXPECT_EQ(ia.id, ib.id);
	ASSERT_EQ(0, mb_map_lookup(mb_object_map(b, 0), &k, &got));
	EXPECT_EQ(42, got);
	mb_object_close(a);
	mb_object_close(b);
	/* the pin outlives the objects */
	EXPECT_EQ(0, stat(p, &st));
}

TEST_F(pinroot, pin_by_name_shape_mismatch_refused)
{
	struct mb_open_opts o = { .sz = sizeof(o), .pin_root = self->dir };
	struct mb_map_create_args ma = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
					 .value_size = 4, .max_entries = 2, .name = "shared_cnt" };
	struct mb_object *obj;
	char p[256];
	int fd;

	fd = mb_sys_map_create(&ma);
	ASSERT_GE(fd, 3);
	snprintf(p, sizeof(p), "%s/shared_cnt", self->dir);
	ASSERT_EQ(0, mb_sys_obj_pin(fd, p));
	close(fd);
	obj = mb_object_open(OBJ("loader_pinned"), &o);
	ASSERT_NE(NULL, obj);
	EXPECT_EQ(-EINVAL, mb_object_load(obj));
	EXPECT_NE(NULL, strstr(mb_last_error(), "differs")) TH_LOG("%s", mb_last_error());
	mb_object_close(obj);
}

TEST(seed_example_loads_and_attaches)
{
	struct mb_object *obj = mb_object_open(OBJ("hello"), NULL);
	struct mb_link *l;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(1, mb_object_prog_count(obj));
	EXPECT_STREQ("bpf_prog", mb_prog_name(mb_object_prog(obj, 0)));
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	l = mb_prog_attach(mb_object_prog(obj, 0));
	ASSERT_NE(NULL, l) TH_LOG("%s", mb_last_error());
	EXPECT_GE(mb_link_fd(l), 3);
	mb_link_destroy(l);
	mb_object_close(obj);
}

TEST(missing_file_and_garbage_are_clear_errors)
{
	char path[] = "/tmp/mbtest_garbageXXXXXX";
	int fd = mkstemp(path);

	EXPECT_EQ(NULL, mb_object_open("/nonexistent/x.o", NULL));
	EXPECT_NE(NULL, strstr(mb_last_error(), "/nonexistent/x.o"));
	ASSERT_GE(fd, 0);
	ASSERT_EQ(11, write(fd, "hello world", 11));
	close(fd);
	EXPECT_EQ(NULL, mb_object_open(path, NULL));
	EXPECT_NE(0, strlen(mb_last_error()));
	unlink(path);
}

static uint32_t id_of(int fd)
{
	struct bpf_prog_info info;      /* id is the first field of map info too */
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return mb_sys_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

TEST(map_in_map_and_prog_array_initial_values)
{
	struct mb_object *obj = mb_object_open(OBJ("elf_multi"), NULL);
	struct mb_map *outer, *jumps;
	uint32_t k, id;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	outer = mb_object_map_by_name(obj, "outer");
	jumps = mb_object_map_by_name(obj, "jumps");
	ASSERT_TRUE(outer && jumps);
	/* from user space a map of maps yields the inner map's id */
	k = 0;
	ASSERT_EQ(0, mb_map_lookup(outer, &k, &id));
	EXPECT_EQ(id_of(mb_map_fd(mb_object_map_by_name(obj, "inner_a"))), id);
	k = 2;
	ASSERT_EQ(0, mb_map_lookup(outer, &k, &id));
	EXPECT_EQ(id_of(mb_map_fd(mb_object_map_by_name(obj, "inner_b"))), id);
	k = 1;
	EXPECT_EQ(-ENOENT, mb_map_lookup(outer, &k, &id));
	ASSERT_EQ(0, mb_map_lookup(jumps, &k, &id));
	EXPECT_EQ(id_of(mb_prog_fd(mb_object_prog_by_name(obj, "xdp_second"))), id);
	k = 0;
	EXPECT_EQ(-ENOENT, mb_map_lookup(jumps, &k, &id));
	mb_object_close(obj);
}

TEST(tail_call_through_initial_slot)
{
	struct mb_object *obj = mb_object_open(OBJ("loader_mim"), NULL);
	unsigned char pkt[64] = { 0 };
	uint32_t ret = 0, dur, z = 0;
	uint64_t v = 0;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, mb_sys_prog_test_run(mb_prog_fd(mb_object_prog_by_name(obj, "entry")), pkt,
					  sizeof(pkt), NULL, NULL, NULL, 0, NULL, NULL, 1, 0, &ret, &dur));
	EXPECT_EQ(7, ret);      /* entry -> jumps[1] = second -> outer[1] = in_b */
	ASSERT_EQ(0, mb_map_lookup(mb_object_map_by_name(obj, "in_b"), &z, &v));
	EXPECT_EQ(5, v);
	ASSERT_EQ(0, mb_map_lookup(mb_object_map_by_name(obj, "in_a"), &z, &v));
	EXPECT_EQ(0, v);
	mb_object_close(obj);
}

TEST(legacy_maps_section)
{
	struct mb_object *obj = mb_object_open(OBJ("elf_legacy"), NULL);
	struct mb_map *h, *a;
	unsigned char pkt[64] = { 0 };
	uint32_t ret = 99, dur;
	struct bpf_map_info info;
	uint32_t len = sizeof(info);

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	h = mb_object_map_by_name(obj, "legacy_hash");
	a = mb_object_map_by_name(obj, "legacy_arr");
	ASSERT_TRUE(h && a);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_map_fd(a), &info, &len));
	EXPECT_EQ(BPF_MAP_TYPE_ARRAY, info.type);
	EXPECT_EQ(2, info.max_entries);
	EXPECT_EQ(BPF_F_RDONLY_PROG, info.map_flags);
	EXPECT_STREQ("legacy_arr", info.name);
	/* empty hash, array slot 0 exists: the program returns 1 */
	ASSERT_EQ(0, mb_sys_prog_test_run(mb_prog_fd(mb_object_prog(obj, 0)), pkt, sizeof(pkt),
					  NULL, NULL, NULL, 0, NULL, NULL, 1, 0, &ret, &dur));
	EXPECT_EQ(1, ret);
	mb_object_close(obj);
}

/* SEC("?..."): such programs are left out of a load unless turned on, and
 * a ring buffer of 5000 bytes is created with a size the kernel takes. */
TEST(optional_programs_and_ringbuf_size)
{
	struct mb_object *obj = mb_object_open(OBJ("libbpf_conv"), NULL);
	struct mb_prog *always, *asked, *bad;
	struct mb_link *l1, *l2;
	struct bpf_map_info mi;
	uint32_t len = sizeof(mi), *pid;
	long page = sysconf(_SC_PAGESIZE);

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(4, mb_object_prog_count(obj));
	always = mb_object_prog_by_name(obj, "always");
	asked = mb_object_prog_by_name(obj, "when_asked");
	bad = mb_object_prog_by_name(obj, "never_valid");
	ASSERT_TRUE(always && asked && bad);
	EXPECT_EQ(BPF_PROG_TYPE_TRACEPOINT, mb_prog_type(asked));
	EXPECT_STREQ("?tp/syscalls/sys_enter_getpid", mb_prog_section(asked));
	pid = mb_object_global(obj, "target_pid", NULL);
	ASSERT_NE(NULL, pid);
	*pid = getpid();
	mb_prog_set_autoload(asked, 1);
	/* never_valid would fail the whole load if it reached the verifier */
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(-1, mb_prog_fd(bad));
	ASSERT_GE(mb_prog_fd(asked), 3);
	l1 = mb_prog_attach(always);
	l2 = mb_prog_attach(asked);
	ASSERT_TRUE(l1 && l2) TH_LOG("%s", mb_last_error());
	syscall(SYS_getpid);
	mb_link_destroy(l1);
	mb_link_destroy(l2);
	EXPECT_GE(lookup_u64(mb_object_map_by_name(obj, "hits"), 0), 1);
	EXPECT_GE(lookup_u64(mb_object_map_by_name(obj, "hits"), 1), 1);
	memset(&mi, 0, sizeof(mi));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_map_fd(mb_object_map_by_name(obj, "events")),
					       &mi, &len));
	EXPECT_EQ(BPF_MAP_TYPE_RINGBUF, mi.type);
	/* the smallest power-of-2 number of pages that holds 5000 bytes */
	EXPECT_EQ(page >= 8192 ? page : 8192, mi.max_entries);
	mb_object_close(obj);

	/* turned on, the invalid one is verified, and fails the load by name */
	obj = mb_object_open(OBJ("libbpf_conv"), NULL);
	ASSERT_NE(NULL, obj);
	mb_prog_set_autoload(mb_object_prog_by_name(obj, "never_valid"), 1);
	EXPECT_EQ(-EACCES, mb_object_load(obj));
	EXPECT_NE(NULL, strstr(mb_last_error(), "never_valid")) TH_LOG("%s", mb_last_error());
	/* the verifier's reason, whole, at the end */
	EXPECT_NE(NULL, strstr(mb_last_error(), "R0 invalid mem access 'map_value_or_null'\n"
			       "processed ")) TH_LOG("%s", mb_last_error());
	mb_object_close(obj);
}

/* A program in a section the SEC() table does not know: its type set by the
 * user, it loads and attaches as that type says (a socket filter dropping
 * every datagram of a socket pair). */
TEST(set_type_decides_how_to_attach)
{
	struct mb_object *obj = mb_object_open(OBJ("libbpf_conv"), NULL);
	struct mb_attach_opts ao = { .sz = sizeof(ao) };
	struct mb_prog *p;
	struct mb_link *l;
	int sv[2];
	char c = 'x';

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	p = mb_object_prog_by_name(obj, "custom_filter");
	ASSERT_NE(NULL, p);
	mb_prog_set_autoload(p, 1);
	mb_prog_set_type(p, BPF_PROG_TYPE_SOCKET_FILTER, 0);
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	/* without a socket, the error says what it needs */
	EXPECT_EQ(NULL, mb_prog_attach(p));
	EXPECT_NE(NULL, strstr(mb_last_error(), "a socket")) TH_LOG("%s", mb_last_error());
	ao.target_fd = sv[1];
	l = mb_prog_attach_opts(p, &ao);
	ASSERT_NE(NULL, l) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(1, send(sv[0], &c, 1, 0));
	EXPECT_EQ(-1, recv(sv[1], &c, 1, MSG_DONTWAIT));   /* dropped by the filter */
	EXPECT_EQ(EAGAIN, errno);
	mb_link_destroy(l);
	close(sv[0]);
	close(sv[1]);
	mb_object_close(obj);
}

/* ir-keytable's decoders load where the kernel has lirc_mode2 programs
 * (CONFIG_BPF_LIRC_MODE2: the Debian guest kernels do, this VM does not). */
TEST(ir_keytable_decoder_loads)
{
	const char *path = "/lib/udev/rc_keymaps/protocols/raw.o";
	struct mb_object *obj;
	int err;

	if (access(path, R_OK))
		SKIP(return, "%s: no ir-keytable installed (scripts/setup.sh installs it)", path);
	obj = mb_object_open(path, NULL);
	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(BPF_PROG_TYPE_LIRC_MODE2, mb_prog_type(mb_object_prog(obj, 0)));
	err = mb_object_load(obj);
	if (err == -EINVAL && !strstr(mb_last_error(), "verifier log")) {
		mb_object_close(obj);
		SKIP(return, "the kernel refuses lirc_mode2 programs (no CONFIG_BPF_LIRC_MODE2)");
	}
	EXPECT_EQ(0, err) TH_LOG("%s", mb_last_error());
	EXPECT_GE(mb_map_fd(mb_object_map_by_name(obj, "raw_map")), 3);
	mb_object_close(obj);
}

TEST_HARNESS_MAIN
