/* tracefs and bpffs: where they are mounted (mounted on demand), and the
 * tracepoint ids tracefs publishes. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "syscall/bpf_sys.h"
#include "syscall/netlink.h"

#define BPF_FS_MAGIC_NR 0xcafe4a11
#define TRACEFS_MAGIC_NR 0x74726163

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/* The mount point of fstype, preferring PREFER when it is one; 0 or -ENOENT. */
static int find_mount(const char *fstype, const char *prefer, char *out, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int found = -ENOENT;

	if (!f)
		return -errno;
	/* getline: overlay mounts have option strings of many kilobytes */
	while (getline(&line, &cap, f) > 0) {
		char *mnt, *sep, *type, *save = NULL;

		/* id parent maj:min root MOUNTPOINT opts [optional...] - FSTYPE src opts */
		if (!strtok_r(line, " ", &save) || !strtok_r(NULL, " ", &save) ||
		    !strtok_r(NULL, " ", &save) || !strtok_r(NULL, " ", &save))
			continue;
		mnt = strtok_r(NULL, " ", &save);
		if (!mnt)
			continue;
		sep = save ? mb_str_find(save, " - ") : NULL;
		if (!sep)
			continue;
		type = strtok_r(sep + 3, " ", &save);
		if (!type || strcmp(type, fstype))
			continue;
		unescape(mnt);
		if (strlen(mnt) >= size)
			continue;
		if (found < 0 || !strcmp(mnt, prefer)) {
			strcpy(out, mnt);
			found = 0;
		}
	}
	free(line);
	fclose(f);
	return found;
}

static int do_mount(const char *fstype, const char *target)
{
	int ret = mb_sys_fault_check();

	if (ret == 0) {
		mkdir(target, 0755);
		ret = mount(fstype, target, fstype, 0, NULL) ? -errno : 0;
	}
	mb_trace_line("mount(\"%s\", \"%s\", \"%s\") = %d%s%s", fstype, target, fstype,
		      ret < 0 ? -1 : 0, ret < 0 ? " " : "", ret < 0 ? mb_errno_name(-ret) : "");
	return ret;
}

const char *mb_tracefs_path(void)
{
	static char path[256];
	struct statfs st;
	int err;

	if (path[0])
		return path;
	if (find_mount("tracefs", "/sys/kernel/tracing", path, sizeof(path)) == 0)
		return path;
	/* Old kernels: tracefs appears at debugfs/tracing once debugfs is mounted. */
	if (find_mount("debugfs", "/sys/kernel/debug", path, sizeof(path)) == 0 &&
	    strlen(path) + 9 < sizeof(path)) {
		strcat(path, "/tracing");
		if (statfs(path, &st) == 0 && (uint32_t)st.f_type == TRACEFS_MAGIC_NR)
			return path;
	}
	path[0] = '\0';
	err = do_mount("tracefs", "/sys/kernel/tracing");
	if (err) {
		errno = -err;
		return NULL;
	}
	strcpy(path, "/sys/kernel/tracing");
	return path;
}

const char *mb_bpffs_path(void)
{
	static char path[256];
	int err;

	if (path[0])
		return path;
	if (find_mount("bpf", "/sys/fs/bpf", path, sizeof(path)) == 0)
		return path;
	err = do_mount("bpf", "/sys/fs/bpf");
	if (err) {
		errno = -err;
		return NULL;
	}
	strcpy(path, "/sys/fs/bpf");
	return path;
}

int mb_is_bpffs(const char *path)
{
	char dir[PATH_MAX];
	struct statfs st;
	char *slash;

	if (statfs(path, &st) == 0)
		return (uint32_t)st.f_type == BPF_FS_MAGIC_NR;
	if (errno != ENOENT)
		return -errno;
	/* A pin that does not exist yet: its directory decides. */
	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (statfs(dir, &st))
		return -errno;
	return (uint32_t)st.f_type == BPF_FS_MAGIC_NR;
}

const char *mb_pin_why(int err, const char *path)
{
	if (err != -EEXIST && err != -ENOENT && mb_is_bpffs(path) == 0)
		return "not on a bpf filesystem (mount -t bpf bpf /sys/fs/bpf)";
	return strerror(-err);
}

static struct {
	int id;
	char name[96];
} last_tp = { -1, "" };

const char *mb_tracepoint_name(int id)
{
	return id == last_tp.id ? last_tp.name : NULL;
}

static int name_ok(const char *s)
{
	return s && s[0] && s[0] != '.' && !strchr(s, '/') && strlen(s) < 64;
}

int mb_tracepoint_id(const char *category, const char *name)
{
	const char *tfs;
	char path[384], buf[32];
	char *end;
	long v;
	int n;

	if (!name_ok(category) || !name_ok(name))
		return -EINVAL;
	tfs = mb_tracefs_path();
	if (!tfs)
		return -errno;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", tfs, category, name);
	n = mb_read_small(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	v = strtol(buf, &end, 10);
	if (end == buf || v < 0 || v > 0x7fffffff)
		return -EINVAL;
	last_tp.id = (int)v;
	snprintf(last_tp.name, sizeof(last_tp.name), "%s/%s", category, name);
	return (int)v;
}

int mb_tracefs_write(const char *file, const char *line)
{
	const char *tfs = mb_tracefs_path();
	char path[320];
	size_t len = strlen(line);
	int fd, ret;

	if (!tfs)
		return -errno;
	snprintf(path, sizeof(path), "%s/%s", tfs, file);
	ret = mb_sys_fault_check();
	if (ret == 0) {
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0) {
			ret = -errno;
		} else {
			ssize_t n = write(fd, line, len);

			ret = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
			close(fd);
		}
	}
	mb_trace_line("write(\"%s\", \"%s\") = %d%s%s", path, line, ret < 0 ? -1 : 0,
		      ret < 0 ? " " : "", ret < 0 ? mb_errno_name(-ret) : "");
	return ret;
}
