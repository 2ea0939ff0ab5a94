/* .BTF parsing: validate once, then index types by id. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/btf_int.h"

#define BTF_MAGIC      0xeB9F
#define BTF_HDR_MIN    24
#define BTF_MAX_SIZE   (512u << 20)   /* vmlinux is ~6 MB; refuse absurd blobs */
#define BTF_MAX_TYPES  0xfffffu       /* the kernel's BTF_MAX_TYPE */

void btf_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

uint32_t btf_bswap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

static const char *const kind_names[] = {
	"UNKNOWN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD",
	"TYPEDEF", "VOLATILE", "CONST", "RESTRICT", "FUNC", "FUNC_PROTO", "VAR",
	"DATASEC", "FLOAT", "DECL_TAG", "TYPE_TAG", "ENUM64",
};

const char *mb_btf_kind_str(unsigned kind)
{
	return kind <= MB_BTF_KIND_MAX ? kind_names[kind] : "UNKNOWN";
}

int64_t mb_btf_extra_size(const struct mb_btf_type *t)
{
	uint64_t n = mb_btf_vlen(t);

	switch (mb_btf_kind(t)) {
	case MB_BTF_KIND_INT: case MB_BTF_KIND_VAR: case MB_BTF_KIND_DECL_TAG:
		return 4;
	case MB_BTF_KIND_PTR: case MB_BTF_KIND_FWD: case MB_BTF_KIND_TYPEDEF:
	case MB_BTF_KIND_VOLATILE: case MB_BTF_KIND_CONST: case MB_BTF_KIND_RESTRICT:
	case MB_BTF_KIND_FUNC: case MB_BTF_KIND_FLOAT: case MB_BTF_KIND_TYPE_TAG:
		return 0;
	case MB_BTF_KIND_ARRAY:
		return sizeof(struct mb_btf_array);
	case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION:
		return n * sizeof(struct mb_btf_member);
	case MB_BTF_KIND_ENUM:
		return n * sizeof(struct mb_btf_enum);
	case MB_BTF_KIND_ENUM64:
		return n * sizeof(struct mb_btf_enum64);
	case MB_BTF_KIND_FUNC_PROTO:
		return n * sizeof(struct mb_btf_param);
	case MB_BTF_KIND_DATASEC:
		return n * sizeof(struct mb_btf_var_secinfo);
	}
	return -1;
}

static int name_ok(const struct mb_btf *b, uint32_t off)
{
	return off < b->str_len;
}

static int id_ok(const struct mb_btf *b, uint32_t id)
{
	return id < b->nr_types;
}

/* Per-kind checks once every record is indexed (ids can point forward). */
static int check_type(struct mb_btf *b, uint32_t id, char *err, size_t errlen)
{
	struct mb_btf_type *t = b->types[id], *r;
	unsigned kind = mb_btf_kind(t), vlen = mb_btf_vlen(t), i;
	const char *kn = mb_btf_kind_str(kind);
	uint32_t ref = t->size_or_type;

	if (!name_ok(b, t->name_off))
		goto bad_name;
	switch (kind) {
	case MB_BTF_KIND_INT: {
		uint32_t enc = *(uint32_t *)mb_btf_extra(t);
		uint32_t bits = enc & 0xff, off = (enc >> 16) & 0xff;

		if (t->size_or_type > 16 || bits > 128 || off + bits > t->size_or_type * 8) {
			btf_errf(err, errlen, "BTF type [%u] INT: bad size %u / bits %u+%u",
				 id, t->size_or_type, off, bits);
			return -EINVAL;
		}
		return 0;
	}
	case MB_BTF_KIND_PTR: case MB_BTF_KIND_TYPEDEF: case MB_BTF_KIND_VOLATILE:
	case MB_BTF_KIND_CONST: case MB_BTF_KIND_RESTRICT: case MB_BTF_KIND_TYPE_TAG:
	case MB_BTF_KIND_VAR: case MB_BTF_KIND_DECL_TAG:
		break;
	case MB_BTF_KIND_FUNC:
		r = mb_btf_type_by_id(b, ref);
		if (!r || mb_btf_kind(r) != MB_BTF_KIND_FUNC_PROTO) {
			btf_errf(err, errlen, "BTF type [%u] FUNC '%s': type %u is not a FUNC_PROTO",
				 id, mb_btf_str(b, t->name_off), ref);
			return -EINVAL;
		}
		return 0;
	case MB_BTF_KIND_ARRAY: {
		struct mb_btf_array *a = mb_btf_extra(t);

		if (!id_ok(b, a->type) || !id_ok(b, a->index_type)) {
			ref = id_ok(b, a->type) ? a->index_type : a->type;
			goto bad_ref;
		}
		return 0;
	}
	case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION: {
		struct mb_btf_member *m = mb_btf_extra(t);

		for (i = 0; i < vlen; i++) {
			if (!name_ok(b, m[i].name_off))
				goto bad_name;
			if (!id_ok(b, ref = m[i].type))
				goto bad_ref;
		}
		return 0;
	}
	case MB_BTF_KIND_ENUM: case MB_BTF_KIND_ENUM64: {
		uint32_t *w = mb_btf_extra(t);
		unsigned step = kind == MB_BTF_KIND_ENUM ? 2 : 3;

		for (i = 0; i < vlen; i++)
			if (!name_ok(b, w[i * step]))
				goto bad_name;
		return 0;
	}
	case MB_BTF_KIND_FUNC_PROTO: {
		struct mb_btf_param *p = mb_btf_extra(t);

		if (!id_ok(b, ref))
			goto bad_ref;
		for (i = 0; i < vlen; i++) {
			if (!name_ok(b, p[i].name_off))
				goto bad_name;
			if (!id_ok(b, ref = p[i].type))
				goto bad_ref;
		}
		return 0;
	}
	case MB_BTF_KIND_DATASEC: {
		struct mb_btf_var_secinfo *v = mb_btf_extra(t);

		for (i = 0; i < vlen; i++) {
			r = mb_btf_type_by_id(b, v[i].type);
			/* FUNC: extern kfuncs in .ksyms */
			if (!r || (mb_btf_kind(r) != MB_BTF_KIND_VAR &&
				   mb_btf_kind(r) != MB_BTF_KIND_FUNC)) {
				btf_errf(err, errlen,
					 "BTF type [%u] DATASEC '%s': entry %u (type %u) is not a VAR",
					 id, mb_btf_str(b, t->name_off), i, v[i].type);
				return -EINVAL;
			}
		}
		return 0;
	}
	default: /* FWD, FLOAT: nothing referenced */
		return 0;
	}
	if (id_ok(b, ref))
		return 0;
bad_ref:
	btf_errf(err, errlen, "BTF type [%u] %s: references type id %u, but there are only %u types",
		 id, kn, ref, b->nr_types - 1);
	return -EINVAL;
bad_name:
	btf_errf(err, errlen, "BTF type [%u] %s: name offset outside the string section (%u bytes)",
		 id, kn, b->str_len);
	return -EINVAL;
}

/* Detect pointer size from "long" like libbpf does (arm32 vmlinux: 4). */
static void guess_ptr_size(struct mb_btf *b)
{
	uint32_t id;

	b->ptr_size = 8;
	for (id = 1; id < b->nr_types; id++) {
		const struct mb_btf_type *t = b->types[id];
		const char *n;

		if (mb_btf_kind(t) != MB_BTF_KIND_INT)
			continue;
		n = mb_btf_str(b, t->name_off);
		if (!strcmp(n, "long int") || !strcmp(n, "long unsigned int") || !strcmp(n, "long")) {
			if (t->size_or_type == 4 || t->size_or_type == 8)
				b->ptr_size = t->size_or_type;
			return;
		}
	}
}

static int parse_types(struct mb_btf *b, char *err, size_t errlen)
{
	uint32_t off, n = 1, cap = 0, id;
	struct mb_btf_type **types = NULL;

	for (off = 0; off < b->type_len; n++) {
		struct mb_btf_type *t;
		int64_t extra;

		if (b->type_len - off < sizeof(*t)) {
			btf_errf(err, errlen, "BTF type [%u]: truncated header at type offset %u", n, off);
			goto inval;
		}
		t = (struct mb_btf_type *)(b->type_data + off);
		extra = mb_btf_extra_size(t);
		if (extra < 0) {
			btf_errf(err, errlen, "BTF type [%u]: unknown kind %u", n, mb_btf_kind(t));
			goto inval;
		}
		if ((uint64_t)extra > b->type_len - off - sizeof(*t)) {
			btf_errf(err, errlen, "BTF type [%u] %s: vlen %u overflows the type section",
				 n, mb_btf_kind_str(mb_btf_kind(t)), mb_btf_vlen(t));
			goto inval;
		}
		if (n > BTF_MAX_TYPES) {
			btf_errf(err, errlen, "BTF: more than %u types", BTF_MAX_TYPES);
			goto inval;
		}
		if (n >= cap) {
			/* every record is >= 12 bytes, so cap stays bounded by the input */
			uint32_t ncap = cap ? cap * 2 : 64;
			void *p = realloc(types, ncap * sizeof(*types));

			if (!p) {
				free(types);
				btf_errf(err, errlen, "BTF: out of memory");
				return -ENOMEM;
			}
			types = p;
			cap = ncap;
		}
		types[n] = t;
		off += sizeof(*t) + (uint32_t)extra;
	}
	if (!types && !(types = malloc(sizeof(*types)))) {
		btf_errf(err, errlen, "BTF: out of memory");
		return -ENOMEM;
	}
	types[0] = NULL;
	b->types = types;
	b->nr_types = n;
	for (id = 1; id < n; id++) {
		int ret = check_type(b, id, err, errlen);

		if (ret)
			return ret;
	}
	guess_ptr_size(b);
	return 0;
inval:
	free(types);
	return -EINVAL;
}

struct mb_btf *mb_btf_parse(const void *data, size_t size, char *err, size_t errlen)
{
	const uint8_t *in = data;
	struct mb_btf *b;
	uint32_t hdr[6], i, hdr_len;
	uint16_t magic;
	int swap, ret = -EINVAL;

	if (!data || size < BTF_HDR_MIN) {
		btf_errf(err, errlen, "BTF: %zu bytes is too small for a header", size);
		errno = EINVAL;
		return NULL;
	}
	if (size > BTF_MAX_SIZE) {
		btf_errf(err, errlen, "BTF: %zu bytes is larger than the %u MiB limit",
			 size, BTF_MAX_SIZE >> 20);
		errno = E2BIG;
		return NULL;
	}
	memcpy(&magic, in, 2);
	if (magic == BTF_MAGIC)
		swap = 0;
	else if (magic == (uint16_t)((BTF_MAGIC >> 8) | (BTF_MAGIC << 8)))
		swap = 1;
	else {
		btf_errf(err, errlen, "BTF: bad magic 0x%04x (want 0xeb9f)", magic);
		errno = EINVAL;
		return NULL;
	}
	if (in[2] != 1) {
		btf_errf(err, errlen, "BTF: unsupported version %u", in[2]);
		errno = ENOTSUP;
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b || !(b->data = malloc(size))) {
		free(b);
		btf_errf(err, errlen, "BTF: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	memcpy(b->data, in, size);
	b->size = (uint32_t)size;
	b->swapped = swap;
	/* u32 fields from offset 4: hdr_len, type_off, type_len, str_off, str_len */
	memcpy(hdr, b->data, sizeof(hdr));
	for (i = 1; i < 6; i++)
		hdr[i] = swap ? btf_bswap32(hdr[i]) : hdr[i];
	hdr_len = hdr[1];
	if (hdr_len < BTF_HDR_MIN || hdr_len > size) {
		btf_errf(err, errlen, "BTF: header length %u outside 24..%zu", hdr_len, size);
		goto fail;
	}
	for (i = BTF_HDR_MIN; i < hdr_len; i++) {
		if (b->data[i]) {
			btf_errf(err, errlen, "BTF: unknown non-zero header field at byte %u", i);
			goto fail;
		}
	}
	if (hdr[2] > size - hdr_len || hdr[3] > size - hdr_len - hdr[2] ||
	    hdr[4] > size - hdr_len || hdr[5] > size - hdr_len - hdr[4]) {
		btf_errf(err, errlen, "BTF: type (%u+%u) or string (%u+%u) section outside the %zu-byte blob",
			 hdr[2], hdr[3], hdr[4], hdr[5], size - hdr_len);
		goto fail;
	}
	if (hdr[2] < hdr[4] + hdr[5] && hdr[4] < hdr[2] + hdr[3] && hdr[3] && hdr[5]) {
		btf_errf(err, errlen, "BTF: type and string sections overlap");
		goto fail;
	}
	if (((hdr_len + hdr[2]) | hdr[3]) & 3) {
		btf_errf(err, errlen, "BTF: type section not 4-byte aligned (off %u len %u)",
			 hdr[2], hdr[3]);
		goto fail;
	}
	b->type_data = b->data + hdr_len + hdr[2];
	b->type_len = hdr[3];
	b->strs = (const char *)b->data + hdr_len + hdr[4];
	b->str_len = hdr[5];
	if (!b->str_len || b->strs[0] || b->strs[b->str_len - 1]) {
		btf_errf(err, errlen, "BTF: string section must start and end with NUL");
		goto fail;
	}
	if (swap) {
		uint32_t *w = (uint32_t *)b->type_data;

		for (i = 0; i < b->type_len / 4; i++)
			w[i] = btf_bswap32(w[i]);
		magic = BTF_MAGIC;
		memcpy(b->data, &magic, 2);
		for (i = 1; i < 6; i++)
			memcpy(b->data + 4 * i, &hdr[i], 4);
	}
	ret = parse_types(b, err, errlen);
	if (ret)
		goto fail;
	return b;
fail:
	mb_btf_free(b);
	errno = -ret;
	return NULL;
}

void mb_btf_free(struct mb_btf *btf)
{
	if (!btf)
		return;
	free(btf->types);
	free(btf->data);
	free(btf);
}

const void *mb_btf_raw(const struct mb_btf *btf, uint32_t *size)
{
	*size = btf->size;
	return btf->data;
}

uint32_t mb_btf_type_cnt(const struct mb_btf *btf)
{
	return btf->nr_types;
}

struct mb_btf_type *mb_btf_type_by_id(const struct mb_btf *btf, uint32_t id)
{
	return id && id < btf->nr_types ? btf->types[id] : NULL;
}

const char *mb_btf_str(const struct mb_btf *btf, uint32_t off)
{
	return off < btf->str_len ? btf->strs + off : "";
}

int mb_btf_find(const struct mb_btf *btf, const char *name, int kind)
{
	uint32_t id;

	for (id = 1; id < btf->nr_types; id++) {
		const struct mb_btf_type *t = btf->types[id];

		if ((kind < 0 || (int)mb_btf_kind(t) == kind) &&
		    !strcmp(mb_btf_str(btf, t->name_off), name))
			return (int)id;
	}
	return -ENOENT;
}

int mb_btf_find_func(const struct mb_btf *btf, const char *name)
{
	return mb_btf_find(btf, name, MB_BTF_KIND_FUNC);
}

static int is_modifier(unsigned kind)
{
	return kind == MB_BTF_KIND_TYPEDEF || kind == MB_BTF_KIND_VOLATILE ||
	       kind == MB_BTF_KIND_CONST || kind == MB_BTF_KIND_RESTRICT ||
	       kind == MB_BTF_KIND_TYPE_TAG;
}

int mb_btf_resolve(const struct mb_btf *btf, uint32_t id)
{
	const struct mb_btf_type *t;
	int depth;

	/* ids are validated, but a malformed blob may still hold a cycle */
	for (depth = 0; depth < 64; depth++) {
		t = mb_btf_type_by_id(btf, id);
		if (!t || !is_modifier(mb_btf_kind(t)))
			return (int)id;
		id = t->size_or_type;
	}
	return -ELOOP;
}

static int64_t type_size(const struct mb_btf *btf, uint32_t id, int depth)
{
	const struct mb_btf_type *t;
	const struct mb_btf_array *a;
	int64_t elem;

	if (depth > 64)
		return -ELOOP;
	t = mb_btf_type_by_id(btf, id);
	if (!t)
		return -EINVAL;
	switch (mb_btf_kind(t)) {
	case MB_BTF_KIND_INT: case MB_BTF_KIND_ENUM: case MB_BTF_KIND_ENUM64:
	case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION: case MB_BTF_KIND_DATASEC:
	case MB_BTF_KIND_FLOAT:
		return t->size_or_type;
	case MB_BTF_KIND_PTR:
		return btf->ptr_size;
	case MB_BTF_KIND_TYPEDEF: case MB_BTF_KIND_VOLATILE: case MB_BTF_KIND_CONST:
	case MB_BTF_KIND_RESTRICT: case MB_BTF_KIND_TYPE_TAG: case MB_BTF_KIND_VAR:
		return type_size(btf, t->size_or_type, depth + 1);
	case MB_BTF_KIND_ARRAY:
		a = mb_btf_extra(t);
		elem = type_size(btf, a->type, depth + 1);
		if (elem < 0)
			return elem;
		if (a->nelems && (uint64_t)elem > UINT32_MAX / a->nelems)
			return -E2BIG;
		return elem * a->nelems;
	}
	return -EINVAL;
}

int64_t mb_btf_type_size(const struct mb_btf *btf, uint32_t id)
{
	return type_size(btf, id, 0);
}

int mb_btf_member(const struct mb_btf *btf, uint32_t id, uint32_t idx,
		  struct mb_btf_member_info *out)
{
	const struct mb_btf_type *t = mb_btf_type_by_id(btf, id);
	const struct mb_btf_member *m;

	if (!t || (mb_btf_kind(t) != MB_BTF_KIND_STRUCT && mb_btf_kind(t) != MB_BTF_KIND_UNION))
		return -EINVAL;
	if (idx >= mb_btf_vlen(t))
		return -ENOENT;
	m = (const struct mb_btf_member *)mb_btf_extra(t) + idx;
	out->name = mb_btf_str(btf, m->name_off);
	out->type = m->type;
	if (mb_btf_kflag(t)) {
		out->bit_offset = m->offset & 0xffffff;
		out->bitfield_size = m->offset >> 24;
	} else {
		out->bit_offset = m->offset;
		out->bitfield_size = 0;
	}
	return 0;
}

int mb_btf_member_find(const struct mb_btf *btf, uint32_t id, const char *name,
		       struct mb_btf_member_info *out)
{
	uint32_t i;
	int ret;

	for (i = 0; (ret = mb_btf_member(btf, id, i, out)) == 0; i++)
		if (!strcmp(out->name, name))
			return (int)i;
	return ret == -EINVAL ? ret : -ENOENT;
}

int mb_btf_fixup_datasec(struct mb_btf *btf, const char *sec_name, uint32_t sec_size,
			 int (*var_offset)(void *ctx, const char *var_name, uint32_t *off),
			 void *ctx, char *err, size_t errlen)
{
	int id = mb_btf_find(btf, sec_name, MB_BTF_KIND_DATASEC);
	struct mb_btf_type *t;
	struct mb_btf_var_secinfo *v, tmp;
	unsigned i, j, n;

	if (id < 0) {
		btf_errf(err, errlen, "BTF: no DATASEC '%s'", sec_name);
		return -ENOENT;
	}
	t = mb_btf_type_by_id(btf, id);
	t->size_or_type = sec_size;
	v = mb_btf_extra(t);
	n = mb_btf_vlen(t);
	for (i = 0; i < n; i++) {
		const struct mb_btf_type *var = mb_btf_type_by_id(btf, v[i].type);
		const char *name = mb_btf_str(btf, var->name_off);
		uint32_t off = 0;
		int ret;

		if (mb_btf_kind(var) != MB_BTF_KIND_VAR)
			continue;
		ret = var_offset(ctx, name, &off);
		if (ret) {
			ret = ret < 0 ? ret : -ENOENT;
			btf_errf(err, errlen, "BTF DATASEC '%s': no offset for variable '%s' (%s)",
				 sec_name, name, strerror(-ret));
			return ret;
		}
		if (off > sec_size || v[i].size > sec_size - off) {
			btf_errf(err, errlen,
				 "BTF DATASEC '%s': variable '%s' (%u bytes at %u) outside the %u-byte section",
				 sec_name, name, v[i].size, off, sec_size);
			return -EINVAL;
		}
		v[i].offset = off;
	}
	/* insertion sort: sections hold few variables */
	for (i = 1; i < n; i++) {
		tmp = v[i];
		for (j = i; j > 0 && v[j - 1].offset > tmp.offset; j--)
			v[j] = v[j - 1];
		v[j] = tmp;
	}
	return 0;
}

/* Re-lay the blob as header | types | strings with room for more, and
 * re-point the index. Pointers from mb_btf_type_by_id() become stale. */
static int grow(struct mb_btf *b, uint32_t add_types, uint32_t add_strs)
{
	uint32_t hdr_len, i, hdr[4];
	uint64_t size;
	uint8_t *n;

	memcpy(&hdr_len, b->data + 4, 4);
	size = (uint64_t)hdr_len + b->type_len + add_types + b->str_len + add_strs;
	if (size > BTF_MAX_SIZE)
		return -E2BIG;
	n = malloc(size);
	if (!n)
		return -ENOMEM;
	memcpy(n, b->data, hdr_len);
	memcpy(n + hdr_len, b->type_data, b->type_len);
	memcpy(n + hdr_len + b->type_len + add_types, b->strs, b->str_len);
	for (i = 1; i < b->nr_types; i++)
		b->types[i] = (struct mb_btf_type *)(n + hdr_len +
				((uint8_t *)b->types[i] - b->type_data));
	hdr[0] = 0;
	hdr[1] = b->type_len + add_types;
	hdr[2] = hdr[1];
	hdr[3] = b->str_len + add_strs;
	memcpy(n + 8, hdr, sizeof(hdr));
	free(b->data);
	b->data = n;
	b->size = (uint32_t)size;
	b->type_data = n + hdr_len;
	b->strs = (const char *)n + hdr_len + hdr[1];
	/* the new room: types grow at the end of the type section, strings too */
	b->type_len += add_types;
	b->str_len += add_strs;
	return 0;
}

int mb_btf_add_str(struct mb_btf *btf, const char *s)
{
	size_t len = strlen(s) + 1;
	uint32_t off;
	int ret;

	for (off = 0; off + len <= btf->str_len; off += (uint32_t)strlen(btf->strs + off) + 1)
		if (!strcmp(btf->strs + off, s))
			return (int)off;
	if (len > BTF_MAX_SIZE)
		return -E2BIG;
	off = btf->str_len;
	ret = grow(btf, 0, (uint32_t)len);
	if (ret)
		return ret;
	memcpy((char *)btf->strs + off, s, len);
	return (int)off;
}

int mb_btf_add_type(struct mb_btf *btf, const void *rec, size_t len, char *err, size_t errlen)
{
	struct mb_btf_type t, **types;
	uint32_t id = btf->nr_types, off = btf->type_len;
	int64_t extra;
	int ret;

	if (len < sizeof(t) || len > 0xffff * sizeof(struct mb_btf_member) + sizeof(t)) {
		btf_errf(err, errlen, "BTF: new type record of %zu bytes", len);
		return -EINVAL;
	}
	memcpy(&t, rec, sizeof(t));
	extra = mb_btf_extra_size(&t);
	if (extra < 0 || (uint64_t)extra != len - sizeof(t) || id >= BTF_MAX_TYPES) {
		btf_errf(err, errlen, "BTF: new %s record: %zu bytes do not match its vlen %u",
			 mb_btf_kind_str(mb_btf_kind(&t)), len, mb_btf_vlen(&t));
		return -EINVAL;
	}
	types = realloc(btf->types, (id + 1) * sizeof(*types));
	if (!types)
		return -ENOMEM;
	btf->types = types;
	ret = grow(btf, (uint32_t)len, 0);
	if (ret)
		return ret;
	memcpy(btf->type_data + off, rec, len);
	btf->types[id] = (struct mb_btf_type *)(btf->type_data + off);
	btf->nr_types++;
	ret = check_type(btf, id, err, errlen);
	if (ret) {
		/* undo: the blob keeps the bytes until the next grow, unindexed */
		btf->nr_types--;
		btf->type_len -= (uint32_t)len;
		memmove(btf->type_data + off, btf->type_data + off + len,
			btf->str_len);
		btf->strs -= len;
		btf->size -= (uint32_t)len;
		{
			uint32_t h[3] = { btf->type_len, btf->type_len, btf->str_len };

			memcpy(btf->data + 12, h, sizeof(h));
		}
		return ret;
	}
	return (int)id;
}
