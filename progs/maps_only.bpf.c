// An object with maps and no programs (tests/test_cli.c): a map shared by
// objects loaded later, as libbpf users write one. loadall creates the maps,
// pinmaps pins them.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __u32);
	__type(value, __u64);
} shared_counts SEC(".maps");

__u64 generation = 7;      /* .data */

char LICENSE[] SEC("license") = "GPL";
