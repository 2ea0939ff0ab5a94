// End-to-end fixture: packet programs. Each drops (or truncates) UDP
// datagrams to port `drop_port` and counts what it dropped in hits[slot],
// so ARP and other chatter on the test veth never disturb the counts.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

enum { H_XDP, H_TC, H_CLS, H_TCX_IN, H_TCX_OUT, H_SOCK, H_FLOW, H_REUSE, H_PERF, H_FRAGS, H_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, H_MAX);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_REUSEPORT_SOCKARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} reuse_socks SEC(".maps");

const volatile __u16 drop_port = 0;     /* host order, set before load; 0: any */

static __always_inline void hit(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&hits, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
}

/* 1 if [data, end) is an Ethernet IPv4 UDP datagram to drop_port (to any
 * port when drop_port is 0, as the CLI loads it). */
static __always_inline int ours(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	if ((void *)(udp + 1) > end)
		return 0;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return 0;
	return !drop_port || udp->dest == bpf_htons(drop_port);
}

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	if (!ours((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		return XDP_PASS;
	hit(H_XDP);
	return XDP_DROP;
}

/* Loaded with BPF_F_XDP_HAS_FRAGS: counts and passes. */
SEC("xdp.frags")
int xdp_frags(struct xdp_md *ctx)
{
	if (ours((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		hit(H_FRAGS);
	return XDP_PASS;
}

static __always_inline int tc_verdict(struct __sk_buff *skb, __u32 slot)
{
	if (!ours((void *)(long)skb->data, (void *)(long)skb->data_end))
		return 0;       /* TC_ACT_OK */
	hit(slot);
	return 2;               /* TC_ACT_SHOT */
}

SEC("tc")
int tc_drop(struct __sk_buff *skb)
{
	return tc_verdict(skb, H_TC);
}

SEC("classifier")
int cls_drop(struct __sk_buff *skb)
{
	return tc_verdict(skb, H_CLS);
}

SEC("tcx/ingress")
int tcx_in(struct __sk_buff *skb)
{
	return tc_verdict(skb, H_TCX_IN);
}

SEC("tcx/egress")
int tcx_out(struct __sk_buff *skb)
{
	return tc_verdict(skb, H_TCX_OUT);
}

/* On a UDP socket the filter sees the datagram from its UDP header: keep the
 * header and 2 bytes of payload, drop datagrams starting with 'd'. */
SEC("socket")
int sock_trunc(struct __sk_buff *skb)
{
	char c = 0;

	hit(H_SOCK);
	if (bpf_skb_load_bytes(skb, sizeof(struct udphdr), &c, 1) == 0 && c == 'd')
		return 0;
	return sizeof(struct udphdr) + 2;
}

/* Header at OFF (from skb->data, as nhoff/thoff count): directly when it is
 * in the linear data (BPF_PROG_TEST_RUN has no skb, so load_bytes fails
 * there), else copied by bpf_skb_load_bytes. */
static __always_inline void *header(struct __sk_buff *skb, __u32 off, void *buf, __u32 len)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;

	if (off > 256)
		return 0;
	if (data + off + len <= end)
		return data + off;
	return bpf_skb_load_bytes(skb, off, buf, len) ? 0 : buf;
}

/* Dissect IPv4/UDP ourselves and report every destination port as 4242. */
SEC("flow_dissector")
int flow_dissect(struct __sk_buff *skb)
{
	struct bpf_flow_keys *k = skb->flow_keys;
	struct iphdr ipb, *ip;
	struct udphdr udpb, *udp;

	hit(H_FLOW);
	if (k->n_proto != bpf_htons(ETH_P_IP))
		return BPF_DROP;
	ip = header(skb, k->nhoff, &ipb, sizeof(ipb));
	if (!ip || ip->ihl != 5)
		return BPF_DROP;
	k->addr_proto = ETH_P_IP;
	k->ip_proto = ip->protocol;
	k->ipv4_src = ip->saddr;
	k->ipv4_dst = ip->daddr;
	k->thoff = k->nhoff + sizeof(*ip);
	if (ip->protocol == IPPROTO_UDP) {
		udp = header(skb, k->thoff, &udpb, sizeof(udpb));
		if (udp)
			k->sport = udp->source;
	}
	k->dport = bpf_htons(4242);
	return BPF_OK;
}

/* Every datagram of the group goes to the socket in slot 1. */
SEC("sk_reuseport")
int reuse_pick(struct sk_reuseport_md *ctx)
{
	__u32 k = 1;

	hit(H_REUSE);
	if (bpf_sk_select_reuseport(ctx, &reuse_socks, &k, 0))
		return SK_DROP;
	return SK_PASS;
}

SEC("perf_event")
int perf_count(void *ctx)
{
	hit(H_PERF);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
