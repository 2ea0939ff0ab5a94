// Subprogram order fixture (tests/test_oracle.c): libbpf appends each
// subprogram where it is first referenced and then, depth-first, what that
// subprogram references, before the caller's next reference. Here: main,
// first(), the bpf_loop callback, what the callback calls, then second().
// Any other order gives other xlated code and another program tag.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} slots SEC(".maps");

static __noinline int bump(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&slots, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

static __noinline int first(__u32 k)
{
	return bump(k) + 1;
}

static __noinline int from_callback(__u32 k)
{
	return bump(k + 2);
}

static int loop_cb(__u32 i, void *ctx)
{
	from_callback(i & 1);
	return 0;
}

static __noinline int second(__u32 k)
{
	return bump(k + 1);
}

SEC("tp/syscalls/sys_enter_getppid")
int order(void *ctx)
{
	int r = first(0);

	bpf_loop(2, loop_cb, 0, 0);
	return r + second(0);
}

char LICENSE[] SEC("license") = "GPL";
