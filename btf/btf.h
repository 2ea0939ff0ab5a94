/* btf/: BTF and BTF.ext parsing, pure (no syscalls, libc only).
 * One reader (struct mb_btf) for every blob, one editor (struct mb_btf_edit)
 * for the bytes a load sends to the kernel. */
#ifndef MB_BTF_BTF_H
#define MB_BTF_BTF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- the reader ----------------------------------------------------------
 * struct mb_btf is the one read-only view of a BTF blob: an object's .BTF,
 * the kernel's vmlinux BTF, a --btf file. It works in place over the bytes
 * (they must outlive it; only another byte order or a misaligned buffer is
 * copied, converted to host order) and every accessor is bounds-checked:
 * an id out of range (or whose record cannot be read) is NULL from
 * mb_btf_type_by_id() and -EINVAL from everything that follows ids; a
 * string offset out of range is "". Accessors take a const reader: the
 * lookup cursor and the kernel reader's lazy index are caches inside it. */
struct mb_btf;
struct mb_btf_type;

/* A blob to be used whole (an object's .BTF): either byte order, every
 * record and reference checked now, so a malformed file is refused with a
 * message naming the type. NULL + errno + err on error. */
struct mb_btf *mb_btf_open(const void *data, size_t size, char *err, size_t errlen);
/* Split BTF (a module's /sys/kernel/btf/MOD) on top of base (vmlinux, which
 * must outlive it): its ids follow the base's, its string offsets too; ids
 * and names of the base resolve through it. base NULL: mb_btf_open(). */
struct mb_btf *mb_btf_open_split(const void *data, size_t size, const struct mb_btf *base,
				 char *err, size_t errlen);
/* The first id of this blob's own types: 1, or the base's count when split. */
uint32_t mb_btf_first_id(const struct mb_btf *btf);
/* A big blob of this host's byte order (vmlinux, a --btf file): the header is
 * checked now; the first by-id or by-name access makes one pass over the
 * records noting every 64th offset, checking each record's extent; ids and
 * strings are checked when followed. */
struct mb_btf *mb_btf_open_kernel(const void *data, size_t size, char *err, size_t errlen);
/* The same for a blob of SIZE bytes that read() fetches on demand, 4 KB
 * blocks at a time, as lookups reach them (btf/ stays pure: the caller
 * does the I/O). read fills buf with len bytes at off: 0 or -errno. A failed
 * read makes what needed it look absent or malformed: check
 * mb_btf_read_error() before trusting an answer. Without an index the
 * first by-id access reads the whole blob (mb_btf_read_all). */
typedef int mb_btf_read_fn(void *ctx, void *buf, size_t len, uint64_t off);
struct mb_btf *mb_btf_open_lazy(uint64_t size, mb_btf_read_fn *read, void *ctx,
				char *err, size_t errlen);
int mb_btf_read_all(struct mb_btf *btf);
/* errno of the first failed read (lazy blobs), or 0. */
int mb_btf_read_error(const struct mb_btf *btf);
/* Message of the last failed check (malformed records found by a lookup). */
const char *mb_btf_error(const struct mb_btf *btf);
void mb_btf_free(struct mb_btf *btf);
/* data (malloc'd: the bytes btf was opened over) is freed with btf. */
void mb_btf_adopt(struct mb_btf *btf, void *data);
/* The blob in host byte order (a lazy one is read whole first; NULL if that
 * fails). */
const void *mb_btf_raw(const struct mb_btf *btf, uint32_t *size);
/* Size of a pointer in this BTF's world: from "long" for mb_btf_open()
 * (libbpf's guess: 4 for an arm32 vmlinux), else the host's. */
void mb_btf_set_ptr_size(struct mb_btf *btf, uint32_t sz);

/* A name index (offsets of every 64th type, name hashes in 16k buckets) that
 * can be kept between runs: built after a full pass, used instead of one. A
 * later load then touches only the pages it needs. The index is not trusted:
 * records are bounds-checked on every access, names compared after lookup;
 * a wrong index gives wrong answers, never a bad read. idx must stay valid. */
int mb_btf_index_build(const struct mb_btf *btf, void **out, size_t *len);
int mb_btf_index_use(struct mb_btf *btf, const void *idx, size_t len);
/* With an index: cb for each type whose name (essential or full) hashes like
 * name[0..len), in id order, until cb returns non-zero (returned). -ENOSYS
 * without an index. */
int mb_btf_by_name(const struct mb_btf *btf, const char *name, size_t len,
		   int (*cb)(void *ctx, uint32_t id, const struct mb_btf_type *t), void *ctx);

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
/* Number of type ids, including the implicit void (id 0): valid ids are
 * 1..cnt-1. 0 if the records are malformed (mb_btf_error() says how). */
uint32_t mb_btf_type_cnt(const struct mb_btf *btf);
/* NULL for id 0 (void), for ids out of range and for records that cannot be
 * read. Read-only: edits go through struct mb_btf_edit below. */
const struct mb_btf_type *mb_btf_type_by_id(const struct mb_btf *btf, uint32_t id);
/* A string by offset into the string section; "" if out of range. */
const char *mb_btf_str(const struct mb_btf *btf, uint32_t off);
const char *mb_btf_kind_str(unsigned kind);
/* First type with this name and kind (kind < 0: any kind). Id, -ENOENT, or
 * -EINVAL if the records are malformed. */
int mb_btf_find(const struct mb_btf *btf, const char *name, int kind);
/* The FUNC type id for a function (for func_info / BPF_PROG_LOAD). Id or -ENOENT. */
int mb_btf_find_func(const struct mb_btf *btf, const char *name);
/* Skip TYPEDEF/VOLATILE/CONST/RESTRICT/TYPE_TAG. Returns the id (0 = void),
 * -EINVAL for an id out of range, or -ELOOP on a modifier cycle. */
int mb_btf_resolve(const struct mb_btf *btf, uint32_t id);
/* Size in bytes of a type (PTR: the pointer size; ARRAY: nelems * elem
 * size, -E2BIG past INT32_MAX). -EINVAL for void, an id out of range,
 * FUNC, FUNC_PROTO, FWD; -ELOOP for a cycle. */
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

/* ---- the editor -----------------------------------------------------------
 * The bytes that BPF_BTF_LOAD gets: a host-order copy of a reader's blob
 * that the fixups below change. mb_btf_edit_view() is a reader over the
 * edited bytes. Adding a string or a type re-lays the blob as
 * header | types | strings, so pointers from the view (records, strings) and
 * from mb_btf_edit_bytes() are stale afterwards; the view itself stays. */
struct mb_btf_edit;
struct mb_btf_edit *mb_btf_edit_new(const struct mb_btf *src, char *err, size_t errlen);
void mb_btf_edit_free(struct mb_btf_edit *ed);
const struct mb_btf *mb_btf_edit_view(const struct mb_btf_edit *ed);
/* A record to change in place (its size must not change); NULL like
 * mb_btf_type_by_id(). */
struct mb_btf_type *mb_btf_edit_type(struct mb_btf_edit *ed, uint32_t id);
/* A string to change in place (its length must not grow); NULL if out of range. */
char *mb_btf_edit_str(struct mb_btf_edit *ed, uint32_t off);
const void *mb_btf_edit_bytes(const struct mb_btf_edit *ed, uint32_t *size);
/* add_str: offset of s (an existing copy is reused) or a negative errno.
 * add_type: append one whole record (common header + its vlen entries, host
 * order), checked like opened ones; returns the new id or a negative errno. */
int mb_btf_edit_add_str(struct mb_btf_edit *ed, const char *s);
int mb_btf_edit_add_type(struct mb_btf_edit *ed, const void *rec, size_t len,
			 char *err, size_t errlen);

/* Clang leaves DATASEC size 0 and VAR offsets 0 (the linker decides them);
 * the kernel rejects both. Set the DATASEC `sec_name`'s size to sec_size and
 * each VAR's offset from var_offset() (usually the ELF symbol value), then
 * sort the entries by offset (the kernel wants them ascending). FUNC entries
 * (extern kfuncs in .ksyms) are left alone. Returns 0, -ENOENT if the BTF has
 * no such DATASEC, or a negative errno + err (callback failure: its errno;
 * var outside the section: -EINVAL). */
int mb_btf_edit_fixup_datasec(struct mb_btf_edit *ed, const char *sec_name, uint32_t sec_size,
			      int (*var_offset)(void *ctx, const char *var_name, uint32_t *off),
			      void *ctx, char *err, size_t errlen);

/* ---- BTF-defined maps --------------------------------------------------- */
/* A map declared in the ".maps" DATASEC (libbpf's BTF-defined maps:
 *   struct { __uint(type, ...); __type(key, u32); __uint(max_entries, 1); } name SEC(".maps");)
 * Fields not given are 0. */
struct mb_btf_map_def {
	char name[64];
	uint32_t sec_offset;            /* offset of the variable in .maps: the DATASEC's
					 * value, 0 in clang output until mb_btf_edit_fixup_datasec
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

/* `btf dump format c`: every type as a C header that compiles with clang
 * -target bpf, bpftool's vmlinux.h (include guard, preserve_access_index
 * pragma, its names and ___N suffixes for duplicates, padding and packing
 * spelled out where the natural layout differs). 0, or a negative errno +
 * err (output is partial then). */
int mb_btf_dump_c(const struct mb_btf *btf, FILE *out, char *err, size_t errlen);
/* `format raw`: one line per type (and one per member, enumerator,
 * parameter, DATASEC entry) as bpftool prints them; a split BTF prints its
 * own types only. 0 or -EINVAL if the records are malformed. */
int mb_btf_dump_raw(const struct mb_btf *btf, FILE *out);

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
 * kflag cleared. Lacking FUNC or DATASEC implies lacking DECL_TAG. Type ids
 * keep their meaning; strings may be edited (work on a copy: a new editor
 * over the view). 0 or a negative errno + err. */
int mb_btf_edit_sanitize(struct mb_btf_edit *ed, unsigned lacks, char *err, size_t errlen);
/* "decl_tag,type_tag,..." (names as the enum above, lower case, or "all") to
 * MB_BTF_LACK_* bits; -EINVAL for an unknown name. */
int mb_btf_lacks_parse(const char *list);

#endif
