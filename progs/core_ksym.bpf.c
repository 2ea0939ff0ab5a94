// SPDX-License-Identifier: GPL-2.0
/* Typed ksym fixture for tests/test_core.c: the kernel looks the address of
 * a per-CPU variable up in kallsyms, which lists them only with
 * CONFIG_KALLSYMS_ALL. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

extern const struct rq runqueues __ksym;

const volatile int target_tgid;
int rq_cpu_ok;

SEC("tp_btf/sys_enter")
int BPF_PROG(core_ksym, struct pt_regs *regs, long id)
{
	struct rq *rq;

	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	rq = bpf_this_cpu_ptr(&runqueues);
	rq_cpu_ok = rq->cpu == bpf_get_smp_processor_id();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
