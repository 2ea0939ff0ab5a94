// SPDX-License-Identifier: MIT
/*
 * The C library functions the CLI uses that nolibc 6.1 does not have (see
 * compat.h): strerror, directories, signals and the syscalls without a
 * nolibc wrapper. stdio and strto*, printf, malloc, qsort and strstr are the
 * musl build's too: cli/small_stdio.c, cli/small_printf.c and
 * cli/bump_alloc.c. Small
 * rather than fast: one process, one object, then exit.
 */
#undef main
#include <linux/netlink.h>
#include <linux/if.h>
#include <linux/sockios.h>

int errno;
char **environ;
static long page_size = 4096;

/* A syscall's return value as the C library reports it. */
static long sysret(long r)
{
	if (r < 0 && r > -MAX_ERRNO) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* stdio (FILE, fopen, fgets, open_memstream...) and strto*: cli/small_stdio.c,
 * printf and its family: cli/small_printf.c, as in the musl build. */

void perror(const char *s)
{
	fprintf(stderr, "%s%s%s\n", s && *s ? s : "", s && *s ? ": " : "", strerror(errno));
}

/* ---- stdlib ------------------------------------------------------------ */
/* called from nolibc's _start, which LTO does not see */
__attribute__((used, externally_visible)) int main(int argc, char **argv, char **envp)
{
	char **p = envp;
	unsigned long *aux;

	environ = envp;
	while (*p)
		p++;
	for (aux = (unsigned long *)(p + 1); aux[0]; aux += 2)
		if (aux[0] == 6)	/* AT_PAGESZ */
			page_size = (long)aux[1];
	exit(mb_main(argc, argv));
}

void exit(int code)
{
	fflush(NULL);
	for (;;)
		my_syscall1(__NR_exit_group, code);
}

/* also for libgcc (linked after LTO has chosen what stays) */
__attribute__((used, externally_visible)) int raise(int sig) { return (int)sysret(my_syscall2(__NR_kill, my_syscall0(__NR_getpid), sig)); }

void abort(void)
{
	fflush(NULL);
	raise(SIGABRT);
	exit(127);
}

char *getenv(const char *name)
{
	size_t n = strlen(name);

	for (char **e = environ; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

/* qsort and strstr: cli/bump_alloc.c, as in the musl build. */

void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *))
{
	while (n) {
		const char *m = (const char *)base + n / 2 * size;
		int c = cmp(key, m);

		if (!c)
			return (void *)m;
		if (c > 0)
			base = m + size, n -= n / 2 + 1;
		else
			n /= 2;
	}
	return NULL;
}

/* ---- string ------------------------------------------------------------ */
size_t strlen(const char *s)
{
	const char *p = s;

	while (*p++)
		__asm__("");	/* not a loop gcc turns into a call to strlen */
	return (size_t)(p - s - 1);
}

char *strcpy(char *d, const char *s)
{
	return memcpy(d, s, strlen(s) + 1);
}

char *strcat(char *d, const char *s) { return strcpy(d + strlen(d), s), d; }
int tolower(int c) { return isupper(c) ? c | 32 : c; }
int toupper(int c) { return islower(c) ? c & ~32 : c; }

int strncasecmp(const char *a, const char *b, size_t n)
{
	for (; n; a++, b++, n--) {
		int d = tolower((unsigned char)*a) - tolower((unsigned char)*b);

		if (d || !*a)
			return d;
	}
	return 0;
}

int strcasecmp(const char *a, const char *b) { return strncasecmp(a, b, (size_t)-1); }

size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] && strchr(accept, s[n]))
		n++;
	return n;
}

size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] && !strchr(reject, s[n]))
		n++;
	return n;
}

char *strpbrk(const char *s, const char *accept)
{
	s += strcspn(s, accept);
	return *s ? (char *)s : NULL;
}

char *strtok_r(char *s, const char *delim, char **save)
{
	if (!s)
		s = *save;
	s += strspn(s, delim);
	if (!*s)
		return *save = s, NULL;
	*save = s + strcspn(s, delim);
	if (**save)
		*(*save)++ = 0;
	return s;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; p++, n--)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

/* glibc's texts of the errors the kernel gives a loader; others by number. */
static const struct { unsigned char err; const char *msg; } errmsg[] = {
	{ EPERM, "Operation not permitted" }, { ENOENT, "No such file or directory" },
	{ ESRCH, "No such process" }, { EINTR, "Interrupted system call" },
	{ EIO, "Input/output error" }, { ENXIO, "No such device or address" },
	{ E2BIG, "Argument list too long" }, { ENOEXEC, "Exec format error" },
	{ EBADF, "Bad file descriptor" }, { EAGAIN, "Resource temporarily unavailable" },
	{ ENOMEM, "Cannot allocate memory" }, { EACCES, "Permission denied" },
	{ EFAULT, "Bad address" }, { EBUSY, "Device or resource busy" },
	{ EEXIST, "File exists" }, { EXDEV, "Invalid cross-device link" },
	{ ENODEV, "No such device" }, { ENOTDIR, "Not a directory" },
	{ EISDIR, "Is a directory" }, { EINVAL, "Invalid argument" },
	{ ENFILE, "Too many open files in system" }, { EMFILE, "Too many open files" },
	{ ENOTTY, "Inappropriate ioctl for device" }, { EFBIG, "File too large" },
	{ ENOSPC, "No space left on device" }, { ESPIPE, "Illegal seek" },
	{ EROFS, "Read-only file system" }, { EPIPE, "Broken pipe" },
	{ ERANGE, "Numerical result out of range" }, { ENAMETOOLONG, "File name too long" },
	{ ENOSYS, "Function not implemented" }, { ENOTEMPTY, "Directory not empty" },
	{ ELOOP, "Too many levels of symbolic links" }, { ENODATA, "No data available" },
	{ EOVERFLOW, "Value too large for defined data type" }, { EBADMSG, "Bad message" },
	{ EPROTO, "Protocol error" }, { EOPNOTSUPP, "Operation not supported" },
	{ EAFNOSUPPORT, "Address family not supported by protocol" },
	{ EADDRINUSE, "Address already in use" }, { ENOBUFS, "No buffer space available" },
	{ ETIMEDOUT, "Connection timed out" }, { EALREADY, "Operation already in progress" },
	{ ENOTSUP, "Operation not supported" }, { E2BIG, "Argument list too long" },
	{ ENOTCONN, "Transport endpoint is not connected" }, { ENOLINK, "Link has been severed" },
	{ ETXTBSY, "Text file busy" }, { EMLINK, "Too many links" }, { EDOM, "Numerical argument out of domain" },
	{ EDEADLK, "Resource deadlock avoided" }, { ENOMSG, "No message of desired type" },
	{ ETIME, "Timer expired" }, { ECANCELED, "Operation canceled" }, { ESTALE, "Stale file handle" },
};

char *strerror(int err)
{
	static char unknown[32];

	for (size_t i = 0; i < sizeof(errmsg) / sizeof(errmsg[0]); i++)
		if (errmsg[i].err == err)
			return (char *)errmsg[i].msg;
	snprintf(unknown, sizeof(unknown), "Unknown error %d", err);
	return unknown;
}

/* ---- syscalls ---------------------------------------------------------- */
long syscall(long nr, ...)
{
	va_list ap;
	long a[6];

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	return sysret(my_syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]));
}

int mb_stat_at(int dirfd, const char *path, struct stat *st, int flags)
{
	struct statx x;
	long r = my_syscall5(__NR_statx, dirfd, path, flags, STATX_BASIC_STATS, &x);

	if (r < 0)
		return (int)sysret(r);
	memset(st, 0, sizeof(*st));
	st->st_dev = (dev_t)(x.stx_dev_major << 8 | x.stx_dev_minor);
	st->st_ino = (ino_t)x.stx_ino;
	st->st_mode = x.stx_mode;
	st->st_nlink = x.stx_nlink;
	st->st_uid = x.stx_uid;
	st->st_gid = x.stx_gid;
	st->st_rdev = (dev_t)(x.stx_rdev_major << 8 | x.stx_rdev_minor);
	st->st_size = (off_t)x.stx_size;
	st->st_blksize = x.stx_blksize;
	st->st_blocks = (blkcnt_t)x.stx_blocks;
	st->st_atime = x.stx_atime.tv_sec;
	st->st_mtime = x.stx_mtime.tv_sec;
	st->st_ctime = x.stx_ctime.tv_sec;
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	long arg;

	va_start(ap, req);
	arg = va_arg(ap, long);
	va_end(ap);
	return (int)sysret(my_syscall3(__NR_ioctl, fd, req, arg));
}

int access(const char *path, int mode) { return (int)sysret(my_syscall3(__NR_faccessat, AT_FDCWD, path, mode)); }

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = va_arg(ap, int);
	va_end(ap);
	return (int)sysret(my_syscall4(__NR_openat, dirfd, path, flags, mode));
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return (int)sysret(my_syscall3(__NR_fcntl, fd, cmd, arg));
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
#ifdef __ARM_EABI__	/* the 64-bit offset in an even register pair: r4, r5 */
	return sysret(my_syscall6(__NR_pread64, fd, buf, n, 0, off, off < 0 ? -1 : 0));
#else
	return sysret(my_syscall4(__NR_pread64, fd, buf, n, off));
#endif
}
ssize_t readlink(const char *path, char *buf, size_t n) { return sysret(my_syscall4(__NR_readlinkat, AT_FDCWD, path, buf, n)); }
int rename(const char *from, const char *to) { return (int)sysret(my_syscall5(__NR_renameat2, AT_FDCWD, from, AT_FDCWD, to, 0)); }
int rmdir(const char *path) { return (int)sysret(my_syscall3(__NR_unlinkat, AT_FDCWD, path, AT_REMOVEDIR)); }
int statfs(const char *path, struct statfs *st) { return (int)sysret(my_syscall2(__NR_statfs, path, st)); }
#ifdef __NR_geteuid32
uid_t geteuid(void) { return (uid_t)my_syscall0(__NR_geteuid32); }
#else
uid_t geteuid(void) { return (uid_t)my_syscall0(__NR_geteuid); }
#endif
int getpagesize(void) { return (int)page_size; }
int uname(struct utsname *u) { return (int)sysret(my_syscall1(__NR_uname, u)); }
int clock_gettime(clockid_t clk, struct timespec *ts) { return (int)sysret(my_syscall2(__NR_clock_gettime, clk, ts)); }

void *mremap(void *old, size_t old_size, size_t new_size, int flags, ...)
{
	long r = my_syscall5(__NR_mremap, old, old_size, new_size, flags, 0);

	return sysret(r) == -1 ? MAP_FAILED : (void *)r;
}

int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set)
{
	long r = my_syscall3(__NR_sched_getaffinity, pid, size, set);

	if (r < 0)
		return (int)sysret(r);
	memset((char *)set + r, 0, size - (size_t)r);
	return 0;
}

int mb_cpu_count(const cpu_set_t *set)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(set->bits) / sizeof(set->bits[0]); i++)
		n += __builtin_popcountl(set->bits[i]);
	return n;
}

int epoll_create1(int flags) { return (int)sysret(my_syscall1(__NR_epoll_create1, flags)); }
int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev) { return (int)sysret(my_syscall4(__NR_epoll_ctl, epfd, op, fd, ev)); }
int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
	return (int)sysret(my_syscall6(__NR_epoll_pwait, epfd, ev, max, timeout, 0, 8));
}

int socket(int domain, int type, int proto) { return (int)sysret(my_syscall3(__NR_socket, domain, type, proto)); }
int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	return (int)sysret(my_syscall5(__NR_setsockopt, fd, level, name, val, len));
}
ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to, socklen_t tolen)
{
	return sysret(my_syscall6(__NR_sendto, fd, buf, n, flags, to, tolen));
}
ssize_t recv(int fd, void *buf, size_t n, int flags) { return sysret(my_syscall6(__NR_recvfrom, fd, buf, n, flags, 0, 0)); }

/* ---- signals ----------------------------------------------------------- */
/* The kernel's sigset: 64 signals, 128 on mips (16 bytes, and the size the
 * rt_sig* calls insist on). Ours is a uint64_t: signals 65-128 stay 0. */
#ifdef __mips__
#define MB_KSIGSET 16
struct k_sigaction {		/* what mips's rt_sigaction takes */
	unsigned int flags;
	sighandler_t handler;
	unsigned long mask[MB_KSIGSET / sizeof(long)];
};
#else
#define MB_KSIGSET 8
struct k_sigaction {		/* what rt_sigaction takes elsewhere */
	sighandler_t handler;
	unsigned long flags;
	void (*restorer)(void);
	unsigned int mask[2];	/* the kernel's: 4-byte aligned */
};
#endif

#ifdef __x86_64__
/* x86-64 has no default return path from a handler: SA_RESTORER's. */
void mb_sigreturn(void);
__asm__(".text\n.globl mb_sigreturn\n.type mb_sigreturn,@function\nmb_sigreturn:\n\tmov $15, %eax\n\tsyscall\n");
#define MB_SA_RESTORER 0x04000000
#else
#define mb_sigreturn NULL
#define MB_SA_RESTORER 0
#endif

sighandler_t signal(int sig, sighandler_t handler)
{
	struct k_sigaction sa = { 0 }, old;
	long r;

	sa.handler = handler;
	sa.flags = SA_RESTART | MB_SA_RESTORER;
#if MB_SA_RESTORER
	sa.restorer = mb_sigreturn;
#endif
	r = my_syscall4(__NR_rt_sigaction, sig, &sa, &old, MB_KSIGSET);
	return sysret(r) ? (sighandler_t)-1 : old.handler;
}

int sigemptyset(sigset_t *s) { return *s = 0, 0; }
int sigaddset(sigset_t *s, int sig) { return *s |= 1ull << (sig - 1), 0; }
int sigismember(const sigset_t *s, int sig) { return (int)(*s >> (sig - 1) & 1); }

/* sigset_t <-> the kernel's words (unsigned longs, signal 1 in bit 0 of
 * the first: on a 32-bit big-endian CPU not the uint64_t's memory order) */
#define KSIG_WORDS (MB_KSIGSET / sizeof(unsigned long))
static void ksig_from(unsigned long *k, uint64_t s)
{
	for (size_t i = 0; i < KSIG_WORDS; i++)
		k[i] = i * 8 * sizeof(long) < 64 ? (unsigned long)(s >> (i * 8 * sizeof(long))) : 0;
}
static uint64_t ksig_to(const unsigned long *k)
{
	uint64_t s = 0;

	for (size_t i = 0; i < KSIG_WORDS && i * 8 * sizeof(long) < 64; i++)
		s |= (uint64_t)k[i] << (i * 8 * sizeof(long));
	return s;
}
int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	unsigned long kset[KSIG_WORDS], kold[KSIG_WORDS];
	long r;

	if (set)
		ksig_from(kset, *set);
	r = my_syscall4(__NR_rt_sigprocmask, how, set ? kset : NULL, old ? kold : NULL, MB_KSIGSET);
	if (r >= 0 && old)
		*old = ksig_to(kold);
	return (int)sysret(r);
}
int sigpending(sigset_t *s)
{
	unsigned long k[KSIG_WORDS];
	long r = my_syscall2(__NR_rt_sigpending, k, MB_KSIGSET);

	if (r >= 0)
		*s = ksig_to(k);
	return (int)sysret(r);
}

/* ---- directories and devices ------------------------------------------- */
struct mb_dir {
	int fd;
	size_t pos, len;
	char buf[2048];
};

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = malloc(sizeof(*d));
	if (!d) {
		close(fd);
		return NULL;
	}
	d->fd = fd;
	d->pos = d->len = 0;
	return d;
}

struct dirent *readdir(DIR *d)
{
	struct dirent *e;

	if (d->pos >= d->len) {
		long n = my_syscall3(__NR_getdents64, d->fd, d->buf, sizeof(d->buf));

		if (n <= 0)
			return n < 0 ? (void)sysret(n), NULL : NULL;
		d->len = (size_t)n;
		d->pos = 0;
	}
	e = (struct dirent *)(void *)(d->buf + d->pos);
	d->pos += e->d_reclen;
	return e;
}

int closedir(DIR *d)
{
	int r = close(d->fd);

	free(d);
	return r;
}

unsigned int if_nametoindex(const char *name)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), r;

	if (fd < 0 || strlen(name) >= IFNAMSIZ)
		return fd >= 0 ? close(fd), 0 : 0;
	strcpy(ifr.ifr_name, name);
	r = ioctl(fd, SIOCGIFINDEX, &ifr);
	close(fd);
	return r ? 0 : (unsigned int)ifr.ifr_ifindex;
}

/* The devices of this network namespace (/sys/class/net is the one sysfs
 * was mounted in), from /proc/net/dev: "  name: counters" after two lines
 * of headings. One array, the list ended by index 0. */
struct if_nameindex *if_nameindex(void)
{
	FILE *f = fopen("/proc/net/dev", "re");
	struct if_nameindex *ifs = malloc(sizeof(*ifs)), *m;
	char line[512], *name, *colon;
	size_t n = 0;

	if (!f || !ifs) {
		free(ifs);
		return f ? fclose(f), NULL : NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned int idx;

		name = line + strspn(line, " ");
		colon = strchr(name, ':');
		if (!colon)
			continue;
		*colon = 0;
		idx = if_nametoindex(name);
		if (!idx || !(m = realloc(ifs, (n + 2) * sizeof(*ifs))))
			continue;
		ifs = m;
		if ((ifs[n].if_name = strdup(name)))
			ifs[n++].if_index = idx;
	}
	fclose(f);
	ifs[n] = (struct if_nameindex){ 0, NULL };
	return ifs;
}

void if_freenameindex(struct if_nameindex *ifs)
{
	for (struct if_nameindex *p = ifs; p && p->if_index; p++)
		free(p->if_name);
	free(ifs);
}
