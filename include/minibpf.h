/* minibpf: a small eBPF loader that does not use libbpf.
 *
 * Open an object that clang compiled (clang -target bpf -O2 -g), load it
 * (maps created, relocations applied, programs verified), attach its programs,
 * pin what must outlive the process. Errors return a negative errno (or NULL
 * with errno set); mb_last_error() then says what failed, naming the program,
 * map, section or instruction.
 */
#ifndef MINIBPF_H
#define MINIBPF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct mb_object;
struct mb_prog;
struct mb_map;
struct mb_link;

/* The message of the last failure in this thread ("" if none). */
const char *mb_last_error(void);

/* Print every syscall minibpf makes, decoded, to OUT (NULL: off): bpf(2),
 * perf_event_open, netlink, and the files it opens, reads, maps and writes
 * (not close, nor probes such as statfs, access and uname). */
void mb_trace(FILE *out);

struct mb_open_opts {
	size_t sz;                 /* sizeof(struct mb_open_opts), for growth */
	const char *object_name;   /* default: the file name without .o / .bpf.o */
	const char *pin_root;      /* for maps pinned by name, default /sys/fs/bpf */
	const char *btf_path;      /* kernel BTF, default /sys/kernel/btf/vmlinux */
	uint32_t log_level;        /* verifier log level on success (0: only on failure) */
	uint32_t prog_flags;       /* BPF_F_* added to every program load */
};

struct mb_object *mb_object_open(const char *path, const struct mb_open_opts *opts);
struct mb_object *mb_object_open_mem(const void *data, size_t size,
				     const struct mb_open_opts *opts);
/* Create the maps, load every program. All or nothing: on failure every fd and
 * pin this call made is gone again. */
int mb_object_load(struct mb_object *obj);
/* Close every fd of the object (pinned objects and pinned links stay). */
void mb_object_close(struct mb_object *obj);
const char *mb_object_name(const struct mb_object *obj);

int mb_object_prog_count(const struct mb_object *obj);
struct mb_prog *mb_object_prog(const struct mb_object *obj, int i);
struct mb_prog *mb_object_prog_by_name(const struct mb_object *obj, const char *name);
int mb_object_map_count(const struct mb_object *obj);
struct mb_map *mb_object_map(const struct mb_object *obj, int i);
struct mb_map *mb_object_map_by_name(const struct mb_object *obj, const char *name);

const char *mb_prog_name(const struct mb_prog *prog);
const char *mb_prog_section(const struct mb_prog *prog);
uint32_t mb_prog_type(const struct mb_prog *prog);
uint32_t mb_prog_expected_attach_type(const struct mb_prog *prog);
int mb_prog_fd(const struct mb_prog *prog);
/* Skip (0) or load (1) this program in mb_object_load(); default 1. */
void mb_prog_set_autoload(struct mb_prog *prog, int load);
/* Override the type guessed from the SEC() name (before load). */
void mb_prog_set_type(struct mb_prog *prog, uint32_t prog_type, uint32_t expected_attach_type);
/* The verifier log of the last load (NULL if none was asked for or needed). */
const char *mb_prog_log(const struct mb_prog *prog);
int mb_prog_pin(struct mb_prog *prog, const char *path);

const char *mb_map_name(const struct mb_map *map);
int mb_map_fd(const struct mb_map *map);
uint32_t mb_map_type(const struct mb_map *map);
uint32_t mb_map_key_size(const struct mb_map *map);
uint32_t mb_map_value_size(const struct mb_map *map);
uint32_t mb_map_max_entries(const struct mb_map *map);
int mb_map_pin(struct mb_map *map, const char *path);
/* Before mb_object_load: use the existing map FD (duplicated; the caller
 * keeps FD) instead of creating this one. Its type and sizes must match. */
int mb_map_reuse_fd(struct mb_map *map, int fd);
/* Before load: replace the initial contents of a global data map (.data,
 * .rodata, .bss, ...): how `const volatile` settings reach a program. size
 * must be the section's size. */
int mb_map_set_initial_value(struct mb_map *map, const void *data, size_t size);
/* Pointer to the initial contents of a global data map (NULL for others), so
 * single variables can be set in place before load. */
void *mb_map_initial_value(struct mb_map *map, size_t *size);
/* Before load: the initial value of the global variable NAME (in .data,
 * .rodata, .bss or a custom data section), found through the object's BTF,
 * to read or set in place. NULL with errno if absent or already loaded. */
void *mb_object_global(struct mb_object *obj, const char *name, size_t *size);
int mb_map_lookup(const struct mb_map *map, const void *key, void *value);
int mb_map_update(const struct mb_map *map, const void *key, const void *value, uint64_t flags);
int mb_map_delete(const struct mb_map *map, const void *key);
int mb_map_get_next_key(const struct mb_map *map, const void *key, void *next_key);

/* Attach PROG the way its SEC() name says (tracepoint/CAT/NAME, raw_tp/NAME,
 * uprobe/PATH:SYM, ...). NULL with errno and mb_last_error() if the section
 * does not name a target. */
struct mb_link *mb_prog_attach(struct mb_prog *prog);
/* Where a program goes when its SEC() name cannot say: an interface (xdp,
 * tc, tcx), a cgroup, a sockmap, a netns, a socket. Fields the program's kind
 * does not use are ignored. */
struct mb_attach_opts {
	size_t sz;                 /* sizeof(struct mb_attach_opts) */
	int ifindex;               /* xdp, tc/tcx */
	int egress;                /* tc/tcx: egress instead of ingress */
	int target_fd;             /* cgroup, sockmap/sockhash, netns, socket fd */
	int pid;                   /* uprobe: 0 or -1 for every process */
	uint32_t flags;            /* XDP_FLAGS_*, BPF_F_ALLOW_MULTI/OVERRIDE */
	uint64_t sample_period;    /* perf_event */
};
struct mb_link *mb_prog_attach_opts(struct mb_prog *prog, const struct mb_attach_opts *opts);
int mb_link_fd(const struct mb_link *link);
/* Number of attachments behind the link (perf_event: one per CPU). */
int mb_link_count(const struct mb_link *link);
/* Pin the link in bpffs: the attachment then lives until the pin is removed. */
int mb_link_pin(struct mb_link *link, const char *path);
/* Detach (unless pinned) and free. */
void mb_link_destroy(struct mb_link *link);

#ifdef __cplusplus
}
#endif
#endif
