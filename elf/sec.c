/* The SEC() table: libbpf's section-name conventions.
 *
 * "type"  matches exactly; "type+" matches "type" or "type/anything" (the
 * part after '/' names the attach target); first match wins, so longer
 * names precede their prefixes.
 */
#include <errno.h>
#include <string.h>

#include <linux/bpf.h>

#include "uapi/bpf_compat.h"
#include "elf/sec.h"

#define P(t) BPF_PROG_TYPE_##t
#define A(t) BPF_##t
#define S_SLP MB_SEC_SLEEPABLE
#define S_FRG MB_SEC_XDP_FRAGS
#define S_BTF MB_SEC_ATTACH_BTF
#define S_OPT MB_SEC_EXP_OPTIONAL

/* One X-macro list gives a blob of NUL-separated names and a parallel array
 * of 4-byte entries: no 8-byte pointer per entry. */
#define SECS(X) \
	X("socket", P(SOCKET_FILTER), 0, MB_ATTACH_SOCKET, 0) \
	X("sk_reuseport/migrate", P(SK_REUSEPORT), A(SK_REUSEPORT_SELECT_OR_MIGRATE), MB_ATTACH_REUSEPORT, 0) \
	X("sk_reuseport", P(SK_REUSEPORT), A(SK_REUSEPORT_SELECT), MB_ATTACH_REUSEPORT, 0) \
	X("kprobe+", P(KPROBE), 0, MB_ATTACH_KPROBE, 0) \
	X("uprobe+", P(KPROBE), 0, MB_ATTACH_UPROBE, 0) \
	X("uprobe.s+", P(KPROBE), 0, MB_ATTACH_UPROBE, S_SLP) \
	X("kretprobe+", P(KPROBE), 0, MB_ATTACH_KRETPROBE, 0) \
	X("uretprobe+", P(KPROBE), 0, MB_ATTACH_URETPROBE, 0) \
	X("uretprobe.s+", P(KPROBE), 0, MB_ATTACH_URETPROBE, S_SLP) \
	X("kprobe.multi+", P(KPROBE), A(TRACE_KPROBE_MULTI), MB_ATTACH_OTHER, 0) \
	X("kretprobe.multi+", P(KPROBE), A(TRACE_KPROBE_MULTI), MB_ATTACH_OTHER, 0) \
	X("uprobe.multi+", P(KPROBE), MB_BPF_TRACE_UPROBE_MULTI, MB_ATTACH_OTHER, 0) \
	X("uretprobe.multi+", P(KPROBE), MB_BPF_TRACE_UPROBE_MULTI, MB_ATTACH_OTHER, 0) \
	X("ksyscall+", P(KPROBE), 0, MB_ATTACH_KSYSCALL, 0) \
	X("kretsyscall+", P(KPROBE), 0, MB_ATTACH_KRETSYSCALL, 0) \
	X("usdt+", P(KPROBE), 0, MB_ATTACH_OTHER, 0) \
	X("tc/ingress", P(SCHED_CLS), MB_BPF_TCX_INGRESS, MB_ATTACH_TCX, 0) \
	X("tc/egress", P(SCHED_CLS), MB_BPF_TCX_EGRESS, MB_ATTACH_TCX, 0) \
	X("tcx/ingress", P(SCHED_CLS), MB_BPF_TCX_INGRESS, MB_ATTACH_TCX, 0) \
	X("tcx/egress", P(SCHED_CLS), MB_BPF_TCX_EGRESS, MB_ATTACH_TCX, 0) \
	X("netkit/primary", P(SCHED_CLS), MB_BPF_NETKIT_PRIMARY, MB_ATTACH_OTHER, 0) \
	X("netkit/peer", P(SCHED_CLS), MB_BPF_NETKIT_PEER, MB_ATTACH_OTHER, 0) \
	X("tc", P(SCHED_CLS), 0, MB_ATTACH_TC, 0) \
	X("classifier", P(SCHED_CLS), 0, MB_ATTACH_TC, 0) \
	X("action", P(SCHED_ACT), 0, MB_ATTACH_NONE, 0) \
	X("tracepoint+", P(TRACEPOINT), 0, MB_ATTACH_TRACEPOINT, 0) \
	X("tp+", P(TRACEPOINT), 0, MB_ATTACH_TRACEPOINT, 0) \
	X("raw_tracepoint+", P(RAW_TRACEPOINT), 0, MB_ATTACH_RAW_TP, 0) \
	X("raw_tp+", P(RAW_TRACEPOINT), 0, MB_ATTACH_RAW_TP, 0) \
	X("raw_tracepoint.w+", P(RAW_TRACEPOINT_WRITABLE), 0, MB_ATTACH_RAW_TP, 0) \
	X("raw_tp.w+", P(RAW_TRACEPOINT_WRITABLE), 0, MB_ATTACH_RAW_TP, 0) \
	X("tp_btf+", P(TRACING), A(TRACE_RAW_TP), MB_ATTACH_TRACING, S_BTF) \
	X("fentry+", P(TRACING), A(TRACE_FENTRY), MB_ATTACH_TRACING, S_BTF) \
	X("fmod_ret+", P(TRACING), A(MODIFY_RETURN), MB_ATTACH_TRACING, S_BTF) \
	X("fexit+", P(TRACING), A(TRACE_FEXIT), MB_ATTACH_TRACING, S_BTF) \
	X("fentry.s+", P(TRACING), A(TRACE_FENTRY), MB_ATTACH_TRACING, S_BTF | S_SLP) \
	X("fmod_ret.s+", P(TRACING), A(MODIFY_RETURN), MB_ATTACH_TRACING, S_BTF | S_SLP) \
	X("fexit.s+", P(TRACING), A(TRACE_FEXIT), MB_ATTACH_TRACING, S_BTF | S_SLP) \
	X("freplace+", P(EXT), 0, MB_ATTACH_FREPLACE, S_BTF) \
	X("lsm+", P(LSM), A(LSM_MAC), MB_ATTACH_LSM, S_BTF) \
	X("lsm.s+", P(LSM), A(LSM_MAC), MB_ATTACH_LSM, S_BTF | S_SLP) \
	X("lsm_cgroup+", P(LSM), A(LSM_CGROUP), MB_ATTACH_OTHER, S_BTF) \
	X("iter+", P(TRACING), A(TRACE_ITER), MB_ATTACH_ITER, S_BTF) \
	X("iter.s+", P(TRACING), A(TRACE_ITER), MB_ATTACH_ITER, S_BTF | S_SLP) \
	X("syscall", P(SYSCALL), 0, MB_ATTACH_NONE, S_SLP) \
	X("xdp.frags/devmap", P(XDP), A(XDP_DEVMAP), MB_ATTACH_NONE, S_FRG) \
	X("xdp/devmap", P(XDP), A(XDP_DEVMAP), MB_ATTACH_NONE, 0) \
	X("xdp.frags/cpumap", P(XDP), A(XDP_CPUMAP), MB_ATTACH_NONE, S_FRG) \
	X("xdp/cpumap", P(XDP), A(XDP_CPUMAP), MB_ATTACH_NONE, 0) \
	X("xdp.frags", P(XDP), A(XDP), MB_ATTACH_XDP, S_FRG) \
	X("xdp", P(XDP), A(XDP), MB_ATTACH_XDP, S_OPT) \
	X("perf_event", P(PERF_EVENT), 0, MB_ATTACH_PERF_EVENT, 0) \
	X("lwt_in", P(LWT_IN), 0, MB_ATTACH_NONE, 0) \
	X("lwt_out", P(LWT_OUT), 0, MB_ATTACH_NONE, 0) \
	X("lwt_xmit", P(LWT_XMIT), 0, MB_ATTACH_NONE, 0) \
	X("lwt_seg6local", P(LWT_SEG6LOCAL), 0, MB_ATTACH_NONE, 0) \
	X("sockops", P(SOCK_OPS), A(CGROUP_SOCK_OPS), MB_ATTACH_CGROUP, S_OPT) \
	X("sk_skb/stream_parser", P(SK_SKB), A(SK_SKB_STREAM_PARSER), MB_ATTACH_SOCKMAP, S_OPT) \
	X("sk_skb/stream_verdict", P(SK_SKB), A(SK_SKB_STREAM_VERDICT), MB_ATTACH_SOCKMAP, S_OPT) \
	X("sk_skb/verdict", P(SK_SKB), A(SK_SKB_VERDICT), MB_ATTACH_SOCKMAP, S_OPT) \
	X("sk_skb", P(SK_SKB), 0, MB_ATTACH_NONE, 0) \
	X("sk_msg", P(SK_MSG), A(SK_MSG_VERDICT), MB_ATTACH_SOCKMAP, S_OPT) \
	X("lirc_mode2+", P(LIRC_MODE2), A(LIRC_MODE2), MB_ATTACH_OTHER, S_OPT) \
	X("flow_dissector", P(FLOW_DISSECTOR), A(FLOW_DISSECTOR), MB_ATTACH_NETNS, S_OPT) \
	X("cgroup_skb/ingress", P(CGROUP_SKB), A(CGROUP_INET_INGRESS), MB_ATTACH_CGROUP, S_OPT) \
	X("cgroup_skb/egress", P(CGROUP_SKB), A(CGROUP_INET_EGRESS), MB_ATTACH_CGROUP, S_OPT) \
	X("cgroup/skb", P(CGROUP_SKB), 0, MB_ATTACH_NONE, 0) \
	X("cgroup/sock_create", P(CGROUP_SOCK), A(CGROUP_INET_SOCK_CREATE), MB_ATTACH_CGROUP, 0) \
	X("cgroup/sock_release", P(CGROUP_SOCK), A(CGROUP_INET_SOCK_RELEASE), MB_ATTACH_CGROUP, 0) \
	X("cgroup/sock", P(CGROUP_SOCK), A(CGROUP_INET_SOCK_CREATE), MB_ATTACH_CGROUP, S_OPT) \
	X("cgroup/post_bind4", P(CGROUP_SOCK), A(CGROUP_INET4_POST_BIND), MB_ATTACH_CGROUP, 0) \
	X("cgroup/post_bind6", P(CGROUP_SOCK), A(CGROUP_INET6_POST_BIND), MB_ATTACH_CGROUP, 0) \
	X("cgroup/bind4", P(CGROUP_SOCK_ADDR), A(CGROUP_INET4_BIND), MB_ATTACH_CGROUP, 0) \
	X("cgroup/bind6", P(CGROUP_SOCK_ADDR), A(CGROUP_INET6_BIND), MB_ATTACH_CGROUP, 0) \
	X("cgroup/connect4", P(CGROUP_SOCK_ADDR), A(CGROUP_INET4_CONNECT), MB_ATTACH_CGROUP, 0) \
	X("cgroup/connect6", P(CGROUP_SOCK_ADDR), A(CGROUP_INET6_CONNECT), MB_ATTACH_CGROUP, 0) \
	X("cgroup/connect_unix", P(CGROUP_SOCK_ADDR), MB_BPF_CGROUP_UNIX_CONNECT, MB_ATTACH_CGROUP, 0) \
	X("cgroup/sendmsg4", P(CGROUP_SOCK_ADDR), A(CGROUP_UDP4_SENDMSG), MB_ATTACH_CGROUP, 0) \
	X("cgroup/sendmsg6", P(CGROUP_SOCK_ADDR), A(CGROUP_UDP6_SENDMSG), MB_ATTACH_CGROUP, 0) \
	X("cgroup/sendmsg_unix", P(CGROUP_SOCK_ADDR), MB_BPF_CGROUP_UNIX_SENDMSG, MB_ATTACH_CGROUP, 0) \
	X("cgroup/recvmsg4", P(CGROUP_SOCK_ADDR), A(CGROUP_UDP4_RECVMSG), MB_ATTACH_CGROUP, 0) \
	X("cgroup/recvmsg6", P(CGROUP_SOCK_ADDR), A(CGROUP_UDP6_RECVMSG), MB_ATTACH_CGROUP, 0) \
	X("cgroup/recvmsg_unix", P(CGROUP_SOCK_ADDR), MB_BPF_CGROUP_UNIX_RECVMSG, MB_ATTACH_CGROUP, 0) \
	X("cgroup/getpeername4", P(CGROUP_SOCK_ADDR), A(CGROUP_INET4_GETPEERNAME), MB_ATTACH_CGROUP, 0) \
	X("cgroup/getpeername6", P(CGROUP_SOCK_ADDR), A(CGROUP_INET6_GETPEERNAME), MB_ATTACH_CGROUP, 0) \
	X("cgroup/getpeername_unix", P(CGROUP_SOCK_ADDR), MB_BPF_CGROUP_UNIX_GETPEERNAME, MB_ATTACH_CGROUP, 0) \
	X("cgroup/getsockname4", P(CGROUP_SOCK_ADDR), A(CGROUP_INET4_GETSOCKNAME), MB_ATTACH_CGROUP, 0) \
	X("cgroup/getsockname6", P(CGROUP_SOCK_ADDR), A(CGROUP_INET6_GETSOCKNAME), MB_ATTACH_CGROUP, 0) \
	X("cgroup/getsockname_unix", P(CGROUP_SOCK_ADDR), MB_BPF_CGROUP_UNIX_GETSOCKNAME, MB_ATTACH_CGROUP, 0) \
	X("cgroup/sysctl", P(CGROUP_SYSCTL), A(CGROUP_SYSCTL), MB_ATTACH_CGROUP, 0) \
	X("cgroup/getsockopt", P(CGROUP_SOCKOPT), A(CGROUP_GETSOCKOPT), MB_ATTACH_CGROUP, 0) \
	X("cgroup/setsockopt", P(CGROUP_SOCKOPT), A(CGROUP_SETSOCKOPT), MB_ATTACH_CGROUP, 0) \
	X("cgroup/dev", P(CGROUP_DEVICE), A(CGROUP_DEVICE), MB_ATTACH_CGROUP, S_OPT) \
	X("struct_ops+", P(STRUCT_OPS), 0, MB_ATTACH_STRUCT_OPS, 0) \
	X("struct_ops.s+", P(STRUCT_OPS), 0, MB_ATTACH_STRUCT_OPS, S_SLP) \
	X("sk_lookup", P(SK_LOOKUP), A(SK_LOOKUP), MB_ATTACH_NETNS, 0) \
	X("netfilter", MB_BPF_PROG_TYPE_NETFILTER, MB_BPF_NETFILTER, MB_ATTACH_OTHER, 0) \
	/* end */

#define SEC_NAME(n, ...) n "\0"
#define SEC_LEN(n, ...) sizeof(n) - 1,
#define SEC_ENT(n, t, a, k, f) { t, a, k, f },
static const char sec_names[] = SECS(SEC_NAME);
static const uint8_t sec_lens[] = { SECS(SEC_LEN) };   /* no strlen per lookup */
static const struct sec_ent {
	uint8_t prog_type, attach_type, kind, flags;
} secs[] = { SECS(SEC_ENT) };

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
static const char *sec_match(const char *pat, size_t len, const char *name)
{
	if (pat[0] != name[0])
		return NULL;    /* most patterns: at the first byte */
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

/* The definition table entry E (named NAME) gives. */
static void def_of(const struct sec_ent *e, const char *name, struct mb_sec_def *out)
{
	memset(out, 0, sizeof(*out));
	out->prog_type = e->prog_type;
	out->expected_attach_type = e->attach_type;
	out->kind = e->kind;
	out->flags = e->flags;
	out->pattern = name;
}

int mb_sec_lookup(const char *sec, struct mb_sec_def *out)
{
	const char *name = sec_names;
	size_t i, len;

	if (!sec)
		return -EINVAL;
	/* libbpf >= 1.0: a leading '?' means "do not load unless asked" */
	if (sec[0] == '?') {
		int r = sec[1] == '?' ? -ENOENT : mb_sec_lookup(sec + 1, out);

		if (!r)
			out->flags |= MB_SEC_NOAUTOLOAD;
		return r;
	}
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++, name += len + 1) {
		const struct sec_ent *e = &secs[i];
		const char *target;

		len = sec_lens[i];
		target = sec_match(name, len, sec);
		if (!target)
			continue;
		def_of(e, name, out);
		out->target = target[0] ? target : NULL;
		if (auto_kind(e->kind, target))
			out->flags |= MB_SEC_AUTO;
		return 0;
	}
	return -ENOENT;
}

/* How a program whose type the user set attaches: the table's plainest entry
 * of PROG_TYPE (and ATTACH_TYPE unless 0), without a target. First choice:
 * a name without '/' that attaches and takes no extra load flags ("xdp",
 * not "xdp.frags/devmap"; "tc", not "tc/ingress"); then any entry. */
int mb_sec_for_type(uint32_t prog_type, uint32_t attach_type, struct mb_sec_def *out)
{
	int pass;

	for (pass = 0; pass < 2; pass++) {
		const char *name = sec_names;
		size_t i;

		for (i = 0; i < sizeof(secs) / sizeof(secs[0]); name += sec_lens[i] + 1, i++) {
			const struct sec_ent *e = &secs[i];

			if (e->prog_type != prog_type || (attach_type && e->attach_type != attach_type))
				continue;
			if (!pass && (memchr(name, '/', sec_lens[i]) || e->kind == MB_ATTACH_NONE ||
				      (e->flags & (MB_SEC_XDP_FRAGS | MB_SEC_SLEEPABLE))))
				continue;
			def_of(e, name, out);
			out->expected_attach_type = attach_type;   /* what the user said */
			return 0;
		}
	}
	return -ENOENT;
}
