/* The structural part of the kernel verifier (kernel/bpf/verifier.c, 6.1 and
 * later), offline: decoding (resolve_pseudo_ldimm64, do_check's reserved
 * fields), subprograms (check_subprogs), the depth-first walk (check_cfg),
 * frames and stack (check_max_stack_depth), and a small dataflow pass for the
 * register and stack rules that need no types. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"

#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#ifndef BPF_JCOND
#define BPF_JCOND 0xe0       /* may_goto (6.9) */
#endif
#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80       /* sign-extending loads (6.6) */
#endif
#define PSEUDO_CALL 1
#define PSEUDO_KFUNC 2
#define PSEUDO_FUNC 4
#define LOAD_ACQ 0x100
#define STORE_REL 0x110
#define MAX_STACK 512
#define MAX_FRAMES 8
#define MAX_SUBPROGS 256
#define LIMIT_UNPRIV 4096     /* BPF_MAXINSNS */
#define LIMIT 1000000         /* BPF_COMPLEXITY_LIMIT_INSNS */

struct ctx {
	const struct bpf_insn *in;
	uint32_t cnt;
	unsigned flags;
	struct mb_check_report *r;
	int oom;
	uint32_t hard;   /* errors the kernel finds before it simulates a path */
};

static void add(struct ctx *c, uint32_t insn, int error, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(struct ctx *c, uint32_t insn, int error, const char *fmt, ...)
{
	struct mb_check_report *r = c->r;
	va_list ap;

	if (r->n == r->cap) {
		uint32_t ncap = r->cap ? r->cap * 2 : 16;
		void *p = ncap < r->cap ? NULL : realloc(r->f, ncap * sizeof(*r->f));

		if (!p) {
			c->oom = 1;
			return;
		}
		r->f = p;
		r->cap = ncap;
	}
	r->f[r->n].insn = insn;
	r->f[r->n].error = error;
	va_start(ap, fmt);
	vsnprintf(r->f[r->n].msg, sizeof(r->f[r->n].msg), fmt, ap);
	va_end(ap);
	r->errors += !!error;
	c->hard += error == 1;
	r->n++;
}

/* add()'s error: found by the kernel only on an instruction its simulation
 * reaches; an error where the dataflow shows every path gets there. */
#define SIM 2

static int is_ldimm64(const struct bpf_insn *i) { return i->code == LD_IMM64; }
static int is_jmp(unsigned code)
{
	return BPF_CLASS(code) == BPF_JMP || BPF_CLASS(code) == BPF_JMP32;
}
/* A jump with a target: not call, exit. */
static int is_branch(const struct bpf_insn *i)
{
	return is_jmp(i->code) && BPF_OP(i->code) != BPF_CALL && BPF_OP(i->code) != BPF_EXIT;
}
static int64_t target(const struct bpf_insn *i, uint32_t at)
{
	if (i->code == (BPF_JMP32 | BPF_JA))
		return (int64_t)at + i->imm + 1;
	return (int64_t)at + i->off + 1;
}
/* bpf-to-bpf call or callback reference: the function it names. */
static int is_subprog_ref(const struct bpf_insn *i)
{
	return (i->code == (BPF_JMP | BPF_CALL) && i->src_reg == PSEUDO_CALL) ||
	       (is_ldimm64(i) && i->src_reg == PSEUDO_FUNC);
}

/* bpf_opcode_in_insntable() with the later ISA additions (bswap, movsx,
 * sign-extending loads, gotol, may_goto, 8/16-bit load-acquire). */
static int valid_opcode(unsigned code)
{
	unsigned cls = BPF_CLASS(code), op = BPF_OP(code), x = BPF_SRC(code);
	unsigned mode = BPF_MODE(code), sz = BPF_SIZE(code);

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (op == BPF_NEG)
			return !x;
		if (op == BPF_END)
			return cls == BPF_ALU || !x;
		return op < BPF_END;
	case BPF_JMP:
		if (op == BPF_JA || op == BPF_CALL || op == BPF_EXIT || op == BPF_JCOND)
			return !x;
		return op < 0xe0;
	case BPF_JMP32:
		if (op == BPF_JA)
			return !x;
		return op != BPF_CALL && op != BPF_EXIT && op < 0xe0;
	case BPF_ST:
		return mode == BPF_MEM;
	case BPF_STX:
		return mode == BPF_MEM || mode == BPF_ATOMIC;
	case BPF_LDX:
		return mode == BPF_MEM || (mode == BPF_MEMSX && sz != BPF_DW);
	default:   /* BPF_LD */
		return (mode == BPF_IMM && sz == BPF_DW) ||
		       ((mode == BPF_ABS || mode == BPF_IND) && sz != BPF_DW);
	}
}

static int bad_reg(struct ctx *c, uint32_t i, unsigned reg, int write)
{
	if (reg > 10) {
		add(c, i, SIM, "R%u is invalid", reg);
		return 1;
	}
	if (write && reg == 10) {
		add(c, i, SIM, "frame pointer is read only");
		return 1;
	}
	return 0;
}

static void decode_alu(struct ctx *c, uint32_t i, const struct bpf_insn *in)
{
	unsigned op = BPF_OP(in->code), x = BPF_SRC(in->code) == BPF_X;
	int is64 = BPF_CLASS(in->code) == BPF_ALU64, sdiv = op == BPF_DIV || op == BPF_MOD;

	if (op == BPF_NEG) {
		if (in->src_reg || in->off || in->imm)
			return add(c, i, SIM, "BPF_NEG uses reserved fields");
	} else if (op == BPF_END) {
		if (in->src_reg || in->off || (in->imm != 16 && in->imm != 32 && in->imm != 64))
			return add(c, i, SIM, "BPF_END uses reserved fields");
	} else if (op == BPF_MOV) {
		/* off 8/16/32: movsx (6.6); ALU64 off 1: addr_space_cast (6.9) */
		int off_ok = !in->off || in->off == 8 || in->off == 16 || (is64 && in->off == 32);

		if (x ? (is64 && in->off == 1 ? 0 : (!off_ok || in->imm)) : (in->src_reg || in->off))
			return add(c, i, SIM, "BPF_MOV uses reserved fields");
	} else {
		int off_bad = in->off && !(sdiv && in->off == 1);   /* sdiv/smod (6.6) */

		if (x ? (in->imm || off_bad) : (in->src_reg || off_bad))
			return add(c, i, SIM, "BPF_ALU uses reserved fields");
	}
	if ((x && bad_reg(c, i, in->src_reg, 0)) || bad_reg(c, i, in->dst_reg, 1))
		return;
	if (!x && sdiv && !in->imm)
		add(c, i, SIM, "div by zero");
	if (!x && (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
	    (uint32_t)in->imm >= (is64 ? 64u : 32u))
		add(c, i, SIM, "invalid shift %d", in->imm);
}

static void decode_jmp(struct ctx *c, uint32_t i, const struct bpf_insn *in)
{
	unsigned op = BPF_OP(in->code), x = BPF_SRC(in->code) == BPF_X;
	int j32 = BPF_CLASS(in->code) == BPF_JMP32;

	if (op == BPF_CALL) {
		if ((in->off && in->src_reg != PSEUDO_KFUNC) || in->src_reg > PSEUDO_KFUNC ||
		    in->dst_reg)
			add(c, i, SIM, "BPF_CALL uses reserved fields");
	} else if (op == BPF_EXIT) {
		if (in->imm || in->src_reg || in->dst_reg || in->off)
			add(c, i, SIM, "BPF_EXIT uses reserved fields");
	} else if (op == BPF_JA) {
		if ((j32 ? in->off : in->imm) || in->src_reg || in->dst_reg)
			add(c, i, SIM, "BPF_JA uses reserved fields");
	} else if (op != BPF_JCOND) {
		if (x ? in->imm : in->src_reg)
			add(c, i, SIM, "BPF_JMP/JMP32 uses reserved fields");
		else if (!bad_reg(c, i, in->dst_reg, 0) && x)
			bad_reg(c, i, in->src_reg, 0);
	}
}

/* Per-insn rules, in the kernel's order for one instruction. */
static void decode(struct ctx *c)
{
	for (uint32_t i = 0; i < c->cnt; i++) {
		const struct bpf_insn *in = &c->in[i];
		unsigned cls = BPF_CLASS(in->code), mode = BPF_MODE(in->code);

		if (cls == BPF_LDX && ((mode != BPF_MEM && mode != BPF_MEMSX) || in->imm)) {
			add(c, i, 1, "BPF_LDX uses reserved fields");
			continue;
		}
		if (is_ldimm64(in)) {
			if (i + 1 < c->cnt)
				c->r->mark[i + 1] |= MB_CHECK_IMM_HI;
			if (i + 1 == c->cnt || in[1].code || in[1].dst_reg || in[1].src_reg || in[1].off)
				add(c, i, 1, "invalid bpf_ld_imm64 insn");
			else if (in->src_reg > 6 || ((in->src_reg == BPF_PSEUDO_MAP_FD || in->src_reg == 5) &&
							 in[1].imm))   /* a map has no offset */
				add(c, i, 1, "unrecognized bpf_ld_imm64 insn");
			else if (in->off)
				add(c, i, SIM, "BPF_LD_IMM64 uses reserved fields");
			else
				bad_reg(c, i, in->dst_reg, 1);
			i++;
			continue;
		}
		if (!valid_opcode(in->code)) {
			add(c, i, 1, "unknown opcode %02x", in->code);
			continue;
		}
		switch (cls) {
		case BPF_ALU:
		case BPF_ALU64:
			decode_alu(c, i, in);
			break;
		case BPF_JMP:
		case BPF_JMP32:
			decode_jmp(c, i, in);
			break;
		case BPF_ST:
			if (in->src_reg)
				add(c, i, SIM, "BPF_ST uses reserved fields");
			else
				bad_reg(c, i, in->dst_reg, 0);
			break;
		case BPF_STX:
			if (mode == BPF_MEM && in->imm) {
				add(c, i, SIM, "BPF_STX uses reserved fields");
				break;
			}
			if (mode == BPF_ATOMIC) {
				int a = in->imm & ~BPF_FETCH, small = BPF_SIZE(in->code) == BPF_B ||
					BPF_SIZE(in->code) == BPF_H;

				if (in->imm == LOAD_ACQ || in->imm == STORE_REL ? 0 : small ||
				    !(a == BPF_ADD || a == BPF_AND || a == BPF_OR || a == BPF_XOR ||
				      in->imm == BPF_XCHG || in->imm == BPF_CMPXCHG)) {
					add(c, i, SIM, "BPF_ATOMIC uses invalid atomic opcode %02x", in->imm);
					break;
				}
			}
			if (!bad_reg(c, i, in->dst_reg, 0))
				bad_reg(c, i, in->src_reg, mode == BPF_ATOMIC &&
					((in->imm & BPF_FETCH) || in->imm == BPF_XCHG) &&
					in->imm != BPF_CMPXCHG);   /* fetch writes src */
			break;
		case BPF_LDX:
			if (!bad_reg(c, i, in->src_reg, 0))
				bad_reg(c, i, in->dst_reg, 1);
			break;
		default:   /* LD_ABS, LD_IND */
			if (in->dst_reg || in->off || (mode == BPF_ABS && in->src_reg))
				add(c, i, SIM, "BPF_LD_[ABS|IND] uses reserved fields");
			else if (mode == BPF_IND)
				bad_reg(c, i, in->src_reg, 0);
		}
	}
}

/* A call after which the program may be over: a tail call, LD_ABS/IND (out
 * of the packet), a kfunc (bpf_throw), a function that may reach one. */
static int may_end(const struct bpf_insn *in)
{
	unsigned m = BPF_MODE(in->code);

	if (BPF_CLASS(in->code) == BPF_LD && (m == BPF_ABS || m == BPF_IND))
		return 1;
	return in->code == (BPF_JMP | BPF_CALL) &&
	       (in->src_reg || in->imm == BPF_FUNC_tail_call);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The subprogram holding insn i: sub_start[k] <= i < sub_start[k + 1]. */
static uint32_t sub_of(const struct mb_check_report *r, uint32_t i)
{
	uint32_t lo = 0, hi = r->nsub;

	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;

		if (r->sub_start[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* add_subprog_and_kfunc + check_subprogs. */
static int subprogs(struct ctx *c)
{
	struct mb_check_report *r = c->r;
	uint32_t n = 1, k, cur = 0;

	r->sub_start = malloc(((size_t)c->cnt + 2) * sizeof(uint32_t));
	if (!r->sub_start)
		return -ENOMEM;
	r->sub_start[0] = 0;
	for (uint32_t i = 0; i < c->cnt; i++) {
		if (!is_subprog_ref(&c->in[i]) || (r->mark[i] & MB_CHECK_IMM_HI))
			continue;
		int64_t t = (int64_t)i + c->in[i].imm + 1;

		if (t < 0 || t >= c->cnt)
			add(c, i, 1, "call to invalid destination");
		else
			r->sub_start[n++] = (uint32_t)t;
	}
	qsort(r->sub_start, n, sizeof(uint32_t), cmp_u32);
	for (k = 1, r->nsub = 1; k < n; k++)
		if (r->sub_start[k] != r->sub_start[r->nsub - 1])
			r->sub_start[r->nsub++] = r->sub_start[k];
	if (r->nsub > MAX_SUBPROGS)
		add(c, 0, 1, "too many subprograms (%u, at most %d)", r->nsub, MAX_SUBPROGS);
	r->sub_start[r->nsub] = c->cnt;
	r->sub_stack = calloc(r->nsub, sizeof(uint32_t));
	if (!r->sub_stack)
		return -ENOMEM;
	for (uint32_t i = 0; i < c->cnt; i++) {
		const struct bpf_insn *in = &c->in[i];
		uint32_t end = r->sub_start[cur + 1];

		r->mark[i] |= i == r->sub_start[cur] ? MB_CHECK_LEADER : 0;
		if (!(r->mark[i] & MB_CHECK_IMM_HI) && is_branch(in)) {
			int64_t t = target(in, i);

			if (t < r->sub_start[cur] || t >= end)
				add(c, i, 1, "jump out of range from insn %u to %lld", i, (long long)t);
			else
				r->mark[t] |= MB_CHECK_LEADER;
			if (i + 1 < c->cnt)
				r->mark[i + 1] |= MB_CHECK_LEADER;
		}
		if (!(r->mark[i] & MB_CHECK_IMM_HI) && (in->code == (BPF_JMP | BPF_EXIT) ||
		    may_end(in)) && i + 1 < c->cnt)
			r->mark[i + 1] |= MB_CHECK_LEADER;
		if (i == end - 1) {
			if (in->code != (BPF_JMP | BPF_EXIT) && in->code != (BPF_JMP | BPF_JA) &&
			    in->code != (BPF_JMP32 | BPF_JA))
				add(c, i, 1, "last insn is not an exit or jmp");
			cur++;
		}
	}
	return 0;
}

/* check_cfg: the kernel's iterative depth-first walk, in its order, so a
 * back-edge is found at the same pair of insns. */
enum { DISCOVERED = 0x10, EXPLORED = 0x20, FALLTHROUGH = 1, BRANCH = 2 };
enum { DONE = 0, KEEP = 1 };
struct dfs { uint8_t *state; uint32_t *stack, sp; };

/* loop: 0 recursion (a call), 1 a jump, 2 a plain fall-through. */
static int push(struct ctx *c, struct dfs *d, uint32_t t, int64_t w, int e, int loop)
{
	if (d->state[t] >= (DISCOVERED | e))
		return DONE;
	if (w < 0 || w >= c->cnt) {
		/* reported already: jump, call or the last insn */
		d->state[t] = DISCOVERED | e;
		return DONE;
	}
	if (d->state[w] == 0) {
		d->state[t] = DISCOVERED | e;
		d->state[w] = DISCOVERED;
		d->stack[d->sp++] = (uint32_t)w;
		return KEEP;
	}
	if ((d->state[w] & 0xf0) == DISCOVERED) {
		/* Bounded loops (5.3) let a privileged loader have back-edges;
		 * recursion is refused by every kernel. */
		if (!loop)
			add(c, t, 1, "back-edge from insn %u to %lld (recursive call)", t, (long long)w);
		else
			add(c, t, !!(c->flags & MB_CHECK_STRICT), "back-edge from insn %u to %lld", t,
			    (long long)w);
		return DONE;
	}
	d->state[t] = DISCOVERED | e;
	return DONE;
}

static int visit(struct ctx *c, struct dfs *d, uint32_t t)
{
	const struct bpf_insn *in = &c->in[t];
	int ret;

	if (is_subprog_ref(in) || (in->code == (BPF_JMP | BPF_CALL))) {
		ret = push(c, d, t, t + (is_ldimm64(in) ? 2 : 1), FALLTHROUGH, 2);
		if (ret || !is_subprog_ref(in))
			return ret;
		return push(c, d, t, (int64_t)t + in->imm + 1, BRANCH, is_ldimm64(in));
	}
	if (!is_jmp(in->code))
		return push(c, d, t, t + (is_ldimm64(in) ? 2 : 1), FALLTHROUGH, 2);
	if (BPF_OP(in->code) == BPF_EXIT)
		return DONE;
	if (BPF_OP(in->code) == BPF_JA)
		return push(c, d, t, target(in, t), FALLTHROUGH, 1);
	ret = push(c, d, t, t + 1, FALLTHROUGH, 1);
	if (ret)
		return ret;
	return push(c, d, t, target(in, t), BRANCH, 1);
}

static int cfg(struct ctx *c)
{
	struct dfs d = { calloc(c->cnt, 1), malloc(c->cnt * sizeof(uint32_t)), 1 };
	uint32_t i, run = 0;

	if (!d.state || !d.stack) {
		free(d.state);
		free(d.stack);
		return -ENOMEM;
	}
	d.state[0] = DISCOVERED;
	d.stack[0] = 0;
	while (d.sp) {
		uint32_t t = d.stack[d.sp - 1];

		if (visit(c, &d, t) == DONE) {
			d.state[t] = EXPLORED;
			d.sp--;
		}
	}
	for (i = 0; i < c->cnt; i++) {
		if (c->r->mark[i] & MB_CHECK_IMM_HI)
			continue;
		if (d.state[i] != EXPLORED) {
			if (!run++)
				add(c, i, 1, "unreachable insn %u", i);
			continue;
		}
		run = 0;
		c->r->mark[i] |= MB_CHECK_REACHED;
		if (is_ldimm64(&c->in[i]) && i + 1 < c->cnt) {
			if (d.state[i + 1])
				add(c, i, 1, "jump into the middle of ldimm64 insn %u", i);
			c->r->mark[i + 1] |= MB_CHECK_REACHED;
		}
	}
	free(d.state);
	free(d.stack);
	return 0;
}

/* ---- dataflow ------------------------------------------------------------
 * Per basic block, what may hold on entry over every path from the
 * subprogram's entry: for each register whether it is uninitialized on every
 * path (U), a known constant (C), the frame pointer plus a constant (F),
 * initialized but unknown (X), or maybe uninitialized (M); which stack bytes
 * may have been written. Conditions between constants prune the edge the
 * kernel would never take. An error needs "on every path", so it holds. */
enum { BOT, U, C, F, X, M };
struct reg { uint8_t k; int64_t v; };
struct state {
	struct reg r[11];
	uint64_t stk[MAX_STACK / 64];
	uint8_t stk_all;         /* a stack pointer escaped: any byte may be written */
	uint8_t live;
};

struct flow {
	struct ctx *c;
	uint32_t nblk, *blk_start, *blk_of;
	struct state *in;
	uint32_t *queue, qh, qn;
	uint8_t *queued;
	/* the graph the kernel can walk: per block two successors (-1: none)
	 * and whether the program may end in it; blocks every path runs */
	int64_t (*succ)[2];
	uint8_t *ends, *cert;
	uint32_t *pred_off, *pred;    /* predecessors, by block */
	uint8_t *sub_ends;            /* by function: may end the program */
};

static int join_reg(struct reg *a, const struct reg *b, uint8_t *escape)
{
	struct reg o = *a;

	if (a->k == b->k && a->v == b->v)
		return 0;
	if (a->k == M || b->k == M || a->k == U || b->k == U)
		a->k = M;
	else
		a->k = X;
	a->v = 0;
	if (o.k == F || b->k == F)
		*escape = 1;
	return a->k != o.k || a->v != o.v;
}

static int join(struct state *a, const struct state *b)
{
	int ch = 0;
	uint8_t esc = 0;

	if (!a->live) {
		*a = *b;
		return 1;
	}
	for (int i = 0; i < 11; i++)
		ch |= join_reg(&a->r[i], &b->r[i], &esc);
	for (int i = 0; i < MAX_STACK / 64; i++) {
		ch |= (a->stk[i] | b->stk[i]) != a->stk[i];
		a->stk[i] |= b->stk[i];
	}
	esc |= b->stk_all;
	ch |= esc && !a->stk_all;
	a->stk_all |= esc;
	return ch;
}

static void rd(struct flow *fl, struct state *s, uint32_t i, unsigned reg, int rep)
{
	if (rep && reg <= 10 && s->r[reg].k == U)
		add(fl->c, i, rep == 2, "R%u !read_ok", reg);
}

static void wr(struct state *s, unsigned reg, int k, int64_t v)
{
	if (reg >= 10)
		return;      /* r10 writes are decode errors; keep the frame pointer */
	s->r[reg].k = (uint8_t)k;
	s->r[reg].v = v;
}

/* A stack access at fp + a, size bytes. */
static void stack_access(struct flow *fl, struct state *s, uint32_t i, int64_t a, int size,
			 int write, int rep)
{
	struct mb_check_report *r = fl->c->r;
	uint32_t sub = sub_of(r, i);

	if (a < -MAX_STACK || a + size > 0) {
		if (rep)
			add(fl->c, i, rep == 2, "invalid %s stack off=%lld size=%d",
			    write ? "write to" : "read from", (long long)a, size);
		return;
	}
	if (rep == 2 && (uint32_t)-a > r->sub_stack[sub])
		r->sub_stack[sub] = (uint32_t)-a;     /* the kernel's stack_depth: what it runs */
	for (int b = 0; b < size; b++) {
		uint32_t bit = (uint32_t)(a + MAX_STACK + b);

		if (write) {
			s->stk[bit / 64] |= 1ull << (bit % 64);
		} else if (!s->stk_all && !(s->stk[bit / 64] & (1ull << (bit % 64)))) {
			if (rep)
				add(fl->c, i, rep == 2 && (fl->c->flags & MB_CHECK_STRICT),
				    "invalid read from stack off %lld+%d size %d", (long long)a, b, size);
			return;
		}
	}
}

static int64_t alu(unsigned op, int64_t a, int64_t b, int is64, int *ok)
{
	uint64_t x = (uint64_t)a, y = (uint64_t)b, v;

	*ok = 1;
	switch (op) {
	case BPF_ADD: v = x + y; break;
	case BPF_SUB: v = x - y; break;
	case BPF_MUL: v = x * y; break;
	case BPF_AND: v = x & y; break;
	case BPF_OR:  v = x | y; break;
	case BPF_XOR: v = x ^ y; break;
	case BPF_LSH: v = y < (is64 ? 64u : 32u) ? x << y : 0; break;
	case BPF_RSH: v = is64 ? (y < 64 ? x >> y : 0) : (y < 32 ? (uint32_t)x >> y : 0); break;
	case BPF_NEG: v = -x; break;
	case BPF_MOV: v = y; break;
	default: *ok = 0; v = 0;
	}
	return is64 ? (int64_t)v : (int64_t)(uint32_t)v;
}

static void step_alu(struct flow *fl, struct state *s, uint32_t i, const struct bpf_insn *in, int rep)
{
	unsigned op = BPF_OP(in->code), d = in->dst_reg;
	unsigned x = BPF_SRC(in->code) == BPF_X && op != BPF_END;   /* END's bit: to_be */
	int is64 = BPF_CLASS(in->code) == BPF_ALU64, ok = 0;
	struct reg src = { C, is64 ? (int64_t)in->imm : (int64_t)(uint32_t)in->imm }, dst;

	if (d > 10 || (x && in->src_reg > 10))
		return;
	if (x) {
		rd(fl, s, i, in->src_reg, rep);
		src = s->r[in->src_reg];
	}
	if (op != BPF_MOV)
		rd(fl, s, i, d, rep);
	dst = s->r[d];
	if (op == BPF_MOV && !in->off && (is64 || src.k == C)) {
		if (src.k == U || src.k == M)
			src.k = M;     /* reading it was reported; a copy is not */
		wr(s, d, src.k, src.k == C && !is64 ? (int64_t)(uint32_t)src.v : src.v);
		return;
	}
	if (dst.k == F && is64 && src.k == C && (op == BPF_ADD || op == BPF_SUB) && !in->off) {
		wr(s, d, F, op == BPF_ADD ? dst.v + src.v : dst.v - src.v);
		return;
	}
	if (op == BPF_NEG || op == BPF_END)
		src = dst;
	if (dst.k == C && src.k == C && !in->off && op != BPF_END) {
		int64_t v = alu(op, dst.v, src.v, is64, &ok);

		if (ok) {
			wr(s, d, C, v);
			return;
		}
	}
	if (dst.k == F || src.k == F)
		s->stk_all = 1;
	wr(s, d, X, 0);
}

static void step_call(struct state *s)
{
	for (int r = 1; r <= 5; r++)
		if (s->r[r].k == F)
			s->stk_all = 1;     /* the callee may write through it */
	s->r[0].k = X;
	for (int r = 1; r <= 5; r++)
		s->r[r].k = U;
}

static int size_of(unsigned code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	default: return 8;
	}
}

/* One instruction's effect; rep: report findings (the last pass). */
static void step(struct flow *fl, struct state *s, uint32_t i, int rep)
{
	const struct bpf_insn *in = &fl->c->in[i];
	unsigned cls = BPF_CLASS(in->code), d = in->dst_reg, sr = in->src_reg;
	int size = size_of(in->code);

	if (d > 10 || sr > 10)
		return;      /* a decode error; nothing sure follows (bad opcodes stop earlier) */
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		step_alu(fl, s, i, in, rep);
		break;
	case BPF_LDX:
		rd(fl, s, i, sr, rep);
		if (s->r[sr].k == F)
			stack_access(fl, s, i, s->r[sr].v + in->off, size, 0, rep);
		wr(s, d, X, 0);
		break;
	case BPF_ST:
	case BPF_STX:
		rd(fl, s, i, d, rep);
		if (cls == BPF_STX && in->imm != LOAD_ACQ)
			rd(fl, s, i, sr, rep);
		if (cls == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC) {
			if (in->imm == LOAD_ACQ) {
				rd(fl, s, i, sr, rep);
				if (s->r[sr].k == F)
					stack_access(fl, s, i, s->r[sr].v + in->off, size, 0, rep);
				wr(s, d, X, 0);
				break;
			}
			if (in->imm == BPF_CMPXCHG) {
				rd(fl, s, i, 0, rep);
				wr(s, 0, X, 0);
			} else if (in->imm & BPF_FETCH) {
				wr(s, sr, X, 0);
			}
		}
		if (cls == BPF_STX && s->r[sr].k == F)
			s->stk_all = 1;     /* a stack pointer stored: it can come back */
		if (s->r[d].k == F)
			stack_access(fl, s, i, s->r[d].v + in->off, size, 1, rep);
		break;
	case BPF_LD:
		if (is_ldimm64(in)) {
			if (i + 1 < fl->c->cnt)
				wr(s, d, in->src_reg ? X : C,
				   (int64_t)((uint64_t)(uint32_t)in[1].imm << 32 | (uint32_t)in->imm));
			break;
		}
		if (BPF_MODE(in->code) != BPF_ABS && BPF_MODE(in->code) != BPF_IND)
			break;       /* the second half of ld_imm64 */
		rd(fl, s, i, 6, rep);
		if (BPF_MODE(in->code) == BPF_IND)
			rd(fl, s, i, sr, rep);
		step_call(s);
		break;
	default:
		if (BPF_OP(in->code) == BPF_CALL) {
			step_call(s);
		} else if (BPF_OP(in->code) == BPF_EXIT) {
			/* only the program's own exit: a subprogram may return
			 * nothing (clang drops unused results), LSM and struct_ops
			 * hooks may be void */
			if (!(fl->c->flags & MB_CHECK_VOID) && !sub_of(fl->c->r, i))
				rd(fl, s, i, 0, rep);
		} else if (BPF_OP(in->code) != BPF_JA && BPF_OP(in->code) != BPF_JCOND) {
			rd(fl, s, i, d, rep);
			if (BPF_SRC(in->code) == BPF_X)
				rd(fl, s, i, sr, rep);
		}
	}
}

/* 1 taken, 0 not taken, -1 unknown. */
static int cond(const struct state *s, const struct bpf_insn *in)
{
	const struct reg *a;
	struct reg b = { C, in->imm };
	int j32 = BPF_CLASS(in->code) == BPF_JMP32;
	uint64_t x, y;
	int64_t sx, sy;

	if (in->dst_reg > 10 || in->src_reg > 10 || BPF_OP(in->code) == BPF_JCOND)
		return -1;      /* checked before any r[] index: a decode error reaches here */
	a = &s->r[in->dst_reg];
	if (BPF_SRC(in->code) == BPF_X)
		b = s->r[in->src_reg];
	if (a->k != C || b.k != C)
		return -1;
	x = (uint64_t)a->v, y = (uint64_t)b.v;
	if (j32) {
		x = (uint32_t)x, y = (uint32_t)y;
		sx = (int32_t)x, sy = (int32_t)y;
	} else {
		sx = (int64_t)x, sy = (int64_t)y;
	}
	switch (BPF_OP(in->code)) {
	case BPF_JEQ:  return x == y;
	case BPF_JNE:  return x != y;
	case BPF_JGT:  return x > y;
	case BPF_JGE:  return x >= y;
	case BPF_JLT:  return x < y;
	case BPF_JLE:  return x <= y;
	case BPF_JSET: return (x & y) != 0;
	case BPF_JSGT: return sx > sy;
	case BPF_JSGE: return sx >= sy;
	case BPF_JSLT: return sx < sy;
	case BPF_JSLE: return sx <= sy;
	}
	return -1;
}

static void flow_edge(struct flow *fl, const struct state *s, uint32_t to)
{
	uint32_t b = fl->blk_of[to];

	if (join(&fl->in[b], s) && !fl->queued[b]) {
		fl->queued[b] = 1;
		fl->queue[(fl->qh + fl->qn++) % fl->nblk] = b;
	}
}

/* Run block b from its entry state. mode 0: propagate to its successors and
 * record them (fl->succ, fl->ends: the last run of a block is from its final
 * entry state, since a change requeues it); 2: report findings. */
static void run_block(struct flow *fl, uint32_t b, int mode)
{
	struct state s = fl->in[b];
	uint32_t end = b + 1 < fl->nblk ? fl->blk_start[b + 1] : fl->c->cnt, i, last = 0;
	int64_t to[2] = { -1, -1 };

	for (i = fl->blk_start[b]; i < end; i += is_ldimm64(&fl->c->in[i]) ? 2 : 1) {
		step(fl, &s, i, mode == 2 ? 1 + fl->cert[b] : 0);
		last = i;
	}
	if (mode == 2)
		return;
	const struct bpf_insn *in = &fl->c->in[last];
	uint32_t sub = sub_of(fl->c->r, last);

	fl->ends[b] = in->code == (BPF_JMP | BPF_EXIT) || (may_end(in) &&
		(in->src_reg != PSEUDO_CALL || fl->sub_ends[sub_of(fl->c->r, (uint32_t)((int64_t)last + in->imm + 1))]));
	if (in->code == (BPF_JMP | BPF_EXIT))
		;
	else if (!is_branch(in))
		to[0] = i;
	else if (BPF_OP(in->code) == BPF_JA)
		to[0] = target(in, last);
	else {
		int t = cond(&s, in);

		to[0] = t != 0 ? target(in, last) : -1;
		to[1] = t != 1 ? (int64_t)last + 1 : -1;
	}
	for (int k = 0; k < 2; k++) {
		if (to[k] < fl->c->r->sub_start[sub] || to[k] >= fl->c->r->sub_start[sub + 1] ||
		    fl->blk_start[fl->blk_of[to[k]]] != to[k])
			to[k] = -1;     /* out of the function, into ld_imm64: reported */
		else if (mode == 0)
			flow_edge(fl, &s, (uint32_t)to[k]);
		fl->succ[b][k] = to[k] < 0 ? -1 : (int64_t)fl->blk_of[to[k]];
	}
}

/* The blocks of one function that every path from its entry to its end
 * runs: the dominators of a virtual end node (Cooper, Harvey, Kennedy),
 * over the edges the constants leave. */
static int certain(struct flow *fl, uint32_t entry)
{
	uint32_t n = fl->nblk, endn = n, *po = malloc((n + 1) * sizeof(uint32_t));
	uint32_t *order = malloc((n + 1) * sizeof(uint32_t)), *stack = malloc((n + 1) * 2 * sizeof(uint32_t));
	uint32_t *idom = malloc((n + 1) * sizeof(uint32_t)), cnt = 0, sp = 0, none = UINT32_MAX;
	int changed = 1, ret = -ENOMEM;

	if (!po || !order || !stack || !idom)
		goto out;
	for (uint32_t k = 0; k <= n; k++)
		po[k] = idom[k] = none;
	/* postorder numbers by an iterative DFS; stack: (node, next edge) */
	stack[sp++] = entry, stack[sp++] = 0, po[entry] = n + 1;
	while (sp) {
		uint32_t v = stack[sp - 2], e = stack[sp - 1], w = none;

		if (v != endn && e < 3) {
			stack[sp - 1]++;
			w = e < 2 ? (fl->succ[v][e] < 0 ? none : (uint32_t)fl->succ[v][e])
				  : (fl->ends[v] ? endn : none);
			if (w != none && po[w] == none) {
				po[w] = n + 1;
				stack[sp++] = w, stack[sp++] = 0;
			}
			continue;
		}
		order[cnt] = v;
		po[v] = cnt++;
		sp -= 2;
	}
	ret = 0;
	if (po[endn] == none)
		goto out;       /* no way out: the kernel refuses it anyway */
	idom[entry] = entry;
	while (changed) {
		changed = 0;
		for (uint32_t k = cnt; k-- > 0;) {      /* reverse postorder */
			uint32_t v = order[k], nd = none;

			if (v == entry)
				continue;
			/* predecessors in this walk: of the end, the blocks that may end */
			uint32_t q = v == endn ? 0 : fl->pred_off[v], qe = v == endn ? cnt : fl->pred_off[v + 1];

			for (; q < qe; q++) {
				uint32_t p = v == endn ? order[q] : fl->pred[q], a, c;

				if (p == endn || po[p] == none || idom[p] == none || (v == endn && !fl->ends[p]))
					continue;
				if (nd == none) {
					nd = p;
					continue;
				}
				for (a = p, c = nd; a != c;) {
					while (po[a] < po[c])
						a = idom[a];
					while (po[c] < po[a])
						c = idom[c];
				}
				nd = a;
			}
			if (nd != none && idom[v] != nd)
				idom[v] = nd, changed = 1;
		}
	}
	for (uint32_t v = idom[endn]; v != none; v = v == entry ? none : idom[v])
		fl->cert[v] = 1;
out:
	free(po);
	free(order);
	free(stack);
	free(idom);
	return ret;
}

static int dataflow(struct ctx *c)
{
	struct mb_check_report *r = c->r;
	struct flow fl = { .c = c };
	uint32_t i, b;
	int ret = -ENOMEM;

	for (i = 0; i < c->cnt; i++)
		fl.nblk += !!(r->mark[i] & MB_CHECK_LEADER);
	fl.blk_start = malloc(fl.nblk * sizeof(uint32_t));
	fl.blk_of = malloc(c->cnt * sizeof(uint32_t));
	fl.in = calloc(fl.nblk, sizeof(struct state));
	fl.queue = malloc(fl.nblk * sizeof(uint32_t));
	fl.queued = calloc(fl.nblk, 1);
	fl.succ = malloc(fl.nblk * sizeof(*fl.succ));
	for (b = 0; fl.succ && b < fl.nblk; b++)
		fl.succ[b][0] = fl.succ[b][1] = -1;
	fl.ends = calloc(fl.nblk, 1);
	fl.cert = calloc(fl.nblk, 1);
	fl.pred_off = calloc(fl.nblk + 1, sizeof(uint32_t));
	fl.pred = malloc(2 * fl.nblk * sizeof(uint32_t) + 1);
	fl.sub_ends = calloc(r->nsub, 1);
	if (!fl.blk_start || !fl.blk_of || !fl.in || !fl.queue || !fl.queued || !fl.succ ||
	    !fl.ends || !fl.cert || !fl.pred_off || !fl.pred || !fl.sub_ends)
		goto out;
	for (i = 0, b = 0; i < c->cnt; i++) {
		if (r->mark[i] & MB_CHECK_LEADER)
			fl.blk_start[b++] = i;
		fl.blk_of[i] = b - 1;
	}
	for (uint32_t k = 0; k < r->nsub; k++) {
		uint32_t at = r->sub_start[k];
		struct state s = { .live = 1 };

		if (!(r->mark[at] & MB_CHECK_REACHED))
			continue;
		for (int g = 0; g < 11; g++)
			s.r[g].k = U;
		s.r[10].k = F;
		for (int g = 1; g <= (k ? 5 : 1); g++)
			s.r[g].k = k ? M : X;   /* ctx; a subprogram's arguments */
		b = fl.blk_of[at];
		fl.in[b] = s;
		fl.queued[b] = 1;
		fl.queue[(fl.qh + fl.qn++) % fl.nblk] = b;
	}
	/* a function may end the program if it, or one it calls, may */
	for (int more = 1; more;) {
		more = 0;
		for (i = 0; i < c->cnt; i++) {
			const struct bpf_insn *in = &c->in[i];
			uint32_t k = sub_of(r, i);

			if (fl.sub_ends[k] || !may_end(in) || (r->mark[i] & MB_CHECK_IMM_HI))
				continue;
			if (in->src_reg != PSEUDO_CALL || fl.sub_ends[sub_of(r, (uint32_t)((int64_t)i + in->imm + 1))])
				fl.sub_ends[k] = more = 1;
		}
	}
	while (fl.qn) {
		b = fl.queue[fl.qh];
		fl.qh = (fl.qh + 1) % fl.nblk;
		fl.qn--;
		fl.queued[b] = 0;
		run_block(&fl, b, 0);
	}
	for (b = 0; b < fl.nblk; b++) {
		for (int k = 0; k < 2; k++)
			if (fl.succ[b][k] >= 0)
				fl.pred_off[fl.succ[b][k] + 1]++;
	}
	for (b = 0; b < fl.nblk; b++)
		fl.pred_off[b + 1] += fl.pred_off[b];
	memcpy(fl.queue, fl.pred_off, fl.nblk * sizeof(uint32_t));     /* fill cursors */
	for (b = 0; b < fl.nblk; b++)
		for (int k = 0; k < 2; k++)
			if (fl.succ[b][k] >= 0)
				fl.pred[fl.queue[fl.succ[b][k]]++] = b;
	/* what every path runs: the program's own code, then the functions
	 * it surely calls (fl.queued: function done) */
	memset(fl.queued, 0, fl.nblk);
	if (fl.in[0].live && (ret = certain(&fl, 0)))
		goto out;
	fl.queued[0] = 1;
	for (int more = 1; more;) {
		more = 0;
		for (b = 0; b < fl.nblk; b++) {
			uint32_t e = b + 1 < fl.nblk ? fl.blk_start[b + 1] : c->cnt, t;

			for (i = fl.blk_start[b]; fl.cert[b] && i < e; i++) {
				const struct bpf_insn *in = &c->in[i];

				if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg != PSEUDO_CALL ||
				    (int64_t)i + in->imm + 1 < 0 || (int64_t)i + in->imm + 1 >= c->cnt)
					continue;
				t = fl.blk_of[i + in->imm + 1];
				if (!fl.queued[t] && fl.in[t].live) {
					fl.queued[t] = more = 1;
					if ((ret = certain(&fl, t)))
						goto out;
				}
			}
		}
	}
	for (b = 0; b < fl.nblk; b++)
		if (fl.in[b].live)
			run_block(&fl, b, 2);
	/* the kernel's simulation-time errors: errors where every path runs */
	for (i = 0; i < r->n; i++) {
		struct mb_check_finding *f = &r->f[i];

		if (f->error == SIM && !(fl.in[fl.blk_of[f->insn]].live && fl.cert[fl.blk_of[f->insn]]))
			f->error = 0, r->errors--;
	}
	ret = 0;
out:
	free(fl.succ);
	free(fl.ends);
	free(fl.cert);
	free(fl.pred_off);
	free(fl.pred);
	free(fl.sub_ends);
	free(fl.blk_start);
	free(fl.blk_of);
	free(fl.in);
	free(fl.queue);
	free(fl.queued);
	return ret;
}

/* check_max_stack_depth over bpf-to-bpf calls (callbacks left out: an async
 * one adds no frame, so counting them could refuse a good program). Per
 * subprogram, the deepest chain below it: frames and rounded stack. */
static void depth(struct ctx *c, uint32_t k, uint32_t *frames, uint32_t *stack, uint8_t *seen)
{
	struct mb_check_report *r = c->r;
	uint32_t f = 0, st = 0;

	seen[k] = 1;       /* on the path: recursion is a back-edge, reported */
	for (uint32_t i = r->sub_start[k]; i < r->sub_start[k + 1]; i++) {
		const struct bpf_insn *in = &c->in[i];
		uint32_t t;

		if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg != PSEUDO_CALL ||
		    !(r->mark[i] & MB_CHECK_REACHED) || (int64_t)i + in->imm + 1 < 0 ||
		    (int64_t)i + in->imm + 1 >= c->cnt)
			continue;
		t = sub_of(r, (uint32_t)((int64_t)i + in->imm + 1));
		if (seen[t] == 1)
			continue;
		if (!seen[t])
			depth(c, t, frames, stack, seen);
		if (frames[t] > f)
			f = frames[t];
		if (stack[t] > st)
			st = stack[t];
	}
	frames[k] = f + 1;
	stack[k] = st + ((r->sub_stack[k] ? r->sub_stack[k] : 1) + 31) / 32 * 32;
	seen[k] = 2;
}

static int frames_and_stack(struct ctx *c)
{
	uint32_t n = c->r->nsub, *frames = calloc(n, sizeof(uint32_t)), *stack = calloc(n, sizeof(uint32_t));
	uint8_t *seen = calloc(n, 1);
	int ret = -ENOMEM;

	if (frames && stack && seen) {
		depth(c, 0, frames, stack, seen);
		if (frames[0] > MAX_FRAMES)
			add(c, 0, 1, "the call stack of %u frames is too deep (at most %d)", frames[0],
			    MAX_FRAMES);
		if (stack[0] > MAX_STACK)
			add(c, 0, !(c->flags & MB_CHECK_PRIV_STACK) || (c->flags & MB_CHECK_STRICT),
			    "combined stack size of calls is %u. Too large%s", stack[0],
			    c->flags & MB_CHECK_PRIV_STACK ? " (before 6.13; a private stack since)" : "");
		ret = 0;
	}
	free(frames);
	free(stack);
	free(seen);
	return ret;
}

int mb_check_insns(const struct bpf_insn *insns, uint32_t cnt, unsigned flags,
		   struct mb_check_report *r)
{
	struct ctx c = { insns, cnt, flags, r, 0 };
	uint32_t limit_errors;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	r->cnt = cnt;
	if (!cnt) {
		add(&c, 0, 1, "empty program");
		return c.oom ? -ENOMEM : 1;
	}
	if (cnt > LIMIT)
		add(&c, 0, 1, "%u insns: over the limit of %d", cnt, LIMIT);
	else if (cnt > LIMIT_UNPRIV)
		add(&c, 0, !!(flags & MB_CHECK_STRICT),
		    "%u insns: over %d, the limit of unprivileged loaders and kernels before 5.2",
		    cnt, LIMIT_UNPRIV);
	limit_errors = c.hard;
	r->mark = calloc(cnt, 1);
	if (!r->mark)
		return -ENOMEM;
	decode(&c);
	ret = subprogs(&c);
	if (!ret)
		ret = cfg(&c);
	/* Dataflow and frames only over a sound graph: with a bad jump or call
	 * the kernel stops earlier, and so do the later rules. */
	if (!ret && c.hard == limit_errors)
		ret = dataflow(&c);
	if (!ret && c.hard == limit_errors && r->nsub <= MAX_SUBPROGS)
		ret = frames_and_stack(&c);
	for (uint32_t i = 0; i < r->n; i++)
		r->f[i].error = !!r->f[i].error;
	if (!ret && c.oom)
		ret = -ENOMEM;
	return ret < 0 ? ret : (int)r->errors;
}

void mb_check_report_free(struct mb_check_report *r)
{
	free(r->f);
	free(r->mark);
	free(r->sub_start);
	free(r->sub_stack);
	memset(r, 0, sizeof(*r));
}

unsigned mb_check_type_flags(uint32_t type, uint32_t attach_type)
{
	switch (type) {
	case BPF_PROG_TYPE_LSM:
	case BPF_PROG_TYPE_STRUCT_OPS:
		return MB_CHECK_VOID;
	case BPF_PROG_TYPE_TRACING:
		return attach_type == BPF_TRACE_ITER ? 0 : MB_CHECK_PRIV_STACK;
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_PERF_EVENT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
		return MB_CHECK_PRIV_STACK;
	}
	return 0;
}

int mb_check_prog(const struct mb_elf_object *obj, uint32_t pi, unsigned flags,
		  struct mb_elf_linked *l, struct mb_check_report *r, char *err, size_t errlen)
{
	uint32_t type = pi < obj->nprogs ? obj->progs[pi].sec.prog_type : 0;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = mb_elf_prog_link(obj, pi, l, err, errlen);
	if (ret)
		return ret;
	for (uint32_t k = 0; k < l->npatches; k++) {
		struct bpf_insn *in = &l->insns[l->patches[k].insn];

		if (l->patches[k].insn + 1 >= l->insn_cnt || (!is_ldimm64(in) &&
		    in->code != (BPF_JMP | BPF_CALL)))
			continue;      /* a relocation on something else: decoding says so */
		if (l->patches[k].kind == MB_PATCH_EXTERN)
			in->src_reg = in->code == (BPF_JMP | BPF_CALL) ? PSEUDO_KFUNC : BPF_PSEUDO_BTF_ID;
		else if (l->patches[k].kind == MB_PATCH_MAP_FD)
			in->src_reg = 5, in->imm = (int32_t)l->patches[k].index;   /* MAP_IDX */
		else
			in->src_reg = 6, in->imm = (int32_t)l->patches[k].index,   /* MAP_IDX_VALUE */
			in[1].imm = (int32_t)l->patches[k].offset;
	}
	flags |= mb_check_type_flags(type, pi < obj->nprogs ? obj->progs[pi].sec.expected_attach_type : 0);
	ret = mb_check_insns(l->insns, l->insn_cnt, flags, r);
	if (ret < 0) {
		snprintf(err, errlen, "prog '%s': %s", obj->progs[pi].name, strerror(-ret));
		mb_check_report_free(r);
		mb_elf_linked_free(l);
	}
	return ret;
}
