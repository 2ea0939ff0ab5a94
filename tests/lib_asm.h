/* Hand-assembled BPF instructions for tests.
 *
 * Each macro is a brace initializer for one struct bpf_insn (MB_LD_IMM64 and
 * MB_LD_MAP_FD are two), so they work in static and automatic arrays alike:
 *
 *   struct bpf_insn prog[] = { MB_MOV64_IMM(BPF_REG_0, 42), MB_EXIT() };
 *
 * ALU/JMP ops are the UAPI ones: BPF_ADD, BPF_MOV, BPF_JEQ, ...; sizes BPF_B,
 * BPF_H, BPF_W, BPF_DW.
 */
#ifndef MB_TESTS_LIB_ASM_H
#define MB_TESTS_LIB_ASM_H

#include <stdint.h>
#include <linux/bpf.h>

#define MB_INSN(c, d, s, o, i) \
	{ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) }

#define MB_ALU64_IMM(op, dst, imm)   MB_INSN(BPF_ALU64 | (op) | BPF_K, dst, 0, 0, imm)
#define MB_ALU64_REG(op, dst, src)   MB_INSN(BPF_ALU64 | (op) | BPF_X, dst, src, 0, 0)
#define MB_ALU32_IMM(op, dst, imm)   MB_INSN(BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MB_MOV64_IMM(dst, imm)       MB_ALU64_IMM(BPF_MOV, dst, imm)
#define MB_MOV64_REG(dst, src)       MB_ALU64_REG(BPF_MOV, dst, src)

/* 64-bit immediate: two slots, the second holds the high half. */
#define MB_LD_IMM64(dst, imm) \
	MB_INSN(BPF_LD | BPF_DW | BPF_IMM, dst, 0, 0, (int32_t)(uint32_t)(uint64_t)(imm)), \
	MB_INSN(0, 0, 0, 0, (int32_t)(uint32_t)((uint64_t)(imm) >> 32))
/* r_dst = the map behind fd (the kernel swaps the fd for the map pointer). */
#define MB_LD_MAP_FD(dst, fd) \
	MB_INSN(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd), \
	MB_INSN(0, 0, 0, 0, 0)

/* *(size *)(src + off) -> dst;  src -> *(size *)(dst + off);  imm -> ... */
#define MB_LDX_MEM(size, dst, src, off) MB_INSN(BPF_LDX | (size) | BPF_MEM, dst, src, off, 0)
#define MB_STX_MEM(size, dst, src, off) MB_INSN(BPF_STX | (size) | BPF_MEM, dst, src, off, 0)
#define MB_ST_MEM(size, dst, off, imm)  MB_INSN(BPF_ST | (size) | BPF_MEM, dst, 0, off, imm)

/* if (dst op imm/src) goto pc + 1 + off */
#define MB_JMP_IMM(op, dst, imm, off) MB_INSN(BPF_JMP | (op) | BPF_K, dst, 0, off, imm)
#define MB_JMP_REG(op, dst, src, off) MB_INSN(BPF_JMP | (op) | BPF_X, dst, src, off, 0)
#define MB_JA(off)                    MB_INSN(BPF_JMP | BPF_JA, 0, 0, off, 0)

#define MB_CALL(helper)  MB_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, helper)
#define MB_EXIT()        MB_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define MB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
