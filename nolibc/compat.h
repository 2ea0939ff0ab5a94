/* SPDX-License-Identifier: MIT */
/*
 * What the kernel's nolibc (tools/include/nolibc of linux 6.1) lacks for the
 * static CLI (make static LIBC=nolibc), force-included (-include) before
 * every source file. The build directory's include/ holds an empty file for
 * each C library header the sources name, so this is the whole C library:
 * nolibc's startup code, syscall macros, string, ctype and plain syscall
 * wrappers, plus the declarations below (nolibc/compat.c defines them).
 *
 * nolibc's own std.h, errno.h, stdio.h and stdlib.h are skipped: their types
 * disagree with the compiler's format checks on ILP32, its errno is one per
 * translation unit, its stdio writes one syscall per fragment without widths
 * and its malloc maps every block. Types come from the compiler
 * (stdint-gcc.h), malloc from cli/bump_alloc.c.
 */
#ifndef MB_NOLIBC_COMPAT_H
#define MB_NOLIBC_COMPAT_H

#define _NOLIBC_STD_H
#define _NOLIBC_ERRNO_H
#define _NOLIBC_STDIO_H
#define _NOLIBC_STDLIB_H

#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint-gcc.h>
#include <linux/types.h>
#include <linux/limits.h>
#include <asm/errno.h>

typedef __PTRDIFF_TYPE__ ssize_t;
typedef unsigned int dev_t;
typedef unsigned long ino_t;
typedef unsigned int mode_t;
typedef int pid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned long nlink_t;
typedef long off_t;
typedef long blksize_t;
typedef long blkcnt_t;
typedef __kernel_time_t time_t;
typedef unsigned int socklen_t;

/* No thread pointer is set up (the CLI has one thread): plain statics. */
#define _Thread_local
#define ENOTSUP EOPNOTSUPP
extern int errno;
#define SET_ERRNO(v) do { errno = (v); } while (0)
#define MAX_ERRNO 4095

struct sockaddr {
	unsigned short sa_family;
	char sa_data[14];
};

/* nolibc writes asm, a GNU keyword (-std=c11 has __asm__ only). The UAPI's
 * sigset_t differs per architecture: keep it out of the way. nolibc's
 * strdup calls a malloc it declares static: it gets ours. */
#define asm __asm__
#define sigset_t mb_uapi_sigset_t
#define malloc mb_nolibc_malloc
/* The arch header (structs and macros only) ends with _start in a top-level
 * asm: only compat.c keeps it (LTO would put every file's copy into one
 * assembler input). */
#ifndef MB_NOLIBC_START
#define __asm__(...)
#include <nolibc/arch.h>
#undef __asm__
#else
#include <nolibc/arch.h>
/* compat.c defines the strlen and strcpy that gcc calls for its own
 * folds (snprintf of a constant string): nolibc's are static. */
#define strlen mb_nolibc_strlen
#define strcpy mb_nolibc_strcpy
#define raise mb_nolibc_raise	/* libgcc's division by zero calls raise on arm */
#endif
/* nolibc 6.1 has no 6-argument syscall on arm (its mmap is ENOSYS there):
 * the same shape as its my_syscall5, with the sixth argument in r5. */
#if defined(__ARM_EABI__) && !defined(my_syscall6)
#define my_syscall6(num, arg1, arg2, arg3, arg4, arg5, arg6)                  \
({                                                                            \
	register long _num __asm__ ("r7") = (num);                            \
	register long _arg1 __asm__ ("r0") = (long)(arg1);                    \
	register long _arg2 __asm__ ("r1") = (long)(arg2);                    \
	register long _arg3 __asm__ ("r2") = (long)(arg3);                    \
	register long _arg4 __asm__ ("r3") = (long)(arg4);                    \
	register long _arg5 __asm__ ("r4") = (long)(arg5);                    \
	register long _arg6 __asm__ ("r5") = (long)(arg6);                    \
	__asm__ volatile ("svc #0\n" : "=r" (_arg1)                            \
		: "r" (_arg1), "r" (_arg2), "r" (_arg3), "r" (_arg4), "r" (_arg5),  \
		  "r" (_arg6), "r" (_num)                                     \
		: "memory", "cc", "lr");                                      \
	_arg1;                                                                \
})
#endif
/* nor on mips (o32): the fifth and sixth arguments go in the caller's
 * stack frame at 16 and 20($sp), after the four a0-a3 slots; a3 comes back
 * non-zero for an error, v0 then holding the positive errno. */
#if defined(__mips__) && _MIPS_SIM == _MIPS_SIM_ABI32 && !defined(my_syscall6)
#define my_syscall6(num, arg1, arg2, arg3, arg4, arg5, arg6)                  \
({                                                                            \
	register long _num __asm__ ("v0") = (num);                            \
	register long _arg1 __asm__ ("a0") = (long)(arg1);                    \
	register long _arg2 __asm__ ("a1") = (long)(arg2);                    \
	register long _arg3 __asm__ ("a2") = (long)(arg3);                    \
	register long _arg4 __asm__ ("a3") = (long)(arg4);                    \
	register long _arg5 = (long)(arg5);                                   \
	register long _arg6 = (long)(arg6);                                   \
	__asm__ volatile ("addiu $sp, $sp, -32\n"                             \
			  "sw %7, 16($sp)\n"                                   \
			  "sw %8, 20($sp)\n"                                   \
			  "syscall\n"                                          \
			  "addiu $sp, $sp, 32\n"                               \
		: "=r" (_num), "=r" (_arg4)                                   \
		: "0" (_num), "r" (_arg1), "r" (_arg2), "r" (_arg3), "r" (_arg4), \
		  "r" (_arg5), "r" (_arg6)                                    \
		: "memory", "cc", "at", "v1", "hi", "lo", "t0", "t1", "t2", "t3", \
		  "t4", "t5", "t6", "t7", "t8", "t9");                        \
	_arg4 ? -_num : _num;                                                 \
})
#endif
#include <nolibc/nolibc.h>
#ifdef MB_NOLIBC_START
#undef strlen
#undef strcpy
#undef raise
size_t strlen(const char *s);
char *strcpy(char *d, const char *s);
int raise(int sig);
#endif
#undef sigset_t
#undef malloc
void *malloc(size_t n);
static __attribute__((unused)) void *mb_nolibc_malloc(size_t n) { return malloc(n); }
#include <linux/stat.h>
#include <asm/statfs.h>
#define epoll_event mb_uapi_epoll_event
#include <linux/eventpoll.h>
#undef epoll_event

/* limits.h, inttypes.h */
#define CHAR_BIT	__CHAR_BIT__
#define SCHAR_MAX	__SCHAR_MAX__
#define UCHAR_MAX	(SCHAR_MAX * 2 + 1)
#define SHRT_MAX	__SHRT_MAX__
#define USHRT_MAX	(SHRT_MAX * 2 + 1)
#define INT_MAX		__INT_MAX__
#define INT_MIN		(-INT_MAX - 1)
#define UINT_MAX	(INT_MAX * 2U + 1)
#define LONG_MAX	__LONG_MAX__
#define LONG_MIN	(-LONG_MAX - 1L)
#define ULONG_MAX	(LONG_MAX * 2UL + 1)
#define LLONG_MAX	__LONG_LONG_MAX__
#define LLONG_MIN	(-LLONG_MAX - 1LL)
#define ULLONG_MAX	(LLONG_MAX * 2ULL + 1)
#if __SIZEOF_LONG__ == 8
#define MB_PRI64	"l"
#else
#define MB_PRI64	"ll"
#endif
#define PRId64		MB_PRI64 "d"
#define PRIu64		MB_PRI64 "u"
#define PRIx64		MB_PRI64 "x"
#define PRId32		"d"
#define PRIu32		"u"
#define PRIx32		"x"

/* elf.h (the C library's, linked into include/) */
#define __BEGIN_DECLS
#define __END_DECLS

/* stdlib.h. main() is renamed: compat.c's main sets environ and the page
 * size, calls it and flushes stdio at exit. */
#define main mb_main
int mb_main(int argc, char **argv);
#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
extern char **environ;
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
#define exit mb_exit
__attribute__((noreturn)) void exit(int code);
__attribute__((noreturn)) void abort(void);
char *getenv(const char *name);
int atoi(const char *s);
long strtol(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *));

/* string.h, strings.h: what nolibc has not. */
char *strerror(int err);
char *strcat(char *d, const char *s);
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
char *strstr(const char *h, const char *n);
char *strtok_r(char *s, const char *delim, char **save);
void *memchr(const void *s, int c, size_t n);
int tolower(int c);
int toupper(int c);

/* stdio.h */
typedef struct mb_file FILE;
extern FILE *const stdin, *const stdout, *const stderr;
#define EOF (-1)
#define BUFSIZ 4096
#define MB_PRINTF(f, a) __attribute__((format(printf, f, a)))
int printf(const char *fmt, ...) MB_PRINTF(1, 2);
int fprintf(FILE *f, const char *fmt, ...) MB_PRINTF(2, 3);
int vfprintf(FILE *f, const char *fmt, va_list ap) MB_PRINTF(2, 0);
int vprintf(const char *fmt, va_list ap) MB_PRINTF(1, 0);
int snprintf(char *buf, size_t n, const char *fmt, ...) MB_PRINTF(3, 4);
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap) MB_PRINTF(3, 0);
int fputc(int c, FILE *f);
#define putc fputc
int putchar(int c);
int fputs(const char *s, FILE *f);
int puts(const char *s);
size_t fwrite(const void *p, size_t size, size_t n, FILE *f);
size_t fread(void *p, size_t size, size_t n, FILE *f);
char *fgets(char *s, int n, FILE *f);
int fgetc(FILE *f);
#define getc fgetc
FILE *fopen(const char *path, const char *mode);
FILE *open_memstream(char **buf, size_t *size);
int fflush(FILE *f);
int fclose(FILE *f);
int ferror(FILE *f);
int feof(FILE *f);
int fileno(FILE *f);
#define perror mb_perror
void perror(const char *s);

/* unistd.h, fcntl.h, sys/stat.h, sys/statfs.h and friends: syscalls nolibc
 * has no wrapper for (or one that does not fit every architecture). */
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4
#define stat(p, b) mb_stat_at(AT_FDCWD, p, b, 0)
#define lstat(p, b) mb_stat_at(AT_FDCWD, p, b, AT_SYMLINK_NOFOLLOW)
#define fstat(fd, b) mb_stat_at(fd, "", b, AT_EMPTY_PATH)
#define ioctl mb_ioctl
int ioctl(int fd, unsigned long req, ...);
#define MREMAP_MAYMOVE 1
int mb_stat_at(int dirfd, const char *path, struct stat *st, int flags);
int access(const char *path, int mode);
int openat(int dirfd, const char *path, int flags, ...);
int fcntl(int fd, int cmd, ...);
ssize_t pread(int fd, void *buf, size_t n, off_t off);
ssize_t readlink(const char *path, char *buf, size_t n);
int rename(const char *from, const char *to);
int rmdir(const char *path);
int statfs(const char *path, struct statfs *st);
uid_t geteuid(void);
int getpagesize(void);
long syscall(long nr, ...);
void *mremap(void *old, size_t old_size, size_t new_size, int flags, ...);

/* sys/utsname.h, time.h, sched.h */
struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};
int uname(struct utsname *u);
typedef int clockid_t;
int clock_gettime(clockid_t clk, struct timespec *ts);
typedef struct { unsigned long bits[1024 / (8 * sizeof(long))]; } cpu_set_t;
int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set);
#define CPU_COUNT(s) mb_cpu_count(s)
int mb_cpu_count(const cpu_set_t *set);

/* signal.h: no handler runs in signal context but a flag store, and the
 * masks hold the first 64 signals. */
typedef uint64_t sigset_t;
typedef int sig_atomic_t;
typedef void (*sighandler_t)(int);
sighandler_t signal(int sig, sighandler_t handler);
int sigemptyset(sigset_t *s);
int sigaddset(sigset_t *s, int sig);
int sigismember(const sigset_t *s, int sig);
int sigprocmask(int how, const sigset_t *set, sigset_t *old);
int sigpending(sigset_t *s);

/* dirent.h */
struct dirent {		/* the kernel's linux_dirent64 */
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[256];
};
typedef struct mb_dir DIR;
DIR *opendir(const char *path);
struct dirent *readdir(DIR *d);
int closedir(DIR *d);

/* sys/epoll.h: the UAPI's event with the C library's data union */
struct epoll_event {
	uint32_t events;
	union { void *ptr; int fd; uint32_t u32; uint64_t u64; } data;
} EPOLL_PACKED;
int epoll_create1(int flags);
int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);
int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout);

/* sys/socket.h, net/if.h, arpa/inet.h: netlink and the device names */
#define AF_UNSPEC 0
#define AF_NETLINK 16
#define PF_NETLINK AF_NETLINK
#define SOCK_RAW 3
#define SOCK_DGRAM 2
#define SOCK_CLOEXEC O_CLOEXEC
#define SOL_NETLINK 270
#define MSG_DONTWAIT 0x40
#define MSG_TRUNC 0x20
#define MSG_PEEK 2
#include <asm/socket.h>
int socket(int domain, int type, int proto);
int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to,
	       socklen_t tolen);
ssize_t recv(int fd, void *buf, size_t n, int flags);
#define IF_NAMESIZE 16
struct if_nameindex {
	unsigned int if_index;
	char *if_name;
};
unsigned int if_nametoindex(const char *name);
struct if_nameindex *if_nameindex(void);
void if_freenameindex(struct if_nameindex *ifs);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define htons(x) __builtin_bswap16(x)
#define htonl(x) __builtin_bswap32(x)
#else
#define htons(x) ((uint16_t)(x))
#define htonl(x) ((uint32_t)(x))
#endif
#define ntohs htons
#define ntohl htonl

#endif /* MB_NOLIBC_COMPAT_H */
