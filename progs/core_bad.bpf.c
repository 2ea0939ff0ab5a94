// SPDX-License-Identifier: GPL-2.0
/* CO-RE fixture for tests/test_core.c: a field the kernel does not have,
 * read unconditionally. The load must fail naming the struct and field. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct___bad {
	int no_such_field;
} __attribute__((preserve_access_index));

int result;

SEC("raw_tp/sys_enter")
int core_bad(void *ctx)
{
	struct task_struct___bad *t = (void *)bpf_get_current_task();

	result = BPF_CORE_READ(t, no_such_field);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
