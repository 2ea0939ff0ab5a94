/* bpf(2), one small function per command.
 *
 * Every wrapper zeroes a union bpf_attr, fills only the fields its command
 * uses and passes a size that ends at the last of them (MB_ATTR_END). A
 * kernel copies min(size, its sizeof(attr)) bytes and rejects non-zero bytes
 * past the fields it knows, so a short size keeps us working on old kernels,
 * and covering output fields (log_true_size, next_id) is what makes the kernel
 * write them back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "syscall/bpf_sys.h"
#include "syscall/internal.h"

static unsigned long calls, mark, fail_at;
static int fail_err;
static int last_injected;   /* the last bpf() call failed by injection */

int mb_sys_fault_check(void)
{
	calls++;
	if (fail_at && calls == fail_at) {
		fail_at = 0;
		return -fail_err;
	}
	return 0;
}

unsigned long mb_sys_fail_nth(unsigned long n, int err)
{
	unsigned long since = calls - mark;

	mark = calls;
	fail_at = n ? calls + n : 0;
	fail_err = err < 0 ? -err : err;
	if (!fail_err)
		fail_err = EIO;
	return since;
}

unsigned long mb_sys_count(void)
{
	return calls;
}

int mb_fd_sanitize(int fd)
{
	int nfd;

	if (fd < 0 || fd > 2)
		return fd;
	/* 0..2 are free only when the caller closed stdio. A bpf fd there
	 * would be read as "none" by the kernel (fd 0) or clobbered by stdio. */
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0)
		nfd = -errno;
	close(fd);
	return nfd;
}

int mb_sys_dup(int fd)
{
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	return nfd < 0 ? -errno : nfd;
}

char *mb_str_find(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay || !n; hay++)
		if (!n || (*hay == *needle && !strncmp(hay, needle, n)))
			return (char *)hay;
	return NULL;
}

void mb_close(int fd)
{
	int e = errno;

	if (fd < 3)
		return;
	mb_trace_forget(fd);
	close(fd);
	errno = e;
}

/* Commands whose result is a new fd. */
static int returns_fd(int cmd)
{
	switch (cmd) {
	case BPF_MAP_CREATE: case BPF_PROG_LOAD: case BPF_OBJ_GET:
	case BPF_PROG_GET_FD_BY_ID: case BPF_MAP_GET_FD_BY_ID:
	case BPF_BTF_GET_FD_BY_ID: case BPF_LINK_GET_FD_BY_ID:
	case BPF_RAW_TRACEPOINT_OPEN: case BPF_BTF_LOAD: case BPF_LINK_CREATE:
	case BPF_ITER_CREATE: case MB_BPF_TOKEN_CREATE:
		return 1;
	}
	return 0;
}

/* The single entry point: fault injection, the call, fd hygiene, tracing.
 * New fds need no O_CLOEXEC fixing: the kernel creates every bpf fd (map,
 * prog, link, BTF, iterator, OBJ_GET) with O_CLOEXEC. Only the number can be
 * wrong (0..2 when the caller closed stdio); mb_fd_sanitize moves it. */
static long sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	struct timespec t0 = {0}, t1 = {0};
	int tracing = mb_trace_enabled();
	int err = 0;
	long ret;

	last_injected = 0;
	err = mb_sys_fault_check();
	if (err) {
		last_injected = 1;
		ret = err;
	} else {
		if (tracing)
			clock_gettime(CLOCK_MONOTONIC, &t0);
		ret = syscall(__NR_bpf, cmd, attr, size);
		if (tracing)
			clock_gettime(CLOCK_MONOTONIC, &t1);
		if (ret < 0)
			ret = -errno;
		else if (returns_fd(cmd))
			ret = mb_fd_sanitize((int)ret);
	}
	if (tracing)
		mb_trace_bpf(cmd, attr, size, ret, last_injected,
			     (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec));
	return ret;
}

static void put32(union mb_attr *u, size_t off, uint32_t v)
{
	memcpy(u->b + off, &v, sizeof(v));
}

static void put64(union mb_attr *u, size_t off, uint64_t v)
{
	memcpy(u->b + off, &v, sizeof(v));
}

/* ---- maps ---------------------------------------------------------------- */

/* BPF_MAP_CREATE: a new map; the fd is its only handle until it is pinned or
 * a loaded program references it. */
int mb_sys_map_create(const struct mb_map_create_args *a)
{
	union bpf_attr attr;
	unsigned int size = MB_ATTR_END(btf_vmlinux_value_type_id);

	memset(&attr, 0, sizeof(attr));
	attr.map_type = a->map_type;
	attr.key_size = a->key_size;
	attr.value_size = a->value_size;
	attr.max_entries = a->max_entries;
	attr.map_flags = a->map_flags;
	if (a->inner_map_fd > 0)
		attr.inner_map_fd = a->inner_map_fd;
	attr.numa_node = a->numa_node;
	if (a->name)
		strncpy(attr.map_name, a->name, sizeof(attr.map_name) - 1);
	attr.map_ifindex = a->map_ifindex;
	if (a->btf_fd > 0)
		attr.btf_fd = a->btf_fd;
	attr.btf_key_type_id = a->btf_key_type_id;
	attr.btf_value_type_id = a->btf_value_type_id;
	attr.btf_vmlinux_value_type_id = a->btf_vmlinux_value_type_id;   /* struct_ops */
	if (a->map_extra) {          /* 5.16 */
		attr.map_extra = a->map_extra;
		size = MB_ATTR_END(map_extra);
	}
	return (int)sys_bpf(BPF_MAP_CREATE, &attr, size);
}

/* LOOKUP/UPDATE: key and value are pointers into our memory; the kernel
 * copies key_size and value_size bytes (per-CPU maps: one 8-byte aligned value
 * per possible CPU). */
static int map_elem(int cmd, int map_fd, const void *key, void *value, uint64_t flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map_fd;
	attr.key = mb_ptr(key);
	attr.value = mb_ptr(value);
	attr.flags = flags;
	return (int)sys_bpf(cmd, &attr, MB_ATTR_END(flags));
}

int mb_sys_map_lookup(int map_fd, const void *key, void *value, uint64_t flags)
{
	return map_elem(BPF_MAP_LOOKUP_ELEM, map_fd, key, value, flags);
}

/* Queue/stack pop (key NULL); hash maps since 5.14. */
int mb_sys_map_lookup_and_delete(int map_fd, const void *key, void *value)
{
	return map_elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, map_fd, key, value, 0);
}

int mb_sys_map_update(int map_fd, const void *key, const void *value, uint64_t flags)
{
	return map_elem(BPF_MAP_UPDATE_ELEM, map_fd, key, (void *)value, flags);
}

int mb_sys_map_delete(int map_fd, const void *key)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map_fd;
	attr.key = mb_ptr(key);
	return (int)sys_bpf(BPF_MAP_DELETE_ELEM, &attr, MB_ATTR_END(key));
}

int mb_sys_map_get_next_key(int map_fd, const void *key, void *next_key)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map_fd;
	attr.key = mb_ptr(key);
	attr.next_key = mb_ptr(next_key);
	return (int)sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr, MB_ATTR_END(next_key));
}

/* BPF_MAP_FREEZE (5.2): no more writes from user space; what lets the
 * verifier treat .rodata as constants. */
int mb_sys_map_freeze(int map_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map_fd;
	return (int)sys_bpf(BPF_MAP_FREEZE, &attr, MB_ATTR_END(map_fd));
}

/* ---- programs ------------------------------------------------------------ */

/* Keep a map alive with a program that does not reference it (5.10+): libbpf
 * binds .rodata to every program so tools can read bpf_metadata_* from it. */
int mb_sys_prog_bind_map(int prog_fd, int map_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_bind_map.prog_fd = prog_fd;
	attr.prog_bind_map.map_fd = map_fd;
	return (int)sys_bpf(BPF_PROG_BIND_MAP, &attr, MB_ATTR_END(prog_bind_map.flags));
}

/* BPF_PROG_LOAD: the verifier checks the instructions, the JIT compiles them.
 * The fd keeps the program alive until it is attached or pinned. */
int mb_sys_prog_load(struct mb_prog_load_args *a)
{
	union mb_attr u;
	union bpf_attr *attr = &u.a;
	unsigned int size = MB_ATTR_END(fd_array);
	uint32_t true_size = 0;
	int fd;

	memset(&u, 0, sizeof(u));
	attr->prog_type = a->prog_type;
	attr->expected_attach_type = a->expected_attach_type;
	attr->insns = mb_ptr(a->insns);
	attr->insn_cnt = a->insn_cnt;
	attr->license = mb_ptr(a->license ? a->license : "");
	attr->kern_version = a->kern_version;
	attr->prog_flags = a->prog_flags;
	if (a->name)
		strncpy(attr->prog_name, a->name, sizeof(attr->prog_name) - 1);
	attr->prog_ifindex = a->prog_ifindex;
	attr->attach_btf_id = a->attach_btf_id;
	/* One field, two meanings: the kernel tries a prog fd, then a BTF fd. */
	if (a->attach_prog_fd > 0)
		attr->attach_prog_fd = a->attach_prog_fd;
	else if (a->attach_btf_obj_fd > 0)
		attr->attach_btf_obj_fd = a->attach_btf_obj_fd;
	if (a->prog_btf_fd > 0)
		attr->prog_btf_fd = a->prog_btf_fd;
	/* Passed as given: without prog_btf_fd the kernel says why it refuses. */
	attr->func_info = mb_ptr(a->func_info);
	attr->func_info_rec_size = a->func_info_rec_size;
	attr->func_info_cnt = a->func_info_cnt;
	attr->line_info = mb_ptr(a->line_info);
	attr->line_info_rec_size = a->line_info_rec_size;
	attr->line_info_cnt = a->line_info_cnt;
	attr->fd_array = mb_ptr(a->fd_array);
	if (a->log_level && a->log_buf && a->log_size) {
		attr->log_level = a->log_level;
		attr->log_buf = mb_ptr(a->log_buf);
		attr->log_size = a->log_size;
		/* 6.4+ writes the size the whole log needs here; older
		 * kernels accept the zero word and leave it alone. */
		size = MB_ATTR_PROG_LOG_TRUE_SIZE + 4;
	}
	fd = (int)sys_bpf(BPF_PROG_LOAD, attr, size);
	if (size > MB_ATTR_PROG_LOG_TRUE_SIZE)
		memcpy(&true_size, u.b + MB_ATTR_PROG_LOG_TRUE_SIZE, 4);
	a->log_true_size = true_size;
	return fd;
}

/* A load that takes a verifier log: prog or BTF. once() makes one attempt with
 * the given log buffer and reports the size the kernel wanted (0: unknown). */
typedef int (*load_once_fn)(void *ctx, uint32_t level, char *buf, uint32_t size,
			    uint32_t *true_size);

uint32_t mb_sys_log_start = 16 * 1024;
#define LOG_MAX (UINT32_MAX >> 2)   /* the kernel's limit on log_size */

static int load_with_log(load_once_fn once, void *ctx, uint32_t level,
			 int keep_on_success, char **log)
{
	uint32_t size = mb_sys_log_start < 128 ? 128 : mb_sys_log_start;
	uint32_t true_size = 0;
	char *buf = NULL, *nbuf;
	int eagain = 0, err;

	*log = NULL;
	for (;;) {
		if (level && !buf) {
			/* zeroed: tools like valgrind cannot see the kernel write it */
			buf = calloc(1, size);
			if (!buf)
				return -ENOMEM;
		}
		err = once(ctx, level, level ? buf : NULL, level ? size : 0, &true_size);
		if (err == -EAGAIN && !last_injected && ++eagain < 5)
			continue;   /* the verifier was interrupted by a signal */
		if (err >= 0 || last_injected)
			break;
		if (!level) {
			/* Load again with a log to learn the reason. */
			level = 1;
			continue;
		}
		if (err != -ENOSPC || size >= LOG_MAX)
			break;
		size = true_size > size ? true_size : (size > LOG_MAX / 2 ? LOG_MAX : size * 2);
		nbuf = realloc(buf, size);
		if (!nbuf) {
			free(buf);
			return -ENOMEM;
		}
		buf = nbuf;
		memset(buf, 0, size);
	}
	if (buf && buf[0] && (err < 0 || keep_on_success)) {
		buf[size - 1] = 0;
		*log = buf;
	} else {
		free(buf);
	}
	return err;
}

static int prog_once(void *ctx, uint32_t level, char *buf, uint32_t size, uint32_t *true_size)
{
	struct mb_prog_load_args *a = ctx;
	int fd;

	a->log_level = level;
	a->log_buf = buf;
	a->log_size = size;
	fd = mb_sys_prog_load(a);
	*true_size = a->log_true_size;
	return fd;
}

int mb_prog_load_log(struct mb_prog_load_args *a, char **log)
{
	struct mb_prog_load_args t = *a;
	int fd;

	fd = load_with_log(prog_once, &t, a->log_level, a->log_level > 0, log);
	a->log_true_size = t.log_true_size;
	return fd;
}

int mb_sys_prog_test_run(int prog_fd, const void *data_in, uint32_t data_size_in,
			 void *data_out, uint32_t *data_size_out,
			 const void *ctx_in, uint32_t ctx_size_in,
			 void *ctx_out, uint32_t *ctx_size_out,
			 uint32_t repeat, uint32_t flags,
			 uint32_t *retval, uint32_t *duration_ns)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = prog_fd;
	attr.test.data_in = mb_ptr(data_in);
	attr.test.data_size_in = data_size_in;
	attr.test.data_out = mb_ptr(data_out);
	attr.test.data_size_out = data_size_out ? *data_size_out : 0;
	attr.test.ctx_in = mb_ptr(ctx_in);
	attr.test.ctx_size_in = ctx_size_in;
	attr.test.ctx_out = mb_ptr(ctx_out);
	attr.test.ctx_size_out = ctx_size_out ? *ctx_size_out : 0;
	attr.test.repeat = repeat;
	attr.test.flags = flags;
	err = (int)sys_bpf(BPF_PROG_TEST_RUN, &attr, MB_ATTR_END(test.flags));
	/* The kernel reports the real output sizes also on ENOSPC. */
	if (data_size_out)
		*data_size_out = attr.test.data_size_out;
	if (ctx_size_out)
		*ctx_size_out = attr.test.ctx_size_out;
	if (retval)
		*retval = attr.test.retval;
	if (duration_ns)
		*duration_ns = attr.test.duration;
	return err;
}

/* ---- BTF ----------------------------------------------------------------- */

struct btf_ctx {
	const void *data;
	uint32_t size;
};

static int btf_once(void *ctx, uint32_t level, char *buf, uint32_t size, uint32_t *true_size)
{
	struct btf_ctx *c = ctx;
	union mb_attr u;
	unsigned int asz = MB_ATTR_END(btf_log_level);
	int fd;

	memset(&u, 0, sizeof(u));
	u.a.btf = mb_ptr(c->data);
	u.a.btf_size = c->size;
	if (level && buf) {
		u.a.btf_log_level = level;
		u.a.btf_log_buf = mb_ptr(buf);
		u.a.btf_log_size = size;
		asz = MB_ATTR_BTF_LOG_TRUE_SIZE + 4;   /* 6.4+ writes it */
	}
	fd = (int)sys_bpf(BPF_BTF_LOAD, &u.a, asz);
	*true_size = 0;
	if (asz > MB_ATTR_BTF_LOG_TRUE_SIZE)
		memcpy(true_size, u.b + MB_ATTR_BTF_LOG_TRUE_SIZE, 4);
	return fd;
}

int mb_sys_btf_load(const void *data, uint32_t size, char **log)
{
	struct btf_ctx c = { data, size };
	char *l = NULL;
	int fd;

	fd = load_with_log(btf_once, &c, 0, 0, &l);
	if (log)
		*log = l;
	else
		free(l);
	return fd;
}

/* ---- bpffs --------------------------------------------------------------- */

/* BPF_OBJ_PIN: give an object a name in bpffs so it outlives the process. */
int mb_sys_obj_pin(int fd, const char *path)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = mb_ptr(path);
	attr.bpf_fd = fd;
	return (int)sys_bpf(BPF_OBJ_PIN, &attr, MB_ATTR_END(file_flags));
}

/* BPF_OBJ_GET: a new fd for a pinned object (file_flags: BPF_F_RDONLY...). */
int mb_sys_obj_get(const char *path, uint32_t file_flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = mb_ptr(path);
	attr.file_flags = file_flags;
	return (int)sys_bpf(BPF_OBJ_GET, &attr, MB_ATTR_END(file_flags));
}

/* ---- attach -------------------------------------------------------------- */

static int is_ifindex_target(uint32_t t)
{
	return t == BPF_XDP || t == MB_BPF_TCX_INGRESS || t == MB_BPF_TCX_EGRESS ||
	       t == MB_BPF_NETKIT_PRIMARY || t == MB_BPF_NETKIT_PEER;
}

/* BPF_LINK_CREATE (5.7): attach as a link object: detached when the last fd
 * closes, unless pinned. */
int mb_sys_link_create(const struct mb_link_create_args *a)
{
	union mb_attr u;
	union bpf_attr *attr = &u.a;
	unsigned int size = MB_ATTR_END(link_create.flags);
	union bpf_iter_link_info iter;
	uint32_t t = a->attach_type;

	memset(&u, 0, sizeof(u));
	attr->link_create.prog_fd = a->prog_fd;
	if (a->target_ifindex || is_ifindex_target(t))
		attr->link_create.target_ifindex = a->target_ifindex;
	else
		attr->link_create.target_fd = a->target_fd;
	attr->link_create.attach_type = t;
	attr->link_create.flags = a->flags;
	/* The rest is a union: which member depends on the attach type. */
	if (t == BPF_PERF_EVENT && a->perf_bpf_cookie) {
		attr->link_create.perf_event.bpf_cookie = a->perf_bpf_cookie;
		size = MB_ATTR_END(link_create.perf_event.bpf_cookie);
	} else if (t == BPF_TRACE_ITER && a->iter_info_map_fd) {
		memset(&iter, 0, sizeof(iter));
		iter.map.map_fd = a->iter_info_map_fd;
		attr->link_create.iter_info = mb_ptr(&iter);
		attr->link_create.iter_info_len = sizeof(iter);
		size = MB_ATTR_END(link_create.iter_info_len);
	} else if (t == MB_BPF_TCX_INGRESS || t == MB_BPF_TCX_EGRESS ||
		   t == MB_BPF_NETKIT_PRIMARY || t == MB_BPF_NETKIT_PEER) {
		if (a->relative_fd || a->expected_revision) {
			put32(&u, MB_ATTR_TCX_RELATIVE_FD, a->relative_fd);
			put64(&u, MB_ATTR_TCX_EXP_REVISION, a->expected_revision);
			size = MB_ATTR_TCX_EXP_REVISION + 8;
		}
	} else if (a->tracing_cookie) {
		attr->link_create.tracing.target_btf_id = a->target_btf_id;
		attr->link_create.tracing.cookie = a->tracing_cookie;
		size = MB_ATTR_END(link_create.tracing.cookie);
	} else if (a->target_btf_id) {
		attr->link_create.target_btf_id = a->target_btf_id;
		size = MB_ATTR_END(link_create.target_btf_id);
	}
	return (int)sys_bpf(BPF_LINK_CREATE, attr, size);
}

int mb_sys_link_update(int link_fd, int new_prog_fd, int old_prog_fd, uint32_t flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_update.link_fd = link_fd;
	attr.link_update.new_prog_fd = new_prog_fd;
	attr.link_update.flags = flags;
	if (old_prog_fd > 0)
		attr.link_update.old_prog_fd = old_prog_fd;
	return (int)sys_bpf(BPF_LINK_UPDATE, &attr, MB_ATTR_END(link_update.old_prog_fd));
}

int mb_sys_link_detach(int link_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_detach.link_fd = link_fd;
	return (int)sys_bpf(BPF_LINK_DETACH, &attr, MB_ATTR_END(link_detach.link_fd));
}

int mb_sys_raw_tracepoint_open(const char *name, int prog_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = mb_ptr(name);
	attr.raw_tracepoint.prog_fd = prog_fd;
	return (int)sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr,
			    MB_ATTR_END(raw_tracepoint.prog_fd));
}

int mb_sys_iter_create(int link_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.iter_create.link_fd = link_fd;
	return (int)sys_bpf(BPF_ITER_CREATE, &attr, MB_ATTR_END(iter_create.flags));
}

/* BPF_PROG_ATTACH: the older way (cgroups, sockmap, flow dissector...): the
 * attachment stays until PROG_DETACH, whatever happens to our fds. */
int mb_sys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type, uint32_t flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = target_fd;
	attr.attach_bpf_fd = prog_fd;
	attr.attach_type = attach_type;
	attr.attach_flags = flags;
	return (int)sys_bpf(BPF_PROG_ATTACH, &attr, MB_ATTR_END(attach_flags));
}

int mb_sys_prog_detach(int prog_fd, int target_fd, uint32_t attach_type)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = target_fd;
	if (prog_fd > 0)
		attr.attach_bpf_fd = prog_fd;
	attr.attach_type = attach_type;
	return (int)sys_bpf(BPF_PROG_DETACH, &attr, MB_ATTR_END(attach_type));
}

int mb_sys_prog_query(int target_fd, uint32_t attach_type, uint32_t query_flags,
		      uint32_t *attach_flags, uint32_t *prog_ids, uint32_t *cnt)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = target_fd;
	attr.query.attach_type = attach_type;
	attr.query.query_flags = query_flags;
	attr.query.prog_ids = mb_ptr(prog_ids);
	attr.query.prog_cnt = prog_ids && cnt ? *cnt : 0;
	err = (int)sys_bpf(BPF_PROG_QUERY, &attr, MB_ATTR_END(query.prog_cnt));
	/* On ENOSPC the kernel still reports how many are attached. */
	if (attach_flags)
		*attach_flags = attr.query.attach_flags;
	if (cnt)
		*cnt = attr.query.prog_cnt;
	return err;
}

/* ---- introspection ------------------------------------------------------- */

/* BPF_OBJ_GET_INFO_BY_FD: struct bpf_{prog,map,btf,link}_info by the fd's
 * kind. A shorter info_len than the kernel's struct is fine (it copies what
 * fits); pointer fields in info ask for arrays (xlated insns, map ids). */
int mb_sys_obj_get_info_by_fd(int fd, void *info, uint32_t *info_len)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = *info_len;
	attr.info.info = mb_ptr(info);
	err = (int)sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, MB_ATTR_END(info.info));
	if (!err)
		*info_len = attr.info.info_len;
	return err;
}

int mb_sys_get_next_id(int which, uint32_t start_id, uint32_t *next_id)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = start_id;
	err = (int)sys_bpf(which, &attr, MB_ATTR_END(next_id));
	if (!err)
		*next_id = attr.next_id;
	return err;
}

int mb_sys_get_fd_by_id(int which, uint32_t id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;   /* prog_id, map_id, btf_id, link_id: one field */
	return (int)sys_bpf(which, &attr, MB_ATTR_END(prog_id));
}
