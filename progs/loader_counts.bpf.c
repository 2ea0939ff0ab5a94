// Loader fixture: BTF maps, every kind of global data, subprograms (global,
// static, and a bpf_loop callback), a tracepoint program and a raw_tp one.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

const volatile __u32 target_pid = 0;       /* .rodata, set before load */
const volatile __u64 increment = 1;
__u64 data_hits = 100;                      /* .data */
__u64 bss_hits;                             /* .bss */
__u64 custom_hits SEC(".data.custom") = 7;  /* .data.custom */

static __noinline __u64 add_one(__u64 *v, __u64 inc)
{
	*v += inc;
	return *v;
}

__noinline int bump_stat(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (!v)
		return 0;
	__sync_fetch_and_add(v, 1);
	return 1;
}

static int loop_cb(__u32 i, void *ctx)
{
	__u64 *sum = ctx;

	*sum += i;
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *v, sum = 0;

	if (pid != target_pid)
		return 0;
	v = bpf_map_lookup_elem(&counts, &pid);
	if (v)
		add_one(v, increment);
	else
		bpf_map_update_elem(&counts, &pid, &one, BPF_ANY);
	data_hits++;
	bss_hits += 2;
	custom_hits += 3;
	bpf_loop(4, loop_cb, &sum, 0);     /* 0+1+2+3 */
	if (sum == 6)
		bump_stat(0);
	return 0;
}

SEC("raw_tp/sys_enter")
int count_raw(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (pid == target_pid)
		bump_stat(1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
