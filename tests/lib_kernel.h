/* Helpers the kernel-facing tests share: what a test counts before and after
 * to prove nothing was left behind. */
#ifndef MB_TESTS_LIB_KERNEL_H
#define MB_TESTS_LIB_KERNEL_H

#include <dirent.h>
#include <errno.h>
#include <stdint.h>

#include "syscall/bpf_sys.h"

/* Open fds of this process, or -errno. */
static inline int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Highest id of a kind of kernel object (BPF_*_GET_NEXT_ID): ids are never
 * reused, so an object of ours alive above it afterwards is a leak. */
static inline uint32_t last_id(int which)
{
	uint32_t id = 0, next;

	while (mb_sys_get_next_id(which, id, &next) == 0)
		id = next;
	return id;
}

#endif
