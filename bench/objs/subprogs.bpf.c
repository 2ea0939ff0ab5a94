// Benchmark: static and global subprograms, called from two programs.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __noinline __u64 mix(__u64 x, __u64 y)
{
	x ^= y << 7;
	x *= 0x9e3779b97f4a7c15ULL;
	return x ^ (x >> 29);
}

static __noinline int bump(__u32 k, __u64 by)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &k);

	if (!v)
		return 0;
	__sync_fetch_and_add(v, by);
	return 1;
}

__noinline int classify(__u64 v)
{
	if (v & 1)
		return 1;
	if (v & 2)
		return 2;
	return 3;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int sub_a(void *ctx)
{
	__u64 v = mix(bpf_get_current_pid_tgid(), bpf_ktime_get_ns());

	bump(classify(v), 1);
	return 0;
}

SEC("raw_tp/sys_enter")
int sub_b(void *ctx)
{
	__u64 v = mix(bpf_get_prandom_u32(), 42);

	bump(4 + (classify(v) & 3), v & 7);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
