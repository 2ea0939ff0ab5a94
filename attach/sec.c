/* The SEC() table: libbpf's section-name conventions.
 *
 * "type"  matches exactly; "type+" matches "type" or "type/anything" (the
 * part after '/' names the attach target); first match wins, so longer
 * names precede their prefixes.
 */
#include <errno.h>
#include <string.h>

#include "attach/attach.h"

#define P(t) BPF_PROG_TYPE_##t
#define A(t) BPF_##t
#define S_SLP MB_SEC_SLEEPABLE
#define S_FRG MB_SEC_XDP_FRAGS
#define S_BTF MB_SEC_ATTACH_BTF
#define S_OPT MB_SEC_EXP_OPTIONAL

struct sec_ent {
	const char *name;
	uint8_t prog_type, attach_type, kind, flags;
};

static const struct sec_ent secs[] = {
	{ "socket", P(SOCKET_FILTER), 0, MB_ATTACH_SOCKET, 0 },
	{ "sk_reuseport/migrate", P(SK_REUSEPORT), A(SK_REUSEPORT_SELECT_OR_MIGRATE), MB_ATTACH_REUSEPORT, 0 },
	{ "sk_reuseport", P(SK_REUSEPORT), A(SK_REUSEPORT_SELECT), MB_ATTACH_REUSEPORT, 0 },
	{ "kprobe+", P(KPROBE), 0, MB_ATTACH_KPROBE, 0 },
	{ "uprobe+", P(KPROBE), 0, MB_ATTACH_UPROBE, 0 },
	{ "uprobe.s+", P(KPROBE), 0, MB_ATTACH_UPROBE, S_SLP },
	{ "kretprobe+", P(KPROBE), 0, MB_ATTACH_KRETPROBE, 0 },
	{ "uretprobe+", P(KPROBE), 0, MB_ATTACH_URETPROBE, 0 },
	{ "uretprobe.s+", P(KPROBE), 0, MB_ATTACH_URETPROBE, S_SLP },
	{ "kprobe.multi+", P(KPROBE), A(TRACE_KPROBE_MULTI), MB_ATTACH_OTHER, 0 },
	{ "kretprobe.multi+", P(KPROBE), A(TRACE_KPROBE_MULTI), MB_ATTACH_OTHER, 0 },
	{ "uprobe.multi+", P(KPROBE), MB_BPF_TRACE_UPROBE_MULTI, MB_ATTACH_OTHER, 0 },
	{ "uretprobe.multi+", P(KPROBE), MB_BPF_TRACE_UPROBE_MULTI, MB_ATTACH_OTHER, 0 },
	{ "ksyscall+", P(KPROBE), 0, MB_ATTACH_KSYSCALL, 0 },
	{ "kretsyscall+", P(KPROBE), 0, MB_ATTACH_KRETSYSCALL, 0 },
	{ "usdt+", P(KPROBE), 0, MB_ATTACH_OTHER, 0 },
	{ "tc/ingress", P(SCHED_CLS), MB_BPF_TCX_INGRESS, MB_ATTACH_TCX, 0 },
	{ "tc/egress", P(SCHED_CLS), MB_BPF_TCX_EGRESS, MB_ATTACH_TCX, 0 },
	{ "tcx/ingress", P(SCHED_CLS), MB_BPF_TCX_INGRESS, MB_ATTACH_TCX, 0 },
	{ "tcx/egress", P(SCHED_CLS), MB_BPF_TCX_EGRESS, MB_ATTACH_TCX, 0 },
	{ "netkit/primary", P(SCHED_CLS), MB_BPF_NETKIT_PRIMARY, MB_ATTACH_OTHER, 0 },
	{ "netkit/peer", P(SCHED_CLS), MB_BPF_NETKIT_PEER, MB_ATTACH_OTHER, 0 },
	{ "tc", P(SCHED_CLS), 0, MB_ATTACH_TC, 0 },
	{ "classifier", P(SCHED_CLS), 0, MB_ATTACH_TC, 0 },
	{ "action", P(SCHED_ACT), 0, MB_ATTACH_NONE, 0 },
	{ "tracepoint+", P(TRACEPOINT), 0, MB_ATTACH_TRACEPOINT, 0 },
	{ "tp+", P(TRACEPOINT), 0, MB_ATTACH_TRACEPOINT, 0 },
	{ "raw_tracepoint+", P(RAW_TRACEPOINT), 0, MB_ATTACH_RAW_TP, 0 },
	{ "raw_tp+", P(RAW_TRACEPOINT), 0, MB_ATTACH_RAW_TP, 0 },
	{ "raw_tracepoint.w+", P(RAW_TRACEPOINT_WRITABLE), 0, MB_ATTACH_RAW_TP, 0 },
	{ "raw_tp.w+", P(RAW_TRACEPOINT_WRITABLE), 0, MB_ATTACH_RAW_TP, 0 },
	{ "tp_btf+", P(TRACING), A(TRACE_RAW_TP), MB_ATTACH_TRACING, S_BTF },
	{ "fentry+", P(TRACING), A(TRACE_FENTRY), MB_ATTACH_TRACING, S_BTF },
	{ "fmod_ret+", P(TRACING), A(MODIFY_RETURN), MB_ATTACH_TRACING, S_BTF },
	{ "fexit+", P(TRACING), A(TRACE_FEXIT), MB_ATTACH_TRACING, S_BTF },
	{ "fentry.s+", P(TRACING), A(TRACE_FENTRY), MB_ATTACH_TRACING, S_BTF | S_SLP },
	{ "fmod_ret.s+", P(TRACING), A(MODIFY_RETURN), MB_ATTACH_TRACING, S_BTF | S_SLP },
	{ "fexit.s+", P(TRACING), A(TRACE_FEXIT), MB_ATTACH_TRACING, S_BTF | S_SLP },
	{ "freplace+", P(EXT), 0, MB_ATTACH_FREPLACE, S_BTF },
	{ "lsm+", P(LSM), A(LSM_MAC), MB_ATTACH_LSM, S_BTF },
	{ "lsm.s+", P(LSM), A(LSM_MAC), MB_ATTACH_LSM, S_BTF | S_SLP },
	{ "lsm_cgroup+", P(LSM), A(LSM_CGROUP), MB_ATTACH_OTHER, S_BTF },
	{ "iter+", P(TRACING), A(TRACE_ITER), MB_ATTACH_ITER, S_BTF },
	{ "iter.s+", P(TRACING), A(TRACE_ITER), MB_ATTACH_ITER, S_BTF | S_SLP },
	{ "syscall", P(SYSCALL), 0, MB_ATTACH_NONE, S_SLP },
	{ "xdp.frags/devmap", P(XDP), A(XDP_DEVMAP), MB_ATTACH_NONE, S_FRG },
	{ "xdp/devmap", P(XDP), A(XDP_DEVMAP), MB_ATTACH_NONE, 0 },
	{ "xdp.frags/cpumap", P(XDP), A(XDP_CPUMAP), MB_ATTACH_NONE, S_FRG },
	{ "xdp/cpumap", P(XDP), A(XDP_CPUMAP), MB_ATTACH_NONE, 0 },
	{ "xdp.frags", P(XDP), A(XDP), MB_ATTACH_XDP, S_FRG },
	{ "xdp", P(XDP), A(XDP), MB_ATTACH_XDP, S_OPT },
	{ "perf_event", P(PERF_EVENT), 0, MB_ATTACH_PERF_EVENT, 0 },
	{ "lwt_in", P(LWT_IN), 0, MB_ATTACH_NONE, 0 },
	{ "lwt_out", P(LWT_OUT), 0, MB_ATTACH_NONE, 0 },
	{ "lwt_xmit", P(LWT_XMIT), 0, MB_ATTACH_NONE, 0 },
	{ "lwt_seg6local", P(LWT_SEG6LOCAL), 0, MB_ATTACH_NONE, 0 },
	{ "sockops", P(SOCK_OPS), A(CGROUP_SOCK_OPS), MB_ATTACH_CGROUP, S_OPT },
	{ "sk_skb/stream_parser", P(SK_SKB), A(SK_SKB_STREAM_PARSER), MB_ATTACH_SOCKMAP, S_OPT },
	{ "sk_skb/stream_verdict", P(SK_SKB), A(SK_SKB_STREAM_VERDICT), MB_ATTACH_SOCKMAP, S_OPT },
	{ "sk_skb/verdict", P(SK_SKB), A(SK_SKB_VERDICT), MB_ATTACH_SOCKMAP, S_OPT },
	{ "sk_skb", P(SK_SKB), 0, MB_ATTACH_NONE, 0 },
	{ "sk_msg", P(SK_MSG), A(SK_MSG_VERDICT), MB_ATTACH_SOCKMAP, S_OPT },
	{ "lirc_mode2", P(LIRC_MODE2), A(LIRC_MODE2), MB_ATTACH_OTHER, S_OPT },
	{ "flow_dissector", P(FLOW_DISSECTOR), A(FLOW_DISSECTOR), MB_ATTACH_NETNS, S_OPT },
	{ "cgroup_skb/ingress", P(CGROUP_SKB), A(CGROUP_INET_INGRESS), MB_ATTACH_CGROUP, S_OPT },
	{ "cgroup_skb/egress", P(CGROUP_SKB), A(CGROUP_INET_EGRESS), MB_ATTACH_CGROUP, S_OPT },
	{ "cgroup/skb", P(CGROUP_SKB), 0, MB_ATTACH_NONE, 0 },
	{ "cgroup/sock_create", P(CGROUP_SOCK), A(CGROUP_INET_SOCK_CREATE), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/sock_release", P(CGROUP_SOCK), A(CGROUP_INET_SOCK_RELEASE), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/sock", P(CGROUP_SOCK), A(CGROUP_INET_SOCK_CREATE), MB_ATTACH_CGROUP, S_OPT },
	{ "cgroup/post_bind4", P(CGROUP_SOCK), A(CGROUP_INET4_POST_BIND), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/post_bind6", P(CGROUP_SOCK), A(CGROUP_INET6_POST_BIND), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/bind4", P(CGROUP_SOCK_ADDR), A(CGROUP_INET4_BIND), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/bind6", P(CGROUP_SOCK_ADDR), A(CGROUP_INET6_BIND), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/connect4", P(CGROUP_SOCK_ADDR), A(CGROUP_INET4_CONNECT), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/connect6", P(CGROUP_SOCK_ADDR), A(CGROUP_INET6_CONNECT), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/connect_unix", P(CGROUP_SOCK_ADDR), MB_BPF_CGROUP_UNIX_CONNECT, MB_ATTACH_CGROUP, 0 },
	{ "cgroup/sendmsg4", P(CGROUP_SOCK_ADDR), A(CGROUP_UDP4_SENDMSG), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/sendmsg6", P(CGROUP_SOCK_ADDR), A(CGROUP_UDP6_SENDMSG), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/sendmsg_unix", P(CGROUP_SOCK_ADDR), MB_BPF_CGROUP_UNIX_SENDMSG, MB_ATTACH_CGROUP, 0 },
	{ "cgroup/recvmsg4", P(CGROUP_SOCK_ADDR), A(CGROUP_UDP4_RECVMSG), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/recvmsg6", P(CGROUP_SOCK_ADDR), A(CGROUP_UDP6_RECVMSG), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/recvmsg_unix", P(CGROUP_SOCK_ADDR), MB_BPF_CGROUP_UNIX_RECVMSG, MB_ATTACH_CGROUP, 0 },
	{ "cgroup/getpeername4", P(CGROUP_SOCK_ADDR), A(CGROUP_INET4_GETPEERNAME), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/getpeername6", P(CGROUP_SOCK_ADDR), A(CGROUP_INET6_GETPEERNAME), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/getpeername_unix", P(CGROUP_SOCK_ADDR), MB_BPF_CGROUP_UNIX_GETPEERNAME, MB_ATTACH_CGROUP, 0 },
	{ "cgroup/getsockname4", P(CGROUP_SOCK_ADDR), A(CGROUP_INET4_GETSOCKNAME), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/getsockname6", P(CGROUP_SOCK_ADDR), A(CGROUP_INET6_GETSOCKNAME), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/getsockname_unix", P(CGROUP_SOCK_ADDR), MB_BPF_CGROUP_UNIX_GETSOCKNAME, MB_ATTACH_CGROUP, 0 },
	{ "cgroup/sysctl", P(CGROUP_SYSCTL), A(CGROUP_SYSCTL), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/getsockopt", P(CGROUP_SOCKOPT), A(CGROUP_GETSOCKOPT), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/setsockopt", P(CGROUP_SOCKOPT), A(CGROUP_SETSOCKOPT), MB_ATTACH_CGROUP, 0 },
	{ "cgroup/dev", P(CGROUP_DEVICE), A(CGROUP_DEVICE), MB_ATTACH_CGROUP, S_OPT },
	{ "struct_ops+", P(STRUCT_OPS), 0, MB_ATTACH_STRUCT_OPS, 0 },
	{ "struct_ops.s+", P(STRUCT_OPS), 0, MB_ATTACH_STRUCT_OPS, S_SLP },
	{ "sk_lookup", P(SK_LOOKUP), A(SK_LOOKUP), MB_ATTACH_NETNS, 0 },
	{ "netfilter", MB_BPF_PROG_TYPE_NETFILTER, MB_BPF_NETFILTER, MB_ATTACH_OTHER, 0 },
};

static const char *const kind_names[] = {
	"none", "kprobe", "kretprobe", "ksyscall", "kretsyscall", "uprobe", "uretprobe",
	"tracepoint", "raw_tracepoint", "tracing", "lsm", "iter", "freplace", "perf_event",
	"xdp", "tc", "tcx", "cgroup", "sockmap", "netns", "socket", "reuseport",
	"struct_ops", "other",
};

const char *mb_attach_kind_name(uint32_t kind)
{
	if (kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "?";
	return kind_names[kind];
}

/* Returns the target ("" when none follows) or NULL when NAME does not match. */
static const char *sec_match(const char *pat, const char *name)
{
	size_t len = strlen(pat);

	if (pat[len - 1] != '+')
		return strcmp(pat, name) ? NULL : "";
	len--;
	if (strncmp(pat, name, len))
		return NULL;
	if (name[len] == '\0')
		return "";
	return name[len] == '/' ? name + len + 1 : NULL;
}

/* Kinds that can attach from the name alone. */
static int auto_kind(uint32_t kind, const char *target)
{
	switch (kind) {
	case MB_ATTACH_TRACING:
	case MB_ATTACH_LSM:
		return 1;       /* the target is fixed by the load's BTF id */
	case MB_ATTACH_KPROBE:
	case MB_ATTACH_KRETPROBE:
	case MB_ATTACH_KSYSCALL:
	case MB_ATTACH_KRETSYSCALL:
	case MB_ATTACH_UPROBE:
	case MB_ATTACH_URETPROBE:
	case MB_ATTACH_RAW_TP:
	case MB_ATTACH_ITER:
		return target[0] != '\0';
	case MB_ATTACH_TRACEPOINT: {
		const char *slash = strchr(target, '/');

		return slash && slash != target && slash[1];
	}
	}
	return 0;
}

int mb_sec_lookup(const char *sec, struct mb_sec_def *out)
{
	size_t i;

	if (!sec)
		return -EINVAL;
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		const struct sec_ent *e = &secs[i];
		const char *target = sec_match(e->name, sec);

		if (!target)
			continue;
		memset(out, 0, sizeof(*out));
		out->prog_type = e->prog_type;
		out->expected_attach_type = e->attach_type;
		out->kind = e->kind;
		out->flags = e->flags;
		out->target = target[0] ? target : NULL;
		out->pattern = e->name;
		if (auto_kind(e->kind, target))
			out->flags |= MB_SEC_AUTO;
		return 0;
	}
	return -ENOENT;
}
