// The seed example: the program from the bpftool tutorials, unchanged.
// Every execve() on the machine prints a line to the trace pipe.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_execve")
int bpf_prog(void *ctx)
{
	char msg[] = "Hello, World!";

	bpf_trace_printk(msg, sizeof(msg));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
