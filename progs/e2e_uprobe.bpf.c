// End-to-end fixture: a uprobe on a function of the binary that attaches it
// (/proc/self/exe is resolved in the attaching process), and its uretprobe.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} up_hits SEC(".maps");

static __always_inline void hit(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&up_hits, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("uprobe//proc/self/exe:e2e_probed")
int up_self(void *ctx)
{
	hit(0);
	return 0;
}

SEC("uretprobe//proc/self/exe:e2e_probed")
int uret_self(void *ctx)
{
	hit(1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
