// Benchmark: the smallest useful object, one tracepoint program, no maps.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_getppid")
int tiny(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
