/* btf/: CO-RE relocation resolution. Pure. */
#ifndef MB_BTF_CORE_H
#define MB_BTF_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "btf/btf.h"

/* ---- CO-RE (libbpf's rules, tools/lib/bpf/relo_core.c) ------------------ */
enum {
	MB_CORE_FIELD_BYTE_OFFSET, MB_CORE_FIELD_BYTE_SIZE, MB_CORE_FIELD_EXISTS,
	MB_CORE_FIELD_SIGNED, MB_CORE_FIELD_LSHIFT_U64, MB_CORE_FIELD_RSHIFT_U64,
	MB_CORE_TYPE_ID_LOCAL, MB_CORE_TYPE_ID_TARGET, MB_CORE_TYPE_EXISTS,
	MB_CORE_TYPE_SIZE, MB_CORE_ENUMVAL_EXISTS, MB_CORE_ENUMVAL_VALUE,
	MB_CORE_TYPE_MATCHES,
};
/* The call the verifier reports as "invalid func unknown#195896080". */
#define MB_CORE_POISON_IMM 0xbad2310

struct mb_core;
/* local: the object's BTF, target: the kernel's. big_endian: the object's
 * byte order (bitfield shifts depend on it). */
struct mb_core *mb_core_new(const struct mb_btf *local, const struct mb_btf *target, int big_endian);
void mb_core_free(struct mb_core *c);

struct mb_core_result {
	int poisoned;           /* no target matched: insn became a poison call */
	uint64_t orig, val;     /* the value the compiler wrote, the new one */
	char desc[160];         /* "struct task_struct.pid (0:12)", for messages */
};
/* Resolve relocation r and patch insn (avail insns from there, 2 needed for
 * ld_imm64). 0 (res filled, possibly poisoned) or a negative errno with a
 * message in err. */
int mb_core_apply(struct mb_core *c, const struct mb_btf_core_relo *r, struct bpf_insn *insn,
		  uint32_t avail, struct mb_core_result *res, char *err, size_t errlen);
/* What relocation r uses of the target (bpftool's btfgen): the root type of
 * the first candidate that matched (0: none, or a local_type_id relocation)
 * and its access path (raw spec: first index, then member or element
 * indexes). *raw_len: in the capacity, out the length. 0 or -errno + err. */
int mb_core_target(struct mb_core *c, const struct mb_btf_core_relo *r, uint32_t *root,
		   uint32_t *raw, uint32_t *raw_len, char *err, size_t errlen);
#define MB_CORE_SPEC_MAX 64
/* Optional: find the target candidates of every record's root type in one
 * pass over the target BTF (else one pass per root type). 0 or -ENOMEM. */
int mb_core_prepare(struct mb_core *c, const struct mb_btf_core_relo *r, uint32_t n);
const char *mb_core_kind_str(uint32_t kind);
/* Length of NAME without a "___flavor" suffix. */
size_t mb_core_essential_len(const char *name);

#endif
