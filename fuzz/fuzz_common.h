/* Shared by the BTF fuzz targets: touch every accessor of a parsed BTF so
 * that a record the parser let through but an accessor misreads shows up. */
#ifndef MB_FUZZ_COMMON_H
#define MB_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include "btf/btf.h"

static inline void fuzz_walk_btf(const struct mb_btf *btf)
{
	static uint8_t zeroes[256];
	struct mb_btf_member_info mi;
	struct mb_btf_map_def *defs;
	char err[256];
	uint32_t id, k, n = mb_btf_type_cnt(btf);
	FILE *null = fopen("/dev/null", "w");
	int nd;

	for (id = 0; id <= n; id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(btf, id);

		(void)mb_btf_resolve(btf, id);
		(void)mb_btf_type_size(btf, id);
		if (!t)
			continue;
		(void)mb_btf_str(btf, t->name_off);
		(void)mb_btf_kind_str(mb_btf_kind(t));
		for (k = 0; k < 70000 && mb_btf_member(btf, id, k, &mi) == 0; k++)
			;
		(void)mb_btf_member_find(btf, id, "x", &mi);
		if (null && id < 64) {
			(void)mb_btf_dump_value(btf, id, zeroes, sizeof(zeroes), null, id & 1);
			(void)mb_btf_dump_value_at(btf, id, zeroes, 8, null, 0, 2);
		}
	}
	if (null)
		fclose(null);
	(void)mb_btf_find(btf, "license", -1);
	(void)mb_btf_find_func(btf, "prog");
	nd = mb_btf_map_defs(btf, ".maps", &defs, err, sizeof(err));
	if (nd >= 0)
		mb_btf_map_defs_free(defs, nd);
}

#endif
