/* syscall/ against the running kernel: program load and the verifier log,
 * pinning, introspection, test runs, fd hygiene, tracing, fault injection. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/btf.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "lib_kernel.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"
#include "tests/lib_asm.h"

#define BPF_FS_MAGIC 0xcafe4a11

static const struct bpf_insn ret42[] = {
	MB_MOV64_IMM(BPF_REG_0, 42),
	MB_EXIT(),
};

/* Reads r2, which nothing wrote: the verifier says "R2 !read_ok". */
static const struct bpf_insn reads_r2[] = {
	MB_MOV64_IMM(BPF_REG_0, 0),
	MB_MOV64_REG(BPF_REG_0, BPF_REG_2),
	MB_EXIT(),
};

static int load(const struct bpf_insn *insns, uint32_t cnt, uint32_t type, const char *name)
{
	struct mb_prog_load_args a = {
		.prog_type = type, .insns = insns, .insn_cnt = cnt,
		.license = "GPL", .name = name,
	};

	return mb_sys_prog_load(&a);
}

static int map_new(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max, const char *name)
{
	struct mb_map_create_args a = {
		.map_type = type, .key_size = ks, .value_size = vs,
		.max_entries = max, .name = name,
	};

	return mb_sys_map_create(&a);
}

FIXTURE(sys) {
	int fd[4];
	char *log;
	char dir[64];
	char pin[2][96];
	char cg[256];
};

FIXTURE_SETUP(sys) {}

FIXTURE_TEARDOWN(sys)
{
	for (int i = 0; i < 4; i++)
		mb_close(self->fd[i]);
	free(self->log);
	for (int i = 0; i < 2; i++)
		if (self->pin[i][0])
			unlink(self->pin[i]);
	if (self->dir[0])
		rmdir(self->dir);
	if (self->cg[0])
		rmdir(self->cg);
	mb_trace_set(NULL);
}

TEST_F(sys, good_prog_accepted)
{
	struct bpf_prog_info info;
	struct bpf_insn xl[8];
	uint32_t len = sizeof(info);

	self->fd[0] = load(ret42, MB_ARRAY_SIZE(ret42), BPF_PROG_TYPE_SOCKET_FILTER, "h1_ret42");
	ASSERT_GE(self->fd[0], 3);
	/* The kernel reports what it holds: type, name, and the instructions
	 * after its rewrites (none for these two). */
	memset(&info, 0, sizeof(info));
	memset(xl, 0xff, sizeof(xl));
	info.xlated_prog_len = sizeof(xl);
	info.xlated_prog_insns = mb_ptr(xl);
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[0], &info, &len));
	EXPECT_EQ(BPF_PROG_TYPE_SOCKET_FILTER, info.type);
	EXPECT_STREQ("h1_ret42", info.name);
	ASSERT_EQ(sizeof(ret42), info.xlated_prog_len);
	EXPECT_EQ(0, memcmp(xl, ret42, sizeof(ret42)));
	EXPECT_NE(0, info.id);
}

TEST_F(sys, bind_map_shows_in_map_ids)
{
	struct bpf_prog_info pi;
	struct bpf_map_info mi;
	uint32_t ids[4] = { 0 }, len;

	self->fd[0] = load(ret42, 2, BPF_PROG_TYPE_SOCKET_FILTER, "h1_bind");
	ASSERT_GE(self->fd[0], 3);
	self->fd[1] = map_new(BPF_MAP_TYPE_ARRAY, 4, 4, 1, "h1_rodata");
	ASSERT_GE(self->fd[1], 3);
	ASSERT_EQ(0, mb_sys_prog_bind_map(self->fd[0], self->fd[1]));
	len = sizeof(mi);
	memset(&mi, 0, sizeof(mi));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[1], &mi, &len));
	len = sizeof(pi);
	memset(&pi, 0, sizeof(pi));
	pi.nr_map_ids = 4;
	pi.map_ids = mb_ptr(ids);
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[0], &pi, &len));
	ASSERT_EQ(1, pi.nr_map_ids);
	EXPECT_EQ(mi.id, ids[0]);
}

TEST_F(sys, bad_prog_rejected_with_reason)
{
	struct mb_prog_load_args a = {
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = reads_r2,
		.insn_cnt = MB_ARRAY_SIZE(reads_r2), .license = "GPL", .name = "h1_bad",
	};
	static const struct bpf_insn no_exit[] = { MB_MOV64_IMM(BPF_REG_0, 0) };
	int fd;

	/* log_level 0: mb_prog_load_log reloads with a log to get the reason. */
	fd = mb_prog_load_log(&a, &self->log);
	EXPECT_EQ(-EACCES, fd);
	ASSERT_TRUE(self->log != NULL);
	EXPECT_TRUE(strstr(self->log, "R2 !read_ok") != NULL) TH_LOG("log: %s", self->log);
	free(self->log);
	self->log = NULL;

	a.insns = no_exit;
	a.insn_cnt = 1;
	fd = mb_prog_load_log(&a, &self->log);
	EXPECT_EQ(-EINVAL, fd);
	ASSERT_TRUE(self->log != NULL);
	EXPECT_TRUE(strstr(self->log, "last insn is not an exit or jmp") != NULL)
		TH_LOG("log: %s", self->log);
}

TEST_F(sys, log_grows_to_full_size)
{
	struct bpf_insn insns[64];
	struct mb_prog_load_args a = {
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = insns,
		.license = "GPL", .name = "h1_longlog",
	};
	struct mb_prog_load_args big;
	unsigned long calls;
	uint32_t n = 0;
	char *ref;

	/* 60 instructions before the bad read: a level-1 log of a few KiB. */
	for (int i = 0; i < 60; i++)
		insns[n++] = (struct bpf_insn)MB_MOV64_IMM(BPF_REG_0, i);
	insns[n++] = (struct bpf_insn)MB_MOV64_REG(BPF_REG_0, BPF_REG_2);
	insns[n++] = (struct bpf_insn)MB_EXIT();
	a.insn_cnt = n;

	ref = calloc(1, 1 << 20);
	ASSERT_TRUE(ref != NULL);
	big = a;
	big.log_level = 1;
	big.log_buf = ref;
	big.log_size = 1 << 20;
	EXPECT_EQ(-EACCES, mb_sys_prog_load(&big));
	ASSERT_GT(strlen(ref), 1024);

	mb_sys_log_start = 128;
	mb_sys_fail_nth(0, 0);
	EXPECT_EQ(-EACCES, mb_prog_load_log(&a, &self->log));
	calls = mb_sys_fail_nth(0, 0);
	ASSERT_TRUE(self->log != NULL);
	EXPECT_STREQ(ref, self->log);
	EXPECT_TRUE(strstr(self->log, "R2 !read_ok") != NULL);
	/* 6.4+ says how big the log is: no log, 128 bytes, then exactly enough. */
	if (big.log_true_size) {
		EXPECT_EQ(strlen(ref) + 1, big.log_true_size);
		EXPECT_EQ(3, calls);
	}
	free(ref);
}

TEST_F(sys, log_kept_on_success_when_asked)
{
	struct mb_prog_load_args a = {
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = ret42,
		.insn_cnt = MB_ARRAY_SIZE(ret42), .license = "GPL", .name = "h1_ok_log",
		.log_level = 2,
	};

	mb_sys_log_start = 128;
	self->fd[0] = mb_prog_load_log(&a, &self->log);
	ASSERT_GE(self->fd[0], 3);
	ASSERT_TRUE(self->log != NULL);
	EXPECT_TRUE(strstr(self->log, "processed 2 insns") != NULL) TH_LOG("log: %s", self->log);
}

static int ensure_bpffs(void)
{
	struct statfs st;

	if (!statfs("/sys/fs/bpf", &st) && (unsigned long)st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL))
		return -errno;
	return 0;
}

TEST_F(sys, pin_and_get)
{
	struct bpf_map_info mi1, mi2;
	struct bpf_prog_info pi1, pi2;
	uint32_t len, key = 0;
	uint64_t val = 5;

	if (ensure_bpffs())
		SKIP(return, "no bpffs at /sys/fs/bpf and cannot mount it");
	snprintf(self->dir, sizeof(self->dir), "/sys/fs/bpf/mb_h1_%d", getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	snprintf(self->pin[0], sizeof(self->pin[0]), "%s/map", self->dir);
	snprintf(self->pin[1], sizeof(self->pin[1]), "%s/prog", self->dir);

	self->fd[0] = map_new(BPF_MAP_TYPE_ARRAY, 4, 8, 1, "h1_pinned");
	ASSERT_GE(self->fd[0], 3);
	self->fd[1] = load(ret42, 2, BPF_PROG_TYPE_SOCKET_FILTER, "h1_pinned");
	ASSERT_GE(self->fd[1], 3);
	ASSERT_EQ(0, mb_sys_obj_pin(self->fd[0], self->pin[0]));
	ASSERT_EQ(0, mb_sys_obj_pin(self->fd[1], self->pin[1]));
	EXPECT_EQ(-EEXIST, mb_sys_obj_pin(self->fd[0], self->pin[0]));

	self->fd[2] = mb_sys_obj_get(self->pin[0], 0);
	ASSERT_GE(self->fd[2], 3);
	self->fd[3] = mb_sys_obj_get(self->pin[1], 0);
	ASSERT_GE(self->fd[3], 3);
	len = sizeof(mi1);
	memset(&mi1, 0, sizeof(mi1));
	memset(&mi2, 0, sizeof(mi2));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[0], &mi1, &len));
	len = sizeof(mi2);
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[2], &mi2, &len));
	EXPECT_EQ(mi1.id, mi2.id);
	len = sizeof(pi1);
	memset(&pi1, 0, sizeof(pi1));
	memset(&pi2, 0, sizeof(pi2));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[1], &pi1, &len));
	len = sizeof(pi2);
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[3], &pi2, &len));
	EXPECT_EQ(pi1.id, pi2.id);

	/* A write through the pinned map shows through the original fd. */
	ASSERT_EQ(0, mb_sys_map_update(self->fd[2], &key, &val, BPF_ANY));
	val = 0;
	ASSERT_EQ(0, mb_sys_map_lookup(self->fd[0], &key, &val, 0));
	EXPECT_EQ(5, val);
	/* A read-only open refuses writes. */
	mb_close(self->fd[2]);
	self->fd[2] = mb_sys_obj_get(self->pin[0], BPF_F_RDONLY);
	ASSERT_GE(self->fd[2], 3);
	EXPECT_EQ(-EPERM, mb_sys_map_update(self->fd[2], &key, &val, BPF_ANY));
	EXPECT_EQ(0, mb_sys_map_lookup(self->fd[2], &key, &val, 0));
	EXPECT_EQ(-ENOENT, mb_sys_obj_get("/sys/fs/bpf/mb_h1_no_such_pin", 0));
}

TEST_F(sys, next_id_and_fd_by_id)
{
	struct bpf_map_info mi;
	struct bpf_prog_info pi;
	uint32_t len, id, map_id, prog_id;
	int found = 0, err;

	self->fd[0] = map_new(BPF_MAP_TYPE_HASH, 4, 4, 4, "h1_byid");
	ASSERT_GE(self->fd[0], 3);
	self->fd[1] = load(ret42, 2, BPF_PROG_TYPE_SOCKET_FILTER, "h1_byid");
	ASSERT_GE(self->fd[1], 3);
	len = sizeof(mi);
	memset(&mi, 0, sizeof(mi));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[0], &mi, &len));
	map_id = mi.id;
	len = sizeof(pi);
	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[1], &pi, &len));
	prog_id = pi.id;

	for (id = 0; !(err = mb_sys_get_next_id(BPF_MAP_GET_NEXT_ID, id, &id));)
		found += id == map_id;
	EXPECT_EQ(-ENOENT, err);
	EXPECT_EQ(1, found);
	found = 0;
	for (id = 0; !(err = mb_sys_get_next_id(BPF_PROG_GET_NEXT_ID, id, &id));)
		found += id == prog_id;
	EXPECT_EQ(-ENOENT, err);
	EXPECT_EQ(1, found);

	self->fd[2] = mb_sys_get_fd_by_id(BPF_MAP_GET_FD_BY_ID, map_id);
	ASSERT_GE(self->fd[2], 3);
	len = sizeof(mi);
	memset(&mi, 0, sizeof(mi));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[2], &mi, &len));
	EXPECT_EQ(map_id, mi.id);
	EXPECT_STREQ("h1_byid", mi.name);
	EXPECT_EQ(4, mi.key_size);
	self->fd[3] = mb_sys_get_fd_by_id(BPF_PROG_GET_FD_BY_ID, prog_id);
	ASSERT_GE(self->fd[3], 3);
	len = sizeof(pi);
	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[3], &pi, &len));
	EXPECT_EQ(prog_id, pi.id);
	EXPECT_EQ(2, pi.xlated_prog_len / sizeof(struct bpf_insn));
}

/* The cgroup v2 mount point, from /proc/self/mountinfo. */
static int cgroup2_path(char *out, size_t len)
{
	char line[1024], mnt[512], *sep;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		sep = strstr(line, " - cgroup2 ");
		if (sep && sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1)
			found = snprintf(out, len, "%s", mnt) < (int)len;
	}
	fclose(f);
	return found;
}

TEST_F(sys, cgroup_attach_query_detach)
{
	static const struct bpf_insn allow[] = { MB_MOV64_IMM(BPF_REG_0, 1), MB_EXIT() };
	struct mb_prog_load_args a = {
		.prog_type = BPF_PROG_TYPE_CGROUP_SKB, .insns = allow, .insn_cnt = 2,
		.license = "GPL", .name = "h1_cg", .expected_attach_type = BPF_CGROUP_INET_EGRESS,
	};
	struct mb_link_create_args la = { .attach_type = BPF_CGROUP_INET_EGRESS };
	struct bpf_prog_info pi;
	struct bpf_link_info li;
	uint32_t ids[4], cnt, flags = 0, len;
	char mnt[200], want[400], *text = NULL;
	size_t tsize = 0;
	FILE *f;

	if (!cgroup2_path(mnt, sizeof(mnt)))
		SKIP(return, "no cgroup v2 mount");
	snprintf(self->cg, sizeof(self->cg), "%s/mb_h1_%d", mnt, getpid());
	ASSERT_EQ(0, mkdir(self->cg, 0755));
	self->fd[2] = open(self->cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_GE(self->fd[2], 3);
	self->fd[0] = mb_sys_prog_load(&a);
	ASSERT_GE(self->fd[0], 3);
	len = sizeof(pi);
	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[0], &pi, &len));

	f = open_memstream(&text, &tsize);
	ASSERT_TRUE(f != NULL);
	mb_trace_set(f);
	mb_trace_timing_set(0);
	ASSERT_EQ(0, mb_sys_prog_attach(self->fd[0], self->fd[2], BPF_CGROUP_INET_EGRESS,
					BPF_F_ALLOW_MULTI));
	mb_trace_set(NULL);
	mb_trace_timing_set(1);
	fclose(f);
	snprintf(want, sizeof(want), "bpf(BPF_PROG_ATTACH, target_fd=%d<%s> attach_bpf_fd=%d"
		 "<prog:h1_cg> attach_type=CGROUP_INET_EGRESS attach_flags=ALLOW_MULTI) = 0\n",
		 self->fd[2], self->cg, self->fd[0]);
	EXPECT_STREQ(want, text);
	free(text);

	cnt = 4;
	ASSERT_EQ(0, mb_sys_prog_query(self->fd[2], BPF_CGROUP_INET_EGRESS, 0, &flags, ids, &cnt));
	ASSERT_EQ(1, cnt);
	EXPECT_EQ(pi.id, ids[0]);
	EXPECT_EQ(BPF_F_ALLOW_MULTI, flags);
	ASSERT_EQ(0, mb_sys_prog_detach(self->fd[0], self->fd[2], BPF_CGROUP_INET_EGRESS));
	cnt = 4;
	ASSERT_EQ(0, mb_sys_prog_query(self->fd[2], BPF_CGROUP_INET_EGRESS, 0, NULL, ids, &cnt));
	EXPECT_EQ(0, cnt);

	/* The same through a link, which detaches on BPF_LINK_DETACH. */
	la.prog_fd = self->fd[0];
	la.target_fd = self->fd[2];
	self->fd[1] = mb_sys_link_create(&la);
	ASSERT_GE(self->fd[1], 3);
	len = sizeof(li);
	memset(&li, 0, sizeof(li));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[1], &li, &len));
	EXPECT_EQ(BPF_LINK_TYPE_CGROUP, li.type);
	EXPECT_EQ(pi.id, li.prog_id);
	cnt = 4;
	ASSERT_EQ(0, mb_sys_prog_query(self->fd[2], BPF_CGROUP_INET_EGRESS, 0, NULL, ids, &cnt));
	EXPECT_EQ(1, cnt);
	ASSERT_EQ(0, mb_sys_link_detach(self->fd[1]));
	cnt = 4;
	ASSERT_EQ(0, mb_sys_prog_query(self->fd[2], BPF_CGROUP_INET_EGRESS, 0, NULL, ids, &cnt));
	EXPECT_EQ(0, cnt);
}

TEST_F(sys, raw_tracepoint_link)
{
	static const struct bpf_insn ret0[] = { MB_MOV64_IMM(BPF_REG_0, 0), MB_EXIT() };
	struct bpf_link_info li, li2;
	struct bpf_prog_info pi;
	uint32_t len;

	self->fd[0] = load(ret0, 2, BPF_PROG_TYPE_RAW_TRACEPOINT, "h1_rawtp");
	ASSERT_GE(self->fd[0], 3);
	self->fd[1] = mb_sys_raw_tracepoint_open("sys_enter", self->fd[0]);
	ASSERT_GE(self->fd[1], 3);
	EXPECT_EQ(-ENOENT, mb_sys_raw_tracepoint_open("mb_h1_no_such_tp", self->fd[0]));
	len = sizeof(pi);
	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[0], &pi, &len));
	len = sizeof(li);
	memset(&li, 0, sizeof(li));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[1], &li, &len));
	EXPECT_EQ(BPF_LINK_TYPE_RAW_TRACEPOINT, li.type);
	EXPECT_EQ(pi.id, li.prog_id);
	self->fd[2] = mb_sys_get_fd_by_id(BPF_LINK_GET_FD_BY_ID, li.id);
	ASSERT_GE(self->fd[2], 3);
	len = sizeof(li2);
	memset(&li2, 0, sizeof(li2));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[2], &li2, &len));
	EXPECT_EQ(li.id, li2.id);
}

TEST_F(sys, test_run_socket_filter_and_xdp)
{
	static const struct bpf_insn xdp_tx[] = { MB_MOV64_IMM(BPF_REG_0, XDP_TX), MB_EXIT() };
	unsigned char pkt[64], out[128];
	uint32_t out_len = sizeof(out), retval = 0, dur = 0;

	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (unsigned char)i;
	self->fd[0] = load(ret42, 2, BPF_PROG_TYPE_SOCKET_FILTER, "h1_run_sk");
	ASSERT_GE(self->fd[0], 3);
	ASSERT_EQ(0, mb_sys_prog_test_run(self->fd[0], pkt, sizeof(pkt), NULL, NULL,
					  NULL, 0, NULL, NULL, 1, 0, &retval, &dur));
	EXPECT_EQ(42, retval);

	self->fd[1] = load(xdp_tx, 2, BPF_PROG_TYPE_XDP, "h1_run_xdp");
	ASSERT_GE(self->fd[1], 3);
	retval = 0;
	ASSERT_EQ(0, mb_sys_prog_test_run(self->fd[1], pkt, sizeof(pkt), out, &out_len,
					  NULL, 0, NULL, NULL, 1, 0, &retval, &dur));
	EXPECT_EQ(XDP_TX, retval);
	ASSERT_EQ(sizeof(pkt), out_len);
	EXPECT_EQ(0, memcmp(pkt, out, sizeof(pkt)));
}

TEST(fds_are_high_and_cloexec)
{
	int status, fd;
	pid_t pid;

	fd = map_new(BPF_MAP_TYPE_ARRAY, 4, 4, 1, "h1_cloexec");
	ASSERT_GE(fd, 3);
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	mb_close(fd);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* With stdio closed the kernel would hand out 0, 1, 2. */
		close(0);
		close(1);
		close(2);
		fd = map_new(BPF_MAP_TYPE_ARRAY, 4, 4, 1, "h1_lowfd");
		if (fd < 3)
			_exit(10 + (fd < 0));
		if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC))
			_exit(12);
		fd = load(ret42, 2, BPF_PROG_TYPE_SOCKET_FILTER, "h1_lowfd");
		if (fd < 3)
			_exit(13);
		if (open("/dev/null", O_RDONLY | O_CLOEXEC) != 0)
			_exit(14);
		fd = mb_fd_sanitize(0);
		if (fd < 3 || !(fcntl(fd, F_GETFD) & FD_CLOEXEC) || fcntl(0, F_GETFD) != -1)
			_exit(15);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* A minimal BTF blob: one 32-bit int; bits > 32 makes it invalid. */
static void make_btf(unsigned char *buf, size_t *len, uint32_t bits)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = sizeof(struct btf_type) + 4,
		.str_off = sizeof(struct btf_type) + 4, .str_len = 5,
	};
	struct btf_type t = { .name_off = 1, .info = BTF_KIND_INT << 24, .size = 4 };
	uint32_t enc = BTF_INT_SIGNED << 24 | bits;

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), &t, sizeof(t));
	memcpy(buf + sizeof(h) + sizeof(t), &enc, 4);
	memcpy(buf + sizeof(h) + sizeof(t) + 4, "\0int", 5);
	*len = sizeof(h) + sizeof(t) + 4 + 5;
}

TEST_F(sys, btf_load)
{
	unsigned char blob[128];
	struct bpf_btf_info info;
	uint32_t len = sizeof(info);
	size_t n;

	make_btf(blob, &n, 32);
	self->fd[0] = mb_sys_btf_load(blob, (uint32_t)n, &self->log);
	ASSERT_GE(self->fd[0], 3);
	EXPECT_TRUE(self->log == NULL);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[0], &info, &len));
	EXPECT_NE(0, info.id);
	EXPECT_EQ(n, info.btf_size);

	make_btf(blob, &n, 64);
	mb_sys_log_start = 128;
	EXPECT_EQ(-EINVAL, mb_sys_btf_load(blob, (uint32_t)n, &self->log));
	ASSERT_TRUE(self->log != NULL);
	EXPECT_TRUE(strstr(self->log, "int") != NULL) TH_LOG("log: %s", self->log);
}

TEST_F(sys, no_fd_leak_on_errors)
{
	struct mb_prog_load_args a = {
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = reads_r2,
		.insn_cnt = MB_ARRAY_SIZE(reads_r2), .license = "GPL",
	};
	unsigned char junk[64] = { 0x9f, 0xeb, 1, 0 };
	int before = count_fds();

	ASSERT_GT(before, 0);
	EXPECT_EQ(-EINVAL, map_new(9999, 4, 4, 1, "h1_bad"));
	EXPECT_EQ(-EINVAL, map_new(BPF_MAP_TYPE_HASH, 0, 4, 1, "h1_bad"));
	EXPECT_EQ(-EACCES, mb_prog_load_log(&a, &self->log));
	free(self->log);
	self->log = NULL;
	EXPECT_GT(0, mb_sys_btf_load(junk, sizeof(junk), &self->log));
	EXPECT_EQ(-ENOENT, mb_sys_obj_get("/sys/fs/bpf/mb_h1_no_such_pin", 0));
	EXPECT_EQ(-ENOENT, mb_sys_get_fd_by_id(BPF_MAP_GET_FD_BY_ID, 0x7ffffff0));
	EXPECT_EQ(before, count_fds());
}

TEST_F(sys, trace_lines)
{
	static const unsigned char key[4] = { 0 };
	static const unsigned char val[8] = { 1 };
	struct mb_map_create_args ma = {
		.map_type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8,
		.max_entries = 16, .map_flags = BPF_F_NO_PREALLOC, .name = "counts",
	};
	struct mb_prog_load_args pa = {
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = ret42,
		.insn_cnt = 2, .license = "GPL", .name = "h1_traced",
	};
	struct bpf_map_info mi;
	uint32_t len;
	unsigned char out[8];
	char *text = NULL, want[256], out2[64];
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	ASSERT_TRUE(f != NULL);
	mb_trace_set(f);
	ASSERT_TRUE(mb_trace_enabled());
	self->fd[0] = mb_sys_map_create(&ma);
	ASSERT_GE(self->fd[0], 3);
	ASSERT_EQ(0, mb_sys_map_update(self->fd[0], key, val, BPF_ANY));
	ASSERT_EQ(0, mb_sys_map_lookup(self->fd[0], key, out, 0));
	self->fd[1] = mb_prog_load_log(&pa, &self->log);
	ASSERT_GE(self->fd[1], 3);
	pa.insns = reads_r2;
	pa.insn_cnt = 3;
	pa.name = "h1_bad";
	EXPECT_EQ(-EACCES, mb_prog_load_log(&pa, &self->log));
	/* An fd this layer did not create is looked up: name and key size. */
	len = sizeof(mi);
	memset(&mi, 0, sizeof(mi));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(self->fd[0], &mi, &len));
	mb_trace_forget(self->fd[0]);
	self->fd[2] = mb_sys_get_fd_by_id(BPF_MAP_GET_FD_BY_ID, mi.id);
	ASSERT_GE(self->fd[2], 3);
	ASSERT_EQ(-ENOENT, mb_sys_map_delete(self->fd[0], "\1\0\0\0"));
	mb_trace_line("perf_event_open(type=%d) = %d", 2, 7);
	mb_trace_timing_set(0);
	ASSERT_EQ(0, mb_sys_map_freeze(self->fd[0]));
	mb_trace_timing_set(1);
	mb_trace_set(NULL);
	mb_sys_map_get_next_key(self->fd[0], NULL, out);   /* not traced */
	fclose(f);
	ASSERT_TRUE(text != NULL);
	TH_LOG("trace:\n%s", text);

	snprintf(want, sizeof(want), "bpf(BPF_MAP_CREATE, map_type=HASH key_size=4 value_size=8 "
		 "max_entries=16 map_flags=NO_PREALLOC map_name=\"counts\") = %d<map:counts> <",
		 self->fd[0]);
	EXPECT_TRUE(strstr(text, want) != NULL) TH_LOG("want: %s", want);
	snprintf(want, sizeof(want), "bpf(BPF_MAP_UPDATE_ELEM, map_fd=%d<map:counts> "
		 "key=00 00 00 00 value=01 00 00 00 00 00 00 00 flags=BPF_ANY) = 0 <",
		 self->fd[0]);
	EXPECT_TRUE(strstr(text, want) != NULL) TH_LOG("want: %s", want);
	snprintf(want, sizeof(want), "bpf(BPF_MAP_LOOKUP_ELEM, map_fd=%d<map:counts> "
		 "key=00 00 00 00 value=01 00 00 00 00 00 00 00) = 0 <", self->fd[0]);
	EXPECT_TRUE(strstr(text, want) != NULL) TH_LOG("want: %s", want);
	snprintf(want, sizeof(want), "bpf(BPF_PROG_LOAD, prog_type=SOCKET_FILTER insn_cnt=2 "
		 "license=\"GPL\" prog_name=\"h1_traced\" log_level=0) = %d<prog:h1_traced> <",
		 self->fd[1]);
	EXPECT_TRUE(strstr(text, want) != NULL) TH_LOG("want: %s", want);
	EXPECT_TRUE(strstr(text, "prog_name=\"h1_bad\" log_level=0) = -1 EACCES "
			       "(Permission denied) <") != NULL);
	EXPECT_TRUE(strstr(text, "prog_name=\"h1_bad\" log_level=1 log_size=16384) = "
			       "-1 EACCES (Permission denied) [verifier log: ") != NULL);
	snprintf(want, sizeof(want), "bpf(BPF_MAP_GET_FD_BY_ID, map_id=%u) = %d<map:counts> <",
		 mi.id, self->fd[2]);
	EXPECT_TRUE(strstr(text, want) != NULL) TH_LOG("want: %s", want);
	snprintf(want, sizeof(want), "bpf(BPF_MAP_DELETE_ELEM, map_fd=%d<map:counts> "
		 "key=01 00 00 00) = -1 ENOENT (No such file or directory) <", self->fd[0]);
	EXPECT_TRUE(strstr(text, want) != NULL) TH_LOG("want: %s", want);
	EXPECT_TRUE(strstr(text, "\nperf_event_open(type=2) = 7\n") != NULL);
	snprintf(want, sizeof(want), "%d<map:counts>", self->fd[0]);
	EXPECT_STREQ(want, mb_trace_fd_format(self->fd[0], out2, sizeof(out2)));
	self->fd[3] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(self->fd[3], 3);
	snprintf(want, sizeof(want), "%d</dev/null>", self->fd[3]);
	EXPECT_STREQ(want, mb_trace_fd_format(self->fd[3], out2, sizeof(out2)));
	snprintf(want, sizeof(want), "\nbpf(BPF_MAP_FREEZE, map_fd=%d<map:counts>) = 0\n",
		 self->fd[0]);
	EXPECT_TRUE(strstr(text, want) != NULL) TH_LOG("want: %s", want);
	EXPECT_TRUE(strstr(text, "BPF_MAP_GET_NEXT_KEY") == NULL);
	free(text);
}

TEST_F(sys, fault_injection)
{
	int before = count_fds();
	unsigned long n0 = mb_sys_count();
	struct mb_prog_load_args a = {
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = ret42,
		.insn_cnt = 2, .license = "GPL",
	};

	mb_sys_fail_nth(1, EPERM);
	EXPECT_EQ(-EPERM, map_new(BPF_MAP_TYPE_ARRAY, 4, 4, 1, "h1_fault"));
	EXPECT_EQ(before, count_fds());
	EXPECT_EQ(n0 + 1, mb_sys_count());
	/* One failure only: the next call goes through. */
	self->fd[0] = map_new(BPF_MAP_TYPE_ARRAY, 4, 4, 1, "h1_fault");
	EXPECT_GE(self->fd[0], 3);
	EXPECT_EQ(2, mb_sys_fail_nth(0, 0));

	/* The 2nd call from now fails; an injected failure is never retried. */
	mb_sys_fail_nth(2, ENOMEM);
	EXPECT_GE(self->fd[1] = load(ret42, 2, BPF_PROG_TYPE_SOCKET_FILTER, "h1_ok"), 3);
	EXPECT_EQ(-ENOMEM, mb_prog_load_log(&a, &self->log));
	EXPECT_TRUE(self->log == NULL);
	EXPECT_EQ(2, mb_sys_fail_nth(0, 0));
	EXPECT_EQ(before + 2, count_fds());
}

TEST(enum_names)
{
	EXPECT_STREQ("MAP_CREATE", mb_enum_name(MB_ENUM_CMD, BPF_MAP_CREATE));
	EXPECT_STREQ("PROG_BIND_MAP", mb_enum_name(MB_ENUM_CMD, BPF_PROG_BIND_MAP));
	EXPECT_STREQ("PROG_STREAM_READ_BY_FD", mb_enum_name(MB_ENUM_CMD, MB_BPF_PROG_STREAM_READ_BY_FD));
	EXPECT_TRUE(mb_enum_name(MB_ENUM_CMD, MB_BPF_CMD_MAX) == NULL);
	EXPECT_STREQ("USER_RINGBUF", mb_enum_name(MB_ENUM_MAP_TYPE, BPF_MAP_TYPE_USER_RINGBUF));
	EXPECT_STREQ("ARENA", mb_enum_name(MB_ENUM_MAP_TYPE, MB_BPF_MAP_TYPE_ARENA));
	EXPECT_TRUE(mb_enum_name(MB_ENUM_MAP_TYPE, MB_BPF_MAP_TYPE_MAX) == NULL);
	EXPECT_STREQ("SYSCALL", mb_enum_name(MB_ENUM_PROG_TYPE, BPF_PROG_TYPE_SYSCALL));
	EXPECT_STREQ("NETFILTER", mb_enum_name(MB_ENUM_PROG_TYPE, MB_BPF_PROG_TYPE_NETFILTER));
	EXPECT_TRUE(mb_enum_name(MB_ENUM_PROG_TYPE, MB_BPF_PROG_TYPE_MAX) == NULL);
	EXPECT_STREQ("LSM_CGROUP", mb_enum_name(MB_ENUM_ATTACH_TYPE, BPF_LSM_CGROUP));
	EXPECT_STREQ("TCX_INGRESS", mb_enum_name(MB_ENUM_ATTACH_TYPE, MB_BPF_TCX_INGRESS));
	EXPECT_STREQ("TRACE_UPROBE_SESSION",
		     mb_enum_name(MB_ENUM_ATTACH_TYPE, MB_BPF_TRACE_UPROBE_SESSION));
	EXPECT_TRUE(mb_enum_name(MB_ENUM_ATTACH_TYPE, MB_BPF_ATTACH_TYPE_MAX) == NULL);
	EXPECT_STREQ("STRUCT_OPS", mb_enum_name(MB_ENUM_LINK_TYPE, BPF_LINK_TYPE_STRUCT_OPS));
	EXPECT_STREQ("SOCKMAP", mb_enum_name(MB_ENUM_LINK_TYPE, MB_BPF_LINK_TYPE_SOCKMAP));
	EXPECT_TRUE(mb_enum_name(MB_ENUM_LINK_TYPE, MB_BPF_LINK_TYPE_MAX) == NULL);
	EXPECT_EQ(BPF_MAP_TYPE_LRU_PERCPU_HASH, mb_enum_value(MB_ENUM_MAP_TYPE, "lru_percpu_hash"));
	EXPECT_EQ(BPF_PROG_TYPE_XDP, mb_enum_value(MB_ENUM_PROG_TYPE, "xdp"));
	EXPECT_EQ(-1, mb_enum_value(MB_ENUM_PROG_TYPE, "nope"));
	EXPECT_STREQ("ENOENT", mb_errno_name(ENOENT));
	EXPECT_STREQ("ENOTSUPP", mb_errno_name(524));
}

static int collect_cpu(void *ctx, unsigned cpu)
{
	char *s = ctx;

	snprintf(s + strlen(s), 64 - strlen(s), "%u ", cpu);
	return cpu == 99 ? 42 : 0;
}

/* The one parser of sysfs CPU lists (online, possible), and the real file. */
TEST(cpu_lists)
{
	char s[64], buf[256];
	unsigned n = 0;

	s[0] = 0;
	EXPECT_EQ(0, mb_cpu_list_each("0-3,5,7-8\n", collect_cpu, s));
	EXPECT_STREQ("0 1 2 3 5 7 8 ", s);
	s[0] = 0;
	EXPECT_EQ(0, mb_cpu_list_each("", collect_cpu, s));
	EXPECT_STREQ("", s);
	EXPECT_EQ(42, mb_cpu_list_each("98-100", collect_cpu, s));   /* the callback stops it */
	EXPECT_EQ(-EINVAL, mb_cpu_list_each("3-1", collect_cpu, s));
	EXPECT_EQ(-EINVAL, mb_cpu_list_each("x", collect_cpu, s));
	EXPECT_EQ(-EINVAL, mb_cpu_list_each("0-", collect_cpu, s));
	EXPECT_EQ(-EINVAL, mb_cpu_list_each("0-3;", collect_cpu, s));
	EXPECT_EQ(-EINVAL, mb_cpu_list_each("0-4000000000", collect_cpu, s));
	ASSERT_LT(0, mb_read_small("/sys/devices/system/cpu/online", buf, sizeof(buf)));
	s[0] = 0;
	ASSERT_EQ(0, mb_cpu_list_each(buf, collect_cpu, s));
	for (char *p = s; *p; p++)
		n += *p == ' ';
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), (long)n) TH_LOG("%s", buf);
}

/* A message is never cut: a verifier log's last line (the reason) comes last
 * in a message that can be many KB long. */
TEST(error_messages_are_never_cut)
{
	static char big[20000];
	const char *m;

	memset(big, 'x', sizeof(big) - 1);
	EXPECT_EQ(-EACCES, mb_err(EACCES, "prog 'p': %s\nR0 invalid mem access", big));
	EXPECT_EQ(EACCES, errno);
	m = mb_last_error();
	EXPECT_EQ(sizeof(big) - 1 + strlen("prog 'p': \nR0 invalid mem access"), strlen(m));
	EXPECT_STREQ("R0 invalid mem access", strrchr(m, '\n') + 1);
	errno = EACCES;
	mb_err_prefix("load '%s': ", "obj.o");
	EXPECT_EQ(EACCES, errno);
	m = mb_last_error();
	EXPECT_EQ(0, strncmp(m, "load 'obj.o': prog 'p': xxx", 27));
	EXPECT_STREQ("R0 invalid mem access", strrchr(m, '\n') + 1);
	mb_err(ENOENT, "short");
	EXPECT_STREQ("short", mb_last_error());
	mb_err_clear();
	EXPECT_STREQ("", mb_last_error());
}

/* The kernel-internal ENOTSUPP a C library has no text for (musl: "No
 * error information") is named; the others are the C library's. */
TEST(strerror_names_enotsupp)
{
	EXPECT_NE(NULL, strstr(mb_strerror(MB_ENOTSUPP), "ENOTSUPP, 524")) TH_LOG("%s", mb_strerror(MB_ENOTSUPP));
	EXPECT_STREQ(strerror(ENOENT), mb_strerror(ENOENT));
	EXPECT_STREQ("ENOTSUPP", mb_errno_name(MB_ENOTSUPP));
}

TEST_HARNESS_MAIN
