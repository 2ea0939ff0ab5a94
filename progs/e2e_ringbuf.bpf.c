// End-to-end fixture for the ring buffer reader: every getppid() of the
// target process reserves a record; odd sequence numbers are discarded
// (bpf_ringbuf_discard), so the reader must skip them and see only even
// ones. The ring is one page, so a few rounds of records wrap around it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct rec {
	__u32 pid;
	__u32 seq;
	__u64 pad;              /* 16 bytes + 8 of header: 24 per record */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

/* The ring the second reader of one poller drains. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb2 SEC(".maps");

const volatile __u32 target_tgid = 0;
__u32 seq = 0;
__u32 dropped = 0;      /* reserve failed: the ring was full */

SEC("tp/syscalls/sys_enter_getppid")
int rb_getppid(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32, s;
	struct rec *r;

	if (pid != target_tgid)
		return 0;
	s = seq++;      /* one target thread: no atomics needed */
	r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);
	if (!r) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	r->pid = pid;
	r->seq = s;
	r->pad = 0;
	if (s & 1)
		bpf_ringbuf_discard(r, 0);
	else
		bpf_ringbuf_submit(r, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_getpgid")
int rb2_getpgid(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct rec r = { .pid = pid, .seq = 1000 };

	if (pid == target_tgid)
		bpf_ringbuf_output(&rb2, &r, sizeof(r), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
