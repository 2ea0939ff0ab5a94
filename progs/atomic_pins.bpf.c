// Fixture of the atomic-publish tests (tests/test_atomic.c): four tracing
// programs for `loadall ... autoattach`, a map pinned by name whose contents
// must survive a killed re-load, and one that pinmaps publishes.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);         /* 4-7: not written by the programs */
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mbatomic_state SEC(".maps");

static __always_inline int hit(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&hits, &k);
	__u64 *s = bpf_map_lookup_elem(&mbatomic_state, &k);

	if (v)
		__sync_fetch_and_add(v, s ? *s : 1);
	return 0;
}

SEC("raw_tp/sys_enter")
int atomic_enter(void *ctx) { return hit(0); }

SEC("raw_tp/sys_exit")
int atomic_exit(void *ctx) { return hit(1); }

SEC("tracepoint/syscalls/sys_enter_getppid")
int atomic_getppid(void *ctx) { return hit(2); }

SEC("tracepoint/sched/sched_process_exit")
int atomic_pexit(void *ctx) { return hit(3); }

char LICENSE[] SEC("license") = "GPL";
