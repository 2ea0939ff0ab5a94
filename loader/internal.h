/* loader/: what the files of the loader share (the object model itself is
 * elf/model.h). */
#ifndef MB_LOADER_INTERNAL_H
#define MB_LOADER_INTERNAL_H

#include "mb_config.h"
#include "minibpf.h"
#include "elf/model.h"
#include "btf/btf.h"
#include "maps/maps.h"

/* loader/kern.c, loader/extern.c: kernel BTF (read lazily, once per load),
 * CO-RE, attach BTF ids, externs. mb_kern_free() at the end of every load.
 * mb_kern_check(): an error if a read of the kernel BTF failed (what was
 * looked up then cannot be trusted); call before loading a program. */
struct mb_kern;
struct mb_btf;
#if MB_CORE
struct mb_btf *mb_kern_btf(struct mb_object *obj);
#else
/* Built without CO-RE and kernel BTF: every caller's use of it is dead code. */
int mb_kern_btf_none(void);
static inline struct mb_btf *mb_kern_btf(struct mb_object *obj)
{
	(void)obj;
	mb_kern_btf_none();
	return NULL;
}
#endif
void mb_kern_free(struct mb_object *obj);
int mb_kern_check(struct mb_object *obj);
int mb_kern_kconfig_fd(struct mb_object *obj, int fd);
int mb_core_relocate(struct mb_object *obj, struct mb_prog *p, struct mb_elf_linked *l);
/* A message naming the relocation behind a poisoned insn the verifier hit. */
const char *mb_core_explain(struct mb_object *obj, const char *log, char *out, size_t len);
int mb_prog_attach_btf_id(struct mb_object *obj, struct mb_prog *p, uint32_t *btf_id);
unsigned char *mb_kern_ext_kinds(struct mb_object *obj);
/* Where extern.c keeps the /proc/kallsyms address of each extern (by index),
 * read once per load; freed with the rest. NULL: out of memory. */
uint64_t **mb_kern_ksym_addrs(struct mb_object *obj);
/* Classify the externs and make the object's BTF loadable (extern VAR/FUNC
 * linkage in .kconfig/.ksyms), before BPF_BTF_LOAD. */
int mb_extern_prepare(struct mb_object *obj);
/* loader/btf_sanitize.c: BPF_BTF_LOAD the object's BTF; if the kernel rejects
 * it (EINVAL), probe what it lacks and load a sanitized copy (sets btf_lacks).
 * MINIBPF_BTF_LACKS=decl_tag,... forces the sanitized path (tests). fd or a
 * negative errno; *log as mb_sys_btf_load. */
int mb_btf_load_obj(struct mb_object *obj, char **log);
/* MB_BTF_LACK_* the running kernel lacks: a handful of tiny BPF_BTF_LOADs. */
unsigned mb_btf_probe_lacks(void);
int mb_extern_patch(struct mb_object *obj, struct mb_prog *p, struct mb_elf_linked *l,
		    const struct mb_elf_patch *pt);
/* loader/struct_ops.c: before the maps are made, find each struct_ops map's
 * kernel type, size its value and build it (programs get their attach BTF
 * id and member index); after the programs are loaded, put their fds in. */
int mb_struct_ops_prepare(struct mb_object *obj);
int mb_struct_ops_fill(struct mb_object *obj);

#endif
