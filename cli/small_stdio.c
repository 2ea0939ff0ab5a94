// SPDX-License-Identifier: MIT
/*
 * stdio and strto* for the static CLI, in place of the C library's (as
 * cli/small_printf.c replaces printf and cli/bump_alloc.c malloc): the musl
 * builds (make static, make tiny) and the nolibc one link it. musl's FILE
 * machinery (locks, the stdio_exit hook, seek and mode parsing for fopen,
 * one read/write path per direction) and its strtol family (a shared
 * integer scanner over a FILE-shaped reader) are ~7 KB; this is ~1.5 KB:
 *   - stdout is line-buffered on a terminal and fully buffered otherwise,
 *     stderr unbuffered, as the C library's; every stream is flushed at exit;
 *   - fopen takes "r", "w", "a" with "b" (ignored), "e" (O_CLOEXEC) and "+";
 *   - open_memstream grows a malloc'd buffer (what the BTF dumpers write to).
 * No ungetc, seek, locking or wide characters: the CLI uses none of them.
 * Every function of the C library's stdio that the binary calls must be
 * here, or the library's would act on this FILE with its own layout: the
 * Makefile fails a static link that pulls one in (musl_stdio_check).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef MB_NOLIBC_COMPAT_H
/* musl's <stdio.h> names its FILE "struct _IO_FILE" and never defines it:
 * this file's struct is that FILE. */
#define mb_file _IO_FILE
#endif
#ifndef TCGETS
#include <asm/ioctls.h>
#endif

struct mb_file {
	int fd, err, eof, rd;
	int lbf;		/* line-buffered: -1 not known yet (stdout), 0, 1 */
	char *buf;		/* write: pending bytes; read: buffered input */
	size_t len, pos, cap;
	char **mem;		/* open_memstream: where the buffer is published */
	size_t *memsize;
	struct mb_file *next;
};

static char outbuf[4096], inbuf[4096];
static struct mb_file f_in = { .fd = 0, .rd = 1, .buf = inbuf, .cap = sizeof(inbuf) };
static struct mb_file f_out = { .fd = 1, .lbf = -1, .buf = outbuf, .cap = sizeof(outbuf), .next = &f_in };
static struct mb_file f_err = { .fd = 2, .next = &f_out };	/* unbuffered */
FILE *const stdin = &f_in, *const stdout = &f_out, *const stderr = &f_err;
static struct mb_file *files = &f_err;

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int flush1(FILE *f)
{
	if (f->mem || f->rd || !f->len)
		return 0;
	if (write_all(f->fd, f->buf, f->len))
		f->err = 1;
	f->len = 0;
	return f->err ? EOF : 0;
}

int fflush(FILE *f)
{
	int r = 0;

	if (f)
		return flush1(f);
	for (f = files; f; f = f->next)
		r |= flush1(f);
	return r;
}

#ifndef MB_NOLIBC_COMPAT_H
/* musl's exit runs the destructors (nolibc/compat.c's exit flushes itself) */
__attribute__((destructor)) static void flush_at_exit(void)
{
	fflush(NULL);
}
#endif

size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	size_t len = size * n;

	if (!len)
		return 0;
	if (f->mem) {
		/* one byte more for the terminating NUL */
		if (f->len + len + 1 > f->cap) {
			size_t cap = (f->len + len + 1) * 2;
			char *b = realloc(f->buf, cap);

			if (!b)
				return f->err = 1, 0;
			f->buf = b;
			f->cap = cap;
		}
		memcpy(f->buf + f->len, p, len);
		f->len += len;
		f->buf[f->len] = 0;
		*f->mem = f->buf;
		*f->memsize = f->len;
		return n;
	}
	if (f->lbf < 0) {
		unsigned int tio[16];	/* a struct termios of any architecture */

		f->lbf = !ioctl(f->fd, TCGETS, tio);
	}
	if (f->len + len > f->cap && flush1(f))
		return 0;
	if (len >= f->cap) {
		if (write_all(f->fd, p, len))
			return f->err = 1, 0;
		return n;
	}
	memcpy(f->buf + f->len, p, len);
	f->len += len;
	if (f->lbf && memchr(p, '\n', len) && flush1(f))
		return 0;
	return n;
}

int fputc(int c, FILE *f)
{
	char ch = (char)c;

	return fwrite(&ch, 1, 1, f) ? (unsigned char)c : EOF;
}

int putchar(int c) { return fputc(c, stdout); }
int fputs(const char *s, FILE *f) { return fwrite(s, 1, strlen(s), f) || !*s ? 0 : EOF; }
int puts(const char *s) { return fputs(s, stdout) || fputc('\n', stdout) == EOF ? EOF : 0; }
int ferror(FILE *f) { return f->err; }
int feof(FILE *f) { return f->eof; }
int fileno(FILE *f) { return f->fd; }

static int refill(FILE *f)
{
	ssize_t n;

	if (f->pos < f->len)
		return 0;
	do
		n = read(f->fd, f->buf, f->cap);
	while (n < 0 && errno == EINTR);
	f->pos = 0;
	f->len = n > 0 ? (size_t)n : 0;
	if (n <= 0) {
		if (n < 0)
			f->err = 1;
		else
			f->eof = 1;
		return -1;
	}
	return 0;
}

int fgetc(FILE *f)
{
	return refill(f) ? EOF : (unsigned char)f->buf[f->pos++];
}

size_t fread(void *p, size_t size, size_t n, FILE *f)
{
	size_t want = size * n, got = 0;

	while (got < want && !refill(f)) {
		size_t k = f->len - f->pos;

		if (k > want - got)
			k = want - got;
		memcpy((char *)p + got, f->buf + f->pos, k);
		f->pos += k;
		got += k;
	}
	return size ? got / size : 0;
}

char *fgets(char *s, int n, FILE *f)
{
	int i = 0, c = 0;

	while (i < n - 1 && c != '\n' && (c = fgetc(f)) != EOF)
		s[i++] = (char)c;
	if (!i)
		return NULL;
	s[i] = 0;
	return s;
}

static FILE *new_file(int fd, int rd, size_t cap)
{
	FILE *f = calloc(1, sizeof(*f) + cap);

	if (!f)
		return NULL;
	f->fd = fd;
	f->rd = rd;
	f->buf = (char *)(f + 1);
	f->cap = cap;
	f->next = files;
	files = f;
	return f;
}

/* Modes "r", "w", "a", with "b" (ignored), "e" (O_CLOEXEC) and "+". */
FILE *fopen(const char *path, const char *mode)
{
	int fl = *mode == 'r' ? O_RDONLY : O_WRONLY | O_CREAT | (*mode == 'a' ? O_APPEND : O_TRUNC);
	int fd;
	FILE *f;

	if (strchr(mode, '+'))
		fl = (fl & ~O_ACCMODE) | O_RDWR;
	if (strchr(mode, 'e'))
		fl |= O_CLOEXEC;
	fd = open(path, fl, 0666);
	if (fd < 0)
		return NULL;
	f = new_file(fd, *mode == 'r', 4096);
	if (!f)
		close(fd);
	return f;
}

FILE *open_memstream(char **buf, size_t *size)
{
	FILE *f = new_file(-1, 0, 0);

	if (!f)
		return NULL;
	f->buf = NULL;
	f->mem = buf;
	f->memsize = size;
	*buf = NULL;
	*size = 0;
	/* an empty stream is an empty string */
	return fwrite("", 1, 1, f), f->len = 0, f;
}

int fclose(FILE *f)
{
	struct mb_file **p;
	int r = fflush(f);

	for (p = &files; *p; p = &(*p)->next)
		if (*p == f) {
			*p = f->next;
			break;
		}
	if (f->fd > 2 && close(f->fd))
		r = EOF;
	if (f != stdin && f != stdout && f != stderr)
		free(f);
	return r;
}

/* ---- strto* ------------------------------------------------------------- */
unsigned long long strtoull(const char *s, char **end, int base)
{
	const char *p = s;
	unsigned long long v = 0;
	int neg = 0, any = 0, over = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 32) == 'x' && isxdigit((unsigned char)p[2]))
		p += 2, base = 16;
	else if (base == 0)
		base = *p == '0' ? 8 : 10;
	for (;; p++, any = 1) {
		int c = (unsigned char)*p, d = isdigit(c) ? c - '0' : isalpha(c) ? (c | 32) - 'a' + 10 : 99;

		if (d >= base)
			break;
		if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
			over = 1;
		v = v * (unsigned)base + (unsigned)d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	if (over)
		return errno = ERANGE, ULLONG_MAX;
	return neg ? 0 - v : v;
}

/* The signed and narrower ones: strtoull's digits, clamped to the type. */
static long long strto_signed(const char *s, char **end, int base, long long min, long long max)
{
	const char *p = s;
	int e = errno;
	unsigned long long u;

	while (isspace((unsigned char)*p))
		p++;
	errno = 0;
	u = strtoull(p, end, base);
	if (end && *end == p)
		*end = (char *)s;
	if (*p == '-') {
		u = 0 - u;
		if (errno || u > (unsigned long long)max + 1)
			return errno = ERANGE, min;
		errno = e;
		return (long long)(0 - u);
	}
	if (errno || u > (unsigned long long)max)
		return errno = ERANGE, max;
	errno = e;
	return (long long)u;
}

long long strtoll(const char *s, char **end, int base) { return strto_signed(s, end, base, LLONG_MIN, LLONG_MAX); }
long strtol(const char *s, char **end, int base) { return (long)strto_signed(s, end, base, LONG_MIN, LONG_MAX); }
int atoi(const char *s) { return (int)strtol(s, NULL, 10); }

unsigned long strtoul(const char *s, char **end, int base)
{
	unsigned long long v = strtoull(s, end, base);

	if (v > ULONG_MAX && ~v > ULONG_MAX)
		return errno = ERANGE, ULONG_MAX;
	return (unsigned long)v;
}
