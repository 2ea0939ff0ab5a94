/* struct bpf_dummy_ops, the kernel's struct_ops for tests: its programs run
 * through BPF_PROG_TEST_RUN (the kernel passes the state pointer in and
 * copies it back); test_sleepable is the one member a SEC("struct_ops.s/")
 * (BPF_F_SLEEPABLE) program may implement. It cannot be registered. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

SEC("struct_ops/test_1")
int BPF_PROG(mb_test_1, struct bpf_dummy_ops_state *state)
{
	int old;

	if (!state)
		return -1;
	old = state->val;
	state->val = 0x5a;
	return old;
}

SEC("struct_ops.s/test_sleepable")
int BPF_PROG(mb_test_sleepable, struct bpf_dummy_ops_state *state)
{
	return state ? state->val + 1 : 0;
}

SEC(".struct_ops")
struct bpf_dummy_ops mb_dummy = {
	.test_1 = (void *)mb_test_1,
	.test_sleepable = (void *)mb_test_sleepable,
};
