/* CO-RE: resolve .BTF.ext relocation records against a target BTF and patch
 * the instructions. The rules are libbpf's (tools/lib/bpf/relo_core.c), so
 * the kernel ends up with the same program either loader makes. Pure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/core.h"

#define SPEC_MAX 64
#define INT_SIGNED 1

struct acc {
	uint32_t type_id, idx;
	const char *name;       /* NULL: array index */
};

struct spec {
	const struct mb_btf *btf;
	uint32_t root_id, kind;
	struct acc a[SPEC_MAX];
	uint32_t len;
	uint32_t raw[SPEC_MAX];
	uint32_t raw_len;
	uint64_t bit_off;
};

struct cands {
	uint32_t local_id;
	uint32_t n;
	uint32_t *ids;
};

struct mb_core {
	const struct mb_btf *local, *target;
	int big_endian;
	struct cands *cache;
	uint32_t ncache;
};

static const struct mb_btf_type void_type;

static const char *const kind_names[] = {
	"field_byte_offset", "field_byte_size", "field_exists", "field_signed",
	"field_lshift_u64", "field_rshift_u64", "local_type_id", "target_type_id",
	"type_exists", "type_size", "enumval_exists", "enumval_value", "type_matches",
};

const char *mb_core_kind_str(uint32_t kind)
{
	return kind <= MB_CORE_TYPE_MATCHES ? kind_names[kind] : "unknown";
}

static int field_based(uint32_t k) { return k <= MB_CORE_FIELD_RSHIFT_U64; }
static int type_based(uint32_t k)
{
	return (k >= MB_CORE_TYPE_ID_LOCAL && k <= MB_CORE_TYPE_SIZE) || k == MB_CORE_TYPE_MATCHES;
}
static int enum_based(uint32_t k) { return k == MB_CORE_ENUMVAL_EXISTS || k == MB_CORE_ENUMVAL_VALUE; }

size_t mb_core_essential_len(const char *name)
{
	size_t n = strlen(name);
	size_t i;

	/* libbpf: the last "x___y" (exactly three underscores) starts a flavor */
	for (i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;)
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i + 3] == '_' && name[i + 4] != '_')
			return i + 1;
	return n;
}

static const struct mb_btf_type *type_at(const struct mb_btf *b, uint32_t id)
{
	return id ? mb_btf_type_by_id(b, id) : &void_type;
}

static const struct mb_btf_type *skip(const struct mb_btf *b, uint32_t id, uint32_t *out)
{
	int r = mb_btf_resolve(b, id);

	if (r < 0)
		return NULL;
	if (out)
		*out = (uint32_t)r;
	return type_at(b, (uint32_t)r);
}

static const char *name_of(const struct mb_btf *b, uint32_t off)
{
	return mb_btf_str(b, off);
}

static unsigned kind(const struct mb_btf_type *t) { return mb_btf_kind(t); }
static int is_composite(const struct mb_btf_type *t)
{
	return kind(t) == MB_BTF_KIND_STRUCT || kind(t) == MB_BTF_KIND_UNION;
}
static int is_enum(const struct mb_btf_type *t)
{
	return kind(t) == MB_BTF_KIND_ENUM || kind(t) == MB_BTF_KIND_ENUM64;
}
static uint32_t int_enc(const struct mb_btf_type *t) { return (*(const uint32_t *)mb_btf_extra(t) >> 24) & 0xf; }
static uint32_t int_off(const struct mb_btf_type *t) { return (*(const uint32_t *)mb_btf_extra(t) >> 16) & 0xff; }
static const struct mb_btf_member *members(const struct mb_btf_type *t) { return mb_btf_extra(t); }
static uint32_t mem_bit_off(const struct mb_btf_type *t, uint32_t i)
{
	uint32_t o = members(t)[i].offset;

	return mb_btf_kflag(t) ? o & 0xffffff : o;
}
static uint32_t mem_bit_size(const struct mb_btf_type *t, uint32_t i)
{
	return mb_btf_kflag(t) ? members(t)[i].offset >> 24 : 0;
}
static uint32_t enum_name_off(const struct mb_btf_type *t, uint32_t i)
{
	if (kind(t) == MB_BTF_KIND_ENUM)
		return ((const struct mb_btf_enum *)mb_btf_extra(t))[i].name_off;
	return ((const struct mb_btf_enum64 *)mb_btf_extra(t))[i].name_off;
}

static int kinds_compat(const struct mb_btf_type *a, const struct mb_btf_type *b)
{
	return kind(a) == kind(b) || (is_enum(a) && is_enum(b));
}

static int names_eq_essential(const char *a, const char *b)
{
	size_t la = mb_core_essential_len(a), lb = mb_core_essential_len(b);

	return la == lb && !strncmp(a, b, la);
}

/* bpf_core_fields_are_compat */
static int fields_compat(const struct mb_btf *lb, uint32_t lid, const struct mb_btf *tb, uint32_t tid)
{
	int depth;

	for (depth = 0; depth < 32; depth++) {
		const struct mb_btf_type *l = skip(lb, lid, &lid), *t = skip(tb, tid, &tid);

		if (!l || !t)
			return -EINVAL;
		if (is_composite(l) && is_composite(t))
			return 1;
		if (!kinds_compat(l, t))
			return 0;
		switch (kind(l)) {
		case MB_BTF_KIND_PTR: case MB_BTF_KIND_FLOAT:
			return 1;
		case MB_BTF_KIND_FWD: case MB_BTF_KIND_ENUM: case MB_BTF_KIND_ENUM64: {
			const char *ln = name_of(lb, l->name_off), *tn = name_of(tb, t->name_off);

			return !*ln || !*tn || names_eq_essential(ln, tn);
		}
		case MB_BTF_KIND_INT:
			return !int_off(l) && !int_off(t);
		case MB_BTF_KIND_ARRAY:
			lid = ((const struct mb_btf_array *)mb_btf_extra(l))->type;
			tid = ((const struct mb_btf_array *)mb_btf_extra(t))->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* bpf_core_types_are_compat */
static int types_compat(const struct mb_btf *lb, uint32_t lid, const struct mb_btf *tb, uint32_t tid, int level)
{
	int depth;

	if (level <= 0)
		return -EINVAL;
	for (depth = 0; depth < 32; depth++) {
		const struct mb_btf_type *l = skip(lb, lid, &lid), *t = skip(tb, tid, &tid);
		uint32_t i;
		int r;

		if (!l || !t)
			return -EINVAL;
		if (!kinds_compat(l, t))
			return 0;
		switch (kind(l)) {
		case MB_BTF_KIND_UNKN: case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION:
		case MB_BTF_KIND_ENUM: case MB_BTF_KIND_ENUM64: case MB_BTF_KIND_FWD:
			return 1;
		case MB_BTF_KIND_INT:
			return !int_off(l) && !int_off(t);
		case MB_BTF_KIND_PTR:
			lid = l->size_or_type;
			tid = t->size_or_type;
			continue;
		case MB_BTF_KIND_ARRAY:
			lid = ((const struct mb_btf_array *)mb_btf_extra(l))->type;
			tid = ((const struct mb_btf_array *)mb_btf_extra(t))->type;
			continue;
		case MB_BTF_KIND_FUNC_PROTO:
			if (mb_btf_vlen(l) != mb_btf_vlen(t))
				return 0;
			for (i = 0; i < mb_btf_vlen(l); i++) {
				r = types_compat(lb, ((const struct mb_btf_param *)mb_btf_extra(l))[i].type,
						 tb, ((const struct mb_btf_param *)mb_btf_extra(t))[i].type,
						 level - 1);
				if (r <= 0)
					return r;
			}
			lid = l->size_or_type;
			tid = t->size_or_type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* bpf_core_names_match: an anonymous target matches only an anonymous local */
static int names_match(const struct mb_btf *lb, uint32_t loff, const struct mb_btf *tb, uint32_t toff)
{
	const char *l = name_of(lb, loff), *t = name_of(tb, toff);

	return *t ? names_eq_essential(l, t) : !*l;
}

static int types_match(const struct mb_btf *lb, uint32_t lid, const struct mb_btf *tb, uint32_t tid,
		       int behind_ptr, int level);

static int enums_match(const struct mb_btf *lb, const struct mb_btf_type *l, const struct mb_btf *tb,
		       const struct mb_btf_type *t)
{
	uint32_t i, j;

	if (l->size_or_type != t->size_or_type || mb_btf_vlen(l) > mb_btf_vlen(t))
		return 0;
	for (i = 0; i < mb_btf_vlen(l); i++) {
		for (j = 0; j < mb_btf_vlen(t); j++)
			if (names_match(lb, enum_name_off(l, i), tb, enum_name_off(t, j)))
				break;
		if (j == mb_btf_vlen(t))
			return 0;
	}
	return 1;
}

static int composites_match(const struct mb_btf *lb, const struct mb_btf_type *l, const struct mb_btf *tb,
			    const struct mb_btf_type *t, int behind_ptr, int level)
{
	uint32_t i, j;
	int r;

	if (mb_btf_vlen(l) > mb_btf_vlen(t))
		return 0;
	for (i = 0; i < mb_btf_vlen(l); i++) {
		const struct mb_btf_member *lm = &members(l)[i];
		int matched = 0;

		for (j = 0; j < mb_btf_vlen(t) && !matched; j++) {
			const struct mb_btf_member *tm = &members(t)[j];

			if (!names_match(lb, lm->name_off, tb, tm->name_off))
				continue;
			r = types_match(lb, lm->type, tb, tm->type, behind_ptr, level - 1);
			if (r < 0)
				return r;
			matched = r > 0;
		}
		if (!matched)
			return 0;
	}
	return 1;
}

/* __bpf_core_types_match (TYPE_MATCHES, libbpf 1.1) */
static int types_match(const struct mb_btf *lb, uint32_t lid, const struct mb_btf *tb, uint32_t tid,
		       int behind_ptr, int level)
{
	int depth;

	if (level <= 0)
		return -EINVAL;
	for (depth = 0; depth < 32; depth++) {
		const struct mb_btf_type *l = skip(lb, lid, &lid), *t = skip(tb, tid, &tid);
		unsigned lk, tk;
		uint32_t i;
		int r;

		if (!l || !t)
			return -EINVAL;
		if (!names_match(lb, l->name_off, tb, t->name_off))
			return 0;
		lk = kind(l);
		tk = kind(t);
		switch (lk) {
		case MB_BTF_KIND_UNKN:
			return lk == tk;
		case MB_BTF_KIND_FWD:
			if (lk == tk)
				return mb_btf_kflag(l) == mb_btf_kflag(t);
			if (!behind_ptr)
				return 0;
			/* kflag: a union's forward declaration */
			return (tk == MB_BTF_KIND_STRUCT && !mb_btf_kflag(l)) ||
			       (tk == MB_BTF_KIND_UNION && mb_btf_kflag(l));
		case MB_BTF_KIND_ENUM: case MB_BTF_KIND_ENUM64:
			return is_enum(t) && enums_match(lb, l, tb, t);
		case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION:
			if (behind_ptr) {
				if (lk == tk)
					return 1;
				return tk == MB_BTF_KIND_FWD &&
				       (lk == MB_BTF_KIND_UNION) == mb_btf_kflag(t);
			}
			return lk == tk && composites_match(lb, l, tb, t, behind_ptr, level);
		case MB_BTF_KIND_INT:
			return lk == tk && l->size_or_type == t->size_or_type &&
			       (int_enc(l) & INT_SIGNED) == (int_enc(t) & INT_SIGNED);
		case MB_BTF_KIND_PTR:
			if (lk != tk)
				return 0;
			behind_ptr = 1;
			lid = l->size_or_type;
			tid = t->size_or_type;
			continue;
		case MB_BTF_KIND_ARRAY: {
			const struct mb_btf_array *la = mb_btf_extra(l), *ta = mb_btf_extra(t);

			if (lk != tk || la->nelems != ta->nelems)
				return 0;
			lid = la->type;
			tid = ta->type;
			continue;
		}
		case MB_BTF_KIND_FUNC_PROTO:
			if (lk != tk || mb_btf_vlen(l) != mb_btf_vlen(t))
				return 0;
			for (i = 0; i < mb_btf_vlen(l); i++) {
				r = types_match(lb, ((const struct mb_btf_param *)mb_btf_extra(l))[i].type,
						tb, ((const struct mb_btf_param *)mb_btf_extra(t))[i].type,
						behind_ptr, level - 1);
				if (r <= 0)
					return r;
			}
			lid = l->size_or_type;
			tid = t->size_or_type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* A zero-length array that is the last member of its struct. */
static int is_flex(const struct mb_btf *b, const struct acc *prev, const struct mb_btf_array *a)
{
	const struct mb_btf_type *t;

	if (!prev->name || a->nelems)
		return 0;
	t = type_at(b, prev->type_id);
	return t && prev->idx + 1 == mb_btf_vlen(t);
}

/* bpf_core_parse_spec */
static int parse_spec(const struct mb_btf *b, uint32_t type_id, const char *str, uint32_t rk,
		      struct spec *s)
{
	const struct mb_btf_type *t;
	uint32_t id, i, idx;
	int64_t sz;

	memset(s, 0, sizeof(*s));
	s->btf = b;
	s->root_id = type_id;
	s->kind = rk;
	if (type_based(rk))
		return strcmp(str, "0") ? -EINVAL : 0;
	if (!*str || *str == ':')
		return -EINVAL;
	while (*str) {
		uint64_t v = 0;

		if (*str == ':')
			str++;
		if (*str < '0' || *str > '9')
			return -EINVAL;
		while (*str >= '0' && *str <= '9') {
			v = v * 10 + (uint64_t)(*str++ - '0');
			if (v > INT32_MAX)
				return -ERANGE;
		}
		if (*str && *str != ':')
			return -EINVAL;
		if (s->raw_len == SPEC_MAX)
			return -E2BIG;
		s->raw[s->raw_len++] = (uint32_t)v;
	}
	t = skip(b, type_id, &id);
	if (!t)
		return -EINVAL;
	idx = s->raw[0];
	s->a[0].type_id = id;
	s->a[0].idx = idx;
	s->len = 1;
	if (enum_based(rk)) {
		if (!is_enum(t) || s->raw_len > 1 || idx >= mb_btf_vlen(t))
			return -EINVAL;
		s->a[0].name = name_of(b, enum_name_off(t, idx));
		return 0;
	}
	if (!field_based(rk))
		return -EINVAL;
	sz = mb_btf_type_size(b, id);
	if (sz < 0)
		return (int)sz;
	s->bit_off = (uint64_t)idx * (uint64_t)sz * 8;
	for (i = 1; i < s->raw_len; i++) {
		struct acc *a = &s->a[s->len];

		t = skip(b, id, &id);
		if (!t)
			return -EINVAL;
		idx = s->raw[i];
		if (is_composite(t)) {
			const struct mb_btf_member *m;

			if (idx >= mb_btf_vlen(t))
				return -EINVAL;
			s->bit_off += mem_bit_off(t, idx);
			m = &members(t)[idx];
			if (m->name_off) {
				const char *n = name_of(b, m->name_off);

				if (!*n)
					return -EINVAL;
				a->type_id = id;
				a->idx = idx;
				a->name = n;
				s->len++;
			}
			id = m->type;
		} else if (kind(t) == MB_BTF_KIND_ARRAY) {
			const struct mb_btf_array *arr = mb_btf_extra(t);

			if (!skip(b, arr->type, &id))
				return -EINVAL;
			if (!is_flex(b, a - 1, arr) && idx >= arr->nelems)
				return -EINVAL;
			a->type_id = id;
			a->idx = idx;
			a->name = NULL;
			s->len++;
			sz = mb_btf_type_size(b, id);
			if (sz < 0)
				return (int)sz;
			s->bit_off += (uint64_t)idx * (uint64_t)sz * 8;
		} else {
			return -EINVAL;
		}
		if (s->bit_off > UINT32_MAX)
			return -ERANGE;
	}
	return 0;
}

static void describe(const struct mb_btf *b, const struct spec *s, char *out, size_t len)
{
	const struct mb_btf_type *t = type_at(b, s->root_id);
	static const char *const kn[] = { [MB_BTF_KIND_STRUCT] = "struct ", [MB_BTF_KIND_UNION] = "union ",
					  [MB_BTF_KIND_ENUM] = "enum ", [MB_BTF_KIND_ENUM64] = "enum ",
					  [MB_BTF_KIND_TYPEDEF] = "typedef " };
	const char *k = "";
	size_t n;
	uint32_t i;

	if (t && kind(t) < sizeof(kn) / sizeof(kn[0]) && kn[kind(t)])
		k = kn[kind(t)];
	n = (size_t)snprintf(out, len, "%s%s", k, t ? name_of(b, t->name_off) : "?");
	if (enum_based(s->kind) && s->a[0].name)
		n += (size_t)snprintf(out + (n < len ? n : len), n < len ? len - n : 0, "::%s", s->a[0].name);
	for (i = 1; field_based(s->kind) && i < s->len; i++) {
		if (n >= len)
			break;
		if (s->a[i].name)
			n += (size_t)snprintf(out + n, len - n, ".%s", s->a[i].name);
		else
			n += (size_t)snprintf(out + n, len - n, "[%u]", s->a[i].idx);
	}
	for (i = 0; i < s->raw_len && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, "%s%u%s", i ? ":" : " (", s->raw[i],
				      i + 1 == s->raw_len ? ")" : "");
}

/* bpf_core_match_member: find the local member by name in the target,
 * descending into anonymous members. */
static int match_member(const struct mb_btf *lb, const struct acc *la, const struct mb_btf *tb,
			uint32_t tid, struct spec *ts, uint32_t *next, int depth)
{
	const struct mb_btf_type *lt = type_at(lb, la->type_id), *t;
	const struct mb_btf_member *lm;
	uint32_t i;
	int r;

	if (depth > 32 || !lt)
		return -EINVAL;
	lm = &members(lt)[la->idx];
	t = skip(tb, tid, &tid);
	if (!t)
		return -EINVAL;
	if (!is_composite(t))
		return 0;
	for (i = 0; i < mb_btf_vlen(t); i++) {
		const struct mb_btf_member *m = &members(t)[i];
		uint32_t bo = mem_bit_off(t, i);
		const char *tn;

		if (ts->raw_len == SPEC_MAX)
			return -E2BIG;
		ts->bit_off += bo;
		ts->raw[ts->raw_len++] = i;
		tn = name_of(tb, m->name_off);
		if (!*tn) {
			r = match_member(lb, la, tb, m->type, ts, next, depth + 1);
			if (r)
				return r;
		} else if (!strcmp(la->name, tn)) {
			struct acc *a = &ts->a[ts->len++];

			a->type_id = tid;
			a->idx = i;
			a->name = tn;
			*next = m->type;
			r = fields_compat(lb, lm->type, tb, m->type);
			if (r <= 0)
				ts->len--;
			return r;
		}
		ts->bit_off -= bo;
		ts->raw_len--;
	}
	return 0;
}

/* bpf_core_spec_match: 1 match, 0 no match, <0 error */
static int spec_match(const struct spec *ls, const struct mb_btf *tb, uint32_t tid, struct spec *ts)
{
	const struct mb_btf_type *t;
	uint32_t i;
	int64_t sz;
	int r;

	memset(ts, 0, sizeof(*ts));
	ts->btf = tb;
	ts->root_id = tid;
	ts->kind = ls->kind;
	if (type_based(ls->kind)) {
		if (ls->kind == MB_CORE_TYPE_MATCHES)
			return types_match(ls->btf, ls->root_id, tb, tid, 0, 32);
		return types_compat(ls->btf, ls->root_id, tb, tid, 32);
	}
	if (enum_based(ls->kind)) {
		size_t ll = mb_core_essential_len(ls->a[0].name);

		t = skip(tb, tid, &tid);
		if (!t || !is_enum(t))
			return 0;
		for (i = 0; i < mb_btf_vlen(t); i++) {
			const char *tn = name_of(tb, enum_name_off(t, i));

			if (mb_core_essential_len(tn) == ll && !strncmp(ls->a[0].name, tn, ll)) {
				ts->a[0].type_id = tid;
				ts->a[0].idx = i;
				ts->a[0].name = tn;
				ts->len = 1;
				ts->raw[ts->raw_len++] = i;
				return 1;
			}
		}
		return 0;
	}
	if (!field_based(ls->kind))
		return -EINVAL;
	for (i = 0; i < ls->len; i++) {
		const struct acc *la = &ls->a[i];

		t = skip(tb, tid, &tid);
		if (!t)
			return -EINVAL;
		if (la->name) {
			r = match_member(ls->btf, la, tb, tid, ts, &tid, 0);
			if (r <= 0)
				return r;
			continue;
		}
		if (i > 0) {
			const struct mb_btf_array *a;

			if (kind(t) != MB_BTF_KIND_ARRAY)
				return 0;
			a = mb_btf_extra(t);
			if (!is_flex(tb, &ts->a[ts->len - 1], a) && la->idx >= a->nelems)
				return 0;
			if (!skip(tb, a->type, &tid))
				return -EINVAL;
		}
		if (ts->raw_len == SPEC_MAX)
			return -E2BIG;
		ts->a[ts->len].type_id = tid;
		ts->a[ts->len].idx = la->idx;
		ts->a[ts->len].name = NULL;
		ts->len++;
		ts->raw[ts->raw_len++] = la->idx;
		sz = mb_btf_type_size(tb, tid);
		if (sz < 0)
			return (int)sz;
		ts->bit_off += (uint64_t)la->idx * (uint64_t)sz * 8;
		if (ts->bit_off > UINT32_MAX)
			return -ERANGE;
	}
	return 1;
}

struct calc {
	uint64_t orig, val;
	uint32_t orig_sz, new_sz;
	int poison, validate, fail_memsz;
};

/* bpf_core_calc_field_relo; -EUCLEAN asks for poisoning. */
static int field_value(const struct spec *s, uint32_t rk, int big_endian, uint64_t *val,
		       uint32_t *field_sz, uint32_t *type_id, int *validate)
{
	const struct acc *a;
	const struct mb_btf_type *t, *mt;
	uint32_t byte_off, byte_sz, bit_off, bit_sz, fid = 0;
	int64_t sz;
	int bitfield;

	*field_sz = 0;
	if (rk == MB_CORE_FIELD_EXISTS) {
		*val = s != NULL;
		return 0;
	}
	if (!s)
		return -EUCLEAN;
	a = &s->a[s->len - 1];
	if (!a->name) {
		sz = mb_btf_type_size(s->btf, a->type_id);
		if (sz < 0)
			return -EINVAL;
		if (rk == MB_CORE_FIELD_BYTE_OFFSET) {
			*val = s->bit_off / 8;
			*field_sz = (uint32_t)sz;
			*type_id = a->type_id;
		} else if (rk == MB_CORE_FIELD_BYTE_SIZE) {
			*val = (uint64_t)sz;
		} else {
			return -EINVAL;   /* libbpf: "can't be applied to array access" */
		}
		if (validate)
			*validate = 1;
		return 0;
	}
	t = type_at(s->btf, a->type_id);
	if (!t)
		return -EINVAL;
	mt = skip(s->btf, members(t)[a->idx].type, &fid);
	if (!mt)
		return -EINVAL;
	bit_off = (uint32_t)s->bit_off;
	bit_sz = mem_bit_size(t, a->idx);
	bitfield = bit_sz > 0;
	if (bitfield) {
		byte_sz = mt->size_or_type;
		if (!byte_sz || byte_sz > 8)
			return -EINVAL;
		byte_off = bit_off / 8 / byte_sz * byte_sz;
		/* the smallest load that covers the bits */
		while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
			if (byte_sz >= 8)
				return -E2BIG;
			byte_sz *= 2;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
		}
	} else {
		sz = mb_btf_type_size(s->btf, fid);
		if (sz < 0)
			return -EINVAL;
		byte_sz = (uint32_t)sz;
		byte_off = bit_off / 8;
		bit_sz = byte_sz * 8;
	}
	/* bitfield offsets may legitimately differ from the compiler's */
	if (validate)
		*validate = !bitfield;
	switch (rk) {
	case MB_CORE_FIELD_BYTE_OFFSET:
		*val = byte_off;
		if (!bitfield) {
			*field_sz = byte_sz;
			*type_id = fid;
		}
		break;
	case MB_CORE_FIELD_BYTE_SIZE:
		*val = byte_sz;
		break;
	case MB_CORE_FIELD_SIGNED:
		*val = (is_enum(mt) && mb_btf_kflag(mt)) ||
		       (kind(mt) == MB_BTF_KIND_INT && (int_enc(mt) & INT_SIGNED));
		if (validate)
			*validate = 1;
		break;
	case MB_CORE_FIELD_LSHIFT_U64:
		if (big_endian)
			*val = (8 - byte_sz) * 8 + (bit_off - byte_off * 8);
		else
			*val = 64 - (bit_off + bit_sz - byte_off * 8);
		break;
	case MB_CORE_FIELD_RSHIFT_U64:
		*val = 64 - bit_sz;
		if (validate)
			*validate = 1;
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

static int type_value(const struct spec *s, uint32_t rk, uint64_t *val, int *validate)
{
	int64_t sz;

	if (validate)
		*validate = 1;
	if (!s) {
		*val = 0;   /* type-based relocations read 0 when the type is absent */
		return 0;
	}
	switch (rk) {
	case MB_CORE_TYPE_ID_TARGET:
		*val = s->root_id;
		if (validate)
			*validate = 0;   /* ids change when objects are linked */
		break;
	case MB_CORE_TYPE_EXISTS: case MB_CORE_TYPE_MATCHES:
		*val = 1;
		break;
	case MB_CORE_TYPE_SIZE:
		sz = mb_btf_type_size(s->btf, s->root_id);
		if (sz < 0)
			return -EINVAL;
		*val = (uint64_t)sz;
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

static int enum_value(const struct spec *s, uint32_t rk, uint64_t *val)
{
	const struct mb_btf_type *t;

	if (rk == MB_CORE_ENUMVAL_EXISTS) {
		*val = s != NULL;
		return 0;
	}
	if (!s)
		return -EUCLEAN;
	t = type_at(s->btf, s->a[0].type_id);
	if (!t)
		return -EINVAL;
	if (kind(t) == MB_BTF_KIND_ENUM) {
		*val = (uint64_t)(int64_t)((const struct mb_btf_enum *)mb_btf_extra(t))[s->a[0].idx].val;
	} else {
		const struct mb_btf_enum64 *e = &((const struct mb_btf_enum64 *)mb_btf_extra(t))[s->a[0].idx];

		*val = (uint64_t)e->val_hi32 << 32 | e->val_lo32;
	}
	return 0;
}

/* bpf_core_calc_relo: targ NULL when no candidate matched. */
static int calc(const struct mb_core *c, const struct spec *ls, const struct spec *ts, struct calc *r)
{
	uint32_t rk = ls->kind, otid = 0, ntid = 0;
	int err = -EOPNOTSUPP;

	memset(r, 0, sizeof(*r));
	r->validate = 1;
	if (field_based(rk)) {
		err = field_value(ls, rk, c->big_endian, &r->orig, &r->orig_sz, &otid, &r->validate);
		if (!err)
			err = field_value(ts, rk, c->big_endian, &r->val, &r->new_sz, &ntid, NULL);
		if (!err && r->orig_sz != r->new_sz) {
			const struct mb_btf_type *o = skip(ls->btf, otid, NULL);
			const struct mb_btf_type *n = skip(ts->btf, ntid, NULL);

			/* only pointers and unsigned ints survive a resized load */
			if (!o || !n || !((kind(o) == MB_BTF_KIND_PTR && kind(n) == MB_BTF_KIND_PTR) ||
					  (kind(o) == MB_BTF_KIND_INT && kind(n) == MB_BTF_KIND_INT &&
					   !(int_enc(o) & INT_SIGNED) && !(int_enc(n) & INT_SIGNED))))
				r->fail_memsz = 1;
		}
	} else if (type_based(rk)) {
		err = type_value(ls, rk, &r->orig, &r->validate);
		if (!err)
			err = type_value(ts, rk, &r->val, NULL);
	} else if (enum_based(rk)) {
		err = enum_value(ls, rk, &r->orig);
		if (!err)
			err = enum_value(ts, rk, &r->val);
	}
	if (err == -EUCLEAN) {
		r->poison = 1;
		err = 0;
	}
	return err;
}

struct mb_core *mb_core_new(const struct mb_btf *local, const struct mb_btf *target, int big_endian)
{
	struct mb_core *c;

	if (!local || !target) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->local = local;
	c->target = target;
	c->big_endian = big_endian;
	return c;
}

void mb_core_free(struct mb_core *c)
{
	uint32_t i;

	if (!c)
		return;
	for (i = 0; i < c->ncache; i++)
		free(c->cache[i].ids);
	free(c->cache);
	free(c);
}

static int push_cand(struct cands *cs, uint32_t id);

struct cand_ctx {
	struct mb_core *c;
	const struct mb_btf_type *lt;
	const char *name;
	size_t len;
	struct cands *cs;
};

static int cand_cb(void *ctx, uint32_t id, const struct mb_btf_type *t)
{
	struct cand_ctx *cc = ctx;
	const char *tn = name_of(cc->c->target, t->name_off);

	if (!kinds_compat(t, cc->lt) || strncmp(tn, cc->name, cc->len) ||
	    mb_core_essential_len(tn) != cc->len)
		return 0;
	return push_cand(cc->cs, id) ? -ENOMEM : 0;
}

static int nop_cb(void *ctx, uint32_t id, const struct mb_btf_type *t)
{
	(void)ctx; (void)id; (void)t;
	return 0;
}

/* Target types whose kind fits and whose essential name equals the local
 * root type's (bpf_core_add_cands), cached per local type. */
static const struct cands *find_cands(struct mb_core *c, uint32_t local_id, char *err, size_t errlen)
{
	const struct mb_btf_type *lt = type_at(c->local, local_id);
	struct cands *cs, *n;
	const char *lname;
	uint32_t i, cnt;
	size_t llen;

	for (i = 0; i < c->ncache; i++)
		if (c->cache[i].local_id == local_id)
			return &c->cache[i];
	if (!lt) {
		snprintf(err, errlen, "local type [%u] does not exist", local_id);
		return NULL;
	}
	lname = name_of(c->local, lt->name_off);
	llen = mb_core_essential_len(lname);
	if (!llen) {
		snprintf(err, errlen, "local type [%u] is anonymous: CO-RE needs a named type", local_id);
		return NULL;
	}
	cnt = mb_btf_type_cnt(c->target);
	if (!cnt) {
		snprintf(err, errlen, "target %s", mb_btf_error(c->target));
		return NULL;
	}
	n = realloc(c->cache, (c->ncache + 1) * sizeof(*c->cache));
	if (!n)
		goto oom;
	c->cache = n;
	cs = &c->cache[c->ncache];
	memset(cs, 0, sizeof(*cs));
	{
		struct cand_ctx cc = { c, lt, lname, llen, cs };
		int r = mb_btf_by_name(c->target, lname, llen, cand_cb, &cc);

		if (r == -ENOMEM) {
			free(cs->ids);
			goto oom;
		}
		if (r != -ENOSYS)
			cnt = 0;   /* the index answered */
	}
	for (i = 1; i < cnt; i++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(c->target, i);
		const char *tn;

		if (!kinds_compat(t, lt) || !t->name_off)
			continue;
		tn = name_of(c->target, t->name_off);
		if (tn[0] != lname[0] || strncmp(tn, lname, llen) || mb_core_essential_len(tn) != llen)
			continue;
		if (push_cand(cs, i)) {
			free(cs->ids);
			goto oom;
		}
	}
	cs->local_id = local_id;
	c->ncache++;
	return cs;
oom:
	snprintf(err, errlen, "out of memory");
	return NULL;
}

static int push_cand(struct cands *cs, uint32_t id)
{
	if (!(cs->n & (cs->n + 1)) || !cs->ids) {
		/* grow at 0, 1, 3, 7, ...: capacity is the next power of two */
		uint32_t *ids = realloc(cs->ids, (size_t)(cs->n + 1) * 2 * sizeof(*ids));

		if (!ids)
			return -ENOMEM;
		cs->ids = ids;
	}
	cs->ids[cs->n++] = id;
	return 0;
}

int mb_core_prepare(struct mb_core *c, const struct mb_btf_core_relo *r, uint32_t n)
{
	struct want { const struct mb_btf_type *t; const char *name; size_t len; uint32_t slot; } *w;
	uint32_t i, j, nw = 0, cnt, id;
	struct cands *nc;

	if (mb_btf_by_name(c->target, "", 0, nop_cb, NULL) != -ENOSYS)
		return 0;   /* an index: lookups are cheap one by one */
	w = calloc(n + 1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct mb_btf_type *lt = type_at(c->local, r[i].type_id);

		if (r[i].kind == MB_CORE_TYPE_ID_LOCAL || !lt || !lt->name_off)
			continue;
		for (j = 0; j < c->ncache && c->cache[j].local_id != r[i].type_id; j++)
			;
		if (j < c->ncache)
			continue;
		for (j = 0; j < nw && c->cache[w[j].slot].local_id != r[i].type_id; j++)
			;
		if (j < nw)
			continue;
		nc = realloc(c->cache, (c->ncache + 1) * sizeof(*c->cache));
		if (!nc) {
			free(w);
			return -ENOMEM;
		}
		c->cache = nc;
		memset(&c->cache[c->ncache], 0, sizeof(*c->cache));
		c->cache[c->ncache].local_id = r[i].type_id;
		w[nw].t = lt;
		w[nw].name = name_of(c->local, lt->name_off);
		w[nw].len = mb_core_essential_len(w[nw].name);
		w[nw++].slot = c->ncache++;
	}
	cnt = nw ? mb_btf_type_cnt(c->target) : 0;
	/* one pass over the target for every root type at once */
	for (id = 1; id < cnt; id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(c->target, id);
		const char *tn;

		if (!t->name_off)
			continue;
		tn = name_of(c->target, t->name_off);
		for (j = 0; j < nw; j++)
			if (tn[0] == w[j].name[0] && kinds_compat(t, w[j].t) &&
			    !strncmp(tn, w[j].name, w[j].len) && mb_core_essential_len(tn) == w[j].len &&
			    push_cand(&c->cache[w[j].slot], id)) {
				free(w);
				return -ENOMEM;
			}
	}
	free(w);
	return 0;
}

static uint32_t mem_size_bytes(uint8_t code)
{
	switch (code & 0x18) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	default: return 8;
	}
}

static int size_code(uint32_t bytes)
{
	switch (bytes) {
	case 1: return BPF_B;
	case 2: return BPF_H;
	case 4: return BPF_W;
	case 8: return BPF_DW;
	}
	return -1;
}

static void poison(struct bpf_insn *insn)
{
	insn->code = BPF_JMP | BPF_CALL;
	insn->dst_reg = 0;
	insn->src_reg = 0;
	insn->off = 0;
	insn->imm = MB_CORE_POISON_IMM;
}

/* bpf_core_patch_insn */
static int patch(struct bpf_insn *insn, uint32_t avail, const struct calc *r, const char *desc,
		 char *err, size_t errlen)
{
	uint8_t cls = BPF_CLASS(insn->code);
	int is_ld64 = insn->code == (BPF_LD | BPF_IMM | BPF_DW);

	if (is_ld64 && avail < 2) {
		snprintf(err, errlen, "%s: ld_imm64 at the end of the program", desc);
		return -EINVAL;
	}
	if (r->poison)
		goto poison;
	switch (cls) {
	case BPF_ALU: case BPF_ALU64:
		if (BPF_SRC(insn->code) != BPF_K)
			break;
		if (r->validate && (uint32_t)insn->imm != (uint32_t)r->orig)
			goto unexpected;
		insn->imm = (int32_t)r->val;
		return 0;
	case BPF_LDX: case BPF_ST: case BPF_STX:
		if (r->validate && (int64_t)insn->off != (int64_t)r->orig)
			goto unexpected;
		if (r->val > INT16_MAX) {
			snprintf(err, errlen, "%s: offset %llu does not fit the instruction", desc,
				 (unsigned long long)r->val);
			return -ERANGE;
		}
		if (r->fail_memsz)
			goto poison;   /* libbpf: "accesses field incorrectly" */
		insn->off = (int16_t)r->val;
		if (r->new_sz != r->orig_sz) {
			int code = size_code(r->new_sz);

			if (mem_size_bytes(insn->code) != r->orig_sz || code < 0) {
				snprintf(err, errlen, "%s: load/store of %u bytes cannot become %u bytes",
					 desc, mem_size_bytes(insn->code), r->new_sz);
				return -EINVAL;
			}
			insn->code = (uint8_t)(BPF_MODE(insn->code) | code | cls);
		}
		return 0;
	case BPF_LD: {
		uint64_t imm;

		if (!is_ld64 || insn[0].src_reg || insn[0].off || insn[1].code || insn[1].dst_reg ||
		    insn[1].src_reg || insn[1].off)
			break;
		imm = (uint32_t)insn[0].imm | (uint64_t)(uint32_t)insn[1].imm << 32;
		if (r->validate && imm != r->orig)
			goto unexpected;
		insn[0].imm = (int32_t)(uint32_t)r->val;
		insn[1].imm = (int32_t)(uint32_t)(r->val >> 32);
		return 0;
	}
	}
	snprintf(err, errlen, "%s: cannot relocate instruction (code 0x%02x)", desc, insn->code);
	return -EINVAL;
unexpected:
	snprintf(err, errlen, "%s: instruction holds %lld, the object's BTF says %llu",
		 desc, (long long)(cls == BPF_LD ? (int64_t)((uint32_t)insn[0].imm | (uint64_t)(uint32_t)insn[1].imm << 32) :
				   (cls == BPF_ALU || cls == BPF_ALU64) ? insn->imm : insn->off),
		 (unsigned long long)r->orig);
	return -EINVAL;
poison:
	if (is_ld64)
		poison(insn + 1);   /* else the verifier reports "unknown opcode 00" */
	poison(insn);
	return 0;
}

/* libbpf's bpf_core_calc_relo_insn: the local spec, every candidate's, the
 * value of the first that matched (its spec in *first, root_id 0 if none). */
static int resolve(struct mb_core *c, const struct mb_btf_core_relo *rel, struct calc *rp,
		   struct spec *first, struct mb_core_result *res, char *err, size_t errlen)
{
	struct spec ls, cs;
	const struct cands *cands;
	struct calc r, cr;
	const char *acc = mb_btf_str(c->local, rel->access_str_off);
	uint32_t i, matched = 0;
	int e;

	memset(res, 0, sizeof(*res));
	memset(rp, 0, sizeof(*rp));	/* set on every path (gcc -fno-thread-jumps cannot tell) */
	first->root_id = 0;
	first->raw_len = 0;
	if (rel->kind > MB_CORE_TYPE_MATCHES) {
		snprintf(err, errlen, "unknown CO-RE relocation kind %u", rel->kind);
		return -EOPNOTSUPP;
	}
	e = parse_spec(c->local, rel->type_id, acc, rel->kind, &ls);
	describe(c->local, &ls, res->desc, sizeof(res->desc));
	if (e) {
		snprintf(err, errlen, "%s relocation of type [%u] with access '%s': invalid in the object's BTF",
			 mb_core_kind_str(rel->kind), rel->type_id, acc);
		return e;
	}
	if (rel->kind == MB_CORE_TYPE_ID_LOCAL) {
		memset(&r, 0, sizeof(r));
		r.validate = 1;
		r.orig = r.val = rel->type_id;
	} else {
		cands = find_cands(c, rel->type_id, err, errlen);
		if (!cands)
			return -EINVAL;
		for (i = 0; i < cands->n; i++) {
			e = spec_match(&ls, c->target, cands->ids[i], &cs);
			if (e < 0) {
				snprintf(err, errlen, "%s: matching target type [%u] failed: %s",
					 res->desc, cands->ids[i], strerror(-e));
				return e;
			}
			if (!e)
				continue;
			e = calc(c, &ls, &cs, &cr);
			if (e) {
				snprintf(err, errlen, "%s (%s): cannot compute the value: %s", res->desc,
					 mb_core_kind_str(rel->kind), strerror(-e));
				return e;
			}
			if (!matched) {
				r = cr;
				*first = cs;
			} else if (cs.bit_off != first->bit_off || cr.poison != r.poison || cr.val != r.val) {
				snprintf(err, errlen, "%s (%s): ambiguous: target types [%u] and [%u] disagree",
					 res->desc, mb_core_kind_str(rel->kind), first->root_id, cs.root_id);
				return -EINVAL;
			}
			matched++;
		}
		if (!matched) {
			e = calc(c, &ls, NULL, &r);
			if (e) {
				snprintf(err, errlen, "%s (%s): cannot compute the value: %s", res->desc,
					 mb_core_kind_str(rel->kind), strerror(-e));
				return e;
			}
		}
	}
	*rp = r;
	return 0;
}

int mb_core_apply(struct mb_core *c, const struct mb_btf_core_relo *rel, struct bpf_insn *insn,
		  uint32_t avail, struct mb_core_result *res, char *err, size_t errlen)
{
	struct spec ts;
	struct calc r;
	int e;

	if (!avail) {
		memset(res, 0, sizeof(*res));
		snprintf(err, errlen, "relocation outside the program");
		return -EINVAL;
	}
	e = resolve(c, rel, &r, &ts, res, err, errlen);
	if (e)
		return e;
	e = patch(insn, avail, &r, res->desc, err, errlen);
	if (e)
		return e;
	res->poisoned = r.poison || (r.fail_memsz && BPF_CLASS(insn->code) == BPF_JMP &&
				     insn->imm == MB_CORE_POISON_IMM);
	res->orig = r.orig;
	res->val = r.val;
	return 0;
}

int mb_core_target(struct mb_core *c, const struct mb_btf_core_relo *rel, uint32_t *root,
		   uint32_t *raw, uint32_t *raw_len, char *err, size_t errlen)
{
	struct mb_core_result res;
	struct spec ts;
	struct calc r;
	int e = resolve(c, rel, &r, &ts, &res, err, errlen);

	if (e)
		return e;
	if (ts.raw_len > *raw_len) {
		snprintf(err, errlen, "%s: access path too long", res.desc);
		return -E2BIG;
	}
	*root = ts.root_id;
	*raw_len = ts.raw_len;
	memcpy(raw, ts.raw, ts.raw_len * sizeof(*raw));
	return 0;
}
