/* tcp_congestion_ops as the object wrongly declares it: `flags` is 8 bytes
 * here, 4 in the kernel. The loader must refuse it by name. */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

struct sock;
struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	char name[16];
	__u64 flags;
};

SEC("struct_ops/mb_bad_ssthresh")
__u32 mb_bad_ssthresh(void *ctx)
{
	return 2;
}

SEC(".struct_ops")
struct tcp_congestion_ops mb_bad_type = {
	.ssthresh = (void *)mb_bad_ssthresh,
	.name = "mb_bad_type",
	.flags = 1,
};
