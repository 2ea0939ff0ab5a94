/* btf/: BTF and BTF.ext parsing, pure (no syscalls, libc only).
 * The parser validates everything once; accessors afterwards trust the blob. */
#ifndef MB_BTF_BTF_H
#define MB_BTF_BTF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mb_btf;   /* opaque: a parsed, validated BTF blob (host byte order inside) */

/* Parse a .BTF section (either byte order; the magic tells). The data is
 * copied/converted, so the caller may free it. On error returns NULL, sets
 * errno and writes a message naming the problem into err. */
struct mb_btf *mb_btf_parse(const void *data, size_t size, char *err, size_t errlen);
void mb_btf_free(struct mb_btf *btf);
/* The blob in host byte order, ready for BPF_BTF_LOAD (after the fixups below). */
const void *mb_btf_raw(const struct mb_btf *btf, uint32_t *size);

/* ---- types (layouts are the kernel's, include/uapi/linux/btf.h) ---------- */
enum {
	MB_BTF_KIND_UNKN, MB_BTF_KIND_INT, MB_BTF_KIND_PTR, MB_BTF_KIND_ARRAY,
	MB_BTF_KIND_STRUCT, MB_BTF_KIND_UNION, MB_BTF_KIND_ENUM, MB_BTF_KIND_FWD,
	MB_BTF_KIND_TYPEDEF, MB_BTF_KIND_VOLATILE, MB_BTF_KIND_CONST,
	MB_BTF_KIND_RESTRICT, MB_BTF_KIND_FUNC, MB_BTF_KIND_FUNC_PROTO,
	MB_BTF_KIND_VAR, MB_BTF_KIND_DATASEC, MB_BTF_KIND_FLOAT,
	MB_BTF_KIND_DECL_TAG, MB_BTF_KIND_TYPE_TAG, MB_BTF_KIND_ENUM64,
	MB_BTF_KIND_MAX = MB_BTF_KIND_ENUM64,
};
#define MB_BTF_INT_SIGNED 1
#define MB_BTF_INT_CHAR   2
#define MB_BTF_INT_BOOL   4

struct mb_btf_type {
	uint32_t name_off;
	uint32_t info;           /* vlen: bits 0-15, kind: 24-28, kind_flag: 31 */
	uint32_t size_or_type;   /* size (INT, ENUM, STRUCT, UNION, DATASEC, FLOAT) or a type id */
};
/* What follows a type record, by kind (all host order, u32 aligned). */
struct mb_btf_array   { uint32_t type, index_type, nelems; };
struct mb_btf_member  { uint32_t name_off, type, offset; };
struct mb_btf_enum    { uint32_t name_off; int32_t val; };
struct mb_btf_enum64  { uint32_t name_off, val_lo32, val_hi32; };
struct mb_btf_param   { uint32_t name_off, type; };
struct mb_btf_var     { uint32_t linkage; };
struct mb_btf_var_secinfo { uint32_t type, offset, size; };
struct mb_btf_decl_tag { int32_t component_idx; };

static inline unsigned mb_btf_kind(const struct mb_btf_type *t) { return (t->info >> 24) & 0x1f; }
static inline unsigned mb_btf_vlen(const struct mb_btf_type *t) { return t->info & 0xffff; }
static inline int mb_btf_kflag(const struct mb_btf_type *t) { return t->info >> 31; }
/* The record after the common header: members, params, array info, ... */
static inline void *mb_btf_extra(const struct mb_btf_type *t) { return (void *)(t + 1); }

/* Bytes after the common header for the record's kind (members, params,
 * ...: vlen * record size), or -1 for a kind this parser does not know. */
int64_t mb_btf_extra_size(const struct mb_btf_type *t);
/* Number of type ids, including the implicit void (id 0): valid ids are 1..cnt-1. */
uint32_t mb_btf_type_cnt(const struct mb_btf *btf);
/* NULL for id 0 (void) and for ids out of range. The record may be edited in
 * place (the fixups below do) but its size must not change. */
struct mb_btf_type *mb_btf_type_by_id(const struct mb_btf *btf, uint32_t id);
/* A string by offset into the string section; "" if out of range. */
const char *mb_btf_str(const struct mb_btf *btf, uint32_t off);
const char *mb_btf_kind_str(unsigned kind);
/* First type with this name and kind (kind < 0: any kind). Id or -ENOENT. */
int mb_btf_find(const struct mb_btf *btf, const char *name, int kind);
/* The FUNC type id for a function (for func_info / BPF_PROG_LOAD). Id or -ENOENT. */
int mb_btf_find_func(const struct mb_btf *btf, const char *name);
/* Skip TYPEDEF/VOLATILE/CONST/RESTRICT/TYPE_TAG. Returns the id (0 = void),
 * or -ELOOP on a modifier cycle. */
int mb_btf_resolve(const struct mb_btf *btf, uint32_t id);
/* Size in bytes of a type (PTR: the target's pointer size, 8 for BPF objects;
 * ARRAY: nelems * elem size, overflow-checked). Negative errno for void,
 * FUNC, FUNC_PROTO, FWD, or a cycle. */
int64_t mb_btf_type_size(const struct mb_btf *btf, uint32_t id);

/* STRUCT/UNION members with the kind_flag bitfield encoding decoded. */
struct mb_btf_member_info {
	const char *name;        /* "" for anonymous members */
	uint32_t type;
	uint32_t bit_offset;     /* from the start of the struct */
	uint32_t bitfield_size;  /* 0: not a bitfield */
};
/* Member idx of struct/union `id`: 0 and *out filled, -ENOENT past the end,
 * -EINVAL if id is not a STRUCT/UNION. */
int mb_btf_member(const struct mb_btf *btf, uint32_t id, uint32_t idx,
		  struct mb_btf_member_info *out);
/* Find a member by name (direct members only): index or -ENOENT. */
int mb_btf_member_find(const struct mb_btf *btf, uint32_t id, const char *name,
		       struct mb_btf_member_info *out);

/* ---- object BTF fixups before BPF_BTF_LOAD ------------------------------ */
/* Clang leaves DATASEC size 0 and VAR offsets 0 (the linker decides them);
 * the kernel rejects both. Set the DATASEC `sec_name`'s size to sec_size and
 * each VAR's offset from var_offset() (usually the ELF symbol value), then
 * sort the entries by offset (the kernel wants them ascending). FUNC entries
 * (extern kfuncs in .ksyms) are left alone. Extern sections (.kconfig,
 * .ksyms) need sanitizing instead (the kernel rejects extern VAR/FUNC
 * linkage): not done here yet. Returns 0, -ENOENT if the BTF has
 * no such DATASEC, or a negative errno + err (callback failure: its errno;
 * var outside the section: -EINVAL). */
int mb_btf_fixup_datasec(struct mb_btf *btf, const char *sec_name, uint32_t sec_size,
			 int (*var_offset)(void *ctx, const char *var_name, uint32_t *off),
			 void *ctx, char *err, size_t errlen);

/* Editing (for sanitizing before BPF_BTF_LOAD). Both re-lay the blob as
 * header | types | strings, so every pointer from mb_btf_type_by_id(),
 * mb_btf_str() or mb_btf_raw() is stale afterwards.
 * add_str: offset of s (an existing copy is reused) or a negative errno.
 * add_type: append one whole record (common header + its vlen entries, host
 * order), validated like parsed ones; returns the new id or a negative errno. */
int mb_btf_add_str(struct mb_btf *btf, const char *s);
int mb_btf_add_type(struct mb_btf *btf, const void *rec, size_t len, char *err, size_t errlen);

/* ---- BTF-defined maps --------------------------------------------------- */
/* A map declared in the ".maps" DATASEC (libbpf's BTF-defined maps:
 *   struct { __uint(type, ...); __type(key, u32); __uint(max_entries, 1); } name SEC(".maps");)
 * Fields not given are 0. */
struct mb_btf_map_def {
	char name[64];
	uint32_t sec_offset;            /* offset of the variable in .maps: the DATASEC's
					 * value, 0 in clang output until mb_btf_fixup_datasec
					 * ran; prefer the ELF symbol value */
	uint32_t size;                  /* size of the variable */
	uint32_t type, key_size, value_size, max_entries, map_flags, numa_node, pinning;
	uint64_t map_extra;
	uint32_t key_type_id, value_type_id;   /* 0 if given by size only */
	int has_inner;                  /* map-in-map: `values` is an array of struct ptrs */
	struct mb_btf_map_def *inner;   /* the inner map's definition (malloc'd), or NULL */
	uint32_t values_offset;         /* offset of `values` inside the variable (for .maps
					 * relocs); 0 if there is no `values` member */
	int has_values;                 /* a `values` member exists (map-in-map or prog array) */
};
/* All maps in .maps, in DATASEC order. Returns the count (>= 0) with *out
 * malloc'd (free with mb_btf_map_defs_free), or a negative errno + err.
 * A BTF without that DATASEC yields 0 maps. */
int mb_btf_map_defs(const struct mb_btf *btf, const char *sec_name,
		    struct mb_btf_map_def **out, char *err, size_t errlen);
void mb_btf_map_defs_free(struct mb_btf_map_def *defs, int n);

/* ---- .BTF.ext ----------------------------------------------------------- */
/* insn_off is in BYTES from the start of the ELF section, as the file has it.
 * The kernel (bpf_func_info/bpf_line_info in BPF_PROG_LOAD) wants an
 * instruction INDEX into the loaded program: insn_off / 8, plus the
 * program's start index once subprograms are appended. */
struct mb_btf_func_info { uint32_t insn_off, type_id; };
struct mb_btf_line_info { uint32_t insn_off, file_name_off, line_off, line_col; };
struct mb_btf_core_relo { uint32_t insn_off, type_id, access_str_off, kind; };

struct mb_btf_ext_sec {
	const char *name;            /* ELF section name (points into the .BTF strings) */
	uint32_t nr_func, nr_line, nr_core;
	struct mb_btf_func_info *func;
	struct mb_btf_line_info *line;
	struct mb_btf_core_relo *core;
};
struct mb_btf_ext;
/* Parse .BTF.ext (either byte order); section names are looked up in btf's
 * strings, so btf must outlive the result. NULL + errno + err on error. */
struct mb_btf_ext *mb_btf_ext_parse(const struct mb_btf *btf, const void *data, size_t size,
				    char *err, size_t errlen);
void mb_btf_ext_free(struct mb_btf_ext *ext);
/* Records for one ELF section, or NULL if it has none. */
const struct mb_btf_ext_sec *mb_btf_ext_sec(const struct mb_btf_ext *ext, const char *sec_name);
/* Iterate: section i (0..n-1), NULL past the end. */
const struct mb_btf_ext_sec *mb_btf_ext_sec_at(const struct mb_btf_ext *ext, uint32_t i);

/* ---- printing ----------------------------------------------------------- */
/* Print data (host byte order) as type_id, the way bpftool's map dump does:
 * json != 0 gives compact JSON ("formatted"), else bpftool's pretty layout.
 * Ints in decimal, bitfields in hex, bools, enums by name, char arrays as
 * strings when printable, structs/unions with field names, arrays, DATASEC
 * as {"sec":[{"var":v},...]}. Output may be partial on error. Returns 0 or a
 * negative errno (size too small, type not printable). */
int mb_btf_dump_value(const struct mb_btf *btf, uint32_t type_id, const void *data,
		      size_t size, FILE *out, int json);
/* The same, nested `depth` levels deep (4 spaces each) in a pretty document:
 * bpftool prints a map entry's "value" at depth 2. */
int mb_btf_dump_value_at(const struct mb_btf *btf, uint32_t type_id, const void *data,
			 size_t size, FILE *out, int json, unsigned depth);

/* ---- sanitizing for older kernels (btf/sanitize.c) ---------------------- */
/* What a kernel's BPF_BTF_LOAD lacks, with the version that added it. */
enum {
	MB_BTF_LACK_FUNC        = 1 << 0,   /* FUNC, FUNC_PROTO (and func_info): 5.0 */
	MB_BTF_LACK_DATASEC     = 1 << 1,   /* VAR, DATASEC: 5.2 */
	MB_BTF_LACK_GLOBAL_FUNC = 1 << 2,   /* FUNC with global linkage: 5.6 */
	MB_BTF_LACK_FLOAT       = 1 << 3,   /* 5.13 */
	MB_BTF_LACK_DECL_TAG    = 1 << 4,   /* 5.16 */
	MB_BTF_LACK_TYPE_TAG    = 1 << 5,   /* 5.17 */
	MB_BTF_LACK_ENUM64      = 1 << 6,   /* ENUM64, signed ENUM (kflag): 6.0 */
	MB_BTF_LACK_ALL         = (1 << 7) - 1,
};
/* Rewrite in place what `lacks` names, as libbpf does: VAR and DECL_TAG ->
 * 1-byte INT, DATASEC -> STRUCT ('.' -> '_' in its name), FUNC_PROTO -> ENUM,
 * FUNC -> TYPEDEF (or static FUNC), FLOAT -> empty STRUCT of its size,
 * TYPE_TAG -> CONST, ENUM64 -> UNION of 1-byte INTs (one type appended), ENUM
 * kflag cleared. Lacking FUNC or DATASEC implies lacking DECL_TAG. Type ids keep their meaning; strings may be edited (work on a
 * copy). 0 or a negative errno + err. */
int mb_btf_sanitize(struct mb_btf *btf, unsigned lacks, char *err, size_t errlen);
/* "decl_tag,type_tag,..." (names as the enum above, lower case, or "all") to
 * MB_BTF_LACK_* bits; -EINVAL for an unknown name. */
int mb_btf_lacks_parse(const char *list);

#endif
