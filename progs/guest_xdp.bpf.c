// Guest fixture (make test-qemu): XDP on one end of a veth pair drops the
// UDP datagrams sent from the other end and counts them (ARP passes), so
// the guest sees both the drop (no reply) and the count.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} udp_drops SEC(".maps");

SEC("xdp")
int xdp_udp_drop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u32 k = 0;
	__u64 *v;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	v = bpf_map_lookup_elem(&udp_drops, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
