/* A TCP congestion control in BPF: Reno through the kernel's own kfuncs,
 * with a subprogram and global counters, so a test sees it really run.
 * Registered as a struct_ops map (SEC(".struct_ops"); st_ops_reno_link.bpf.c
 * builds the same as SEC(".struct_ops.link")). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* libbpf 1.1's bpf_tracing.h lacks it (newer ones have it) */
#ifndef BPF_STRUCT_OPS
#define BPF_STRUCT_OPS(name, args...) SEC("struct_ops/" #name) BPF_PROG(name, ##args)
#endif

#ifndef ST_OPS_SEC
#define ST_OPS_SEC ".struct_ops"
#define ST_OPS_VAR mb_reno
#define ST_OPS_NAME "mb_reno"
#endif

extern void tcp_reno_cong_avoid(struct sock *sk, __u32 ack, __u32 acked) __ksym;
extern __u32 tcp_reno_ssthresh(struct sock *sk) __ksym;
extern __u32 tcp_reno_undo_cwnd(struct sock *sk) __ksym;

char _license[] SEC("license") = "GPL";

/* read by the test: how often the kernel called us */
__u64 init_calls, cong_avoid_calls, ssthresh_calls;
/* .rodata: a program reads it through the map value */
const volatile __u64 step = 1;

static __attribute__((noinline)) int count(__u64 *c)
{
	__sync_fetch_and_add(c, step);
	return 0;
}

void BPF_STRUCT_OPS(mb_reno_init, struct sock *sk)
{
	count(&init_calls);
}

__u32 BPF_STRUCT_OPS(mb_reno_ssthresh, struct sock *sk)
{
	count(&ssthresh_calls);
	return tcp_reno_ssthresh(sk);
}

void BPF_STRUCT_OPS(mb_reno_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	count(&cong_avoid_calls);
	tcp_reno_cong_avoid(sk, ack, acked);
}

__u32 BPF_STRUCT_OPS(mb_reno_undo_cwnd, struct sock *sk)
{
	return tcp_reno_undo_cwnd(sk);
}

SEC(ST_OPS_SEC)
struct tcp_congestion_ops ST_OPS_VAR = {
	.init = (void *)mb_reno_init,
	.ssthresh = (void *)mb_reno_ssthresh,
	.cong_avoid = (void *)mb_reno_cong_avoid,
	.undo_cwnd = (void *)mb_reno_undo_cwnd,
	.name = ST_OPS_NAME,
};
