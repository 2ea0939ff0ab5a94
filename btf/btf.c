/* The BTF reader: one view of a blob, used in place. The header is checked
 * at open; the records are indexed on first use (one pass noting every 64th
 * offset) and bounds-checked on every access, so nothing is decoded beyond
 * what a lookup touches (vmlinux has 100k+ types; a CO-RE load needs a
 * handful). An object's BTF is also checked whole at open (mb_btf_open).
 * Opened lazily (mb_btf_open_lazy), only the 4 KB blocks that lookups touch
 * are ever read. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/btf_int.h"

#define BTF_MAGIC      0xeB9F
#define BTF_HDR_MIN    24

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

/* The reader is logically const: the record index, the cursor and the lazy
 * blocks are caches. Every reader is malloc'd, so writing them is defined. */
static struct mb_btf *cache(const struct mb_btf *b)
{
	return (struct mb_btf *)b;
}

/* ---- lazy reading --------------------------------------------------------
 * buf is as large as the file; a block is read into its place the first
 * time a record or string in it is looked at. (Untouched, the buffer costs
 * no memory: large allocations are fresh mappings.) */
#define BLK_SHIFT 12

struct fill {
	mb_btf_read_fn *read;
	void *ctx;
	uint8_t *buf;
	uint64_t size;
	uint32_t *have;         /* bitmap of blocks read */
	int err;                /* the first failed read's errno */
};

static void fill_free(struct fill *f)
{
	if (!f)
		return;
	free(f->buf);
	free(f->have);
	free(f);
}

#define HAVE(f, b) ((f)->have[(b) / 32] >> ((b) % 32) & 1)

/* Make [p, p + len) of the buffer valid: 0, or -1 after a failed read. */
static int fill_range(struct fill *f, const void *p, uint64_t len)
{
	uint64_t off = (uint64_t)((const uint8_t *)p - f->buf), b, e, last;

	if (!len)
		return 0;
	if (f->err || off > f->size || len > f->size - off)
		return -1;
	last = (off + len - 1) >> BLK_SHIFT;
	for (b = off >> BLK_SHIFT; b <= last; b = e) {
		uint64_t at, n;
		int r;

		if (HAVE(f, b)) {
			e = b + 1;
			continue;
		}
		/* one read for the run of missing blocks */
		for (e = b + 1; e <= last && !HAVE(f, e); e++)
			;
		at = b << BLK_SHIFT;
		n = (e << BLK_SHIFT) < f->size ? (e << BLK_SHIFT) - at : f->size - at;
		r = f->read(f->ctx, f->buf + at, (size_t)n, at);
		if (r) {
			f->err = -r;
			return -1;
		}
		for (uint64_t i = b; i < e; i++)
			f->have[i / 32] |= 1u << (i % 32);
	}
	return 0;
}

/* A string at p whose end is not known yet: read on until its NUL (the
 * section's last byte is one, checked at open). */
static int fill_str(struct fill *f, const char *p)
{
	const uint8_t *at = (const uint8_t *)p, *end = f->buf + f->size;

	for (;;) {
		uint64_t blk_end = (((uint64_t)(at - f->buf) >> BLK_SHIFT) + 1) << BLK_SHIFT;
		const uint8_t *stop = f->buf + (blk_end < f->size ? blk_end : f->size);

		if (fill_range(f, at, (uint64_t)(stop - at)))
			return -1;
		if (memchr(at, 0, (size_t)(stop - at)))
			return 0;
		if (stop >= end)
			return -1;
		at = stop;
	}
}

/* ---- opening ------------------------------------------------------------- */
struct hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
};

/* The header of data (host order by now): the reader, or NULL + errno + err. */
static struct mb_btf *open_common(const uint8_t *data, size_t size, struct fill *f,
				  char *err, size_t errlen)
{
	struct mb_btf *b;
	struct hdr h;
	uint64_t ts, ss;

	if (f)
		data = f->buf;   /* lazy: filled as it is read */
	if (!data || size < sizeof(h)) {
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
	if (f && fill_range(f, data, sizeof(h)))
		goto io;
	memcpy(&h, data, sizeof(h));
	if (h.magic != BTF_MAGIC) {
		btf_errf(err, errlen, "BTF: bad magic 0x%04x%s", h.magic,
			 h.magic == 0x9feb ? " (other byte order: not this kernel's)" : " (want 0xeb9f)");
		errno = EINVAL;
		return NULL;
	}
	if (h.version != 1) {
		btf_errf(err, errlen, "BTF: unsupported version %u", h.version);
		errno = ENOTSUP;
		return NULL;
	}
	if (h.hdr_len < BTF_HDR_MIN || h.hdr_len > size) {
		btf_errf(err, errlen, "BTF: header length %u outside 24..%zu", h.hdr_len, size);
		errno = EINVAL;
		return NULL;
	}
	ts = (uint64_t)h.hdr_len + h.type_off;
	ss = (uint64_t)h.hdr_len + h.str_off;
	if (ts + h.type_len > size || ss + h.str_len > size) {
		btf_errf(err, errlen, "BTF: type (%u+%u) or string (%u+%u) section outside the %zu-byte blob",
			 h.type_off, h.type_len, h.str_off, h.str_len, size - h.hdr_len);
		errno = EINVAL;
		return NULL;
	}
	if ((ts | h.type_len) & 3) {
		btf_errf(err, errlen, "BTF: type section not 4-byte aligned (off %u len %u)",
			 h.type_off, h.type_len);
		errno = EINVAL;
		return NULL;
	}
	if (f && h.str_len && fill_range(f, data + ss + h.str_len - 1, 1))
		goto io;
	if (!h.str_len || data[ss + h.str_len - 1]) {
		btf_errf(err, errlen, "BTF: string section must start and end with NUL");
		errno = EINVAL;
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		btf_errf(err, errlen, "BTF: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	b->data = data;
	b->size = (uint32_t)size;
	b->types = data + ts;
	b->types_len = h.type_len;
	b->strs = (const char *)data + ss;
	b->strs_len = h.str_len;
	b->ptr_size = sizeof(void *);
	b->fill = f;
	return b;
io:
	btf_errf(err, errlen, "BTF: read failed: %s", strerror(f->err));
	errno = f->err;
	return NULL;
}

struct mb_btf *mb_btf_open_kernel(const void *data, size_t size, char *err, size_t errlen)
{
	return open_common(data, size, NULL, err, errlen);
}

struct mb_btf *mb_btf_open_lazy(uint64_t size, mb_btf_read_fn *read, void *ctx,
				char *err, size_t errlen)
{
	struct fill *f = size <= SIZE_MAX ? calloc(1, sizeof(*f)) : NULL;
	struct mb_btf *b;

	if (f) {
		f->read = read;
		f->ctx = ctx;
		f->size = size;
		f->buf = malloc(size ? (size_t)size : 1);
		f->have = calloc((size_t)((size >> BLK_SHIFT) / 32 + 1), sizeof(*f->have));
	}
	if (!f || !f->buf || !f->have) {
		fill_free(f);
		btf_errf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	b = open_common(NULL, (size_t)size, f, err, errlen);
	if (!b)
		fill_free(f);
	return b;
}

int mb_btf_read_all(struct mb_btf *b)
{
	if (b->fill && fill_range(b->fill, b->fill->buf, b->fill->size)) {
		snprintf(b->err, sizeof(b->err), "BTF: read failed: %s", strerror(b->fill->err));
		return -b->fill->err;
	}
	return 0;
}

int mb_btf_read_error(const struct mb_btf *b)
{
	return b->fill ? b->fill->err : 0;
}

const char *mb_btf_error(const struct mb_btf *b)
{
	return b->err;
}

void mb_btf_free(struct mb_btf *b)
{
	if (!b)
		return;
	fill_free(b->fill);
	free(b->own);
	free(b->copy);
	free(b);
}

void mb_btf_adopt(struct mb_btf *b, void *data)
{
	if (b->copy)
		free(data);   /* it reads a copy already */
	else
		b->copy = data;
}

const void *mb_btf_raw(const struct mb_btf *b, uint32_t *size)
{
	*size = b->size;
	if (b->fill && mb_btf_read_all(cache(b)))
		return NULL;
	return b->data;
}

void mb_btf_set_ptr_size(struct mb_btf *b, uint32_t sz)
{
	b->ptr_size = sz;
}

/* ---- the record index ------------------------------------------------------
 * One pass over the headers. A large blob (vmlinux) keeps the offset of
 * every 64th type only (8 KB instead of 500 KB: on VMs every page first
 * touched costs microseconds); a lookup walks at most 63 records from its
 * checkpoint, or on from the previous lookup when ids go up, as scans do.
 * A small one (an object's BTF, looked up per program and per record)
 * keeps every offset: no walk at all. */
#define CK_SHIFT 6
#define FULL_INDEX_MAX (256u << 10)     /* bytes of types: an index of <= 85 KB */

static uint32_t rec_len(const struct mb_btf_type *t)
{
	return sizeof(*t) + (uint32_t)mb_btf_extra_size(t);
}

static int index_types(const struct mb_btf *cb)
{
	struct mb_btf *b = cache(cb);
	const uint8_t *p = b->types;
	uint32_t pos = 0, n = 1, len = b->types_len;
	uint32_t *ck;

	if (b->off || b->bad)
		return b->bad ? -EINVAL : 0;
	if (mb_btf_read_all(b)) {
		b->bad = 1;
		return -EIO;
	}
	b->ck_shift = !b->fill && len <= FULL_INDEX_MAX ? 0 : CK_SHIFT;
	ck = malloc((((size_t)len / sizeof(struct mb_btf_type) + 2) >> b->ck_shift) * sizeof(*ck) + 8);
	if (!ck) {
		snprintf(b->err, sizeof(b->err), "BTF: out of memory indexing the types");
		return -ENOMEM;
	}
	ck[0] = 0;   /* id 0 is void: checkpoint 0 holds id 1's offset */
	while (pos < len) {
		const struct mb_btf_type *t = (const void *)(p + pos);
		int64_t x;

		if (len - pos < sizeof(*t))
			snprintf(b->err, sizeof(b->err),
				 "BTF type [%u] at offset %u is malformed: truncated header", n, pos);
		else if ((x = mb_btf_extra_size(t)) < 0)
			snprintf(b->err, sizeof(b->err),
				 "BTF type [%u] at offset %u is malformed: unknown kind %u",
				 n, pos, mb_btf_kind(t));
		else if ((uint64_t)x > len - pos - sizeof(*t))
			snprintf(b->err, sizeof(b->err),
				 "BTF type [%u] %s at offset %u is malformed: vlen %u overflows the type section",
				 n, mb_btf_kind_str(mb_btf_kind(t)), pos, mb_btf_vlen(t));
		else if (n > BTF_MAX_TYPES)
			snprintf(b->err, sizeof(b->err), "BTF: more than %u types", BTF_MAX_TYPES);
		else {
			if (!(n & ((1u << b->ck_shift) - 1)))
				ck[n >> b->ck_shift] = pos;
			n++;
			pos += sizeof(*t) + (uint32_t)x;
			continue;
		}
		b->bad = 1;
		free(ck);
		return -EINVAL;
	}
	b->off = b->own = ck;
	b->cnt = n;
	b->cur_id = 1;
	b->cur_pos = 0;
	return 0;
}

void btf_reindex(struct mb_btf *b)
{
	free(b->own);
	b->off = b->own = NULL;
	b->bkt = b->ent = NULL;
	b->nent = 0;
	b->bad = 0;
	b->cnt = 0;
}

uint32_t mb_btf_type_cnt(const struct mb_btf *b)
{
	return index_types(b) ? 0 : b->cnt + (b->base ? b->base_cnt - 1 : 0);
}

uint32_t mb_btf_first_id(const struct mb_btf *b)
{
	return b->base ? b->base_cnt : 1;
}

/* A record at pos, if its whole extent is inside the section (an index
 * read from a file is not trusted to point at record boundaries). */
static const struct mb_btf_type *rec_at(const struct mb_btf *b, uint32_t pos)
{
	const struct mb_btf_type *t = (const void *)(b->types + pos);
	int64_t x;

	if (pos % 4 || b->types_len < sizeof(*t) || pos > b->types_len - sizeof(*t))
		return NULL;
	if (b->fill && fill_range(b->fill, t, sizeof(*t)))
		return NULL;
	x = mb_btf_extra_size(t);
	if (x < 0 || (uint64_t)x > b->types_len - pos - sizeof(*t))
		return NULL;
	if (b->fill && fill_range(b->fill, t + 1, (uint64_t)x))
		return NULL;
	return t;
}

const struct mb_btf_type *mb_btf_type_by_id(const struct mb_btf *cb, uint32_t id)
{
	struct mb_btf *b = cache(cb);
	const struct mb_btf_type *t;
	uint32_t cur, pos;

	if (b->base) {
		if (id < b->base_cnt)
			return mb_btf_type_by_id(b->base, id);
		id -= b->base_cnt - 1;
	}
	if (!id || index_types(b) || id >= b->cnt)
		return NULL;
	/* Every offset, from our own pass over records it checked, all in
	 * memory: nothing to walk or check again. */
	if (!b->ck_shift && b->own && !b->fill)
		return (const void *)(b->types + b->off[id]);
	if (id >= b->cur_id && id - b->cur_id < (1u << b->ck_shift)) {
		cur = b->cur_id;
		pos = b->cur_pos;
	} else if (id >> b->ck_shift) {
		cur = id & ~((1u << b->ck_shift) - 1);
		pos = b->off[id >> b->ck_shift];
	} else {
		cur = 1;
		pos = 0;
	}
	for (; cur < id; cur++) {
		t = rec_at(b, pos);
		if (!t)
			return NULL;
		pos += rec_len(t);
	}
	t = rec_at(b, pos);
	if (t) {
		b->cur_id = id;
		b->cur_pos = pos;
	}
	return t;
}

const char *mb_btf_str(const struct mb_btf *b, uint32_t off)
{
	if (b->base) {
		if (off < b->base_str)
			return mb_btf_str(b->base, off);
		off -= b->base_str;
	}
	if (off >= b->strs_len || (b->fill && fill_str(b->fill, b->strs + off)))
		return "";
	return b->strs + off;
}

/* ---- checking a whole blob (mb_btf_open) ---------------------------------- */
static int name_ok(const struct mb_btf *b, uint32_t off)
{
	return off < b->strs_len + b->base_str;
}

static int id_ok(const struct mb_btf *b, uint32_t id)
{
	return id < mb_btf_type_cnt(b);
}

/* Per-kind checks once every record is indexed (ids can point forward). */
int btf_check_type(const struct mb_btf *b, uint32_t id, char *err, size_t errlen)
{
	const struct mb_btf_type *t = mb_btf_type_by_id(b, id), *r;
	unsigned kind, vlen, i;
	const char *kn;
	uint32_t ref;

	if (!t) {
		btf_errf(err, errlen, "BTF type [%u]: cannot be read", id);
		return -EINVAL;
	}
	kind = mb_btf_kind(t);
	vlen = mb_btf_vlen(t);
	kn = mb_btf_kind_str(kind);
	ref = t->size_or_type;
	if (!name_ok(b, t->name_off))
		goto bad_name;
	switch (kind) {
	case MB_BTF_KIND_INT: {
		uint32_t enc = *(const uint32_t *)mb_btf_extra(t);
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
		const struct mb_btf_array *a = mb_btf_extra(t);

		if (!id_ok(b, a->type) || !id_ok(b, a->index_type)) {
			ref = id_ok(b, a->type) ? a->index_type : a->type;
			goto bad_ref;
		}
		return 0;
	}
	case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION: {
		const struct mb_btf_member *m = mb_btf_extra(t);

		for (i = 0; i < vlen; i++) {
			if (!name_ok(b, m[i].name_off))
				goto bad_name;
			if (!id_ok(b, ref = m[i].type))
				goto bad_ref;
		}
		return 0;
	}
	case MB_BTF_KIND_ENUM: case MB_BTF_KIND_ENUM64: {
		const uint32_t *w = mb_btf_extra(t);
		unsigned step = kind == MB_BTF_KIND_ENUM ? 2 : 3;

		for (i = 0; i < vlen; i++)
			if (!name_ok(b, w[i * step]))
				goto bad_name;
		return 0;
	}
	case MB_BTF_KIND_FUNC_PROTO: {
		const struct mb_btf_param *p = mb_btf_extra(t);

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
		const struct mb_btf_var_secinfo *v = mb_btf_extra(t);

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
		 id, kn, ref, mb_btf_type_cnt(b) - 1);
	return -EINVAL;
bad_name:
	btf_errf(err, errlen, "BTF type [%u] %s: name offset outside the string section (%u bytes)",
		 id, kn, b->strs_len);
	return -EINVAL;
}

/* Detect pointer size from "long" like libbpf does (arm32 vmlinux: 4). */
static void guess_ptr_size(struct mb_btf *b)
{
	uint32_t id;

	b->ptr_size = 8;
	if (b->base) {
		b->ptr_size = b->base->ptr_size;
		return;
	}
	for (id = 1; id < b->cnt; id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(b, id);
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

/* What the kernel also refuses, checked for files we load whole. */
static int check_whole(struct mb_btf *b, char *err, size_t errlen)
{
	struct hdr h;
	uint32_t i, id;
	int ret;

	memcpy(&h, b->data, sizeof(h));
	for (i = BTF_HDR_MIN; i < h.hdr_len; i++)
		if (b->data[i]) {
			btf_errf(err, errlen, "BTF: unknown non-zero header field at byte %u", i);
			return -EINVAL;
		}
	if (h.type_off < h.str_off + h.str_len && h.str_off < h.type_off + h.type_len &&
	    h.type_len && h.str_len) {
		btf_errf(err, errlen, "BTF: type and string sections overlap");
		return -EINVAL;
	}
	if (b->strs[0] && !b->base) {
		btf_errf(err, errlen, "BTF: string section must start and end with NUL");
		return -EINVAL;
	}
	ret = index_types(b);
	if (ret) {
		btf_errf(err, errlen, "%s", b->err);
		return ret;
	}
	for (id = mb_btf_first_id(b); id < mb_btf_type_cnt(b); id++)
		if ((ret = btf_check_type(b, id, err, errlen)))
			return ret;
	guess_ptr_size(b);
	return 0;
}

struct mb_btf *mb_btf_open_split(const void *data, size_t size, const struct mb_btf *base,
				 char *err, size_t errlen)
{
	const uint8_t *in = data;
	uint8_t *copy = NULL;
	struct mb_btf *b;
	uint16_t magic = 0;
	int ret;

	if (in && size >= 2)
		memcpy(&magic, in, 2);
	/* records are read as u32s in host order: convert or align a copy */
	if (magic == 0x9feb || (uintptr_t)in % 4) {
		if (size < BTF_HDR_MIN || size > BTF_MAX_SIZE)
			return open_common(in, size, NULL, err, errlen);   /* its message */
		copy = malloc(size);
		if (!copy) {
			btf_errf(err, errlen, "BTF: out of memory");
			errno = ENOMEM;
			return NULL;
		}
		memcpy(copy, in, size);
		if (magic == 0x9feb) {
			uint32_t w[6], i, n;

			memcpy(w, copy, sizeof(w));
			magic = BTF_MAGIC;
			memcpy(copy, &magic, 2);
			for (i = 1; i < 6; i++)
				w[i] = btf_bswap32(w[i]);
			memcpy(copy + 4, w + 1, 20);
			/* the type section is all u32 words; checked again below */
			if ((uint64_t)w[1] + w[2] + w[3] <= size && !((w[1] + w[2]) & 3)) {
				uint32_t *t = (uint32_t *)(copy + w[1] + w[2]);

				for (i = 0, n = w[3] / 4; i < n; i++)
					t[i] = btf_bswap32(t[i]);
			}
		}
		in = copy;
	}
	b = open_common(in, size, NULL, err, errlen);
	if (!b) {
		free(copy);
		return NULL;
	}
	b->copy = copy;
	if (base && mb_btf_type_cnt(base)) {
		b->base = base;
		b->base_cnt = mb_btf_type_cnt(base);
		b->base_str = base->strs_len + base->base_str;
	}
	ret = check_whole(b, err, errlen);
	if (ret) {
		mb_btf_free(b);
		errno = -ret;
		return NULL;
	}
	return b;
}

struct mb_btf *mb_btf_open(const void *data, size_t size, char *err, size_t errlen)
{
	return mb_btf_open_split(data, size, NULL, err, errlen);
}

/* ---- lookups ---------------------------------------------------------------- */
#define IDX_BITS 14   /* hash buckets: 64 KB of starts, ~8 names each */
#define IDX_NB   (1u << IDX_BITS)

static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	while (len--)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

int mb_btf_by_name(const struct mb_btf *b, const char *name, size_t len,
		   int (*cb)(void *ctx, uint32_t id, const struct mb_btf_type *t), void *ctx)
{
	uint32_t h = name_hash(name, len), i, end;
	int r;

	if (!b->ent)
		return -ENOSYS;
	i = b->bkt[h >> (32 - IDX_BITS)];
	end = b->bkt[(h >> (32 - IDX_BITS)) + 1];
	for (; i < end && end <= b->nent; i++) {
		const struct mb_btf_type *t;

		if (b->ent[i * 2] != h || !(t = mb_btf_type_by_id(b, b->ent[i * 2 + 1])))
			continue;
		if ((r = cb(ctx, b->ent[i * 2 + 1], t)))
			return r;
	}
	return 0;
}

struct find_ctx {
	const struct mb_btf *b;
	const char *name;
	int kind;
};

static int find_cb(void *ctx, uint32_t id, const struct mb_btf_type *t)
{
	struct find_ctx *f = ctx;

	if ((f->kind < 0 || mb_btf_kind(t) == (unsigned)f->kind) &&
	    !strcmp(mb_btf_str(f->b, t->name_off), f->name))
		return (int)id;
	return 0;
}

int mb_btf_find(const struct mb_btf *b, const char *name, int kind)
{
	struct find_ctx f = { b, name, kind };
	uint32_t id;
	int r;

	if (index_types(b))
		return -EINVAL;
	if (b->ent) {
		r = mb_btf_by_name(b, name, strlen(name), find_cb, &f);
		return r > 0 ? r : -ENOENT;
	}
	for (id = mb_btf_first_id(b); id < mb_btf_type_cnt(b); id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(b, id);

		if (t && find_cb(&f, id, t))
			return (int)id;
	}
	return -ENOENT;
}

int mb_btf_find_func(const struct mb_btf *b, const char *name)
{
	return mb_btf_find(b, name, MB_BTF_KIND_FUNC);
}

static int is_modifier(unsigned kind)
{
	return kind == MB_BTF_KIND_TYPEDEF || kind == MB_BTF_KIND_VOLATILE ||
	       kind == MB_BTF_KIND_CONST || kind == MB_BTF_KIND_RESTRICT ||
	       kind == MB_BTF_KIND_TYPE_TAG;
}

int mb_btf_resolve(const struct mb_btf *b, uint32_t id)
{
	int depth;

	/* a malformed blob may hold a cycle */
	for (depth = 0; depth < 64; depth++) {
		const struct mb_btf_type *t;

		if (!id)
			return 0;
		t = mb_btf_type_by_id(b, id);
		if (!t)
			return -EINVAL;
		if (!is_modifier(mb_btf_kind(t)))
			return (int)id;
		id = t->size_or_type;
	}
	return -ELOOP;
}

int64_t mb_btf_type_size(const struct mb_btf *b, uint32_t id)
{
	uint64_t mult = 1;
	int depth;

	for (depth = 0; depth < 64; depth++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(b, id);
		const struct mb_btf_array *a;

		if (!t)
			return -EINVAL;
		switch (mb_btf_kind(t)) {
		case MB_BTF_KIND_INT: case MB_BTF_KIND_ENUM: case MB_BTF_KIND_ENUM64:
		case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION: case MB_BTF_KIND_DATASEC:
		case MB_BTF_KIND_FLOAT:
			mult *= t->size_or_type;
			return mult > INT32_MAX ? -E2BIG : (int64_t)mult;
		case MB_BTF_KIND_PTR:
			mult *= b->ptr_size;
			return mult > INT32_MAX ? -E2BIG : (int64_t)mult;
		case MB_BTF_KIND_TYPEDEF: case MB_BTF_KIND_VOLATILE: case MB_BTF_KIND_CONST:
		case MB_BTF_KIND_RESTRICT: case MB_BTF_KIND_TYPE_TAG: case MB_BTF_KIND_VAR:
			id = t->size_or_type;
			break;
		case MB_BTF_KIND_ARRAY:
			a = mb_btf_extra(t);
			mult *= a->nelems;
			if (mult > INT32_MAX)
				return -E2BIG;
			id = a->type;
			break;
		default:
			return -EINVAL;
		}
	}
	return -ELOOP;
}

int mb_btf_member(const struct mb_btf *b, uint32_t id, uint32_t idx,
		  struct mb_btf_member_info *out)
{
	const struct mb_btf_type *t = mb_btf_type_by_id(b, id);
	const struct mb_btf_member *m;

	if (!t || (mb_btf_kind(t) != MB_BTF_KIND_STRUCT && mb_btf_kind(t) != MB_BTF_KIND_UNION))
		return -EINVAL;
	if (idx >= mb_btf_vlen(t))
		return -ENOENT;
	m = (const struct mb_btf_member *)mb_btf_extra(t) + idx;
	out->name = mb_btf_str(b, m->name_off);
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

int mb_btf_member_find(const struct mb_btf *b, uint32_t id, const char *name,
		       struct mb_btf_member_info *out)
{
	uint32_t i;
	int ret;

	for (i = 0; (ret = mb_btf_member(b, id, i, out)) == 0; i++)
		if (!strcmp(out->name, name))
			return (int)i;
	return ret == -EINVAL ? ret : -ENOENT;
}

/* ---- a name index to keep between runs ---------------------------------- */
#define IDX_MAGIC 0x4958424du   /* "MBXI" */
#define IDX_HDR   7

static size_t ess_len(const char *name)
{
	size_t n = strlen(name), i;

	for (i = n >= 5 ? n - 4 : 0; i-- > 0;)
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i + 3] == '_' && name[i + 4] != '_')
			return i + 1;
	return n;
}

int mb_btf_index_build(const struct mb_btf *b, void **out, size_t *len)
{
	uint32_t nck, id, n = 0, i, *ix, *bk, *e, *tmp;

	if (index_types(b))
		return -EINVAL;
	nck = ((b->cnt - 1) >> CK_SHIFT) + 1;
	/* at most two entries per type: the essential name and the full one */
	ix = malloc(((size_t)IDX_HDR + nck + IDX_NB + 1 + (size_t)b->cnt * 4) * 4);
	tmp = malloc((size_t)b->cnt * 4 * 4);
	if (!ix || !tmp) {
		free(ix);
		free(tmp);
		return -ENOMEM;
	}
	/* the saved index holds every 64th offset, whatever this reader keeps */
	for (i = 0; i < nck; i++)
		ix[IDX_HDR + i] = b->off[(size_t)i << (CK_SHIFT - b->ck_shift)];
	bk = ix + IDX_HDR + nck;
	e = bk + IDX_NB + 1;
	for (id = 1; id < b->cnt; id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(b, id);
		const char *nm;
		size_t el, fl;

		if (!t || !t->name_off)
			continue;
		nm = mb_btf_str(b, t->name_off);
		el = ess_len(nm);
		fl = el + strlen(nm + el);
		tmp[n * 2] = name_hash(nm, el);
		tmp[n++ * 2 + 1] = id;
		if (el != fl) {
			tmp[n * 2] = name_hash(nm, fl);
			tmp[n++ * 2 + 1] = id;
		}
	}
	/* counting sort by bucket: stable, so ids stay ascending in each */
	memset(bk, 0, (IDX_NB + 1) * 4);
	for (i = 0; i < n; i++)
		bk[(tmp[i * 2] >> (32 - IDX_BITS)) + 1]++;
	for (i = 0; i < IDX_NB; i++)
		bk[i + 1] += bk[i];
	for (i = 0; i < n; i++) {
		uint32_t at = bk[tmp[i * 2] >> (32 - IDX_BITS)]++;

		e[at * 2] = tmp[i * 2];
		e[at * 2 + 1] = tmp[i * 2 + 1];
	}
	for (i = IDX_NB; i > 0; i--)   /* back to starts */
		bk[i] = bk[i - 1];
	bk[0] = 0;
	free(tmp);
	ix[0] = IDX_MAGIC;
	ix[1] = 2;
	ix[2] = b->types_len;
	ix[3] = b->strs_len;
	ix[4] = b->cnt;
	ix[5] = nck;
	ix[6] = n;
	*out = ix;
	*len = ((size_t)IDX_HDR + nck + IDX_NB + 1 + (size_t)n * 2) * 4;
	return 0;
}

int mb_btf_index_use(struct mb_btf *b, const void *idx, size_t len)
{
	const uint32_t *ix = idx;
	uint32_t nck;

	if (b->off || len < IDX_HDR * 4 || (uintptr_t)idx % 4 || ix[0] != IDX_MAGIC || ix[1] != 2 ||
	    ix[2] != b->types_len || ix[3] != b->strs_len || !ix[4] || ix[4] > BTF_MAX_TYPES + 1 ||
	    ix[4] > b->types_len / sizeof(struct mb_btf_type) + 1)
		return -EINVAL;
	nck = ((ix[4] - 1) >> CK_SHIFT) + 1;
	if (ix[5] != nck || ix[6] > ix[4] * 2 ||
	    len != ((size_t)IDX_HDR + nck + IDX_NB + 1 + (size_t)ix[6] * 2) * 4)
		return -EINVAL;
	b->cnt = ix[4];
	b->ck_shift = CK_SHIFT;
	b->off = ix + IDX_HDR;
	b->bkt = ix + IDX_HDR + nck;
	b->ent = b->bkt + IDX_NB + 1;
	b->nent = ix[6];
	b->cur_id = 1;
	b->cur_pos = 0;
	return 0;
}
