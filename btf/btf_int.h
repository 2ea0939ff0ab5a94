/* btf/ internals shared by btf.c, btf_ext.c, btf_maps.c, btf_dump.c. */
#ifndef MB_BTF_BTF_INT_H
#define MB_BTF_BTF_INT_H

#include <stdint.h>
#include "btf/btf.h"

struct mb_btf {
	uint8_t *data;                /* whole blob, host order */
	uint32_t size;
	uint8_t *type_data;
	uint32_t type_len;
	const char *strs;
	uint32_t str_len;
	struct mb_btf_type **types;   /* by id; [0] is NULL (void) */
	uint32_t nr_types;            /* including void */
	uint32_t ptr_size;
	int swapped;                  /* the input was the other byte order */
};

void btf_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
uint32_t btf_bswap32(uint32_t v);

#endif
