/* A minimized kernel BTF (bpftool's `gen min_core_btf`): only what the CO-RE
 * relocations of some objects use, so a device without CONFIG_DEBUG_INFO_BTF
 * ships tens of KB instead of 5 MB. bpftool's rules (btfgen in its gen.c),
 * so both write the same bytes: a field access keeps the root type and, on
 * the path, the members it goes through (not their siblings) and those
 * members' types (a pointer without its pointee); type_exists/size/id keep
 * the type with everything it refers to, pointers followed, but no members;
 * type_matches keeps whole structs and unions reached by value; enum
 * relocations keep the whole enum. Types keep their order; ids are remapped;
 * a reference to a type left out becomes void. Pure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btfgen.h"
#include "btf/btf_int.h"
#include "btf/core.h"

#define DEPTH_MAX 64

struct mb_btfgen {
	const struct mb_btf *target;
	uint32_t cnt;
	uint8_t *mark;          /* by target id */
	uint64_t *mem;          /* (id << 16 | member index) of members kept */
	size_t nmem, capmem;
};

struct mb_btfgen *mb_btfgen_new(const struct mb_btf *target)
{
	struct mb_btfgen *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->target = target;
	g->cnt = mb_btf_type_cnt(target);
	g->mark = calloc(g->cnt ? g->cnt : 1, 1);
	if (!g->cnt || !g->mark) {
		errno = g->cnt ? ENOMEM : EINVAL;
		mb_btfgen_free(g);
		return NULL;
	}
	return g;
}

void mb_btfgen_free(struct mb_btfgen *g)
{
	if (!g)
		return;
	free(g->mark);
	free(g->mem);
	free(g);
}

static int mark_member(struct mb_btfgen *g, uint32_t id, uint32_t idx)
{
	if (g->nmem == g->capmem) {
		size_t n = g->capmem ? g->capmem * 2 : 64;
		uint64_t *m = realloc(g->mem, n * sizeof(*m));

		if (!m)
			return -ENOMEM;
		g->mem = m;
		g->capmem = n;
	}
	g->mem[g->nmem++] = (uint64_t)id << 16 | idx;
	return 0;
}

static const struct mb_btf_type *get(struct mb_btfgen *g, uint32_t id)
{
	return mb_btf_type_by_id(g->target, id);
}

/* btfgen_mark_type (match 0; flag: follow pointers) and
 * btfgen_mark_type_match (match 1; flag: behind a pointer), one walk. */
static int mark(struct mb_btfgen *g, uint32_t id, int match, int flag, int depth)
{
	const struct mb_btf_type *t;
	uint32_t i;
	int r = 0;

	if (!id)
		return 0;
	t = get(g, id);
	if (!t || depth > DEPTH_MAX)
		return t ? -ELOOP : -EINVAL;
	g->mark[id] = 1;
	switch (mb_btf_kind(t)) {
	case MB_BTF_KIND_INT: case MB_BTF_KIND_FLOAT: case MB_BTF_KIND_ENUM:
	case MB_BTF_KIND_ENUM64:
		return 0;
	case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION: {
		const struct mb_btf_member *m = mb_btf_extra(t);

		/* type_matches compares members of what is reached by value */
		for (i = 0; match && !flag && !r && i < mb_btf_vlen(t); i++) {
			r = mark_member(g, id, i);
			if (!r)
				r = mark(g, m[i].type, 1, 0, depth + 1);
		}
		return r;
	}
	case MB_BTF_KIND_PTR:
		if (!match && !flag)
			return 0;
		return mark(g, t->size_or_type, match, 1, depth + 1);
	case MB_BTF_KIND_CONST: case MB_BTF_KIND_VOLATILE: case MB_BTF_KIND_RESTRICT:
	case MB_BTF_KIND_TYPEDEF: case MB_BTF_KIND_TYPE_TAG: case MB_BTF_KIND_FWD:
		return mark(g, t->size_or_type, match, flag, depth + 1);
	case MB_BTF_KIND_ARRAY: {
		const struct mb_btf_array *a = mb_btf_extra(t);

		r = mark(g, a->type, match, match ? 0 : flag, depth + 1);
		return r ? r : mark(g, a->index_type, match, match ? 0 : flag, depth + 1);
	}
	case MB_BTF_KIND_FUNC_PROTO: {
		const struct mb_btf_param *p = mb_btf_extra(t);

		r = mark(g, t->size_or_type, match, flag, depth + 1);
		for (i = 0; !r && i < mb_btf_vlen(t); i++)
			r = mark(g, p[i].type, match, flag, depth + 1);
		return r;
	}
	default:
		return -EOPNOTSUPP;
	}
}

/* btfgen_record_field_relo: the root, then each member on the path */
static int mark_field(struct mb_btfgen *g, uint32_t id, const uint32_t *raw, uint32_t n)
{
	const struct mb_btf_type *t = get(g, id);
	uint32_t i, hops;
	int r = mark(g, id, 0, 0, 0);

	for (i = 1; !r && i < n; i++) {
		for (hops = 0; t && hops < DEPTH_MAX; hops++) {
			unsigned k = mb_btf_kind(t);

			if (k != MB_BTF_KIND_TYPEDEF && k != MB_BTF_KIND_CONST && k != MB_BTF_KIND_VOLATILE &&
			    k != MB_BTF_KIND_RESTRICT && k != MB_BTF_KIND_TYPE_TAG)
				break;
			id = t->size_or_type;
			t = get(g, id);
		}
		if (!t)
			return -EINVAL;
		if (mb_btf_kind(t) == MB_BTF_KIND_STRUCT || mb_btf_kind(t) == MB_BTF_KIND_UNION) {
			if (raw[i] >= mb_btf_vlen(t))
				return -EINVAL;
			r = mark_member(g, id, raw[i]);
			id = ((const struct mb_btf_member *)mb_btf_extra(t))[raw[i]].type;
			t = get(g, id);
			if (!r)
				r = mark(g, id, 0, 0, 0);
		} else if (mb_btf_kind(t) == MB_BTF_KIND_ARRAY) {
			id = ((const struct mb_btf_array *)mb_btf_extra(t))->type;
			t = get(g, id);
		} else {
			return -EOPNOTSUPP;
		}
	}
	return r;
}

int mb_btfgen_add(struct mb_btfgen *g, const struct mb_btf *local, const struct mb_btf_ext *ext,
		  int big_endian, char *err, size_t errlen)
{
	const struct mb_btf_ext_sec *es;
	struct mb_core *c = mb_core_new(local, g->target, big_endian);
	uint32_t s, i, root, raw[MB_CORE_SPEC_MAX], n;
	int r = 0;

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (s = 0; !r && (es = mb_btf_ext_sec_at(ext, s)); s++) {
		for (i = 0; !r && i < es->nr_core; i++) {
			const struct mb_btf_core_relo *rel = &es->core[i];

			n = MB_CORE_SPEC_MAX;
			r = mb_core_target(c, rel, &root, raw, &n, err, errlen);
			if (r || !root)
				continue;
			if (rel->kind <= MB_CORE_FIELD_RSHIFT_U64)
				r = mark_field(g, root, raw, n);
			else if (rel->kind == MB_CORE_TYPE_MATCHES)
				r = mark(g, root, 1, 0, 0);
			else if (rel->kind == MB_CORE_ENUMVAL_EXISTS || rel->kind == MB_CORE_ENUMVAL_VALUE)
				r = mark(g, root, 0, 0, 0);
			else if (rel->kind != MB_CORE_TYPE_ID_LOCAL)
				r = mark(g, root, 0, 1, 0);
			if (r)
				snprintf(err, errlen, "section %s: relocation %u: target type [%u]: %s",
					 es->name, i, root, r == -EOPNOTSUPP ? "a kind btfgen cannot keep" :
					 strerror(-r));
		}
	}
	mb_core_free(c);
	return r;
}

/* ---- writing ------------------------------------------------------------ */
struct out {
	uint32_t *w;            /* type section, u32 words */
	size_t nw, capw;
	char *s;                /* strings */
	size_t ns, caps;
	uint32_t *h;            /* string hash: offset + 1, 0 empty */
	size_t caph, nh;
	int oom;
};

static void put(struct out *o, uint32_t v)
{
	if (o->nw == o->capw) {
		size_t n = o->capw ? o->capw * 2 : 1024;
		uint32_t *w = realloc(o->w, n * sizeof(*w));

		if (!w) {
			o->oom = 1;
			return;
		}
		o->w = w;
		o->capw = n;
	}
	o->w[o->nw++] = v;
}

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* libbpf's btf__add_str: each distinct string once, in order of first use */
static uint32_t add_str(struct out *o, const char *str)
{
	size_t len = strlen(str) + 1, i;

	if (!*str || o->oom)
		return 0;
	if (2 * (o->nh + 1) > o->caph) {
		size_t n = o->caph ? o->caph * 2 : 4096;
		uint32_t *h = calloc(n, sizeof(*h));

		if (!h) {
			o->oom = 1;
			return 0;
		}
		for (i = 0; i < o->caph; i++)
			if (o->h[i]) {
				size_t j = str_hash(o->s + o->h[i] - 1) & (n - 1);

				while (h[j])
					j = (j + 1) & (n - 1);
				h[j] = o->h[i];
			}
		free(o->h);
		o->h = h;
		o->caph = n;
	}
	for (i = str_hash(str) & (o->caph - 1); o->h[i]; i = (i + 1) & (o->caph - 1))
		if (!strcmp(o->s + o->h[i] - 1, str))
			return o->h[i] - 1;
	if (o->ns + len > o->caps) {
		size_t n = (o->ns + len) * 2;
		char *s = realloc(o->s, n);

		if (!s) {
			o->oom = 1;
			return 0;
		}
		o->s = s;
		o->caps = n;
	}
	memcpy(o->s + o->ns, str, len);
	o->h[i] = (uint32_t)o->ns + 1;
	o->nh++;
	o->ns += len;
	return (uint32_t)(o->ns - len);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Ids in the new blob: remap the references of the record at word w. */
static void remap(uint32_t *w, const uint32_t *ids, uint32_t cnt)
{
	const struct mb_btf_type *t = (const struct mb_btf_type *)w;
	uint32_t i, vlen = mb_btf_vlen(t), *x = w + 3;
#define MAP(v) ((v) = (v) < cnt ? ids[v] : 0)

	switch (mb_btf_kind(t)) {
	case MB_BTF_KIND_PTR: case MB_BTF_KIND_TYPEDEF: case MB_BTF_KIND_VOLATILE:
	case MB_BTF_KIND_CONST: case MB_BTF_KIND_RESTRICT: case MB_BTF_KIND_TYPE_TAG:
	case MB_BTF_KIND_FUNC: case MB_BTF_KIND_VAR: case MB_BTF_KIND_DECL_TAG:
		MAP(w[2]);
		break;
	case MB_BTF_KIND_ARRAY:
		MAP(x[0]);
		MAP(x[1]);
		break;
	case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION:
		for (i = 0; i < vlen; i++)
			MAP(x[3 * i + 1]);
		break;
	case MB_BTF_KIND_FUNC_PROTO:
		MAP(w[2]);
		for (i = 0; i < vlen; i++)
			MAP(x[2 * i + 1]);
		break;
	case MB_BTF_KIND_DATASEC:
		for (i = 0; i < vlen; i++)
			MAP(x[3 * i]);
		break;
	}
#undef MAP
}

int mb_btfgen_write(struct mb_btfgen *g, int swap, void **out, size_t *len, char *err,
		    size_t errlen)
{
	const struct mb_btf *b = g->target;
	struct out o = { 0 };
	uint32_t *ids = calloc(g->cnt, sizeof(*ids)), *pos = calloc(g->cnt, sizeof(*pos));
	uint32_t id, next = 1, i, hdr[5];
	uint16_t magic = swap ? 0x9feb : 0xeb9f;
	size_t m = 0;
	uint8_t *blob;

	*out = NULL;
	if (g->nmem)
		qsort(g->mem, g->nmem, sizeof(*g->mem), cmp_u64);
	o.s = malloc(1);
	o.caps = o.ns = 1;
	if (o.s)
		o.s[0] = '\0';
	o.oom = !ids || !pos || !o.s;
	for (id = 1; id < g->cnt && !o.oom; id++) {
		const struct mb_btf_type *t;
		const uint32_t *x;
		unsigned k;
		uint32_t at;

		if (!g->mark[id])
			continue;
		t = get(g, id);
		if (!t)
			goto bad;
		k = mb_btf_kind(t);
		x = mb_btf_extra(t);
		ids[id] = next++;
		at = (uint32_t)o.nw;
		pos[ids[id]] = at;
		put(&o, add_str(&o, mb_btf_str(b, t->name_off)));
		if (k == MB_BTF_KIND_STRUCT || k == MB_BTF_KIND_UNION) {
			uint32_t kept = 0, kf = 0;

			put(&o, (uint32_t)k << 24);
			put(&o, t->size_or_type);
			while (m < g->nmem && g->mem[m] >> 16 < id)
				m++;
			for (; m < g->nmem && g->mem[m] >> 16 == id; m++) {
				struct mb_btf_member_info mi;

				i = g->mem[m] & 0xffff;
				if (m && g->mem[m - 1] == g->mem[m])
					continue;
				if (mb_btf_member(b, id, i, &mi))
					goto bad;
				put(&o, add_str(&o, mi.name));
				put(&o, mi.type);
				put(&o, mi.bit_offset | mi.bitfield_size << 24);
				kf |= mi.bitfield_size || mi.bit_offset % 8;
				kept++;
			}
			if (!o.oom)
				o.w[at + 1] = (uint32_t)k << 24 | kf << 31 | kept;
			continue;
		}
		put(&o, t->info);
		put(&o, t->size_or_type);
		if (mb_btf_extra_size(t) < 0)
			goto bad;
		for (i = 0; i < (uint32_t)mb_btf_extra_size(t) / 4; i++) {
			int name = (k == MB_BTF_KIND_ENUM && i % 2 == 0) ||
				   (k == MB_BTF_KIND_ENUM64 && i % 3 == 0) ||
				   (k == MB_BTF_KIND_FUNC_PROTO && i % 2 == 0);

			put(&o, name ? add_str(&o, mb_btf_str(b, x[i])) : x[i]);
		}
	}
	for (i = 1; i < next && !o.oom; i++)
		remap(o.w + pos[i], ids, g->cnt);
	if (o.oom)
		goto oom;
	hdr[0] = 24;            /* after magic, version 1, flags 0 */
	hdr[1] = 0;
	hdr[2] = (uint32_t)(o.nw * 4);
	hdr[3] = hdr[2];
	hdr[4] = (uint32_t)o.ns;
	*len = 24 + o.nw * 4 + o.ns;
	blob = malloc(*len);
	if (!blob)
		goto oom;
	if (swap) {
		for (i = 0; i < 5; i++)
			hdr[i] = btf_bswap32(hdr[i]);
		for (i = 0; i < o.nw; i++)
			o.w[i] = btf_bswap32(o.w[i]);
	}
	memcpy(blob, &magic, 2);
	blob[2] = 1;
	blob[3] = 0;
	memcpy(blob + 4, hdr, 20);
	if (o.nw)
		memcpy(blob + 24, o.w, o.nw * 4);
	memcpy(blob + 24 + o.nw * 4, o.s, o.ns);
	*out = blob;
	free(ids);
	free(pos);
	free(o.w);
	free(o.s);
	free(o.h);
	return 0;
bad:
	snprintf(err, errlen, "target type [%u] cannot be read", id);
	free(ids);
	free(pos);
	free(o.w);
	free(o.s);
	free(o.h);
	return -EINVAL;
oom:
	snprintf(err, errlen, "out of memory");
	free(ids);
	free(pos);
	free(o.w);
	free(o.s);
	free(o.h);
	return -ENOMEM;
}
