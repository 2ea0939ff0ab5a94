/* The last error message of this thread: what failed, named the way the user
 * wrote it (program, map, section, instruction). Set by every layer above the
 * raw syscalls; read through mb_last_error(). */
#ifndef MB_SYSCALL_ERRMSG_H
#define MB_SYSCALL_ERRMSG_H

#include <stddef.h>

#include "minibpf.h"     /* enum mb_print_level */

/* Format a message; returns -err (err is a positive errno) for one-line
 * "return mb_err(ENOENT, ...)" use. errno is set to err. */
int mb_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefix the current message: "prog 'x': " + old message. */
void mb_err_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mb_err_clear(void);
const char *mb_last_error(void);
/* A warning or note for the application: to the printer it set with
 * mb_set_print(), nowhere by default (a library must not write to stderr). */
void mb_pr(enum mb_print_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copy a caller's options struct (its first field: size_t sz) into DST,
 * which holds this version's defaults and is DST_SZ bytes: min(sz, DST_SZ)
 * bytes of SRC (NULL: keep the defaults); DST's sz is then DST_SZ. -EINVAL with a message naming WHAT
 * if sz cannot even hold itself or bytes past DST_SZ are not zero (an option
 * this version does not know), as libbpf's OPTS_VALID. */
int mb_opts_copy(void *dst, size_t dst_sz, const void *src, const char *what);

/* ENOTSUPP: kernel-internal (include/linux/errno.h), but bpf(2) leaks it,
 * the kernel's "not here" for a JIT or architecture feature it lacks. No C
 * library knows it (musl: "No error information"). */
#define MB_ENOTSUPP 524
/* strerror(err), and MB_ENOTSUPP named. */
const char *mb_strerror(int err);

/* Appended to EPERM messages: what an unprivileged user lacks (5.8+ split
 * CAP_SYS_ADMIN into these). */
#define MB_CAP_HINT "needs root, or CAP_BPF plus CAP_PERFMON for tracing or CAP_NET_ADMIN " \
	"for networking programs"
/* MB_CAP_HINT, or when already root what else refuses it */
const char *mb_eperm_hint(void);

#endif
