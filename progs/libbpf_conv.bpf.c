// Fixture for the libbpf conventions the loader follows (tests/test_loader.c):
// SEC("?...") programs that are not loaded unless asked, and a ring buffer
// whose size is not a power-of-2 number of pages (libbpf rounds it up), and
// global subprograms with and without __hidden visibility, lsm_cgroup.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 5000);     /* the kernel wants 2^n pages: 8192 with 4 KB pages */
} events SEC(".maps");

const volatile __u32 target_pid = 0;
/* read-only data no program reads: still bound to each program, as libbpf
 * binds every .rodata* map */
const volatile __u32 unused_cfg SEC(".rodata.cfg") = 7;

static void bump(__u32 slot)
{
	__u64 *v;

	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_pid)
		return;
	v = bpf_map_lookup_elem(&hits, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tp/syscalls/sys_enter_getpid")
int always(void *ctx)
{
	__u32 *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (e) {
		*e = 1;
		bpf_ringbuf_submit(e, 0);
	}
	bump(0);
	return 0;
}

SEC("?tp/syscalls/sys_enter_getpid")
int when_asked(void *ctx)
{
	bump(1);
	return 0;
}

/* The verifier refuses this one (r0 unchecked: map_value_or_null): it
 * must never reach the kernel unless a user turns it on. */
SEC("?tp/syscalls/sys_enter_getpid")
int never_valid(void *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&seen, &k);

	return *(volatile __u64 *)v;
}

/* A section name no table knows: loads only once its type is set, and then
 * attaches the way that type does (a socket filter that drops everything). */
SEC("?minibpf_custom")
int custom_filter(void *skb)
{
	return 0;
}

/* Global subprograms are verified on their own, with an `int *` argument
 * that may be NULL: add_one's unchecked *p is refused. A __hidden one is
 * made static (as libbpf does), verified in its caller's context where p
 * points to the stack, and loads. */
__attribute__((noinline, visibility("hidden"))) int add_one_hidden(int *p)
{
	return *p + 1;
}

__attribute__((noinline)) int add_one(int *p)
{
	return *p + 1;
}

SEC("?socket")
int hidden_subprog(struct __sk_buff *skb)
{
	int v = skb->len;

	return add_one_hidden(&v);
}

SEC("?socket")
int global_subprog(struct __sk_buff *skb)
{
	int v = skb->len;

	return add_one(&v);
}

/* lsm_cgroup/HOOK: attach_btf_id of bpf_lsm_HOOK, expected attach type
 * BPF_LSM_CGROUP (the kernel here refuses LSM programs: EPERM). */
SEC("?lsm_cgroup/socket_post_create")
int cg_sock_create(void *ctx)
{
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
