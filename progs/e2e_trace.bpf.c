// End-to-end fixture: tracing programs that name their target in SEC(), so
// `prog loadall ... autoattach` attaches every one. Counters are keyed by
// program (array `hits`) and execs by the exec'ing process (hash `execs`).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum { H_TP_GETPPID, H_RAW_ENTER, H_RAW_EXIT, H_UPROBE, H_URETPROBE, H_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, H_MAX);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} execs SEC(".maps");

/* 0: every process (as loaded by the CLI); else only this one. */
const volatile __u32 target_tgid = 0;

static __always_inline int mine(void)
{
	return !target_tgid || (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

static __always_inline void hit(__u32 k)
{
	__u64 *v;

	if (!mine())
		return;
	v = bpf_map_lookup_elem(&hits, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tracepoint/syscalls/sys_enter_execve")
int count_exec(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *v = bpf_map_lookup_elem(&execs, &tgid);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&execs, &tgid, &one, BPF_NOEXIST);
	return 0;
}

SEC("tp/syscalls/sys_enter_getppid")
int tp_getppid(void *ctx)
{
	hit(H_TP_GETPPID);
	return 0;
}

SEC("raw_tp/sys_enter")
int raw_enter(void *ctx)
{
	hit(H_RAW_ENTER);
	return 0;
}

SEC("raw_tracepoint/sys_exit")
int raw_exit(void *ctx)
{
	hit(H_RAW_EXIT);
	return 0;
}

SEC("uprobe/libc.so.6:getppid")
int up_getppid(void *ctx)
{
	hit(H_UPROBE);
	return 0;
}

SEC("uretprobe/libc.so.6:getppid")
int uret_getppid(void *ctx)
{
	hit(H_URETPROBE);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
