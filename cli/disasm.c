/* BPF instruction disassembler (pure), printing the kernel verifier's syntax
 * (kernel/bpf/disasm.c) so `prog dump xlated` reads like bpftool's. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#if MB_DISASM

/* Newer ISA bits the 6.1 UAPI header may lack. */
#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80
#endif
#ifndef BPF_JCOND
#define BPF_JCOND 0xe0
#endif
#define LOAD_ACQ  0x100
#define STORE_REL 0x110
#define NOSPEC    0xc0

static const char alu_ops[][6] = { "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=",
				   "neg", "%=", "^=", "=", "s>>=", "end" };
static const char jmp_ops[][5] = { "jmp", "==", ">", ">=", "&", "!=", "s>", "s>=",
				   "call", "exit", "<", "<=", "s<", "s<=" };
static const char sizes[][4] = { "u32", "u16", "u8", "u64" };
static const char atomic_ops[][4] = { "add", "", "", "", "or", "and", "", "", "", "", "xor" };

int disasm_insn(const struct bpf_insn *in, uint32_t left, char *buf, size_t len,
		disasm_call_fn call_name, void *ctx)
{
	unsigned code = in->code, cls = BPF_CLASS(code), op = BPF_OP(code) >> 4;
	unsigned sz = BPF_SIZE(code) >> 3, mode = BPF_MODE(code);
	int d = in->dst_reg, s = in->src_reg, off = in->off, imm = in->imm;
	const char *w = sz == 3 ? "64" : "";
	int n = snprintf(buf, len, "(%02x) ", code);

	buf += n;
	len = len > (size_t)n ? len - n : 0;

	if (cls == BPF_ALU || cls == BPF_ALU64) {
		char r = cls == BPF_ALU ? 'w' : 'r';

		if (op == BPF_END >> 4) {
			if (cls == BPF_ALU64)
				snprintf(buf, len, "r%d = bswap%d r%d", d, imm, d);
			else
				snprintf(buf, len, "r%d = %s%d r%d", d,
					 BPF_SRC(code) == BPF_TO_BE ? "be" : "le", imm, d);
		} else if (op == BPF_NEG >> 4) {
			snprintf(buf, len, "%c%d = -%c%d", r, d, r, d);
		} else if (op > 13) {
			snprintf(buf, len, "BUG_alu_%02x", code);
		} else {
			char opname[8], ext[12] = "";

			/* off 1 marks sdiv/smod, off 8/16/32 a sign-extending mov (v4 ISA). */
			if ((op == 3 || op == 9) && off == 1)
				snprintf(opname, sizeof(opname), "s%s", alu_ops[op]);
			else
				snprintf(opname, sizeof(opname), "%s", alu_ops[op]);
			if (op == BPF_MOV >> 4 && BPF_SRC(code) == BPF_X && cls == BPF_ALU64 &&
			    off == 1 && imm == 1) {
				snprintf(buf, len, "r%d = &(void __percpu *)(r%d)", d, s);
				return 1;
			}
			if (op == BPF_MOV >> 4 && (off == 8 || off == 16 || off == 32))
				snprintf(ext, sizeof(ext), "(s%d)", off);
			if (BPF_SRC(code) == BPF_X)
				snprintf(buf, len, "%c%d %s %s%c%d", r, d, opname, ext, r, s);
			else
				snprintf(buf, len, "%c%d %s %d", r, d, opname, imm);
		}
	} else if (cls == BPF_STX) {
		if (mode == BPF_MEM) {
			snprintf(buf, len, "*(%s *)(r%d %+d) = r%d", sizes[sz], d, off, s);
		} else if (mode != BPF_ATOMIC) {
			snprintf(buf, len, "BUG_%02x", code);
		} else if (imm == BPF_ADD || imm == BPF_AND || imm == BPF_OR || imm == BPF_XOR) {
			snprintf(buf, len, "lock *(%s *)(r%d %+d) %s r%d", sizes[sz], d, off,
				 alu_ops[imm >> 4], s);
		} else if (((imm & ~BPF_FETCH) == BPF_ADD || (imm & ~BPF_FETCH) == BPF_AND ||
			    (imm & ~BPF_FETCH) == BPF_OR || (imm & ~BPF_FETCH) == BPF_XOR) &&
			   (imm & BPF_FETCH)) {
			snprintf(buf, len, "r%d = atomic%s_fetch_%s((%s *)(r%d %+d), r%d)", s, w,
				 atomic_ops[(imm & ~BPF_FETCH) >> 4], sizes[sz], d, off, s);
		} else if (imm == BPF_CMPXCHG) {
			snprintf(buf, len, "r0 = atomic%s_cmpxchg((%s *)(r%d %+d), r0, r%d)", w,
				 sizes[sz], d, off, s);
		} else if (imm == BPF_XCHG) {
			snprintf(buf, len, "r%d = atomic%s_xchg((%s *)(r%d %+d), r%d)", s, w,
				 sizes[sz], d, off, s);
		} else if (imm == LOAD_ACQ) {
			snprintf(buf, len, "r%d = load_acquire((%s *)(r%d %+d))", d, sizes[sz], s, off);
		} else if (imm == STORE_REL) {
			snprintf(buf, len, "store_release((%s *)(r%d %+d), r%d)", sizes[sz], d, off, s);
		} else {
			snprintf(buf, len, "BUG_%02x", code);
		}
	} else if (cls == BPF_ST) {
		if (mode == BPF_MEM)
			snprintf(buf, len, "*(%s *)(r%d %+d) = %d", sizes[sz], d, off, imm);
		else if (mode == NOSPEC)
			snprintf(buf, len, "nospec");
		else
			snprintf(buf, len, "BUG_st_%02x", code);
	} else if (cls == BPF_LDX) {
		if (mode == BPF_MEM)
			snprintf(buf, len, "r%d = *(%s *)(r%d %+d)", d, sizes[sz], s, off);
		else if (mode == BPF_MEMSX)
			snprintf(buf, len, "r%d = *(s%s *)(r%d %+d)", d, sizes[sz] + 1, s, off);
		else
			snprintf(buf, len, "BUG_ldx_%02x", code);
	} else if (cls == BPF_LD) {
		if (mode == BPF_ABS) {
			snprintf(buf, len, "r0 = *(%s *)skb[%d]", sizes[sz], imm);
		} else if (mode == BPF_IND) {
			snprintf(buf, len, "r0 = *(%s *)skb[r%d + %d]", sizes[sz], s, imm);
		} else if (mode == BPF_IMM && sz == 3) {
			uint32_t hi = left > 1 ? (uint32_t)in[1].imm : 0;

			if (s == BPF_PSEUDO_MAP_FD)
				snprintf(buf, len, "r%d = map[id:%u]", d, (uint32_t)imm);
			else if (s == BPF_PSEUDO_MAP_VALUE)
				snprintf(buf, len, "r%d = map[id:%u][0]+%u", d, (uint32_t)imm, hi);
			else if (s == 5 /* BPF_PSEUDO_MAP_IDX */)
				snprintf(buf, len, "r%d = map[idx:%u]", d, (uint32_t)imm);
			else if (s == 6 /* BPF_PSEUDO_MAP_IDX_VALUE */)
				snprintf(buf, len, "r%d = map[idx:%u][0]+%u", d, (uint32_t)imm, hi);
			else if (s == 4 /* BPF_PSEUDO_FUNC */)
				snprintf(buf, len, "r%d = subprog[%+d]", d, imm);
			else
				snprintf(buf, len, "r%d = 0x%llx", d,
					 (unsigned long long)hi << 32 | (uint32_t)imm);
			return 2;
		} else {
			snprintf(buf, len, "BUG_ld_%02x", code);
		}
	} else {   /* BPF_JMP, BPF_JMP32 */
		char r = cls == BPF_JMP32 ? 'w' : 'r';

		if (op == BPF_CALL >> 4) {
			const char *nm = NULL;
			char tmp[24];

			if (!s)
				nm = helper_name(imm);
			if (!nm && call_name)
				nm = call_name(ctx, in);
			if (!nm || !*nm) {
				if (s == BPF_PSEUDO_CALL)
					snprintf(tmp, sizeof(tmp), "%+d", imm);
				else
					snprintf(tmp, sizeof(tmp), s == 2 ? "kernel-function" : "unknown");
				nm = tmp;
			}
			if (s == BPF_PSEUDO_CALL)
				snprintf(buf, len, "call pc%s", nm);
			else
				snprintf(buf, len, "call %s#%d", nm, imm);
		} else if (op == BPF_EXIT >> 4) {
			snprintf(buf, len, "exit");
		} else if (op == BPF_JA >> 4) {
			if (cls == BPF_JMP32)
				snprintf(buf, len, "gotol pc%+d", imm);
			else
				snprintf(buf, len, "goto pc%+d", off);
		} else if (op == BPF_JCOND >> 4) {
			snprintf(buf, len, "may_goto pc%+d", off);
		} else if (op > 13) {
			snprintf(buf, len, "BUG_jmp_%02x", code);
		} else if (BPF_SRC(code) == BPF_X) {
			snprintf(buf, len, "if %c%d %s %c%d goto pc%+d", r, d, jmp_ops[op], r, s, off);
		} else {
			snprintf(buf, len, "if %c%d %s 0x%x goto pc%+d", r, d, jmp_ops[op],
				 (unsigned)imm, off);
		}
	}
	return 1;
}

#else /* MB_DISASM */

/* Built without the disassembler: the instruction's fields, raw. */
int disasm_insn(const struct bpf_insn *in, uint32_t left, char *buf, size_t len,
		disasm_call_fn call_name, void *ctx)
{
	int wide = in->code == (BPF_LD | BPF_IMM | BPF_DW) && left > 1;

	(void)call_name; (void)ctx;
	snprintf(buf, len, "code 0x%02x dst r%u src r%u off %d imm %d", in->code, in->dst_reg,
		 in->src_reg, in->off, in->imm);
	if (wide)
		snprintf(buf + strlen(buf), len - strlen(buf), " imm2 %d", in[1].imm);
	return wide ? 2 : 1;
}

#endif /* MB_DISASM */
