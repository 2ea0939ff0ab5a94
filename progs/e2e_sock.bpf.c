// End-to-end fixture: cgroup and socket programs. Addresses the test
// connects to at port VIRT_PORT go to the real server port in cfg[CFG_PORT];
// hits[] counts what each program saw.
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define VIRT_PORT 4             /* unassigned: nothing listens there */
#define AF_INET6_ 10
#define SOCK_DGRAM_ 2

enum { CFG_PORT, CFG_NO_BIND, CFG_NO_POSTBIND, CFG_MAX };
enum { H_SKB_IN, H_SKB_OUT, H_CONNECT4, H_CONNECT6, H_BIND4, H_SENDMSG4, H_RECVMSG4,
       H_PEER4, H_SOCK_CREATE, H_POST_BIND4, H_PARSER, H_VERDICT, H_MSG, H_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, H_MAX);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CFG_MAX);
	__type(key, __u32);
	__type(value, __u32);
} cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} sockops_seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} sock_map SEC(".maps");

static __always_inline void hit(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&hits, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline __u32 cfg_get(__u32 k)
{
	__u32 *v = bpf_map_lookup_elem(&cfg, &k);

	return v ? *v : 0;
}

SEC("cgroup_skb/ingress")
int skb_in(struct __sk_buff *skb)
{
	hit(H_SKB_IN);
	return 1;
}

SEC("cgroup_skb/egress")
int skb_out(struct __sk_buff *skb)
{
	hit(H_SKB_OUT);
	return 1;
}

/* VIRT_PORT on any address -> loopback at the configured port. */
SEC("cgroup/connect4")
int connect4_rewrite(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(VIRT_PORT)) {
		hit(H_CONNECT4);
		ctx->user_ip4 = bpf_htonl(0x7f000001);
		ctx->user_port = bpf_htons(cfg_get(CFG_PORT));
	}
	return 1;
}

SEC("cgroup/connect6")
int connect6_rewrite(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(VIRT_PORT)) {
		hit(H_CONNECT6);
		ctx->user_ip6[0] = 0;
		ctx->user_ip6[1] = 0;
		ctx->user_ip6[2] = 0;
		ctx->user_ip6[3] = bpf_htonl(1);
		ctx->user_port = bpf_htons(cfg_get(CFG_PORT));
	}
	return 1;
}

SEC("cgroup/bind4")
int bind4_refuse(struct bpf_sock_addr *ctx)
{
	hit(H_BIND4);
	return ctx->user_port != bpf_htons(cfg_get(CFG_NO_BIND));
}

SEC("cgroup/sendmsg4")
int sendmsg4_rewrite(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(VIRT_PORT)) {
		hit(H_SENDMSG4);
		ctx->user_ip4 = bpf_htonl(0x7f000001);
		ctx->user_port = bpf_htons(cfg_get(CFG_PORT));
	}
	return 1;
}

/* Replies from the real port look as if VIRT_PORT sent them. */
SEC("cgroup/recvmsg4")
int recvmsg4_rewrite(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(cfg_get(CFG_PORT))) {
		hit(H_RECVMSG4);
		ctx->user_port = bpf_htons(VIRT_PORT);
	}
	return 1;
}

SEC("cgroup/getpeername4")
int getpeername4_rewrite(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(cfg_get(CFG_PORT))) {
		hit(H_PEER4);
		ctx->user_port = bpf_htons(VIRT_PORT);
	}
	return 1;
}

/* No IPv6 UDP sockets in the cgroup. */
SEC("cgroup/sock_create")
int sock_create_no6(struct bpf_sock *ctx)
{
	hit(H_SOCK_CREATE);
	return !(ctx->family == AF_INET6_ && ctx->type == SOCK_DGRAM_);
}

SEC("cgroup/post_bind4")
int post_bind4_refuse(struct bpf_sock *ctx)
{
	hit(H_POST_BIND4);
	return ctx->src_port != cfg_get(CFG_NO_POSTBIND);
}

SEC("sockops")
int sockops_count(struct bpf_sock_ops *ctx)
{
	__u32 op = ctx->op;
	__u64 *v;

	if (op < 16) {
		v = bpf_map_lookup_elem(&sockops_seen, &op);
		if (v)
			__sync_fetch_and_add(v, 1);
	}
	return 1;
}

SEC("sk_skb/stream_parser")
int sk_parser(struct __sk_buff *skb)
{
	hit(H_PARSER);
	return skb->len;
}

SEC("sk_skb/stream_verdict")
int sk_verdict(struct __sk_buff *skb)
{
	hit(H_VERDICT);
	return SK_PASS;
}

SEC("sk_msg")
int msg_verdict(struct sk_msg_md *msg)
{
	hit(H_MSG);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
