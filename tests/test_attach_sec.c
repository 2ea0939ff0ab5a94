// The SEC() table: libbpf's section names to program type, expected attach
// type, attach kind, auto-attach and flags. Pure: no syscalls.
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "attach/attach.h"

struct sec_case {
	const char *sec;
	uint32_t prog_type, attach_type, kind;
	int autoattach;
	const char *target;
};

static const struct sec_case cases[] = {
	{ "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, MB_ATTACH_SOCKET, 0, NULL },
	{ "kprobe/do_sys_open", BPF_PROG_TYPE_KPROBE, 0, MB_ATTACH_KPROBE, 1, "do_sys_open" },
	{ "kprobe/do_sys_open+0x10", BPF_PROG_TYPE_KPROBE, 0, MB_ATTACH_KPROBE, 1, "do_sys_open+0x10" },
	{ "kprobe", BPF_PROG_TYPE_KPROBE, 0, MB_ATTACH_KPROBE, 0, NULL },
	{ "kretprobe/vfs_read", BPF_PROG_TYPE_KPROBE, 0, MB_ATTACH_KRETPROBE, 1, "vfs_read" },
	{ "ksyscall/openat", BPF_PROG_TYPE_KPROBE, 0, MB_ATTACH_KSYSCALL, 1, "openat" },
	{ "kretsyscall/openat", BPF_PROG_TYPE_KPROBE, 0, MB_ATTACH_KRETSYSCALL, 1, "openat" },
	{ "uprobe//bin/bash:readline", BPF_PROG_TYPE_KPROBE, 0, MB_ATTACH_UPROBE, 1, "/bin/bash:readline" },
	{ "uretprobe/libc.so.6:malloc", BPF_PROG_TYPE_KPROBE, 0, MB_ATTACH_URETPROBE, 1, "libc.so.6:malloc" },
	{ "uprobe.s/lib:f", BPF_PROG_TYPE_KPROBE, 0, MB_ATTACH_UPROBE, 1, "lib:f" },
	{ "uprobe", BPF_PROG_TYPE_KPROBE, 0, MB_ATTACH_UPROBE, 0, NULL },
	{ "tracepoint/syscalls/sys_enter_execve", BPF_PROG_TYPE_TRACEPOINT, 0, MB_ATTACH_TRACEPOINT, 1, "syscalls/sys_enter_execve" },
	{ "tp/sched/sched_switch", BPF_PROG_TYPE_TRACEPOINT, 0, MB_ATTACH_TRACEPOINT, 1, "sched/sched_switch" },
	{ "tp/sched", BPF_PROG_TYPE_TRACEPOINT, 0, MB_ATTACH_TRACEPOINT, 0, "sched" },
	{ "tracepoint", BPF_PROG_TYPE_TRACEPOINT, 0, MB_ATTACH_TRACEPOINT, 0, NULL },
	{ "raw_tracepoint/sys_enter", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, MB_ATTACH_RAW_TP, 1, "sys_enter" },
	{ "raw_tp/sched_switch", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, MB_ATTACH_RAW_TP, 1, "sched_switch" },
	{ "raw_tp.w/bpf_test_finish", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, MB_ATTACH_RAW_TP, 1, "bpf_test_finish" },
	{ "raw_tracepoint.w/x", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, MB_ATTACH_RAW_TP, 1, "x" },
	{ "tp_btf/sched_switch", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, MB_ATTACH_TRACING, 1, "sched_switch" },
	{ "fentry/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, MB_ATTACH_TRACING, 1, "do_unlinkat" },
	{ "fexit/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, MB_ATTACH_TRACING, 1, "do_unlinkat" },
	{ "fmod_ret/f", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, MB_ATTACH_TRACING, 1, "f" },
	{ "fentry.s/f", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, MB_ATTACH_TRACING, 1, "f" },
	{ "lsm/file_open", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, MB_ATTACH_LSM, 1, "file_open" },
	{ "lsm.s/bprm_check_security", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, MB_ATTACH_LSM, 1, "bprm_check_security" },
	{ "iter/task", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, MB_ATTACH_ITER, 1, "task" },
	{ "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, MB_ATTACH_XDP, 0, NULL },
	{ "xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, MB_ATTACH_XDP, 0, NULL },
	{ "xdp/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, MB_ATTACH_NONE, 0, NULL },
	{ "xdp/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, MB_ATTACH_NONE, 0, NULL },
	{ "xdp.frags/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, MB_ATTACH_NONE, 0, NULL },
	{ "perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, MB_ATTACH_PERF_EVENT, 0, NULL },
	{ "sockops", BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, MB_ATTACH_CGROUP, 0, NULL },
	{ "sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER, MB_ATTACH_SOCKMAP, 0, NULL },
	{ "sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, MB_ATTACH_SOCKMAP, 0, NULL },
	{ "sk_skb", BPF_PROG_TYPE_SK_SKB, 0, MB_ATTACH_NONE, 0, NULL },
	{ "sk_msg", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, MB_ATTACH_SOCKMAP, 0, NULL },
	{ "cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/skb", BPF_PROG_TYPE_CGROUP_SKB, 0, MB_ATTACH_NONE, 0, NULL },
	{ "cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/sock_create", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/post_bind4", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/post_bind6", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/connect_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, MB_BPF_CGROUP_UNIX_CONNECT, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/bind4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/bind6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/recvmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/recvmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/getpeername4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/getpeername6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/getsockname4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/getsockname6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, MB_ATTACH_CGROUP, 0, NULL },
	{ "cgroup/dev", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, MB_ATTACH_CGROUP, 0, NULL },
	{ "sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, MB_ATTACH_REUSEPORT, 0, NULL },
	{ "sk_reuseport/migrate", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, MB_ATTACH_REUSEPORT, 0, NULL },
	{ "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, MB_ATTACH_NETNS, 0, NULL },
	{ "tc", BPF_PROG_TYPE_SCHED_CLS, 0, MB_ATTACH_TC, 0, NULL },
	{ "classifier", BPF_PROG_TYPE_SCHED_CLS, 0, MB_ATTACH_TC, 0, NULL },
	{ "action", BPF_PROG_TYPE_SCHED_ACT, 0, MB_ATTACH_NONE, 0, NULL },
	{ "tcx/ingress", BPF_PROG_TYPE_SCHED_CLS, MB_BPF_TCX_INGRESS, MB_ATTACH_TCX, 0, NULL },
	{ "tcx/egress", BPF_PROG_TYPE_SCHED_CLS, MB_BPF_TCX_EGRESS, MB_ATTACH_TCX, 0, NULL },
	{ "tc/ingress", BPF_PROG_TYPE_SCHED_CLS, MB_BPF_TCX_INGRESS, MB_ATTACH_TCX, 0, NULL },
	{ "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, MB_ATTACH_NETNS, 0, NULL },
	{ "lwt_in", BPF_PROG_TYPE_LWT_IN, 0, MB_ATTACH_NONE, 0, NULL },
	{ "lwt_out", BPF_PROG_TYPE_LWT_OUT, 0, MB_ATTACH_NONE, 0, NULL },
	{ "lwt_xmit", BPF_PROG_TYPE_LWT_XMIT, 0, MB_ATTACH_NONE, 0, NULL },
	{ "lwt_seg6local", BPF_PROG_TYPE_LWT_SEG6LOCAL, 0, MB_ATTACH_NONE, 0, NULL },
	{ "syscall", BPF_PROG_TYPE_SYSCALL, 0, MB_ATTACH_NONE, 0, NULL },
	{ "struct_ops/tcp_init", BPF_PROG_TYPE_STRUCT_OPS, 0, MB_ATTACH_STRUCT_OPS, 0, "tcp_init" },
	{ "struct_ops", BPF_PROG_TYPE_STRUCT_OPS, 0, MB_ATTACH_STRUCT_OPS, 0, NULL },
	{ "freplace/f", BPF_PROG_TYPE_EXT, 0, MB_ATTACH_FREPLACE, 0, "f" },
};

TEST(table_cases)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sec_case *c = &cases[i];
		struct mb_sec_def d;

		ASSERT_EQ(0, mb_sec_lookup(c->sec, &d)) TH_LOG("%s", c->sec);
		EXPECT_EQ(c->prog_type, d.prog_type) TH_LOG("%s", c->sec);
		EXPECT_EQ(c->attach_type, d.expected_attach_type) TH_LOG("%s", c->sec);
		EXPECT_EQ(c->kind, d.kind) TH_LOG("%s: kind %s", c->sec, mb_attach_kind_name(d.kind));
		EXPECT_EQ(c->autoattach, !!(d.flags & MB_SEC_AUTO)) TH_LOG("%s", c->sec);
		EXPECT_STREQ(c->target ? c->target : "(null)", d.target ? d.target : "(null)")
			TH_LOG("%s", c->sec);
	}
}

TEST(flags)
{
	struct mb_sec_def d;

	ASSERT_EQ(0, mb_sec_lookup("xdp.frags", &d));
	EXPECT_TRUE(d.flags & MB_SEC_XDP_FRAGS);
	ASSERT_EQ(0, mb_sec_lookup("xdp", &d));
	EXPECT_FALSE(d.flags & MB_SEC_XDP_FRAGS);
	ASSERT_EQ(0, mb_sec_lookup("uprobe.s/x:y", &d));
	EXPECT_TRUE(d.flags & MB_SEC_SLEEPABLE);
	ASSERT_EQ(0, mb_sec_lookup("uprobe/x:y", &d));
	EXPECT_FALSE(d.flags & MB_SEC_SLEEPABLE);
	ASSERT_EQ(0, mb_sec_lookup("syscall", &d));
	EXPECT_TRUE(d.flags & MB_SEC_SLEEPABLE);
	ASSERT_EQ(0, mb_sec_lookup("lsm.s/f", &d));
	EXPECT_TRUE(d.flags & MB_SEC_SLEEPABLE);
	EXPECT_TRUE(d.flags & MB_SEC_ATTACH_BTF);
	ASSERT_EQ(0, mb_sec_lookup("fentry/f", &d));
	EXPECT_TRUE(d.flags & MB_SEC_ATTACH_BTF);
	ASSERT_EQ(0, mb_sec_lookup("iter.s/task", &d));
	EXPECT_TRUE(d.flags & MB_SEC_SLEEPABLE);
}

/* SEC("?type..."): the type after the '?', not loaded unless asked. */
TEST(optional_sections)
{
	struct mb_sec_def d;

	ASSERT_EQ(0, mb_sec_lookup("?tp/syscalls/sys_enter_getpid", &d));
	EXPECT_EQ(BPF_PROG_TYPE_TRACEPOINT, d.prog_type);
	EXPECT_TRUE(d.flags & MB_SEC_NOAUTOLOAD);
	EXPECT_TRUE(d.flags & MB_SEC_AUTO);
	EXPECT_STREQ("syscalls/sys_enter_getpid", d.target);
	ASSERT_EQ(0, mb_sec_lookup("?xdp.frags", &d));
	EXPECT_EQ(BPF_PROG_TYPE_XDP, d.prog_type);
	EXPECT_TRUE(d.flags & MB_SEC_XDP_FRAGS);
	EXPECT_TRUE(d.flags & MB_SEC_NOAUTOLOAD);
	ASSERT_EQ(0, mb_sec_lookup("xdp", &d));
	EXPECT_FALSE(d.flags & MB_SEC_NOAUTOLOAD);
	EXPECT_EQ(-ENOENT, mb_sec_lookup("?", &d));
	EXPECT_EQ(-ENOENT, mb_sec_lookup("??xdp", &d));
	EXPECT_EQ(-ENOENT, mb_sec_lookup("?nonsense", &d));
}

/* A type the user set: the table's first entry for it, without a target. */
TEST(definition_for_a_type)
{
	struct mb_sec_def d;

	ASSERT_EQ(0, mb_sec_for_type(BPF_PROG_TYPE_XDP, 0, &d));
	EXPECT_EQ(MB_ATTACH_XDP, d.kind);
	EXPECT_EQ(NULL, d.target);
	ASSERT_EQ(0, mb_sec_for_type(BPF_PROG_TYPE_TRACEPOINT, 0, &d));
	EXPECT_EQ(MB_ATTACH_TRACEPOINT, d.kind);
	EXPECT_FALSE(d.flags & MB_SEC_AUTO);
	ASSERT_EQ(0, mb_sec_for_type(BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, &d));
	EXPECT_EQ(MB_ATTACH_CGROUP, d.kind);
	EXPECT_EQ(BPF_CGROUP_INET_EGRESS, d.expected_attach_type);
	EXPECT_EQ(-ENOENT, mb_sec_for_type(1000, 0, &d));
}

/* libbpf 1.0 rules: "type" is exact; "type+" is "type" or "type/...". */
TEST(prefix_rules)
{
	static const char *const bad[] = {
		"xdp/foo", "xdpfoo", "socketx", "socket/1", "kprobex/f", "tracepointx",
		"tpx/a/b", "sk_msg/x", "cgroup/unknown", "cgroup_skb", "tcx", "", "raw_tpx",
		"sockops/x", "perf_event/x", "uprobe.sx/a:b",
	};
	struct mb_sec_def d = { .pattern = "" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mb_sec_lookup(bad[i], &d) != -ENOENT) {
			fprintf(stderr, "# '%s' matched %s\n", bad[i], d.pattern);
			EXPECT_TRUE(0);
		}
	EXPECT_EQ(-EINVAL, mb_sec_lookup(NULL, &d));
	/* a longer name wins over its prefix */
	ASSERT_EQ(0, mb_sec_lookup("sk_reuseport/migrate", &d));
	EXPECT_STREQ("sk_reuseport/migrate", d.pattern);
	ASSERT_EQ(0, mb_sec_lookup("raw_tp.w/x", &d));
	EXPECT_STREQ("raw_tp.w+", d.pattern);
}

TEST(kind_names)
{
	EXPECT_STREQ("kprobe", mb_attach_kind_name(MB_ATTACH_KPROBE));
	EXPECT_STREQ("cgroup", mb_attach_kind_name(MB_ATTACH_CGROUP));
	EXPECT_STREQ("other", mb_attach_kind_name(MB_ATTACH_OTHER));
	EXPECT_STREQ("?", mb_attach_kind_name(1000));
}

TEST_HARNESS_MAIN
