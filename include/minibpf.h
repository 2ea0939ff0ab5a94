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

#include <stdarg.h>
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
 * (not close, nor probes such as statfs, access and uname). A library
 * built with MB_TRACE=0 has no decoder: then this does nothing. */
void mb_trace(FILE *out);

/* Warnings and notes (an attachment made the old way, BTF the kernel refused
 * and the load went on without): the library writes nothing itself; it hands
 * them to the function set here, one whole message ending in '\n' per call.
 * NULL, the default, drops them. Returns the previous function. */
enum mb_print_level { MB_WARN, MB_INFO, MB_DEBUG };
typedef int (*mb_print_fn)(enum mb_print_level level, const char *fmt, va_list ap);
mb_print_fn mb_set_print(mb_print_fn fn);

/* Options structs (mb_open_opts, mb_attach_opts) begin with sz, the size the
 * caller was built with: set it to sizeof(the struct). A smaller sz (an older
 * caller) leaves the later fields at their defaults; a larger one is refused
 * with EINVAL unless the bytes past what this version knows are zero. */

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
/* Skip (0) or load (1) this program in mb_object_load(); default 1.
 * -EBUSY once the object is loaded. */
int mb_prog_set_autoload(struct mb_prog *prog, int load);
/* Override the type guessed from the SEC() name. -EBUSY once loaded. */
int mb_prog_set_type(struct mb_prog *prog, uint32_t prog_type, uint32_t expected_attach_type);
/* The verifier log of the last load (NULL if none was asked for or needed). */
const char *mb_prog_log(const struct mb_prog *prog);
int mb_prog_pin(struct mb_prog *prog, const char *path);

const char *mb_map_name(const struct mb_map *map);
int mb_map_fd(const struct mb_map *map);
uint32_t mb_map_type(const struct mb_map *map);
/* The sizes the map is created with (maps of maps, prog and perf event
 * arrays declared without them get libbpf's 4 bytes). */
uint32_t mb_map_key_size(const struct mb_map *map);
uint32_t mb_map_value_size(const struct mb_map *map);
uint32_t mb_map_max_entries(const struct mb_map *map);
int mb_map_pin(struct mb_map *map, const char *path);
/* After load: pin every map of the object in DIR (made if absent), each at
 * DIR/NAME, NAME the name the kernel knows it by with '.' made '_' (bpffs
 * refuses dots: "obj.data" is pinned as "obj_data"), as libbpf does. All or
 * nothing: on failure the pins this call made are removed again. A DIR that
 * is absent or empty is published whole: pinned in DIR_mbstage_PID_START_NS
 * beside it, then renamed (-EEXIST if DIR was filled meanwhile); a process
 * killed half-way leaves only that directory (see mb_pin_cleanup). Into a
 * DIR that holds pins already they are added one by one. */
int mb_object_pin_maps(struct mb_object *obj, const char *dir);
/* Remove the staging directories (NAME_mbstage_PID_START_NS) that killed
 * loaders left anywhere under DIR on a bpf filesystem, with what is pinned
 * in them (links detach); FN(CTX, PATH), if set, for each. The number
 * removed, or a negative errno (-ENOENT: no /proc to tell live owners). */
int mb_pin_cleanup(const char *dir, void (*fn)(void *ctx, const char *path), void *ctx);
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
/* After load: the map's values mmap'd (global data maps are created
 * BPF_F_MMAPABLE where the kernel allows it, 5.5+), read-write, or read-only
 * for a frozen map (.rodata). The mapping lives until mb_object_close(); a
 * second call returns the same one. NULL with errno if the map cannot be
 * mapped (not loaded, not mmapable). *size (if given): the bytes mapped. */
void *mb_map_mmap(struct mb_map *map, size_t *size);
/* Before load: the initial value of the global variable NAME (in .data,
 * .rodata, .bss or a custom data section), found through the object's BTF,
 * to read or set in place. NULL with errno if absent or already loaded. */
void *mb_object_global(struct mb_object *obj, const char *name, size_t *size);

/* Element access after load. The sizes are the caller's buffers: key_sz
 * must be the map's key size, value_sz mb_map_value_size_user(); anything
 * else is -EINVAL with a message naming the map and the size expected.
 * flags: BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK (update), 0 (others).
 * Errors are the kernel's, negative (-ENOENT: no such key). */
int mb_map_lookup_elem(const struct mb_map *map, const void *key, size_t key_sz, void *value,
		       size_t value_sz, uint64_t flags);
int mb_map_update_elem(const struct mb_map *map, const void *key, size_t key_sz,
		       const void *value, size_t value_sz, uint64_t flags);
int mb_map_delete_elem(const struct mb_map *map, const void *key, size_t key_sz, uint64_t flags);
/* KEY NULL: the first key. -ENOENT after the last. */
int mb_map_get_next_key(const struct mb_map *map, const void *key, void *next_key, size_t key_sz);
/* The bytes of one value as user space reads and writes it. Per-CPU maps
 * (percpu_array, percpu_hash, lru_percpu_hash, percpu_cgroup_storage) hold
 * one value per possible CPU, each padded to 8 bytes: CPU i's value is at
 * i * ((value_size + 7) & ~7), and this returns that stride times
 * mb_num_possible_cpus(). Other maps: mb_map_value_size(). */
size_t mb_map_value_size_user(const struct mb_map *map);
/* Possible CPUs (/sys/devices/system/cpu/possible), as the kernel counts
 * them for per-CPU values. */
int mb_num_possible_cpus(void);

/* Attach PROG the way its SEC() name says (tracepoint/CAT/NAME, raw_tp/NAME,
 * uprobe/PATH:SYM, ...). NULL with errno and mb_last_error() on failure:
 * EDESTADDRREQ if the section does not name a target (xdp, tc, cgroup...:
 * use mb_prog_attach_opts), EOPNOTSUPP for a type not attached to a hook. */
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
/* Detach (unless pinned or disconnected) and free. */
void mb_link_destroy(struct mb_link *link);
/* Let the attachment outlive the link object: mb_link_destroy() then only
 * frees it (a .struct_ops map stays registered; a bpf_link fd is still
 * closed, which ends an unpinned link all the same). */
void mb_link_disconnect(struct mb_link *link);

/* ---- struct_ops ----------------------------------------------------------
 * A variable in SEC(".struct_ops") or SEC(".struct_ops.link") of a kernel
 * struct type (struct tcp_congestion_ops, ...) is a BPF_MAP_TYPE_STRUCT_OPS
 * map; its function pointers name SEC("struct_ops/...") programs. Load builds
 * its value from the kernel's bpf_struct_ops_<name> (members matched by name,
 * sizes checked) and loads the programs for their members; nothing is
 * registered yet. mb_map_attach_struct_ops() registers it: BPF_MAP_UPDATE_ELEM
 * key 0, then for a .struct_ops.link map BPF_LINK_CREATE (a link to pin).
 * mb_link_destroy() unregisters it (deletes the element, or detaches the link
 * unless pinned). */
struct mb_link *mb_map_attach_struct_ops(struct mb_map *map);

/* Copy the kernel's trace_pipe (bpf_printk output) to OUT until *stop
 * becomes non-zero (checked every 200 ms): 0, or a negative errno. */
int mb_tracelog_stream(FILE *out, volatile int *stop);

/* ---- getting data out: ring buffers and perf buffers --------------------
 * A BPF_MAP_TYPE_RINGBUF (5.8+) or BPF_MAP_TYPE_PERF_EVENT_ARRAY streams
 * records to user space. Both readers mmap the kernel's rings, sleep in
 * epoll, and call a function per record. The map fd is not kept: it may be
 * closed after _new (a ring buffer), or after _free (a perf buffer, whose
 * slots are cleared through it). _free leaves no fd and no mapping. */

/* A record: its bytes are valid only during the call. Non-zero stops the
 * poll, which returns that value (use a negative one to tell it from a
 * count). */
typedef int (*mb_ringbuf_fn)(void *ctx, const void *data, size_t size);
struct mb_ringbuf;
/* Map a ring buffer: NULL with errno (and mb_last_error()) if MAP_FD is not
 * a ring buffer or cannot be mapped. */
struct mb_ringbuf *mb_ringbuf_new(int map_fd, mb_ringbuf_fn fn, void *ctx);
/* Another ring buffer in the same poller, with its own callback. */
int mb_ringbuf_add(struct mb_ringbuf *rb, int map_fd, mb_ringbuf_fn fn, void *ctx);
/* Wait up to timeout_ms (-1: forever, 0: not at all) for records, consume
 * what is there. Records consumed, or -errno (-EINTR when a signal came),
 * or a callback's non-zero return. */
int mb_ringbuf_poll(struct mb_ringbuf *rb, int timeout_ms);
/* Consume every ring without waiting; as mb_ringbuf_poll. */
int mb_ringbuf_consume(struct mb_ringbuf *rb);
/* The epoll fd (readable when a ring has records), for an outer event loop. */
int mb_ringbuf_epoll_fd(const struct mb_ringbuf *rb);
void mb_ringbuf_free(struct mb_ringbuf *rb);

/* A PERF_RECORD_SAMPLE's raw bytes from bpf_perf_event_output() on CPU. */
typedef int (*mb_perfbuf_sample_fn)(void *ctx, int cpu, const void *data, size_t size);
/* PERF_RECORD_LOST: COUNT samples on CPU did not fit in its ring. */
typedef void (*mb_perfbuf_lost_fn)(void *ctx, int cpu, uint64_t count);
struct mb_perfbuf;
/* One perf event (PERF_COUNT_SW_BPF_OUTPUT) per online CPU, each with a ring
 * of page_cnt pages (a power of two; 0: 8), stored in slot CPU of MAP_FD.
 * lost may be NULL. NULL with errno on failure, nothing left behind. */
struct mb_perfbuf *mb_perfbuf_new(int map_fd, size_t page_cnt, mb_perfbuf_sample_fn sample,
				  mb_perfbuf_lost_fn lost, void *ctx);
/* The same for one CPU only, stored in slot INDEX (bpftool's `cpu N index M`). */
struct mb_perfbuf *mb_perfbuf_new_cpu(int map_fd, size_t page_cnt, int cpu, uint32_t index,
				      mb_perfbuf_sample_fn sample, mb_perfbuf_lost_fn lost,
				      void *ctx);
/* As mb_ringbuf_poll / _consume / _epoll_fd; counts samples (not losses). */
int mb_perfbuf_poll(struct mb_perfbuf *pb, int timeout_ms);
int mb_perfbuf_consume(struct mb_perfbuf *pb);
int mb_perfbuf_epoll_fd(const struct mb_perfbuf *pb);
/* Clear the map slots, close the events, unmap. */
void mb_perfbuf_free(struct mb_perfbuf *pb);

#ifdef __cplusplus
}
#endif
#endif
