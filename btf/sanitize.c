/* btf/: rewrite BTF kinds an older kernel does not know into ones it does,
 * record for record the same size, so type ids (func_info, map value types)
 * stay valid. The rules are libbpf's (bpf_object__sanitize_btf); the kinds
 * chosen are ones every kernel with BTF (4.18) takes. Pure: no syscalls. */
#include <errno.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/btf_int.h"

static const char lack_names[] = "func\0datasec\0global_func\0float\0decl_tag\0type_tag\0enum64\0";

int mb_btf_lacks_parse(const char *list)
{
	unsigned lacks = 0;

	while (list && *list) {
		size_t n = strcspn(list, ",");
		const char *s = lack_names;
		unsigned bit = 1;

		for (; *s && (strlen(s) != n || strncmp(s, list, n)); s += strlen(s) + 1)
			bit <<= 1;
		if (n == 3 && !strncmp(list, "all", 3))
			bit = MB_BTF_LACK_ALL;
		else if (!*s)
			return -EINVAL;
		lacks |= bit;
		list += n + (list[n] == ',');
	}
	return (int)lacks;
}

/* A new 1-byte INT. Added before any record pointer is taken: adding re-lays
 * the blob. */
static int add_int(struct mb_btf_edit *ed, const char *name, char *err, size_t errlen)
{
	uint32_t rec[4] = { 0, MB_BTF_KIND_INT << 24, 1, 8 };
	int off = mb_btf_edit_add_str(ed, name);

	if (off < 0)
		return off;
	rec[0] = (uint32_t)off;
	return mb_btf_edit_add_type(ed, rec, sizeof(rec), err, errlen);
}

static int has_kind(const struct mb_btf *btf, unsigned kind)
{
	uint32_t id;

	for (id = 1; id < mb_btf_type_cnt(btf); id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(btf, id);

		if (t && mb_btf_kind(t) == kind)
			return 1;
	}
	return 0;
}

static uint32_t info(unsigned kind, unsigned vlen)
{
	return (uint32_t)kind << 24 | vlen;
}

int mb_btf_edit_sanitize(struct mb_btf_edit *ed, unsigned lacks, char *err, size_t errlen)
{
	const struct mb_btf *btf = mb_btf_edit_view(ed);
	int placeholder = 0, arg = 0;
	uint32_t id, j;

	/* A DECL_TAG may point at a VAR or a FUNC's parameter, which are gone
	 * then (and no kernel without FUNC or DATASEC has DECL_TAG: 5.16). */
	if (lacks & (MB_BTF_LACK_FUNC | MB_BTF_LACK_DATASEC))
		lacks |= MB_BTF_LACK_DECL_TAG;
	if ((lacks & MB_BTF_LACK_ENUM64) && has_kind(btf, MB_BTF_KIND_ENUM64) &&
	    (placeholder = add_int(ed, "enum64_placeholder", err, errlen)) < 0)
		return placeholder;
	/* FUNC_PROTO becomes an ENUM: its params the enumerators, and newer
	 * kernels want every enumerator named (unnamed params are common). */
	if ((lacks & MB_BTF_LACK_FUNC) && has_kind(btf, MB_BTF_KIND_FUNC_PROTO) &&
	    (arg = mb_btf_edit_add_str(ed, "arg")) < 0)
		return arg;
	for (id = 1; id < mb_btf_type_cnt(btf); id++) {
		struct mb_btf_type *t = mb_btf_edit_type(ed, id);
		unsigned kind, vlen;
		uint32_t *w;

		if (!t) {
			btf_errf(err, errlen, "BTF type [%u]: cannot be read", id);
			return -EINVAL;
		}
		kind = mb_btf_kind(t);
		vlen = mb_btf_vlen(t);
		w = mb_btf_extra(t);

		switch (kind) {
		case MB_BTF_KIND_VAR:
		case MB_BTF_KIND_DECL_TAG:
			if (!(lacks & (kind == MB_BTF_KIND_VAR ? MB_BTF_LACK_DATASEC : MB_BTF_LACK_DECL_TAG)))
				break;
			/* size 1: a bigger INT could exceed a small variable */
			t->info = info(MB_BTF_KIND_INT, 0);
			t->size_or_type = 1;
			w[0] = 8;
			break;
		case MB_BTF_KIND_DATASEC:
			if (!(lacks & MB_BTF_LACK_DATASEC))
				break;
			{
				/* ".data" is no C identifier; the strings are this copy's */
				char *s = mb_btf_edit_str(ed, t->name_off);

				for (; s && *s; s++)
					if (*s == '.')
						*s = '_';
			}
			t->info = info(MB_BTF_KIND_STRUCT, vlen);
			for (j = 0; j < vlen; j++, w += 3) {
				/* secinfo {type, offset, size} -> member {name, type, bit offset} */
				const struct mb_btf_type *v = mb_btf_type_by_id(btf, w[0]);

				w[2] = w[1] * 8;
				w[1] = w[0];
				w[0] = v ? v->name_off : 0;
			}
			break;
		case MB_BTF_KIND_FUNC_PROTO:
			if (!(lacks & MB_BTF_LACK_FUNC))
				break;
			t->info = info(MB_BTF_KIND_ENUM, vlen);
			t->size_or_type = 4;
			for (j = 0; j < vlen; j++)
				if (!w[2 * j])
					w[2 * j] = (uint32_t)arg;
			break;
		case MB_BTF_KIND_FUNC:
			if (lacks & MB_BTF_LACK_FUNC)
				t->info = info(MB_BTF_KIND_TYPEDEF, 0);
			else if (lacks & MB_BTF_LACK_GLOBAL_FUNC)
				t->info = info(MB_BTF_KIND_FUNC, 0);   /* static linkage */
			break;
		case MB_BTF_KIND_FLOAT:
			if (!(lacks & MB_BTF_LACK_FLOAT))
				break;
			/* same size; anonymous, as "float" is no struct name */
			t->name_off = 0;
			t->info = info(MB_BTF_KIND_STRUCT, 0);
			break;
		case MB_BTF_KIND_TYPE_TAG:
			if (!(lacks & MB_BTF_LACK_TYPE_TAG))
				break;
			t->name_off = 0;
			t->info = info(MB_BTF_KIND_CONST, 0);
			break;
		case MB_BTF_KIND_ENUM:
			if (lacks & MB_BTF_LACK_ENUM64)
				t->info &= ~(1u << 31);   /* kflag: signedness, 6.0 */
			break;
		case MB_BTF_KIND_ENUM64:
			if (!(lacks & MB_BTF_LACK_ENUM64))
				break;
			/* {name, lo, hi} -> member {name, placeholder, 0}: same size */
			t->info = info(MB_BTF_KIND_UNION, vlen);
			for (j = 0; j < vlen; j++, w += 3) {
				w[1] = (uint32_t)placeholder;
				w[2] = 0;
			}
			break;
		}
	}
	return 0;
}
