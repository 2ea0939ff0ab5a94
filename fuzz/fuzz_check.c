/* libFuzzer target: minibpf check. An ELF input goes through the reader, the
 * linker and the checker for every program; anything else is taken as raw
 * instructions (host order), checked with and without --strict. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_check_report r;
	struct mb_elf_linked l;
	char err[256];

	if (size >= 4 && !memcmp(data, "\177ELF", 4)) {
		struct mb_elf_object *obj = mb_elf_object_parse(data, size, "fuzz.bpf.o", err, sizeof(err));

		for (uint32_t i = 0; obj && i < obj->nprogs; i++) {
			if (mb_check_prog(obj, i, 0, &l, &r, err, sizeof(err)) >= 0) {
				mb_check_report_free(&r);
				mb_elf_linked_free(&l);
			}
		}
		mb_elf_object_free(obj);
		return 0;
	}
	struct bpf_insn *insns = malloc(size / 8 * 8 + 8);

	if (!insns)
		return 0;
	memcpy(insns, data, size / 8 * 8);
	for (unsigned flags = 0; flags <= MB_CHECK_STRICT; flags++) {
		if (mb_check_insns(insns, (uint32_t)(size / 8), flags, &r) >= 0)
			mb_check_report_free(&r);
	}
	free(insns);
	return 0;
}
