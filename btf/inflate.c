/* A small inflate (RFC 1951) and gunzip (RFC 1952): no zlib in a static
 * minibpf. Huffman codes are decoded canonically, one bit at a time (as
 * zlib's puff does): slower than tables, and a few hundred bytes of code.
 * Codes are held to zlib's rules, so both agree on every stream
 * (fuzz/fuzz_inflate.c checks it): no over-subscribed code, no incomplete
 * one except a code of a single 1-bit symbol, an end-of-block code present. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mb_config.h"
#include "btf/inflate.h"

#if MB_CONFIG_GZ

struct inf {
	const uint8_t *in;
	size_t len, pos;
	uint32_t bb;           /* bits not yet used, lowest first */
	int bc;                /* how many (0..7 between reads) */
	uint8_t *out;
	size_t n, cap, max;
	int err;               /* first error (positive errno): sticky */
	const char *why;
};

struct huff {
	uint16_t cnt[16];      /* codes of each length */
	uint16_t sym[288];     /* symbols in code order */
};

static int fail(struct inf *s, int err, const char *why)
{
	if (!s->err) {
		s->err = err;
		s->why = why;
	}
	return -1;
}

/* NEED (0..13) bits, or -1; once input runs out every later read fails too,
 * so no half-read value is ever used. */
static int bits(struct inf *s, int need)
{
	uint32_t v;

	if (s->err)
		return -1;
	while (s->bc < need) {
		if (s->pos >= s->len)
			return fail(s, EINVAL, "truncated stream");
		s->bb |= (uint32_t)s->in[s->pos++] << s->bc;
		s->bc += 8;
	}
	v = s->bb & ((1u << need) - 1);
	s->bb >>= need;
	s->bc -= need;
	return (int)v;
}

/* The canonical code of N code lengths (each 0..15). STRICT: the code
 * lengths code, which must be complete. */
static int build(struct inf *s, struct huff *h, const uint8_t *len, int n, int strict)
{
	uint16_t off[16];
	int i, left = 1, max = 0;

	memset(h->cnt, 0, sizeof(h->cnt));
	for (i = 0; i < n; i++)
		h->cnt[len[i]]++;
	for (i = 1; i < 16; i++) {
		left = left * 2 - h->cnt[i];
		if (left < 0)
			return fail(s, EINVAL, "over-subscribed Huffman code");
		if (h->cnt[i])
			max = i;
	}
	if (left > 0 && (strict || max > 1))
		return fail(s, EINVAL, "incomplete Huffman code");
	off[1] = 0;
	for (i = 1; i < 15; i++)
		off[i + 1] = (uint16_t)(off[i] + h->cnt[i]);
	for (i = 0; i < n; i++)
		if (len[i])
			h->sym[off[len[i]]++] = (uint16_t)i;
	return 0;
}

static int decode(struct inf *s, const struct huff *h)
{
	int code = 0, first = 0, idx = 0, l, b;

	/* invariant: first <= code, so code - first indexes this length's symbols */
	for (l = 1; l < 16; l++) {
		if ((b = bits(s, 1)) < 0)
			return -1;
		code |= b;
		if (code - first < h->cnt[l])
			return h->sym[idx + code - first];
		idx += h->cnt[l];
		first = (first + h->cnt[l]) << 1;
		code <<= 1;
	}
	return fail(s, EINVAL, "invalid Huffman code");
}

static int put(struct inf *s, uint8_t c)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 65536;
		uint8_t *o;

		if (s->cap > s->max)
			return fail(s, EFBIG, "output too large");
		if (nc > s->max + 1)
			nc = s->max + 1;     /* room for the NUL after max bytes */
		o = realloc(s->out, nc);
		if (!o)
			return fail(s, ENOMEM, "out of memory");
		s->out = o;
		s->cap = nc;
	}
	if (s->n == s->max)
		return fail(s, EFBIG, "output too large");
	s->out[s->n++] = c;
	return 0;
}

static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };

/* One block's symbols, up to end-of-block. */
static int codes(struct inf *s, const struct huff *lc, const struct huff *dc)
{
	for (;;) {
		int sym = decode(s, lc), e, d;
		size_t len, dist;

		if (sym < 0)
			return -1;
		if (sym < 256) {
			if (put(s, (uint8_t)sym))
				return -1;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29)
			return fail(s, EINVAL, "invalid length code");
		if ((e = bits(s, len_extra[sym])) < 0)
			return -1;
		len = len_base[sym] + (size_t)e;
		if ((d = decode(s, dc)) < 0)
			return -1;
		if (d >= 30)
			return fail(s, EINVAL, "invalid distance code");
		if ((e = bits(s, d < 4 ? 0 : d / 2 - 1)) < 0)
			return -1;
		dist = dist_base[d] + (size_t)e;
		if (dist > s->n)
			return fail(s, EINVAL, "distance too far back");
		while (len--)
			if (put(s, s->out[s->n - dist]))
				return -1;
	}
}

static int fixed(struct inf *s, struct huff *lc, struct huff *dc)
{
	uint8_t l[288];
	int i;

	for (i = 0; i < 288; i++)
		l[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
	if (build(s, lc, l, 288, 0))
		return -1;
	memset(l, 5, 32);          /* 30 and 31 complete the code but are invalid */
	if (build(s, dc, l, 32, 0))
		return -1;
	return codes(s, lc, dc);
}

static int dynamic(struct inf *s, struct huff *lc, struct huff *dc)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
	uint8_t len[286 + 30];
	int nl, nd, nc, i, v;

	nl = bits(s, 5) + 257;
	nd = bits(s, 5) + 1;
	nc = bits(s, 4) + 4;
	if (s->err)
		return -1;
	if (nl > 286 || nd > 30)
		return fail(s, EINVAL, "too many length or distance codes");
	memset(len, 0, sizeof(len));
	for (i = 0; i < nc; i++) {
		if ((v = bits(s, 3)) < 0)
			return -1;
		len[order[i]] = (uint8_t)v;
	}
	if (build(s, lc, len, 19, 1))
		return -1;
	for (i = 0; i < nl + nd;) {
		int sym = decode(s, lc), rep;
		uint8_t fill = 0;

		if (sym < 0)
			return -1;
		if (sym < 16) {
			len[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (!i)
				return fail(s, EINVAL, "length repeat with no previous length");
			fill = len[i - 1];
			rep = 3 + bits(s, 2);
		} else {
			rep = sym == 17 ? 3 + bits(s, 3) : 11 + bits(s, 7);
		}
		if (s->err)
			return -1;
		if (i + rep > nl + nd)
			return fail(s, EINVAL, "length repeat past the last code");
		while (rep--)
			len[i++] = fill;
	}
	if (!len[256])
		return fail(s, EINVAL, "no end-of-block code");
	if (build(s, lc, len, nl, 0) || build(s, dc, len + nl, nd, 0))
		return -1;
	return codes(s, lc, dc);
}

static int stored(struct inf *s)
{
	size_t n;

	s->bb = 0;                 /* the rest of the current byte */
	s->bc = 0;
	if (s->len - s->pos < 4)
		return fail(s, EINVAL, "truncated stream");
	n = s->in[s->pos] | (size_t)s->in[s->pos + 1] << 8;
	if ((s->in[s->pos + 2] | (size_t)s->in[s->pos + 3] << 8) != (~n & 0xffff))
		return fail(s, EINVAL, "stored block length does not match its complement");
	s->pos += 4;
	if (n > s->len - s->pos)
		return fail(s, EINVAL, "truncated stream");
	while (n--)
		if (put(s, s->in[s->pos++]))
			return -1;
	return 0;
}

/* The blocks from s->pos to the last one; s->pos then ends the stream. */
static int blocks(struct inf *s)
{
	struct huff *h = malloc(2 * sizeof(*h));
	int last = 0, type, r = 0;

	if (!h)
		return fail(s, ENOMEM, "out of memory");
	while (!last && !r) {
		last = bits(s, 1);
		type = bits(s, 2);
		if (s->err)
			r = -1;
		else if (type == 0)
			r = stored(s);
		else if (type == 1)
			r = fixed(s, &h[0], &h[1]);
		else if (type == 2)
			r = dynamic(s, &h[0], &h[1]);
		else
			r = fail(s, EINVAL, "invalid block type");
	}
	free(h);
	return r;
}

static int finish(struct inf *s, int r, unsigned char **out, size_t *out_len, char *err, size_t errlen)
{
	if (r || s->err) {
		if (err && errlen)
			snprintf(err, errlen, "%s (input byte %zu)", s->why ? s->why : "bad data", s->pos);
		free(s->out);
		*out = NULL;
		*out_len = 0;
		return -(s->err ? s->err : EINVAL);
	}
	s->out[s->n] = 0;          /* room() made space */
	*out = s->out;
	*out_len = s->n;
	return 0;
}

/* Room for the NUL after the output (none yet, or exactly full). */
static int room(struct inf *s)
{
	uint8_t *o;

	if (s->n < s->cap)
		return 0;
	o = realloc(s->out, s->n + 1);
	if (!o)
		return fail(s, ENOMEM, "out of memory");
	s->out = o;
	s->cap = s->n + 1;
	return 0;
}

int mb_inflate(const void *in, size_t len, size_t max, unsigned char **out, size_t *out_len,
	       char *err, size_t errlen)
{
	struct inf s;
	int r;

	memset(&s, 0, sizeof(s));
	s.in = in;
	s.len = len;
	s.max = max;
	r = blocks(&s);
	if (!r)
		r = room(&s);
	return finish(&s, r, out, out_len, err, errlen);
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t t[256], c;
	int i, k;

	for (i = 0; i < 256; i++) {
		for (c = (uint32_t)i, k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		t[i] = c;
	}
	for (c = 0xffffffffu; n--; p++)
		c = t[(c ^ *p) & 0xff] ^ (c >> 8);
	return ~c;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int mb_gunzip(const void *in, size_t len, size_t max, unsigned char **out, size_t *out_len,
	      char *err, size_t errlen)
{
	const uint8_t *b = in;
	struct inf s;
	uint8_t fl;
	int r;

	memset(&s, 0, sizeof(s));
	s.in = in;
	s.len = len;
	s.max = max;
	s.pos = 10;
	/* ID1 ID2 CM FLG MTIME(4) XFL OS; FLG: FTEXT FHCRC FEXTRA FNAME FCOMMENT */
	if (len < 18 || b[0] != 0x1f || b[1] != 0x8b)
		r = fail(&s, EINVAL, "not gzip data");
	else if (b[2] != 8 || (b[3] & 0xe0))
		r = fail(&s, EINVAL, "unknown gzip method or flags");
	else
		r = 0;
	fl = r ? 0 : b[3];
	if (!r && (fl & 4)) {
		size_t x = b[10] | (size_t)b[11] << 8;

		if (x > len - 12)
			r = fail(&s, EINVAL, "truncated gzip header");
		else
			s.pos = 12 + x;
	}
	for (int f = 8; !r && f <= 16; f <<= 1)
		if (fl & f) {
			const uint8_t *z = memchr(b + s.pos, 0, len - s.pos);

			if (!z)
				r = fail(&s, EINVAL, "truncated gzip header");
			else
				s.pos = (size_t)(z - b) + 1;
		}
	if (!r && (fl & 2)) {
		if (len - s.pos < 2)
			r = fail(&s, EINVAL, "truncated gzip header");
		s.pos += 2;
	}
	if (!r)
		r = blocks(&s);
	if (!r && s.len - s.pos < 8)
		r = fail(&s, EINVAL, "truncated gzip trailer");
	if (!r && le32(b + s.pos) != crc32(s.out, s.n))
		r = fail(&s, EINVAL, "gzip CRC32 mismatch");
	if (!r && le32(b + s.pos + 4) != (uint32_t)s.n)
		r = fail(&s, EINVAL, "gzip ISIZE mismatch");
	if (!r)
		r = room(&s);
	return finish(&s, r, out, out_len, err, errlen);
}

#else /* MB_CONFIG_GZ */

/* Built without the inflater (MB_CONFIG_GZ=0). */
static int no_gz(unsigned char **out, size_t *out_len, char *err, size_t errlen)
{
	*out = NULL;
	*out_len = 0;
	snprintf(err, errlen, "built without gzip support (MB_CONFIG_GZ=0)");
	return -EOPNOTSUPP;
}

int mb_inflate(const void *in, size_t len, size_t max, unsigned char **out, size_t *out_len,
	       char *err, size_t errlen)
{
	(void)in; (void)len; (void)max;
	return no_gz(out, out_len, err, errlen);
}

int mb_gunzip(const void *in, size_t len, size_t max, unsigned char **out, size_t *out_len,
	      char *err, size_t errlen)
{
	(void)in; (void)len; (void)max;
	return no_gz(out, out_len, err, errlen);
}
#endif /* MB_CONFIG_GZ */
