/* The library's object model: what is behind the public handles of
 * include/minibpf.h (struct mb_object, mb_map, mb_prog). The parsed ELF
 * object (elf/object.h) plus the state of its load: fds, pins, logs.
 *
 * Data only, no code: it sits below maps/, loader/ and attach/, which all
 * work on it and none of which includes another's internals.
 */
#ifndef MB_ELF_MODEL_H
#define MB_ELF_MODEL_H

#include <stdint.h>

#include "elf/object.h"
#include "elf/sec.h"

struct mb_btf_ext;
struct mb_kern;

struct mb_map {
	struct mb_object *obj;
	struct mb_elf_map *def;         /* in obj->elf */
	int fd;
	int reused;                     /* an existing pinned map was reused */
	char *pin_path;                 /* pin this load created (removed on failure) */
	/* struct_ops (loader/struct_ops.c): the value for BPF_MAP_UPDATE_ELEM,
	 * laid out as the kernel's bpf_struct_ops_<name> (def->value_size
	 * bytes), and where program fds go in it. */
	void *st_value;
	struct mb_st_slot { uint32_t off, prog; } *st_slots;
	uint32_t nst_slots;
	void *mmaped;                   /* mb_map_mmap(), unmapped at close */
	size_t mmap_len;
};

struct mb_prog {
	struct mb_object *obj;
	const struct mb_elf_prog *def;  /* in obj->elf */
	struct mb_sec_def sec;          /* def->sec, or what mb_prog_set_type() said */
	int known_sec;                  /* sec filled from the SEC() table or by the user */
	int autoload;
	int fd;
	char *log;
	uint32_t st_btf_id;             /* struct_ops: the kernel struct's type id */
};

struct mb_object {
	struct mb_elf_object *elf;
	char *name;
	char *pin_root;
	char *btf_path;
	uint32_t log_level, prog_flags;
	struct mb_btf_ext *ext;
	int ext_sorted;                 /* .BTF.ext records in order: 1, not: -1, unknown: 0 */
	struct mb_kern *kern;           /* kernel BTF etc. during a load (loader/kern.c) */
	int btf_fd;
	unsigned btf_lacks;             /* MB_BTF_LACK_* the loaded BTF was sanitized for */
	int loaded;
	struct mb_map *maps;     uint32_t nmaps;
	struct mb_prog *progs; uint32_t nprogs;
};

#endif
