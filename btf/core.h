/* btf/: kernel BTF used in place, and CO-RE relocation resolution. Pure. */
#ifndef MB_BTF_CORE_H
#define MB_BTF_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "btf/btf.h"

/* ---- a BTF blob used in place (kernel BTF, mmap'd) ----------------------
 * Nothing is copied: data must stay mapped until mb_kbtf_free(). Opening
 * checks the header only; the first by-id or by-name access makes one pass
 * over the type records noting every 64th offset (8 KB for vmlinux), checking
 * each record's extent. Ids inside records are checked when followed
 * (mb_kbtf_type() returns NULL for a bad id), strings when read. Host byte
 * order only (the running kernel's). */
struct mb_kbtf;
struct mb_kbtf *mb_kbtf_open(const void *data, size_t size, char *err, size_t errlen);
/* The same for a blob of SIZE bytes that read() fetches on demand, 4 KB
 * blocks at a time, as lookups reach them (btf/ stays pure: the caller
 * does the I/O). read fills buf with len bytes at off: 0 or -errno. A failed
 * read makes what needed it look absent or malformed: check
 * mb_kbtf_read_error() before trusting an answer. Without an index the
 * first by-id access reads the whole blob (mb_kbtf_read_all). */
typedef int mb_kbtf_read_fn(void *ctx, void *buf, size_t len, uint64_t off);
struct mb_kbtf *mb_kbtf_open_lazy(uint64_t size, mb_kbtf_read_fn *read, void *ctx,
				  char *err, size_t errlen);
int mb_kbtf_read_all(struct mb_kbtf *k);
/* errno of the first failed read (lazy blobs), or 0. */
int mb_kbtf_read_error(const struct mb_kbtf *k);
void mb_kbtf_free(struct mb_kbtf *k);
/* Number of ids including void; 0 if the records are malformed (err set). */
uint32_t mb_kbtf_type_cnt(struct mb_kbtf *k);
const struct mb_btf_type *mb_kbtf_type(struct mb_kbtf *k, uint32_t id);
const char *mb_kbtf_str(const struct mb_kbtf *k, uint32_t off);
/* First type with this name and kind (kind < 0: any). Id or -ENOENT. */
int mb_kbtf_find(struct mb_kbtf *k, const char *name, int kind);
/* Size of a pointer in this BTF's world (default: the host's). */
void mb_kbtf_set_ptr_size(struct mb_kbtf *k, uint32_t sz);
/* Skip typedefs and modifiers: the id reached (0 = void) or -errno. */
int mb_kbtf_skip(struct mb_kbtf *k, uint32_t id);
int64_t mb_kbtf_size(struct mb_kbtf *k, uint32_t id);
/* A name index (offsets of every 64th type, name hashes in 16k buckets) that can be
 * kept between runs: built after a full pass, used instead of one. A later
 * load then touches only the pages it needs. The index is not trusted:
 * records are bounds-checked on every access, names compared after lookup;
 * a wrong index gives wrong answers, never a bad read. idx must stay valid. */
int mb_kbtf_index_build(struct mb_kbtf *k, void **out, size_t *len);
int mb_kbtf_index_use(struct mb_kbtf *k, const void *idx, size_t len);
/* With an index: cb for each type whose name (essential or full) hashes like
 * name[0..len), in id order, until cb returns non-zero (returned). -ENOSYS
 * without an index. */
int mb_kbtf_by_name(struct mb_kbtf *k, const char *name, size_t len,
		    int (*cb)(void *ctx, uint32_t id, const struct mb_btf_type *t), void *ctx);
/* Message of the last failed check (malformed records). */
const char *mb_kbtf_error(const struct mb_kbtf *k);

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
struct mb_core *mb_core_new(struct mb_kbtf *local, struct mb_kbtf *target, int big_endian);
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
/* Optional: find the target candidates of every record's root type in one
 * pass over the target BTF (else one pass per root type). 0 or -ENOMEM. */
int mb_core_prepare(struct mb_core *c, const struct mb_btf_core_relo *r, uint32_t n);
const char *mb_core_kind_str(uint32_t kind);
/* Length of NAME without a "___flavor" suffix. */
size_t mb_core_essential_len(const char *name);

#endif
