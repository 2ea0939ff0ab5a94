/* syscall/fs.c: the files minibpf reads and writes (kernel config, kallsyms,
 * sysfs, the kernel's BTF, /run/minibpf), tracefs and bpffs. Each call is
 * traced by --trace and counted for fault injection, as bpf(2) is. fds are
 * O_CLOEXEC and >= 3; errors are negative errnos. Included by bpf_sys.h. */
#ifndef MB_SYSCALL_FS_H
#define MB_SYSCALL_FS_H

#include <stddef.h>
#include <stdint.h>

struct stat;

/* openat(AT_FDCWD, ...) with O_CLOEXEC added: an fd or -errno. */
int mb_sys_open(const char *path, int flags, unsigned int mode);
/* One read/pread/write (retried on EINTR): bytes or -errno. */
long mb_sys_read(int fd, void *buf, size_t len);
long mb_sys_pread(int fd, void *buf, size_t len, uint64_t off);
long mb_sys_write(int fd, const void *buf, size_t len);
int mb_sys_fstat(int fd, struct stat *st);
int mb_sys_mkdir(const char *path, unsigned int mode);
int mb_sys_rename(const char *from, const char *to);
int mb_sys_unlink(const char *path);
/* A read-only private mapping of LEN bytes of fd, or NULL with errno set;
 * undone by mb_sys_munmap (bpf_sys.h, syscall/mmap.c). */
void *mb_sys_mmap_ro(int fd, size_t len);

/* Read a small text file into buf (NUL-terminated). Bytes read or -errno. */
int mb_read_small(const char *path, char *buf, size_t size);
/* Each CPU of a sysfs CPU list ("0-3,5\n", /sys/devices/system/cpu/online or
 * possible): cb(ctx, cpu), stopping at its non-zero return. 0, that return,
 * or -EINVAL for a list that does not parse. */
int mb_cpu_list_each(const char *list, int (*cb)(void *ctx, unsigned cpu), void *ctx);
/* All of PATH (at most MAX bytes, else -EFBIG) into a malloc'd buffer with
 * a NUL after the LEN bytes. 0 or -errno. */
int mb_read_file(const char *path, size_t max, char **buf, size_t *len);
/* /proc/kallsyms in one pass: FN sees each symbol's address and name
 * (modules' too, without the "[module]"); nonzero from FN stops the scan.
 * 0 or -errno. */
int mb_kallsyms_scan(int (*fn)(void *ctx, uint64_t addr, const char *name), void *ctx);

/* Mount points found in /proc/self/mountinfo, mounted when absent.
 * Return a static path or NULL with errno set. */
const char *mb_tracefs_path(void);
const char *mb_bpffs_path(void);
/* Is PATH on a bpf filesystem? 1 yes, 0 no, negative errno. */
int mb_is_bpffs(const char *path);
/* Why BPF_OBJ_PIN at PATH failed with ERR (negative): strerror, or, for a
 * path outside bpffs or a name with a dot in bpffs (the kernel says only
 * EPERM), that. Checked after the failure, so a pin that works costs no
 * statfs. */
const char *mb_pin_why(int err, const char *path);
/* Staged pin trees (syscall/stage.c): a tree is pinned under a staging
 * directory beside TARGET, TARGET's name + "_mbstage_PID_START_NS" (no dots:
 * bpffs refuses them), and published with one rename. */
/* The staging path for TARGET into out: 0 or -errno (-ENOENT without /proc). */
int mb_stage_path(const char *target, char *out, size_t size);
/* 1 if TARGET is absent or an empty directory (a staged tree can take its
 * place), 0 if it is anything else, -errno if it cannot be looked at (bpffs:
 * -EPERM for a name with a dot). */
int mb_stage_vacant(const char *target);
/* rename(STAGE, TARGET), TARGET absent or an empty directory; one that holds
 * anything (or is a file or a mount point) is never replaced: -EEXIST. */
int mb_stage_publish(const char *stage, const char *target);
/* rm -r of a directory of pins (unlinking a link's pin detaches it): 0 or
 * the first error. Not fault-injected: cleanup must not fail itself. */
int mb_pin_tree_remove(const char *dir);
/* Remove the staging directories in DIR (and DEPTH levels below) whose
 * owner process is gone (dead, or its pid reused); FN(CTX, PATH) for each.
 * The number removed, or -errno (-ENOENT without /proc to tell). */
int mb_stage_sweep(const char *dir, int depth, void (*fn)(void *ctx, const char *path),
		   void *ctx);
/* The id of tracepoint CATEGORY/NAME (events/CAT/NAME/id), or a negative errno. */
int mb_tracepoint_id(const char *category, const char *name);
/* Write one line to a tracefs control file (kprobe_events, ...), O_APPEND. */
int mb_tracefs_write(const char *file, const char *line);

#endif
