// Loader fixture: map-in-map and prog array initial values declared in .maps,
// used at run time (a tail call through the initialised slot, a lookup
// through the outer map). libbpf loads it too, so bpftool is the oracle.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} in_a SEC(".maps"), in_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = {
	.values = { [1] = &in_b },
};

int second(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, int (void *));
} jumps SEC(".maps") = {
	.values = { [1] = (void *)&second },
};

SEC("socket")
int second(struct __sk_buff *skb)
{
	__u32 k = 1, z = 0;
	void *m = bpf_map_lookup_elem(&outer, &k);
	__u64 *v;

	if (!m)
		return 1;
	v = bpf_map_lookup_elem(m, &z);
	if (!v)
		return 2;
	*v += 5;
	return 7;
}

SEC("socket")
int entry(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &jumps, 1);
	return 3;       /* the slot was empty */
}

char LICENSE[] SEC("license") = "GPL";
