// SPDX-License-Identifier: GPL-2.0
/* Extern fixture for tests/test_core.c: .kconfig values, an untyped ksym
 * (kallsyms address) and kfunc calls. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern _Bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern char CONFIG_MB_NOT_A_CONFIG __kconfig __weak;
/* libbpf's virtual externs, as libbpf's own headers declare them */
extern _Bool LINUX_HAS_BPF_COOKIE __kconfig;
extern _Bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;
extern const void schedule __ksym;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

const volatile int target_tgid;

struct {
	unsigned int kver;
	int hz;
	int bpf_syscall, missing;
	unsigned long long sched_addr;
	unsigned int runs;
	int has_cookie, has_wrapper;
} ext;

SEC("tp_btf/sys_enter")
int BPF_PROG(core_extern, struct pt_regs *regs, long id)
{
	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	bpf_rcu_read_lock();
	ext.runs++;
	ext.kver = LINUX_KERNEL_VERSION;
	ext.hz = CONFIG_HZ;
	ext.bpf_syscall = CONFIG_BPF_SYSCALL;
	ext.missing = CONFIG_MB_NOT_A_CONFIG;
	ext.sched_addr = (unsigned long long)&schedule;
	ext.has_cookie = LINUX_HAS_BPF_COOKIE;
	ext.has_wrapper = LINUX_HAS_SYSCALL_WRAPPER;
	bpf_rcu_read_unlock();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
