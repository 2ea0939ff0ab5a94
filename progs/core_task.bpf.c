// SPDX-License-Identifier: GPL-2.0
/* CO-RE fixture for tests/test_core.c: kernel structs through relocations,
 * one of every kind clang emits, results in .bss for the test to check. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

/* A flavor: matches the kernel's task_struct by its essential name. */
struct task_struct___old {
	int pid;
	long state_that_never_was;
} __attribute__((preserve_access_index));

enum mb_missing_enum___x { MB_NOT_IN_KERNEL = 7 };

const volatile int target_tgid;

struct {
	int pid, tgid;
	int pid_flavor;
	unsigned long long pid_size, pid_exists, missing_exists, pid_signed;
	unsigned long long reset_on_fork;        /* a 1-bit bitfield */
	unsigned long long task_size, task_exists, task_matches, no_type_exists;
	unsigned long long map_array, enum_exists, enum_missing;
	unsigned long long id_local, id_target;
	int comm0;
	unsigned int runs;
} out;

SEC("tp_btf/sys_enter")
int BPF_PROG(core_task, struct pt_regs *regs, long id)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct task_struct___old *o = (void *)t;

	if (BPF_CORE_READ(t, tgid) != target_tgid)
		return 0;
	out.runs++;
	out.pid = BPF_CORE_READ(t, pid);
	out.tgid = t->tgid;
	out.pid_flavor = BPF_CORE_READ(o, pid);
	out.pid_size = bpf_core_field_size(t->pid);
	out.pid_exists = bpf_core_field_exists(t->pid);
	out.missing_exists = bpf_core_field_exists(o->state_that_never_was);
	if (bpf_core_field_exists(o->state_that_never_was))
		out.pid = BPF_CORE_READ(o, state_that_never_was);   /* dead: poisoned */
	out.pid_signed = __builtin_preserve_field_info(t->pid, BPF_FIELD_SIGNED);
	out.reset_on_fork = BPF_CORE_READ_BITFIELD(t, sched_reset_on_fork);
	out.task_size = bpf_core_type_size(struct task_struct);
	out.task_exists = bpf_core_type_exists(struct task_struct___old);
#if __clang_major__ >= 15   /* TYPE_MATCHES came with LLVM 15 */
	out.task_matches = bpf_core_type_matches(struct task_struct___old);
#else
	out.task_matches = 2;
#endif
	out.no_type_exists = bpf_core_type_exists(enum mb_missing_enum___x);
	out.map_array = bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_ARRAY);
	out.enum_exists = bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_HASH);
	out.enum_missing = bpf_core_enum_value_exists(enum mb_missing_enum___x, MB_NOT_IN_KERNEL);
	out.id_local = bpf_core_type_id_local(struct task_struct);
	out.id_target = bpf_core_type_id_kernel(struct task_struct);
	out.comm0 = BPF_CORE_READ(t, comm[0]);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
