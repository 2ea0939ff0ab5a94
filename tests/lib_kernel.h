/* Helpers the kernel-facing tests share: what a test counts before and after
 * to prove nothing was left behind. */
#ifndef MB_TESTS_LIB_KERNEL_H
#define MB_TESTS_LIB_KERNEL_H

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The maps the kernel lists for a program (bound or used): their info, up
 * to max; how many it lists, or -errno. */
static inline int prog_maps(int prog_fd, struct bpf_map_info *out, uint32_t max)
{
	struct bpf_prog_info pi;
	uint32_t ids[64], len = sizeof(pi), i;
	int err;

	memset(&pi, 0, sizeof(pi));
	pi.nr_map_ids = 64;
	pi.map_ids = (uintptr_t)ids;
	if ((err = mb_sys_obj_get_info_by_fd(prog_fd, &pi, &len)))
		return err;
	for (i = 0; i < pi.nr_map_ids && i < 64 && i < max; i++) {
		uint32_t mlen = sizeof(out[i]);
		int fd = mb_sys_get_fd_by_id(BPF_MAP_GET_FD_BY_ID, ids[i]);

		if (fd < 0)
			return fd;
		memset(&out[i], 0, sizeof(out[i]));
		err = mb_sys_obj_get_info_by_fd(fd, &out[i], &mlen);
		close(fd);
		if (err)
			return err;
	}
	return (int)pi.nr_map_ids;
}

#endif
