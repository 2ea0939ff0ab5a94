// SPDX-License-Identifier: GPL-2.0
/* CO-RE from a plain tracepoint (no BTF-id attach target), so it loads with
 * a minimized --btf file (gen min_core_btf) as well as with the kernel's:
 * a pointer chase, an array element, a bitfield, field/type/enum relocations.
 * tests/test_btfgen.c checks the results against getpid()/getppid(). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

const volatile int target_tgid;

struct {
	int tgid, ppid;
	char comm0;
	unsigned long long reset_on_fork, task_size, mm_exists, ringbuf;
	unsigned int runs;
} out;

SEC("tracepoint/syscalls/sys_enter_getppid")
int core_tp(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	if (BPF_CORE_READ(t, tgid) != target_tgid)
		return 0;
	out.runs++;
	out.tgid = BPF_CORE_READ(t, tgid);
	out.ppid = BPF_CORE_READ(t, real_parent, tgid);
	out.comm0 = BPF_CORE_READ(t, comm[0]);
	out.reset_on_fork = BPF_CORE_READ_BITFIELD_PROBED(t, sched_reset_on_fork);
	out.task_size = bpf_core_type_size(struct task_struct);
	out.mm_exists = bpf_core_field_exists(t->mm);
	out.ringbuf = bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_RINGBUF);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
