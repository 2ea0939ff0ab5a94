// execsnoop: one ring buffer event per execve() on the machine, with the
// pid, the command that exec'd and the file it runs. The two commands:
//   minibpf prog load execsnoop.bpf.o /sys/fs/bpf/execsnoop autoattach pinmaps /sys/fs/bpf/execsnoop_maps
//   minibpf map event_pipe pinned /sys/fs/bpf/execsnoop_maps/events --obj execsnoop.bpf.o --type event
// Written the libbpf way, so it builds unchanged for either loader.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 pid;              /* the process (tgid) calling execve */
	__u32 uid;
	char comm[16];          /* its name before the exec */
	char filename[128];     /* what it execs */
};
/* Only a type that something in the program declares reaches the object's
 * BTF; a ring buffer has no value type, so name it here (as libbpf-tools do)
 * for `map event_pipe --type event`. */
struct event *unused_event __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* The tracepoint's context (format: events/syscalls/sys_enter_execve/format):
 * 8 bytes of common fields, the syscall number, its six arguments. */
struct sys_enter_ctx {
	__u64 common;
	__s64 id;
	__u64 args[6];
};

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_execve(struct sys_enter_ctx *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;       /* full: user space is behind, the event is lost */
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (bpf_probe_read_user_str(e->filename, sizeof(e->filename),
				    (const void *)ctx->args[0]) < 0)
		e->filename[0] = 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
