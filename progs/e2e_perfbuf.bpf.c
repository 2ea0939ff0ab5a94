// End-to-end fixture for the perf buffer reader, the pre-5.8 way out: the
// execsnoop event through a BPF_MAP_TYPE_PERF_EVENT_ARRAY and
// bpf_perf_event_output(), plus a getppid() flood of 256-byte samples from
// the target process to overflow a small ring (PERF_RECORD_LOST).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 pid;
	__u32 uid;
	char comm[16];
	char filename[128];
};
/* Only a type that something in the program declares reaches the object's
 * BTF; a ring buffer has no value type, so name it here (as libbpf-tools do)
 * for `map event_pipe --type event`. */
struct event *unused_event __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

/* sched/sched_process_exec: the same layout on 32- and 64-bit kernels (see
 * execsnoop.bpf.c); filename is a __data_loc string inside the record. */
struct exec_ctx {
	__u64 common;
	__u32 filename_loc;
	__s32 pid;
	__s32 old_pid;
};

const volatile __u32 target_tgid = 0;

SEC("tracepoint/sched/sched_process_exec")
int perf_exec(struct exec_ctx *ctx)
{
	struct event e = {};

	e.pid = bpf_get_current_pid_tgid() >> 32;
	e.uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	bpf_probe_read_kernel_str(e.filename, sizeof(e.filename),
				  (void *)ctx + (ctx->filename_loc & 0xffff));
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

struct big {
	__u32 pid;
	__u32 seq;
	__u8 fill[248];
};

/* Per-CPU scratch: 256 bytes is too much for the stack next to the rest. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct big);
} scratch SEC(".maps");

__u32 seq = 0;

SEC("tp/syscalls/sys_enter_getppid")
int perf_getppid(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32, k = 0;
	struct big *b;

	if (pid != target_tgid)
		return 0;
	b = bpf_map_lookup_elem(&scratch, &k);
	if (!b)
		return 0;
	b->pid = pid;
	b->seq = seq++;     /* one target thread: no atomics needed */
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, b, sizeof(*b));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
