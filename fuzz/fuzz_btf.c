/* libFuzzer target: the .BTF parser and every accessor on what it accepts,
 * including the DATASEC fixup and the editing functions. */
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
	char err[256];
	uint32_t id, n, raw_size;

	btf = mb_btf_parse(data, size, err, sizeof(err));
	if (!btf)
		return 0;
	fuzz_walk_btf(btf);
	n = mb_btf_type_cnt(btf);
	for (id = 1; id < n; id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(btf, id);

		if (t && mb_btf_kind(t) == MB_BTF_KIND_DATASEC)
			(void)mb_btf_fixup_datasec(btf, mb_btf_str(btf, t->name_off), 64, var_off,
						   NULL, err, sizeof(err));
	}
	(void)mb_btf_add_str(btf, "fuzz");
	(void)mb_btf_add_type(btf, int_rec, sizeof(int_rec), err, sizeof(err));
	(void)mb_btf_raw(btf, &raw_size);
	fuzz_walk_btf(btf);
	mb_btf_free(btf);
	return 0;
}
