/* libbpf's BTF-defined maps: decode the struct type of each VAR in ".maps". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/btf_int.h"

#define MAP_TYPE_PROG_ARRAY     3
#define MAP_TYPE_ARRAY_OF_MAPS 12
#define MAP_TYPE_HASH_OF_MAPS  13

/* `int (*name)[N]` encodes N. */
static int member_int(const struct mb_btf *btf, const char *map, const char *field,
		      uint32_t type, uint32_t *val, char *err, size_t errlen)
{
	int r = mb_btf_resolve(btf, type);
	const struct mb_btf_type *t = r > 0 ? mb_btf_type_by_id(btf, r) : NULL, *a;

	if (!t || mb_btf_kind(t) != MB_BTF_KIND_PTR) {
		btf_errf(err, errlen, "map '%s': field '%s' is not a pointer (want __uint(%s, N))",
			 map, field, field);
		return -EINVAL;
	}
	a = mb_btf_type_by_id(btf, t->size_or_type);
	if (!a || mb_btf_kind(a) != MB_BTF_KIND_ARRAY) {
		btf_errf(err, errlen, "map '%s': field '%s' does not point to an array (want __uint(%s, N))",
			 map, field, field);
		return -EINVAL;
	}
	*val = ((const struct mb_btf_array *)mb_btf_extra(a))->nelems;
	return 0;
}

/* `T *name`: the type id T and its size. */
static int member_type(const struct mb_btf *btf, const char *map, const char *field,
		       uint32_t type, uint32_t *id, uint32_t *size, char *err, size_t errlen)
{
	int r = mb_btf_resolve(btf, type);
	const struct mb_btf_type *t = r > 0 ? mb_btf_type_by_id(btf, r) : NULL;
	int64_t sz;

	if (!t || mb_btf_kind(t) != MB_BTF_KIND_PTR) {
		btf_errf(err, errlen, "map '%s': field '%s' is not a pointer (want __type(%s, T))",
			 map, field, field);
		return -EINVAL;
	}
	sz = mb_btf_type_size(btf, t->size_or_type);
	if (sz <= 0 || sz > UINT32_MAX) {
		btf_errf(err, errlen, "map '%s': field '%s': type [%u] has no usable size",
			 map, field, t->size_or_type);
		return -EINVAL;
	}
	if (*size && *size != (uint32_t)sz) {
		btf_errf(err, errlen, "map '%s': %s_size %u conflicts with the %s type's size %u",
			 map, field, *size, field, (uint32_t)sz);
		return -EINVAL;
	}
	*id = t->size_or_type;
	*size = (uint32_t)sz;
	return 0;
}

static int parse_def(const struct mb_btf *btf, const char *name, uint32_t struct_id,
		     int inner, struct mb_btf_map_def *d, char *err, size_t errlen);

/* `struct inner *values[]`: flexible array of pointers to an inner def
 * (map-in-map) or to a FUNC_PROTO (prog array). */
static int member_values(const struct mb_btf *btf, struct mb_btf_map_def *d,
			 const struct mb_btf_member_info *m, char *err, size_t errlen)
{
	const struct mb_btf_type *a = mb_btf_type_by_id(btf, m->type), *p, *s;
	const struct mb_btf_array *ai;
	char inner_name[80];
	int r;

	if (!a || mb_btf_kind(a) != MB_BTF_KIND_ARRAY ||
	    (ai = mb_btf_extra(a))->nelems != 0) {
		btf_errf(err, errlen, "map '%s': 'values' must be a flexible array (__array(values, T))",
			 d->name);
		return -EINVAL;
	}
	r = mb_btf_resolve(btf, ai->type);
	p = r > 0 ? mb_btf_type_by_id(btf, r) : NULL;
	if (!p || mb_btf_kind(p) != MB_BTF_KIND_PTR) {
		btf_errf(err, errlen, "map '%s': 'values' elements must be pointers", d->name);
		return -EINVAL;
	}
	if (m->bit_offset % 8) {
		btf_errf(err, errlen, "map '%s': 'values' is not byte aligned", d->name);
		return -EINVAL;
	}
	d->has_values = 1;
	d->values_offset = m->bit_offset / 8;
	r = mb_btf_resolve(btf, p->size_or_type);
	s = r > 0 ? mb_btf_type_by_id(btf, r) : NULL;
	if (!s || mb_btf_kind(s) != MB_BTF_KIND_STRUCT)
		return 0;       /* prog array: pointers to functions */
	d->inner = calloc(1, sizeof(*d->inner));
	if (!d->inner) {
		btf_errf(err, errlen, "map '%s': out of memory", d->name);
		return -ENOMEM;
	}
	d->has_inner = 1;
	snprintf(inner_name, sizeof(inner_name), "%s.inner", d->name);
	return parse_def(btf, inner_name, (uint32_t)r, 1, d->inner, err, errlen);
}

static int parse_def(const struct mb_btf *btf, const char *name, uint32_t struct_id,
		     int inner, struct mb_btf_map_def *d, char *err, size_t errlen)
{
	static const char *const int_fields[] = {
		"type", "max_entries", "map_flags", "numa_node", "pinning",
		"key_size", "value_size", "map_extra",
	};
	struct mb_btf_member_info m;
	uint32_t i, k, v, *dst[8];
	int ret;

	if (strlen(name) >= sizeof(d->name)) {
		btf_errf(err, errlen, "map '%s': name longer than %zu characters", name,
			 sizeof(d->name) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(d->name, name);
	dst[0] = &d->type; dst[1] = &d->max_entries; dst[2] = &d->map_flags;
	dst[3] = &d->numa_node; dst[4] = &d->pinning; dst[5] = &d->key_size;
	dst[6] = &d->value_size; dst[7] = &v;
	for (i = 0; (ret = mb_btf_member(btf, struct_id, i, &m)) == 0; i++) {
		if (!strcmp(m.name, "key")) {
			ret = member_type(btf, name, "key", m.type, &d->key_type_id, &d->key_size,
					  err, errlen);
		} else if (!strcmp(m.name, "value")) {
			ret = member_type(btf, name, "value", m.type, &d->value_type_id,
					  &d->value_size, err, errlen);
		} else if (!strcmp(m.name, "values")) {
			if (inner) {
				btf_errf(err, errlen, "map '%s': an inner map cannot have 'values'", name);
				return -EINVAL;
			}
			ret = member_values(btf, d, &m, err, errlen);
		} else {
			for (k = 0; k < 8 && strcmp(m.name, int_fields[k]); k++)
				;
			if (k == 8) {
				btf_errf(err, errlen, "map '%s': unknown field '%s'", name, m.name);
				return -ENOTSUP;
			}
			v = 0;
			ret = member_int(btf, name, m.name, m.type, &v, err, errlen);
			if (ret)
				return ret;
			/* key_size/value_size may arrive after key/value */
			if ((k == 5 || k == 6) && *dst[k] && *dst[k] != v) {
				btf_errf(err, errlen, "map '%s': %s %u conflicts with the type's size %u",
					 name, m.name, v, *dst[k]);
				return -EINVAL;
			}
			if (k == 7)
				d->map_extra = v;
			else
				*dst[k] = v;
		}
		if (ret)
			return ret;
	}
	if (ret != -ENOENT) {
		btf_errf(err, errlen, "map '%s': definition is not a struct", name);
		return -EINVAL;
	}
	if (d->pinning > 1) {
		btf_errf(err, errlen, "map '%s': pinning %u unsupported (0: none, 1: by name)",
			 name, d->pinning);
		return -EINVAL;
	}
	if (d->has_values && d->type != MAP_TYPE_ARRAY_OF_MAPS &&
	    d->type != MAP_TYPE_HASH_OF_MAPS && d->type != MAP_TYPE_PROG_ARRAY) {
		btf_errf(err, errlen, "map '%s': 'values' needs a map-in-map or prog-array type (have %u)",
			 name, d->type);
		return -EINVAL;
	}
	if (d->has_inner && d->type == MAP_TYPE_PROG_ARRAY) {
		btf_errf(err, errlen, "map '%s': a prog array's 'values' must point to functions", name);
		return -EINVAL;
	}
	return 0;
}

int mb_btf_map_defs(const struct mb_btf *btf, const char *sec_name,
		    struct mb_btf_map_def **out, char *err, size_t errlen)
{
	int id = mb_btf_find(btf, sec_name, MB_BTF_KIND_DATASEC), ret;
	const struct mb_btf_type *ds;
	const struct mb_btf_var_secinfo *v;
	struct mb_btf_map_def *defs;
	unsigned i, n;

	*out = NULL;
	if (id < 0)
		return 0;
	ds = mb_btf_type_by_id(btf, id);
	if (!ds)
		return 0;
	v = mb_btf_extra(ds);
	n = mb_btf_vlen(ds);
	defs = calloc(n ? n : 1, sizeof(*defs));
	if (!defs) {
		btf_errf(err, errlen, "%s: out of memory", sec_name);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		const struct mb_btf_type *var = mb_btf_type_by_id(btf, v[i].type), *st;
		const char *name = var ? mb_btf_str(btf, var->name_off) : "";
		int sid;

		if (!var || mb_btf_kind(var) != MB_BTF_KIND_VAR) {
			btf_errf(err, errlen, "%s: entry %u ('%s') is not a variable", sec_name, i, name);
			ret = -EINVAL;
			goto fail;
		}
		sid = mb_btf_resolve(btf, var->size_or_type);
		st = sid > 0 ? mb_btf_type_by_id(btf, (uint32_t)sid) : NULL;
		if (!st || mb_btf_kind(st) != MB_BTF_KIND_STRUCT) {
			btf_errf(err, errlen, "map '%s': in %s but not a struct", name, sec_name);
			ret = -EINVAL;
			goto fail;
		}
		ret = parse_def(btf, name, (uint32_t)sid, 0, &defs[i], err, errlen);
		if (ret)
			goto fail;
		defs[i].sec_offset = v[i].offset;
		defs[i].size = v[i].size;
	}
	*out = defs;
	return (int)n;
fail:
	mb_btf_map_defs_free(defs, (int)n);
	return ret;
}

void mb_btf_map_defs_free(struct mb_btf_map_def *defs, int n)
{
	int i;

	if (!defs)
		return;
	for (i = 0; i < n; i++)
		free(defs[i].inner);
	free(defs);
}
