/* .BTF.ext: func_info, line_info and CO-RE relocation records per ELF section. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/btf_int.h"

#define EXT_HDR_MIN  24   /* magic..line_info_len */
#define EXT_HDR_CORE 32   /* + core_relo_off/len */

struct mb_btf_ext {
	struct mb_btf_ext_sec *secs;
	uint32_t nr_secs;
};

struct rd {
	const uint8_t *p;
	int swap;
};

static uint32_t rd32(const struct rd *r, uint64_t off)
{
	uint32_t v;

	memcpy(&v, r->p + off, 4);
	return r->swap ? btf_bswap32(v) : v;
}

static struct mb_btf_ext_sec *get_sec(struct mb_btf_ext *ext, const char *name)
{
	struct mb_btf_ext_sec *s;
	uint32_t i;

	for (i = 0; i < ext->nr_secs; i++)
		if (!strcmp(ext->secs[i].name, name))
			return &ext->secs[i];
	/* nr_secs is bounded by the input size: each block is >= 8 bytes */
	s = realloc(ext->secs, (ext->nr_secs + 1) * sizeof(*s));
	if (!s)
		return NULL;
	ext->secs = s;
	s += ext->nr_secs++;
	memset(s, 0, sizeof(*s));
	s->name = name;
	return s;
}

static const char *const sub_names[] = { "func_info", "line_info", "core_relo" };
static const uint32_t min_rec[] = { 8, 16, 16 };

/* One subsection: u32 rec_size, then { sec_name_off, num_info, records } blocks. */
static int parse_sub(const struct mb_btf *btf, struct mb_btf_ext *ext, const struct rd *r,
		     int which, uint64_t off, uint64_t len, char *err, size_t errlen)
{
	const char *what = sub_names[which];
	uint64_t end = off + len;
	uint32_t rec, nwords = min_rec[which] / 4;

	if (!len)
		return 0;
	if (len < 4) {
		btf_errf(err, errlen, ".BTF.ext %s: %llu bytes cannot hold a record size",
			 what, (unsigned long long)len);
		return -EINVAL;
	}
	rec = rd32(r, off);
	off += 4;
	if (rec < min_rec[which] || rec % 4 || rec > len - 4) {
		btf_errf(err, errlen, ".BTF.ext %s: record size %u invalid (min %u, multiple of 4, within %llu bytes)",
			 what, rec, min_rec[which], (unsigned long long)(len - 4));
		return -EINVAL;
	}
	while (off < end) {
		uint32_t name_off, num, i, k;
		const char *name;
		struct mb_btf_ext_sec *s;
		uint32_t *dst, **slot, *cnt;

		if (end - off < 8) {
			btf_errf(err, errlen, ".BTF.ext %s: truncated section header", what);
			return -EINVAL;
		}
		name_off = rd32(r, off);
		num = rd32(r, off + 4);
		off += 8;
		name = mb_btf_str(btf, name_off);
		if (name_off >= btf->strs_len || !*name) {
			btf_errf(err, errlen, ".BTF.ext %s: section name offset %u not a name in .BTF",
				 what, name_off);
			return -EINVAL;
		}
		if (!num || (uint64_t)num * rec > end - off) {
			btf_errf(err, errlen, ".BTF.ext %s: section '%s': %u records of %u bytes do not fit in %llu bytes",
				 what, name, num, rec, (unsigned long long)(end - off));
			return -EINVAL;
		}
		s = get_sec(ext, name);
		if (!s)
			goto nomem;
		slot = which == 0 ? (uint32_t **)&s->func : which == 1 ? (uint32_t **)&s->line :
		       (uint32_t **)&s->core;
		cnt = which == 0 ? &s->nr_func : which == 1 ? &s->nr_line : &s->nr_core;
		if (*slot) {
			btf_errf(err, errlen, ".BTF.ext %s: section '%s' listed twice", what, name);
			return -EINVAL;
		}
		dst = malloc((size_t)num * nwords * 4);
		if (!dst)
			goto nomem;
		for (i = 0; i < num; i++, off += rec)
			for (k = 0; k < nwords; k++)     /* extra trailing fields ignored */
				dst[i * nwords + k] = rd32(r, off + 4 * k);
		*slot = dst;
		*cnt = num;
	}
	return 0;
nomem:
	btf_errf(err, errlen, ".BTF.ext: out of memory");
	return -ENOMEM;
}

struct mb_btf_ext *mb_btf_ext_parse(const struct mb_btf *btf, const void *data, size_t size,
				    char *err, size_t errlen)
{
	struct rd r = { data, 0 };
	struct mb_btf_ext *ext;
	uint32_t hdr_len, f[6] = { 0 }, i;
	uint16_t magic;
	int ret = -EINVAL;

	if (!btf) {
		btf_errf(err, errlen, ".BTF.ext: needs a parsed .BTF for its section names");
		errno = EINVAL;
		return NULL;
	}
	if (!data || size < EXT_HDR_MIN) {
		btf_errf(err, errlen, ".BTF.ext: %zu bytes is too small for a header", size);
		errno = EINVAL;
		return NULL;
	}
	if (size > UINT32_MAX) {
		btf_errf(err, errlen, ".BTF.ext: %zu bytes is too large", size);
		errno = E2BIG;
		return NULL;
	}
	memcpy(&magic, data, 2);
	if (magic == 0x9feb)
		r.swap = 1;
	else if (magic != 0xeb9f) {
		btf_errf(err, errlen, ".BTF.ext: bad magic 0x%04x (want 0xeb9f)", magic);
		errno = EINVAL;
		return NULL;
	}
	hdr_len = rd32(&r, 4);
	if (hdr_len < EXT_HDR_MIN || hdr_len > size) {
		btf_errf(err, errlen, ".BTF.ext: header length %u outside 24..%zu", hdr_len, size);
		errno = EINVAL;
		return NULL;
	}
	/* func_info_off/len, line_info_off/len, core_relo_off/len if the header has them */
	for (i = 0; i < 6 && 8 + 4 * i + 4 <= hdr_len; i++)
		f[i] = rd32(&r, 8 + 4 * i);
	ext = calloc(1, sizeof(*ext));
	if (!ext) {
		btf_errf(err, errlen, ".BTF.ext: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < 3; i++) {
		uint64_t off = (uint64_t)hdr_len + f[2 * i], len = f[2 * i + 1];

		if (off > size || len > size - off) {
			btf_errf(err, errlen, ".BTF.ext %s: %u bytes at %u outside the %zu-byte section",
				 sub_names[i], f[2 * i + 1], f[2 * i], size - hdr_len);
			goto fail;
		}
		if (off % 4) {
			btf_errf(err, errlen, ".BTF.ext %s: offset %u not 4-byte aligned",
				 sub_names[i], f[2 * i]);
			goto fail;
		}
		ret = parse_sub(btf, ext, &r, (int)i, off, len, err, errlen);
		if (ret)
			goto fail;
	}
	return ext;
fail:
	mb_btf_ext_free(ext);
	errno = -ret;
	return NULL;
}

void mb_btf_ext_free(struct mb_btf_ext *ext)
{
	uint32_t i;

	if (!ext)
		return;
	for (i = 0; i < ext->nr_secs; i++) {
		free(ext->secs[i].func);
		free(ext->secs[i].line);
		free(ext->secs[i].core);
	}
	free(ext->secs);
	free(ext);
}

const struct mb_btf_ext_sec *mb_btf_ext_sec(const struct mb_btf_ext *ext, const char *sec_name)
{
	uint32_t i;

	for (i = 0; i < ext->nr_secs; i++)
		if (!strcmp(ext->secs[i].name, sec_name))
			return &ext->secs[i];
	return NULL;
}

const struct mb_btf_ext_sec *mb_btf_ext_sec_at(const struct mb_btf_ext *ext, uint32_t i)
{
	return i < ext->nr_secs ? &ext->secs[i] : NULL;
}
