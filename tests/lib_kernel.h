/* Helpers the kernel-facing tests share: what a test counts before and after
 * to prove nothing was left behind. */
#ifndef MB_TESTS_LIB_KERNEL_H
#define MB_TESTS_LIB_KERNEL_H

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* A program's xlated instructions (malloc'd into *out), map fd/value
 * immediates zeroed: map ids differ per load. 0 or -1. */
static inline int prog_xlated(int fd, struct bpf_insn **out, uint32_t *cnt)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info), i;

	memset(&info, 0, sizeof(info));
	if (mb_sys_obj_get_info_by_fd(fd, &info, &len))
		return -1;
	*cnt = info.xlated_prog_len / sizeof(struct bpf_insn);
	*out = calloc(*cnt + 1, sizeof(**out));
	len = info.xlated_prog_len;
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = len;
	info.xlated_prog_insns = (uint64_t)(uintptr_t)*out;
	len = sizeof(info);
	if (mb_sys_obj_get_info_by_fd(fd, &info, &len))
		return -1;
	for (i = 0; i + 1 < *cnt; i++)
		if ((*out)[i].code == (BPF_LD | BPF_DW | BPF_IMM)) {
			if ((*out)[i].src_reg == BPF_PSEUDO_MAP_FD || (*out)[i].src_reg == BPF_PSEUDO_MAP_VALUE)
				(*out)[i].imm = 0;   /* map ids differ per load */
			i++;
		}
	return 0;
}

#endif
