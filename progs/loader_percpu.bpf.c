// Loader fixture: a per-CPU array whose values user space reads one per
// possible CPU. Each run adds the running CPU's number + 1 to that CPU's
// slot; 4-byte values, so the kernel pads each CPU's copy to 8 bytes.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} pcpu SEC(".maps");

SEC("xdp")
int count_cpu(struct xdp_md *ctx)
{
	__u32 zero = 0, *v = bpf_map_lookup_elem(&pcpu, &zero);

	if (v)
		*v += bpf_get_smp_processor_id() + 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
