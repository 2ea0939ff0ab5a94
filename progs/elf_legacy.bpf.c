// Fixture for tests/test_elf.c: a legacy `maps` section (struct
// bpf_map_def records, no BTF needed) and a `version` section.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct legacy_def {
	unsigned int type, key_size, value_size, max_entries, map_flags;
};

struct legacy_def legacy_hash SEC("maps") = {
	.type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8, .max_entries = 16,
};
struct legacy_def legacy_arr SEC("maps") = {
	.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 2,
	.map_flags = BPF_F_RDONLY_PROG,
};

SEC("socket")
int sock_prog(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&legacy_hash, &k);

	if (v)
		return 0;
	return bpf_map_lookup_elem(&legacy_arr, &k) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
__u32 VERSION SEC("version") = 0x060100;
