// attach/ against the real kernel: hand-assembled programs count into an
// array map, and every test checks the effect the attachment has (a counter
// that rises, a packet dropped, a connect refused), then that detaching ends it.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/if_link.h>

#include "kselftest_harness.h"
#include "lib_asm.h"
#include "lib_kernel.h"
#include "test_e2e.h"
#include "attach/attach.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"
#include "syscall/netlink.h"

/* mb_attach_auto() by a section name, as the loader calls it with the
 * program's resolved SEC() definition. */
static int attach_sec(int prog, const char *sec, const struct mb_attach_target *t,
		      struct mb_link_info *out, int max)
{
	struct mb_sec_def d;

	return mb_attach_auto(prog, sec, mb_sec_lookup(sec, &d) ? NULL : &d, t, out, max);
}

#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2
#define R3 BPF_REG_3
#define R4 BPF_REG_4
#define R6 BPF_REG_6
#define R10 BPF_REG_10

static int counts_map(void)
{
	struct mb_map_create_args a = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
					.value_size = 8, .max_entries = 4, .name = "h4_counts" };

	return mb_sys_map_create(&a);
}

static uint64_t count(int map_fd, uint32_t key)
{
	uint64_t v = 0;

	if (mb_sys_map_lookup(map_fd, &key, &v, 0))
		return (uint64_t)-1;
	return v;
}

/* map[key] += 1 (only for our process when tgid != 0), then return ret.
 * Returns the number of instructions written to p (at most 16). */
static int count_prog(struct bpf_insn *p, int map_fd, int key, uint32_t tgid, int ret)
{
	int n = 0, jne = -1;

	if (tgid) {
		p[n++] = (struct bpf_insn)MB_CALL(BPF_FUNC_get_current_pid_tgid);
		p[n++] = (struct bpf_insn)MB_ALU64_IMM(BPF_RSH, R0, 32);
		jne = n;
		p[n++] = (struct bpf_insn)MB_JMP_IMM(BPF_JNE, R0, (int32_t)tgid, 0);
	}
	p[n++] = (struct bpf_insn)MB_ST_MEM(BPF_W, R10, -4, key);
	p[n++] = (struct bpf_insn)MB_MOV64_REG(R2, R10);
	p[n++] = (struct bpf_insn)MB_ALU64_IMM(BPF_ADD, R2, -4);
	{
		struct bpf_insn ld[2] = { MB_LD_MAP_FD(R1, map_fd) };

		p[n++] = ld[0];
		p[n++] = ld[1];
	}
	p[n++] = (struct bpf_insn)MB_CALL(BPF_FUNC_map_lookup_elem);
	p[n++] = (struct bpf_insn)MB_JMP_IMM(BPF_JEQ, R0, 0, 2);
	p[n++] = (struct bpf_insn)MB_MOV64_IMM(R1, 1);
	p[n++] = (struct bpf_insn)MB_INSN(BPF_STX | BPF_DW | BPF_ATOMIC, R0, R1, 0, BPF_ADD);
	if (jne >= 0)
		p[jne].off = (int16_t)(n - jne - 1);
	p[n++] = (struct bpf_insn)MB_MOV64_IMM(R0, ret);
	p[n++] = (struct bpf_insn)MB_EXIT();
	return n;
}

static char *last_log;

static int load(uint32_t type, uint32_t eat, const struct bpf_insn *insns, int cnt)
{
	struct mb_prog_load_args a = { .prog_type = type, .expected_attach_type = eat,
				       .insns = insns, .insn_cnt = (uint32_t)cnt,
				       .license = "GPL", .name = "h4_test" };

	free(last_log);
	last_log = NULL;
	return mb_prog_load_log(&a, &last_log);
}

static int load_counter(uint32_t type, uint32_t eat, int map_fd, int key, uint32_t tgid,
			int ret)
{
	struct bpf_insn p[16];

	return load(type, eat, p, count_prog(p, map_fd, key, tgid, ret));
}

#define LOG_LOAD(fd) TH_LOG("load: %s\n%s", strerror(-(fd)), last_log ? last_log : "")

static void getpid_n(int n)
{
	while (n-- > 0)
		syscall(SYS_getpid);
}

/* ---- tracing --------------------------------------------------------------- */

FIXTURE(trace) {
	int map;
	char pin_dir[128];
	struct mb_link_info l;
};

FIXTURE_SETUP(trace)
{
	self->map = counts_map();
	ASSERT_LE(3, self->map) TH_LOG("map: %s", mb_last_error());
	self->pin_dir[0] = '\0';
	self->l.fd = -1;
}

FIXTURE_TEARDOWN(trace)
{
	char path[160];

	if (self->pin_dir[0]) {
		snprintf(path, sizeof(path), "%s/link", self->pin_dir);
		unlink(path);
		rmdir(self->pin_dir);
	}
	mb_link_info_detach(&self->l);
}

TEST_F(trace, tracepoint_counts_getpid)
{
	int prog = load_counter(BPF_PROG_TYPE_TRACEPOINT, 0, self->map, 0, getpid(), 0);
	uint64_t before;

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	ASSERT_EQ(0, mb_attach_tracepoint(prog, "syscalls", "sys_enter_getpid", &self->l))
		TH_LOG("%s", mb_last_error());
	EXPECT_EQ(MB_LINK_FD, self->l.method);
	getpid_n(5);
	EXPECT_EQ(5, count(self->map, 0));
	ASSERT_EQ(0, mb_link_info_detach(&self->l));
	before = count(self->map, 0);
	getpid_n(5);
	EXPECT_EQ(before, count(self->map, 0));
	close(prog);
}

TEST_F(trace, tracepoint_unknown_is_clear)
{
	int prog = load_counter(BPF_PROG_TYPE_TRACEPOINT, 0, self->map, 0, 0, 0);

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	EXPECT_EQ(-ENOENT, mb_attach_tracepoint(prog, "syscalls", "sys_enter_nothing", &self->l));
	EXPECT_TRUE(strstr(mb_last_error(), "no such tracepoint") != NULL) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(-EINVAL, mb_attach_tracepoint(prog, "..", "x", &self->l));
	close(prog);
}

TEST_F(trace, raw_tp_counts_sys_enter)
{
	int prog = load_counter(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, self->map, 1, getpid(), 0);

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	ASSERT_EQ(0, mb_attach_raw_tracepoint(prog, "sys_enter", &self->l))
		TH_LOG("%s", mb_last_error());
	getpid_n(10);
	EXPECT_LE(10, count(self->map, 1));
	close(prog);
}

TEST_F(trace, auto_attach_by_section)
{
	int prog = load_counter(BPF_PROG_TYPE_TRACEPOINT, 0, self->map, 2, getpid(), 0);

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	ASSERT_EQ(1, attach_sec(prog, "tp/syscalls/sys_enter_getpid", NULL, &self->l, 1))
		TH_LOG("%s", mb_last_error());
	getpid_n(3);
	EXPECT_EQ(3, count(self->map, 2));
	mb_link_info_detach(&self->l);
	/* sections that do not name a target say so */
	EXPECT_EQ(-EDESTADDRREQ, attach_sec(prog, "tracepoint", NULL, &self->l, 1));
	EXPECT_TRUE(strstr(mb_last_error(), "does not name its target") != NULL);
	EXPECT_EQ(-EDESTADDRREQ, attach_sec(prog, "xdp", NULL, &self->l, 1));
	EXPECT_EQ(-EOPNOTSUPP, attach_sec(prog, "lwt_in", NULL, &self->l, 1));
	EXPECT_EQ(-ENOENT, attach_sec(prog, "nonsense", NULL, &self->l, 1));
	close(prog);
}

TEST_F(trace, pinned_link_outlives_fd_until_unlinked)
{
	int prog = load_counter(BPF_PROG_TYPE_TRACEPOINT, 0, self->map, 3, getpid(), 0);
	const char *bpffs = mb_bpffs_path();
	char path[160];
	uint64_t c;
	int i;

	ASSERT_TRUE(bpffs != NULL);
	ASSERT_LE(3, prog) LOG_LOAD(prog);
	snprintf(self->pin_dir, sizeof(self->pin_dir), "%s/mbt_h4_%d", bpffs, getpid());
	ASSERT_EQ(0, mkdir(self->pin_dir, 0700));
	snprintf(path, sizeof(path), "%s/link", self->pin_dir);
	ASSERT_EQ(0, mb_attach_tracepoint(prog, "syscalls", "sys_enter_getpid", &self->l));
	ASSERT_EQ(0, mb_link_info_pin(&self->l, path)) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(1, mb_is_bpffs(path));
	EXPECT_EQ(0, mb_is_bpffs("/tmp"));
	/* the kernel's EPERM, and a message that says why */
	EXPECT_EQ(-EPERM, mb_link_info_pin(&self->l, "/tmp/not_bpffs"));
	EXPECT_NE(NULL, strstr(mb_last_error(), "not on a bpf filesystem")) TH_LOG("%s", mb_last_error());
	mb_link_info_detach(&self->l);          /* closes our fd: the pin holds it */
	close(prog);
	getpid_n(4);
	EXPECT_EQ(4, count(self->map, 3));
	ASSERT_EQ(0, unlink(path));
	/* the link is freed asynchronously after the last reference goes */
	for (i = 0; i < 50; i++) {
		c = count(self->map, 3);
		getpid_n(1);
		if (count(self->map, 3) == c)
			break;
		usleep(20000);
	}
	c = count(self->map, 3);
	getpid_n(4);
	EXPECT_EQ(c, count(self->map, 3));
}

TEST_F(trace, perf_event_cpu_clock)
{
	int prog = load_counter(BPF_PROG_TYPE_PERF_EVENT, 0, self->map, 0, 0, 0);
	struct mb_link_info l[64];
	struct timespec t0, t;
	volatile uint64_t spin = 0;
	int n, i;

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	n = mb_attach_perf_event(prog, 100000, l, 64);
	ASSERT_LE(1, n) TH_LOG("%s", mb_last_error());
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		spin++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 50000000L);
	EXPECT_LT(10, count(self->map, 0)) TH_LOG("%d links", n);
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, mb_link_info_detach(&l[i]));
	close(prog);
}

/* The uprobe target: not inlined, called through a volatile pointer. */
__attribute__((noinline)) int h4_uprobe_target(int x);
__attribute__((noinline)) int h4_uprobe_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3 + 1;
}

TEST_F(trace, uprobe_on_own_function)
{
	int (*volatile fn)(int) = h4_uprobe_target;
	int prog = load_counter(BPF_PROG_TYPE_KPROBE, 0, self->map, 0, 0, 0);
	struct mb_link_info r = { .fd = -1 };
	char exe[512];
	ssize_t n;
	int64_t off;
	int i;

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = '\0';
	off = mb_uprobe_sym_offset(exe, "h4_uprobe_target");
	ASSERT_LT(0, off) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(-ENOENT, mb_uprobe_sym_offset(exe, "h4_no_such_symbol"));
	EXPECT_EQ(-ENOEXEC, mb_uprobe_sym_offset("/proc/self/status", "x"));
	ASSERT_EQ(0, mb_attach_uprobe(prog, 0, exe, "h4_uprobe_target", 0, -1, &self->l))
		TH_LOG("%s", mb_last_error());
	/* a return probe through the SEC() name, counting into key 1 */
	{
		int rprog = load_counter(BPF_PROG_TYPE_KPROBE, 0, self->map, 1, 0, 0);
		char sec[600];

		ASSERT_LE(3, rprog) LOG_LOAD(rprog);
		snprintf(sec, sizeof(sec), "uretprobe/%s:h4_uprobe_target", exe);
		ASSERT_EQ(1, attach_sec(rprog, sec, NULL, &r, 1)) TH_LOG("%s", mb_last_error());
		close(rprog);
	}
	for (i = 0; i < 7; i++)
		fn(i);
	EXPECT_EQ(7, count(self->map, 0));
	EXPECT_EQ(7, count(self->map, 1));
	mb_link_info_detach(&r);
	mb_link_info_detach(&self->l);
	fn(1);
	EXPECT_EQ(7, count(self->map, 0));
	close(prog);
}

static int tracefs_has(const char *file, const char *needle)
{
	char path[256], line[512];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "%s/%s", mb_tracefs_path(), file);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		found |= strstr(line, needle) != NULL;
	if (f)
		fclose(f);
	return found;
}

/* The pre-4.17 way: an event in uprobe_events, opened as a tracepoint. */
TEST_F(trace, uprobe_through_tracefs)
{
	int (*volatile fn)(int) = h4_uprobe_target;
	int prog = load_counter(BPF_PROG_TYPE_KPROBE, 0, self->map, 2, 0, 0);
	char exe[512], name[40];
	ssize_t n;
	int64_t off;
	int i;

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = '\0';
	off = mb_uprobe_sym_offset(exe, "h4_uprobe_target");
	ASSERT_LT(0, off) TH_LOG("%s", mb_last_error());
	if (strchr(exe, ' '))
		SKIP(return, "test binary path has a space");
	ASSERT_EQ(0, mb_attach_probe_tracefs(prog, 1, 0, exe, (uint64_t)off, -1, &self->l))
		TH_LOG("%s", mb_last_error());
	snprintf(name, sizeof(name), "%s", self->l.probe);
	EXPECT_TRUE(tracefs_has("uprobe_events", name));
	for (i = 0; i < 4; i++)
		fn(i);
	EXPECT_EQ(4, count(self->map, 2));
	EXPECT_EQ(0, mb_link_info_detach(&self->l));
	EXPECT_FALSE(tracefs_has("uprobe_events", name)) TH_LOG("%s left in uprobe_events", name);
	fn(1);
	EXPECT_EQ(4, count(self->map, 2));
	close(prog);
}

/* A library named without a path, found like the dynamic linker would; the
 * symbol comes from .dynsym (libc has no .symtab). */
TEST_F(trace, uprobe_libc_by_section)
{
	int prog = load_counter(BPF_PROG_TYPE_KPROBE, 0, self->map, 3, getpid(), 0);
	int i;

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	if (attach_sec(prog, "uprobe/libc.so.6:getppid", NULL, &self->l, 1) != 1)
		SKIP(return, "no libc.so.6 to probe (static or musl system?): %s", mb_last_error());
	for (i = 0; i < 3; i++)
		getppid();
	EXPECT_EQ(3, count(self->map, 3));
	close(prog);
}

/* Each syscall of an attach failing in turn: an error, and no fd left behind. */
TEST_F(trace, injected_failures_leak_nothing)
{
	int prog = load_counter(BPF_PROG_TYPE_TRACEPOINT, 0, self->map, 0, 0, 0);
	int n, fds, err, ok = 0;

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	mb_tracepoint_id("syscalls", "sys_enter_getpid");      /* tracefs found once */
	fds = count_fds();
	for (n = 1; n <= 6; n++) {
		mb_sys_fail_nth((unsigned long)n, EIO);
		err = mb_attach_tracepoint(prog, "syscalls", "sys_enter_getpid", &self->l);
		mb_sys_fail_nth(0, 0);
		if (err == 0) {
			ok++;
			mb_link_info_detach(&self->l);
		} else {
			EXPECT_EQ(-EIO, err) TH_LOG("n=%d: %s", n, mb_last_error());
			EXPECT_NE(0, strlen(mb_last_error()));
		}
		EXPECT_EQ(fds, count_fds()) TH_LOG("n=%d", n);
	}
	EXPECT_LE(1, ok);       /* once n is past the syscalls it takes */
	close(prog);
}

TEST_F(trace, kprobe)
{
	int prog = load_counter(BPF_PROG_TYPE_KPROBE, 0, self->map, 0, getpid(), 0);
	int err;

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	err = attach_sec(prog, "ksyscall/getpid", NULL, &self->l, 1);
	if (err == -EOPNOTSUPP && mb_pmu_type("kprobe") < 0) {
		EXPECT_TRUE(strstr(mb_last_error(), "CONFIG_KPROBES") != NULL) TH_LOG("%s",
										   mb_last_error());
		close(prog);
		SKIP(return, "kernel has no kprobe support (CONFIG_KPROBES): %s", mb_last_error());
	}
	ASSERT_EQ(1, err) TH_LOG("%s", mb_last_error());
	getpid_n(3);
	EXPECT_LE(3, count(self->map, 0));
	close(prog);
}

/* ---- networking: two namespaces joined by a veth pair ---------------------- */

#define IP_A "10.231.0.1"
#define IP_B "10.231.0.2"

FIXTURE(net) {
	struct e2e_veth v;
	int map;
	struct mb_link_info l;
};

FIXTURE_SETUP(net)
{
	self->l.fd = -1;
	ASSERT_EQ(0, e2e_veth_up(&self->v, "mbh4", IP_A, IP_B, 0));
	self->map = counts_map();
	ASSERT_LE(3, self->map);
}

FIXTURE_TEARDOWN(net)
{
	mb_link_info_detach(&self->l);
	e2e_veth_down(&self->v);
}

TEST_F(net, xdp_drops_on_veth)
{
	int prog = load_counter(BPF_PROG_TYPE_XDP, BPF_XDP, self->map, 0, 0, XDP_DROP);
	uint32_t id = 0;
	uint8_t mode = 0;

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	ASSERT_EQ(3, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	ASSERT_EQ(0, mb_attach_xdp(prog, self->v.ifa, 0, &self->l)) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(MB_LINK_FD, self->l.method);
	EXPECT_EQ(0, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	EXPECT_EQ(3, count(self->map, 0));
	mb_link_info_detach(&self->l);
	EXPECT_EQ(3, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	/* the persistent netlink way, as `net attach xdp` does */
	ASSERT_EQ(0, mb_xdp_set(self->v.ifa, prog, XDP_FLAGS_SKB_MODE)) TH_LOG("%s",
										   mb_last_error());
	EXPECT_EQ(0, e2e_b_to_a(&self->v, 2, "ping", NULL, 0));
	EXPECT_EQ(5, count(self->map, 0));
	EXPECT_EQ(0, mb_nl_xdp_query(self->v.ifa, &id, &mode));
	EXPECT_NE(0, id);
	EXPECT_EQ(XDP_ATTACHED_SKB, mode);
	ASSERT_EQ(0, mb_xdp_set(self->v.ifa, -1, XDP_FLAGS_SKB_MODE));
	EXPECT_EQ(2, e2e_b_to_a(&self->v, 2, "ping", NULL, 0));
	close(prog);
}

TEST_F(net, tcx_ingress_drops)
{
	int prog = load_counter(BPF_PROG_TYPE_SCHED_CLS, 0, self->map, 0, 0, 2 /* TC_ACT_SHOT */);

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	ASSERT_EQ(0, mb_attach_tc(prog, self->v.ifa, 0, &self->l)) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(MB_LINK_FD, self->l.method);
	EXPECT_EQ(0, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	EXPECT_EQ(3, count(self->map, 0));
	mb_link_info_detach(&self->l);
	EXPECT_EQ(3, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	close(prog);
}

TEST_F(net, tc_netlink_cls_bpf_drops)
{
	int prog = load_counter(BPF_PROG_TYPE_SCHED_CLS, 0, self->map, 1, 0, 2 /* TC_ACT_SHOT */);

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	ASSERT_EQ(0, mb_attach_tc_netlink(prog, self->v.ifa, 0, &self->l))
		TH_LOG("%s", mb_last_error());
	EXPECT_EQ(MB_LINK_TC_NETLINK, self->l.method);
	EXPECT_EQ(0, test_sh("tc -n %s filter show dev veth0 ingress | grep -q 'direct-action'", self->v.a));
	EXPECT_EQ(0, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	EXPECT_EQ(3, count(self->map, 1));
	EXPECT_EQ(0, mb_link_info_detach(&self->l)) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(3, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	close(prog);
}

TEST_F(net, socket_filter_drops)
{
	int prog = load_counter(BPF_PROG_TYPE_SOCKET_FILTER, 0, self->map, 0, 0, 0);

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	ASSERT_EQ(1, attach_sec(prog, "socket",
				    &(struct mb_attach_target){ .target_fd = self->v.sa }, &self->l, 1))
		TH_LOG("%s", mb_last_error());
	EXPECT_EQ(0, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	EXPECT_EQ(3, count(self->map, 0));
	EXPECT_EQ(0, mb_link_info_detach(&self->l));
	EXPECT_EQ(3, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	close(prog);
}

TEST_F(net, flow_dissector_netns_link)
{
	int prog = load_counter(BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, self->map, 0, 0,
				0 /* BPF_OK */);
	uint32_t ids[2] = { 0 }, cnt = 2;
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	int ns;

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	ASSERT_EQ(0, mb_attach_netns(prog, -1, BPF_FLOW_DISSECTOR, &self->l))
		TH_LOG("%s", mb_last_error());
	EXPECT_EQ(MB_LINK_FD, self->l.method);
	ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ns);
	ASSERT_EQ(0, mb_sys_prog_query(ns, BPF_FLOW_DISSECTOR, 0, NULL, ids, &cnt));
	ASSERT_EQ(1, cnt);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(prog, &info, &len));
	EXPECT_EQ(info.id, ids[0]);
	/* RPS hashes every packet veth0 receives, which runs the dissector */
	ASSERT_EQ(0, test_sh("ip netns exec %s sh -c 'echo 1 > /sys/class/net/veth0/queues/rx-0/rps_cpus'",
			self->v.a));
	EXPECT_EQ(2, e2e_b_to_a(&self->v, 2, "ping", NULL, 0));
	EXPECT_LE(2, count(self->map, 0));
	mb_link_info_detach(&self->l);
	cnt = 2;
	ASSERT_EQ(0, mb_sys_prog_query(ns, BPF_FLOW_DISSECTOR, 0, NULL, ids, &cnt));
	EXPECT_EQ(0, cnt);
	close(ns);
	close(prog);
}

TEST_F(net, sk_lookup_netns_link)
{
	int prog = load_counter(BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, self->map, 0, 0,
				1 /* SK_PASS */);

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	/* no target: the caller's network namespace */
	ASSERT_EQ(1, attach_sec(prog, "sk_lookup", NULL, &self->l, 1))
		TH_LOG("%s", mb_last_error());
	EXPECT_EQ(MB_LINK_FD, self->l.method);
	EXPECT_EQ(3, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	EXPECT_EQ(3, count(self->map, 0));
	mb_link_info_detach(&self->l);
	EXPECT_EQ(2, e2e_b_to_a(&self->v, 2, "ping", NULL, 0));
	EXPECT_EQ(3, count(self->map, 0));
	close(prog);
}

/* ---- sockets ---------------------------------------------------------------- */

static int tcp_pair(int *cli, int *srv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (l < 0 || bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 4) ||
	    getsockname(l, (struct sockaddr *)&sin, &len))
		return -1;
	*cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*cli < 0 || connect(*cli, (struct sockaddr *)&sin, sizeof(sin)))
		return -1;
	*srv = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	close(l);
	return *srv < 0 ? -1 : 0;
}

TEST(sockmap_sk_msg_and_sk_skb)
{
	struct mb_map_create_args ma = { .map_type = BPF_MAP_TYPE_SOCKMAP, .key_size = 4,
					 .value_size = 4, .max_entries = 2, .name = "h4_sockmap" };
	struct mb_link_info lm = { .fd = -1 }, ls = { .fd = -1 };
	int map = counts_map(), smap = mb_sys_map_create(&ma), msg, skb, cli, srv;
	uint32_t k0 = 0, k1 = 1;
	char buf[16];
	struct pollfd p;

	ASSERT_LE(3, map);
	ASSERT_LE(3, smap) TH_LOG("%s", mb_last_error());
	msg = load_counter(BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, map, 0, 0, 1 /* SK_PASS */);
	ASSERT_LE(3, msg) LOG_LOAD(msg);
	skb = load_counter(BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, map, 1, 0, 1);
	ASSERT_LE(3, skb) LOG_LOAD(skb);
	ASSERT_EQ(1, attach_sec(msg, "sk_msg", &(struct mb_attach_target){ .target_fd = smap },
				    &lm, 1)) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, mb_attach_sockmap(skb, smap, BPF_SK_SKB_STREAM_VERDICT, &ls))
		TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, tcp_pair(&cli, &srv));
	ASSERT_EQ(0, mb_sys_map_update(smap, &k0, &cli, BPF_ANY));
	ASSERT_EQ(0, mb_sys_map_update(smap, &k1, &srv, BPF_ANY));
	ASSERT_EQ(5, send(cli, "hello", 5, 0));
	p = (struct pollfd){ .fd = srv, .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 1000));
	ASSERT_EQ(5, recv(srv, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_EQ(1, count(map, 0));    /* sk_msg saw the send */
	EXPECT_EQ(1, count(map, 1));    /* sk_skb saw the receive */
	EXPECT_EQ(0, mb_link_info_detach(&lm));
	EXPECT_EQ(0, mb_link_info_detach(&ls));
	close(cli);
	close(srv);
	close(msg);
	close(skb);
	close(smap);
	close(map);
}

TEST(reuseport_selects_second_socket)
{
	struct mb_map_create_args ma = { .map_type = BPF_MAP_TYPE_REUSEPORT_SOCKARRAY,
					 .key_size = 4, .value_size = 8, .max_entries = 2,
					 .name = "h4_reuse" };
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct mb_link_info l = { .fd = -1 };
	socklen_t len = sizeof(sin);
	int smap = mb_sys_map_create(&ma), s[2], prog, one = 1, i, got[2] = { 0, 0 };
	char buf[8];

	ASSERT_LE(3, smap) TH_LOG("%s", mb_last_error());
	for (i = 0; i < 2; i++) {
		uint32_t k = (uint32_t)i;
		uint64_t v;

		s[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		ASSERT_LE(0, s[i]);
		ASSERT_EQ(0, setsockopt(s[i], SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)));
		ASSERT_EQ(0, bind(s[i], (struct sockaddr *)&sin, sizeof(sin)));
		if (i == 0)
			ASSERT_EQ(0, getsockname(s[0], (struct sockaddr *)&sin, &len));
		v = (uint64_t)s[i];
		ASSERT_EQ(0, mb_sys_map_update(smap, &k, &v, BPF_ANY)) TH_LOG("%s", mb_last_error());
	}
	{
		struct bpf_insn p[] = {
			MB_MOV64_REG(R6, R1),
			MB_ST_MEM(BPF_W, R10, -4, 1),
			MB_MOV64_REG(R1, R6),
			MB_LD_MAP_FD(R2, smap),
			MB_MOV64_REG(R3, R10),
			MB_ALU64_IMM(BPF_ADD, R3, -4),
			MB_MOV64_IMM(R4, 0),
			MB_CALL(BPF_FUNC_sk_select_reuseport),
			MB_MOV64_IMM(R0, 1),    /* SK_PASS */
			MB_EXIT(),
		};

		prog = load(BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, p, MB_ARRAY_SIZE(p));
		ASSERT_LE(3, prog) LOG_LOAD(prog);
	}
	ASSERT_EQ(0, mb_attach_reuseport(prog, s[0], &l)) TH_LOG("%s", mb_last_error());
	/* fresh source ports, so the hash alone would spread them */
	for (i = 0; i < 8; i++) {
		int c = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		ASSERT_LE(0, c);
		sendto(c, "x", 1, 0, (struct sockaddr *)&sin, sizeof(sin));
		close(c);
	}
	for (i = 0; i < 2; i++) {
		struct pollfd p = { .fd = s[i], .events = POLLIN };

		while (poll(&p, 1, 200) > 0 && recv(s[i], buf, sizeof(buf), MSG_DONTWAIT) > 0)
			got[i]++;
	}
	EXPECT_EQ(0, got[0]);
	EXPECT_EQ(8, got[1]);
	EXPECT_EQ(0, mb_link_info_detach(&l));
	close(s[0]);
	close(s[1]);
	close(prog);
	close(smap);
}

/* ---- cgroups ----------------------------------------------------------------- */

FIXTURE(cg) {
	char dir[256];
	int fd, map;
	struct mb_link_info l;
};

FIXTURE_SETUP(cg)
{
	char root[200];

	self->l.fd = -1;
	self->fd = -1;
	self->dir[0] = '\0';
	if (e2e_cgroup2_root(root, sizeof(root)))
		SKIP(return, "no cgroup2 mount in /proc/self/mountinfo");
	snprintf(self->dir, sizeof(self->dir), "%s/mbt_h4_%d", root, getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0755)) TH_LOG("%s: %s", self->dir, strerror(errno));
	self->fd = open(self->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	self->map = counts_map();
	ASSERT_LE(3, self->map);
}

FIXTURE_TEARDOWN(cg)
{
	mb_link_info_detach(&self->l);
	if (self->fd >= 0)
		close(self->fd);
	if (self->dir[0])
		rmdir(self->dir);
}

/* 0: sent, 1: EPERM, 2: other error */
static int udp_send(void *arg)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	(void)arg;
	if (sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) == 1)
		return 0;
	return errno == EPERM ? 1 : 2;
}

static int udp_connect(void *arg)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	(void)arg;
	if (connect(s, (struct sockaddr *)&to, sizeof(to)) == 0)
		return 0;
	return errno == EPERM ? 1 : 2;
}

static int tcp_connect(void *arg)
{
	struct sockaddr_in *to = arg;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	return connect(s, (struct sockaddr *)to, sizeof(*to)) == 0 ? 0 : 2;
}

TEST_F(cg, cgroup_skb_egress_drops)
{
	int prog = load_counter(BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, self->map, 0, 0,
				0 /* drop */);

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, udp_send, NULL));
	ASSERT_EQ(1, attach_sec(prog, "cgroup_skb/egress",
				    &(struct mb_attach_target){ .target_fd = self->fd }, &self->l, 1))
		TH_LOG("%s", mb_last_error());
	EXPECT_EQ(MB_LINK_FD, self->l.method);
	EXPECT_EQ(1, e2e_in_cgroup(self->dir, udp_send, NULL));
	EXPECT_EQ(1, count(self->map, 0));
	mb_link_info_detach(&self->l);
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, udp_send, NULL));
	/* the old interface: BPF_PROG_ATTACH with flags, detached by BPF_PROG_DETACH */
	ASSERT_EQ(0, mb_attach_cgroup(prog, self->fd, BPF_CGROUP_INET_EGRESS, BPF_F_ALLOW_MULTI,
				      &self->l)) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(MB_LINK_PROG_ATTACH, self->l.method);
	EXPECT_EQ(1, e2e_in_cgroup(self->dir, udp_send, NULL));
	EXPECT_EQ(0, mb_link_info_detach(&self->l)) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, udp_send, NULL));
	close(prog);
}

TEST_F(cg, connect4_refused)
{
	int prog = load_counter(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT,
				self->map, 1, 0, 0 /* refuse */);

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, udp_connect, NULL));
	ASSERT_EQ(0, mb_attach_cgroup(prog, self->fd, BPF_CGROUP_INET4_CONNECT, 0, &self->l))
		TH_LOG("%s", mb_last_error());
	EXPECT_EQ(1, e2e_in_cgroup(self->dir, udp_connect, NULL));
	EXPECT_EQ(1, count(self->map, 1));
	close(prog);
}

TEST_F(cg, sockops_counts)
{
	int prog = load_counter(BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, self->map, 2, 0, 1);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	ASSERT_EQ(0, bind(l, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(l, 4));
	ASSERT_EQ(0, getsockname(l, (struct sockaddr *)&sin, &len));
	ASSERT_EQ(1, attach_sec(prog, "sockops",
				    &(struct mb_attach_target){ .target_fd = self->fd }, &self->l, 1))
		TH_LOG("%s", mb_last_error());
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, tcp_connect, &sin));
	EXPECT_LE(1, count(self->map, 2));
	close(l);
	close(prog);
}

/* ---- tracelog -------------------------------------------------------------- */

static volatile int stop_log;

static void on_alarm(int sig)
{
	(void)sig;
	stop_log = 1;
}

TEST_F(trace, tracelog_shows_printk)
{
	struct bpf_insn p[] = {
		MB_CALL(BPF_FUNC_get_current_pid_tgid),
		MB_ALU64_IMM(BPF_RSH, R0, 32),
		MB_JMP_IMM(BPF_JNE, R0, getpid(), 13),
		MB_ST_MEM(BPF_B, R10, -8, 'h'),
		MB_ST_MEM(BPF_B, R10, -7, '4'),
		MB_ST_MEM(BPF_B, R10, -6, 'm'),
		MB_ST_MEM(BPF_B, R10, -5, 'a'),
		MB_ST_MEM(BPF_B, R10, -4, 'r'),
		MB_ST_MEM(BPF_B, R10, -3, 'k'),
		MB_ST_MEM(BPF_B, R10, -2, '\n'),
		MB_ST_MEM(BPF_B, R10, -1, 0),
		MB_MOV64_REG(R1, R10),
		MB_ALU64_IMM(BPF_ADD, R1, -8),
		MB_MOV64_IMM(R2, 8),
		MB_CALL(BPF_FUNC_trace_printk),
		MB_MOV64_IMM(R0, 0),
		MB_EXIT(),
	};
	int prog = load(BPF_PROG_TYPE_TRACEPOINT, 0, p, MB_ARRAY_SIZE(p));
	char *buf = NULL;
	size_t size = 0;
	FILE *out;

	ASSERT_LE(3, prog) LOG_LOAD(prog);
	ASSERT_EQ(0, mb_attach_tracepoint(prog, "syscalls", "sys_enter_getpid", &self->l));
	getpid_n(2);
	out = open_memstream(&buf, &size);
	ASSERT_TRUE(out != NULL);
	signal(SIGALRM, on_alarm);
	/* short: trace_pipe is consumed, other readers would miss these lines */
	ualarm(300000, 0);
	ASSERT_EQ(0, mb_tracelog_stream(out, &stop_log)) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(1, stop_log);
	fclose(out);
	EXPECT_TRUE(buf && strstr(buf, "h4mark")) TH_LOG("got: %.200s", buf);
	free(buf);
	close(prog);
}

TEST_HARNESS_MAIN
