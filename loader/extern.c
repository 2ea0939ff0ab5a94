/* loader/: extern symbols, as libbpf resolves them.
 *  - .kconfig variables: CONFIG_* from the kernel config, LINUX_KERNEL_VERSION
 *    and friends, laid out in one read-only array map (libbpf's order);
 *  - .ksyms variables: typed ones by BTF id (BPF_PSEUDO_BTF_ID), untyped
 *    ones by their /proc/kallsyms address;
 *  - kfunc calls: the kernel function's BTF id (BPF_PSEUDO_KFUNC_CALL).
 * Weak externs that cannot be resolved read as zero. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "loader/internal.h"
#include "btf/core.h"
#include "btf/inflate.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"

#if MB_EXTERN     /* the whole file but the stubs at its end (include/mb_config.h) */
#define POISON_KFUNC 2002000000   /* libbpf's POISON_CALL_KFUNC_BASE */
#define MAX_KCONFIG  (1u << 20)   /* bytes of .kconfig values: far above any real object */
#define MAX_KCONFIG_VARS 4096     /* .kconfig externs in one object (real ones: a handful) */

enum kcfg_kind { K_BOOL, K_TRI, K_CHAR, K_INT, K_STR };

struct kcfg {
	const char *name;
	uint32_t size, align, off;
	enum kcfg_kind kind;
	int is_signed, weak;
};

static int kcfg_type(const struct mb_btf *btf, uint32_t var, struct kcfg *k)
{
	const struct mb_btf_type *v = mb_btf_type_by_id(btf, var);
	int id = v ? mb_btf_resolve(btf, v->size_or_type) : -EINVAL;
	const struct mb_btf_type *t = id > 0 ? mb_btf_type_by_id(btf, (uint32_t)id) : NULL;
	uint32_t enc;

	if (!t)
		return -EINVAL;
	k->size = t->size_or_type;
	k->align = k->size;
	switch (mb_btf_kind(t)) {
	case MB_BTF_KIND_INT:
		enc = *(const uint32_t *)mb_btf_extra(t) >> 24;
		k->kind = enc & MB_BTF_INT_BOOL ? K_BOOL : enc & MB_BTF_INT_CHAR ? K_CHAR : K_INT;
		k->is_signed = enc & MB_BTF_INT_SIGNED;
		if (k->kind == K_CHAR && k->size != 1)
			k->kind = K_INT;
		return k->size && k->size <= 8 && !(k->size & (k->size - 1)) ? 0 : -EINVAL;
	case MB_BTF_KIND_ENUM:
		k->kind = strcmp(mb_btf_str(btf, t->name_off), "libbpf_tristate") ? K_INT : K_TRI;
		/* the size is the alignment too: 0 would divide by zero */
		return k->size && k->size <= 8 && !(k->size & (k->size - 1)) ? 0 : -EINVAL;
	case MB_BTF_KIND_ARRAY: {
		const struct mb_btf_array *a = mb_btf_extra(t);
		int e = mb_btf_resolve(btf, a->type);
		const struct mb_btf_type *et = e > 0 ? mb_btf_type_by_id(btf, (uint32_t)e) : NULL;

		if (!et || mb_btf_kind(et) != MB_BTF_KIND_INT || et->size_or_type != 1 || !a->nelems)
			return -EINVAL;
		k->kind = K_STR;
		k->size = a->nelems;
		k->align = 1;
		return 0;
	}
	}
	return -EINVAL;
}

static int kcfg_cmp(const void *pa, const void *pb)
{
	const struct kcfg *a = pa, *b = pb;

	if (a->align != b->align)
		return a->align > b->align ? -1 : 1;
	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	return strcmp(a->name, b->name);
}

static uint32_t kernel_version(void)
{
	struct utsname u;
	unsigned long a, b, c = 0;
	char *e;

	/* "6.18.0-foo" or "6.18-rc1"; sscanf would link musl's float parsing */
	if (uname(&u) || !isdigit((unsigned char)u.release[0]))
		return 0;
	a = strtoul(u.release, &e, 10);
	if (*e != '.' || !isdigit((unsigned char)e[1]))
		return 0;
	b = strtoul(e + 1, &e, 10);
	if (*e == '.' && isdigit((unsigned char)e[1]))
		c = strtoul(e + 1, NULL, 10);
	return (uint32_t)(a << 16 | b << 8 | (c > 255 ? 255 : c));
}

#define CONFIG_MAX (16u << 20)   /* bytes of kernel config text (6.x: ~300 KB) */

/* The kernel's config as text: /boot/config-RELEASE, else /proc/config.gz.
 * 0 with *cfg NULL when there is none; a read or decode failure is an
 * error (weak externs must not silently read 0 because of it). */
static int read_config(char **cfg)
{
	struct utsname u;
	char path[128], err[128];
	unsigned char *txt;
	size_t len;
	char *gz;
	int r;

	*cfg = NULL;
	if (uname(&u))
		return 0;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	r = mb_read_file(path, CONFIG_MAX, cfg, &len);
	if (r != -ENOENT && r != -EACCES)
		return r ? mb_err(-r, "kernel config %s: %s", path, mb_strerror(-r)) : 0;
	r = mb_read_file("/proc/config.gz", CONFIG_MAX, &gz, &len);
	if (r == -ENOENT)
		return 0;
	if (r)
		return mb_err(-r, "kernel config /proc/config.gz: %s", mb_strerror(-r));
	r = mb_gunzip(gz, len, CONFIG_MAX, &txt, &len, err, sizeof(err));
	free(gz);
	if (r)
		return mb_err(-r, "kernel config /proc/config.gz: %s", err);
	*cfg = (char *)txt;
	return 0;
}

/* "CONFIG_X=value" in cfg: value string (up to the newline) or NULL. */
static const char *config_value(const char *cfg, const char *name, size_t *vlen)
{
	size_t n = strlen(name);
	const char *s = cfg;

	while (cfg && (s = mb_str_find(s, name))) {
		if ((s == cfg || s[-1] == '\n') && s[n] == '=') {
			s += n + 1;
			*vlen = strcspn(s, "\n");
			return s;
		}
		s += n;
	}
	return NULL;
}

static void put(uint8_t *dst, uint32_t size, uint64_t num)
{
	uint8_t b1 = (uint8_t)num;
	uint16_t b2 = (uint16_t)num;
	uint32_t b4 = (uint32_t)num;

	memcpy(dst, size == 1 ? (void *)&b1 : size == 2 ? (void *)&b2 : size == 4 ? (void *)&b4 : (void *)&num,
	       size < 8 ? size : 8);
}

static int kcfg_set(const struct kcfg *k, const char *v, size_t vlen, uint8_t *dst)
{
	uint64_t num;
	char tmp[64], *end;

	if (vlen == 1 && (*v == 'y' || *v == 'n' || *v == 'm')) {
		switch (k->kind) {
		case K_BOOL:
			if (*v == 'm')
				return -EINVAL;
			*dst = *v == 'y';
			return 0;
		case K_TRI:
			put(dst, k->size, *v == 'y' ? 1 : *v == 'm' ? 2 : 0);
			return 0;
		case K_CHAR:
			*dst = (uint8_t)*v;
			return 0;
		default:
			return -EINVAL;
		}
	}
	if (*v == '"') {
		if (k->kind != K_STR || vlen < 2 || v[vlen - 1] != '"')
			return -EINVAL;
		vlen -= 2;
		memcpy(dst, v + 1, vlen < k->size - 1 ? vlen : k->size - 1);
		return 0;
	}
	if (k->kind != K_INT || vlen >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, v, vlen);
	tmp[vlen] = '\0';
	errno = 0;
	num = k->is_signed ? (uint64_t)strtoll(tmp, &end, 0) : strtoull(tmp, &end, 0);
	if (errno || *end)
		return -EINVAL;
	put(dst, k->size, num);
	return 0;
}

/* The layout is needed while sanitizing, for the map and for every
 * instruction that reads a .kconfig value: compute it once per load (a
 * hostile object with many externs and references would otherwise make a
 * load quadratic). Reset by mb_extern_prepare() at the start of each load. */
static _Thread_local struct {
	const struct mb_object *obj;
	struct kcfg *ks;
	uint32_t n, total;
} kc_cache;

static void kcfg_reset(void)
{
	free(kc_cache.ks);
	memset(&kc_cache, 0, sizeof(kc_cache));
}

static int kcfg_compute(struct mb_object *obj, struct kcfg **out, uint32_t *cnt, uint32_t *total);

/* Every .kconfig extern with its place in the map, libbpf's order. The
 * result belongs to the cache: callers do not free it. */
static int kcfg_layout(struct mb_object *obj, struct kcfg **out, uint32_t *cnt, uint32_t *total)
{
	int r;

	if (kc_cache.obj != obj) {
		kcfg_reset();
		r = kcfg_compute(obj, &kc_cache.ks, &kc_cache.n, &kc_cache.total);
		if (r)
			return r;
		kc_cache.obj = obj;
	}
	*out = kc_cache.ks;
	*cnt = kc_cache.n;
	*total = kc_cache.total;
	return 0;
}

static int kcfg_compute(struct mb_object *obj, struct kcfg **out, uint32_t *cnt, uint32_t *total)
{
	const struct mb_btf *btf = obj->elf->btf;
	int ds = btf ? mb_btf_find(btf, ".kconfig", MB_BTF_KIND_DATASEC) : -ENOENT;
	const struct mb_btf_type *t = ds > 0 ? mb_btf_type_by_id(btf, (uint32_t)ds) : NULL;
	struct kcfg *ks;
	uint32_t n, i, x, size = 0;

	*out = NULL;
	*cnt = *total = 0;
	if (!t)
		return 0;
	n = mb_btf_vlen(t);
	if (n > MAX_KCONFIG_VARS)
		return mb_err(E2BIG, ".kconfig: %u externs, more than the %u minibpf takes", n,
			      MAX_KCONFIG_VARS);
	ks = calloc(n + 1, sizeof(*ks));
	if (!ks)
		return mb_err(ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		const struct mb_btf_var_secinfo *v = (const struct mb_btf_var_secinfo *)mb_btf_extra(t) + i;
		const struct mb_btf_type *var = mb_btf_type_by_id(btf, v->type);

		ks[i].name = var ? mb_btf_str(btf, var->name_off) : "";
		if (kcfg_type(btf, v->type, &ks[i])) {
			const char *name = ks[i].name;     /* in the BTF: outlives ks */

			free(ks);
			return mb_err(EINVAL, "extern '%s' (.kconfig): unsupported type (bool, tristate, char, integers, char arrays)",
				      name);
		}
		for (x = 0; x < obj->elf->nexterns; x++)
			if (!strcmp(obj->elf->externs[x].name, ks[i].name))
				ks[i].weak = obj->elf->externs[x].weak;
	}
	qsort(ks, n, sizeof(*ks), kcfg_cmp);
	for (i = 0; i < n; i++) {
		size = (size + ks[i].align - 1) / ks[i].align * ks[i].align;
		/* char arrays come from the file: their sum must not wrap */
		if (ks[i].size > MAX_KCONFIG || size > MAX_KCONFIG - ks[i].size) {
			const char *name = ks[i].name;

			free(ks);
			return mb_err(E2BIG, "extern '%s' (.kconfig): the .kconfig values exceed %u bytes",
				      name, MAX_KCONFIG);
		}
		ks[i].off = size;
		size += ks[i].size;
	}
	*out = ks;
	*cnt = n;
	*total = size;
	return 0;
}

/* Fill the values, create the frozen map (once per load); its fd. */
static int kconfig_map(struct mb_object *obj)
{
	struct kcfg *ks;
	uint32_t n, i, size;
	uint8_t *val = NULL;
	char *cfg = NULL;
	int fd, r, have_cfg = 0;

	fd = mb_kern_kconfig_fd(obj, -1);
	if (fd >= 0)
		return fd;
	r = kcfg_layout(obj, &ks, &n, &size);
	if (r)
		return r;
	val = calloc(1, size + 8);
	if (!val) {
		r = mb_err(ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct kcfg *k = &ks[i];
		const char *v;
		size_t vlen;
		char num[16];

		if (!strcmp(k->name, "LINUX_KERNEL_VERSION")) {
			snprintf(num, sizeof(num), "%u", kernel_version());
			v = num;
			vlen = strlen(num);
		} else if (!strcmp(k->name, "LINUX_HAS_BPF_COOKIE") ||
			   !strcmp(k->name, "LINUX_HAS_SYSCALL_WRAPPER")) {
			/* libbpf's virtual externs, declared `extern bool ... __kconfig`
			 * (or an integer): cookies since 5.15, syscall wrappers on every
			 * arch minibpf targets. A bool takes y/n, an integer 1/0. */
			int on = k->name[10] == 'B' ? kernel_version() >= 0x050f00 : 1;

			v = k->kind == K_INT ? (on ? "1" : "0") : (on ? "y" : "n");
			vlen = 1;
		} else if (!strncmp(k->name, "CONFIG_", 7)) {
			if (!have_cfg++ && (r = read_config(&cfg)))
				goto out;
			v = config_value(cfg, k->name, &vlen);
			if (!v) {
				if (k->weak)
					continue;
				r = mb_err(ESRCH, "extern '%s' (.kconfig): %s; declare it __weak to read 0 instead",
					   k->name, cfg ? "not set in the kernel config" :
					   "no readable kernel config (/boot/config-$(uname -r), /proc/config.gz)");
				goto out;
			}
		} else {
			if (k->weak)
				continue;
			r = mb_err(ESRCH, "extern '%s' (.kconfig): unknown name (CONFIG_*, LINUX_KERNEL_VERSION, LINUX_HAS_*)",
				   k->name);
			goto out;
		}
		if (kcfg_set(k, v, vlen, val + k->off)) {
			r = mb_err(EINVAL, "extern '%s' (.kconfig): value '%.*s' does not fit its type",
				   k->name, (int)vlen, v);
			goto out;
		}
	}
	{
		struct mb_map_create_args a;
		uint32_t key = 0;
		char kname[16];

		memset(&a, 0, sizeof(a));
		a.map_type = BPF_MAP_TYPE_ARRAY;
		a.key_size = 4;
		a.value_size = size ? size : 1;
		a.max_entries = 1;
		/* libbpf's flags for it (0x480): read-only to programs, and
		 * mmap-able as all its internal maps are (5.5+; EINVAL before) */
		a.map_flags = BPF_F_RDONLY_PROG | BPF_F_MMAPABLE;
		snprintf(kname, sizeof(kname), "%.7s.kconfig", obj->name);
		a.name = kname;
		fd = mb_sys_map_create(&a);
		if (fd == -EINVAL) {
			a.map_flags = BPF_F_RDONLY_PROG;
			fd = mb_sys_map_create(&a);
		}
		if (fd < 0) {
			r = mb_err(-fd, "creating the .kconfig map: %s", mb_strerror(-fd));
			goto out;
		}
		mb_trace_name_fd(fd, "map", kname);
		r = mb_sys_map_update(fd, &key, val, 0);
		if (!r)
			r = mb_sys_map_freeze(fd);
		if (r) {
			mb_trace_forget(fd);
			close(fd);
			r = mb_err(-r, "filling the .kconfig map: %s", mb_strerror(-r));
			goto out;
		}
		mb_kern_kconfig_fd(obj, fd);
	}
out:
	free(val);
	free(cfg);
	return r ? r : fd;
}

static uint32_t kcfg_offset(struct mb_object *obj, const char *name)
{
	struct kcfg *ks;
	uint32_t n, i, size, off = 0;

	if (kcfg_layout(obj, &ks, &n, &size))
		return 0;
	for (i = 0; i < n; i++)
		if (!strcmp(ks[i].name, name))
			off = ks[i].off;
	return off;
}

static int kcfg_var_off(void *ctx, const char *name, uint32_t *off)
{
	*off = kcfg_offset(ctx, name);
	return 0;
}

enum { X_ADDR, X_KFUNC, X_KCFG, X_TYPED };

/* libbpf's sanitizing of extern sections: the kernel takes no extern
 * linkage. .kconfig vars become allocated at their map offsets; .ksyms
 * entries become 4-byte int vars (a FUNC is swapped for a dummy var). */
static int sanitize(struct mb_object *obj)
{
	struct mb_btf_edit *ed = obj->elf->btf_edit;
	const struct mb_btf *btf = mb_btf_edit_view(ed);
	int ks = mb_btf_find(btf, ".ksyms", MB_BTF_KIND_DATASEC);
	int kc = mb_btf_find(btf, ".kconfig", MB_BTF_KIND_DATASEC);
	int int_id = -1, dummy = -1, name;
	uint32_t i, n, id, total;
	struct kcfg *l;
	char err[256];

	if (kc > 0) {
		const struct mb_btf_type *t = mb_btf_type_by_id(btf, (uint32_t)kc);
		const struct mb_btf_var_secinfo *v = t ? mb_btf_extra(t) : NULL;

		for (i = 0; t && i < mb_btf_vlen(t); i++) {
			struct mb_btf_type *var = mb_btf_edit_type(ed, v[i].type);

			if (var && mb_btf_kind(var) == MB_BTF_KIND_VAR)
				((struct mb_btf_var *)mb_btf_extra(var))->linkage = 1;
		}
		if (kcfg_layout(obj, &l, &n, &total))
			return -EINVAL;
		if (mb_btf_edit_fixup_datasec(ed, ".kconfig", total, kcfg_var_off, obj, err, sizeof(err)))
			return -EINVAL;
	}
	if (ks <= 0)
		return 0;
	for (id = 1; id < mb_btf_type_cnt(btf) && int_id < 0; id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(btf, id);

		if (t && mb_btf_kind(t) == MB_BTF_KIND_INT && t->size_or_type == 4)
			int_id = (int)id;
	}
	if (int_id < 0) {
		uint32_t rec[4] = { 0, MB_BTF_KIND_INT << 24, 4, 32 };

		if ((name = mb_btf_edit_add_str(ed, "int")) < 0)
			return name;
		rec[0] = (uint32_t)name;
		int_id = mb_btf_edit_add_type(ed, rec, sizeof(rec), err, sizeof(err));
		if (int_id < 0)
			return int_id;
	}
	{
		uint32_t rec[4] = { 0, MB_BTF_KIND_VAR << 24, (uint32_t)int_id, 1 };

		if ((name = mb_btf_edit_add_str(ed, "dummy_ksym")) < 0)
			return name;
		rec[0] = (uint32_t)name;
		dummy = mb_btf_edit_add_type(ed, rec, sizeof(rec), err, sizeof(err));
		if (dummy < 0)
			return dummy;
	}
	{
		struct mb_btf_type *sec = mb_btf_edit_type(ed, (uint32_t)ks);
		struct mb_btf_var_secinfo *v = sec ? mb_btf_extra(sec) : NULL;

		n = sec ? mb_btf_vlen(sec) : 0;
		for (i = 0; i < n; i++) {
			struct mb_btf_type *e = mb_btf_edit_type(ed, v[i].type);

			if (e && mb_btf_kind(e) == MB_BTF_KIND_FUNC) {
				struct mb_btf_type *proto = mb_btf_edit_type(ed, e->size_or_type);
				uint32_t j;

				for (j = 0; proto && mb_btf_kind(proto) == MB_BTF_KIND_FUNC_PROTO &&
					    j < mb_btf_vlen(proto); j++) {
					struct mb_btf_param *pa = (struct mb_btf_param *)mb_btf_extra(proto) + j;

					if (pa->type && !pa->name_off)
						pa->name_off = (uint32_t)name;
				}
				e->info = (e->info & ~0xffffu) | 1;   /* BTF_FUNC_GLOBAL */
				v[i].type = (uint32_t)dummy;
			} else if (e && mb_btf_kind(e) == MB_BTF_KIND_VAR) {
				((struct mb_btf_var *)mb_btf_extra(e))->linkage = 1;
				e->size_or_type = (uint32_t)int_id;
			}
			v[i].offset = i * 4;
			v[i].size = 4;
		}
		if (sec)
			sec->size_or_type = n * 4;
	}
	return 0;
}

/* In the object's BTF as the file has it (sanitizing rewrites only the bytes
 * to load, obj->elf->btf_edit): the type of extern NAME in DATASEC sec, or
 * -ENOENT. */
static int orig_entry(const struct mb_btf *k, const char *sec, const char *name)
{
	int ds = k ? mb_btf_find(k, sec, MB_BTF_KIND_DATASEC) : -ENOENT;
	const struct mb_btf_type *t = ds > 0 ? mb_btf_type_by_id(k, (uint32_t)ds) : NULL;
	const struct mb_btf_var_secinfo *v;
	uint32_t i;

	if (!t)
		return -ENOENT;
	v = mb_btf_extra(t);
	for (i = 0; i < mb_btf_vlen(t); i++) {
		const struct mb_btf_type *e = mb_btf_type_by_id(k, v[i].type);

		if (e && !strcmp(mb_btf_str(k, e->name_off), name)) {
			if (mb_btf_kind(e) != MB_BTF_KIND_VAR)
				return 0;
			return mb_btf_resolve(k, e->size_or_type) > 0 ? 2 : 1;   /* typed : void */
		}
	}
	return -ENOENT;
}

int mb_extern_prepare(struct mb_object *obj)
{
	const struct mb_btf *orig = obj->elf->btf;
	unsigned char *kind;
	uint32_t i;

	kcfg_reset();
	if (!obj->elf->nexterns)
		return 0;
	kind = mb_kern_ext_kinds(obj);
	if (!kind)
		return mb_err(ENOMEM, "out of memory");
	for (i = 0; i < obj->elf->nexterns; i++) {
		const struct mb_elf_extern *x = &obj->elf->externs[i];

		if (x->is_func)
			kind[i] = X_KFUNC;
		else if (orig_entry(orig, ".kconfig", x->name) >= 0)
			kind[i] = X_KCFG;
		else
			kind[i] = orig_entry(orig, ".ksyms", x->name) == 2 ? X_TYPED : X_ADDR;
	}
	if (!obj->elf->btf_edit ||
	    mb_btf_find(mb_btf_edit_view(obj->elf->btf_edit), "dummy_ksym", MB_BTF_KIND_VAR) > 0)
		return 0;   /* no BTF, or sanitized by an earlier load */
	if (sanitize(obj))
		mb_pr(MB_WARN, "minibpf: warning: %s: could not rewrite the extern sections of the object's BTF\n",
			obj->name);
	return 0;
}

/* Untyped ksyms (and typed ones that may fall back to an address): all
 * resolved in one pass over /proc/kallsyms, the first time a load needs one. */
struct ksym_want {
	const char *name;
	uint32_t idx;
};

struct ksym_scan {
	struct ksym_want *w;
	uint32_t n, left;
	uint64_t *addr;
};

static int want_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ksym_want *)a)->name, ((const struct ksym_want *)b)->name);
}

static int want_key(const void *key, const void *b)
{
	return strcmp(key, ((const struct ksym_want *)b)->name);
}

static int ksym_seen(void *ctx, uint64_t a, const char *name)
{
	struct ksym_scan *s = ctx;
	struct ksym_want *w = bsearch(name, s->w, s->n, sizeof(*s->w), want_key);

	/* the first of duplicate names wins; 0 (kptr_restrict) is no address */
	if (!w || !a || s->addr[w->idx])
		return 0;
	s->addr[w->idx] = a;
	return !--s->left;
}

static int ksym_addrs(struct mb_object *obj, const uint64_t **out)
{
	uint64_t **slot = mb_kern_ksym_addrs(obj);
	const unsigned char *kinds = mb_kern_ext_kinds(obj);
	uint32_t i, n = obj->elf->nexterns;
	struct ksym_scan s;
	int r;

	if (slot && *slot) {
		*out = *slot;
		return 0;
	}
	memset(&s, 0, sizeof(s));
	s.addr = slot && kinds ? calloc(n + 1, sizeof(*s.addr)) : NULL;
	s.w = s.addr ? calloc(n + 1, sizeof(*s.w)) : NULL;
	if (!s.w) {
		free(s.addr);
		return mb_err(ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++)
		if (kinds[i] == X_ADDR || kinds[i] == X_TYPED) {
			s.w[s.n].name = obj->elf->externs[i].name;
			s.w[s.n++].idx = i;
		}
	qsort(s.w, s.n, sizeof(*s.w), want_cmp);
	s.left = s.n;
	r = mb_kallsyms_scan(ksym_seen, &s);
	free(s.w);
	if (r && r != -ENOENT) {   /* no kallsyms (CONFIG_KALLSYMS=n): nothing found */
		free(s.addr);
		return mb_err(-r, "/proc/kallsyms: %s", mb_strerror(-r));
	}
	*slot = s.addr;
	*out = s.addr;
	return 0;
}

int mb_extern_patch(struct mb_object *obj, struct mb_prog *p, struct mb_elf_linked *l,
		    const struct mb_elf_patch *pt)
{
	const struct mb_elf_extern *x;
	struct bpf_insn *insn = &l->insns[pt->insn];
	unsigned char *kinds = mb_kern_ext_kinds(obj);
	struct mb_btf *kb;
	int id, fd;

	if (pt->index >= obj->elf->nexterns || !kinds)
		return mb_err(EINVAL, "prog '%s': insn %u: bad extern", p->def->name, pt->insn);
	x = &obj->elf->externs[pt->index];
	if (kinds[pt->index] == X_KFUNC) {
		if (insn->code != (BPF_JMP | BPF_CALL))
			return mb_err(EINVAL, "prog '%s': insn %u: kfunc '%s' used other than by a call",
				      p->def->name, pt->insn, x->name);
		/* no kernel BTF at all is an error, weak or not (as in
		 * libbpf): its message says why */
		kb = mb_kern_btf(obj);
		if (!kb)
			return -errno;
		id = mb_btf_find(kb, x->name, MB_BTF_KIND_FUNC);
		if (id < 0) {
			if (!x->weak)
				return mb_err(ESRCH, "prog '%s': insn %u: kfunc '%s' is not in the kernel's BTF",
					      p->def->name, pt->insn, x->name);
			insn->src_reg = 0;
			insn->imm = POISON_KFUNC + (int32_t)pt->index;
			return 0;
		}
		insn->src_reg = BPF_PSEUDO_KFUNC_CALL;
		insn->imm = id;
		insn->off = 0;   /* vmlinux, not a module (fd_array slot) */
		return 0;
	}
	if (insn->code != (BPF_LD | BPF_IMM | BPF_DW) || pt->insn + 1 >= l->insn_cnt)
		return mb_err(EINVAL, "prog '%s': insn %u: extern '%s' used by an unexpected instruction",
			      p->def->name, pt->insn, x->name);
	if (kinds[pt->index] == X_KCFG) {
		fd = kconfig_map(obj);
		if (fd < 0)
			return fd;
		insn[0].src_reg = BPF_PSEUDO_MAP_VALUE;
		insn[0].imm = fd;
		insn[1].imm = (int32_t)kcfg_offset(obj, x->name);
		return 0;
	}
	if (kinds[pt->index] == X_TYPED) {
		kb = mb_kern_btf(obj);
		if (!kb)
			return -errno;
		id = mb_btf_find(kb, x->name, MB_BTF_KIND_VAR);
		if (id > 0) {
			insn[0].src_reg = BPF_PSEUDO_BTF_ID;
			insn[0].imm = id;
			insn[1].imm = 0;   /* vmlinux, not a module */
			return 0;
		}
		if (!x->weak)
			return mb_err(ESRCH, "prog '%s': insn %u: typed ksym '%s' is not a variable in the kernel's BTF",
				      p->def->name, pt->insn, x->name);
	}
	{
		const uint64_t *addrs = NULL;
		uint64_t a;
		int r = ksym_addrs(obj, &addrs);

		if (r) {
			mb_err_prefix("prog '%s': insn %u: extern '%s': ", p->def->name, pt->insn, x->name);
			return r;
		}
		a = addrs[pt->index];
		if (!a && !x->weak)
			return mb_err(ESRCH, "prog '%s': insn %u: extern '%s' is not in /proc/kallsyms",
				      p->def->name, pt->insn, x->name);
		insn[0].imm = (int32_t)(uint32_t)a;
		insn[1].imm = (int32_t)(uint32_t)(a >> 32);
	}
	return 0;
}
#else
/* Built without externs: an object that declares one is refused before any
 * syscall, naming the first (it could not run right without its value). */
int mb_extern_prepare(struct mb_object *obj)
{
	const struct mb_elf_extern *x = obj->elf->nexterns ? &obj->elf->externs[0] : NULL;

	if (!x)
		return 0;
	return mb_err(EOPNOTSUPP, "object '%s': %s '%s': this minibpf is built without externs "
		      "(.kconfig, .ksyms, kfuncs; MB_EXTERN=0)", obj->name,
		      x->is_func ? "kfunc" : "extern", x->name);
}

int mb_extern_patch(struct mb_object *obj, struct mb_prog *p, struct mb_elf_linked *l,
		    const struct mb_elf_patch *pt)
{
	/* (mb_extern_prepare refused such an object before any program) */
	(void)obj;
	(void)l;
	return mb_err(EOPNOTSUPP, "prog '%s': insn %u: an extern: this minibpf is built without externs "
		      "(MB_EXTERN=0)", p->def->name, pt->insn);
}
#endif /* MB_EXTERN */
