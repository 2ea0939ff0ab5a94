/* Files: one traced, fault-counted wrapper per file syscall the library
 * makes, the readers built on them (small sysfs files, whole files,
 * /proc/kallsyms); tracefs and bpffs: where they are mounted (mounted on
 * demand), and the tracepoint ids tracefs publishes. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"
#include "syscall/internal.h"

/* ---- the wrappers ------------------------------------------------------- */

/* The result of a trace line: "5", "-1 ENOENT". */
static const char *res(long ret, char *buf, size_t len)
{
	if (ret < 0)
		snprintf(buf, len, "-1 %s", mb_errno_name((int)-ret));
	else
		snprintf(buf, len, "%ld", ret);
	return buf;
}

int mb_sys_open(const char *path, int flags, unsigned int mode)
{
	int ret = mb_sys_fault_check();

	/* openat, not open: musl's open() follows O_CLOEXEC with an extra fcntl */
	if (ret == 0) {
		ret = openat(AT_FDCWD, path, flags | O_CLOEXEC, mode);
		ret = ret < 0 ? -errno : mb_fd_sanitize(ret);
	}
	if (mb_trace_enabled()) {
		char m[16] = "", r[32];

		if (flags & O_CREAT)
			snprintf(m, sizeof(m), ", 0%o", mode);
		mb_trace_line("openat(\"%s\", %s%s%s%s%s%s|O_CLOEXEC%s) = %s", path,
			      (flags & O_ACCMODE) == O_WRONLY ? "O_WRONLY" :
			      (flags & O_ACCMODE) == O_RDWR ? "O_RDWR" : "O_RDONLY",
			      flags & O_CREAT ? "|O_CREAT" : "", flags & O_EXCL ? "|O_EXCL" : "",
			      flags & O_APPEND ? "|O_APPEND" : "", flags & O_NONBLOCK ? "|O_NONBLOCK" : "",
			      flags & O_NOFOLLOW ? "|O_NOFOLLOW" : "", m, res(ret, r, sizeof(r)));
	}
	return ret;
}

/* "read(5</proc/kallsyms>, 131072) = 131072" */
static void trace_io(const char *call, int fd, size_t len, long long off, long ret)
{
	char f[160], r[32], o[32] = "";

	if (!mb_trace_enabled())
		return;
	if (off >= 0)
		snprintf(o, sizeof(o), ", %lld", off);
	mb_trace_line("%s(%s, %zu%s) = %s", call, mb_trace_fd_format(fd, f, sizeof(f)), len, o,
		      res(ret, r, sizeof(r)));
}

/* read (OFF < 0), pread64, write (OUT): one call, retried on EINTR. */
static long io_call(int fd, void *buf, size_t len, long long off, int out)
{
	long ret = mb_sys_fault_check();

	if (ret == 0) {
		do
			ret = out ? write(fd, buf, len) : off < 0 ? read(fd, buf, len) :
			      pread(fd, buf, len, (off_t)off);
		while (ret < 0 && errno == EINTR);
		if (ret < 0)
			ret = -errno;
	}
	trace_io(out ? "write" : off < 0 ? "read" : "pread64", fd, len, off, ret);
	return ret;
}

long mb_sys_read(int fd, void *buf, size_t len)
{
	return io_call(fd, buf, len, -1, 0);
}

long mb_sys_pread(int fd, void *buf, size_t len, uint64_t off)
{
	if (off > (uint64_t)INT64_MAX)
		return -EINVAL;    /* past any file; also keeps off >= 0 meaning pread */
	return io_call(fd, buf, len, (long long)off, 0);
}

long mb_sys_write(int fd, const void *buf, size_t len)
{
	return io_call(fd, (void *)buf, len, -1, 1);
}

int mb_sys_fstat(int fd, struct stat *st)
{
	int ret = mb_sys_fault_check();

	if (ret == 0)
		ret = fstat(fd, st) ? -errno : 0;
	if (mb_trace_enabled()) {
		char f[160], r[32];

		mb_trace_line("fstat(%s, {st_size=%lld}) = %s", mb_trace_fd_format(fd, f, sizeof(f)),
			      ret ? 0LL : (long long)st->st_size, res(ret, r, sizeof(r)));
	}
	return ret;
}

/* mkdir, rename, unlink: one or two paths, 0 or -errno. */
static int path_call(int which, const char *a, const char *b, unsigned int mode)
{
	static const char names[][8] = { "mkdir", "rename", "unlink" };
	int ret = mb_sys_fault_check();
	char r[32], m[16] = "";

	if (ret == 0) {
		ret = which == 0 ? mkdir(a, mode) : which == 1 ? rename(a, b) : unlink(a);
		ret = ret ? -errno : 0;
	}
	if (!mb_trace_enabled())
		return ret;
	if (which == 0)
		snprintf(m, sizeof(m), ", 0%o", mode);
	mb_trace_line("%s(\"%s\"%s%s%s%s) = %s", names[which], a, b ? ", \"" : "", b ? b : "",
		      b ? "\"" : "", m, res(ret, r, sizeof(r)));
	return ret;
}

int mb_sys_mkdir(const char *path, unsigned int mode)
{
	return path_call(0, path, NULL, mode);
}

int mb_sys_rename(const char *from, const char *to)
{
	return path_call(1, from, to, 0);
}

int mb_sys_unlink(const char *path)
{
	return path_call(2, path, NULL, 0);
}

void *mb_sys_mmap_ro(int fd, size_t len)
{
	int err = mb_sys_fault_check();
	void *p = MAP_FAILED;
	char f[160];

	if (err == 0) {
		p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		err = p == MAP_FAILED ? -errno : 0;
	}
	if (mb_trace_enabled())
		mb_trace_line("mmap(NULL, %zu, PROT_READ, MAP_PRIVATE, %s, 0) = %s%s", len,
			      mb_trace_fd_format(fd, f, sizeof(f)), err ? "-1 " : "ok",
			      err ? mb_errno_name(-err) : "");
	if (err) {
		errno = -err;
		return NULL;
	}
	return p;
}

/* ---- readers -------------------------------------------------------------- */

int mb_cpu_list_each(const char *list, int (*cb)(void *ctx, unsigned cpu), void *ctx)
{
	const char *p = list;

	while (*p && *p != '\n') {
		char *end;
		unsigned long lo, hi;
		int r;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		lo = hi = strtoul(p, &end, 10);
		if (*end == '-') {
			p = end + 1;
			if (*p < '0' || *p > '9')
				return -EINVAL;
			hi = strtoul(p, &end, 10);
		}
		if (hi < lo || hi >= 1u << 20)      /* the kernel's NR_CPUS is far below */
			return -EINVAL;
		for (unsigned long c = lo; c <= hi; c++)
			if ((r = cb(ctx, (unsigned)c)))
				return r;
		if (*end == ',')
			p = end + 1;
		else if (*end && *end != '\n')
			return -EINVAL;
		else
			p = end;
	}
	return 0;
}

int mb_read_small(const char *path, char *buf, size_t size)
{
	size_t got = 0;
	long n = 0;
	int fd;

	if (size < 1)
		return -EINVAL;
	fd = mb_sys_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	while (got < size - 1 && (n = mb_sys_read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	mb_close(fd);
	buf[got] = '\0';
	return n < 0 ? (int)n : (int)got;
}

int mb_read_file(const char *path, size_t max, char **out, size_t *lenp)
{
	size_t cap = 0, n = 0;
	char *buf = NULL, *nb;
	long r;
	int fd;

	*out = NULL;
	*lenp = 0;
	fd = mb_sys_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	/* procfs files report size 0: read until EOF, growing the buffer */
	for (;;) {
		if (n + 1 >= cap) {
			size_t nc = cap ? cap * 2 : 16384;

			if (cap > max) {
				r = -EFBIG;
				break;
			}
			if (nc > max + 2)
				nc = max + 2;
			nb = realloc(buf, nc);
			if (!nb) {
				r = -ENOMEM;
				break;
			}
			buf = nb;
			cap = nc;
		}
		r = mb_sys_read(fd, buf + n, cap - n - 1);
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n > max) {
			r = -EFBIG;
			break;
		}
	}
	mb_close(fd);
	if (r < 0) {
		free(buf);
		return (int)r;
	}
	buf[n] = '\0';
	*out = buf;
	*lenp = n;
	return 0;
}

/* "ffffffff81000000 T name\t[module]"; sscanf would link float parsing */
static int kallsyms_line(char *line, int (*fn)(void *, uint64_t, const char *), void *ctx)
{
	unsigned long long a;
	char *p;

	a = strtoull(line, &p, 16);
	if (p == line || p[0] != ' ' || !p[1] || p[2] != ' ')
		return 0;
	p += 3;
	p[strcspn(p, " \t")] = '\0';
	return fn(ctx, a, p);
}

int mb_kallsyms_scan(int (*fn)(void *ctx, uint64_t addr, const char *name), void *ctx)
{
	/* 5 MB and more: streamed through one buffer, not read whole */
	size_t cap = 128u << 10, have = 0;
	char *buf = malloc(cap + 1);
	int fd, stop = 0;
	long r = 0;

	if (!buf)
		return -ENOMEM;
	fd = mb_sys_open("/proc/kallsyms", O_RDONLY, 0);
	if (fd < 0) {
		free(buf);
		return fd;
	}
	while (!stop) {
		char *line, *nl, *end;

		r = mb_sys_read(fd, buf + have, cap - have);
		if (r < 0)
			break;
		if (r == 0 && !have)
			break;
		if (r == 0)
			buf[have++] = '\n';    /* a last line without one */
		else
			have += (size_t)r;
		end = buf + have;
		for (line = buf; !stop && (nl = memchr(line, '\n', (size_t)(end - line))); line = nl + 1) {
			*nl = '\0';
			stop = kallsyms_line(line, fn, ctx);
		}
		have = (size_t)(end - line);
		memmove(buf, line, have);
		if (have == cap)
			have = 0;              /* a line longer than the buffer: not a symbol */
		if (r == 0)
			break;
	}
	mb_close(fd);
	free(buf);
	return r < 0 ? (int)r : 0;
}

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
	char *buf, *line, *next;
	size_t len;
	int found = -ENOENT;

	/* overlay mounts have option strings of many kilobytes */
	found = mb_read_file("/proc/self/mountinfo", 16u << 20, &buf, &len);
	if (found)
		return found;
	found = -ENOENT;
	for (line = buf; *line; line = next) {
		char *mnt, *sep, *type, *save = NULL;

		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
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
	free(buf);
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
	const char *base = strrchr(path, '/');

	if (err != -EEXIST && err != -ENOENT && mb_is_bpffs(path) == 0)
		return "not on a bpf filesystem (mount -t bpf bpf /sys/fs/bpf)";
	/* bpffs looks up no name with a dot (kernel/bpf/inode.c bpf_lookup) */
	if (err == -EPERM && strchr(base ? base + 1 : path, '.'))
		return "Operation not permitted (bpffs takes no name with a '.')";
	return mb_strerror(-err);
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
