/* libFuzzer target: the ELF reader and object model, then the pure linker
 * for every program (call graph walk, relocation offsets). */
#include <stdint.h>
#include <stdlib.h>

#include "elf/object.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_elf_object *obj;
	struct mb_elf_linked l;
	char err[256];
	uint32_t i;

	obj = mb_elf_object_parse(data, size, "fuzz.bpf.o", err, sizeof(err));
	if (!obj)
		return 0;
	for (i = 0; i < obj->nprogs; i++) {
		if (mb_elf_prog_link(obj, i, &l, err, sizeof(err)) == 0)
			mb_elf_linked_free(&l);
	}
	for (i = 0; i < obj->nmaps; i++)
		(void)mb_elf_object_map_find(obj, obj->maps[i].name);
	mb_elf_object_free(obj);
	return 0;
}
