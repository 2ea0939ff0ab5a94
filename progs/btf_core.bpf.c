// SPDX-License-Identifier: GPL-2.0
/* Fixture for tests/test_btf.c: CO-RE relocation records in .BTF.ext. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct btf_core_task {
	int pad;
	int pid;
	struct { long a, b; } nested;
} __attribute__((preserve_access_index));

SEC("raw_tracepoint/sys_enter")
int btf_core_prog(void *ctx)
{
	struct btf_core_task *t = ctx;
	int pid = BPF_CORE_READ(t, pid);
	long b = BPF_CORE_READ(t, nested.b);

	if (bpf_core_field_exists(t->pad))
		pid++;
	return pid + (int)b;
}

char LICENSE[] SEC("license") = "GPL";
