// Guest fixture (make test-qemu): fentry and fexit on do_sys_openat2 and the
// BPF LSM hook file_open, the BPF trampolines the development kernel refuses
// (EPERM) and Debian's x86_64 6.1 kernel has (its CONFIG_LSM lists bpf). The
// loader finds each target's BTF id in /sys/kernel/btf/vmlinux; fexit also
// sees the return value (ctx[3], after the three arguments), so a count of
// fds >= 0 shows it is read. The LSM program allows every open (returns 0).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} tramp_hits SEC(".maps");

static __always_inline void bump(__u32 k)
{
	__u64 *p = bpf_map_lookup_elem(&tramp_hits, &k);

	if (p)
		__sync_fetch_and_add(p, 1);
}

SEC("fentry/do_sys_openat2")
int fentry_openat2(__u64 *ctx)
{
	bump(0);
	return 0;
}

SEC("fexit/do_sys_openat2")
int fexit_openat2(__u64 *ctx)
{
	bump(1);
	if ((long)ctx[3] >= 0)
		bump(2);
	return 0;
}

SEC("lsm/file_open")
int lsm_file_open(__u64 *ctx)
{
	bump(3);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
