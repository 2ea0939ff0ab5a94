/* check/: the verifier's structural rules, offline (minibpf check).
 *
 * Pure (libc only, no syscalls): a build host of any architecture runs it on
 * an object of either byte order, since elf/ gives the instructions in host
 * order. Input is one program as `load` would send it: the output of
 * mb_elf_prog_link() (subprograms and callbacks appended, call offsets fixed).
 *
 *   struct mb_check_report r;
 *   mb_check_insns(l.insns, l.insn_cnt, 0, &r);
 *   for each r.f[i]: insn r.f[i].insn, r.f[i].error ? "error" : "note", r.f[i].msg
 *   mb_check_report_free(&r);
 *
 * Messages are the kernel verifier's where it has one ("back-edge from insn
 * 7 to 3", "unreachable insn 12"), so a finding can be matched against the
 * log of a real load. An error is reported only where the kernel would refuse
 * the program on every path it could take; anything less certain is a note.
 */
#ifndef MB_CHECK_H
#define MB_CHECK_H

#include <stdint.h>
#include <stddef.h>
#include <linux/bpf.h>

#include "elf/object.h"

/* flags */
#define MB_CHECK_STRICT 1   /* rules of unprivileged loaders / kernels < 5.3: loops,
			     * > 4096 insns and uninitialized stack reads are errors */
#define MB_CHECK_VOID 2     /* the program may return nothing (LSM, struct_ops) */
#define MB_CHECK_PRIV_STACK 4   /* tracing types: 6.13 gives them a private stack, so
				 * the 512-byte limit holds per frame, not combined */
/* The flags a program type brings (MB_CHECK_VOID, MB_CHECK_PRIV_STACK). */
unsigned mb_check_type_flags(uint32_t prog_type, uint32_t attach_type);

struct mb_check_finding {
	uint32_t insn;          /* index in the linked program */
	int error;              /* 1: the kernel refuses this; 0: a note */
	char msg[112];
};

struct mb_check_report {
	struct mb_check_finding *f;
	uint32_t n, cap, errors;
	uint32_t cnt;           /* instructions */
	/* For the graph (--cfg): per instruction, bit 1 = starts a basic block,
	 * bit 2 = reached from the entry, bit 4 = second half of ld_imm64. */
	uint8_t *mark;
	uint32_t nsub;          /* subprograms: start insn and known stack depth */
	uint32_t *sub_start, *sub_stack;
};
#define MB_CHECK_LEADER 1
#define MB_CHECK_REACHED 2
#define MB_CHECK_IMM_HI 4

/* Analyse cnt instructions (host byte order). Returns the number of errors
 * found (>= 0), or -ENOMEM. r is filled in either case; free it. */
int mb_check_insns(const struct bpf_insn *insns, uint32_t cnt, unsigned flags,
		   struct mb_check_report *r);
void mb_check_report_free(struct mb_check_report *r);

/* Program pi of obj linked as `load` links it (mb_elf_prog_link), its map
 * and extern references given the pseudo source the loader gives them, then
 * checked (with mb_check_type_flags() of its type). Returns the number of
 * errors (free l and r then), or a negative errno + err when it does not
 * link or on -ENOMEM (l and r left empty). */
int mb_check_prog(const struct mb_elf_object *obj, uint32_t pi, unsigned flags,
		  struct mb_elf_linked *l, struct mb_check_report *r, char *err, size_t errlen);

#endif
