// SPDX-License-Identifier: GPL-2.0
/* BTF-id targets for tests/test_core.c: a task iterator (works here) and
 * fentry/fexit/lsm programs (this VM refuses their loads with EPERM). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("iter/task")
int core_iter_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	if (!task)
		return 0;
	BPF_SEQ_PRINTF(seq, "%d %d\n", task->tgid, task->pid);
	return 0;
}

int hits;

SEC("fentry/do_nanosleep")
int BPF_PROG(core_fentry, struct hrtimer_sleeper *t, enum hrtimer_mode mode)
{
	hits++;
	return 0;
}

SEC("fexit/do_nanosleep")
int BPF_PROG(core_fexit, struct hrtimer_sleeper *t, enum hrtimer_mode mode, int ret)
{
	hits++;
	return 0;
}

SEC("lsm/file_open")
int BPF_PROG(core_lsm, struct file *file)
{
	return 0;
}

SEC("fentry/mb_no_such_function")
int BPF_PROG(core_fentry_missing)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
