// Guest fixture (make test-qemu): XDP on one end of a veth pair drops the
// UDP datagrams sent from the other end and counts them (ARP passes), so
// the guest sees both the drop (no reply) and the count.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} udp_drops SEC(".maps");

SEC("xdp")
int xdp_udp_drop(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 k = 0;
	__u64 *v;

	/* Byte by byte (EtherType 0x0800 at 12, IP protocol at 14 + 9): the
	 * same instructions in either byte order, as tests/test_elf.c expects
	 * of every fixture. */
	if ((void *)(p + sizeof(struct ethhdr) + sizeof(struct iphdr)) > end ||
	    p[12] != ETH_P_IP >> 8 || p[13] != (ETH_P_IP & 0xff) ||
	    p[sizeof(struct ethhdr) + 9] != IPPROTO_UDP)
		return XDP_PASS;
	v = bpf_map_lookup_elem(&udp_drops, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
