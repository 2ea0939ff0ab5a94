#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscall/errmsg.h"

/* A pointer, not the buffer: a 1 KiB thread-local array does not fit musl's
 * built-in TLS area and costs every process an mmap at start. */
#define MSG_SIZE 1024
static _Thread_local char *msg;

static char *buf(void)
{
	if (!msg)
		msg = calloc(1, MSG_SIZE);
	return msg;
}

int mb_err(int err, const char *fmt, ...)
{
	va_list ap;

	if (buf()) {
		va_start(ap, fmt);
		vsnprintf(msg, MSG_SIZE, fmt, ap);
		va_end(ap);
	}
	errno = err;
	return -err;
}

void mb_err_prefix(const char *fmt, ...)
{
	char old[MSG_SIZE];
	va_list ap;
	int n;

	if (!buf())
		return;
	memcpy(old, msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(msg, MSG_SIZE, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < MSG_SIZE)
		snprintf(msg + n, MSG_SIZE - n, "%s", old);
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
