// SPDX-License-Identifier: GPL-2.0
/* For gen min_core_btf (tests/test_btfgen.c, bpftool's output the oracle):
 * the relocation kinds and paths btfgen treats differently, never loaded.
 * type_matches of a flavor that matches (whole structs by value kept),
 * type_exists/size of types with pointers (followed), type ids, an array of
 * structs on a path, anonymous unions on a path, enum64, a typedef root. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct list_head___mb {
	struct list_head *next, *prev;
};

struct callback_head___mb {
	struct callback_head *next;
	void (*func)(struct callback_head *head);
} __attribute__((preserve_access_index));

unsigned long long out[16];

SEC("tracepoint/syscalls/sys_enter_getpid")
int core_gen(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct callback_head___mb *cb = (void *)t;

#if __clang_major__ >= 15   /* TYPE_MATCHES came with LLVM 15 */
	out[0] = bpf_core_type_matches(struct list_head___mb);
	out[10] = bpf_core_type_matches(struct sk_buff);
#endif
	out[1] = bpf_core_type_exists(struct file);
	out[2] = bpf_core_type_size(struct rq);
	out[3] = bpf_core_type_id_kernel(struct mm_struct);
	out[4] = BPF_CORE_READ(t, mm, arg_start);
	out[5] = BPF_CORE_READ(t, signal, rlim[3].rlim_cur);
	out[6] = BPF_CORE_READ(t, thread_pid, numbers[0].nr);
	out[7] = bpf_core_enum_value(enum bpf_link_type, BPF_LINK_TYPE_KPROBE_MULTI);
	out[8] = bpf_core_field_exists(cb->func);
	out[9] = bpf_core_type_size(atomic_t);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
