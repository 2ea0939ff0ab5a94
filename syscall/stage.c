/* Staged pin trees: a tree of pins is built in a directory beside its
 * target and published with one rename(2), so a load that dies half-way
 * leaves at most that directory, never a torn tree. bpffs refuses names with
 * a dot (EPERM), renames a non-empty directory onto an absent or empty one,
 * and refuses to replace a non-empty one (ENOTEMPTY).
 *
 * The staging name is BASE_mbstage_PID_START_NS: the owner's pid, its start
 * time (field 22 of /proc/PID/stat, so a reused pid does not pass for a dead
 * owner) and the inode of its pid namespace (a pid of another namespace
 * cannot be checked from here: such a directory is left alone). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "minibpf.h"
#include "syscall/internal.h"

#define MARK "_mbstage_"

/* Start time (clock ticks since boot) of PID, or 0 when it has none or is
 * a zombie (killed, not yet reaped: it will pin nothing more). */
static unsigned long long start_time(long pid)
{
	char path[32], buf[512], *p;
	ssize_t n;
	int i, fd;

	/* a probe, as statfs is: neither traced nor fault-injected */
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');      /* the command name may hold spaces and ')' */
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	for (i = 2; p && i < 22; i++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

static unsigned long long pidns(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) ? 0 : (unsigned long long)st.st_ino;
}

int mb_stage_path(const char *target, char *out, size_t size)
{
	size_t len = strlen(target), dir;
	unsigned long long start = start_time(getpid());
	int n;

	while (len > 1 && target[len - 1] == '/')
		len--;
	for (dir = len; dir && target[dir - 1] != '/'; dir--)
		;
	if (!start)
		return -ENOENT;         /* no /proc: a stale directory could not be told */
	/* the base is cut so that the name fits NAME_MAX: the marker is what counts */
	n = snprintf(out, size, "%.*s" MARK "%ld_%llu_%llu",
		     (int)(len - dir > 160 ? dir + 160 : len), target, (long)getpid(), start,
		     pidns());
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int mb_stage_vacant(const char *target)
{
	DIR *d = opendir(target);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return errno == ENOENT ? 1 : errno == ENOTDIR ? 0 : -errno;
	while (empty && (e = readdir(d)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

int mb_stage_publish(const char *stage, const char *target)
{
	int err = mb_sys_rename(stage, target);

	/* a non-empty directory (ENOTEMPTY, or EEXIST as POSIX allows), a file
	 * (ENOTDIR), a mount point (EBUSY): none of them is replaced */
	if (err == -ENOTEMPTY || err == -ENOTDIR || err == -EISDIR || err == -EBUSY)
		err = -EEXIST;
	return err;
}

/* Cleanup is not fault-injected (it must not fail itself): plain unlink. */
static int remove_tree(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[4096];
	int err = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) >= sizeof(p)) {
			err = -ENAMETOOLONG;
			continue;
		}
		if (unlink(p) == 0 || errno == ENOENT)
			continue;
		if (errno == EISDIR && depth < 8) {
			int r = remove_tree(p, depth + 1);

			if (r && !err)
				err = r;
		} else if (!err) {
			err = -errno;
		}
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT && !err)
		err = -errno;
	if (mb_trace_enabled())
		mb_trace_line("rm -r \"%s\" = %d%s%s", dir, err < 0 ? -1 : 0, err < 0 ? " " : "",
			      err < 0 ? mb_errno_name(-err) : "");
	return err;
}

int mb_pin_tree_remove(const char *dir)
{
	return remove_tree(dir, 0);
}

/* 1: NAME is a staging directory whose owner is gone; 0: alive, another
 * namespace's, or not a staging name. */
static int stale(const char *name, unsigned long long ns)
{
	const char *m = NULL, *p;
	unsigned long long start, sns;
	long pid;
	char *end;

	for (p = name; (p = mb_str_find(p, MARK)); p++)
		m = p;
	if (!m)
		return 0;
	pid = strtol(m + strlen(MARK), &end, 10);
	if (pid <= 0 || *end != '_')
		return 0;
	start = strtoull(end + 1, &end, 10);
	if (*end != '_')
		return 0;
	sns = strtoull(end + 1, &end, 10);
	if (*end || sns != ns)
		return 0;
	return start_time(pid) != start;
}

int mb_stage_sweep(const char *dir, int depth, void (*fn)(void *ctx, const char *path),
		   void *ctx)
{
	unsigned long long ns = pidns();
	struct dirent *e;
	char p[4096];
	int n = 0;
	DIR *d;

	/* without /proc every owner would look dead; and only pins are removed */
	if (!ns || !start_time(getpid()))
		return -ENOENT;
	if (mb_is_bpffs(dir) != 1)
		return 0;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		struct stat st;

		int dead;

		if (e->d_name[0] == '.' || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN))
			continue;
		dead = stale(e->d_name, ns);
		if ((!dead && depth <= 0) ||
		    (size_t)snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) >= sizeof(p) ||
		    lstat(p, &st) || !S_ISDIR(st.st_mode))
			continue;
		if (dead) {
			if (remove_tree(p, 0) == 0) {
				n++;
				if (fn)
					fn(ctx, p);
			}
		} else if (depth > 0) {
			int r = mb_stage_sweep(p, depth - 1, fn, ctx);

			n += r > 0 ? r : 0;
		}
	}
	closedir(d);
	return n;
}

int mb_pin_cleanup(const char *dir, void (*fn)(void *ctx, const char *path), void *ctx)
{
	return mb_stage_sweep(dir, 16, fn, ctx);
}
