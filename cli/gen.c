/* minibpf gen: min_core_btf (a kernel BTF cut down to what some objects'
 * CO-RE relocations use, btf/btfgen.c) and skeleton (a C header embedding
 * an object, with typed access to its programs, maps and global data). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/btfgen.h"
#include "btf/inflate.h"
#include "cli/cli.h"
#include "elf/object.h"

#if MB_CMD_gen      /* the whole file (include/mb_config.h) */

static const char help[] =
	"Usage: minibpf gen min_core_btf VMLINUX_BTF OUT OBJ...\n"
	"       minibpf gen skeleton OBJ [name NAME]\n";

/* The target BTF from a file (raw in either byte order, or gzip'd); *swap
 * set if it is not in this host's order. */
static struct mb_btf *open_target(const char *path, void **bytes, int *swap)
{
	uint32_t size;
	unsigned char *d = read_file(path, &size), *raw;
	struct mb_btf *b;
	char err[256];
	uint16_t magic = 0;
	size_t len;
	int r;

	*bytes = d;
	if (!d)
		return NULL;
	if (size >= 2 && d[0] == 0x1f && d[1] == 0x8b) {
		r = mb_gunzip(d, size, 256u << 20, &raw, &len, err, sizeof(err));
		free(d);
		*bytes = NULL;
		if (r) {
			cli_err("%s: %s", path, err);
			return NULL;
		}
		*bytes = d = raw;
		size = (uint32_t)len;
	}
	memcpy(&magic, d, size >= 2 ? 2 : 0);
	*swap = magic == 0x9feb;
	b = *swap ? mb_btf_open(d, size, err, sizeof(err)) : mb_btf_open_kernel(d, size, err, sizeof(err));
	if (!b)
		cli_err("%s: %s", path, err);
	return b;
}

static int min_core_btf(int argc, char **argv)
{
	const char *out;
	struct mb_btfgen *g = NULL;
	struct mb_btf *target;
	void *tbytes, *blob = NULL;
	size_t len;
	char err[512];
	int swap = 0, ret = -1, i;
	FILE *f;

	if (argc < 3)
		return cli_err("usage: minibpf gen min_core_btf VMLINUX_BTF OUT OBJ...");
	out = argv[1];
	target = open_target(argv[0], &tbytes, &swap);
	if (!target)
		goto done;
	if (!mb_btf_type_cnt(target)) {
		cli_err("%s: %s", argv[0], mb_btf_error(target));
		goto done;
	}
	g = mb_btfgen_new(target);
	if (!g) {
		cli_err("%s: %s", argv[0], strerror(errno));
		goto done;
	}
	for (i = 2; i < argc; i++) {
		uint32_t size;
		void *data = read_file(argv[i], &size);
		struct mb_elf_object *o;
		struct mb_btf_ext *ext;
		int r;

		if (!data)
			goto done;
		o = mb_elf_object_parse(data, size, argv[i], err, sizeof(err));
		free(data);
		if (!o) {
			cli_err("%s: %s", argv[i], err);
			goto done;
		}
		if (!o->btf || !o->btf_ext_data) {
			/* bpftool refuses an object without BTF; nothing to keep */
			mb_elf_object_free(o);
			cli_err("%s: no .BTF and .BTF.ext: no CO-RE relocations", argv[i]);
			goto done;
		}
		ext = mb_btf_ext_parse(o->btf, o->btf_ext_data, o->btf_ext_size, err, sizeof(err));
		r = ext ? mb_btfgen_add(g, o->btf, ext, o->big_endian, err, sizeof(err)) : -1;
		mb_btf_ext_free(ext);
		mb_elf_object_free(o);
		if (r) {
			cli_err("%s: %s", argv[i], err);
			goto done;
		}
	}
	if (mb_btfgen_write(g, swap, &blob, &len, err, sizeof(err))) {
		cli_err("%s: %s", argv[0], err);
		goto done;
	}
	f = fopen(out, "wb");
	if (!f || fwrite(blob, 1, len, f) != len || fclose(f)) {
		cli_err("%s: %s", out, strerror(errno));
		goto done;
	}
	ret = 0;
done:
	free(blob);
	mb_btfgen_free(g);
	mb_btf_free(target);
	free(tbytes);
	return ret;
}

/* ---- gen skeleton ---------------------------------------------------------
 * A small C printer for the types global variables have: ints, floats,
 * enums (as the int of their size), ints as int32_t and the like (char and
 * _Bool as such), arrays, structs and unions (named ones
 * defined once, before use; anonymous ones inline), typedefs resolved,
 * modifiers dropped (so .rodata is writable before load, as bpftool's
 * skeletons). Pointers become uint64_t: the BPF side is 64-bit on every
 * host. Gaps become char arrays and every layout is checked with
 * _Static_assert, so a host whose alignment differs fails to compile rather
 * than misplace a variable. */
struct skel {
	const struct mb_btf *b;
	uint8_t *done;          /* named composites already defined */
	const char *name;
	int err;
	unsigned npad;
};

static void decl(struct skel *k, uint32_t id, const char *var, int ind, FILE *f);

static void tabs(FILE *f, int n)
{
	while (n-- > 0)
		fputc('\t', f);
}

static const struct mb_btf_type *strip(struct skel *k, uint32_t *id)
{
	const struct mb_btf_type *t;
	int n = 0;

	while ((t = mb_btf_type_by_id(k->b, *id)) && n++ < 64) {
		unsigned kd = mb_btf_kind(t);

		if (kd != MB_BTF_KIND_TYPEDEF && kd != MB_BTF_KIND_CONST && kd != MB_BTF_KIND_VOLATILE &&
		    kd != MB_BTF_KIND_RESTRICT && kd != MB_BTF_KIND_TYPE_TAG)
			return t;
		*id = t->size_or_type;
	}
	return t;
}

static int composite(const struct mb_btf_type *t)
{
	return t && (mb_btf_kind(t) == MB_BTF_KIND_STRUCT || mb_btf_kind(t) == MB_BTF_KIND_UNION);
}

static void members(struct skel *k, uint32_t id, int ind, FILE *f)
{
	const struct mb_btf_type *t = mb_btf_type_by_id(k->b, id);
	int uni = mb_btf_kind(t) == MB_BTF_KIND_UNION;
	uint64_t cur = 0;
	struct mb_btf_member_info m;
	uint32_t i;

	for (i = 0; !mb_btf_member(k->b, id, i, &m); i++) {
		int64_t sz = mb_btf_type_size(k->b, m.type);
		uint64_t off = m.bit_offset / 8;

		if (!uni && !m.bitfield_size && off > cur)
			tabs(f, ind + 1), fprintf(f, "char __pad%u[%llu];\n", k->npad++,
						  (unsigned long long)(off - cur));
		tabs(f, ind + 1);
		decl(k, m.type, m.name, ind + 1, f);
		if (m.bitfield_size)
			fprintf(f, ": %u", m.bitfield_size);
		fputs(";\n", f);
		if (!m.bitfield_size && sz > 0 && off + (uint64_t)sz > cur)
			cur = off + (uint64_t)sz;
		else if (m.bitfield_size)
			cur = (m.bit_offset + m.bitfield_size + 7) / 8;
	}
	if (!uni && cur < t->size_or_type)
		tabs(f, ind + 1), fprintf(f, "char __pad%u[%llu];\n", k->npad++,
					  (unsigned long long)(t->size_or_type - cur));
}

/* The alignment a C compiler gives what decl() prints for id (pointers are
 * printed as uint64_t), 1 for a struct that needs packing. */
static int needs_packed(struct skel *k, uint32_t id, int depth);

static uint32_t align_of(struct skel *k, uint32_t id, int depth)
{
	const struct mb_btf_type *t = strip(k, &id);
	struct mb_btf_member_info m;
	uint32_t i, a = 1, x;

	if (!t || depth > 32)
		return 1;
	switch (mb_btf_kind(t)) {
	case MB_BTF_KIND_INT:
	case MB_BTF_KIND_FLOAT:
	case MB_BTF_KIND_ENUM:
	case MB_BTF_KIND_ENUM64:
		return t->size_or_type >= 8 ? 8 : t->size_or_type ? t->size_or_type : 1;
	case MB_BTF_KIND_PTR:
		return 8;
	case MB_BTF_KIND_ARRAY:
		return align_of(k, ((const struct mb_btf_array *)mb_btf_extra(t))->type, depth + 1);
	case MB_BTF_KIND_STRUCT:
	case MB_BTF_KIND_UNION:
		if (needs_packed(k, id, depth + 1))
			return 1;
		for (i = 0; !mb_btf_member(k->b, id, i, &m); i++)
			if ((x = align_of(k, m.type, depth + 1)) > a)
				a = x;
		return a;
	}
	return 1;
}

/* BTF gives offsets, not attributes: a struct whose members sit where their
 * natural alignment would not put them (or whose size is no multiple of its
 * alignment) was packed. The explicit padding members() writes keeps the
 * offsets of the rest. */
static int needs_packed(struct skel *k, uint32_t id, int depth)
{
	const struct mb_btf_type *t = mb_btf_type_by_id(k->b, id);
	struct mb_btf_member_info m;
	uint32_t i, a = 1, x;

	if (!composite(t) || depth > 32)
		return 0;
	for (i = 0; !mb_btf_member(k->b, id, i, &m); i++) {
		x = align_of(k, m.type, depth + 1);
		if (!m.bitfield_size && (m.bit_offset % 8 || (m.bit_offset / 8) % x))
			return 1;
		if (x > a)
			a = x;
	}
	return t->size_or_type % a != 0;
}

/* Definitions of the named structs and unions id uses, each once. */
static void defs(struct skel *k, uint32_t id, FILE *f, int depth)
{
	const struct mb_btf_type *t = strip(k, &id);
	struct mb_btf_member_info m;
	uint32_t i;

	if (!t || depth > 32)
		return;
	if (mb_btf_kind(t) == MB_BTF_KIND_ARRAY) {
		defs(k, ((const struct mb_btf_array *)mb_btf_extra(t))->type, f, depth + 1);
		return;
	}
	if (!composite(t) || k->done[id])
		return;
	if (t->name_off)
		k->done[id] = 1;
	for (i = 0; !mb_btf_member(k->b, id, i, &m); i++)
		defs(k, m.type, f, depth + 1);
	if (!t->name_off)
		return;
	fprintf(f, "%s %s {\n", mb_btf_kind(t) == MB_BTF_KIND_UNION ? "union" : "struct",
		mb_btf_str(k->b, t->name_off));
	members(k, id, 0, f);
	fprintf(f, "}%s;\n_Static_assert(sizeof(%s %s) == %u, \"layout of %s\");\n\n",
		needs_packed(k, id, 0) ? " __attribute__((packed))" : "",
		mb_btf_kind(t) == MB_BTF_KIND_UNION ? "union" : "struct",
		mb_btf_str(k->b, t->name_off), t->size_or_type, mb_btf_str(k->b, t->name_off));
}

static void decl(struct skel *k, uint32_t id, const char *var, int ind, FILE *f)
{
	const struct mb_btf_type *t = strip(k, &id);
	const char *sp = *var ? " " : "";

	if (!id) {
		fprintf(f, "void%s%s", sp, var);
		return;
	}
	if (!t) {
		k->err = -EINVAL;
		return;
	}
	switch (mb_btf_kind(t)) {
	case MB_BTF_KIND_INT: {
		/* "long" is 8 bytes in BPF, 4 on a 32-bit host: sized types,
		 * but char stays char (strings) and _Bool _Bool */
		uint32_t enc = *(const uint32_t *)mb_btf_extra(t), sz = t->size_or_type;

		if (!(enc & (MB_BTF_INT_CHAR | MB_BTF_INT_BOOL) << 24) && (enc & 0xff) == sz * 8 &&
		    (sz == 1 || sz == 2 || sz == 4 || sz == 8) && strcmp(mb_btf_str(k->b, t->name_off), "char")) {
			fprintf(f, "%sint%u_t%s%s", enc & MB_BTF_INT_SIGNED << 24 ? "" : "u", sz * 8, sp, var);
			return;
		}
	}
		/* fall through */
	case MB_BTF_KIND_FLOAT:
		fprintf(f, "%s%s%s", mb_btf_str(k->b, t->name_off), sp, var);
		return;
	case MB_BTF_KIND_ENUM:
	case MB_BTF_KIND_ENUM64:
		fprintf(f, "%sint%u_t%s%s", mb_btf_kflag(t) ? "" : "u", t->size_or_type * 8, sp, var);
		return;
	case MB_BTF_KIND_PTR:
		fprintf(f, "uint64_t%s%s", sp, var);
		return;
	case MB_BTF_KIND_ARRAY: {
		const struct mb_btf_array *a = mb_btf_extra(t);
		char sub[512];

		snprintf(sub, sizeof(sub), "%s[%u]", var, a->nelems);
		decl(k, a->type, sub, ind, f);
		return;
	}
	case MB_BTF_KIND_STRUCT:
	case MB_BTF_KIND_UNION: {
		const char *kw = mb_btf_kind(t) == MB_BTF_KIND_UNION ? "union" : "struct";

		if (t->name_off) {
			fprintf(f, "%s %s%s%s", kw, mb_btf_str(k->b, t->name_off), sp, var);
			return;
		}
		fprintf(f, "%s {\n", kw);
		members(k, id, ind, f);
		tabs(f, ind);
		fprintf(f, "}%s%s%s", needs_packed(k, id, 0) ? " __attribute__((packed))" : "", sp, var);
		return;
	}
	default:
		k->err = -EOPNOTSUPP;
		fprintf(f, "char %s /* %s */", var, mb_btf_kind_str(mb_btf_kind(t)));
	}
}

/* ".data.foo" -> "data_foo", as bpftool names the skeleton's fields */
static void ident(const char *name, char *out, size_t len)
{
	size_t i = 0;

	name += *name == '.';
	for (; *name && i + 1 < len; name++)
		out[i++] = (*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') ||
			   (*name >= '0' && *name <= '9') ? *name : '_';
	out[i] = '\0';
}

struct gvar {
	const char *name;
	uint32_t type, off;
};

static int cmp_gvar(const void *a, const void *b)
{
	const struct gvar *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* The non-static variables of data map d (sorted by offset), or 0. */
static uint32_t data_vars(const struct mb_btf *b, const struct mb_elf_map *d, struct gvar **out)
{
	int sec = d->origin == MB_MAP_DATA ? mb_btf_find(b, d->name, MB_BTF_KIND_DATASEC) : -1;
	const struct mb_btf_type *t = sec > 0 ? mb_btf_type_by_id(b, (uint32_t)sec) : NULL;
	const struct mb_btf_var_secinfo *v;
	uint32_t i, n = 0;

	*out = NULL;
	if (!t || !strcmp(d->name, ".kconfig") || !(*out = calloc(mb_btf_vlen(t) + 1, sizeof(**out))))
		return 0;
	v = mb_btf_extra(t);
	for (i = 0; i < mb_btf_vlen(t); i++) {
		const struct mb_btf_type *var = mb_btf_type_by_id(b, v[i].type);

		if (!var || mb_btf_kind(var) != MB_BTF_KIND_VAR ||
		    ((const struct mb_btf_var *)mb_btf_extra(var))->linkage == 0)
			continue;   /* static variables are not in skeletons (bpftool) */
		(*out)[n].name = mb_btf_str(b, var->name_off);
		(*out)[n].type = var->size_or_type;
		(*out)[n++].off = v[i].offset;
	}
	qsort(*out, n, sizeof(**out), cmp_gvar);
	return n;
}

static void datasec(struct skel *k, const struct mb_elf_map *d, const char *id,
		    const struct gvar *v, uint32_t n, FILE *f)
{
	uint64_t cur = 0;
	uint32_t i;

	fprintf(f, "\tstruct %s__%s {\n", k->name, id);
	for (i = 0; i < n; i++) {
		int64_t sz = mb_btf_type_size(k->b, v[i].type);

		if (v[i].off > cur)
			fprintf(f, "\t\tchar __pad%u[%llu];\n", k->npad++,
				(unsigned long long)(v[i].off - cur));
		fputs("\t\t", f);
		decl(k, v[i].type, v[i].name, 2, f);
		fputs(";\n", f);
		if (sz > 0)
			cur = v[i].off + (uint64_t)sz;
	}
	(void)d;
	fprintf(f, "\t} *%s;\n", id);
}

static const char skel_fns[] =
"static inline const void *@__elf_bytes(size_t *sz);\n"
"\n"
"static inline void @__detach(struct @ *s)\n"
"{\n"
"\t(void)s;\n"
"%DETACH%"
"}\n"
"\n"
"static inline void @__destroy(struct @ *s)\n"
"{\n"
"\tif (!s)\n"
"\t\treturn;\n"
"\t@__detach(s);\n"
"\tmb_object_close(s->obj);\n"
"\tfree(s);\n"
"}\n"
"\n"
"/* Open the embedded object: maps, programs and the initial values of the\n"
" * variables (set them now: they are what the load writes to the maps). */\n"
"static inline struct @ *@__open_opts(const struct mb_open_opts *opts)\n"
"{\n"
"\tstruct mb_open_opts o = { .sz = sizeof(o) };\n"
"\tstruct @ *s = calloc(1, sizeof(*s));\n"
"\tconst void *data;\n"
"\tsize_t sz;\n"
"\tint e = ENOENT;\n"
"\n"
"\tif (!s)\n"
"\t\treturn NULL;\n"
"\tif (opts)\n"
"\t\to = *opts;\n"
"\tif (!o.object_name)\n"
"\t\to.object_name = \"@\";\n"
"\tdata = @__elf_bytes(&sz);\n"
"\ts->obj = mb_object_open_mem(data, sz, &o);\n"
"\tif (!s->obj) {\n"
"\t\te = errno;\n"
"\t\tgoto fail;\n"
"\t}\n"
"%OPEN%"
"\treturn s;\n"
"fail:\n"
"\t@__destroy(s);\n"
"\terrno = e;\n"
"\treturn NULL;\n"
"}\n"
"\n"
"static inline struct @ *@__open(void)\n"
"{\n"
"\treturn @__open_opts(NULL);\n"
"}\n"
"\n"
"/* Create the maps, load the programs; the variables are then the maps'\n"
" * memory, mmap'd (.rodata read-only), as with libbpf. 0 or -errno. */\n"
"static inline int @__load(struct @ *s)\n"
"{\n"
"\tint r = mb_object_load(s->obj);\n"
"\tvoid *m;\n"
"\n"
"\t(void)m;\n"
"\tif (r)\n"
"\t\treturn r;\n"
"%LOAD%"
"\treturn 0;\n"
"}\n"
"\n"
"static inline struct @ *@__open_and_load(void)\n"
"{\n"
"\tstruct @ *s = @__open();\n"
"\tint r;\n"
"\n"
"\tif (!s)\n"
"\t\treturn NULL;\n"
"\tr = @__load(s);\n"
"\tif (r) {\n"
"\t\t@__destroy(s);\n"
"\t\terrno = -r;\n"
"\t\treturn NULL;\n"
"\t}\n"
"\treturn s;\n"
"}\n"
"\n"
"/* Attach every loaded program whose SEC() name says where; the others\n"
" * (xdp, tc, cgroup...: mb_prog_attach_opts) are left alone. 0 or -errno. */\n"
"static inline int @__attach(struct @ *s)\n"
"{\n"
"\t(void)s;\n"
"%ATTACH%"
"\treturn 0;\n"
"}\n"
"\n";

/* skel_fns with @ the name and %X% the parts */
static void put_fns(FILE *f, const char *name, const char *open, const char *load,
		    const char *attach, const char *detach)
{
	const char *p;

	for (p = skel_fns; *p; p++) {
		if (*p == '@')
			fputs(name, f);
		else if (!strncmp(p, "%OPEN%", 6))
			fputs(open, f), p += 5;
		else if (!strncmp(p, "%LOAD%", 6))
			fputs(load, f), p += 5;
		else if (!strncmp(p, "%ATTACH%", 8))
			fputs(attach, f), p += 7;
		else if (!strncmp(p, "%DETACH%", 8))
			fputs(detach, f), p += 7;
		else
			fputc(*p, f);
	}
}

static int skeleton(int argc, char **argv)
{
	const char *path, *name = NULL;
	struct mb_elf_object *o;
	struct skel k = { 0 };
	char err[512], id[128], upper[128], *op = NULL, *ld = NULL, *at = NULL, *dt = NULL;
	size_t opn = 0, ldn = 0, atn = 0, dtn = 0;
	FILE *fo, *fl, *fa, *fd;
	uint32_t size, i, j, n;
	unsigned char *data;
	struct gvar *v;

	if (argc != 1 && !(argc == 3 && !strcmp(argv[1], "name")))
		return cli_err("usage: minibpf gen skeleton OBJ [name NAME]");
	path = argv[0];
	data = read_file(path, &size);
	if (!data)
		return -1;
	o = mb_elf_object_parse(data, size, path, err, sizeof(err));
	if (!o) {
		free(data);
		return cli_err("%s: %s", path, err);
	}
	name = argc == 3 ? argv[2] : o->obj_name;
	for (i = 0; name[i]; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      name[i] == '_' || (i && name[i] >= '0' && name[i] <= '9')) || i > 60) {
			free(data);
			mb_elf_object_free(o);
			return cli_err("'%s' is not a C identifier: give one with 'name NAME'", name);
		}
	k.name = name;
	k.b = o->btf_edit ? mb_btf_edit_view(o->btf_edit) : o->btf;
	k.done = calloc(k.b ? mb_btf_type_cnt(k.b) + 1 : 1, 1);
	fo = open_memstream(&op, &opn);
	fl = open_memstream(&ld, &ldn);
	fa = open_memstream(&at, &atn);
	fd = open_memstream(&dt, &dtn);
	if (!k.done || !fo || !fl || !fa || !fd) {
		free(data);
		mb_elf_object_free(o);
		return cli_err("out of memory");
	}
	for (i = 0; name[i]; i++)
		upper[i] = name[i] >= 'a' && name[i] <= 'z' ? (char)(name[i] - 32) : name[i];
	upper[i] = '\0';
	printf("/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */\n"
	       "/* Generated by minibpf gen skeleton from %s: do not edit. */\n"
	       "#ifndef %s_SKEL_H\n#define %s_SKEL_H\n\n"
	       "#include <errno.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <stdlib.h>\n"
	       "#include <minibpf.h>\n\n", path, upper, upper);
	for (i = 0; k.b && i < o->nmaps; i++) {
		n = data_vars(k.b, &o->maps[i], &v);
		for (j = 0; j < n; j++)
			defs(&k, v[j].type, stdout, 0);
		free(v);
	}
	printf("struct %s {\n\tstruct mb_object *obj;\n\tstruct {\n", name);
	for (i = 0; i < o->nmaps; i++) {
		ident(o->maps[i].name, id, sizeof(id));
		printf("\t\tstruct mb_map *%s;\n", id);
		fprintf(fo, "\tif (!(s->maps.%s = mb_object_map_by_name(s->obj, \"%s\")))\n\t\tgoto fail;\n",
			id, o->maps[i].name);
	}
	printf("\t} maps;\n\tstruct {\n");
	for (i = 0; i < o->nprogs; i++) {
		printf("\t\tstruct mb_prog *%s;\n", o->progs[i].name);
		fprintf(fo, "\tif (!(s->progs.%s = mb_object_prog_by_name(s->obj, \"%s\")))\n\t\tgoto fail;\n",
			o->progs[i].name, o->progs[i].name);
		fprintf(fa, "\tif (mb_prog_fd(s->progs.%s) >= 0 && !s->links.%s) {\n"
			"\t\ts->links.%s = mb_prog_attach(s->progs.%s);\n"
			"\t\tif (!s->links.%s && errno != EDESTADDRREQ && errno != EOPNOTSUPP)\n"
			"\t\t\treturn -errno;\n\t}\n", o->progs[i].name, o->progs[i].name,
			o->progs[i].name, o->progs[i].name, o->progs[i].name);
	}
	printf("\t} progs;\n\tstruct {\n");
	for (i = 0; i < o->nprogs; i++) {
		printf("\t\tstruct mb_link *%s;\n", o->progs[i].name);
		fprintf(fd, "\tmb_link_destroy(s->links.%s);\n\ts->links.%s = NULL;\n",
			o->progs[i].name, o->progs[i].name);
	}
	if (!o->nprogs)
		printf("\t\tstruct mb_link *none;\n");
	printf("\t} links;\n");
	for (i = 0; k.b && i < o->nmaps; i++) {
		n = data_vars(k.b, &o->maps[i], &v);
		ident(o->maps[i].name, id, sizeof(id));
		if (n) {
			datasec(&k, &o->maps[i], id, v, n, stdout);
			fprintf(fo, "\tif (!(s->%s = mb_map_initial_value(s->maps.%s, NULL)))\n\t\tgoto fail;\n",
				id, id);
			fprintf(fl, "\tm = mb_map_mmap(s->maps.%s, NULL);\n\tif (!m)\n\t\treturn -errno;\n"
				"\ts->%s = m;\n", id, id);
		}
		free(v);
	}
	printf("};\n\n");
	for (i = 0; k.b && i < o->nmaps; i++) {
		n = data_vars(k.b, &o->maps[i], &v);
		ident(o->maps[i].name, id, sizeof(id));
		for (j = 0; j < n; j++)
			printf("_Static_assert(offsetof(struct %s__%s, %s) == %u, \"%s in %s\");\n",
			       name, id, v[j].name, v[j].off, v[j].name, o->maps[i].name);
		free(v);
	}
	fclose(fo);
	fclose(fl);
	fclose(fa);
	fclose(fd);
	printf("\n");
	put_fns(stdout, name, op, ld, at, dt ? dt : "");
	printf("static inline const void *%s__elf_bytes(size_t *sz)\n{\n"
	       "\tstatic const char data[] =\n\t\t\"", name);
	for (i = 0; i < size; i++) {
		printf("\\x%02x", data[i]);
		if (i % 19 == 18 && i + 1 < size)
			printf("\"\n\t\t\"");
	}
	printf("\";\n\n\t*sz = sizeof(data) - 1;\n\treturn data;\n}\n\n#endif\n");
	free(op);
	free(ld);
	free(at);
	free(dt);
	free(k.done);
	free(data);
	mb_elf_object_free(o);
	if (k.err)
		return cli_err("%s: a global variable has a type the skeleton cannot spell (%s)", path,
			       strerror(-k.err));
	return 0;
}

static const struct cmd cmds[] = {
	{ "help", NULL },
	{ "min_core_btf", min_core_btf },
	{ "skeleton", skeleton },
	{ 0 }
};

int do_gen(int argc, char **argv)
{
	return cmd_select(cmds, argc, argv, "gen", help);
}

#endif /* MB_CMD_gen */
