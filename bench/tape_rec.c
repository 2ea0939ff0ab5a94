/* Linked into a copy of the minibpf CLI: replaces libc's syscall() so every
 * successful bpf(2) call that loads an object is written to the tape named by
 * $MB_TAPE (see tape.h). Other syscalls pass through unchanged. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench/tape.h"

#define MAX_FD 4096

static int tape_fd = -1, broken;
static uint32_t nrec;
static uint32_t rec_of_fd[MAX_FD];            /* fd -> 1 + record index */
static uint32_t key_of_fd[MAX_FD], val_of_fd[MAX_FD];

static void fail(const char *what)
{
	if (!broken)
		fprintf(stderr, "tape_rec: %s: the tape is incomplete\n", what);
	broken = 1;
}

static void put(const void *p, size_t len)
{
	static const char zero[8];
	size_t pad = TAPE_ALIGN(len) - len;

	if (tape_fd < 0 || broken)
		return;
	if (write(tape_fd, p, len) != (ssize_t)len || (pad && write(tape_fd, zero, pad) != (ssize_t)pad))
		fail("write failed");
}

static int fd_ref(uint32_t fd, uint32_t *out)
{
	if (!fd) {
		*out = 0;
		return 0;
	}
	if (fd >= MAX_FD || !rec_of_fd[fd])
		return -1;
	*out = rec_of_fd[fd];
	return 0;
}

static uint64_t get64(const union bpf_attr *a, uint32_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)a + off, 8);
	return v;
}

static void record(int cmd, const union bpf_attr *in, unsigned int size, long ret)
{
	union bpf_attr a;
	struct tape_rec r = { .cmd = cmd };
	struct tape_buf b[4];
	const void *src[4];
	struct bpf_insn *insns = NULL;
	uint32_t f[3], i, n;

	if (tape_fd < 0) {
		const char *path = getenv("MB_TAPE");

		if (!path || broken)
			return;
		tape_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (tape_fd < 0) {
			fail("cannot create $MB_TAPE");
			return;
		}
		put(TAPE_MAGIC, 8);
	}
	if (nrec >= TAPE_MAX_REC) {
		fail("too many records");
		return;
	}
	memset(&a, 0, sizeof(a));
	memcpy(&a, in, size < sizeof(a) ? size : sizeof(a));
	r.attr_size = size < sizeof(a) ? size : sizeof(a);
	n = tape_fd_fields(cmd, f);
	for (i = 0; i < n; i++) {
		uint32_t v;

		memcpy(&v, (char *)&a + f[i], 4);
		if (fd_ref(v, &v)) {
			fail("an fd the tape did not create");
			return;
		}
		memcpy((char *)&a + f[i], &v, 4);
	}
	switch (cmd) {
	case BPF_BTF_LOAD:
		b[r.nbuf] = (struct tape_buf){ TAPE_OFF(btf), a.btf_size };
		src[r.nbuf++] = (const void *)(uintptr_t)a.btf;
		a.btf_log_buf = 0;
		a.btf_log_size = 0;
		a.btf_log_level = 0;
		break;
	case BPF_MAP_CREATE:
		if (ret < MAX_FD) {
			key_of_fd[ret] = a.key_size;
			val_of_fd[ret] = a.value_size;
		}
		break;
	case BPF_MAP_UPDATE_ELEM:
		/* in->map_fd: the key and value sizes of the map as created */
		b[r.nbuf] = (struct tape_buf){ TAPE_OFF(key), key_of_fd[in->map_fd % MAX_FD] };
		src[r.nbuf++] = (const void *)(uintptr_t)a.key;
		b[r.nbuf] = (struct tape_buf){ TAPE_OFF(value), val_of_fd[in->map_fd % MAX_FD] };
		src[r.nbuf++] = (const void *)(uintptr_t)a.value;
		break;
	case BPF_MAP_FREEZE:
	case BPF_PROG_BIND_MAP:
		break;
	case BPF_PROG_LOAD:
		if (a.attach_prog_fd || a.attach_btf_obj_fd || a.fd_array || a.core_relo_cnt) {
			fail("PROG_LOAD with attach fds, fd_array or kernel CO-RE");
			return;
		}
		insns = malloc((size_t)a.insn_cnt * sizeof(*insns) + 1);
		if (!insns) {
			fail("out of memory");
			return;
		}
		memcpy(insns, (const void *)(uintptr_t)a.insns, (size_t)a.insn_cnt * sizeof(*insns));
		for (i = 0; i + 1 < a.insn_cnt; i++) {
			uint32_t v;

			if (!tape_insn_map_fd(&insns[i]))
				continue;
			if (fd_ref((uint32_t)insns[i].imm, &v)) {
				fail("an instruction refers to a map the tape did not create");
				free(insns);
				return;
			}
			insns[i].imm = (int32_t)v;
			i++;
		}
		b[r.nbuf] = (struct tape_buf){ TAPE_OFF(insns), a.insn_cnt * 8 };
		src[r.nbuf++] = insns;
		b[r.nbuf] = (struct tape_buf){ TAPE_OFF(license),
			(uint32_t)strlen((const char *)(uintptr_t)a.license) + 1 };
		src[r.nbuf++] = (const void *)(uintptr_t)a.license;
		if (a.func_info_cnt) {
			b[r.nbuf] = (struct tape_buf){ TAPE_OFF(func_info),
						       a.func_info_cnt * a.func_info_rec_size };
			src[r.nbuf++] = (const void *)(uintptr_t)a.func_info;
		}
		if (a.line_info_cnt) {
			b[r.nbuf] = (struct tape_buf){ TAPE_OFF(line_info),
						       a.line_info_cnt * a.line_info_rec_size };
			src[r.nbuf++] = (const void *)(uintptr_t)a.line_info;
		}
		a.log_buf = 0;
		a.log_size = 0;
		a.log_level = 0;
		break;
	case BPF_OBJ_PIN: {
		/* Only the name: the replay pins into its own directory. */
		const char *p = (const char *)(uintptr_t)get64(&a, TAPE_OFF(pathname));
		const char *s = strrchr(p, '/');

		s = s ? s + 1 : p;
		b[r.nbuf] = (struct tape_buf){ TAPE_OFF(pathname), (uint32_t)strlen(s) + 1 };
		src[r.nbuf++] = s;
		break;
	}
	default:
		/* Queries (OBJ_GET_INFO_BY_FD, ...) load nothing: not replayed,
		 * but say so, so the floor's omissions are visible. */
		fprintf(stderr, "tape_rec: bpf command %d not replayed by the floor\n", cmd);
		return;
	}
	for (i = 0; i < r.nbuf; i++)
		memset((char *)&a + b[i].off, 0, 8);
	put(&r, sizeof(r));
	put(&a, r.attr_size);
	for (i = 0; i < r.nbuf; i++) {
		put(&b[i], sizeof(b[i]));
		put(src[i], b[i].len);
	}
	free(insns);
	nrec++;
	if ((cmd == BPF_BTF_LOAD || cmd == BPF_MAP_CREATE || cmd == BPF_PROG_LOAD) && ret < MAX_FD)
		rec_of_fd[ret] = nrec;
}

long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	long a[6], ret;
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	ret = real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (nr == __NR_bpf && ret >= 0) {
		int e = errno;

		record((int)a[0], (const union bpf_attr *)a[1], (unsigned int)a[2], ret);
		errno = e;
	}
	return ret;
}
