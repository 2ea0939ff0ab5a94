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
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"

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

/* A small inflate (RFC 1951) for /proc/config.gz: no zlib in a static
 * minibpf. Input is untrusted: every read is bounds-checked, output capped. */
#define INF_MAX (16u << 20)

struct inf {
	const uint8_t *in;
	size_t len, pos;
	uint32_t bb;
	int bc;
	uint8_t *out;
	size_t n, cap;
};

struct huff {
	uint16_t cnt[16];
	uint16_t sym[320];
};

static int getbits(struct inf *s, int need)
{
	uint32_t v;

	while (s->bc < need) {
		if (s->pos >= s->len)
			return -1;
		s->bb |= (uint32_t)s->in[s->pos++] << s->bc;
		s->bc += 8;
	}
	v = s->bb & ((1u << need) - 1);
	s->bb >>= need;
	s->bc -= need;
	return (int)v;
}

static int hbuild(struct huff *h, const uint8_t *len, int n)
{
	uint16_t off[16];
	int i, left = 1;

	memset(h->cnt, 0, sizeof(h->cnt));
	for (i = 0; i < n; i++)
		h->cnt[len[i]]++;
	for (i = 1; i < 16; i++) {
		left = left * 2 - h->cnt[i];
		if (left < 0)
			return -1;   /* over-subscribed */
	}
	off[1] = 0;
	for (i = 1; i < 15; i++)
		off[i + 1] = off[i] + h->cnt[i];
	for (i = 0; i < n; i++)
		if (len[i])
			h->sym[off[len[i]]++] = (uint16_t)i;
	return 0;
}

static int hdecode(struct inf *s, const struct huff *h)
{
	int code = 0, first = 0, idx = 0, l, b;

	for (l = 1; l < 16; l++) {
		if ((b = getbits(s, 1)) < 0)
			return -1;
		code |= b;
		if (code - first < h->cnt[l])
			return h->sym[idx + code - first];
		idx += h->cnt[l];
		first = (first + h->cnt[l]) << 1;
		code <<= 1;
	}
	return -1;
}

static int emit(struct inf *s, uint8_t c)
{
	if (s->n == s->cap) {
		uint8_t *o;

		if (s->cap >= INF_MAX)
			return -1;
		o = realloc(s->out, s->cap ? s->cap * 2 : 65536);
		if (!o)
			return -1;
		s->out = o;
		s->cap = s->cap ? s->cap * 2 : 65536;
	}
	s->out[s->n++] = c;
	return 0;
}

static int codes(struct inf *s, const struct huff *lc, const struct huff *dc)
{
	static const uint8_t lx[29] = { 0,0,0,0,0,0,0,0,1,1,1,1,2,2,2,2,3,3,3,3,4,4,4,4,5,5,5,5,0 };
	int sym, i;

	for (;;) {
		uint32_t len, dist, e;

		if ((sym = hdecode(s, lc)) < 0)
			return -1;
		if (sym < 256) {
			if (emit(s, (uint8_t)sym))
				return -1;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29)
			return -1;
		for (len = 3, i = 0; i < sym; i++)
			len += 1u << lx[i];
		if (sym == 28)
			len = 258;
		if ((int)(e = (uint32_t)getbits(s, lx[sym])) < 0)
			return -1;
		len += e;
		if ((sym = hdecode(s, dc)) < 0 || sym >= 30)
			return -1;
		for (dist = 1, i = 0; i < sym; i++)
			dist += 1u << (i < 2 ? 0 : i / 2 - 1);
		if ((int)(e = (uint32_t)getbits(s, sym < 2 ? 0 : sym / 2 - 1)) < 0)
			return -1;
		dist += e;
		if (dist > s->n)
			return -1;
		while (len--)
			if (emit(s, s->out[s->n - dist]))
				return -1;
	}
}

static int dynamic(struct inf *s, struct huff *lc, struct huff *dc)
{
	static const uint8_t order[19] = { 16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1,15 };
	uint8_t len[320];
	int nl, nd, nc, i, sym, rep;

	nl = getbits(s, 5) + 257;
	nd = getbits(s, 5) + 1;
	nc = getbits(s, 4) + 4;
	if (nl < 257 || nd < 1 || nc < 4 || nl > 286 || nd > 30)
		return -1;
	memset(len, 0, sizeof(len));
	for (i = 0; i < nc; i++)
		if ((sym = getbits(s, 3)) < 0)
			return -1;
		else
			len[order[i]] = (uint8_t)sym;
	if (hbuild(lc, len, 19))
		return -1;
	for (i = 0; i < nl + nd;) {
		uint8_t v = 0;

		if ((sym = hdecode(s, lc)) < 0)
			return -1;
		if (sym < 16) {
			len[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (!i)
				return -1;
			v = len[i - 1];
			rep = 3 + getbits(s, 2);
		} else {
			rep = sym == 17 ? 3 + getbits(s, 3) : 11 + getbits(s, 7);
		}
		if (rep < 3 || i + rep > nl + nd)
			return -1;
		while (rep--)
			len[i++] = v;
	}
	if (hbuild(lc, len, nl) || hbuild(dc, len + nl, nd))
		return -1;
	return codes(s, lc, dc);
}

static char *gunzip(const uint8_t *in, size_t len)
{
	struct inf s = { in, len, 10, 0, 0, NULL, 0, 0 };
	struct huff *h = malloc(2 * sizeof(*h));
	int last = 0, type, err = 0;
	uint8_t fl;

	if (!h || len < 18 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8)
		goto fail;
	fl = in[3];
	if (fl & 4)
		s.pos += 2 + (in[10] | (size_t)in[11] << 8);
	for (int b = 8; b <= 16; b <<= 1)
		if (fl & b)
			while (s.pos < len && in[s.pos++])
				;
	if (fl & 2)
		s.pos += 2;
	while (!last && !err) {
		last = getbits(&s, 1);
		type = getbits(&s, 2);
		if (last < 0 || type < 0 || type == 3) {
			err = 1;
		} else if (type == 0) {
			size_t n;

			s.bb = 0;
			s.bc = 0;
			if (s.pos + 4 > len)
				goto fail;
			n = in[s.pos] | (size_t)in[s.pos + 1] << 8;
			s.pos += 4;
			if (n > len - s.pos)
				goto fail;
			while (n-- && !err)
				err = emit(&s, in[s.pos++]) != 0;
		} else if (type == 1) {
			uint8_t l[320];
			int i;

			for (i = 0; i < 288; i++)
				l[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
			for (; i < 318; i++)
				l[i] = 5;
			err = hbuild(&h[0], l, 288) || hbuild(&h[1], l + 288, 30) ||
			      codes(&s, &h[0], &h[1]);
		} else {
			err = dynamic(&s, &h[0], &h[1]) != 0;
		}
	}
	if (err || emit(&s, 0))
		goto fail;
	free(h);
	return (char *)s.out;
fail:
	free(h);
	free(s.out);
	return NULL;
}

/* The kernel's config as text: /boot/config-RELEASE, else /proc/config.gz. */
static char *read_config(void)
{
	struct utsname u;
	char path[128];
	FILE *f;
	char *buf = NULL, *txt;
	size_t len = 0;
	ssize_t n;
	int gz = 0, ok;

	if (uname(&u))
		return NULL;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "re");
	if (!f) {
		f = fopen("/proc/config.gz", "re");
		gz = 1;
	}
	if (!f)
		return NULL;
	for (n = 0, ok = 0;;) {
		char *nb;
		size_t got;

		if ((size_t)n + 4096 > len) {
			if (len >= INF_MAX || !(nb = realloc(buf, len = len ? len * 2 : 65536)))
				break;
			buf = nb;
		}
		got = fread(buf + n, 1, len - (size_t)n - 1, f);
		n += (ssize_t)got;
		if (!got) {
			buf[n] = '\0';
			ok = !ferror(f);
			break;
		}
	}
	fclose(f);
	if (!ok) {
		free(buf);
		return NULL;
	}
	if (!gz)
		return buf;
	txt = gunzip((const uint8_t *)buf, (size_t)n);
	free(buf);
	return txt;
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
	int fd, r;

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
			if (!cfg)
				cfg = read_config();
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
		a.map_flags = BPF_F_RDONLY_PROG;
		snprintf(kname, sizeof(kname), "%.7s.kconfig", obj->name);
		a.name = kname;
		fd = mb_sys_map_create(&a);
		if (fd < 0) {
			r = mb_err(-fd, "creating the .kconfig map: %s", strerror(-fd));
			goto out;
		}
		mb_trace_name_fd(fd, "map", kname);
		r = mb_sys_map_update(fd, &key, val, 0);
		if (!r)
			r = mb_sys_map_freeze(fd);
		if (r) {
			mb_trace_forget(fd);
			close(fd);
			r = mb_err(-r, "filling the .kconfig map: %s", strerror(-r));
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

static uint64_t kallsyms_addr(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[256], *p;
	unsigned long long a;
	uint64_t found = 0;

	if (!f)
		return 0;
	/* "ffffffff81000000 T name\t[module]" */
	while (!found && fgets(line, sizeof(line), f)) {
		a = strtoull(line, &p, 16);
		if (p == line || p[0] != ' ' || !p[1] || p[2] != ' ')
			continue;
		p += 3;
		p[strcspn(p, " \t\n")] = 0;
		if (!strcmp(p, name))
			found = a;
	}
	fclose(f);
	return found;
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
		uint64_t a = kallsyms_addr(x->name);

		if (!a && !x->weak)
			return mb_err(ESRCH, "prog '%s': insn %u: extern '%s' is not in /proc/kallsyms",
				      p->def->name, pt->insn, x->name);
		insn[0].imm = (int32_t)(uint32_t)a;
		insn[1].imm = (int32_t)(uint32_t)(a >> 32);
	}
	return 0;
}
