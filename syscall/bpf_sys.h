/* syscall/: every call minibpf makes into the kernel.
 *
 * One small function per bpf(2) command. Each returns an fd (>= 3, O_CLOEXEC)
 * or 0 on success, or a negative errno. Nothing here knows about ELF files or
 * the object model: this layer is the bpf(2) interface, readable top to bottom.
 */
#ifndef MB_SYSCALL_BPF_SYS_H
#define MB_SYSCALL_BPF_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/bpf.h>

#include "mb_config.h"
#include "uapi/bpf_compat.h"
#include "syscall/fs.h"

/* ---- maps ---------------------------------------------------------------- */
struct mb_map_create_args {
	uint32_t map_type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	int inner_map_fd;           /* map-in-map: a template of the inner map, else -1/0 */
	uint32_t numa_node;         /* used when map_flags has BPF_F_NUMA_NODE */
	const char *name;           /* truncated to BPF_OBJ_NAME_LEN-1 */
	uint32_t map_ifindex;
	int btf_fd;                 /* 0 if none */
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	uint32_t btf_vmlinux_value_type_id;
	uint64_t map_extra;         /* bloom filter hashes, arena address */
};
int mb_sys_map_create(const struct mb_map_create_args *a);
int mb_sys_map_lookup(int map_fd, const void *key, void *value, uint64_t flags);
int mb_sys_map_update(int map_fd, const void *key, const void *value, uint64_t flags);
int mb_sys_map_delete(int map_fd, const void *key);
int mb_sys_map_lookup_and_delete(int map_fd, const void *key, void *value);
/* key == NULL asks for the first key. Returns -ENOENT after the last one. */
int mb_sys_map_get_next_key(int map_fd, const void *key, void *next_key);
int mb_sys_map_freeze(int map_fd);

/* ---- programs ------------------------------------------------------------ */
struct mb_prog_load_args {
	uint32_t prog_type;
	uint32_t expected_attach_type;
	const struct bpf_insn *insns;
	uint32_t insn_cnt;
	const char *license;        /* "GPL", ... */
	uint32_t kern_version;
	uint32_t prog_flags;
	const char *name;
	uint32_t prog_ifindex;
	uint32_t attach_btf_id;
	int attach_btf_obj_fd;      /* module BTF, 0 for vmlinux */
	int attach_prog_fd;         /* freplace / fentry on a BPF prog, 0 if none */
	int prog_btf_fd;            /* 0 if none */
	const void *func_info;
	uint32_t func_info_rec_size, func_info_cnt;
	const void *line_info;
	uint32_t line_info_rec_size, line_info_cnt;
	const int *fd_array;
	/* Verifier log. mb_sys_prog_load() uses exactly this buffer;
	 * mb_prog_load_log() manages it (see below). */
	uint32_t log_level;
	char *log_buf;
	uint32_t log_size;
	uint32_t log_true_size;     /* out: the size the whole log needs (6.4+), 0 if unknown */
};
/* One BPF_PROG_LOAD, nothing more. */
int mb_sys_prog_load(struct mb_prog_load_args *a);

/* First verifier log buffer size of mb_prog_load_log / mb_sys_btf_load
 * (default 16 KiB, the kernel's minimum is 128). Tests lower it to exercise
 * the growth path. */
extern uint32_t mb_sys_log_start;

/* BPF_PROG_LOAD with the verifier log handled:
 *  - loads with a->log_level (0: no log) and no buffer from the caller;
 *  - on failure other than EAGAIN it reloads with at least log level 1 to
 *    get the verifier's reason; on success with log_level > 0 the log is kept;
 *  - a log that did not fit (ENOSPC) is retried with a buffer grown to
 *    log_true_size when the kernel reports it (6.4+), doubled otherwise, so the
 *    log is never silently truncated;
 *  - EAGAIN (the verifier was interrupted) is retried a few times.
 * *log receives a malloc'd NUL-terminated log (or NULL); the caller frees it. */
int mb_prog_load_log(struct mb_prog_load_args *a, char **log);

/* BPF_PROG_BIND_MAP (5.10): keep map_fd alive as long as the program, and
 * list it in the program's map_ids, though no instruction uses it. libbpf
 * binds .rodata to every program so tools see bpf_metadata_* variables. */
int mb_sys_prog_bind_map(int prog_fd, int map_fd);

int mb_sys_prog_test_run(int prog_fd, const void *data_in, uint32_t data_size_in,
			 void *data_out, uint32_t *data_size_out,
			 const void *ctx_in, uint32_t ctx_size_in,
			 void *ctx_out, uint32_t *ctx_size_out,
			 uint32_t repeat, uint32_t flags,
			 uint32_t *retval, uint32_t *duration_ns);

/* ---- BTF ----------------------------------------------------------------- */
/* log as for mb_prog_load_log: allocated only when the kernel rejects the BTF. */
int mb_sys_btf_load(const void *data, uint32_t size, char **log);

/* ---- bpffs --------------------------------------------------------------- */
int mb_sys_obj_pin(int fd, const char *path);
int mb_sys_obj_get(const char *path, uint32_t file_flags);

/* ---- attach -------------------------------------------------------------- */
/* Optional fields of BPF_LINK_CREATE by target kind; zero means unused. */
struct mb_link_create_args {
	int prog_fd;
	int target_fd;              /* cgroup fd, netns fd, perf event fd, map fd... */
	uint32_t target_ifindex;    /* XDP, tcx: an ifindex instead of target_fd */
	uint32_t attach_type;
	uint32_t flags;
	uint32_t target_btf_id;     /* freplace */
	uint64_t perf_bpf_cookie;   /* BPF_PERF_EVENT */
	uint32_t iter_info_map_fd;  /* BPF_TRACE_ITER over a map, 0 if none */
	uint64_t tracing_cookie;    /* fentry/fexit/... cookie */
	uint32_t relative_fd;       /* tcx ordering, 6.6+ */
	uint32_t expected_revision; /* tcx, 6.6+ */
};
int mb_sys_link_create(const struct mb_link_create_args *a);
int mb_sys_link_update(int link_fd, int new_prog_fd, int old_prog_fd, uint32_t flags);
int mb_sys_link_detach(int link_fd);
int mb_sys_raw_tracepoint_open(const char *name, int prog_fd);
/* BPF_ITER_CREATE: an fd to read() the iterator's output from. */
int mb_sys_iter_create(int link_fd);
int mb_sys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type, uint32_t flags);
int mb_sys_prog_detach(int prog_fd, int target_fd, uint32_t attach_type);
/* setsockopt(sock, SOL_SOCKET, opt, &prog_fd): SO_ATTACH_BPF, SO_DETACH_BPF,
 * SO_ATTACH_REUSEPORT_EBPF, SO_DETACH_REUSEPORT_BPF (prog_fd ignored for
 * detach). syscall/sock.c */
int mb_sys_sock_prog(int sock, int opt, int prog_fd);
/* prog_ids may be NULL; *cnt in: capacity, out: number attached. */
int mb_sys_prog_query(int target_fd, uint32_t attach_type, uint32_t query_flags,
		      uint32_t *attach_flags, uint32_t *prog_ids, uint32_t *cnt);

/* ---- introspection ------------------------------------------------------- */
/* info_len in: size of info, out: size the kernel filled. */
int mb_sys_obj_get_info_by_fd(int fd, void *info, uint32_t *info_len);
/* which: BPF_PROG_GET_NEXT_ID, BPF_MAP_GET_NEXT_ID, BPF_BTF_GET_NEXT_ID, BPF_LINK_GET_NEXT_ID */
int mb_sys_get_next_id(int which, uint32_t start_id, uint32_t *next_id);
/* which: BPF_PROG_GET_FD_BY_ID, BPF_MAP_GET_FD_BY_ID, BPF_BTF_GET_FD_BY_ID, BPF_LINK_GET_FD_BY_ID */
int mb_sys_get_fd_by_id(int which, uint32_t id);

/* ---- perf events (tracefs, bpffs and files: syscall/fs.h) ------------------ */
struct perf_event_attr;
int mb_sys_perf_event_open(struct perf_event_attr *attr, int pid, int cpu, int group_fd,
			   unsigned long flags);
int mb_sys_perf_event_set_bpf(int perf_fd, int prog_fd);   /* PERF_EVENT_IOC_SET_BPF */
int mb_sys_perf_event_enable(int perf_fd);

/* The PMU type of /sys/bus/event_source/devices/NAME/type (kprobe, uprobe). */
int mb_pmu_type(const char *name);
/* Bit number of a PMU's retprobe flag (/sys/bus/event_source/devices/NAME/format/retprobe). */
int mb_pmu_retprobe_bit(const char *name);

/* ---- the --trace hook ----------------------------------------------------- */
#if MB_TRACE
/* When set, every syscall made through this layer prints one decoded line to
 * the stream (stderr for the CLI). NULL turns tracing off. */
void mb_trace_set(FILE *out);
int mb_trace_enabled(void);
/* Each bpf() line ends with the time spent in the kernel, " <0.021 ms>".
 * Off gives byte-stable output (golden-file tests, docs). Default on. */
void mb_trace_timing_set(int on);
/* Remember a human name for an fd (a map or program name from the ELF file),
 * so later lines print map_fd=5<map:counts>. KIND is "map", "prog", "btf",
 * "link", ... Cleared by mb_trace_forget(fd) (mb_close does it). */
void mb_trace_name_fd(int fd, const char *kind, const char *name);
void mb_trace_forget(int fd);
/* For syscall/ files other than the bpf(2) wrappers (perf_event_open, netlink,
 * mount): print one trace line (no newline needed) if tracing is on. */
void mb_trace_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An fd as trace lines show it, "5<prog:handle_exec>" or "7</sys/fs/cgroup/x>",
 * into buf (at most len bytes, NUL-terminated). Returns buf. */
char *mb_trace_fd_format(int fd, char *buf, size_t len);
#else
/* Built without the decoder (MB_TRACE=0): every hook is a no-op the
 * compiler removes, with the code that formats trace lines behind it. */
static inline void mb_trace_set(FILE *out) { (void)out; }
static inline int mb_trace_enabled(void) { return 0; }
static inline void mb_trace_timing_set(int on) { (void)on; }
static inline void mb_trace_name_fd(int fd, const char *kind, const char *name)
{
	(void)fd; (void)kind; (void)name;
}
static inline void mb_trace_forget(int fd) { (void)fd; }
static inline void mb_trace_line_off(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void mb_trace_line_off(const char *fmt, ...) { (void)fmt; }
/* if (0): what the arguments call (errno names, fd formatting) is dead code
 * too, not only the line (a call of a no-op function still evaluates them) */
#define mb_trace_line(...) do { if (0) mb_trace_line_off(__VA_ARGS__); } while (0)
static inline char *mb_trace_fd_format(int fd, char *buf, size_t len)
{
	(void)fd;
	if (len)
		*buf = 0;
	return buf;
}
#endif
/* The errno name ("ENOENT") of a positive errno, for trace lines. */
const char *mb_errno_name(int err);

/* ---- fault injection (tests) ---------------------------------------------- */
/* Make the Nth syscall from now (1-based) fail with -err; 0 turns it off.
 * Returns the number of syscalls made since the last call (for counting).
 * Not thread-safe: tests drive it from one thread. */
unsigned long mb_sys_fail_nth(unsigned long n, int err);
/* Syscalls made through this layer since the program started. */
unsigned long mb_sys_count(void);

/* ---- small helpers -------------------------------------------------------- */
/* Close fd if it is one of ours (>= 3: fd 0 means "none" in bpf attrs, and a
 * zeroed struct must not close stdin), keeping errno. Also drops the fd's
 * trace name, so a reused number is never shown with a stale name. */
void mb_close(int fd);
/* Move an fd to >= 3 with O_CLOEXEC (fd 0 means "none" in the bpf UAPI).
 * Negative values pass through. The fd must already be O_CLOEXEC when it is
 * >= 3 (bpf(2) fds always are: the kernel creates them with O_CLOEXEC). */
int mb_fd_sanitize(int fd);
/* A second fd (>= 3, O_CLOEXEC) of the same file, or -errno. */
int mb_sys_dup(int fd);

/* Names of enum values, without their UAPI prefix ("HASH", "SOCKET_FILTER",
 * "CGROUP_INET_INGRESS", "TCX", "MAP_CREATE"), NULL when unknown. */
enum mb_enum_kind { MB_ENUM_CMD, MB_ENUM_MAP_TYPE, MB_ENUM_PROG_TYPE,
		    MB_ENUM_ATTACH_TYPE, MB_ENUM_LINK_TYPE };
const char *mb_enum_name(enum mb_enum_kind kind, uint32_t value);
/* The reverse, case-insensitive ("hash" -> BPF_MAP_TYPE_HASH); -1 if unknown. */
long mb_enum_value(enum mb_enum_kind kind, const char *name);

/* strstr() without musl's two-way search (1.3 KB static); the haystacks here
 * are verifier logs, mountinfo lines and kernel configs. */
char *mb_str_find(const char *hay, const char *needle);

static inline uint64_t mb_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* ---- mmap and epoll (syscall/mmap.c): ring buffers, perf buffers ------- */
/* mmap(NULL, len, prot, MAP_SHARED, fd, off): *out the mapping (NULL on error). */
int mb_sys_mmap(int fd, size_t len, int prot, uint64_t off, void **out);
/* munmap; NULL is a no-op. Unmaps even when a failure is injected. */
int mb_sys_munmap(void *addr, size_t len);
int mb_sys_epoll_create(void);                      /* EPOLL_CLOEXEC */
int mb_sys_epoll_add(int epfd, int fd, uint64_t data);  /* EPOLLIN */
/* Up to max (<= 16) ready events' data into data[]; count or -errno. */
int mb_sys_epoll_wait(int epfd, uint64_t *data, int max, int timeout_ms);

#endif
