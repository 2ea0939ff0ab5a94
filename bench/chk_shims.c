/* Debian's libbpf.a/libelf.a are compiled against glibc with
 * _FORTIFY_SOURCE: linking them statically with musl needs glibc's checked
 * variants. These forward to the plain functions, aborting on the overflow
 * the checked version exists to catch. Only for the benchmark's libbpf peer. */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap);
int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...);
int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...);
int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap);
int __vdprintf_chk(int fd, int flag, const char *fmt, va_list ap);
char *__strcpy_chk(char *d, const char *s, size_t dlen);
char *__strcat_chk(char *d, const char *s, size_t dlen);
char *__realpath_chk(const char *path, char *resolved, size_t rlen);
int fcntl64(int fd, int cmd, ...);

int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap)
{
	(void)flag;
	if (maxlen > slen)
		abort();
	return vsnprintf(s, maxlen, fmt, ap);
}

int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vsnprintf_chk(s, maxlen, flag, slen, fmt, ap);
	va_end(ap);
	return n;
}

int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vsnprintf_chk(s, slen > INT_MAX ? INT_MAX : slen, flag, slen, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= slen)
		abort();
	return n;
}

int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	return vfprintf(f, fmt, ap);
}

int __vdprintf_chk(int fd, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	return vdprintf(fd, fmt, ap);
}

char *__strcpy_chk(char *d, const char *s, size_t dlen)
{
	if (strlen(s) >= dlen)
		abort();
	return strcpy(d, s);
}

char *__strcat_chk(char *d, const char *s, size_t dlen)
{
	if (strlen(d) + strlen(s) >= dlen)
		abort();
	return strcat(d, s);
}

char *__realpath_chk(const char *path, char *resolved, size_t rlen)
{
	if (resolved && rlen < PATH_MAX)
		abort();
	return realpath(path, resolved);
}

int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return fcntl(fd, cmd, arg);
}
