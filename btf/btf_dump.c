/* Print a value through its BTF type: JSON (compact) or indented, bpftool-like. */
#include <errno.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/btf_int.h"

struct dw {
	const struct mb_btf *btf;
	FILE *out;
	int json, depth;
};

static void nl(struct dw *w)
{
	if (!w->json)
		fprintf(w->out, "\n%*s", w->depth * 4, "");
}

static int host_le(void)
{
	uint16_t x = 1;

	return *(uint8_t *)&x;
}

/* Read nbits at bit offset `bit` of a host-order integer storage. */
static int read_bits(const uint8_t *p, size_t size, uint64_t bit, uint32_t nbits, uint64_t *v)
{
	uint64_t start = bit / 8, nbytes = (bit % 8 + nbits + 7) / 8, x = 0, i;

	if (!nbits || nbits > 64 || nbytes > 8 || start > size || nbytes > size - start)
		return -EINVAL;
	for (i = 0; i < nbytes; i++) {
		if (host_le())
			x |= (uint64_t)p[start + i] << (8 * i);
		else
			x = (x << 8) | p[start + i];
	}
	/* little endian numbers bits from the LSB, big endian from the MSB */
	x >>= host_le() ? bit % 8 : nbytes * 8 - bit % 8 - nbits;
	*v = nbits == 64 ? x : x & ((1ull << nbits) - 1);
	return 0;
}

static void print_str(struct dw *w, const char *s, size_t n)
{
	size_t i;

	fputc('"', w->out);
	for (i = 0; i < n && s[i]; i++) {
		if (s[i] == '"' || s[i] == '\\')
			fputc('\\', w->out);
		fputc(s[i], w->out);
	}
	fputc('"', w->out);
}

static void print_int(struct dw *w, uint64_t v, uint32_t bits, int is_signed, int is_bool)
{
	if (is_bool)
		fputs(v ? "true" : "false", w->out);
	else if (is_signed && bits < 64 && (v >> (bits - 1)) & 1)
		fprintf(w->out, "%lld", (long long)(v | ~((1ull << bits) - 1)));
	else if (is_signed)
		fprintf(w->out, "%lld", (long long)v);
	else
		fprintf(w->out, "%llu", (unsigned long long)v);
}

static int dump(struct dw *w, uint32_t id, const uint8_t *p, size_t size, int depth);

/* A bitfield or an int/enum at a bit offset. */
static int dump_bits(struct dw *w, uint32_t id, const uint8_t *p, size_t size,
		     uint64_t bit, uint32_t nbits)
{
	int r = mb_btf_resolve(w->btf, id);
	const struct mb_btf_type *t = r > 0 ? mb_btf_type_by_id(w->btf, r) : NULL;
	uint64_t v;
	uint32_t enc = 0, i;

	if (!t || read_bits(p, size, bit, nbits, &v))
		return -EINVAL;
	if (mb_btf_kind(t) == MB_BTF_KIND_INT)
		enc = *(uint32_t *)mb_btf_extra(t) >> 24;
	if (mb_btf_kind(t) == MB_BTF_KIND_ENUM) {
		const struct mb_btf_enum *e = mb_btf_extra(t);

		for (i = 0; i < mb_btf_vlen(t); i++)
			if ((uint32_t)e[i].val == (uint32_t)v) {
				print_str(w, mb_btf_str(w->btf, e[i].name_off), (size_t)-1);
				return 0;
			}
		enc = mb_btf_kflag(t) ? 0 : MB_BTF_INT_SIGNED;
	} else if (mb_btf_kind(t) == MB_BTF_KIND_ENUM64) {
		const struct mb_btf_enum64 *e = mb_btf_extra(t);

		for (i = 0; i < mb_btf_vlen(t); i++)
			if (((uint64_t)e[i].val_hi32 << 32 | e[i].val_lo32) == v) {
				print_str(w, mb_btf_str(w->btf, e[i].name_off), (size_t)-1);
				return 0;
			}
		enc = mb_btf_kflag(t) ? 0 : MB_BTF_INT_SIGNED;
	}
	print_int(w, v, nbits, enc & MB_BTF_INT_SIGNED, enc & MB_BTF_INT_BOOL);
	return 0;
}

static int printable_chars(const uint8_t *p, size_t n)
{
	size_t i;

	if (!n || !p[0])
		return 0;
	for (i = 0; i < n && p[i]; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	for (; i < n; i++)     /* only NULs after the terminator */
		if (p[i])
			return 0;
	return 1;
}

static int dump_array(struct dw *w, const struct mb_btf_type *t, const uint8_t *p,
		      size_t size, int depth)
{
	const struct mb_btf_array *a = mb_btf_extra(t);
	int r = mb_btf_resolve(w->btf, a->type);
	const struct mb_btf_type *e = r > 0 ? mb_btf_type_by_id(w->btf, r) : NULL;
	int64_t esz = mb_btf_type_size(w->btf, a->type);
	uint32_t i;
	int ret;

	if (esz <= 0 || (uint64_t)esz * a->nelems > size)
		return -EINVAL;
	if (esz == 1 && e && mb_btf_kind(e) == MB_BTF_KIND_INT &&
	    printable_chars(p, a->nelems)) {
		print_str(w, (const char *)p, a->nelems);
		return 0;
	}
	fputc('[', w->out);
	w->depth++;
	for (i = 0; i < a->nelems; i++) {
		if (i)
			fputc(',', w->out);
		nl(w);
		ret = dump(w, a->type, p + (size_t)esz * i, (size_t)esz, depth + 1);
		if (ret)
			return ret;
	}
	w->depth--;
	if (a->nelems)
		nl(w);
	fputc(']', w->out);
	return 0;
}

static int dump_struct(struct dw *w, uint32_t id, const struct mb_btf_type *t,
		       const uint8_t *p, size_t size, int depth)
{
	unsigned kind = mb_btf_kind(t), i, n = mb_btf_vlen(t);
	struct mb_btf_member_info m;
	int ret = 0;

	fputc('{', w->out);
	w->depth++;
	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', w->out);
		nl(w);
		if (kind == MB_BTF_KIND_DATASEC) {
			const struct mb_btf_var_secinfo *v = (const struct mb_btf_var_secinfo *)
				mb_btf_extra(t) + i;
			const struct mb_btf_type *var = mb_btf_type_by_id(w->btf, v->type);

			print_str(w, mb_btf_str(w->btf, var->name_off), (size_t)-1);
			fputs(w->json ? ":" : ": ", w->out);
			if (v->offset > size || v->size > size - v->offset)
				return -EINVAL;
			ret = dump(w, var->size_or_type, p + v->offset, v->size, depth + 1);
		} else {
			int64_t msz;

			mb_btf_member(w->btf, id, i, &m);
			print_str(w, m.name, (size_t)-1);
			fputs(w->json ? ":" : ": ", w->out);
			msz = mb_btf_type_size(w->btf, m.type);
			if (m.bitfield_size)
				ret = dump_bits(w, m.type, p, size, m.bit_offset, m.bitfield_size);
			else if (m.bit_offset % 8 || msz < 0 || m.bit_offset / 8 > size ||
				 (uint64_t)msz > size - m.bit_offset / 8)
				ret = -EINVAL;
			else
				ret = dump(w, m.type, p + m.bit_offset / 8, (size_t)msz, depth + 1);
		}
		if (ret)
			return ret;
	}
	w->depth--;
	if (n)
		nl(w);
	fputc('}', w->out);
	return 0;
}

static int dump(struct dw *w, uint32_t id, const uint8_t *p, size_t size, int depth)
{
	int r = mb_btf_resolve(w->btf, id);
	const struct mb_btf_type *t = r > 0 ? mb_btf_type_by_id(w->btf, r) : NULL;
	int64_t sz = r > 0 ? mb_btf_type_size(w->btf, r) : -EINVAL;
	uint64_t v = 0;

	if (!t || depth > 32)
		return -EINVAL;
	if (sz < 0 || (uint64_t)sz > size)
		return sz < 0 ? (int)sz : -ENOSPC;
	switch (mb_btf_kind(t)) {
	case MB_BTF_KIND_INT: {
		uint32_t enc = *(uint32_t *)mb_btf_extra(t);

		if ((enc & 0xff) > 64 || sz > 8) {     /* __int128: hex like bpftool */
			int i, le = host_le();

			fputs(w->json ? "\"0x" : "0x", w->out);
			for (i = 0; i < sz; i++)
				fprintf(w->out, "%02x", p[le ? sz - 1 - i : i]);
			if (w->json)
				fputc('"', w->out);
			return 0;
		}
		return dump_bits(w, r, p, size, (enc >> 16) & 0xff, enc & 0xff);
	}
	case MB_BTF_KIND_ENUM: case MB_BTF_KIND_ENUM64:
		return dump_bits(w, r, p, size, 0, (uint32_t)sz * 8);
	case MB_BTF_KIND_PTR:
		read_bits(p, size, 0, (uint32_t)sz * 8, &v);
		fprintf(w->out, w->json ? "\"%#llx\"" : "%#llx", (unsigned long long)v);
		return 0;
	case MB_BTF_KIND_FLOAT:
		if (sz == 4) {
			float f;

			memcpy(&f, p, 4);
			fprintf(w->out, "%.9g", f);
		} else if (sz == 8) {
			double d;

			memcpy(&d, p, 8);
			fprintf(w->out, "%.17g", d);
		} else {
			fputs("null", w->out);
		}
		return 0;
	case MB_BTF_KIND_ARRAY:
		return dump_array(w, t, p, size, depth);
	case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION: case MB_BTF_KIND_DATASEC:
		return dump_struct(w, r, t, p, size, depth);
	case MB_BTF_KIND_VAR:
		return dump(w, t->size_or_type, p, size, depth + 1);
	}
	return -EINVAL;
}

int mb_btf_dump_value(const struct mb_btf *btf, uint32_t type_id, const void *data,
		      size_t size, FILE *out, int json)
{
	struct dw w = { btf, out, json, 0 };

	return dump(&w, type_id, data, size, 0);
}
