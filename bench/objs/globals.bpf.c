// Benchmark: global data in .rodata, .data and .bss (three maps, filled and
// frozen by the loader).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 filter_pid = 0;
const volatile __u64 scale = 3;
__u64 hits = 10;
__u64 misses;
char last_comm[16];

SEC("tracepoint/syscalls/sys_enter_getppid")
int globals_prog(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (filter_pid && pid != filter_pid) {
		misses += scale;
		return 0;
	}
	hits += scale;
	bpf_get_current_comm(last_comm, sizeof(last_comm));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
