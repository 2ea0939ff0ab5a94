/* btf/: a minimized target BTF for CO-RE (bpftool's gen min_core_btf). Pure. */
#ifndef MB_BTF_BTFGEN_H
#define MB_BTF_BTFGEN_H

#include <stddef.h>

#include "btf/btf.h"

struct mb_btfgen;
/* target: the whole kernel BTF (host order in memory); it must outlive g. */
struct mb_btfgen *mb_btfgen_new(const struct mb_btf *target);
/* Keep what the CO-RE relocations of one object (its .BTF and .BTF.ext;
 * big_endian: the object's byte order) use of the target. 0 or -errno + err
 * naming the section and relocation. */
int mb_btfgen_add(struct mb_btfgen *g, const struct mb_btf *local, const struct mb_btf_ext *ext,
		  int big_endian, char *err, size_t errlen);
/* The raw BTF of what was kept, malloc'd in *out; swap: in the other byte
 * order (for a target BTF read from a file of that order). */
int mb_btfgen_write(struct mb_btfgen *g, int swap, void **out, size_t *len, char *err,
		    size_t errlen);
void mb_btfgen_free(struct mb_btfgen *g);

#endif
