/* loader/: kernel BTF for one mb_object_load(): CO-RE relocations, the BTF
 * ids of tp_btf/fentry/lsm/iter targets, and (extern.c) typed ksyms and
 * kfuncs. The kernel's BTF is read lazily (btf/btf.c): with the name index
 * of an earlier load, a load reads the few 4 KB blocks its lookups reach
 * instead of all 5 MB (which before 6.16, where sysfs cannot mmap it, meant
 * 1,300 reads of 4 KB). Without an index it is mmap'd where the kernel allows
 * it, else read whole. Nothing outlives the load. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mb_config.h"
#include "loader/internal.h"
#include "btf/core.h"
#include "btf/inflate.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"

#define KBTF_MAX (256u << 20)

struct poison_rec {
	uint32_t insn;
	char what[400];
};

struct mb_kern {
	int btf_fd;             /* the kernel BTF file, read as lookups need it */
	void *map;              /* ... or all of it mmap'd, when there is no index */
	size_t map_len;
	struct mb_btf *btf;
	struct mb_core *core;
	struct poison_rec *poison;   /* of the program being loaded */
	uint32_t npoison;
	int kconfig_fd;
	void *idx;                  /* the name index file, mmap'd */
	size_t idx_len;
	char *idx_save;             /* where to store one after this load */
	unsigned char *ext_kind;     /* by extern index (loader/extern.c) */
	uint64_t *ksym_addr;         /* the same, once /proc/kallsyms is read */
};

static struct mb_kern *kern_get(struct mb_object *obj)
{
	if (!obj->kern) {
		obj->kern = calloc(1, sizeof(*obj->kern));
		if (obj->kern)
			obj->kern->kconfig_fd = obj->kern->btf_fd = -1;
	}
	return obj->kern;
}

/* The kernel's BTF is read-only until reboot, so its name index is kept in
 * /run (tmpfs, emptied at boot) under a key of the file and the boot. A load
 * then touches a few pages of the BTF instead of all 1,300: on VMs with
 * shadow page tables each first touch costs ~10 us. */
#define IDX_DIR "/run/minibpf"

#if MB_CORE      /* the kernel BTF reader; without it, internal.h has a stub */
static char *idx_path(const struct stat *btf_st, const char *path)
{
	char boot[64] = "", *out;
	uint32_t h = 2166136261u;
	uint64_t v[4];
	size_t i;

	if (mb_read_small("/proc/sys/kernel/random/boot_id", boot, sizeof(boot)) < 0)
		boot[0] = '\0';
	v[0] = (uint64_t)btf_st->st_size;
	v[1] = (uint64_t)btf_st->st_mtime;
	v[2] = (uint64_t)btf_st->st_ino;
	v[3] = (uint64_t)btf_st->st_dev;
	for (i = 0; i < sizeof(v); i++)
		h = (h ^ ((const uint8_t *)v)[i]) * 16777619u;
	for (i = 0; path[i]; i++)
		h = (h ^ (uint8_t)path[i]) * 16777619u;
	for (i = 0; boot[i]; i++)
		h = (h ^ (uint8_t)boot[i]) * 16777619u;
	out = malloc(sizeof(IDX_DIR) + 24);
	if (out)
		snprintf(out, sizeof(IDX_DIR) + 24, IDX_DIR "/btf-%08x.idx", h);
	return out;
}

static void idx_load(struct mb_kern *k, const struct stat *btf_st, const char *path)
{
	struct stat st;
	int fd;

	k->idx_save = idx_path(btf_st, path);
	if (!k->idx_save)
		return;
	fd = mb_sys_open(k->idx_save, O_RDONLY | O_NOFOLLOW, 0);
	if (fd < 0)
		return;
	/* only an index this user wrote and nobody else could change */
	if (mb_sys_fstat(fd, &st) || st.st_uid != geteuid() || (st.st_mode & 022) || st.st_size <= 0) {
		mb_close(fd);
		return;
	}
	k->idx = mb_sys_mmap_ro(fd, (size_t)st.st_size);
	mb_close(fd);
	if (!k->idx)
		return;
	k->idx_len = (size_t)st.st_size;
	if (mb_btf_index_use(k->btf, k->idx, k->idx_len)) {
		mb_sys_munmap(k->idx, k->idx_len);
		k->idx = NULL;
		return;
	}
	free(k->idx_save);   /* in use: nothing to store */
	k->idx_save = NULL;
}

#endif

/* After a load that indexed the BTF the long way. Best effort. */
static void idx_store(struct mb_kern *k)
{
	char tmp[sizeof(IDX_DIR) + 40];
	void *b;
	size_t len;
	int fd;

	if (mb_btf_index_build(k->btf, &b, &len))
		return;
	mb_sys_mkdir(IDX_DIR, 0700);
	snprintf(tmp, sizeof(tmp), IDX_DIR "/tmp.%d", (int)getpid());
	fd = mb_sys_open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		int ok = mb_sys_write(fd, b, len) == (long)len;

		mb_close(fd);
		if (!ok || mb_sys_rename(tmp, k->idx_save))
			mb_sys_unlink(tmp);
	}
	free(b);
}

void mb_kern_free(struct mb_object *obj)
{
	struct mb_kern *k = obj->kern;

	if (!k)
		return;
	mb_core_free(k->core);
	if (MB_CORE && k->idx_save && k->btf)
		idx_store(k);
	free(k->idx_save);
	mb_sys_munmap(k->idx, k->idx_len);
	mb_btf_free(k->btf);
	mb_sys_munmap(k->map, k->map_len);
	mb_close(k->btf_fd);
	if (k->kconfig_fd >= 0) {
		mb_trace_forget(k->kconfig_fd);
		close(k->kconfig_fd);
	}
	free(k->poison);
	free(k->ext_kind);
	free(k->ksym_addr);
	free(k);
	obj->kern = NULL;
}

int mb_kern_kconfig_fd(struct mb_object *obj, int fd)
{
	struct mb_kern *k = kern_get(obj);

	if (!k)
		return -ENOMEM;
	if (fd >= 0)
		k->kconfig_fd = fd;
	return k->kconfig_fd;
}

unsigned char *mb_kern_ext_kinds(struct mb_object *obj)
{
	struct mb_kern *k = kern_get(obj);

	if (k && !k->ext_kind)
		k->ext_kind = calloc(obj->elf->nexterns + 1, 1);
	return k ? k->ext_kind : NULL;
}

uint64_t **mb_kern_ksym_addrs(struct mb_object *obj)
{
	struct mb_kern *k = kern_get(obj);

	return k ? &k->ksym_addr : NULL;
}

#if MB_CORE
/* mb_btf_read_fn */
static int kern_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct mb_kern *k = ctx;
	size_t got = 0;

	while (got < len) {
		long n = mb_sys_pread(k->btf_fd, (char *)buf + got, len - got, off + got);

		if (n <= 0)
			return n ? (int)n : -EIO;
		got += (size_t)n;
	}
	return 0;
}

static struct mb_btf *kern_fail(struct mb_kern *k);

/* A gzip'd BTF file (--btf vmlinux.btf.gz, a minimized one shipped with an
 * application): inflated whole into memory, the reader adopts the bytes. */
static int gz_btf(struct mb_kern *k, const char *path, size_t size)
{
	unsigned char *z = malloc(size), *raw = NULL;
	size_t len = 0;
	char err[256];
	int r = z ? kern_read(k, z, size, 0) : -ENOMEM;

	if (!r)
		r = mb_gunzip(z, size, KBTF_MAX, &raw, &len, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "%s", mb_strerror(-r));
	free(z);
	if (!r) {
		k->btf = mb_btf_open_kernel(raw, len, err, sizeof(err));
		if (k->btf) {
			mb_btf_adopt(k->btf, raw);
			return 1;
		}
		r = errno ? -errno : -EINVAL;
		free(raw);
	}
	mb_err(-r, "kernel BTF %s (gzip): %s", path, err);
	return 0;
}

struct mb_btf *mb_kern_btf(struct mb_object *obj)
{
	const char *path = obj->btf_path ? obj->btf_path : "/sys/kernel/btf/vmlinux";
	struct mb_kern *k = kern_get(obj);
	char err[256];
	struct stat st;
	int r;

	if (!k) {
		mb_err(ENOMEM, "out of memory");
		return NULL;
	}
	if (k->btf)
		return k->btf;
	k->btf_fd = mb_sys_open(path, O_RDONLY, 0);
	if (k->btf_fd < 0) {
		r = -k->btf_fd;
		k->btf_fd = -1;
		mb_err(r, "kernel BTF %s: %s%s", path, mb_strerror(r),
		       obj->btf_path || r != ENOENT ? "" :
		       " (a kernel without CONFIG_DEBUG_INFO_BTF: give one with --btf PATH)");
		return NULL;
	}
	r = mb_sys_fstat(k->btf_fd, &st);
	if (r) {
		mb_err(-r, "kernel BTF %s: fstat: %s", path, mb_strerror(-r));
		goto fail;
	}
	if (st.st_size <= 0 || (uint64_t)st.st_size > KBTF_MAX) {
		mb_err(EINVAL, "kernel BTF %s: unusable size", path);
		goto fail;
	}
	unsigned char magic[2];

	if (!kern_read(k, magic, 2, 0) && magic[0] == 0x1f && magic[1] == 0x8b)
		return gz_btf(k, path, (size_t)st.st_size) ? k->btf : kern_fail(k);
	k->btf = mb_btf_open_lazy((uint64_t)st.st_size, kern_read, k, err, sizeof(err));
	if (!k->btf) {
		mb_err(errno ? errno : EINVAL, "kernel BTF %s: %s", path, err);
		goto fail;
	}
	/* small BTFs (tests' targets) are cheap to scan: no file for them */
	if (st.st_size >= (1 << 20) && !getenv("MINIBPF_NO_BTF_INDEX"))
		idx_load(k, &st, path);
	if (k->idx)
		return k->btf;
	/* No index: the pass that makes one reads every record. mmap'd (sysfs
	 * allows it since 6.16; a file always) that is a page fault per page;
	 * read, sysfs hands out 4 KB per call. The lazy open checked the
	 * header, so the mapped blob opens the same way. */
	k->map = mb_sys_mmap_ro(k->btf_fd, (size_t)st.st_size);
	if (k->map) {
		k->map_len = (size_t)st.st_size;
		mb_btf_free(k->btf);
		k->btf = mb_btf_open_kernel(k->map, k->map_len, err, sizeof(err));
		if (k->btf)
			return k->btf;
		mb_err(errno ? errno : EINVAL, "kernel BTF %s: %s", path, err);
		goto fail;
	}
	r = mb_btf_read_all(k->btf);
	if (!r)
		return k->btf;
	mb_err(-r, "kernel BTF %s: %s", path, mb_btf_error(k->btf));
fail:
	return kern_fail(k);
}

/* nothing half-open: a later call starts again; errno stays mb_err's */
static struct mb_btf *kern_fail(struct mb_kern *k)
{
	int r = errno;

	mb_btf_free(k->btf);
	k->btf = NULL;
	mb_sys_munmap(k->map, k->map_len);
	k->map = NULL;
	mb_close(k->btf_fd);
	k->btf_fd = -1;
	errno = r;
	return NULL;
}
#else
int mb_kern_btf_none(void)
{
	return mb_err(EOPNOTSUPP, "kernel BTF: this minibpf is built without CO-RE and kernel BTF (MB_CORE=0)");
}
#endif /* MB_CORE */

/* A lookup that met a failed read saw less than the kernel has: whatever
 * it concluded (a field "missing", a ksym "absent") must not be loaded. */
int mb_kern_check(struct mb_object *obj)
{
	int e = obj->kern && obj->kern->btf ? mb_btf_read_error(obj->kern->btf) : 0;

	return e ? mb_err(e, "kernel BTF: read failed: %s", mb_strerror(e)) : 0;
}

/* The source line of byte offset insn_off in section sec, from line_info. */
static void source_line(const struct mb_object *obj, const struct mb_btf_ext_sec *es,
			uint32_t insn_off, char *out, size_t len)
{
	const struct mb_btf_line_info *best = NULL;
	uint32_t i;

	*out = '\0';
	for (i = 0; i < es->nr_line; i++)
		if (es->line[i].insn_off <= insn_off && (!best || es->line[i].insn_off >= best->insn_off))
			best = &es->line[i];
	if (!best)
		return;
	const char *file = mb_btf_str(obj->elf->btf, best->file_name_off);
	const char *base = strrchr(file, '/');
	const char *src = mb_btf_str(obj->elf->btf, best->line_off);

	while (*src == ' ' || *src == '\t')
		src++;
	snprintf(out, len, " at %s:%u: %s", base ? base + 1 : file, best->line_col >> 10, src);
}

int mb_core_relocate(struct mb_object *obj, struct mb_prog *p, struct mb_elf_linked *l)
{
	struct mb_kern *k;
	uint32_t s, i;
	char err[512];

	if (obj->kern)
		obj->kern->npoison = 0;
	if (!obj->ext || !obj->elf->btf)
		return 0;
	for (s = 0; s < l->nsegs; s++) {
		const struct mb_elf_segment *g = &l->segs[s];
		const struct mb_btf_ext_sec *es = mb_btf_ext_sec(obj->ext, obj->elf->texts[g->text].name);
		int prepared = 0;

		for (i = 0; es && i < es->nr_core; i++) {
			const struct mb_btf_core_relo *rel = &es->core[i];
			uint32_t at = rel->insn_off / 8, dst;
			struct mb_core_result res;
			int r;

			if (rel->insn_off % 8 || at < g->src_off || at - g->src_off >= g->cnt)
				continue;
			dst = g->dst_off + at - g->src_off;
			k = kern_get(obj);
			if (!k)
				return mb_err(ENOMEM, "out of memory");
			if (!MB_CORE)
				return mb_err(EOPNOTSUPP, "prog '%s': has CO-RE relocations: this minibpf is built without CO-RE (MB_CORE=0)",
					      p->def->name);
			if (!k->core) {
				if (!mb_kern_btf(obj)) {
					snprintf(err, sizeof(err), "%s", mb_last_error());
					return mb_err(errno ? errno : EINVAL, "prog '%s': CO-RE relocations need the kernel's BTF: %s",
						      p->def->name, err);
				}
				/* the object's own reader: its BTF is read once */
				k->core = mb_core_new(obj->elf->btf, k->btf, obj->elf->big_endian);
				if (!k->core)
					return mb_err(ENOMEM, "out of memory");
			}
			if (!prepared++ && mb_core_prepare(k->core, es->core, es->nr_core))
				return mb_err(ENOMEM, "out of memory");
			r = mb_core_apply(k->core, rel, &l->insns[dst], l->insn_cnt - dst, &res, err, sizeof(err));
			if (r) {
				char line[160];

				source_line(obj, es, rel->insn_off, line, sizeof(line));
				return mb_err(-r, "prog '%s': insn %u: CO-RE relocation #%u (%s): %s%s",
					      p->def->name, dst, i, mb_core_kind_str(rel->kind), err, line);
			}
			if (res.poisoned) {
				struct poison_rec *pr = realloc(k->poison, (k->npoison + 1) * sizeof(*pr));
				char line[160];

				if (!pr)
					return mb_err(ENOMEM, "out of memory");
				k->poison = pr;
				source_line(obj, es, rel->insn_off, line, sizeof(line));
				pr[k->npoison].insn = dst;
				snprintf(pr[k->npoison].what, sizeof(pr->what), "%s: %s not found in the kernel%s",
					 mb_core_kind_str(rel->kind), res.desc, line);
				k->npoison++;
			}
		}
	}
	return 0;
}

const char *mb_core_explain(struct mb_object *obj, const char *log, char *out, size_t len)
{
	const char *s;
	uint32_t i;

	/* the verifier: "12: (85) call unknown#195896080" */
	if (!obj->kern || !log || !(s = mb_str_find(log, "call unknown#195896080")))
		return NULL;
	while (s > log && s[-1] != '\n')
		s--;
	for (i = 0; i < obj->kern->npoison; i++)
		if ((uint32_t)strtoul(s, NULL, 10) == obj->kern->poison[i].insn) {
			snprintf(out, len, "insn %u: CO-RE relocation failed: %s", obj->kern->poison[i].insn,
				 obj->kern->poison[i].what);
			return out;
		}
	return NULL;
}

int mb_prog_attach_btf_id(struct mb_object *obj, struct mb_prog *p, uint32_t *btf_id)
{
	const char *t = p->sec.target, *pfx = "";
	char name[160];
	struct mb_btf *kb;
	int kind = MB_BTF_KIND_FUNC, id;

	*btf_id = p->sec.kind == MB_ATTACH_STRUCT_OPS ? p->st_btf_id : 0;
	if (!(p->sec.flags & MB_SEC_ATTACH_BTF) || p->sec.kind == MB_ATTACH_FREPLACE)
		return 0;
	if (!t || !*t)
		return mb_err(EINVAL, "prog '%s': section '%s' does not name its target", p->def->name,
			      p->def->sec_name);
	/* By attach type, as libbpf: lsm_cgroup/HOOK (6.0) attaches at
	 * bpf_lsm_HOOK too, though it attaches to a cgroup, not as lsm/ does. */
	switch (p->sec.expected_attach_type) {
	case BPF_LSM_MAC:
	case BPF_LSM_CGROUP:
		pfx = "bpf_lsm_";
		break;
	case BPF_TRACE_ITER:
		pfx = "bpf_iter_";
		break;
	case BPF_TRACE_RAW_TP:
		pfx = "btf_trace_";
		kind = MB_BTF_KIND_TYPEDEF;
		break;
	}
	snprintf(name, sizeof(name), "%s%s", pfx, t);
	kb = mb_kern_btf(obj);
	if (!kb) {
		snprintf(name, sizeof(name), "%s", mb_last_error());
		return mb_err(errno ? errno : EINVAL, "prog '%s': %s", p->def->name, name);
	}
	id = mb_btf_find(kb, name, kind);
	if (id < 0)
		return mb_err(ESRCH, "prog '%s': section '%s': the kernel's BTF has no %s '%s'",
			      p->def->name, p->def->sec_name, mb_btf_kind_str(kind), name);
	*btf_id = (uint32_t)id;
	return 0;
}
