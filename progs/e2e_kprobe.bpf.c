// End-to-end fixture: programs that load but whose attachment fails here:
// kprobes (only on kernels with CONFIG_KPROBES) and a tracepoint that no
// kernel has, for the error messages.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} kp_hits SEC(".maps");

static __always_inline void hit(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&kp_hits, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("kprobe/do_sys_openat2")
int kp_open(void *ctx)
{
	hit(0);
	return 0;
}

SEC("kretprobe/do_sys_openat2")
int kretp_open(void *ctx)
{
	hit(1);
	return 0;
}

SEC("tracepoint/mb_nosuch/mb_event")
int tp_missing(void *ctx)
{
	hit(0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
