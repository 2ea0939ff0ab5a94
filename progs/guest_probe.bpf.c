// Guest fixture (make test-qemu): a kprobe and a kretprobe counting opens,
// each also copying global data into the map as the program sees it, so a
// byte-order slip shows as a wrong value (0x0102030405060708 read back as
// 0x0807060504030201). The development kernel has no kprobes: the guests do.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} probe_hits SEC(".maps");

__u64 data_val = 0x0102030405060708ull;        /* .data */
const volatile __u32 rodata_val = 0x01020304;   /* .rodata */

static __always_inline void put(__u32 k, __u64 v, int add)
{
	__u64 *p = bpf_map_lookup_elem(&probe_hits, &k);

	if (!p)
		return;
	if (add)
		__sync_fetch_and_add(p, v);
	else
		*p = v;
}

SEC("kprobe/do_sys_openat2")
int kp_openat2(void *ctx)
{
	put(0, 1, 1);
	put(2, data_val, 0);
	return 0;
}

SEC("kretprobe/do_sys_openat2")
int kretp_openat2(void *ctx)
{
	put(1, 1, 1);
	put(3, rodata_val, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
