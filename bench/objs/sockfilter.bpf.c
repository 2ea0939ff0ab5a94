// Benchmark: a socket filter that keeps only TCP (IPv4) and counts bytes.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <stddef.h>
#include <bpf/bpf_helpers.h>

/* LLVM builtin for the legacy BPF_LD_ABS byte load. */
unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} bytes SEC(".maps");

SEC("socket")
int sock_tcp(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 *v;
	__u8 proto;

	if (skb->protocol != __constant_htons(ETH_P_IP))
		return 0;
	proto = load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol));
	if (proto != IPPROTO_TCP)
		return 0;
	v = bpf_map_lookup_elem(&bytes, &k);
	if (v)
		__sync_fetch_and_add(v, skb->len);
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
