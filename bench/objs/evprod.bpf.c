// The producer of the event benchmark (bench/events.c): an XDP program run
// with BPF_PROG_TEST_RUN and a repeat count, writing one 64-byte record per
// run into a ring buffer (ring_prod) or a perf event array (perf_prod).
// Records the kernel cannot take are the runs the consumer never sees.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u64 seq;
	__u64 ts;
	__u32 pid;
	__u32 cpu;
	char pad[40];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} pb SEC(".maps");

__u64 seq;

SEC("xdp")
int ring_prod(struct xdp_md *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);

	if (!e)
		return XDP_PASS;
	e->seq = __sync_fetch_and_add(&seq, 1);
	e->ts = bpf_ktime_get_ns();
	e->pid = bpf_get_prandom_u32();
	e->cpu = bpf_get_smp_processor_id();
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

SEC("xdp")
int perf_prod(struct xdp_md *ctx)
{
	struct event e = {};

	e.seq = __sync_fetch_and_add(&seq, 1);
	e.ts = bpf_ktime_get_ns();
	e.pid = bpf_get_prandom_u32();
	e.cpu = bpf_get_smp_processor_id();
	bpf_perf_event_output(ctx, &pb, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
