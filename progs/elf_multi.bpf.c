// Fixture for tests/test_elf.c: exercises the ELF object model, not the
// kernel. Several programs per section, a static program, .text
// subprograms (static and global), a bpf_loop callback, global data in
// every flavour, BTF maps, and map-in-map / prog array initial values.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 128);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = {
	.values = { [0] = &inner_a, [2] = &inner_b },
};

int xdp_second(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__array(values, int (void *));
} jumps SEC(".maps") = {
	.values = { [1] = (void *)&xdp_second },
};

__u64 data_var = 7;
__u32 data_var2 = 9;
const volatile __u32 ro_var = 42;
const volatile __u64 ro_var2 = 43;
__u64 bss_var;
__u32 custom_var SEC(".data.custom") = 5;
/* static: clang refers to it through the section symbol + an addend */
static volatile __u64 static_data = 3;

static __noinline int sub_static(int x)
{
	bss_var += x;
	return x * 3;
}

__noinline int sub_global(int x)
{
	return sub_static(x) + (int)ro_var2;
}

static int loop_cb(__u32 idx, void *ctx)
{
	__u64 *v = ctx;

	*v += idx;
	return 0;
}

SEC("xdp")
int xdp_first(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&counts, &k);

	if (v)
		*v += data_var + ro_var + static_data;
	return sub_static(ctx->ingress_ifindex) ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int xdp_second(struct xdp_md *ctx)
{
	__u64 acc = custom_var + data_var2;

	bpf_loop(4, loop_cb, &acc, 0);
	return sub_global((int)acc) ? XDP_PASS : XDP_DROP;
}

SEC("xdp") __attribute__((used))
static int xdp_static(struct xdp_md *ctx)
{
	__u32 k = 1;
	void *m = bpf_map_lookup_elem(&outer, &k);

	bpf_tail_call(ctx, &jumps, 1);
	return m ? XDP_PASS : XDP_ABORTED;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_exec(void *ctx)
{
	__u32 k = 2;
	__u64 one = 1;

	bpf_map_update_elem(&counts, &k, &one, BPF_ANY);
	return sub_global(1);
}

char LICENSE[] SEC("license") = "GPL";
