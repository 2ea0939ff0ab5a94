// BTF sanitizing fixture: every BTF kind an older kernel may not know. A
// decl tag, a type tag, a float, a 64-bit enum (ENUM64 with clang 15+; clang
// 14 writes a plain ENUM), global data (DATASEC/VAR), a global function.
// sanitize_bad is rejected by the verifier: its log must still carry source
// lines when the BTF was sanitized.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define __tag __attribute__((btf_decl_tag("x")))
#define __user __attribute__((btf_type_tag("user")))

enum big { BIG_A = 1, BIG_B = 0x100000000ULL };

struct val {
	float ratio;
	enum big e;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct val);
} vals SEC(".maps");

/* a hash lookup can miss (an in-range array lookup cannot, since 6.x) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct val);
} hvals SEC(".maps");

__u64 counter __tag;
int __user *tagged;

__attribute__((noinline)) int add_one(int x __tag) __tag
{
	return x + 1;
}

SEC("socket")
int sanitize_ok(void *ctx)
{
	__u32 k = 0;
	struct val *v = bpf_map_lookup_elem(&vals, &k);

	if (v)
		v->e = BIG_B;
	counter += add_one(tagged ? 2 : 1);
	return 0;
}

SEC("socket")
int sanitize_bad(void *ctx)
{
	__u32 k = 0;
	struct val *v = bpf_map_lookup_elem(&hvals, &k);

	/* no NULL check: the verifier says why, at this line */
	v->e = BIG_A;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
