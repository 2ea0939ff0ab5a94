/* tests/: small file and shell helpers every test program may use (no
 * kernel: tests/lib_kernel.h has those). */
#ifndef MB_TESTS_LIB_FILE_H
#define MB_TESTS_LIB_FILE_H

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

/* The whole of PATH in a malloc'd buffer, one zeroed byte more (text reads
 * as a string), *size its length; NULL (and *size 0) if it cannot be read
 * whole. */
static inline void *test_slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rbe");
	char *buf = NULL;
	long n;

	*size = 0;
	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) &&
	    (buf = calloc(1, (size_t)n + 1)) && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		*size = (size_t)n;
	fclose(f);
	return buf;
}

/* Entries of DIR other than the dot files; -1 if it cannot be opened. */
static inline int test_dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* A shell command (printf-style); its exit status, or -1. */
static inline int test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int test_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
