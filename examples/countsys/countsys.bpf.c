// SPDX-License-Identifier: GPL-2.0
/* countsys: count the system calls of one process, by number, from the
 * raw_syscalls:sys_enter tracepoint. The process is chosen before load
 * through a .rodata variable (the skeleton's rodata->target_tgid). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_SYSCALLS 1024

/* raw_syscalls:sys_enter (format: /sys/kernel/tracing/events/raw_syscalls/sys_enter/format) */
struct sys_enter {
	unsigned long long common;
	long id;
	unsigned long args[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

const volatile int target_tgid;
__u64 total;           /* every syscall of the target, in .bss */
__u64 out_of_range;    /* numbers >= MAX_SYSCALLS */

SEC("tracepoint/raw_syscalls/sys_enter")
int count_enter(struct sys_enter *ctx)
{
	__u32 id = (__u32)ctx->id;
	__u64 *n;

	if ((bpf_get_current_pid_tgid() >> 32) != (__u32)target_tgid)
		return 0;
	__sync_fetch_and_add(&total, 1);
	n = bpf_map_lookup_elem(&counts, &id);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		__sync_fetch_and_add(&out_of_range, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
