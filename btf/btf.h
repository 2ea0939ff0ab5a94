/* btf/: BTF and BTF.ext parsing, pure (no syscalls). CONTRACT DRAFT:
 * the btf/ owner may add to this header but keeps these signatures. */
#ifndef MB_BTF_BTF_H
#define MB_BTF_BTF_H

#include <stddef.h>
#include <stdint.h>

struct mb_btf;   /* opaque: a parsed, validated BTF blob (host byte order inside) */

/* Parse a .BTF section (either byte order; the magic tells). The data is
 * copied/converted, so the caller may free it. On error returns NULL, sets
 * errno and writes a message naming the problem into err. */
struct mb_btf *mb_btf_parse(const void *data, size_t size, char *err, size_t errlen);
void mb_btf_free(struct mb_btf *btf);
/* The blob in host byte order, ready for BPF_BTF_LOAD. */
const void *mb_btf_raw(const struct mb_btf *btf, uint32_t *size);

/* A map declared in the ".maps" DATASEC (libbpf's BTF-defined maps:
 *   struct { __uint(type, ...); __type(key, u32); __uint(max_entries, 1); } name SEC(".maps");)
 * Fields not given are 0. */
struct mb_btf_map_def {
	char name[64];
	uint32_t sec_offset;            /* offset of the variable in .maps */
	uint32_t size;                  /* size of the variable */
	uint32_t type, key_size, value_size, max_entries, map_flags, numa_node, pinning;
	uint64_t map_extra;
	uint32_t key_type_id, value_type_id;   /* 0 if given by size only */
	int has_inner;                  /* map-in-map: `values` is an array of struct ptrs */
	struct mb_btf_map_def *inner;   /* the inner map's definition (malloc'd), or NULL */
	uint32_t values_offset;         /* offset of `values` inside the variable (for .maps relocs) */
};
/* All maps in .maps, in DATASEC order. Returns the count (>= 0) with *out
 * malloc'd (free with mb_btf_map_defs_free), or a negative errno + err. */
int mb_btf_map_defs(const struct mb_btf *btf, const char *sec_name,
		    struct mb_btf_map_def **out, char *err, size_t errlen);
void mb_btf_map_defs_free(struct mb_btf_map_def *defs, int n);

#endif
