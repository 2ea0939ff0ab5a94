/* A struct_ops map of a struct the kernel has no struct_ops for. */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

struct mb_no_such_ops {
	int (*run)(void *ctx);
	char name[16];
};

SEC("struct_ops/mb_run")
int mb_run(void *ctx)
{
	return 0;
}

SEC(".struct_ops")
struct mb_no_such_ops mb_bad_name = {
	.run = (void *)mb_run,
	.name = "mb_bad_name",
};
