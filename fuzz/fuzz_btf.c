/* libFuzzer target: the .BTF parser and every accessor on what it accepts,
 * including the DATASEC fixup, the editing functions and the C / raw dumps
 * (also of the input as split BTF on top of itself). */
#include <stdint.h>
#include <string.h>

#include "fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int var_off(void *ctx, const char *name, uint32_t *off)
{
	(void)ctx;
	*off = (uint32_t)strlen(name) * 4;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t int_rec[4] = { 0, 1u << 24, 4, 32 };
	struct mb_btf *btf;
	struct mb_btf_edit *ed;
	char err[256];
	uint32_t id, n, raw_size;

	static FILE *null;
	struct mb_btf *split;

	if (!null)
		null = fopen("/dev/null", "w");
	btf = mb_btf_open(data, size, err, sizeof(err));
	if (!btf)
		return 0;
	fuzz_walk_btf(btf);
	(void)mb_btf_dump_c(btf, null, err, sizeof(err));
	(void)mb_btf_dump_raw(btf, null);
	split = mb_btf_open_split(data, size, btf, err, sizeof(err));
	if (split) {
		fuzz_walk_btf(split);
		(void)mb_btf_dump_c(split, null, err, sizeof(err));
		(void)mb_btf_dump_raw(split, null);
		mb_btf_free(split);
	}
	ed = mb_btf_edit_new(btf, err, sizeof(err));
	n = mb_btf_type_cnt(btf);
	for (id = 1; ed && id < n; id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(btf, id);

		if (t && mb_btf_kind(t) == MB_BTF_KIND_DATASEC)
			(void)mb_btf_edit_fixup_datasec(ed, mb_btf_str(btf, t->name_off), 64, var_off,
							NULL, err, sizeof(err));
	}
	if (ed) {
		(void)mb_btf_edit_add_str(ed, "fuzz");
		(void)mb_btf_edit_add_type(ed, int_rec, sizeof(int_rec), err, sizeof(err));
		(void)mb_btf_edit_sanitize(ed, MB_BTF_LACK_ALL, err, sizeof(err));
		(void)mb_btf_edit_bytes(ed, &raw_size);
		fuzz_walk_btf(mb_btf_edit_view(ed));
	}
	mb_btf_edit_free(ed);
	mb_btf_free(btf);
	return 0;
}
