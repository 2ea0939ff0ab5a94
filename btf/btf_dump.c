/* Print a value through its BTF type the way bpftool's `map dump` does:
 * JSON, pretty-printed with bpftool's json_writer layout for plain text
 * (a newline only before member names and before a non-empty container's
 * closing bracket, 4 spaces per level; array items stay on one line). */
#include <errno.h>
#include <string.h>

#include "mb_config.h"
#include "btf/btf.h"
#include "btf/btf_int.h"

#if MB_BTF_DUMP

struct dw {
	const struct mb_btf *btf;
	FILE *out;
	int pretty;
	unsigned depth;
	char sep;
	/* Values printed so far: arrays of zero-sized elements (struct {}[N],
	 * nested) would otherwise loop up to 2^32 times per level. */
	size_t nodes, max_nodes;
};

static void eor(struct dw *w)
{
	if (w->sep)
		fputc(w->sep, w->out);
	w->sep = ',';
}

static void eol(struct dw *w)
{
	if (w->pretty)
		fprintf(w->out, "\n%*s", (int)w->depth * 4, "");
}

static void put_str(struct dw *w, const char *s, size_t n)
{
	size_t i;

	fputc('"', w->out);
	for (i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(w->out, "\\%c", c);
		else if (c < 0x20)
			fprintf(w->out, "\\u%04x", c);
		else
			fputc(c, w->out);
	}
	fputc('"', w->out);
}

static void name(struct dw *w, const char *n)
{
	eor(w);
	eol(w);
	w->sep = 0;
	put_str(w, n, (size_t)-1);
	fputs(w->pretty ? ": " : ":", w->out);
}

static void begin(struct dw *w, int c)
{
	eor(w);
	fputc(c, w->out);
	w->depth++;
	w->sep = 0;
}

static void end(struct dw *w, int c)
{
	w->depth--;
	if (w->sep)
		eol(w);
	fputc(c, w->out);
	w->sep = ',';
}

/* A scalar: separator first, then the caller prints it. */
static FILE *val(struct dw *w)
{
	eor(w);
	return w->out;
}

static int host_le(void)
{
	uint16_t x = 1;

	return *(uint8_t *)&x;
}

/* nbits at bit offset `bit` of host-order storage at p (size bytes). */
static int read_bits(const uint8_t *p, size_t size, uint64_t bit, uint32_t nbits, uint64_t *v)
{
	uint64_t start = bit / 8, nbytes = (bit % 8 + nbits + 7) / 8, x = 0, i;

	if (!nbits || nbits > 64 || nbytes > 8 || start > size || nbytes > size - start)
		return -EINVAL;
	for (i = 0; i < nbytes; i++)
		x = host_le() ? x | (uint64_t)p[start + i] << (8 * i) : (x << 8) | p[start + i];
	/* little endian numbers bits from the LSB, big endian from the MSB */
	x >>= host_le() ? bit % 8 : nbytes * 8 - bit % 8 - nbits;
	*v = nbits == 64 ? x : x & ((1ull << nbits) - 1);
	return 0;
}

/* Bitfields and odd-sized ints print as hex, like bpftool. */
static int hex_bits(struct dw *w, const uint8_t *p, size_t size, uint64_t bit, uint32_t nbits)
{
	uint64_t v;

	if (read_bits(p, size, bit, nbits, &v))
		return -EINVAL;
	fprintf(val(w), w->pretty ? "0x%llx" : "\"0x%llx\"", (unsigned long long)v);
	return 0;
}

static int dump(struct dw *w, uint32_t id, const uint8_t *p, size_t size, uint32_t bit, int depth);

static int dump_int(struct dw *w, const struct mb_btf_type *t, const uint8_t *p, size_t size,
		    uint32_t bit)
{
	uint32_t enc = *(uint32_t *)mb_btf_extra(t), nbits = enc & 0xff;
	unsigned e = enc >> 24;
	uint64_t v;

	bit += (enc >> 16) & 0xff;
	if (nbits == 128 && bit == 0 && size >= 16) {
		uint64_t hi, lo;

		memcpy(host_le() ? &lo : &hi, p, 8);
		memcpy(host_le() ? &hi : &lo, p + 8, 8);
		if (hi)
			fprintf(val(w), w->pretty ? "0x%llx%016llx" : "\"0x%llx%016llx\"",
				(unsigned long long)hi, (unsigned long long)lo);
		else
			fprintf(val(w), w->pretty ? "0x%llx" : "\"0x%llx\"", (unsigned long long)lo);
		return 0;
	}
	if (bit || nbits % 8 || nbits > 64 || (nbits != 8 && e == MB_BTF_INT_CHAR))
		return hex_bits(w, p, size, bit, nbits);
	if (read_bits(p, size, 0, nbits, &v))
		return -EINVAL;
	if (e == MB_BTF_INT_BOOL) {
		fputs(v ? "true" : "false", val(w));
	} else if (e == MB_BTF_INT_CHAR) {
		char c[2] = { (char)v, 0 };

		if (v >= 0x20 && v < 0x7f) {
			eor(w);
			put_str(w, c, 1);
		} else
			fprintf(val(w), w->pretty ? "0x%llx" : "\"\\u00%02llx\"", (unsigned long long)v);
	} else if (e == MB_BTF_INT_SIGNED) {
		if (nbits < 64 && v >> (nbits - 1))
			v |= ~0ull << nbits;   /* sign-extend */
		fprintf(val(w), "%lld", (long long)v);
	} else {
		fprintf(val(w), "%llu", (unsigned long long)v);
	}
	return 0;
}

static int dump_enum(struct dw *w, const struct mb_btf_type *t, const uint8_t *p, size_t size)
{
	uint32_t i, n = mb_btf_vlen(t), bits = t->size_or_type * 8;
	uint64_t v;

	if (read_bits(p, size, 0, bits, &v))
		return -EINVAL;
	if (mb_btf_kind(t) == MB_BTF_KIND_ENUM) {
		const struct mb_btf_enum *e = mb_btf_extra(t);

		for (i = 0; i < n; i++)
			if ((uint32_t)e[i].val == (uint32_t)v)
				goto found;
		if (bits < 64 && v >> (bits - 1))
			v |= ~0ull << bits;    /* bpftool reads enums as signed */
	} else {
		const struct mb_btf_enum64 *e = mb_btf_extra(t);

		for (i = 0; i < n; i++)
			if (((uint64_t)e[i].val_hi32 << 32 | e[i].val_lo32) == v)
				goto found;
	}
	fprintf(val(w), "%lld", (long long)v);
	return 0;
found:
	eor(w);     /* name_off is the first word of both entry layouts */
	put_str(w, mb_btf_str(w->btf, ((const uint32_t *)mb_btf_extra(t))
			      [i * (mb_btf_kind(t) == MB_BTF_KIND_ENUM ? 2 : 3)]), (size_t)-1);
	return 0;
}

/* char arrays print as strings when NUL-terminated and printable before it. */
static int is_string(const struct mb_btf *btf, const struct mb_btf_array *a, const uint8_t *p)
{
	const struct mb_btf_type *e = mb_btf_type_by_id(btf, a->type);
	uint32_t i, depth = 0;

	/* modifiers only: a typedef to char does not count (bpftool's rule) */
	while (e && depth++ < 32 && (mb_btf_kind(e) == MB_BTF_KIND_VOLATILE ||
	       mb_btf_kind(e) == MB_BTF_KIND_CONST || mb_btf_kind(e) == MB_BTF_KIND_RESTRICT ||
	       mb_btf_kind(e) == MB_BTF_KIND_TYPE_TAG))
		e = mb_btf_type_by_id(btf, e->size_or_type);
	if (!e || mb_btf_kind(e) != MB_BTF_KIND_INT || e->size_or_type != 1 ||
	    ((*(uint32_t *)mb_btf_extra(e) >> 24) != MB_BTF_INT_CHAR &&
	     strcmp(mb_btf_str(btf, e->name_off), "char")))
		return 0;
	for (i = 0; i < a->nelems; i++) {
		if (!p[i])
			return 1;
		if (p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	}
	return 0;
}

static int dump_array(struct dw *w, const struct mb_btf_type *t, const uint8_t *p,
		      size_t size, int depth)
{
	const struct mb_btf_array *a = mb_btf_extra(t);
	int64_t esz = mb_btf_type_size(w->btf, a->type);
	uint32_t i;
	int ret = 0;

	if (esz < 0 || (uint64_t)esz * a->nelems > size)
		return -EINVAL;
	if (a->nelems && is_string(w->btf, a, p)) {
		eor(w);
		put_str(w, (const char *)p, a->nelems);
		return 0;
	}
	begin(w, '[');
	for (i = 0; i < a->nelems && !ret; i++)
		ret = dump(w, a->type, p + (size_t)esz * i, (size_t)esz, 0, depth + 1);
	end(w, ']');
	return ret;
}

static int dump_struct(struct dw *w, uint32_t id, const uint8_t *p, size_t size, int depth)
{
	struct mb_btf_member_info m;
	uint32_t i;
	int ret = 0;

	begin(w, '{');
	for (i = 0; !ret && mb_btf_member(w->btf, id, i, &m) == 0; i++) {
		name(w, m.name);
		if (m.bitfield_size) {
			ret = hex_bits(w, p, size, m.bit_offset, m.bitfield_size);
		} else if (m.bit_offset / 8 > size) {
			ret = -EINVAL;
		} else {
			ret = dump(w, m.type, p + m.bit_offset / 8, size - m.bit_offset / 8,
				   m.bit_offset % 8, depth + 1);
		}
	}
	end(w, '}');
	return ret;
}

static int dump_datasec(struct dw *w, const struct mb_btf_type *t, const uint8_t *p,
			size_t size, int depth)
{
	const struct mb_btf_var_secinfo *v = mb_btf_extra(t);
	uint32_t i;
	int ret = 0;

	begin(w, '{');
	name(w, mb_btf_str(w->btf, t->name_off));
	begin(w, '[');
	for (i = 0; i < mb_btf_vlen(t) && !ret; i++) {
		if (v[i].offset > size || v[i].size > size - v[i].offset)
			ret = -EINVAL;
		else
			ret = dump(w, v[i].type, p + v[i].offset, v[i].size, 0, depth + 1);
	}
	end(w, ']');
	end(w, '}');
	return ret;
}

static int dump(struct dw *w, uint32_t id, const uint8_t *p, size_t size, uint32_t bit, int depth)
{
	int r = mb_btf_resolve(w->btf, id);
	const struct mb_btf_type *t = r > 0 ? mb_btf_type_by_id(w->btf, r) : NULL;
	int64_t sz = t ? mb_btf_type_size(w->btf, (uint32_t)r) : -EINVAL;
	uint64_t v;
	int ret;

	if (!t || depth > 32)
		return -EINVAL;
	if (++w->nodes > w->max_nodes)
		return -E2BIG;
	if (sz < 0)
		return (int)sz;
	if ((uint64_t)sz > size)
		return -ENOSPC;
	switch (mb_btf_kind(t)) {
	case MB_BTF_KIND_INT:
		return dump_int(w, t, p, size, bit);
	case MB_BTF_KIND_ENUM: case MB_BTF_KIND_ENUM64:
		return dump_enum(w, t, p, size);
	case MB_BTF_KIND_PTR:
		if (read_bits(p, size, 0, (uint32_t)sz * 8, &v))
			return -EINVAL;
		if (!w->pretty)
			fprintf(val(w), "%llu", (unsigned long long)v);
		else if (!v)
			fputs("(nil)", val(w));    /* glibc's %p, as bpftool prints it */
		else
			fprintf(val(w), "0x%llx", (unsigned long long)v);
		return 0;
	case MB_BTF_KIND_FLOAT:
		if (sz == 4) {
			float f;

			memcpy(&f, p, 4);
			fprintf(val(w), "%.9g", f);
		} else if (sz == 8) {
			double d;

			memcpy(&d, p, 8);
			fprintf(val(w), "%.17g", d);
		} else {
			fputs("null", val(w));
		}
		return 0;
	case MB_BTF_KIND_ARRAY:
		return dump_array(w, t, p, size, depth);
	case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION:
		return dump_struct(w, (uint32_t)r, p, size, depth);
	case MB_BTF_KIND_DATASEC:
		return dump_datasec(w, t, p, size, depth);
	case MB_BTF_KIND_VAR:
		begin(w, '{');
		name(w, mb_btf_str(w->btf, t->name_off));
		ret = dump(w, t->size_or_type, p, size, bit, depth + 1);
		end(w, '}');
		return ret;
	}
	return -EINVAL;
}

int mb_btf_dump_value_at(const struct mb_btf *btf, uint32_t type_id, const void *data,
			 size_t size, FILE *out, int json, unsigned depth)
{
	struct dw w = { btf, out, !json, depth, 0, 0, 0 };

	/* Even bitfields need a bit each: more values than that are empty. */
	w.max_nodes = size < SIZE_MAX / 16 - 4096 ? size * 8 + 4096 : SIZE_MAX;

	return dump(&w, type_id, data, size, 0, 0);
}

int mb_btf_dump_value(const struct mb_btf *btf, uint32_t type_id, const void *data,
		      size_t size, FILE *out, int json)
{
	return mb_btf_dump_value_at(btf, type_id, data, size, out, json, 0);
}

#else /* MB_BTF_DUMP */

/* Built without typed dumps (MB_BTF_DUMP=0): callers print hex. */
int mb_btf_dump_value_at(const struct mb_btf *btf, uint32_t type_id, const void *data,
			 size_t size, FILE *out, int json, unsigned depth)
{
	(void)btf; (void)type_id; (void)data; (void)size; (void)out; (void)json; (void)depth;
	return -EOPNOTSUPP;
}

int mb_btf_dump_value(const struct mb_btf *btf, uint32_t type_id, const void *data,
		      size_t size, FILE *out, int json)
{
	return mb_btf_dump_value_at(btf, type_id, data, size, out, json, 0);
}
#endif /* MB_BTF_DUMP */
