/* Shared helpers of the end-to-end tests (test_e2e_*.c): compiled fixtures
 * (progs/e2e_*.bpf.c) loaded through the public API, shell, cgroups, netns. */
#ifndef TEST_E2E_H
#define TEST_E2E_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "minibpf.h"

#define E2E_OBJ(name) MB_BUILD_DIR "/progs/" name ".bpf.o"

/* Open a fixture and keep only the programs named in ONLY (comma-separated,
 * NULL: all), so each test loads just what it uses. */
static inline struct mb_object *e2e_open(const char *path, const char *only)
{
	struct mb_object *obj = mb_object_open(path, NULL);
	int i;

	if (!obj)
		return NULL;
	for (i = 0; only && i < mb_object_prog_count(obj); i++) {
		struct mb_program *p = mb_object_prog(obj, i);
		const char *n = mb_prog_name(p), *s = only;
		size_t len = strlen(n);
		int keep = 0;

		while (s && *s) {
			if (!strncmp(s, n, len) && (s[len] == ',' || !s[len]))
				keep = 1;
			s = strchr(s, ',');
			if (s)
				s++;
		}
		mb_prog_set_autoload(p, keep);
	}
	return obj;
}

static inline uint64_t e2e_count(struct mb_object *obj, const char *map, uint32_t key)
{
	uint64_t v = 0;

	if (mb_map_lookup(mb_object_map_by_name(obj, map), &key, &v))
		return (uint64_t)-1;
	return v;
}

static inline int e2e_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int e2e_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline int e2e_cgroup2_root(char *out, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024], mnt[512];
	int ret = -1;

	while (f && fgets(line, sizeof(line), f)) {
		if (strstr(line, " - cgroup2 ") &&
		    sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1 && strlen(mnt) < size) {
			strcpy(out, mnt);
			ret = 0;
			break;
		}
	}
	if (f)
		fclose(f);
	return ret;
}

/* Run fn in a child moved into the cgroup DIR; its exit status. */
static inline int e2e_in_cgroup(const char *dir, int (*fn)(void *), void *arg)
{
	char path[600], pid[16];
	pid_t c = fork();
	int st, fd;

	if (c == 0) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		snprintf(pid, sizeof(pid), "%d", getpid());
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, pid, strlen(pid)) < 0)
			_exit(100);
		close(fd);
		_exit(fn(arg));
	}
	if (c < 0 || waitpid(c, &st, 0) != c)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline int e2e_enter_ns(const char *name)
{
	char path[64];
	int fd, err;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	return err;
}

#endif
