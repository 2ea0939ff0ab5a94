#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "syscall/errmsg.h"

static _Thread_local char msg[1024];

int mb_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errno = err;
	return -err;
}

void mb_err_prefix(const char *fmt, ...)
{
	char old[sizeof(msg)];
	va_list ap;
	int n;

	memcpy(old, msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, "%s", old);
}

void mb_err_clear(void)
{
	msg[0] = 0;
}

const char *mb_last_error(void)
{
	return msg;
}
