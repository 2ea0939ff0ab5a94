/* libFuzzer target: the whole open path of the library (mb_object_open_mem:
 * ELF, BTF, .BTF.ext, map definitions, SEC() lookup) and the accessors a
 * user calls before load. None of this makes a syscall. */
#include <stdint.h>
#include <string.h>

#include "minibpf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_open_opts o = { .sz = sizeof(o), .object_name = "fuzz" };
	struct mb_object *obj;
	size_t vsz;
	int i;

	obj = mb_object_open_mem(data, size, &o);
	if (!obj)
		return 0;
	for (i = 0; i < mb_object_prog_count(obj); i++) {
		struct mb_prog *p = mb_object_prog(obj, i);

		(void)strlen(mb_prog_name(p));
		(void)strlen(mb_prog_section(p));
		(void)mb_prog_type(p);
		if (mb_object_prog_by_name(obj, mb_prog_name(p)) == NULL)
			__builtin_trap();
	}
	for (i = 0; i < mb_object_map_count(obj); i++) {
		struct mb_map *m = mb_object_map(obj, i);
		uint8_t *v = mb_map_initial_value(m, &vsz);

		if (v && vsz)
			v[vsz - 1] ^= 1;   /* must be writable, all of it */
		(void)mb_object_map_by_name(obj, mb_map_name(m));
		(void)mb_map_key_size(m);
	}
	for (i = 0; i < 3; i++) {
		static const char *const names[] = { "x", "my_pid", "counter" };
		uint8_t *g = mb_object_global(obj, names[i], &vsz);

		if (g && vsz)
			g[vsz - 1] ^= 1;
	}
	mb_object_close(obj);
	return 0;
}
