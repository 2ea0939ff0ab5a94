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

const char *mb_last_error(void)
{
	return msg ? msg : (errno == ENOMEM ? "out of memory" : "");
}
