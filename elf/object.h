/* elf/: the BPF object model, built from the bytes of a clang BPF object.
 *
 * Pure (libc only, no syscalls): runs on any host, either byte order.
 *
 *   obj = mb_elf_object_parse(data, size, "prog.bpf.o", err, sizeof(err));
 *   for each obj->progs[i]:
 *       mb_elf_prog_link(obj, i, &l, err, sizeof(err));
 *       create/reuse maps (obj->maps), then for each l.patches[k]:
 *         MB_PATCH_MAP_FD:    insn[k].src_reg = BPF_PSEUDO_MAP_FD,    insn[k].imm = fd
 *         MB_PATCH_MAP_VALUE: insn[k].src_reg = BPF_PSEUDO_MAP_VALUE, insn[k].imm = fd,
 *                             insn[k+1].imm = offset
 *         MB_PATCH_EXTERN:    an extern (obj->externs[index]): .kconfig value,
 *                             ksym address or kfunc BTF id (loader/extern.c)
 *       BPF_PROG_LOAD(l.insns, l.insn_cnt); l.segs maps .BTF.ext records
 *       mb_elf_linked_free(&l);
 *   mb_elf_object_free(obj);
 *
 * Everything in the object is copied out of `data` (instructions converted to
 * host byte order, names strdup'd, .BTF/.BTF.ext bytes copied raw), so the
 * caller may free `data` as soon as mb_elf_object_parse() returns.
 *
 * obj->btf (if the object has .BTF) is the one reader of the object's BTF,
 * checked once, in place over obj->btf_data (the untouched bytes); it is
 * never edited. obj->btf_edit holds the bytes for BPF_BTF_LOAD: a copy with
 * the DATASECs already fixed (sizes and variable offsets from the ELF, which
 * clang leaves 0), which the loader edits further (extern sections).
 * Messages name the object first: "NAME: prog 'x': insn 12: ...".
 */
#ifndef MB_ELF_OBJECT_H
#define MB_ELF_OBJECT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "elf/sec.h"

struct mb_btf;
struct mb_btf_edit;

/* A code section (SHF_EXECINSTR): its instructions in host byte order. */
struct mb_elf_text {
	char *name;                 /* ".text", "tracepoint/syscalls/sys_enter_execve", ... */
	uint32_t sec_idx;           /* ELF section index */
	struct bpf_insn *insns;
	uint32_t insn_cnt;
};

/* A function: an STT_FUNC symbol inside a code section. Functions in .text
 * are subprograms; functions in any other code section are programs. */
struct mb_elf_func {
	char *name;
	uint32_t text;              /* index into obj->texts */
	uint32_t insn_off;          /* first insn, in the section */
	uint32_t insn_cnt;
	int global;                 /* STB_GLOBAL/STB_WEAK, 0 for static */
	int hidden;                 /* global with STV_HIDDEN/STV_INTERNAL visibility */
	int prog;                   /* index into obj->progs, -1 for a subprogram */
};

struct mb_elf_prog {
	char *name;                 /* the function's symbol name */
	char *sec_name;             /* the SEC() string */
	uint32_t sec_idx;           /* ELF section index */
	uint32_t text;              /* index into obj->texts */
	uint32_t func;              /* index into obj->funcs */
	uint32_t insn_off;          /* first insn in the section */
	uint32_t insn_cnt;
	const struct bpf_insn *insns;   /* = obj->texts[text].insns + insn_off (unlinked) */
	int global;                 /* 0 for a static program */
	struct mb_sec_def sec;      /* the SEC() table's entry (elf/sec.h); target in sec_name */
	int known_sec;              /* 0: the table has no such section */
};

enum mb_elf_map_origin {
	MB_MAP_LEGACY,              /* struct bpf_map_def in the `maps` section */
	MB_MAP_BTF,                 /* BTF-defined, in `.maps` */
	MB_MAP_DATA,                /* global data: .data*, .rodata*, .bss* */
	MB_MAP_STRUCT_OPS,          /* a variable in .struct_ops or .struct_ops.link */
};

struct mb_elf_map {
	char *name;                 /* ELF name: symbol name, or section name for global data */
	char kname[16];             /* the name the kernel sees (libbpf's rule for global data) */
	enum mb_elf_map_origin origin;
	uint32_t sec_idx;
	uint32_t sec_offset;        /* offset of the definition in its section */
	uint32_t type, key_size, value_size, max_entries, map_flags, numa_node, pinning;
	uint64_t map_extra;
	uint32_t btf_key_type_id, btf_value_type_id;   /* from BTF maps; 0 otherwise */
	/* Map-in-map (BTF `values` of an ARRAY/HASH_OF_MAPS): the inner map's
	 * definition, used as a template. NULL otherwise. */
	struct mb_elf_map *inner;
	/* Global data: value_size bytes of initial contents (zeroes for .bss). */
	void *init_data;
	int freeze;                 /* .rodata*: freeze after filling */
	/* struct_ops (init_data: the variable's bytes as the object has them):
	 * its struct in the object's BTF; the kernel's bpf_struct_ops_<name>
	 * wrapper, which the loader finds (then value_size is its size). */
	uint32_t st_type_id;
	uint32_t btf_vmlinux_value_type_id;
};

/* A function pointer in a struct_ops variable (`.cong_avoid = (void *)prog`). */
struct mb_elf_st_ptr {
	uint32_t map;               /* index into obj->maps */
	uint32_t offset;            /* byte offset in the variable */
	uint32_t prog;              /* index into obj->progs */
};

/* An initial value in a map-in-map or prog array declared in `.maps`:
 *   struct { __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS); ... __array(values, ...); }
 *       outer SEC(".maps") = { .values = { [slot] = &target } }; */
enum mb_elf_init_kind { MB_INIT_MAP, MB_INIT_PROG };
struct mb_elf_map_init {
	uint32_t map;               /* outer map (index into obj->maps) */
	uint32_t slot;              /* key */
	enum mb_elf_init_kind kind;
	uint32_t target;            /* index into obj->maps or obj->progs */
};

/* An undefined symbol (SHN_UNDEF): .kconfig / .ksyms variables, kfuncs. */
struct mb_elf_extern {
	char *name;
	int weak;
	int is_func;                /* referenced by a call insn */
	uint32_t sym;               /* ELF symbol index */
};

/* One instruction that needs something beyond its bytes. */
enum mb_elf_reloc_kind {
	MB_RELOC_MAP,               /* ld_imm64 of a map: value = map index */
	MB_RELOC_DATA,              /* ld_imm64 of global data: map index + offset */
	MB_RELOC_CALL,              /* bpf-to-bpf call: target text + insn */
	MB_RELOC_FUNC,              /* ld_imm64 of a function (callback): target text + insn */
	MB_RELOC_EXTERN,            /* ld_imm64 or call of an extern: value = extern index */
};
struct mb_elf_reloc {
	uint32_t text;              /* index into obj->texts */
	uint32_t insn;              /* insn index in that section */
	enum mb_elf_reloc_kind kind;
	uint32_t index;             /* map / extern index; target text for CALL/FUNC */
	uint32_t offset;            /* DATA: byte offset; CALL/FUNC: target insn in that text */
};

/* Every ELF section, by index (for messages, display and BTF fixups). */
struct mb_elf_section {
	char *name;
	uint32_t type;              /* SHT_* */
	uint64_t flags;             /* SHF_* */
	uint64_t size;
};

/* A variable (STT_OBJECT symbol) in a non-code section. clang leaves the
 * sizes and variable offsets of .BTF DATASECs at 0 in an object file; the
 * loader fills them from these (and from sections[].size) before
 * BPF_BTF_LOAD, as libbpf does. */
struct mb_elf_var {
	char *name;
	uint32_t sec_idx;
	uint32_t offset;
	uint32_t size;
	int global;
};

struct mb_elf_object {
	char *name;                 /* as given to mb_elf_object_parse() */
	char *obj_name;             /* libbpf's object name: basename cut at the first '.' */
	int big_endian;             /* the file's byte order */
	char *license;              /* NULL if there is no `license` section */
	uint32_t kern_version;      /* `version` section, 0 if absent */
	int has_version;

	struct mb_elf_section *sections; uint32_t nsections;
	struct mb_elf_var *vars;      uint32_t nvars;
	struct mb_elf_text *texts;    uint32_t ntexts;
	struct mb_elf_func *funcs;    uint32_t nfuncs;    /* sorted by (text, insn_off) */
	struct mb_elf_prog *progs;    uint32_t nprogs;    /* in section, then offset order */
	struct mb_elf_map *maps;      uint32_t nmaps;
	struct mb_elf_map_init *inits; uint32_t ninits;
	struct mb_elf_st_ptr *st_ptrs; uint32_t nst_ptrs;
	struct mb_elf_extern *externs; uint32_t nexterns;
	struct mb_elf_reloc *relocs;  uint32_t nrelocs;   /* sorted by (text, insn) */

	/* Raw .BTF / .BTF.ext bytes (file byte order), NULL if absent. */
	void *btf_data;     size_t btf_size;
	void *btf_ext_data; size_t btf_ext_size;
	struct mb_btf *btf;         /* reader over btf_data (NULL if absent or malformed) */
	struct mb_btf_edit *btf_edit;   /* the bytes to load (NULL without btf) */
};

/* Parse a BPF ELF object. name is used for messages and for the global data
 * map names (libbpf's rule: see object.c). On error returns NULL, sets errno
 * and writes a message naming the section / symbol / insn into err. */
struct mb_elf_object *mb_elf_object_parse(const void *data, size_t size, const char *name,
					  char *err, size_t errlen);
void mb_elf_object_free(struct mb_elf_object *obj);

/* Lookups; -1 if absent. */
int mb_elf_object_prog_find(const struct mb_elf_object *obj, const char *name);
int mb_elf_object_map_find(const struct mb_elf_object *obj, const char *name);
int mb_elf_object_sec_find(const struct mb_elf_object *obj, const char *name);
/* The variable `name` in section `sec_name`, NULL if absent. */
const struct mb_elf_var *mb_elf_object_var_find(const struct mb_elf_object *obj,
						const char *sec_name, const char *name);

/* ---- the pure linker (elf/linker.c) -------------------------------------- */

enum mb_elf_patch_kind { MB_PATCH_MAP_FD, MB_PATCH_MAP_VALUE, MB_PATCH_EXTERN };
struct mb_elf_patch {
	uint32_t insn;              /* index in the linked array (first half of ld_imm64) */
	enum mb_elf_patch_kind kind;
	uint32_t index;             /* map index, or extern index */
	uint32_t offset;            /* MAP_VALUE: byte offset into the value */
};

/* Where a run of the final array came from: the loader uses it to place
 * .BTF.ext func_info / line_info / CO-RE records (which are per section,
 * in byte offsets: insn = off / 8). */
struct mb_elf_segment {
	uint32_t text;              /* index into obj->texts */
	uint32_t src_off;           /* first insn in that section */
	uint32_t dst_off;           /* first insn in the linked array */
	uint32_t cnt;
	uint32_t func;              /* index into obj->funcs */
};

struct mb_elf_linked {
	struct bpf_insn *insns;     uint32_t insn_cnt;
	struct mb_elf_patch *patches; uint32_t npatches;
	struct mb_elf_segment *segs;  uint32_t nsegs;  /* segs[0] is the program itself */
};

/* Produce program prog's final instructions: its own followed by every
 * subprogram it reaches (each once), with call and callback offsets fixed.
 * Returns 0 or a negative errno + err. */
int mb_elf_prog_link(const struct mb_elf_object *obj, uint32_t prog, struct mb_elf_linked *out,
		     char *err, size_t errlen);
void mb_elf_linked_free(struct mb_elf_linked *l);

#endif
