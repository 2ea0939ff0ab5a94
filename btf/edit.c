/* The BTF editor: the bytes a load gives BPF_BTF_LOAD, a host-order copy of
 * a reader's blob laid out as header | types | strings, with a reader over
 * them (the view) for lookups. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/btf_int.h"

struct mb_btf_edit {
	uint8_t *buf;
	uint32_t size, hdr_len;
	struct mb_btf *view;
};

/* Re-lay the blob with types_len bytes of types and strs_len of strings
 * (growing leaves the new room at each section's end for the caller). */
static int relay(struct mb_btf_edit *ed, uint32_t types_len, uint32_t strs_len)
{
	struct mb_btf *v = ed->view;
	uint64_t size = (uint64_t)ed->hdr_len + types_len + strs_len;
	uint32_t hdr[4] = { 0, types_len, types_len, strs_len };   /* type_off.. str_len */
	uint32_t src_hl;
	uint8_t *n;

	if (size > BTF_MAX_SIZE)
		return -E2BIG;
	n = malloc(size);
	if (!n)
		return -ENOMEM;
	memcpy(&src_hl, v->data + 4, 4);
	memset(n, 0, ed->hdr_len);
	memcpy(n, v->data, src_hl < ed->hdr_len ? src_hl : ed->hdr_len);
	memcpy(n + 4, &ed->hdr_len, 4);
	memcpy(n + 8, hdr, sizeof(hdr));
	memcpy(n + ed->hdr_len, v->types, types_len < v->types_len ? types_len : v->types_len);
	memcpy(n + ed->hdr_len + types_len, v->strs, strs_len < v->strs_len ? strs_len : v->strs_len);
	free(ed->buf);
	ed->buf = n;
	ed->size = (uint32_t)size;
	v->data = n;
	v->size = ed->size;
	v->types = n + ed->hdr_len;
	v->strs = (const char *)n + ed->hdr_len + types_len;
	v->strs_len = strs_len;
	if (v->types_len != types_len) {
		v->types_len = types_len;
		btf_reindex(v);   /* the records counted change; their offsets do not */
	}
	return 0;
}

struct mb_btf_edit *mb_btf_edit_new(const struct mb_btf *src, char *err, size_t errlen)
{
	struct mb_btf_edit *ed = calloc(1, sizeof(*ed));
	uint32_t size;
	const uint8_t *raw = mb_btf_raw(src, &size);

	if (!ed || !raw) {
		free(ed);
		btf_errf(err, errlen, "BTF: %s", raw ? "out of memory" : mb_btf_error(src));
		errno = raw ? ENOMEM : EIO;
		return NULL;
	}
	memcpy(&ed->hdr_len, raw + 4, 4);
	/* a header of any length is valid, but records must start 4-aligned:
	 * the copy's header is padded with zeroes (a fuzzer's hdr_len of 61) */
	ed->hdr_len = (ed->hdr_len + 3) & ~3u;
	/* src was checked when it was opened: a view of its header, then one
	 * copy laid out as header | types | strings */
	ed->view = mb_btf_open_kernel(raw, size, err, errlen);
	if (!ed->view || relay(ed, src->types_len, src->strs_len)) {
		btf_errf(err, errlen, "BTF: out of memory");
		mb_btf_edit_free(ed);
		errno = ENOMEM;
		return NULL;
	}
	ed->view->ptr_size = src->ptr_size;
	return ed;
}

void mb_btf_edit_free(struct mb_btf_edit *ed)
{
	if (!ed)
		return;
	mb_btf_free(ed->view);
	free(ed->buf);
	free(ed);
}

const struct mb_btf *mb_btf_edit_view(const struct mb_btf_edit *ed)
{
	return ed->view;
}

struct mb_btf_type *mb_btf_edit_type(struct mb_btf_edit *ed, uint32_t id)
{
	/* the view reads our own buffer */
	return (struct mb_btf_type *)mb_btf_type_by_id(ed->view, id);
}

char *mb_btf_edit_str(struct mb_btf_edit *ed, uint32_t off)
{
	return off < ed->view->strs_len ? (char *)ed->view->strs + off : NULL;
}

const void *mb_btf_edit_bytes(const struct mb_btf_edit *ed, uint32_t *size)
{
	*size = ed->size;
	return ed->buf;
}

int mb_btf_edit_add_str(struct mb_btf_edit *ed, const char *s)
{
	const struct mb_btf *v = ed->view;
	size_t len = strlen(s) + 1;
	uint32_t off;
	int ret;

	for (off = 0; off + len <= v->strs_len; off += (uint32_t)strlen(v->strs + off) + 1)
		if (!strcmp(v->strs + off, s))
			return (int)off;
	if (len > BTF_MAX_SIZE)
		return -E2BIG;
	off = v->strs_len;
	ret = relay(ed, v->types_len, off + (uint32_t)len);
	if (ret)
		return ret;
	memcpy((char *)v->strs + off, s, len);
	return (int)off;
}

int mb_btf_edit_add_type(struct mb_btf_edit *ed, const void *rec, size_t len,
			 char *err, size_t errlen)
{
	const struct mb_btf *v = ed->view;
	uint32_t off = v->types_len, id = mb_btf_type_cnt(v);
	struct mb_btf_type t;
	int64_t extra;
	int ret;

	if (len < sizeof(t) || len > 0xffff * sizeof(struct mb_btf_member) + sizeof(t)) {
		btf_errf(err, errlen, "BTF: new type record of %zu bytes", len);
		return -EINVAL;
	}
	memcpy(&t, rec, sizeof(t));
	extra = mb_btf_extra_size(&t);
	if (!id || extra < 0 || (uint64_t)extra != len - sizeof(t) || id >= BTF_MAX_TYPES) {
		btf_errf(err, errlen, "BTF: new %s record: %zu bytes do not match its vlen %u",
			 mb_btf_kind_str(mb_btf_kind(&t)), len, mb_btf_vlen(&t));
		return -EINVAL;
	}
	ret = relay(ed, off + (uint32_t)len, v->strs_len);
	if (ret)
		return ret;
	memcpy((uint8_t *)v->types + off, rec, len);
	ret = btf_check_type(v, id, err, errlen);
	if (ret) {
		relay(ed, off, v->strs_len);   /* shrinking: cannot fail but for ENOMEM */
		return ret;
	}
	return (int)id;
}

int mb_btf_edit_fixup_datasec(struct mb_btf_edit *ed, const char *sec_name, uint32_t sec_size,
			      int (*var_offset)(void *ctx, const char *var_name, uint32_t *off),
			      void *ctx, char *err, size_t errlen)
{
	const struct mb_btf *btf = ed->view;
	int id = mb_btf_find(btf, sec_name, MB_BTF_KIND_DATASEC);
	struct mb_btf_type *t = id > 0 ? mb_btf_edit_type(ed, (uint32_t)id) : NULL;
	struct mb_btf_var_secinfo *v, tmp;
	unsigned i, j, n;

	if (!t) {
		btf_errf(err, errlen, "BTF: no DATASEC '%s'", sec_name);
		return -ENOENT;
	}
	t->size_or_type = sec_size;
	v = mb_btf_extra(t);
	n = mb_btf_vlen(t);
	for (i = 0; i < n; i++) {
		const struct mb_btf_type *var = mb_btf_type_by_id(btf, v[i].type);
		const char *name;
		uint32_t off = 0;
		int ret;

		if (!var || mb_btf_kind(var) != MB_BTF_KIND_VAR)
			continue;
		name = mb_btf_str(btf, var->name_off);
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
