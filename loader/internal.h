/* The library's object model: struct mb_object and friends behind the public
 * handles of include/minibpf.h. Shared by maps/ and loader/. */
#ifndef MB_LOADER_INTERNAL_H
#define MB_LOADER_INTERNAL_H

#include "minibpf.h"
#include "elf/object.h"
#include "btf/btf.h"
#include "attach/attach.h"

struct mb_map {
	struct mb_object *obj;
	struct mb_elf_map *def;         /* in obj->elf */
	int fd;
	int reused;                     /* an existing pinned map was reused */
	char *pin_path;                 /* pin this load created (removed on failure) */
};

struct mb_program {
	struct mb_object *obj;
	const struct mb_elf_prog *def;  /* in obj->elf */
	struct mb_sec_def sec;
	int known_sec;                  /* sec filled from the SEC() table or by the user */
	int autoload;
	int fd;
	char *log;
};

struct mb_object {
	struct mb_elf_object *elf;
	char *name;
	char *pin_root;
	char *btf_path;
	uint32_t log_level, prog_flags;
	struct mb_btf_ext *ext;
	int ext_sorted;                 /* .BTF.ext records in order: 1, not: -1, unknown: 0 */
	struct mb_kern *kern;           /* kernel BTF etc. during a load (loader/core.c) */
	int btf_fd;
	unsigned btf_lacks;             /* MB_BTF_LACK_* the loaded BTF was sanitized for */
	int loaded;
	struct mb_map *maps;     uint32_t nmaps;
	struct mb_program *progs; uint32_t nprogs;
};

struct mb_link {
	int n;
	int pinned;
	struct mb_link_info info[];
};

/* maps/: create every map of the object (or reuse pinned ones), fill global
 * data, freeze .rodata. On failure closes what it made and removes its pins. */
int mb_maps_create(struct mb_object *obj);
/* Write the initial slots of map-in-map and prog array maps (after loading). */
int mb_maps_init_slots(struct mb_object *obj);
void mb_maps_close(struct mb_object *obj, int unpin);

/* Appended to EPERM messages: what an unprivileged user lacks (5.8+ split
 * CAP_SYS_ADMIN into these). */
#define MB_CAP_HINT "needs root, or CAP_BPF plus CAP_PERFMON for tracing or CAP_NET_ADMIN " \
	"for networking programs"

/* loader/core.c, loader/extern.c: kernel BTF (read lazily, once per load),
 * CO-RE, attach BTF ids, externs. mb_kern_free() at the end of every load.
 * mb_kern_check(): an error if a read of the kernel BTF failed (what was
 * looked up then cannot be trusted); call before loading a program. */
struct mb_kern;
struct mb_kbtf;
struct mb_kbtf *mb_kern_btf(struct mb_object *obj);
void mb_kern_free(struct mb_object *obj);
int mb_kern_check(struct mb_object *obj);
int mb_kern_kconfig_fd(struct mb_object *obj, int fd);
int mb_core_relocate(struct mb_object *obj, struct mb_program *p, struct mb_elf_linked *l);
/* A message naming the relocation behind a poisoned insn the verifier hit. */
const char *mb_core_explain(struct mb_object *obj, const char *log, char *out, size_t len);
int mb_prog_attach_btf_id(struct mb_object *obj, struct mb_program *p, uint32_t *btf_id);
unsigned char *mb_kern_ext_kinds(struct mb_object *obj);
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
int mb_extern_patch(struct mb_object *obj, struct mb_program *p, struct mb_elf_linked *l,
		    const struct mb_elf_patch *pt);

#endif
