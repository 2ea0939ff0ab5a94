/* `btf dump ... format c|raw`: every type of a BTF blob as a C header
 * (vmlinux.h) or one line per type, as bpftool prints them. Pure: the caller
 * gives the reader and the stream, so a build host can turn a device's BTF
 * into the header its CO-RE programs compile against.
 *
 * The C header follows bpftool's (libbpf's btf_dump) rules, so the names and
 * their ___N suffixes come out the same: types are ordered so that whatever
 * a definition embeds is defined first; a struct reached only through a
 * pointer needs just a forward declaration. Layout the compiler would not
 * reproduce by itself (holes, packing, odd enum sizes) is spelled out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mb_config.h"
#include "btf/btf.h"
#include "btf/btf_int.h"

#if MB_BTF_DUMP

#define MAX_DEPTH 256   /* nesting of a sane BTF is far below; a cycle stops here */

enum { S_NONE, S_ING, S_DONE };   /* order / emit state of a type */
enum { F_FWD = 1, F_REF = 2 };    /* forward declaration printed; referenced by a type */

struct names {                    /* name -> times a type took it */
	const char **key;
	uint32_t *cnt, cap, n;
};

struct cw {
	const struct mb_btf *btf;
	FILE *out;
	uint32_t n;                   /* type count, with void */
	uint8_t *ord, *emit, *flag, *align;
	uint32_t *dup;                /* 0: name not taken yet, 1: plain, N: name___N */
	uint32_t *queue, nq;
	struct names tn, in;          /* struct/union/enum tags; typedefs and enumerators */
	char last;                    /* last character of a declarator piece */
	uint32_t pad_left;            /* padding units still to write (a bogus offset asks for 2^32) */
	int err;
};

static const struct mb_btf_type *T(struct cw *w, uint32_t id)
{
	return mb_btf_type_by_id(w->btf, id);
}

static const char *S(struct cw *w, uint32_t off)
{
	return mb_btf_str(w->btf, off);
}

static unsigned K(const struct mb_btf_type *t)
{
	return t ? mb_btf_kind(t) : MB_BTF_KIND_UNKN;
}

static int composite(unsigned k)
{
	return k == MB_BTF_KIND_STRUCT || k == MB_BTF_KIND_UNION;
}

static int is_mod(unsigned k)
{
	return k == MB_BTF_KIND_CONST || k == MB_BTF_KIND_VOLATILE ||
	       k == MB_BTF_KIND_RESTRICT || k == MB_BTF_KIND_TYPE_TAG;
}

/* The type a record refers to (modifiers, pointers, typedefs, arrays). */
static uint32_t ref_of(const struct mb_btf_type *t)
{
	return K(t) == MB_BTF_KIND_ARRAY ? ((const struct mb_btf_array *)mb_btf_extra(t))->type
					 : t->size_or_type;
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* Count one more holder of name s: the new count, 0 if out of memory. */
static uint32_t take(struct cw *w, struct names *m, const char *s)
{
	uint32_t i;

	if (m->n * 2 >= m->cap) {
		struct names g = { NULL, NULL, m->cap ? m->cap * 2 : 1024, 0 };

		g.key = calloc(g.cap, sizeof(*g.key));
		g.cnt = calloc(g.cap, sizeof(*g.cnt));
		if (!g.key || !g.cnt) {
			free(g.key);
			free(g.cnt);
			w->err = -ENOMEM;
			return 0;
		}
		for (i = 0; i < m->cap; i++) {
			uint32_t j;

			if (!m->key[i])
				continue;
			for (j = hash(m->key[i]) & (g.cap - 1); g.key[j]; j = (j + 1) & (g.cap - 1))
				;
			g.key[j] = m->key[i];
			g.cnt[j] = m->cnt[i];
		}
		g.n = m->n;
		free(m->key);
		free(m->cnt);
		*m = g;
	}
	for (i = hash(s) & (m->cap - 1); m->key[i]; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->key[i], s))
			return ++m->cnt[i];
	m->key[i] = s;
	m->n++;
	return m->cnt[i] = 1;
}

/* ---- output --------------------------------------------------------------- */
static int ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static int is_modword(const char *s)
{
	return !strcmp(s, "const") || !strcmp(s, "volatile") || !strcmp(s, "restrict");
}

/* A declarator piece: a space where two words (or a word and '*' / '(')
 * would otherwise run together. */
static void put(struct cw *w, const char *s)
{
	if (!*s)
		return;
	if (((ident_char(w->last) || w->last == '}' || w->last == ')') &&
	     (ident_char(*s) || *s == '*' || *s == '(')) ||
	    (w->last == '*' && (*s == '(' || is_modword(s))))   /* bpftool's "* const", "* (*" */
		fputc(' ', w->out);
	fputs(s, w->out);
	w->last = s[strlen(s) - 1];
}

static void indent(struct cw *w, int lvl)
{
	fputc('\n', w->out);
	while (lvl-- > 0)
		fputc('\t', w->out);
}

/* The name a struct/union/enum (tags) or typedef (idents) is printed with:
 * the first to be printed keeps it, later ones get ___2, ___3, ... Forward
 * declarations and empty enums do not take a name. */
static void name_of(struct cw *w, uint32_t id, const struct mb_btf_type *t)
{
	const char *s = S(w, t->name_off);

	if (!w->dup[id]) {
		if (K(t) == MB_BTF_KIND_FWD || (K(t) == MB_BTF_KIND_ENUM && !mb_btf_vlen(t)))
			w->dup[id] = 1;
		else
			w->dup[id] = take(w, K(t) == MB_BTF_KIND_TYPEDEF ? &w->in : &w->tn, s);
	}
	put(w, s);
	if (w->dup[id] > 1)
		fprintf(w->out, "___%u", w->dup[id]);
}

/* ---- layout ----------------------------------------------------------------- */
static int packed(struct cw *w, const struct mb_btf_type *t, int depth);

/* The alignment the compiler gives a type (libbpf's rule: ints no more
 * than a pointer). Cached: nested structs are asked about again and again. */
static unsigned align_of(struct cw *w, uint32_t id, int depth)
{
	const struct mb_btf_type *t = T(w, id);
	unsigned a = 1, k = K(t);

	if (!t || depth > MAX_DEPTH)
		return 1;
	if (w->align[id])
		return w->align[id];
	switch (k) {
	case MB_BTF_KIND_INT: case MB_BTF_KIND_ENUM: case MB_BTF_KIND_ENUM64:
	case MB_BTF_KIND_FLOAT:
		a = t->size_or_type < w->btf->ptr_size ? t->size_or_type : w->btf->ptr_size;
		break;
	case MB_BTF_KIND_PTR:
		a = w->btf->ptr_size;
		break;
	case MB_BTF_KIND_TYPEDEF: case MB_BTF_KIND_CONST: case MB_BTF_KIND_VOLATILE:
	case MB_BTF_KIND_RESTRICT: case MB_BTF_KIND_TYPE_TAG: case MB_BTF_KIND_ARRAY:
		a = align_of(w, ref_of(t), depth + 1);
		break;
	case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION:
		a = packed(w, t, depth) ? 1 : 0;
		if (!a) {
			const struct mb_btf_member *m = mb_btf_extra(t);

			a = 1;
			for (uint32_t i = 0; i < mb_btf_vlen(t); i++) {
				unsigned ma = align_of(w, m[i].type, depth + 1);

				a = ma > a ? ma : a;
			}
		}
		break;
	}
	a = a ? a : 1;
	return w->align[id] = (uint8_t)(a > 128 ? 128 : a);
}

/* The natural layout of the members does not give these offsets or this
 * size: the type was packed (__attribute__((packed)) makes it so again). */
static int packed(struct cw *w, const struct mb_btf_type *t, int depth)
{
	const struct mb_btf_member *m = mb_btf_extra(t);
	unsigned max = 1, i, a;

	for (i = 0; i < mb_btf_vlen(t); i++) {
		a = align_of(w, m[i].type, depth + 1);
		if ((!mb_btf_kflag(t) || !(m[i].offset >> 24)) &&
		    (mb_btf_kflag(t) ? m[i].offset & 0xffffff : m[i].offset) % (8 * a))
			return 1;
		max = a > max ? a : max;
	}
	return t->size_or_type % max != 0;
}

static uint32_t roundup(uint32_t v, uint32_t a)
{
	return (v + a - 1) / a * a;
}

/* Unnamed bitfields that move the next member from bit cur to bit next
 * (the compiler would put it lower): the largest of long/int/short/char
 * that reaches an aligned boundary, a `T: 0` mark when the compiler would
 * not align there by itself, then whole units and one smaller remainder. */
static void pad(struct cw *w, uint32_t cur, uint32_t next, uint32_t next_align, int in_bf,
		int lvl)
{
	static const char *const pn[] = { "long", "int", "short", "char" };
	uint32_t pb[4] = { w->btf->ptr_size * 8, 32, 16, 8 }, at = 0;
	int i;

	if (cur >= next)
		return;
	if ((next - cur) / 8 > w->pad_left) {
		w->err = -E2BIG;
		return;
	}
	w->pad_left -= (next - cur) / 8;
	for (i = 0; i < 3; i++)
		if ((at = roundup(cur, pb[i])) <= next)
			break;
	if (i == 3)
		at = roundup(cur, 8);
	if (at > cur && at <= next) {
		if (in_bf || (at == next && roundup(cur, next_align * 8) != at) ||
		    (at != next && next - at <= at - cur)) {
			indent(w, lvl);
			fprintf(w->out, "%s: %u;", pn[i], in_bf ? at - cur : 0);
		}
		cur = at;
	}
	while (cur < next) {
		uint32_t bits = next - cur < pb[i] ? next - cur : pb[i];
		int j = i;

		if (bits < pb[i])       /* the remainder: the smallest unit holding it */
			for (j = 3; pb[j] < bits; j--)
				;
		indent(w, lvl);
		fprintf(w->out, "%s: %u;", pn[j], bits);
		cur += bits;
	}
}

/* ---- declarations ------------------------------------------------------------ */
static void decl(struct cw *w, uint32_t id, const char *name, int lvl, int depth);

static void enum_body(struct cw *w, const struct mb_btf_type *t, int lvl)
{
	const uint32_t *e = mb_btf_extra(t);
	unsigned step = K(t) == MB_BTF_KIND_ENUM ? 2 : 3, i, n = mb_btf_vlen(t), hi = 0;

	if (!n)
		return;
	fputs(" {", w->out);
	for (i = 0; i < n; i++, e += step) {
		const char *s = S(w, e[0]);
		uint32_t d = take(w, &w->in, s);

		indent(w, lvl + 1);
		fputs(s, w->out);
		if (d > 1)
			fprintf(w->out, "___%u", d);
		if (step == 2)
			fprintf(w->out, mb_btf_kflag(t) ? " = %d," : " = %u,", (int)e[1]);
		else
			fprintf(w->out, mb_btf_kflag(t) ? " = %lldLL," : " = %lluULL,",
				(long long)((uint64_t)e[2] << 32 | e[1]));
		hi |= step == 3 ? e[2] : 0;
	}
	indent(w, lvl);
	fputc('}', w->out);
	w->last = '}';
	/* sizes the values alone would not give */
	if (t->size_or_type == 1)
		put(w, "__attribute__((mode(byte)))");
	else if (t->size_or_type == 2)
		put(w, "__attribute__((mode(HI)))");
	else if (t->size_or_type == 8 && !hi)
		put(w, "__attribute__((mode(DI)))");
}

/* Bytes the members of a union take, rounded up to its alignment. */
static uint32_t max_end(struct cw *w, const struct mb_btf_type *t)
{
	const struct mb_btf_member *m = mb_btf_extra(t);
	uint32_t i, end = 0, a = 1;

	for (i = 0; i < mb_btf_vlen(t); i++) {
		int64_t sz = mb_btf_type_size(w->btf, m[i].type);
		unsigned ma = align_of(w, m[i].type, 0);

		end = sz > end ? (uint32_t)sz : end;
		a = ma > a ? ma : a;
	}
	return roundup(end, a);
}

static void struct_body(struct cw *w, uint32_t id, const struct mb_btf_type *t, int lvl,
			int depth)
{
	const struct mb_btf_member *m = mb_btf_extra(t);
	int is_struct = K(t) == MB_BTF_KIND_STRUCT, pk = packed(w, t, depth), prev_bf = 0;
	uint32_t i, off = 0, n = mb_btf_vlen(t);

	fputs(" {", w->out);
	for (i = 0; i < n && !w->err; i++) {
		uint32_t bits = mb_btf_kflag(t) ? m[i].offset >> 24 : 0;
		uint32_t at = mb_btf_kflag(t) ? m[i].offset & 0xffffff : m[i].offset;
		int64_t sz;

		if (at / 8 > t->size_or_type) {
			w->err = -E2BIG;
			break;
		}
		if (is_struct)
			pad(w, off, at, pk ? 1 : align_of(w, m[i].type, depth + 1),
			    prev_bf && bits, lvl + 1);
		indent(w, lvl + 1);
		w->last = '\t';
		decl(w, m[i].type, S(w, m[i].name_off), lvl + 1, depth + 1);
		if (bits)
			fprintf(w->out, ": %u", bits);
		sz = mb_btf_type_size(w->btf, m[i].type);
		off = at + (bits ? bits : sz > 0 ? (uint32_t)sz * 8 : 0);
		prev_bf = bits != 0;
		fputc(';', w->out);
	}
	if (is_struct) {
		pad(w, off, t->size_or_type * 8, align_of(w, id, depth), 0, lvl + 1);
	} else if (t->size_or_type > max_end(w, t) && t->size_or_type <= 8) {
		/* members BTF lost (a transparent union has none left): an
		 * unnamed bitfield still sizes the union */
		indent(w, lvl + 1);
		fprintf(w->out, "long: %u;", t->size_or_type * 8);
	}
	if (n || t->size_or_type)
		indent(w, lvl);
	fputc('}', w->out);
	w->last = '}';
	if (pk)
		put(w, "__attribute__((packed))");
}

static unsigned kind_past_mods(struct cw *w, uint32_t id)
{
	const struct mb_btf_type *t = T(w, id);
	int d;

	for (d = 0; t && is_mod(K(t)) && d < MAX_DEPTH; d++)
		t = T(w, t->size_or_type);
	return K(t);
}

/* Does a pointer to this need (*name)? */
static int needs_paren(struct cw *w, uint32_t id)
{
	unsigned k = kind_past_mods(w, id);

	return k == MB_BTF_KIND_ARRAY || k == MB_BTF_KIND_FUNC_PROTO;
}

/* What comes before the declared name. */
static void pre(struct cw *w, uint32_t id, int lvl, int depth)
{
	const struct mb_btf_type *t = T(w, id);
	static const char *const mods[] = { "volatile", "const", "restrict" };
	unsigned k = K(t);

	if (depth > MAX_DEPTH) {
		w->err = -ELOOP;
		return;
	}
	if (!id || !t) {
		put(w, "void");
		return;
	}
	switch (k) {
	case MB_BTF_KIND_INT: case MB_BTF_KIND_FLOAT:
		put(w, S(w, t->name_off));
		break;
	case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION:
		put(w, k == MB_BTF_KIND_STRUCT ? "struct" : "union");
		if (t->name_off)
			name_of(w, id, t);
		else
			struct_body(w, id, t, lvl, depth);
		break;
	case MB_BTF_KIND_ENUM: case MB_BTF_KIND_ENUM64:
		put(w, "enum");
		if (t->name_off)
			name_of(w, id, t);
		else
			enum_body(w, t, lvl);
		break;
	case MB_BTF_KIND_FWD:
		put(w, mb_btf_kflag(t) ? "union" : "struct");
		name_of(w, id, t);
		break;
	case MB_BTF_KIND_TYPEDEF:
		name_of(w, id, t);
		break;
	case MB_BTF_KIND_PTR:
		pre(w, t->size_or_type, lvl, depth + 1);
		put(w, needs_paren(w, t->size_or_type) ? "(*" : "*");
		break;
	case MB_BTF_KIND_CONST: case MB_BTF_KIND_VOLATILE: case MB_BTF_KIND_RESTRICT:
		/* int *const p, but const int x; on an array (gcc puts the
		 * element's there too) it is dropped, as libbpf does */
		if (kind_past_mods(w, t->size_or_type) == MB_BTF_KIND_ARRAY) {
			pre(w, t->size_or_type, lvl, depth + 1);
		} else if (K(T(w, t->size_or_type)) == MB_BTF_KIND_PTR) {
			pre(w, t->size_or_type, lvl, depth + 1);
			put(w, mods[k - MB_BTF_KIND_VOLATILE]);
		} else {
			put(w, mods[k - MB_BTF_KIND_VOLATILE]);
			pre(w, t->size_or_type, lvl, depth + 1);
		}
		break;
	case MB_BTF_KIND_ARRAY: case MB_BTF_KIND_FUNC_PROTO: case MB_BTF_KIND_TYPE_TAG:
		pre(w, ref_of(t), lvl, depth + 1);
		break;
	default:         /* FUNC, VAR, DATASEC, DECL_TAG are not types of values */
		put(w, "void");
	}
}

/* What comes after it: array bounds, parameter lists, closing parens. */
static void post(struct cw *w, uint32_t id, int lvl, int depth)
{
	const struct mb_btf_type *t = T(w, id);
	const struct mb_btf_param *p;
	uint32_t i, n;

	if (!t || depth > MAX_DEPTH || w->err)
		return;
	switch (K(t)) {
	case MB_BTF_KIND_PTR:
		if (needs_paren(w, t->size_or_type))
			put(w, ")");
		/* fallthrough */
	case MB_BTF_KIND_CONST: case MB_BTF_KIND_VOLATILE: case MB_BTF_KIND_RESTRICT:
	case MB_BTF_KIND_TYPE_TAG:
		post(w, t->size_or_type, lvl, depth + 1);
		break;
	case MB_BTF_KIND_ARRAY:
		fprintf(w->out, "[%u]", ((const struct mb_btf_array *)mb_btf_extra(t))->nelems);
		w->last = ']';
		post(w, ref_of(t), lvl, depth + 1);
		break;
	case MB_BTF_KIND_FUNC_PROTO:
		p = mb_btf_extra(t);
		n = mb_btf_vlen(t);
		fputc('(', w->out);
		w->last = '(';
		if (!n)
			put(w, "void");
		for (i = 0; i < n && !w->err; i++) {
			if (i)
				put(w, ", ");
			if (i == n - 1 && !p[i].type)
				put(w, "...");
			else
				decl(w, p[i].type, S(w, p[i].name_off), lvl, depth + 1);
		}
		put(w, ")");
		post(w, t->size_or_type, lvl, depth + 1);
		break;
	}
}

static void decl(struct cw *w, uint32_t id, const char *name, int lvl, int depth)
{
	pre(w, id, lvl, depth);
	put(w, name);
	post(w, id, lvl, depth);
}

/* ---- order ------------------------------------------------------------------- */
static void enqueue(struct cw *w, uint32_t id)
{
	w->queue[w->nq++] = id;
}

/* Put on the queue, definitions first, what type id needs before it can
 * be defined; through_ptr: reached through a pointer, where a named
 * struct needs no definition. Returns 1 if id is a complete named type
 * now (a typedef of it can be defined), 0 if not, <0 on a cycle that no
 * forward declaration breaks. */
static int order(struct cw *w, uint32_t id, int through_ptr, int depth)
{
	const struct mb_btf_type *t = T(w, id);
	unsigned k = K(t);
	uint32_t i, n;
	int r, strong;

	if (!id || !t || w->ord[id] == S_DONE)
		return !id || !t ? 0 : 1;
	if (depth > MAX_DEPTH)
		return -ELOOP;
	if (w->ord[id] == S_ING)
		return composite(k) && through_ptr && t->name_off ? 0 : -ELOOP;
	switch (k) {
	case MB_BTF_KIND_INT: case MB_BTF_KIND_FLOAT:
		w->ord[id] = S_DONE;
		return 0;
	case MB_BTF_KIND_PTR:
		r = order(w, t->size_or_type, 1, depth + 1);
		w->ord[id] = S_DONE;
		return r;
	case MB_BTF_KIND_ARRAY:
		return order(w, ref_of(t), 0, depth + 1);
	case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION: {
		const struct mb_btf_member *m = mb_btf_extra(t);

		if (through_ptr && t->name_off)
			return 0;
		w->ord[id] = S_ING;
		for (i = 0, n = mb_btf_vlen(t); i < n; i++)
			if ((r = order(w, m[i].type, 0, depth + 1)) < 0)
				return r;
		if (t->name_off)
			enqueue(w, id);
		w->ord[id] = S_DONE;
		return 1;
	}
	case MB_BTF_KIND_ENUM: case MB_BTF_KIND_ENUM64: case MB_BTF_KIND_FWD:
		/* anonymous enums only used by a member are printed inline */
		if (t->name_off || !(w->flag[id] & F_REF))
			enqueue(w, id);
		w->ord[id] = S_DONE;
		return 1;
	case MB_BTF_KIND_TYPEDEF:
		r = order(w, t->size_or_type, through_ptr, depth + 1);
		if (r < 0)
			return r;
		if (through_ptr && !r)
			return 0;
		enqueue(w, id);
		w->ord[id] = S_DONE;
		return 1;
	case MB_BTF_KIND_CONST: case MB_BTF_KIND_VOLATILE: case MB_BTF_KIND_RESTRICT:
	case MB_BTF_KIND_TYPE_TAG:
		return order(w, t->size_or_type, through_ptr, depth + 1);
	case MB_BTF_KIND_FUNC_PROTO: {
		const struct mb_btf_param *p = mb_btf_extra(t);

		if ((strong = order(w, t->size_or_type, through_ptr, depth + 1)) < 0)
			return strong;
		for (i = 0, n = mb_btf_vlen(t); i < n; i++) {
			if ((r = order(w, p[i].type, through_ptr, depth + 1)) < 0)
				return r;
			strong |= r;
		}
		return strong;
	}
	default:   /* FUNC, VAR, DATASEC, DECL_TAG: not printed */
		w->ord[id] = S_DONE;
		return 0;
	}
}

/* ---- emission ------------------------------------------------------------------ */
static int skip_typedef(struct cw *w, const struct mb_btf_type *t)
{
	return !strcmp(S(w, t->name_off), "__builtin_va_list");   /* the compiler's own */
}

static void typedef_def(struct cw *w, uint32_t id, const struct mb_btf_type *t, int depth)
{
	w->last = 0;
	fputs("typedef", w->out);
	w->last = 'f';
	pre(w, t->size_or_type, 0, depth);
	name_of(w, id, t);
	post(w, t->size_or_type, 0, depth);
	fputs(";\n\n", w->out);
}

static void struct_fwd(struct cw *w, uint32_t id, const struct mb_btf_type *t)
{
	w->last = 0;
	put(w, K(t) == MB_BTF_KIND_UNION || (K(t) == MB_BTF_KIND_FWD && mb_btf_kflag(t)) ?
	    "union" : "struct");
	name_of(w, id, t);
	fputs(";\n\n", w->out);
}

/* Print type id, and first what it needs: definitions of what it embeds,
 * forward declarations of what it points to. cont: the named struct being
 * printed (0 at top level). */
static const char *const poly[4][2] = {
	{ "__Poly8_t", "unsigned char" }, { "__Poly16_t", "unsigned short" },
	{ "__Poly64_t", "unsigned long long" }, { "__Poly128_t", "unsigned __int128" },
};

static void emit(struct cw *w, uint32_t id, uint32_t cont, int depth)
{
	const struct mb_btf_type *t = T(w, id);
	unsigned k = K(t);
	uint32_t i, n;

	if (!id || !t || w->emit[id] == S_DONE || depth > MAX_DEPTH || w->err)
		return;
	if (w->emit[id] == S_ING) {   /* a cycle: a forward declaration breaks it */
		if (w->flag[id] & F_FWD)
			return;
		if (composite(k) && id != cont && t->name_off) {
			struct_fwd(w, id, t);
			w->flag[id] |= F_FWD;
		} else if (k == MB_BTF_KIND_TYPEDEF) {
			if (!skip_typedef(w, t))
				typedef_def(w, id, t, depth);
			w->flag[id] |= F_FWD;
		}
		return;
	}
	switch (k) {
	case MB_BTF_KIND_INT: case MB_BTF_KIND_FLOAT:
		/* gcc's internal names of Arm SIMD types (arm64 vmlinux): give
		 * clang an alias, as libbpf does */
		for (i = 0; k == MB_BTF_KIND_INT && i < 4; i++)
			if (!strcmp(S(w, t->name_off), poly[i][0]))
				fprintf(w->out, "typedef %s %s;\n\n", poly[i][1], poly[i][0]);
		w->emit[id] = S_DONE;
		break;
	case MB_BTF_KIND_ENUM: case MB_BTF_KIND_ENUM64:
		if (!cont) {
			w->last = 0;
			pre(w, id, 0, depth);
			if (t->name_off)
				enum_body(w, t, 0);
			fputs(";\n\n", w->out);
		}
		w->emit[id] = S_DONE;
		break;
	case MB_BTF_KIND_PTR: case MB_BTF_KIND_CONST: case MB_BTF_KIND_VOLATILE:
	case MB_BTF_KIND_RESTRICT: case MB_BTF_KIND_TYPE_TAG: case MB_BTF_KIND_ARRAY:
		emit(w, ref_of(t), cont, depth + 1);
		break;
	case MB_BTF_KIND_FWD:
		struct_fwd(w, id, t);
		w->emit[id] = S_DONE;
		break;
	case MB_BTF_KIND_TYPEDEF:
		w->emit[id] = S_ING;
		emit(w, t->size_or_type, id, depth + 1);
		if (!(w->flag[id] & F_FWD) && !skip_typedef(w, t))
			typedef_def(w, id, t, depth);
		w->emit[id] = S_DONE;
		break;
	case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION:
		w->emit[id] = S_ING;
		if (!cont || !t->name_off) {
			const struct mb_btf_member *m = mb_btf_extra(t);

			for (i = 0, n = mb_btf_vlen(t); i < n; i++)
				emit(w, m[i].type, t->name_off ? id : cont, depth + 1);
		} else if (!(w->flag[id] & F_FWD) && id != cont) {
			struct_fwd(w, id, t);
			w->flag[id] |= F_FWD;
		}
		if (!cont) {
			w->last = 0;
			put(w, k == MB_BTF_KIND_STRUCT ? "struct" : "union");
			name_of(w, id, t);
			struct_body(w, id, t, 0, depth);
			fputs(";\n\n", w->out);
			w->emit[id] = S_DONE;
		} else {
			w->emit[id] = S_NONE;
		}
		break;
	case MB_BTF_KIND_FUNC_PROTO: {
		const struct mb_btf_param *p = mb_btf_extra(t);

		emit(w, t->size_or_type, cont, depth + 1);
		for (i = 0, n = mb_btf_vlen(t); i < n; i++)
			emit(w, p[i].type, cont, depth + 1);
		break;
	}
	}
}

static void mark_refs(struct cw *w, uint32_t id)
{
	const struct mb_btf_type *t = T(w, id);
	const uint32_t *r;
	uint32_t i, n, step = 0, at = 0;

	switch (K(t)) {
	case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION:
		step = 3, at = 1;
		break;
	case MB_BTF_KIND_FUNC_PROTO:   /* the parameters only, as libbpf */
		step = 2, at = 1;
		break;
	case MB_BTF_KIND_PTR: case MB_BTF_KIND_TYPEDEF: case MB_BTF_KIND_CONST:
	case MB_BTF_KIND_VOLATILE: case MB_BTF_KIND_RESTRICT: case MB_BTF_KIND_TYPE_TAG:
	case MB_BTF_KIND_FUNC: case MB_BTF_KIND_VAR: case MB_BTF_KIND_DECL_TAG:
		if (t->size_or_type < w->n)
			w->flag[t->size_or_type] |= F_REF;
		break;
	case MB_BTF_KIND_ARRAY:
		step = 1, at = 0;
		break;
	case MB_BTF_KIND_DATASEC:
		step = 3, at = 0;
		break;
	}
	if (!step)
		return;
	r = mb_btf_extra(t);
	n = K(t) == MB_BTF_KIND_ARRAY ? 2 : mb_btf_vlen(t);
	for (i = 0; i < n; i++)
		if (r[i * step + at] < w->n)
			w->flag[r[i * step + at]] |= F_REF;
}

int mb_btf_dump_c(const struct mb_btf *btf, FILE *out, char *err, size_t errlen)
{
	struct cw w = { .btf = btf, .out = out };
	uint32_t id, i;
	int r = 0;

	w.n = mb_btf_type_cnt(btf);
	w.pad_left = 4u << 20;    /* bytes of holes: vmlinux has 40 KB */
	if (!w.n) {
		btf_errf(err, errlen, "%s", mb_btf_error(btf));
		return -EINVAL;
	}
	w.ord = calloc(w.n, 4);   /* ord, emit, flag, align: a byte each per type */
	w.dup = calloc(w.n, sizeof(*w.dup));
	w.queue = calloc(w.n, sizeof(*w.queue));
	if (!w.ord || !w.dup || !w.queue) {
		r = -ENOMEM;
		goto out;
	}
	w.emit = w.ord + w.n;
	w.flag = w.emit + w.n;
	w.align = w.flag + w.n;
	for (id = 1; id < w.n; id++)
		mark_refs(&w, id);
	fputs("#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n"
	      "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
	      "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n"
	      "#endif\n\n", out);
	for (id = 1; id < w.n && !w.err; id++) {
		w.nq = 0;
		if ((r = order(&w, id, 0, 0)) < 0) {
			btf_errf(err, errlen, "BTF type [%u]: a cycle of types no forward declaration breaks", id);
			goto out;
		}
		for (i = 0; i < w.nq; i++)
			emit(&w, w.queue[i], 0, 0);
	}
	fputs("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n"
	      "#endif /* __VMLINUX_H__ */\n", out);
	r = w.err;
	if (r == -ELOOP)
		btf_errf(err, errlen, "BTF: types nest deeper than %d (a cycle?)", MAX_DEPTH);
	if (r == -E2BIG)
		btf_errf(err, errlen, "BTF: a member outside its struct, or holes of more than 4 MiB");
out:
	if (r == -ENOMEM)
		btf_errf(err, errlen, "out of memory");
	free(w.ord);
	free(w.dup);
	free(w.queue);
	free(w.tn.key);
	free(w.tn.cnt);
	free(w.in.key);
	free(w.in.cnt);
	return r;
}

#else /* MB_BTF_DUMP */
int mb_btf_dump_c(const struct mb_btf *btf, FILE *out, char *err, size_t errlen)
{
	(void)btf; (void)out;
	snprintf(err, errlen, "built without BTF dumps (MB_BTF_DUMP=0): only format raw");
	return -EOPNOTSUPP;
}
#endif /* MB_BTF_DUMP */

/* ---- raw: bpftool's `format raw` ------------------------------------------------ */

static const char *linkage(uint32_t l)
{
	return l == 0 ? "static" : l == 1 ? "global" : l == 2 ? "extern" : "(unknown)";
}

static const char *qname(const struct mb_btf *b, uint32_t off)
{
	const char *s = mb_btf_str(b, off);

	return *s ? s : "(anon)";
}

int mb_btf_dump_raw(const struct mb_btf *b, FILE *out)
{
	uint32_t id, n = mb_btf_type_cnt(b), i;

	if (!n)
		return -EINVAL;
	for (id = mb_btf_first_id(b); id < n; id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(b, id), *v;
		const uint32_t *x;
		unsigned k, vl;

		if (!t)
			return -EINVAL;
		k = mb_btf_kind(t);
		vl = mb_btf_vlen(t);
		x = mb_btf_extra(t);
		fprintf(out, "[%u] %s '%s'", id, mb_btf_kind_str(k), qname(b, t->name_off));
		switch (k) {
		case MB_BTF_KIND_INT: {
			static const char *const enc[] = { "(none)", "SIGNED", "CHAR", "UNKN", "BOOL" };

			fprintf(out, " size=%u bits_offset=%u nr_bits=%u encoding=%s", t->size_or_type,
				(*x >> 16) & 0xff, *x & 0xff, enc[(*x >> 24) > 4 ? 3 : *x >> 24]);
			break;
		}
		case MB_BTF_KIND_PTR: case MB_BTF_KIND_TYPEDEF: case MB_BTF_KIND_VOLATILE:
		case MB_BTF_KIND_CONST: case MB_BTF_KIND_RESTRICT: case MB_BTF_KIND_TYPE_TAG:
			fprintf(out, " type_id=%u", t->size_or_type);
			break;
		case MB_BTF_KIND_ARRAY:
			fprintf(out, " type_id=%u index_type_id=%u nr_elems=%u", x[0], x[1], x[2]);
			break;
		case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION:
			fprintf(out, " size=%u vlen=%u", t->size_or_type, vl);
			for (i = 0; i < vl; i++, x += 3) {
				fprintf(out, "\n\t'%s' type_id=%u bits_offset=%u", qname(b, x[0]), x[1],
					mb_btf_kflag(t) ? x[2] & 0xffffff : x[2]);
				if (mb_btf_kflag(t) && x[2] >> 24)
					fprintf(out, " bitfield_size=%u", x[2] >> 24);
			}
			break;
		case MB_BTF_KIND_ENUM: case MB_BTF_KIND_ENUM64:
			fprintf(out, " encoding=%s size=%u vlen=%u", mb_btf_kflag(t) ? "SIGNED" : "UNSIGNED",
				t->size_or_type, vl);
			for (i = 0; i < vl; i++) {
				fprintf(out, "\n\t'%s' val=", qname(b, x[0]));
				if (k == MB_BTF_KIND_ENUM)
					fprintf(out, mb_btf_kflag(t) ? "%d" : "%u", (int)x[1]);
				else
					fprintf(out, mb_btf_kflag(t) ? "%lldLL" : "%lluULL",
						(long long)((uint64_t)x[2] << 32 | x[1]));
				x += k == MB_BTF_KIND_ENUM ? 2 : 3;
			}
			break;
		case MB_BTF_KIND_FWD:
			fprintf(out, " fwd_kind=%s", mb_btf_kflag(t) ? "union" : "struct");
			break;
		case MB_BTF_KIND_FUNC:
			fprintf(out, " type_id=%u linkage=%s", t->size_or_type, linkage(vl));
			break;
		case MB_BTF_KIND_FUNC_PROTO:
			fprintf(out, " ret_type_id=%u vlen=%u", t->size_or_type, vl);
			for (i = 0; i < vl; i++, x += 2)
				fprintf(out, "\n\t'%s' type_id=%u", qname(b, x[0]), x[1]);
			break;
		case MB_BTF_KIND_VAR:
			fprintf(out, " type_id=%u, linkage=%s", t->size_or_type, linkage(*x));
			break;
		case MB_BTF_KIND_DATASEC:
			fprintf(out, " size=%u vlen=%u", t->size_or_type, vl);
			for (i = 0; i < vl; i++, x += 3) {
				v = mb_btf_type_by_id(b, x[0]);
				fprintf(out, "\n\ttype_id=%u offset=%u size=%u (%s '%s')", x[0], x[1], x[2],
					v ? mb_btf_kind_str(mb_btf_kind(v)) : "UNKNOWN",
					v ? qname(b, v->name_off) : "(anon)");
			}
			break;
		case MB_BTF_KIND_FLOAT:
			fprintf(out, " size=%u", t->size_or_type);
			break;
		case MB_BTF_KIND_DECL_TAG:
			fprintf(out, " type_id=%u component_idx=%d", t->size_or_type, (int)*x);
			break;
		}
		fputc('\n', out);
	}
	return 0;
}
