// Loader fixture: the third program is rejected by the verifier, so a load
// must leave nothing behind: not the maps (one of them pinned by name), not
// the first two programs. A hash map: since 6.x the verifier knows that an
// in-range constant key of an array map cannot miss, so an array lookup
// would not be rejected.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} vals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} bad_pinned SEC(".maps");

SEC("socket")
int good(void *ctx)
{
	return 0;
}

SEC("socket")
int good2(void *ctx)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&bad_pinned, &k) ? 1 : 0;
}

SEC("socket")
int bad(void *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&vals, &k);

	return *v;      /* no NULL check: the verifier refuses this */
}

char LICENSE[] SEC("license") = "GPL";
