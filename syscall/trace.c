/* The --trace decoder: one strace-like line per syscall, with bpf_attr
 * decoded field by field and fds annotated with what they are:
 *
 *   bpf(BPF_MAP_CREATE, map_type=HASH key_size=4 value_size=8 max_entries=1024 map_name="counts") = 4<map:counts> <0.021 ms>
 *   bpf(BPF_MAP_UPDATE_ELEM, map_fd=4<map:counts> key=00 00 00 00 value=01 00 00 00 00 00 00 00 flags=BPF_ANY) = 0 <0.003 ms>
 *   bpf(BPF_PROG_LOAD, prog_type=XDP insn_cnt=2 license="GPL" log_level=0) = -1 EACCES (Permission denied) [verifier log: 312 bytes] <0.1 ms>
 *
 * Fields are printed in the order of union bpf_attr, as name=value; optional
 * fields only when set. Values the kernel writes back (next_id, retval, a
 * looked-up value) are shown as they are after the call.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"
#include "syscall/internal.h"

#if MB_TRACE     /* the whole file: without it, bpf_sys.h has no-op hooks */

static FILE *trace_out;
static int timing = 1;

void mb_trace_timing_set(int on)
{
	timing = on;
}

void mb_trace_set(FILE *out)
{
	trace_out = out;
}

int mb_trace_enabled(void)
{
	return trace_out != NULL;
}

/* ---- flag names (the enums' names are in names.c) ------------------------ */
/* One name per bit from bit 0; "" for a bit without a name. */
static const char map_flag_names[] =
	"NO_PREALLOC\0NO_COMMON_LRU\0NUMA_NODE\0RDONLY\0WRONLY\0STACK_BUILD_ID\0"
	"ZERO_SEED\0RDONLY_PROG\0WRONLY_PROG\0CLONE\0MMAPABLE\0PRESERVE_ELEMS\0"
	"INNER_MAP\0LINK\0PATH_FD\0VTYPE_BTF_OBJ_FD\0TOKEN_FD\0SEGV_ON_FAULT\0"
	"NO_USER_CONV\0";
static const char prog_flag_names[] =
	"STRICT_ALIGNMENT\0ANY_ALIGNMENT\0TEST_RND_HI32\0TEST_STATE_FREQ\0"
	"SLEEPABLE\0XDP_HAS_FRAGS\0XDP_DEV_BOUND_ONLY\0TEST_REG_INVARIANTS\0";
static const char attach_flag_names[] =
	"ALLOW_OVERRIDE\0ALLOW_MULTI\0REPLACE\0BEFORE\0AFTER\0ID\0";
static const char test_flag_names[] =
	"TEST_RUN_ON_CPU\0TEST_XDP_LIVE_FRAMES\0TEST_SKB_CHECKSUM_COMPLETE\0";

/* ---- fd names ------------------------------------------------------------ */

struct fdname {
	int fd;
	uint32_t type, key_size, value_size;
	char kind[8];
	char name[48];
};
static struct fdname *fdtab;
static size_t nfd, capfd;

static struct fdname *fd_find(int fd)
{
	size_t i;

	for (i = 0; i < nfd; i++)
		if (fdtab[i].fd == fd)
			return &fdtab[i];
	return NULL;
}

static struct fdname *fd_add(int fd, const char *kind, const char *name)
{
	struct fdname *e = fd_find(fd);

	if (!e) {
		if (nfd == capfd) {
			size_t ncap = capfd ? capfd * 2 : 16;
			struct fdname *t = realloc(fdtab, ncap * sizeof(*t));

			if (!t)
				return NULL;
			fdtab = t;
			capfd = ncap;
		}
		e = &fdtab[nfd++];
		memset(e, 0, sizeof(*e));
		e->fd = fd;
	}
	if (strcmp(e->kind, kind)) {
		e->type = e->key_size = e->value_size = 0;
		snprintf(e->kind, sizeof(e->kind), "%s", kind);
	}
	snprintf(e->name, sizeof(e->name), "%s", name ? name : "");
	return e;
}

void mb_trace_name_fd(int fd, const char *kind, const char *name)
{
	/* Names matter only to trace lines: with tracing off, keep no table
	 * (an fd named later is resolved from the kernel by fd_resolve()). */
	if (trace_out && fd >= 0 && kind)
		fd_add(fd, kind, name);
}

void mb_trace_forget(int fd)
{
	struct fdname *e = fd_find(fd);

	if (e)
		*e = fdtab[--nfd];
}

/* An fd we were not told about: ask the kernel what it is. These lookups are
 * raw syscalls, neither traced nor counted for fault injection. */
static struct fdname *fd_resolve(int fd)
{
	struct fdname *e = fd_find(fd);
	char path[64], link[64];
	union bpf_attr attr;
	struct bpf_map_info mi;
	struct bpf_prog_info pi;
	ssize_t n;

	if (e || fd < 0)
		return e;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return NULL;
	link[n] = 0;
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	if (!strcmp(link, "anon_inode:bpf-map")) {
		memset(&mi, 0, sizeof(mi));
		attr.info.info_len = sizeof(mi);
		attr.info.info = mb_ptr(&mi);
		if (syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, MB_ATTR_END(info.info)))
			return NULL;
		e = fd_add(fd, "map", mi.name);
		if (e) {
			e->type = mi.type;
			e->key_size = mi.key_size;
			e->value_size = mi.value_size;
		}
	} else if (!strcmp(link, "anon_inode:bpf-prog")) {
		memset(&pi, 0, sizeof(pi));
		attr.info.info_len = sizeof(pi);
		attr.info.info = mb_ptr(&pi);
		if (syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, MB_ATTR_END(info.info)))
			return NULL;
		e = fd_add(fd, "prog", pi.name);
		if (e)
			e->type = pi.type;
	} else if (!strcmp(link, "anon_inode:bpf_link")) {
		e = fd_add(fd, "link", "");
	} else if (!strcmp(link, "anon_inode:btf")) {
		e = fd_add(fd, "btf", "");
	}
	return e;
}

/* ---- the line -------------------------------------------------------------- */

struct line {
	char buf[1024];
	size_t len;
	int nfields;
};

static void add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
	if (l->len >= sizeof(l->buf))
		l->len = sizeof(l->buf) - 1;
}

/* Start a new "name=" field. */
static void field(struct line *l, const char *name)
{
	add(l, "%s%s=", l->nfields++ ? " " : ", ", name);
}

static void fu32(struct line *l, const char *name, uint32_t v)
{
	field(l, name);
	add(l, "%u", v);
}

static void opt_u32(struct line *l, const char *name, uint32_t v)
{
	if (v)
		fu32(l, name, v);
}

/* fd 5<map:counts>; other files as strace -y shows them: 7</sys/fs/cgroup/x> */
static void put_fd(struct line *l, int fd)
{
	struct fdname *e = fd_resolve(fd);
	char path[32], target[256];
	ssize_t n;

	add(l, "%d", fd);
	if (e) {
		add(l, e->name[0] ? "<%s:%s>" : "<%s>", e->kind, e->name);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = fd >= 0 ? readlink(path, target, sizeof(target) - 1) : -1;
	if (n > 0)
		add(l, "<%.*s>", (int)n, target);
}

char *mb_trace_fd_format(int fd, char *buf, size_t len)
{
	int saved = errno;   /* fd lookups make syscalls */
	struct line l;

	l.len = 0;
	l.nfields = 0;
	l.buf[0] = 0;
	put_fd(&l, fd);
	if (len)
		snprintf(buf, len, "%s", l.buf);
	errno = saved;
	return buf;
}

static void ffd(struct line *l, const char *name, uint32_t fd)
{
	field(l, name);
	put_fd(l, (int)fd);
}

static void opt_fd(struct line *l, const char *name, uint32_t fd)
{
	if (fd)
		ffd(l, name, fd);
}

static void fenum(struct line *l, const char *name, enum mb_enum_kind k, uint32_t v)
{
	const char *s = mb_enum_name(k, v);

	field(l, name);
	if (s)
		add(l, "%s", s);
	else
		add(l, "%u", v);
}

static void fflags(struct line *l, const char *name, const char *names, uint64_t v)
{
	const char *s;
	int bit, first = 1;

	field(l, name);
	if (!v) {
		add(l, "0");
		return;
	}
	for (bit = 0; bit < 64; bit++) {
		if (!(v >> bit & 1))
			continue;
		s = mb_names_nth(names, (uint32_t)bit);
		if (!s)
			break;
		add(l, "%s%s", first ? "" : "|", s);
		first = 0;
		v &= ~(1ULL << bit);
	}
	if (v)
		add(l, "%s0x%llx", first ? "" : "|", (unsigned long long)v);
}

static void opt_flags(struct line *l, const char *name, const char *names, uint64_t v)
{
	if (v)
		fflags(l, name, names, v);
}

/* A string from our own memory: quoted, escaped, cut at max. */
static void fstr(struct line *l, const char *name, const char *s, size_t max)
{
	size_t i;

	field(l, name);
	if (!s) {
		add(l, "NULL");
		return;
	}
	add(l, "\"");
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			add(l, "\\%c", c);
		else if (isprint(c))
			add(l, "%c", c);
		else
			add(l, "\\x%02x", c);
	}
	add(l, i == max && s[i] ? "\"..." : "\"");
}

/* Key and value bytes in hex, cut after 16 bytes. */
#define HEX_MAX 16
static void fbytes(struct line *l, const char *name, uint64_t ptr, uint32_t size, int more)
{
	const unsigned char *p = (const unsigned char *)(uintptr_t)ptr;
	uint32_t i;

	field(l, name);
	if (!ptr) {
		add(l, "NULL");
		return;
	}
	if (!size) {   /* the map's sizes are unknown: show the address */
		add(l, "0x%llx", (unsigned long long)ptr);
		return;
	}
	for (i = 0; i < size && i < HEX_MAX; i++)
		add(l, i ? " %02x" : "%02x", p[i]);
	if (size > HEX_MAX || more)
		add(l, " ...");
}

static int is_percpu(uint32_t t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

static void felem_flags(struct line *l, uint64_t f)
{
	static const char *const kinds[] = { "BPF_ANY", "BPF_NOEXIST", "BPF_EXIST", "3" };

	field(l, "flags");
	add(l, "%s", kinds[f & 3]);
	if (f & BPF_F_LOCK)
		add(l, "|BPF_F_LOCK");
	if (f & ~7ULL)
		add(l, "|0x%llx", (unsigned long long)(f & ~7ULL));
}

static void decode_elem(struct line *l, int cmd, const union bpf_attr *a, long ret)
{
	struct fdname *m = fd_resolve((int)a->map_fd);
	uint32_t ks = 0, vs = 0;
	int pc = 0;

	if (m && !strcmp(m->kind, "map")) {
		ks = m->key_size;
		vs = m->value_size;
		pc = is_percpu(m->type);
	}
	ffd(l, "map_fd", a->map_fd);
	if (cmd != BPF_MAP_LOOKUP_ELEM || a->key || ks)
		fbytes(l, "key", a->key, ks, 0);
	switch (cmd) {
	case BPF_MAP_LOOKUP_ELEM:
		if (ret >= 0)
			fbytes(l, pc ? "value[cpu0]" : "value", a->value, vs, pc);
		if (a->flags)
			felem_flags(l, a->flags);
		break;
	case BPF_MAP_UPDATE_ELEM:
		fbytes(l, pc ? "value[cpu0]" : "value", a->value, vs, pc);
		felem_flags(l, a->flags);
		break;
	case BPF_MAP_GET_NEXT_KEY:
		if (ret >= 0)
			fbytes(l, "next_key", a->next_key, ks, 0);
		break;
	}
}

static void decode_map_create(struct line *l, const union bpf_attr *a)
{
	fenum(l, "map_type", MB_ENUM_MAP_TYPE, a->map_type);
	fu32(l, "key_size", a->key_size);
	fu32(l, "value_size", a->value_size);
	fu32(l, "max_entries", a->max_entries);
	opt_flags(l, "map_flags", map_flag_names, a->map_flags);
	opt_fd(l, "inner_map_fd", a->inner_map_fd);
	if (a->map_flags & BPF_F_NUMA_NODE)
		fu32(l, "numa_node", a->numa_node);
	if (a->map_name[0])
		fstr(l, "map_name", a->map_name, sizeof(a->map_name));
	opt_u32(l, "map_ifindex", a->map_ifindex);
	opt_fd(l, "btf_fd", a->btf_fd);
	opt_u32(l, "btf_key_type_id", a->btf_key_type_id);
	opt_u32(l, "btf_value_type_id", a->btf_value_type_id);
	opt_u32(l, "btf_vmlinux_value_type_id", a->btf_vmlinux_value_type_id);
	if (a->map_extra) {
		field(l, "map_extra");
		add(l, "0x%llx", (unsigned long long)a->map_extra);
	}
}

static void decode_prog_load(struct line *l, const union bpf_attr *a)
{
	fenum(l, "prog_type", MB_ENUM_PROG_TYPE, a->prog_type);
	/* struct_ops: the index of the member the program implements */
	if (a->prog_type == BPF_PROG_TYPE_STRUCT_OPS)
		fu32(l, "expected_attach_type", a->expected_attach_type);
	else if (a->expected_attach_type)
		fenum(l, "expected_attach_type", MB_ENUM_ATTACH_TYPE, a->expected_attach_type);
	fu32(l, "insn_cnt", a->insn_cnt);
	fstr(l, "license", (const char *)(uintptr_t)a->license, 64);
	if (a->prog_name[0])
		fstr(l, "prog_name", a->prog_name, sizeof(a->prog_name));
	opt_flags(l, "prog_flags", prog_flag_names, a->prog_flags);
	opt_u32(l, "kern_version", a->kern_version);
	opt_u32(l, "prog_ifindex", a->prog_ifindex);
	fu32(l, "log_level", a->log_level);
	opt_u32(l, "log_size", a->log_size);
	opt_fd(l, "prog_btf_fd", a->prog_btf_fd);
	opt_u32(l, "func_info_cnt", a->func_info_cnt);
	opt_u32(l, "line_info_cnt", a->line_info_cnt);
	opt_u32(l, "attach_btf_id", a->attach_btf_id);
	opt_fd(l, "attach_fd", a->attach_prog_fd);
	if (a->fd_array) {
		field(l, "fd_array");
		add(l, "0x%llx", (unsigned long long)a->fd_array);
	}
}

static void decode_link_create(struct line *l, const union bpf_attr *a, unsigned int size)
{
	uint32_t t = a->link_create.attach_type;
	uint32_t rel;

	ffd(l, t == MB_BPF_STRUCT_OPS ? "map_fd" : "prog_fd", a->link_create.prog_fd);
	if (t == BPF_XDP || t == MB_BPF_TCX_INGRESS || t == MB_BPF_TCX_EGRESS ||
	    t == MB_BPF_NETKIT_PRIMARY || t == MB_BPF_NETKIT_PEER)
		fu32(l, "target_ifindex", a->link_create.target_ifindex);
	else
		opt_fd(l, "target_fd", a->link_create.target_fd);
	fenum(l, "attach_type", MB_ENUM_ATTACH_TYPE, t);
	opt_flags(l, "flags", attach_flag_names, a->link_create.flags);
	if (size <= MB_ATTR_END(link_create.flags))
		return;
	if (t == BPF_PERF_EVENT) {
		field(l, "bpf_cookie");
		add(l, "0x%llx", (unsigned long long)a->link_create.perf_event.bpf_cookie);
	} else if (t == BPF_TRACE_ITER) {
		const union bpf_iter_link_info *it =
			(const void *)(uintptr_t)a->link_create.iter_info;

		if (it && a->link_create.iter_info_len >= sizeof(it->map.map_fd))
			ffd(l, "iter_map_fd", it->map.map_fd);
	} else if (t == MB_BPF_TCX_INGRESS || t == MB_BPF_TCX_EGRESS ||
		   t == MB_BPF_NETKIT_PRIMARY || t == MB_BPF_NETKIT_PEER) {
		uint64_t rev;

		memcpy(&rel, (const char *)a + MB_ATTR_TCX_RELATIVE_FD, 4);
		memcpy(&rev, (const char *)a + MB_ATTR_TCX_EXP_REVISION, 8);
		opt_u32(l, "relative_fd", rel);
		if (rev) {
			field(l, "expected_revision");
			add(l, "%llu", (unsigned long long)rev);
		}
	} else {
		opt_u32(l, "target_btf_id", a->link_create.target_btf_id);
		if (size >= MB_ATTR_END(link_create.tracing.cookie) &&
		    a->link_create.tracing.cookie) {
			field(l, "cookie");
			add(l, "0x%llx", (unsigned long long)a->link_create.tracing.cookie);
		}
	}
}

static void decode_info(struct line *l, const union bpf_attr *a, long ret)
{
	const uint32_t *p = (const uint32_t *)(uintptr_t)a->info.info;
	struct fdname *e = fd_resolve((int)a->info.bpf_fd);

	ffd(l, "bpf_fd", a->info.bpf_fd);
	fu32(l, "info_len", a->info.info_len);
	if (ret < 0 || !e || !p)
		return;
	/* map, prog and link info all start with type, id; btf info has its id
	 * after a pointer and a size. */
	if (!strcmp(e->kind, "btf") && a->info.info_len >= 16) {
		field(l, "info");
		add(l, "{id=%u}", p[3]);
	} else if (a->info.info_len >= 8) {
		enum mb_enum_kind k = !strcmp(e->kind, "map") ? MB_ENUM_MAP_TYPE :
				      !strcmp(e->kind, "prog") ? MB_ENUM_PROG_TYPE :
				      MB_ENUM_LINK_TYPE;
		const char *s = mb_enum_name(k, p[0]);

		field(l, "info");
		if (s)
			add(l, "{type=%s id=%u}", s, p[1]);
		else
			add(l, "{type=%u id=%u}", p[0], p[1]);
	}
}

static void decode(struct line *l, int cmd, const union bpf_attr *a, unsigned int size, long ret)
{
	switch (cmd) {
	case BPF_MAP_CREATE:
		decode_map_create(l, a);
		break;
	case BPF_MAP_LOOKUP_ELEM: case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_DELETE_ELEM: case BPF_MAP_GET_NEXT_KEY:
		decode_elem(l, cmd, a, ret);
		break;
	case BPF_MAP_FREEZE:
		ffd(l, "map_fd", a->map_fd);
		break;
	case BPF_PROG_LOAD:
		decode_prog_load(l, a);
		break;
	case BPF_OBJ_PIN: case BPF_OBJ_GET:
		fstr(l, "pathname", (const char *)(uintptr_t)a->pathname, 512);
		if (cmd == BPF_OBJ_PIN)
			ffd(l, "bpf_fd", a->bpf_fd);
		opt_flags(l, "file_flags", map_flag_names, a->file_flags);
		break;
	case BPF_PROG_ATTACH: case BPF_PROG_DETACH:
		ffd(l, "target_fd", a->target_fd);
		opt_fd(l, "attach_bpf_fd", a->attach_bpf_fd);
		fenum(l, "attach_type", MB_ENUM_ATTACH_TYPE, a->attach_type);
		opt_flags(l, "attach_flags", attach_flag_names, a->attach_flags);
		opt_fd(l, "replace_bpf_fd", a->replace_bpf_fd);
		break;
	case BPF_PROG_TEST_RUN:
		ffd(l, "prog_fd", a->test.prog_fd);
		fu32(l, "data_size_in", a->test.data_size_in);
		opt_u32(l, "data_size_out", a->test.data_size_out);
		opt_u32(l, "ctx_size_in", a->test.ctx_size_in);
		opt_u32(l, "ctx_size_out", a->test.ctx_size_out);
		opt_u32(l, "repeat", a->test.repeat);
		opt_flags(l, "flags", test_flag_names, a->test.flags);
		if (ret >= 0) {
			fu32(l, "retval", a->test.retval);
			field(l, "duration");
			add(l, "%uns", a->test.duration);
		}
		break;
	case BPF_PROG_GET_NEXT_ID: case BPF_MAP_GET_NEXT_ID:
	case BPF_BTF_GET_NEXT_ID: case BPF_LINK_GET_NEXT_ID:
		fu32(l, "start_id", a->start_id);
		if (ret >= 0)
			fu32(l, "next_id", a->next_id);
		break;
	case BPF_PROG_GET_FD_BY_ID: case BPF_MAP_GET_FD_BY_ID:
	case BPF_BTF_GET_FD_BY_ID: case BPF_LINK_GET_FD_BY_ID:
		fu32(l, cmd == BPF_PROG_GET_FD_BY_ID ? "prog_id" : cmd == BPF_MAP_GET_FD_BY_ID ?
		     "map_id" : cmd == BPF_BTF_GET_FD_BY_ID ? "btf_id" : "link_id", a->prog_id);
		opt_flags(l, "open_flags", map_flag_names, a->open_flags);
		break;
	case BPF_OBJ_GET_INFO_BY_FD:
		decode_info(l, a, ret);
		break;
	case BPF_PROG_QUERY:
		ffd(l, "target_fd", a->query.target_fd);
		fenum(l, "attach_type", MB_ENUM_ATTACH_TYPE, a->query.attach_type);
		opt_u32(l, "query_flags", a->query.query_flags);
		if (ret >= 0 || ret == -ENOSPC) {
			opt_flags(l, "attach_flags", attach_flag_names, a->query.attach_flags);
			fu32(l, "prog_cnt", a->query.prog_cnt);
		}
		break;
	case BPF_RAW_TRACEPOINT_OPEN:
		fstr(l, "name", (const char *)(uintptr_t)a->raw_tracepoint.name, 128);
		ffd(l, "prog_fd", a->raw_tracepoint.prog_fd);
		break;
	case BPF_BTF_LOAD:
		fu32(l, "btf_size", a->btf_size);
		fu32(l, "btf_log_level", a->btf_log_level);
		opt_u32(l, "btf_log_size", a->btf_log_size);
		break;
	case BPF_LINK_CREATE:
		decode_link_create(l, a, size);
		break;
	case BPF_LINK_UPDATE:
		ffd(l, "link_fd", a->link_update.link_fd);
		ffd(l, "new_prog_fd", a->link_update.new_prog_fd);
		opt_flags(l, "flags", attach_flag_names, a->link_update.flags);
		opt_fd(l, "old_prog_fd", a->link_update.old_prog_fd);
		break;
	case BPF_LINK_DETACH:
		ffd(l, "link_fd", a->link_detach.link_fd);
		break;
	case BPF_ITER_CREATE:
		ffd(l, "link_fd", a->iter_create.link_fd);
		break;
	case BPF_PROG_BIND_MAP:
		ffd(l, "prog_fd", a->prog_bind_map.prog_fd);
		ffd(l, "map_fd", a->prog_bind_map.map_fd);
		opt_u32(l, "flags", a->prog_bind_map.flags);
		break;
	default:
		fu32(l, "size", size);
		break;
	}
}

/* Give a new fd its name from what created it, before the result prints. */
static void name_result(int cmd, const union bpf_attr *a, int fd)
{
	struct fdname *e, *p;
	char pname[sizeof(e->name)];

	switch (cmd) {
	case BPF_MAP_CREATE:
		e = fd_add(fd, "map", a->map_name);
		if (e) {
			e->type = a->map_type;
			e->key_size = a->key_size;
			e->value_size = a->value_size;
		}
		break;
	case BPF_PROG_LOAD:
		e = fd_add(fd, "prog", a->prog_name);
		if (e)
			e->type = a->prog_type;
		break;
	case BPF_BTF_LOAD:
		fd_add(fd, "btf", "");
		break;
	case BPF_RAW_TRACEPOINT_OPEN:
		fd_add(fd, "link", (const char *)(uintptr_t)a->raw_tracepoint.name);
		break;
	case BPF_LINK_CREATE:
		/* Copy first: adding may move the table under p. */
		p = fd_resolve((int)a->link_create.prog_fd);
		snprintf(pname, sizeof(pname), "%s", p ? p->name : "");
		fd_add(fd, "link", pname);
		break;
	default:
		mb_trace_forget(fd);   /* a reused number: look it up afresh */
		break;
	}
}

/* The log the kernel wrote for a PROG_LOAD or BTF_LOAD, if any. */
static void log_note(struct line *l, int cmd, const union bpf_attr *a, const union mb_attr *u,
		     unsigned int size, long ret)
{
	const char *buf;
	uint32_t lsize, off, need = 0;
	size_t n;

	if (cmd == BPF_PROG_LOAD) {
		buf = (const char *)(uintptr_t)a->log_buf;
		lsize = a->log_size;
		off = MB_ATTR_PROG_LOG_TRUE_SIZE;
	} else if (cmd == BPF_BTF_LOAD) {
		buf = (const char *)(uintptr_t)a->btf_log_buf;
		lsize = a->btf_log_size;
		off = MB_ATTR_BTF_LOG_TRUE_SIZE;
	} else {
		return;
	}
	if (!buf || !lsize)
		return;
	if (size >= off + 4)
		memcpy(&need, u->b + off, 4);
	n = strnlen(buf, lsize);
	add(l, " [%s log: %zu bytes", cmd == BPF_PROG_LOAD ? "verifier" : "btf", n);
	if (ret == -ENOSPC)
		add(l, need ? ", truncated, needs %u" : ", truncated", need);
	add(l, "]");
}

void mb_trace_bpf(int cmd, const union bpf_attr *attr, unsigned int size,
		  long ret, int injected, long long ns)
{
	const char *name = mb_enum_name(MB_ENUM_CMD, (uint32_t)cmd);
	int saved = errno;
	struct line l;

	if (!trace_out)
		return;
	l.len = 0;
	l.nfields = 0;
	if (name)
		add(&l, "bpf(BPF_%s", name);
	else
		add(&l, "bpf(%d", cmd);
	decode(&l, cmd, attr, size, ret);
	add(&l, ") = ");
	if (ret < 0) {
		add(&l, "-1 %s (%s)", mb_errno_name((int)-ret),
		    injected ? "injected" : mb_strerror((int)-ret));
	} else if (cmd == BPF_MAP_CREATE || cmd == BPF_PROG_LOAD || cmd == BPF_OBJ_GET ||
		   cmd == BPF_BTF_LOAD || cmd == BPF_LINK_CREATE || cmd == BPF_ITER_CREATE ||
		   cmd == BPF_RAW_TRACEPOINT_OPEN || cmd == BPF_PROG_GET_FD_BY_ID ||
		   cmd == BPF_MAP_GET_FD_BY_ID || cmd == BPF_BTF_GET_FD_BY_ID ||
		   cmd == BPF_LINK_GET_FD_BY_ID) {
		name_result(cmd, attr, (int)ret);
		put_fd(&l, (int)ret);
	} else {
		add(&l, "%ld", ret);
	}
	log_note(&l, cmd, attr, (const union mb_attr *)(const void *)attr, size, ret);
	if (!injected && timing)
		add(&l, " <%lld.%03lld ms>", ns / 1000000, ns / 1000 % 1000);
	add(&l, "\n");
	fputs(l.buf, trace_out);
	fflush(trace_out);
	errno = saved;
}

void mb_trace_line(const char *fmt, ...)
{
	int saved = errno;
	struct line l;
	va_list ap;
	int n;

	if (!trace_out)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l.buf, sizeof(l.buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	l.len = (size_t)n < sizeof(l.buf) - 2 ? (size_t)n : sizeof(l.buf) - 2;
	if (!l.len || l.buf[l.len - 1] != '\n')
		l.buf[l.len++] = '\n';
	l.buf[l.len] = 0;
	fputs(l.buf, trace_out);
	fflush(trace_out);
	errno = saved;
}

#endif /* MB_TRACE */
