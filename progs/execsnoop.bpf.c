// execsnoop: one ring buffer event per exec on the machine, with the pid,
// the command's new name and the file it runs. The two commands:
//   minibpf prog load execsnoop.bpf.o /sys/fs/bpf/execsnoop autoattach pinmaps /sys/fs/bpf/execsnoop_maps
//   minibpf map event_pipe pinned /sys/fs/bpf/execsnoop_maps/events --obj execsnoop.bpf.o --type event
// Written the libbpf way, so it builds unchanged for either loader.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 pid;              /* the process (tgid) that exec'd */
	__u32 uid;
	char comm[16];          /* its name after the exec */
	char filename[128];     /* the file it runs, as execve() named it */
};
/* Only a type that something in the program declares reaches the object's
 * BTF; a ring buffer has no value type, so name it here (as libbpf-tools do)
 * for `map event_pipe --type event`. */
struct event *unused_event __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* sched/sched_process_exec (format: events/sched/sched_process_exec/format):
 * 8 bytes of common fields, then 32-bit fields only, so the layout is the
 * same on 32- and 64-bit kernels (syscalls/sys_enter_execve's arguments are
 * unsigned longs: 4 bytes at offset 12 on a 32-bit kernel, 8 at 16 on a
 * 64-bit one), and it fires for compat tasks too. filename is a __data_loc:
 * offset (low 16 bits) and length of the string inside the record. */
struct exec_ctx {
	__u64 common;
	__u32 filename_loc;
	__s32 pid;
	__s32 old_pid;
};

SEC("tracepoint/sched/sched_process_exec")
int handle_exec(struct exec_ctx *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;       /* full: user space is behind, the event is lost */
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (bpf_probe_read_kernel_str(e->filename, sizeof(e->filename),
				      (void *)ctx + (ctx->filename_loc & 0xffff)) < 0)
		e->filename[0] = 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
