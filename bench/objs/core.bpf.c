// Benchmark: CO-RE field reads on task_struct; the loader must resolve them
// against the kernel's BTF (/sys/kernel/btf/vmlinux).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} parent_of SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int core_prog(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 pid = BPF_CORE_READ(t, pid);
	__u32 ppid = BPF_CORE_READ(t, real_parent, tgid);

	bpf_map_update_elem(&parent_of, &pid, &ppid, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
