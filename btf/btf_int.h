/* btf/ internals shared by btf.c, edit.c, btf_ext.c, btf_maps.c, btf_dump.c. */
#ifndef MB_BTF_BTF_INT_H
#define MB_BTF_BTF_INT_H

#include <stdint.h>
#include "btf/btf.h"

struct fill;

struct mb_btf {
	const uint8_t *data;    /* the whole blob, host order */
	uint32_t size;
	const uint8_t *types;
	uint32_t types_len;
	const char *strs;
	uint32_t strs_len;
	uint8_t *copy;          /* data when we had to convert or align it */
	uint32_t ptr_size;
	/* caches, changed by const accessors (every reader is malloc'd) */
	const uint32_t *off;    /* offset of every 2^ck_shift-th id; NULL until indexed */
	unsigned ck_shift;      /* 0 (every id) for a small blob, CK_SHIFT for a large one */
	uint32_t *own;          /* off when we built it (else it is in idx) */
	const uint32_t *bkt;    /* name index: first entry of each hash bucket */
	const uint32_t *ent;    /* (hash, id) pairs by bucket, ids ascending; or NULL */
	uint32_t nent;
	uint32_t cur_id, cur_pos;   /* the last lookup */
	uint32_t cnt;           /* ids including void, once indexed */
	int bad;                /* the index pass failed */
	struct fill *fill;      /* lazy: blocks not yet read; NULL when all in memory */
	/* split BTF (a module's): ids below base_cnt and string offsets below
	 * base_str are the base's; ours follow on */
	const struct mb_btf *base;
	uint32_t base_cnt, base_str;
	char err[128];
};

void btf_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
uint32_t btf_bswap32(uint32_t v);
/* Per-kind checks of record id (references, names): 0 or -EINVAL + err. */
int btf_check_type(const struct mb_btf *b, uint32_t id, char *err, size_t errlen);
/* Forget the record index (the editor moved or grew the blob). */
void btf_reindex(struct mb_btf *b);

#define BTF_MAX_SIZE   (512u << 20)   /* vmlinux is ~6 MB; refuse absurd blobs */
#define BTF_MAX_TYPES  0xfffffu       /* the kernel's BTF_MAX_TYPE */

#endif
