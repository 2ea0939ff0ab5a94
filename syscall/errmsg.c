#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "syscall/errmsg.h"

/* A pointer, not a buffer: a thread-local array would not fit musl's
 * built-in TLS area and would cost every process an mmap at start. The
 * message grows to what it holds: the verifier's reason at the end of a long
 * one must never be cut. */
static _Thread_local char *msg;
static _Thread_local size_t msg_cap;

/* msg = FMT formatted + TAIL. Out of memory: what fits in the old buffer. */
static void vset(const char *fmt, va_list ap, const char *tail)
{
	size_t tl = tail ? strlen(tail) : 0, need;
	va_list aq;
	char *p;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	need = (size_t)n + tl + 1;
	if (need > msg_cap) {
		p = realloc(msg, need < 256 ? 256 : need);
		if (p) {
			msg = p;
			msg_cap = need < 256 ? 256 : need;
		}
	}
	if (!msg)
		return;
	vsnprintf(msg, msg_cap, fmt, ap);
	if ((size_t)n < msg_cap)
		snprintf(msg + n, msg_cap - (size_t)n, "%s", tail ? tail : "");
}

int mb_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(fmt, ap, NULL);
	va_end(ap);
	errno = err;
	return -err;
}

void mb_err_prefix(const char *fmt, ...)
{
	int saved = errno;      /* callers set errno from the first mb_err() */
	char *old = msg ? strdup(msg) : NULL;
	va_list ap;

	if (!msg || old) {      /* out of memory: keep the message as it is */
		va_start(ap, fmt);
		vset(fmt, ap, old);
		va_end(ap);
	}
	free(old);
	errno = saved;
}

void mb_err_clear(void)
{
	if (msg)
		msg[0] = 0;
}

static mb_print_fn printer;

mb_print_fn mb_set_print(mb_print_fn fn)
{
	mb_print_fn old = printer;

	printer = fn;
	return old;
}

void mb_pr(enum mb_print_level level, const char *fmt, ...)
{
	mb_print_fn fn = printer;
	int e = errno;     /* a warning on the way to an error keeps its errno */
	va_list ap;

	if (!fn)
		return;
	va_start(ap, fmt);
	fn(level, fmt, ap);
	va_end(ap);
	errno = e;
}

int mb_opts_copy(void *dst, size_t dst_sz, const void *src, const char *what)
{
	size_t sz, i;

	if (!src)
		return 0;
	memcpy(&sz, src, sizeof(sz));
	if (sz < sizeof(sz))
		return mb_err(EINVAL, "struct %s: sz %zu is smaller than its sz field; set it to sizeof(struct %s)",
			      what, sz, what);
	for (i = dst_sz; i < sz; i++)
		if (((const unsigned char *)src)[i])
			return mb_err(EINVAL, "struct %s: byte %zu is set, but this minibpf knows only %zu bytes of it (an option it does not have)",
				      what, i, dst_sz);
	memcpy(dst, src, sz < dst_sz ? sz : dst_sz);
	memcpy(dst, &dst_sz, sizeof(dst_sz));  /* the copy is of our size, whole */
	return 0;
}

const char *mb_last_error(void)
{
	return msg ? msg : (errno == ENOMEM ? "out of memory" : "");
}

const char *mb_strerror(int err)
{
	if (err == MB_ENOTSUPP)
		return "Operation not supported by this kernel (ENOTSUPP, 524)";
	return strerror(err);
}

/* Privileged: CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON (5.8+), in the
 * effective set (root with capabilities dropped is not). */
const char *mb_eperm_hint(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { { 0 } };
	uint64_t eff;

	if (syscall(__NR_capget, &h, d))
		return MB_CAP_HINT;
	eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	if (eff >> CAP_SYS_ADMIN & 1 || ((eff >> 39 & 1) && (eff >> 38 & 1))) /* CAP_BPF, CAP_PERFMON */
		return "refused although privileged: a kernel lockdown or security module, or a "
		       "kernel without what this program type needs";
	return MB_CAP_HINT;
}
