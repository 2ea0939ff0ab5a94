// Fixture for tests/test_elf.c: extern symbols (.kconfig, .ksyms, a kfunc)
// and string literals in .rodata.str1.1. Never loaded by the tests.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_MB_MISSING __kconfig __weak;
extern const void bpf_prog_active __ksym;
extern void bpf_rcu_read_lock(void) __ksym;

SEC("tp/syscalls/sys_enter_getpid")
int use_externs(void *ctx)
{
	bpf_rcu_read_lock();
	bpf_printk("v %u %d %p", LINUX_KERNEL_VERSION, CONFIG_MB_MISSING, &bpf_prog_active);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
