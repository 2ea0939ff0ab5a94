// SPDX-License-Identifier: GPL-2.0
/* Fixture for tests/test_btf.c: BTF-defined maps of every shape the parser
 * must understand, a few types with bitfields/enums, two program sections. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum btf_color { BTF_RED = 1, BTF_GREEN = 2, BTF_BLUE = 40 };

struct btf_value {
	__u64 packets;
	__u32 flags : 3;
	__u32 mode : 5;
	enum btf_color color;
	char comm[16];
	__s16 delta[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct btf_value);
} btf_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 24);
	__uint(max_entries, 4);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} btf_array SEC(".maps");

struct btf_inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 3);
	__type(key, __u32);
	__array(values, struct btf_inner);
} btf_outer SEC(".maps");

int btf_counter = 0;
const volatile __u32 btf_limit = 7;

static __attribute__((noinline)) int btf_bump(int x)
{
	btf_counter += x;
	return btf_counter;
}

SEC("xdp")
int btf_xdp(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct btf_value *v = bpf_map_lookup_elem(&btf_hash, &key);

	if (v)
		v->packets++;
	return btf_bump(btf_limit) > 0 ? XDP_PASS : XDP_DROP;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int btf_tp(void *ctx)
{
	__u32 key = 1;
	void *inner = bpf_map_lookup_elem(&btf_outer, &key);

	if (inner)
		bpf_map_lookup_elem(inner, &key);
	return 0;
}

/* prog array with an initial value: `values` points to functions */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} btf_jmp SEC(".maps") = {
	.values = { [1] = (void *)&btf_tp },
};

char LICENSE[] SEC("license") = "GPL";
