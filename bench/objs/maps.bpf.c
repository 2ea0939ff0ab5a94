// Benchmark: BTF-defined maps of several types used by one program.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u32);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int maps_prog(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), one = 1, *v;
	__u32 pid = id >> 32, k = pid & 15, z = 0, *c;

	v = bpf_map_lookup_elem(&hash, &pid);
	if (v)
		*v += 1;
	else
		bpf_map_update_elem(&hash, &pid, &one, BPF_ANY);
	v = bpf_map_lookup_elem(&array, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	v = bpf_map_lookup_elem(&pcpu, &z);
	if (v)
		*v += 1;
	c = bpf_map_lookup_elem(&lru, &id);
	if (!c)
		bpf_map_update_elem(&lru, &id, &k, BPF_ANY);
	bpf_ringbuf_output(&events, &id, sizeof(id), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
