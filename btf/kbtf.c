/* Kernel BTF used in place: the header is checked at open, the type records
 * are indexed on first use (one pass noting offsets), nothing is decoded
 * beyond what a lookup touches. vmlinux has 100k+ types; a CO-RE load needs
 * a handful. Opened lazily (mb_kbtf_open_lazy), only the 4 KB blocks that
 * lookups touch are ever read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/core.h"

#define BTF_MAGIC     0xeB9F
#define BTF_MAX_TYPES 0xfffffu

struct mb_kbtf {
	const uint8_t *types;
	uint32_t types_len;
	const char *strs;
	uint32_t strs_len;
	const uint32_t *off;    /* offset of every 64th id; NULL until indexed */
	uint32_t *own;          /* off when we built it (else it is in idx) */
	const uint32_t *bkt;    /* name index: first entry of each hash bucket */
	const uint32_t *ent;    /* (hash, id) pairs by bucket, ids ascending; or NULL */
	uint32_t nent;
	uint32_t cur_id, cur_pos;   /* the last lookup */
	uint32_t cnt;           /* ids including void, once indexed */
	uint32_t ptr_size;
	int bad;                /* the index pass failed */
	struct fill *fill;      /* lazy: blocks not yet read; NULL when all in memory */
	char err[128];
};

/* ---- lazy reading --------------------------------------------------------
 * buf is as large as the file; a block is read into its place the first
 * time a record or string in it is looked at. (Untouched, the buffer costs
 * no memory: large allocations are fresh mappings.) */
#define BLK_SHIFT 12

struct fill {
	mb_kbtf_read_fn *read;
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

struct hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
};

static struct mb_kbtf *open_common(const uint8_t *data, size_t size, struct fill *f,
				   char *err, size_t errlen)
{
	struct mb_kbtf *k;
	struct hdr h;
	uint64_t ts, ss;

	if (f)
		data = f->buf;   /* lazy: filled as it is read */
	if (size < sizeof(h)) {
		snprintf(err, errlen, "BTF: %zu bytes is too small for a header", size);
		errno = EINVAL;
		return NULL;
	}
	if (f && fill_range(f, data, sizeof(h)))
		goto io;
	memcpy(&h, data, sizeof(h));
	if (h.magic != BTF_MAGIC) {
		snprintf(err, errlen, "BTF: bad magic 0x%04x%s", h.magic,
			 h.magic == 0x9feb ? " (other byte order: not this kernel's)" : "");
		errno = EINVAL;
		return NULL;
	}
	ts = (uint64_t)h.hdr_len + h.type_off;
	ss = (uint64_t)h.hdr_len + h.str_off;
	if (h.hdr_len < sizeof(h) || h.version != 1 || ts % 4 || ts + h.type_len > size ||
	    ss + h.str_len > size || !h.str_len)
		goto bad;
	if (f && fill_range(f, data + ss + h.str_len - 1, 1))
		goto io;
	if (data[ss + h.str_len - 1])
		goto bad;
	k = calloc(1, sizeof(*k));
	if (!k) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	k->types = data + ts;
	k->types_len = h.type_len;
	k->strs = (const char *)data + ss;
	k->strs_len = h.str_len;
	k->ptr_size = sizeof(void *);
	k->fill = f;
	return k;
bad:
	snprintf(err, errlen, "BTF: malformed header (version %u, %zu bytes)", h.version, size);
	errno = EINVAL;
	return NULL;
io:
	snprintf(err, errlen, "BTF: read failed: %s", strerror(f->err));
	errno = f->err;
	return NULL;
}

struct mb_kbtf *mb_kbtf_open(const void *data, size_t size, char *err, size_t errlen)
{
	return open_common(data, size, NULL, err, errlen);
}

struct mb_kbtf *mb_kbtf_open_lazy(uint64_t size, mb_kbtf_read_fn *read, void *ctx,
				  char *err, size_t errlen)
{
	struct fill *f = size <= SIZE_MAX ? calloc(1, sizeof(*f)) : NULL;
	struct mb_kbtf *k;

	if (f) {
		f->read = read;
		f->ctx = ctx;
		f->size = size;
		f->buf = malloc(size ? (size_t)size : 1);
		f->have = calloc((size_t)((size >> BLK_SHIFT) / 32 + 1), sizeof(*f->have));
	}
	if (!f || !f->buf || !f->have) {
		fill_free(f);
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	k = open_common(NULL, (size_t)size, f, err, errlen);
	if (!k)
		fill_free(f);
	return k;
}

int mb_kbtf_read_all(struct mb_kbtf *k)
{
	if (k->fill && fill_range(k->fill, k->fill->buf, k->fill->size)) {
		snprintf(k->err, sizeof(k->err), "BTF: read failed: %s", strerror(k->fill->err));
		return -k->fill->err;
	}
	return 0;
}

int mb_kbtf_read_error(const struct mb_kbtf *k)
{
	return k->fill ? k->fill->err : 0;
}

void mb_kbtf_free(struct mb_kbtf *k)
{
	if (!k)
		return;
	fill_free(k->fill);
	free(k->own);
	free(k);
}

void mb_kbtf_set_ptr_size(struct mb_kbtf *k, uint32_t sz)
{
	k->ptr_size = sz;
}

const char *mb_kbtf_error(const struct mb_kbtf *k)
{
	return k->err;
}

/* One pass over the headers, keeping the offset of every 64th type only
 * (8 KB for vmlinux instead of 500 KB: on VMs every page first touched costs
 * microseconds). A lookup walks at most 63 records from its checkpoint, or
 * on from the previous lookup when ids go up, as scans do. */
#define CK_SHIFT 6

static uint32_t rec_len(const struct mb_btf_type *t)
{
	return sizeof(*t) + (uint32_t)mb_btf_extra_size(t);
}

static int index_types(struct mb_kbtf *k)
{
	const uint8_t *p = k->types;
	uint32_t pos = 0, n = 1, len = k->types_len;
	uint32_t *ck;

	if (k->off || k->bad)
		return k->bad ? -EINVAL : 0;
	if (mb_kbtf_read_all(k)) {
		k->bad = 1;
		return -EIO;
	}
	ck = malloc((((size_t)len / sizeof(struct mb_btf_type) + 2) >> CK_SHIFT) * sizeof(*ck) + 8);
	if (!ck) {
		snprintf(k->err, sizeof(k->err), "out of memory indexing BTF");
		return -ENOMEM;
	}
	ck[0] = 0;   /* id 0 is void: checkpoint 0 holds id 1's offset */
	while (pos < len) {
		const struct mb_btf_type *t = (const void *)(p + pos);
		int64_t x;

		if (len - pos < sizeof(*t) || (x = mb_btf_extra_size(t)) < 0 ||
		    (uint64_t)x > len - pos - sizeof(*t) || n > BTF_MAX_TYPES) {
			snprintf(k->err, sizeof(k->err), "BTF: type [%u] at offset %u is malformed", n, pos);
			k->bad = 1;
			free(ck);
			return -EINVAL;
		}
		if (!(n & ((1u << CK_SHIFT) - 1)))
			ck[n >> CK_SHIFT] = pos;
		n++;
		pos += sizeof(*t) + (uint32_t)x;
	}
	k->off = k->own = ck;
	k->cnt = n;
	k->cur_id = 1;
	k->cur_pos = 0;
	return 0;
}

uint32_t mb_kbtf_type_cnt(struct mb_kbtf *k)
{
	return index_types(k) ? 0 : k->cnt;
}

/* A record at pos, if its whole extent is inside the section (an index
 * read from a file is not trusted to point at record boundaries). */
static const struct mb_btf_type *rec_at(const struct mb_kbtf *k, uint32_t pos)
{
	const struct mb_btf_type *t = (const void *)(k->types + pos);
	int64_t x;

	if (pos % 4 || k->types_len < sizeof(*t) || pos > k->types_len - sizeof(*t))
		return NULL;
	if (k->fill && fill_range(k->fill, t, sizeof(*t)))
		return NULL;
	x = mb_btf_extra_size(t);
	if (x < 0 || (uint64_t)x > k->types_len - pos - sizeof(*t))
		return NULL;
	if (k->fill && fill_range(k->fill, t + 1, (uint64_t)x))
		return NULL;
	return t;
}

const struct mb_btf_type *mb_kbtf_type(struct mb_kbtf *k, uint32_t id)
{
	const struct mb_btf_type *t;
	uint32_t cur, pos;

	if (!id || index_types(k) || id >= k->cnt)
		return NULL;
	if (id >= k->cur_id && id - k->cur_id < (1u << CK_SHIFT)) {
		cur = k->cur_id;
		pos = k->cur_pos;
	} else if (id >> CK_SHIFT) {
		cur = id & ~((1u << CK_SHIFT) - 1);
		pos = k->off[id >> CK_SHIFT];
	} else {
		cur = 1;
		pos = 0;
	}
	for (; cur < id; cur++) {
		t = rec_at(k, pos);
		if (!t)
			return NULL;
		pos += rec_len(t);
	}
	t = rec_at(k, pos);
	if (t) {
		k->cur_id = id;
		k->cur_pos = pos;
	}
	return t;
}

const char *mb_kbtf_str(const struct mb_kbtf *k, uint32_t off)
{
	if (off >= k->strs_len || (k->fill && fill_str(k->fill, k->strs + off)))
		return "";
	return k->strs + off;
}

#define IDX_BITS 14   /* hash buckets: 64 KB of starts, ~8 names each */
#define IDX_NB   (1u << IDX_BITS)

static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	while (len--)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* Types whose name hashes like name[0..len) (index only): calls cb in id
 * order until it returns non-zero. -ENOSYS without an index. */
int mb_kbtf_by_name(struct mb_kbtf *k, const char *name, size_t len,
		    int (*cb)(void *ctx, uint32_t id, const struct mb_btf_type *t), void *ctx)
{
	uint32_t h = name_hash(name, len), i, end;
	int r;

	if (!k->ent)
		return -ENOSYS;
	i = k->bkt[h >> (32 - IDX_BITS)];
	end = k->bkt[(h >> (32 - IDX_BITS)) + 1];
	for (; i < end && end <= k->nent; i++) {
		const struct mb_btf_type *t;

		if (k->ent[i * 2] != h || !(t = mb_kbtf_type(k, k->ent[i * 2 + 1])))
			continue;
		if ((r = cb(ctx, k->ent[i * 2 + 1], t)))
			return r;
	}
	return 0;
}

struct find_ctx {
	struct mb_kbtf *k;
	const char *name;
	int kind;
};

static int find_cb(void *ctx, uint32_t id, const struct mb_btf_type *t)
{
	struct find_ctx *f = ctx;

	if ((f->kind < 0 || mb_btf_kind(t) == (unsigned)f->kind) &&
	    !strcmp(mb_kbtf_str(f->k, t->name_off), f->name))
		return (int)id;
	return 0;
}

int mb_kbtf_find(struct mb_kbtf *k, const char *name, int kind)
{
	struct find_ctx f = { k, name, kind };
	uint32_t id;
	int r;

	if (index_types(k))
		return -EINVAL;
	if (k->ent) {
		r = mb_kbtf_by_name(k, name, strlen(name), find_cb, &f);
		return r > 0 ? r : -ENOENT;
	}
	for (id = 1; id < k->cnt; id++) {
		const struct mb_btf_type *t = mb_kbtf_type(k, id);

		if ((kind < 0 || mb_btf_kind(t) == (unsigned)kind) &&
		    !strcmp(mb_kbtf_str(k, t->name_off), name))
			return (int)id;
	}
	return -ENOENT;
}

static int is_mod(unsigned kind)
{
	return kind == MB_BTF_KIND_TYPEDEF || kind == MB_BTF_KIND_VOLATILE ||
	       kind == MB_BTF_KIND_CONST || kind == MB_BTF_KIND_RESTRICT ||
	       kind == MB_BTF_KIND_TYPE_TAG;
}

int mb_kbtf_skip(struct mb_kbtf *k, uint32_t id)
{
	int depth;

	for (depth = 0; depth < 64; depth++) {
		const struct mb_btf_type *t;

		if (!id)
			return 0;
		t = mb_kbtf_type(k, id);
		if (!t)
			return -EINVAL;
		if (!is_mod(mb_btf_kind(t)))
			return (int)id;
		id = t->size_or_type;
	}
	return -ELOOP;
}

int64_t mb_kbtf_size(struct mb_kbtf *k, uint32_t id)
{
	uint64_t mult = 1;
	int depth;

	for (depth = 0; depth < 64; depth++) {
		const struct mb_btf_type *t = mb_kbtf_type(k, id);
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
			mult *= k->ptr_size;
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

int mb_kbtf_index_build(struct mb_kbtf *k, void **out, size_t *len)
{
	uint32_t nck, id, n = 0, i, *b, *bk, *e, *tmp;

	if (index_types(k))
		return -EINVAL;
	nck = ((k->cnt - 1) >> CK_SHIFT) + 1;
	/* at most two entries per type: the essential name and the full one */
	b = malloc(((size_t)IDX_HDR + nck + IDX_NB + 1 + (size_t)k->cnt * 4) * 4);
	tmp = malloc((size_t)k->cnt * 4 * 4);
	if (!b || !tmp) {
		free(b);
		free(tmp);
		return -ENOMEM;
	}
	memcpy(b + IDX_HDR, k->off, (size_t)nck * 4);
	bk = b + IDX_HDR + nck;
	e = bk + IDX_NB + 1;
	for (id = 1; id < k->cnt; id++) {
		const struct mb_btf_type *t = mb_kbtf_type(k, id);
		const char *nm;
		size_t el, fl;

		if (!t || !t->name_off)
			continue;
		nm = mb_kbtf_str(k, t->name_off);
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
	b[0] = IDX_MAGIC;
	b[1] = 2;
	b[2] = k->types_len;
	b[3] = k->strs_len;
	b[4] = k->cnt;
	b[5] = nck;
	b[6] = n;
	*out = b;
	*len = ((size_t)IDX_HDR + nck + IDX_NB + 1 + (size_t)n * 2) * 4;
	return 0;
}

int mb_kbtf_index_use(struct mb_kbtf *k, const void *idx, size_t len)
{
	const uint32_t *b = idx;
	uint32_t nck;

	if (k->off || len < IDX_HDR * 4 || (uintptr_t)idx % 4 || b[0] != IDX_MAGIC || b[1] != 2 ||
	    b[2] != k->types_len || b[3] != k->strs_len || !b[4] || b[4] > BTF_MAX_TYPES + 1 ||
	    b[4] > k->types_len / sizeof(struct mb_btf_type) + 1)
		return -EINVAL;
	nck = ((b[4] - 1) >> CK_SHIFT) + 1;
	if (b[5] != nck || b[6] > b[4] * 2 ||
	    len != ((size_t)IDX_HDR + nck + IDX_NB + 1 + (size_t)b[6] * 2) * 4)
		return -EINVAL;
	k->cnt = b[4];
	k->off = b + IDX_HDR;
	k->bkt = b + IDX_HDR + nck;
	k->ent = k->bkt + IDX_NB + 1;
	k->nent = b[6];
	k->cur_id = 1;
	k->cur_pos = 0;
	return 0;
}
