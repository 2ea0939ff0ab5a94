#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "elf/elf_reader.h"
#include "elf/object.h"
#include "uapi/bpf_compat.h"

#define SHF_EXECINSTR_ 0x4
#define SHT_PROGBITS_ 1
#define SHT_NOBITS_ 8
#define SHT_REL_ 9
#define SHT_RELA_ 4
#define STT_SECTION_ 3
#define STT_FUNC_ 2
#define STT_OBJECT_ 1
#define STB_LOCAL_ 0
#define STB_WEAK_ 2
#define R_BPF_NONE 0
#define R_BPF_64_64 1
#define R_BPF_64_ABS64 2
#define R_BPF_64_32 10
#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define CALL (BPF_JMP | BPF_CALL)
#define NO_TEXT UINT32_MAX
/* .bss is not backed by the file, so its size is not bounded by it. */
#define MAX_BSS (64u << 20)

struct parser {
	struct mb_elf e;
	struct mb_elf_object *obj;
	char *err;
	size_t errlen;
	uint32_t *sec_text;         /* section index -> text index or NO_TEXT */
	uint32_t *sym_extern;       /* symbol index -> extern index or UINT32_MAX */
	uint32_t legacy_sec, maps_sec;
	uint32_t *map_var_size;     /* per BTF map: size of its variable in .maps */
	uint32_t *map_values_off;   /* per BTF map: offset of `values` */
};

static int fail(struct parser *p, int ret, const char *fmt, ...)
{
	va_list ap;

	if (p->err && p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* Append a zeroed element to a growable array. */
static void *push(void *arrp, uint32_t *n, size_t elsz)
{
	void **arr = arrp;
	void *a;

	/* Grow at powers of two: realloc only when n is one. */
	if ((*n & (*n - 1)) == 0) {
		size_t cap = *n ? (size_t)*n * 2 : 1;

		a = realloc(*arr, cap * elsz);
		if (!a)
			return NULL;
		*arr = a;
	}
	a = (char *)*arr + (size_t)*n * elsz;
	memset(a, 0, elsz);
	(*n)++;
	return a;
}

static void insn_load(const struct mb_elf *e, const uint8_t *b, struct bpf_insn *in)
{
	in->code = b[0];
	/* The register byte holds two nibbles whose order follows the
	 * object's byte order: dst is the low nibble only in little endian. */
	if (e->big_endian) {
		in->dst_reg = b[1] >> 4;
		in->src_reg = b[1] & 0xf;
	} else {
		in->dst_reg = b[1] & 0xf;
		in->src_reg = b[1] >> 4;
	}
	in->off = (int16_t)mb_elf_rd16(e, b + 2);
	in->imm = (int32_t)mb_elf_rd32(e, b + 4);
}

static int starts_with_sec(const char *name, const char *base)
{
	size_t n = strlen(base);

	return !strncmp(name, base, n) && (name[n] == 0 || name[n] == '.');
}

/* "prog 'x': insn N" for an insn of a text section, for messages. */
static const char *where(const struct mb_elf_object *obj, uint32_t text, uint32_t insn,
			 char *buf, size_t len)
{
	uint32_t i;

	for (i = 0; i < obj->nfuncs; i++) {
		const struct mb_elf_func *f = &obj->funcs[i];

		if (f->text == text && insn >= f->insn_off && insn - f->insn_off < f->insn_cnt) {
			snprintf(buf, len, "%s '%s': insn %u", f->prog >= 0 ? "prog" : "func",
				 f->name, insn - f->insn_off);
			return buf;
		}
	}
	snprintf(buf, len, "section '%s': insn %u", obj->texts[text].name, insn);
	return buf;
}

static int read_license_version(struct parser *p)
{
	struct mb_elf *e = &p->e;
	uint32_t idx = mb_elf_sec_find(e, "license");
	const uint8_t *d;
	uint64_t size;

	if (idx) {
		d = mb_elf_sec_data(e, idx, &size);
		if (!d || !memchr(d, 0, size))
			return fail(p, -EINVAL, "section 'license' is not NUL-terminated");
		p->obj->license = strdup((const char *)d);
		if (!p->obj->license)
			return fail(p, -ENOMEM, "out of memory");
	}
	idx = mb_elf_sec_find(e, "version");
	if (idx) {
		d = mb_elf_sec_data(e, idx, &size);
		if (!d || size != 4)
			return fail(p, -EINVAL, "section 'version' has size %llu, expected 4",
				    (unsigned long long)size);
		p->obj->kern_version = mb_elf_rd32(e, d);
		p->obj->has_version = 1;
	}
	return 0;
}

static int read_sections_vars(struct parser *p)
{
	struct mb_elf *e = &p->e;
	struct mb_elf_object *obj = p->obj;
	uint32_t i;

	obj->sections = calloc(e->shnum, sizeof(*obj->sections));
	if (!obj->sections)
		return fail(p, -ENOMEM, "out of memory");
	obj->nsections = e->shnum;
	for (i = 0; i < e->shnum; i++) {
		obj->sections[i].type = e->sh[i].type;
		obj->sections[i].flags = e->sh[i].flags;
		obj->sections[i].size = e->sh[i].size;
		if (!(obj->sections[i].name = strdup(e->sh[i].name)))
			return fail(p, -ENOMEM, "out of memory");
	}
	for (i = 1; i < e->nsyms; i++) {
		const struct mb_elf_sym *s = &e->syms[i];
		struct mb_elf_var *v;

		if (s->type != STT_OBJECT_ || !s->name[0] || s->shndx == 0 || s->shndx >= e->shnum ||
		    e->sh[s->shndx].flags & SHF_EXECINSTR_)
			continue;
		if (s->value > e->sh[s->shndx].size || s->size > e->sh[s->shndx].size - s->value)
			return fail(p, -EINVAL, "variable '%s' (offset %llu, size %llu) does not fit section '%s'",
				    s->name, (unsigned long long)s->value, (unsigned long long)s->size,
				    e->sh[s->shndx].name);
		v = push(&obj->vars, &obj->nvars, sizeof(*v));
		if (!v || !(v->name = strdup(s->name)))
			return fail(p, -ENOMEM, "out of memory");
		v->sec_idx = s->shndx;
		v->offset = (uint32_t)s->value;
		v->size = (uint32_t)s->size;
		v->global = s->bind != STB_LOCAL_;
	}
	return 0;
}

static int read_texts(struct parser *p)
{
	struct mb_elf *e = &p->e;
	struct mb_elf_object *obj = p->obj;
	uint32_t i, k;

	for (i = 0; i < e->shnum; i++) {
		const struct mb_elf_shdr *s = &e->sh[i];
		struct mb_elf_text *t;
		const uint8_t *d;
		uint64_t size;

		p->sec_text[i] = NO_TEXT;
		if (!(s->flags & SHF_EXECINSTR_) || s->type != SHT_PROGBITS_ || !s->size)
			continue;
		if (s->size % 8)
			return fail(p, -EINVAL, "section '%s': size %llu is not a multiple of 8 (one insn)",
				    s->name, (unsigned long long)s->size);
		d = mb_elf_sec_data(e, i, &size);
		t = push(&obj->texts, &obj->ntexts, sizeof(*t));
		if (!t)
			return fail(p, -ENOMEM, "out of memory");
		p->sec_text[i] = obj->ntexts - 1;
		t->sec_idx = i;
		t->insn_cnt = (uint32_t)(size / 8);     /* size <= file size */
		t->name = strdup(s->name);
		t->insns = malloc(size);
		if (!t->name || !t->insns)
			return fail(p, -ENOMEM, "out of memory");
		for (k = 0; k < t->insn_cnt; k++)
			insn_load(e, d + (size_t)k * 8, &t->insns[k]);
	}
	return 0;
}

static int func_cmp(const void *a, const void *b)
{
	const struct mb_elf_func *x = a, *y = b;

	if (x->text != y->text)
		return x->text < y->text ? -1 : 1;
	return x->insn_off < y->insn_off ? -1 : x->insn_off > y->insn_off;
}

static int read_funcs(struct parser *p)
{
	struct mb_elf *e = &p->e;
	struct mb_elf_object *obj = p->obj;
	uint32_t i;

	for (i = 1; i < e->nsyms; i++) {
		const struct mb_elf_sym *s = &e->syms[i];
		struct mb_elf_func *f;
		uint32_t t;

		if (s->type != STT_FUNC_ || s->shndx >= e->shnum || p->sec_text[s->shndx] == NO_TEXT)
			continue;
		t = p->sec_text[s->shndx];
		if (!s->name[0])
			return fail(p, -EINVAL, "section '%s': function symbol %u has no name",
				    obj->texts[t].name, i);
		if (s->value % 8 || s->size % 8 || s->value / 8 >= obj->texts[t].insn_cnt ||
		    s->size / 8 > obj->texts[t].insn_cnt - s->value / 8)
			return fail(p, -EINVAL, "function '%s': offset %llu / size %llu do not fit section '%s' (%u insns)",
				    s->name, (unsigned long long)s->value, (unsigned long long)s->size,
				    obj->texts[t].name, obj->texts[t].insn_cnt);
		f = push(&obj->funcs, &obj->nfuncs, sizeof(*f));
		if (!f || !(f->name = strdup(s->name)))
			return fail(p, -ENOMEM, "out of memory");
		f->text = t;
		f->insn_off = (uint32_t)(s->value / 8);
		f->insn_cnt = (uint32_t)(s->size / 8);
		f->global = s->bind != STB_LOCAL_;
		/* st_other's low 2 bits: STV_INTERNAL 1, STV_HIDDEN 2 (__hidden) */
		f->hidden = f->global && ((s->other & 3) == 1 || (s->other & 3) == 2);
		f->prog = -1;
	}
	if (obj->nfuncs)
		qsort(obj->funcs, obj->nfuncs, sizeof(*obj->funcs), func_cmp);
	for (i = 0; i < obj->nfuncs; i++) {
		struct mb_elf_func *f = &obj->funcs[i];
		const struct mb_elf_text *t = &obj->texts[f->text];
		uint32_t end = (i + 1 < obj->nfuncs && obj->funcs[i + 1].text == f->text) ?
			       obj->funcs[i + 1].insn_off : t->insn_cnt;

		/* A symbol without a size runs to the next function. */
		if (!f->insn_cnt)
			f->insn_cnt = end - f->insn_off;
		if (f->insn_cnt == 0 || f->insn_off + f->insn_cnt > end)
			return fail(p, -EINVAL, "section '%s': function '%s' overlaps the next function",
				    t->name, f->name);
	}
	for (i = 0; i < obj->ntexts; i++) {
		uint32_t k;
		int found = 0;

		for (k = 0; k < obj->nfuncs; k++)
			found |= obj->funcs[k].text == i;
		if (!found && strcmp(obj->texts[i].name, ".text"))
			return fail(p, -EINVAL, "section '%s' holds code but no function symbol",
				    obj->texts[i].name);
	}
	/* Functions outside .text are programs. */
	for (i = 0; i < obj->nfuncs; i++) {
		struct mb_elf_func *f = &obj->funcs[i];
		const struct mb_elf_text *t = &obj->texts[f->text];
		struct mb_elf_prog *pr;

		if (!strcmp(t->name, ".text"))
			continue;
		pr = push(&obj->progs, &obj->nprogs, sizeof(*pr));
		if (!pr)
			return fail(p, -ENOMEM, "out of memory");
		f->prog = (int)obj->nprogs - 1;
		pr->name = strdup(f->name);
		pr->sec_name = strdup(t->name);
		if (!pr->name || !pr->sec_name)
			return fail(p, -ENOMEM, "out of memory");
		/* The SEC() name resolved once, here; loader/ and attach/ use it. */
		pr->known_sec = mb_sec_lookup(pr->sec_name, &pr->sec) == 0;
		pr->sec_idx = t->sec_idx;
		pr->text = f->text;
		pr->func = i;
		pr->insn_off = f->insn_off;
		pr->insn_cnt = f->insn_cnt;
		pr->global = f->global;
	}
	return 0;
}

static int read_externs(struct parser *p)
{
	struct mb_elf *e = &p->e;
	uint32_t i;

	/* The null symbol is no extern: a relocation naming it must not reach
	 * externs[0] (fuzzer find: externs was NULL). */
	p->sym_extern[0] = UINT32_MAX;
	for (i = 1; i < e->nsyms; i++) {
		const struct mb_elf_sym *s = &e->syms[i];
		struct mb_elf_extern *x;

		p->sym_extern[i] = UINT32_MAX;
		if (s->shndx != 0 || !s->name[0] || s->bind == STB_LOCAL_)
			continue;
		x = push(&p->obj->externs, &p->obj->nexterns, sizeof(*x));
		if (!x || !(x->name = strdup(s->name)))
			return fail(p, -ENOMEM, "out of memory");
		x->weak = s->bind == STB_WEAK_;
		x->sym = i;
		p->sym_extern[i] = p->obj->nexterns - 1;
	}
	return 0;
}

/* The kernel keeps 15 chars of a name. */
static void set_kname(char k[16], const char *s)
{
	size_t n = strlen(s);

	if (n > 15)
		n = 15;
	memcpy(k, s, n);
	k[n] = 0;
}

static struct mb_elf_map *map_add(struct parser *p, const char *name)
{
	struct mb_elf_map *m = push(&p->obj->maps, &p->obj->nmaps, sizeof(*m));

	if (!m)
		return NULL;
	m->name = strdup(name);
	if (!m->name)
		return NULL;
	set_kname(m->kname, name);
	return m;
}

/* The legacy map section: `maps`, or a name ending in "/maps" (the
 * decoders of ir-keytable use "lirc_mode2/maps"); the first one. */
static uint32_t legacy_maps_sec(const struct mb_elf *e)
{
	uint32_t i;

	for (i = 1; i < e->shnum; i++) {
		const char *n = e->sh[i].name;
		size_t len = strlen(n);

		if (!(e->sh[i].flags & SHF_EXECINSTR_) &&
		    (!strcmp(n, "maps") || (len > 5 && !strcmp(n + len - 5, "/maps"))))
			return i;
	}
	return 0;
}

/* The legacy map section: struct bpf_map_def records, one per symbol.
 * Records may be longer than the five fields we read (iproute2 and old
 * samples add their own): the record size is the section size / the map
 * count. */
static int read_legacy_maps(struct parser *p)
{
	struct mb_elf *e = &p->e;
	const uint8_t *d;
	uint64_t size, rec;
	uint32_t i, n = 0;
	const char *sname;

	p->legacy_sec = legacy_maps_sec(e);
	if (!p->legacy_sec)
		return 0;
	sname = e->sh[p->legacy_sec].name;
	d = mb_elf_sec_data(e, p->legacy_sec, &size);
	for (i = 1; i < e->nsyms; i++)
		n += e->syms[i].shndx == p->legacy_sec && e->syms[i].type != STT_SECTION_;
	if (!n)
		return 0;
	if (!d || size % n || size / n < 20)
		return fail(p, -EINVAL, "section '%s': size %llu does not hold %u map definitions of at least 20 bytes",
			    sname, (unsigned long long)size, n);
	rec = size / n;
	for (i = 1; i < e->nsyms; i++) {
		const struct mb_elf_sym *s = &e->syms[i];
		struct mb_elf_map *m;
		const uint8_t *r;

		if (s->shndx != p->legacy_sec || s->type == STT_SECTION_)
			continue;
		if (s->value % rec || s->value >= size)
			return fail(p, -EINVAL, "section '%s': map '%s' at offset %llu is not on a %llu-byte record boundary",
				    sname, s->name, (unsigned long long)s->value, (unsigned long long)rec);
		m = map_add(p, s->name);
		if (!m)
			return fail(p, -ENOMEM, "out of memory");
		r = d + s->value;
		m->origin = MB_MAP_LEGACY;
		m->sec_idx = p->legacy_sec;
		m->sec_offset = (uint32_t)s->value;
		m->type = mb_elf_rd32(e, r);
		m->key_size = mb_elf_rd32(e, r + 4);
		m->value_size = mb_elf_rd32(e, r + 8);
		m->max_entries = mb_elf_rd32(e, r + 12);
		m->map_flags = mb_elf_rd32(e, r + 16);
	}
	return 0;
}

static void copy_def(struct mb_elf_map *m, const struct mb_btf_map_def *d)
{
	m->origin = MB_MAP_BTF;
	m->sec_offset = d->sec_offset;
	m->type = d->type;
	m->key_size = d->key_size;
	m->value_size = d->value_size;
	m->max_entries = d->max_entries;
	m->map_flags = d->map_flags;
	m->numa_node = d->numa_node;
	m->pinning = d->pinning;
	m->map_extra = d->map_extra;
	m->btf_key_type_id = d->key_type_id;
	m->btf_value_type_id = d->value_type_id;
}

static int read_btf(struct parser *p)
{
	struct mb_elf *e = &p->e;
	struct mb_elf_object *obj = p->obj;
	uint32_t idx = mb_elf_sec_find(e, ".BTF");
	const uint8_t *d;
	uint64_t size;
	char berr[200];

	p->maps_sec = mb_elf_sec_find(e, ".maps");
	if (idx && (d = mb_elf_sec_data(e, idx, &size))) {
		obj->btf_data = malloc(size);
		if (!obj->btf_data)
			return fail(p, -ENOMEM, "out of memory");
		memcpy(obj->btf_data, d, size);
		obj->btf_size = size;
		berr[0] = 0;
		obj->btf = mb_btf_open(obj->btf_data, size, berr, sizeof(berr));
		/* Without .maps, BTF is optional: keep the raw bytes and let
		 * the loader decide. */
		if (!obj->btf && p->maps_sec)
			return fail(p, errno ? -errno : -EINVAL, "section '.BTF': %s", berr);
	}
	idx = mb_elf_sec_find(e, ".BTF.ext");
	if (idx && (d = mb_elf_sec_data(e, idx, &size))) {
		obj->btf_ext_data = malloc(size);
		if (!obj->btf_ext_data)
			return fail(p, -ENOMEM, "out of memory");
		memcpy(obj->btf_ext_data, d, size);
		obj->btf_ext_size = size;
	}
	return 0;
}

struct var_ctx {
	const struct mb_elf_object *obj;
	uint32_t sec_idx;
};

static int var_offset(void *ctx, const char *name, uint32_t *off)
{
	const struct var_ctx *c = ctx;
	uint32_t i;

	for (i = 0; i < c->obj->nvars; i++)
		if (c->obj->vars[i].sec_idx == c->sec_idx && !strcmp(c->obj->vars[i].name, name)) {
			*off = c->obj->vars[i].offset;
			return 0;
		}
	return -ENOENT;
}

/* clang leaves DATASEC sizes and VAR offsets 0 in objects: fill them from
 * the ELF sections and symbols in the bytes for BPF_BTF_LOAD. */
static int fixup_datasecs(struct parser *p)
{
	struct mb_elf_object *obj = p->obj;
	struct var_ctx c = { .obj = obj };
	char berr[200];
	int ret;

	uint32_t id, n;

	if (!obj->btf)
		return 0;
	berr[0] = 0;
	obj->btf_edit = mb_btf_edit_new(obj->btf, berr, sizeof(berr));
	if (!obj->btf_edit)
		return fail(p, -errno, "section '.BTF': %s", berr);
	/* One pass over the types: only sections that have a DATASEC. */
	n = mb_btf_type_cnt(obj->btf);
	for (id = 1; id < n; id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(obj->btf, id);
		const struct mb_elf_section *s;
		const char *name;
		int idx;

		if (!t || mb_btf_kind(t) != MB_BTF_KIND_DATASEC)
			continue;
		name = mb_btf_str(obj->btf, t->name_off);
		idx = mb_elf_object_sec_find(obj, name);
		if (idx < 0)
			continue;       /* .kconfig, .ksyms: no ELF section */
		s = &obj->sections[idx];
		if (s->flags & SHF_EXECINSTR_ || !s->size || s->size > UINT32_MAX)
			continue;
		c.sec_idx = (uint32_t)idx;
		berr[0] = 0;
		ret = mb_btf_edit_fixup_datasec(obj->btf_edit, name, (uint32_t)s->size, var_offset,
						&c, berr, sizeof(berr));
		if (ret && ret != -ENOENT)
			return fail(p, ret, "section '.BTF': DATASEC '%s': %s", name, berr);
	}
	return 0;
}

/* libbpf's rule: a global subprogram of restricted visibility (__hidden)
 * cannot be called from another object, so its BTF FUNC is made static and
 * the verifier checks it in its caller's context, not on its own. */
static void hidden_funcs_static(struct mb_elf_object *obj)
{
	uint32_t i;

	for (i = 0; obj->btf_edit && i < obj->nfuncs; i++) {
		const struct mb_elf_func *f = &obj->funcs[i];
		struct mb_btf_type *t;
		int id;

		if (!f->hidden || f->prog >= 0)
			continue;
		id = mb_btf_find(mb_btf_edit_view(obj->btf_edit), f->name, MB_BTF_KIND_FUNC);
		t = id > 0 ? mb_btf_edit_type(obj->btf_edit, (uint32_t)id) : NULL;
		if (t && mb_btf_vlen(t) == 1)     /* BTF_FUNC_GLOBAL -> BTF_FUNC_STATIC */
			t->info &= ~0xffffu;
	}
}

static int read_btf_maps(struct parser *p)
{
	struct mb_elf_object *obj = p->obj;
	struct mb_btf_map_def *defs = NULL;
	const struct mb_elf_var *v;
	char berr[200];
	int n, i, ret = 0;

	if (!p->maps_sec)
		return 0;
	if (!obj->btf)
		return fail(p, -EINVAL, "section '.maps' needs BTF, but there is no '.BTF' section (compile with clang -g)");
	berr[0] = 0;
	n = mb_btf_map_defs(obj->btf, ".maps", &defs, berr, sizeof(berr));
	if (n < 0)
		return fail(p, n, "section '.maps': %s", berr);
	p->map_var_size = calloc((size_t)obj->nmaps + n + 1, sizeof(uint32_t));
	p->map_values_off = calloc((size_t)obj->nmaps + n + 1, sizeof(uint32_t));
	if (!p->map_var_size || !p->map_values_off) {
		ret = fail(p, -ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct mb_elf_map *m = map_add(p, defs[i].name);

		if (!m) {
			ret = fail(p, -ENOMEM, "out of memory");
			goto out;
		}
		copy_def(m, &defs[i]);
		m->sec_idx = p->maps_sec;
		/* clang leaves DATASEC offsets 0 in objects: the symbol knows. */
		v = mb_elf_object_var_find(obj, ".maps", defs[i].name);
		if (!v) {
			ret = fail(p, -EINVAL, "map '%s': no symbol for it in section '.maps'", defs[i].name);
			goto out;
		}
		m->sec_offset = v->offset;
		p->map_var_size[obj->nmaps - 1] = v->size;
		p->map_values_off[obj->nmaps - 1] = defs[i].values_offset;
		if (defs[i].has_inner && defs[i].inner) {
			char iname[80];

			m->inner = calloc(1, sizeof(*m->inner));
			snprintf(iname, sizeof(iname), "%s.inner", defs[i].name);
			if (!m->inner || !(m->inner->name = strdup(iname))) {
				ret = fail(p, -ENOMEM, "out of memory");
				goto out;
			}
			copy_def(m->inner, defs[i].inner);
			set_kname(m->inner->kname, iname);
			m->inner->sec_idx = p->maps_sec;
		}
	}
out:
	mb_btf_map_defs_free(defs, n);
	return ret;
}

/* libbpf's kernel-visible name for a global data map: as much of the object
 * name as fits before the section name (at least 7 chars reserved for it),
 * no prefix if the section name has a second dot (.data.custom), and only
 * [A-Za-z0-9_.]. */
static void data_map_kname(char out[16], const char *obj_name, const char *sec)
{
	size_t sfx = strlen(sec), pfx;
	char *c;

	if (sfx < 7)
		sfx = 7;
	if (sfx > 15)
		sfx = 15;
	pfx = strchr(sec + 1, '.') ? 0 : 15 - sfx;
	if (pfx > strlen(obj_name))
		pfx = strlen(obj_name);
	snprintf(out, 16, "%.*s%.*s", (int)pfx, obj_name, (int)sfx, sec);
	for (c = out; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '.'))
			*c = '_';
}

static int read_data_maps(struct parser *p)
{
	struct mb_elf *e = &p->e;
	uint32_t i;

	for (i = 1; i < e->shnum; i++) {
		const struct mb_elf_shdr *s = &e->sh[i];
		int ro = starts_with_sec(s->name, ".rodata");
		struct mb_elf_map *m;
		const uint8_t *d;
		uint64_t size;

		if (s->flags & SHF_EXECINSTR_ || !s->size)
			continue;
		if (!((s->type == SHT_PROGBITS_ && (ro || starts_with_sec(s->name, ".data"))) ||
		      (s->type == SHT_NOBITS_ && starts_with_sec(s->name, ".bss"))))
			continue;
		if (s->size > MAX_BSS)
			return fail(p, -E2BIG, "section '%s': %llu bytes of global data is too large",
				    s->name, (unsigned long long)s->size);
		m = map_add(p, s->name);
		if (!m || !(m->init_data = calloc(1, s->size)))
			return fail(p, -ENOMEM, "out of memory");
		d = mb_elf_sec_data(e, i, &size);
		if (d)
			memcpy(m->init_data, d, size);
		data_map_kname(m->kname, p->obj->obj_name, s->name);
		m->origin = MB_MAP_DATA;
		m->sec_idx = i;
		m->type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->value_size = (uint32_t)s->size;
		m->max_entries = 1;
		if (ro) {
			m->map_flags = BPF_F_RDONLY_PROG;
			m->freeze = 1;
		}
	}
	return 0;
}

static int map_by_sym(const struct mb_elf_object *obj, const struct mb_elf_sym *s)
{
	uint32_t i;

	for (i = 0; i < obj->nmaps; i++)
		if (obj->maps[i].origin != MB_MAP_DATA && obj->maps[i].sec_idx == s->shndx &&
		    obj->maps[i].sec_offset == s->value)
			return (int)i;
	return -1;
}

static int data_map_of(const struct mb_elf_object *obj, uint32_t shndx)
{
	uint32_t i;

	for (i = 0; i < obj->nmaps; i++)
		if (obj->maps[i].origin == MB_MAP_DATA && obj->maps[i].sec_idx == shndx)
			return (int)i;
	return -1;
}

static int text_relocs(struct parser *p, uint32_t text, const struct mb_elf_rel *rels, int n,
		       const char *rsec)
{
	struct mb_elf_object *obj = p->obj;
	const struct mb_elf_text *t = &obj->texts[text];
	char w[160];
	int i;

	/* where the relocation is, formatted only for an error message */
#define W where(obj, text, rl.insn, w, sizeof(w))

	for (i = 0; i < n; i++) {
		const struct mb_elf_rel *r = &rels[i];
		const struct mb_elf_sym *s = &p->e.syms[r->sym];
		struct mb_elf_reloc rl = { .text = text };
		const struct bpf_insn *in;
		struct mb_elf_reloc *slot;
		uint32_t tt;
		int64_t target;
		int m;

		if (r->type == R_BPF_NONE)
			continue;
		if (r->offset % 8 || r->offset / 8 >= t->insn_cnt)
			return fail(p, -EINVAL, "section '%s': relocation %d: offset %llu is outside '%s' or not insn-aligned",
				    rsec, i, (unsigned long long)r->offset, t->name);
		rl.insn = (uint32_t)(r->offset / 8);
		in = &t->insns[rl.insn];
		tt = s->shndx < p->e.shnum ? p->sec_text[s->shndx] : NO_TEXT;
		if (r->type == R_BPF_64_64) {
			if (in->code != LD_IMM64 || rl.insn + 1 >= t->insn_cnt)
				return fail(p, -EINVAL, "%s: relocation against '%s' on an insn that is not ld_imm64 (code 0x%02x)",
					    W, s->name, in->code);
			if (s->shndx == 0) {
				if (p->sym_extern[r->sym] == UINT32_MAX)
					return fail(p, -EINVAL, "%s: relocation against undefined local symbol '%s'", W, s->name);
				rl.kind = MB_RELOC_EXTERN;
				rl.index = p->sym_extern[r->sym];
			} else if (s->shndx == p->legacy_sec || s->shndx == p->maps_sec) {
				m = map_by_sym(obj, s);
				if (m < 0)
					return fail(p, -EINVAL, "%s: relocation against unknown map '%s'", W, s->name);
				rl.kind = MB_RELOC_MAP;
				rl.index = (uint32_t)m;
			} else if (tt != NO_TEXT) {
				/* A function's address (callback): symbol + addend in imm. */
				target = (int64_t)s->value + in->imm;
				if (target < 0 || target % 8 || target / 8 >= obj->texts[tt].insn_cnt)
					return fail(p, -EINVAL, "%s: function address '%s'%+d is outside section '%s'",
						    W, s->name, in->imm, obj->texts[tt].name);
				rl.kind = MB_RELOC_FUNC;
				rl.index = tt;
				rl.offset = (uint32_t)(target / 8);
			} else if ((m = data_map_of(obj, s->shndx)) >= 0) {
				target = (int64_t)s->value + in->imm;
				if (target < 0 || target > obj->maps[m].value_size)
					return fail(p, -EINVAL, "%s: offset %lld into '%s' via '%s' is out of range (%u bytes)",
						    W, (long long)target, obj->maps[m].name, s->name,
						    obj->maps[m].value_size);
				rl.kind = MB_RELOC_DATA;
				rl.index = (uint32_t)m;
				rl.offset = (uint32_t)target;
			} else {
				return fail(p, -EINVAL, "%s: relocation against '%s' in section '%s', which holds no map, global data or code",
					    W, s->name, s->shndx < p->e.shnum ? p->e.sh[s->shndx].name : "?");
			}
		} else if (r->type == R_BPF_64_32) {
			if (in->code != CALL)
				return fail(p, -EINVAL, "%s: call relocation against '%s' on an insn that is not a call (code 0x%02x)",
					    W, s->name, in->code);
			if (s->shndx == 0 && p->sym_extern[r->sym] != UINT32_MAX) {
				rl.kind = MB_RELOC_EXTERN;
				rl.index = p->sym_extern[r->sym];
				obj->externs[rl.index].is_func = 1;
			} else if (tt != NO_TEXT && in->src_reg == BPF_PSEUDO_CALL) {
				target = (int64_t)s->value / 8 + in->imm + 1;
				if (s->value % 8 || target < 0 || target >= obj->texts[tt].insn_cnt)
					return fail(p, -EINVAL, "%s: call to '%s'%+d lands outside section '%s'",
						    W, s->name, in->imm, obj->texts[tt].name);
				rl.kind = MB_RELOC_CALL;
				rl.index = tt;
				rl.offset = (uint32_t)target;
			} else {
				return fail(p, -EINVAL, "%s: call relocation against '%s', which is not a function", W, s->name);
			}
		} else {
			return fail(p, -EINVAL, "%s: unsupported relocation type %u against '%s'", W, r->type, s->name);
		}
		slot = push(&obj->relocs, &obj->nrelocs, sizeof(*slot));
		if (!slot)
			return fail(p, -ENOMEM, "out of memory");
		*slot = rl;
	}
	return 0;
#undef W
}

/* The program whose code starts at byte OFF of text section TT, or -1. */
static int prog_at(const struct mb_elf_object *obj, uint32_t tt, uint64_t off)
{
	uint32_t k;

	for (k = 0; k < obj->nprogs; k++)
		if (obj->progs[k].text == tt && (uint64_t)obj->progs[k].insn_off * 8 == off)
			return (int)k;
	return -1;
}

/* Relocations inside .maps: pointers in a map-in-map's or prog array's
 * `values` array. */
static int maps_relocs(struct parser *p, const struct mb_elf_rel *rels, int n)
{
	struct mb_elf_object *obj = p->obj;
	int i;

	for (i = 0; i < n; i++) {
		const struct mb_elf_rel *r = &rels[i];
		const struct mb_elf_sym *s = &p->e.syms[r->sym];
		struct mb_elf_map_init *init;
		struct mb_elf_map *m = NULL;
		uint32_t k, tt;
		uint64_t rel;
		int target = -1;

		if (r->type == R_BPF_NONE)
			continue;
		for (k = 0; k < obj->nmaps && !m; k++)
			if (obj->maps[k].origin == MB_MAP_BTF && r->offset >= obj->maps[k].sec_offset &&
			    r->offset - obj->maps[k].sec_offset < p->map_var_size[k])
				m = &obj->maps[k];
		if (!m)
			return fail(p, -EINVAL, "section '.maps': relocation against '%s' at offset %llu is in no map",
				    s->name, (unsigned long long)r->offset);
		k = (uint32_t)(m - obj->maps);
		rel = r->offset - m->sec_offset;
		if (r->type != R_BPF_64_ABS64 || rel < p->map_values_off[k] ||
		    (rel - p->map_values_off[k]) % 8 ||
		    (!m->inner && m->type != BPF_MAP_TYPE_PROG_ARRAY))
			return fail(p, -EINVAL, "map '%s': relocation (type %u) against '%s' is not an entry of its 'values' array",
				    m->name, r->type, s->name);
		tt = s->shndx < p->e.shnum ? p->sec_text[s->shndx] : NO_TEXT;
		if (s->shndx == p->maps_sec && m->inner) {
			target = map_by_sym(obj, s);
		} else if (tt != NO_TEXT && m->type == BPF_MAP_TYPE_PROG_ARRAY) {
			target = prog_at(obj, tt, s->value);
		}
		if (target < 0)
			return fail(p, -EINVAL, "map '%s': initial value '%s' is not a %s of this object",
				    m->name, s->name, m->inner ? "map" : "program");
		init = push(&obj->inits, &obj->ninits, sizeof(*init));
		if (!init)
			return fail(p, -ENOMEM, "out of memory");
		init->map = (uint32_t)(m - obj->maps);
		init->slot = (uint32_t)((rel - p->map_values_off[init->map]) / 8);
		init->kind = m->inner ? MB_INIT_MAP : MB_INIT_PROG;
		init->target = (uint32_t)target;
	}
	return 0;
}

static int is_struct_ops_sec(const char *name)
{
	return !strcmp(name, ".struct_ops") || !strcmp(name, ".struct_ops.link");
}

/* The struct type of variable VAR in DATASEC SEC of the object's BTF. */
static int st_ops_type(const struct mb_btf *btf, const char *sec, const char *var)
{
	int ds = btf ? mb_btf_find(btf, sec, MB_BTF_KIND_DATASEC) : -ENOENT;
	const struct mb_btf_type *t = ds > 0 ? mb_btf_type_by_id(btf, (uint32_t)ds) : NULL;
	const struct mb_btf_var_secinfo *v;
	uint32_t k;
	int id;

	if (!t)
		return -ENOENT;
	v = mb_btf_extra(t);
	for (k = 0; k < mb_btf_vlen(t); k++) {
		const struct mb_btf_type *vt = mb_btf_type_by_id(btf, v[k].type);

		if (!vt || mb_btf_kind(vt) != MB_BTF_KIND_VAR ||
		    strcmp(mb_btf_str(btf, vt->name_off), var))
			continue;
		id = mb_btf_resolve(btf, vt->size_or_type);
		t = id > 0 ? mb_btf_type_by_id(btf, (uint32_t)id) : NULL;
		return t && mb_btf_kind(t) == MB_BTF_KIND_STRUCT ? id : -EINVAL;
	}
	return -ENOENT;
}

/* libbpf's struct_ops maps: each variable of .struct_ops (registered by the
 * map update) or .struct_ops.link (registered by a BPF_LINK_CREATE) is a
 * map of one value, which the loader builds from the kernel's type. */
static int read_struct_ops_maps(struct parser *p)
{
	struct mb_elf_object *obj = p->obj;
	uint32_t i, nvars = obj->nvars;

	for (i = 0; i < nvars; i++) {
		const struct mb_elf_var *v = &obj->vars[i];
		const char *sec = p->e.sh[v->sec_idx].name;
		struct mb_elf_map *m;
		const uint8_t *d;
		uint64_t size;
		int id;

		if (!is_struct_ops_sec(sec))
			continue;
		id = st_ops_type(obj->btf, sec, v->name);
		if (id < 0)
			return fail(p, -EINVAL, "struct_ops map '%s' (section '%s'): %s", v->name, sec,
				    id == -ENOENT ? "no BTF for it (build with clang -g)"
						  : "its type is not a struct");
		d = mb_elf_sec_data(&p->e, v->sec_idx, &size);
		m = map_add(p, v->name);
		if (!m || !(m->init_data = calloc(1, v->size ? v->size : 1)))
			return fail(p, -ENOMEM, "out of memory");
		if (d && v->offset + (uint64_t)v->size <= size)
			memcpy(m->init_data, d + v->offset, v->size);
		m->origin = MB_MAP_STRUCT_OPS;
		m->sec_idx = v->sec_idx;
		m->sec_offset = v->offset;
		m->type = BPF_MAP_TYPE_STRUCT_OPS;
		m->key_size = 4;
		m->value_size = v->size;
		m->max_entries = 1;
		m->map_flags = strcmp(sec, ".struct_ops") ? MB_BPF_F_LINK : 0;
		m->st_type_id = (uint32_t)id;
	}
	return 0;
}

/* `.member = prog` in a struct_ops variable: an ABS64 relocation against
 * the program's symbol (or its section's, the offset then in the data). */
static int st_ops_relocs(struct parser *p, uint32_t sec, const struct mb_elf_rel *rels, int n)
{
	struct mb_elf_object *obj = p->obj;
	int i;

	for (i = 0; i < n; i++) {
		const struct mb_elf_rel *r = &rels[i];
		const struct mb_elf_sym *s = &p->e.syms[r->sym];
		struct mb_elf_st_ptr *sp;
		struct mb_elf_map *m = NULL;
		uint32_t k, tt;
		uint64_t addend = 0;
		int prog = -1;

		if (r->type == R_BPF_NONE)
			continue;
		for (k = 0; k < obj->nmaps && !m; k++)
			if (obj->maps[k].origin == MB_MAP_STRUCT_OPS && obj->maps[k].sec_idx == sec &&
			    r->offset >= obj->maps[k].sec_offset &&
			    r->offset - obj->maps[k].sec_offset + 8 <= obj->maps[k].value_size)
				m = &obj->maps[k];
		if (!m)
			return fail(p, -EINVAL, "section '%s': relocation against '%s' at offset %llu is in no struct_ops variable",
				    p->e.sh[sec].name, s->name, (unsigned long long)r->offset);
		k = (uint32_t)(r->offset - m->sec_offset);
		tt = s->shndx < p->e.shnum ? p->sec_text[s->shndx] : NO_TEXT;
		if (r->type == R_BPF_64_ABS64 && tt != NO_TEXT) {
			memcpy(&addend, (char *)m->init_data + k, 8);
			if (p->e.big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__))
				addend = __builtin_bswap64(addend);
			prog = prog_at(obj, tt, s->value + addend);
		}
		if (prog < 0)
			return fail(p, -EINVAL, "struct_ops map '%s': the pointer at offset %u ('%s') is not a program of this object",
				    m->name, k, s->name);
		if (obj->progs[prog].sec.kind != MB_ATTACH_STRUCT_OPS)
			return fail(p, -EINVAL, "struct_ops map '%s': prog '%s' is in section '%s', not struct_ops/ or struct_ops.s/",
				    m->name, obj->progs[prog].name, obj->progs[prog].sec_name);
		sp = push(&obj->st_ptrs, &obj->nst_ptrs, sizeof(*sp));
		if (!sp)
			return fail(p, -ENOMEM, "out of memory");
		sp->map = (uint32_t)(m - obj->maps);
		sp->offset = k;
		sp->prog = (uint32_t)prog;
		memset((char *)m->init_data + k, 0, 8);
	}
	return 0;
}

static int reloc_cmp(const void *a, const void *b)
{
	const struct mb_elf_reloc *x = a, *y = b;

	if (x->text != y->text)
		return x->text < y->text ? -1 : 1;
	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

static int read_relocs(struct parser *p)
{
	struct mb_elf *e = &p->e;
	uint32_t i;

	for (i = 1; i < e->shnum; i++) {
		const struct mb_elf_shdr *s = &e->sh[i];
		const char *tname;
		struct mb_elf_rel *rels;
		int n, ret;

		if (s->type != SHT_REL_ && s->type != SHT_RELA_)
			continue;
		if (s->info == 0 || s->info >= e->shnum)
			return fail(p, -EINVAL, "relocation section '%s' applies to section %u, out of range",
				    s->name, s->info);
		tname = e->sh[s->info].name;
		/* Debug info and BTF carry relocations the loader never needs. */
		if (!strncmp(tname, ".BTF", 4) || !strncmp(tname, ".debug", 6))
			continue;
		if (p->sec_text[s->info] == NO_TEXT && strcmp(tname, ".maps") &&
		    !is_struct_ops_sec(tname))
			continue;
		if (s->type == SHT_RELA_)
			return fail(p, -EINVAL, "section '%s': RELA relocations are not used by BPF objects", s->name);
		n = mb_elf_rels(e, i, &rels);
		if (n < 0)
			return n;
		if (p->sec_text[s->info] != NO_TEXT)
			ret = text_relocs(p, p->sec_text[s->info], rels, n, s->name);
		else if (s->info == p->maps_sec)
			ret = maps_relocs(p, rels, n);
		else if (is_struct_ops_sec(tname))
			ret = st_ops_relocs(p, s->info, rels, n);
		else
			ret = 0;
		free(rels);
		if (ret)
			return ret;
	}
	if (p->obj->nrelocs)
		qsort(p->obj->relocs, p->obj->nrelocs, sizeof(*p->obj->relocs), reloc_cmp);
	return 0;
}

static int set_names(struct mb_elf_object *obj, const char *name)
{
	const char *base = strrchr(name, '/');
	char *dot;

	base = base ? base + 1 : name;
	obj->name = strdup(name);
	obj->obj_name = strdup(base);
	if (!obj->name || !obj->obj_name)
		return -ENOMEM;
	dot = strchr(obj->obj_name, '.');
	if (dot)
		*dot = 0;
	return 0;
}

struct mb_elf_object *mb_elf_object_parse(const void *data, size_t size, const char *name,
					  char *err, size_t errlen)
{
	struct parser p = { .err = err, .errlen = errlen };
	int ret;

	if (err && errlen)
		err[0] = 0;
	if (!name)
		name = "object";
	ret = mb_elf_open(&p.e, data, size, err, errlen);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	p.obj = calloc(1, sizeof(*p.obj));
	p.sec_text = calloc(p.e.shnum, sizeof(*p.sec_text));
	p.sym_extern = calloc(p.e.nsyms + 1, sizeof(*p.sym_extern));
	if (!p.obj || !p.sec_text || !p.sym_extern || set_names(p.obj, name)) {
		ret = fail(&p, -ENOMEM, "out of memory");
		goto out;
	}
	p.obj->big_endian = p.e.big_endian;
	ret = read_license_version(&p);
	if (!ret)
		ret = read_sections_vars(&p);
	if (!ret)
		ret = read_texts(&p);
	if (!ret)
		ret = read_funcs(&p);
	if (!ret)
		ret = read_externs(&p);
	if (!ret)
		ret = read_btf(&p);
	if (!ret)
		ret = fixup_datasecs(&p);
	if (!ret)
		hidden_funcs_static(p.obj);
	if (!ret)
		ret = read_legacy_maps(&p);
	if (!ret)
		ret = read_btf_maps(&p);
	if (!ret)
		ret = read_data_maps(&p);
	if (!ret)
		ret = read_struct_ops_maps(&p);
	if (!ret)
		ret = read_relocs(&p);
	if (!ret) {
		uint32_t i;

		for (i = 0; i < p.obj->nprogs; i++)
			p.obj->progs[i].insns = p.obj->texts[p.obj->progs[i].text].insns +
						p.obj->progs[i].insn_off;
	}
out:
	if (ret) {
		/* Name the object in front of the message. */
		if (err && errlen > 1) {
			char tmp[512];

			snprintf(tmp, sizeof(tmp), "%s", err);
			snprintf(err, errlen, "%s: %s", name, tmp);
		}
		mb_elf_object_free(p.obj);
		p.obj = NULL;
	}
	free(p.sec_text);
	free(p.sym_extern);
	free(p.map_var_size);
	free(p.map_values_off);
	mb_elf_close(&p.e);
	if (ret)
		errno = -ret;
	return p.obj;
}

static void map_free(struct mb_elf_map *m)
{
	free(m->name);
	free(m->init_data);
	if (m->inner) {
		map_free(m->inner);
		free(m->inner);
	}
}

void mb_elf_object_free(struct mb_elf_object *obj)
{
	uint32_t i;

	if (!obj)
		return;
	for (i = 0; i < obj->ntexts; i++) {
		free(obj->texts[i].name);
		free(obj->texts[i].insns);
	}
	for (i = 0; i < obj->nfuncs; i++)
		free(obj->funcs[i].name);
	for (i = 0; i < obj->nprogs; i++) {
		free(obj->progs[i].name);
		free(obj->progs[i].sec_name);
	}
	for (i = 0; i < obj->nmaps; i++)
		map_free(&obj->maps[i]);
	for (i = 0; i < obj->nexterns; i++)
		free(obj->externs[i].name);
	for (i = 0; i < obj->nsections; i++)
		free(obj->sections[i].name);
	for (i = 0; i < obj->nvars; i++)
		free(obj->vars[i].name);
	free(obj->sections);
	free(obj->vars);
	free(obj->texts);
	free(obj->funcs);
	free(obj->progs);
	free(obj->maps);
	free(obj->inits);
	free(obj->st_ptrs);
	free(obj->externs);
	free(obj->relocs);
	free(obj->btf_data);
	free(obj->btf_ext_data);
	mb_btf_edit_free(obj->btf_edit);
	mb_btf_free(obj->btf);
	free(obj->name);
	free(obj->obj_name);
	free(obj->license);
	free(obj);
}

int mb_elf_object_prog_find(const struct mb_elf_object *obj, const char *name)
{
	uint32_t i;

	for (i = 0; i < obj->nprogs; i++)
		if (!strcmp(obj->progs[i].name, name))
			return (int)i;
	return -1;
}

int mb_elf_object_map_find(const struct mb_elf_object *obj, const char *name)
{
	uint32_t i;

	for (i = 0; i < obj->nmaps; i++)
		if (!strcmp(obj->maps[i].name, name))
			return (int)i;
	return -1;
}

int mb_elf_object_sec_find(const struct mb_elf_object *obj, const char *name)
{
	uint32_t i;

	for (i = 1; i < obj->nsections; i++)
		if (!strcmp(obj->sections[i].name, name))
			return (int)i;
	return -1;
}

const struct mb_elf_var *mb_elf_object_var_find(const struct mb_elf_object *obj,
						const char *sec_name, const char *name)
{
	uint32_t i;

	for (i = 0; i < obj->nvars; i++)
		if (!strcmp(obj->vars[i].name, name) &&
		    !strcmp(obj->sections[obj->vars[i].sec_idx].name, sec_name))
			return &obj->vars[i];
	return NULL;
}
