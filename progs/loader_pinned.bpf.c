// Loader fixture: a map pinned by name (LIBBPF_PIN_BY_NAME) and a legacy-free
// socket filter that counts packets into it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} shared_cnt SEC(".maps");

SEC("socket")
int count_pkts(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&shared_cnt, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
