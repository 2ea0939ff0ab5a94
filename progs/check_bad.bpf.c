// check fixture (tests/test_check.c): one program per defect the verifier
// refuses before it simulates anything, hand-assembled (naked functions, raw
// instructions where the assembler would refuse them), built in both byte
// orders. Each program's kernel message and `minibpf check` finding are
// listed in the test. Not loadable as a whole: the test loads one at a time.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* One raw instruction; .short/.long follow the target's byte order, the
 * register nibbles are swapped in big-endian BPF. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define RAW(code, dst, src, off, imm) \
	".byte " #code ", (" #src " << 4) | " #dst "; .short " #off "; .long " #imm ";"
#else
#define RAW(code, dst, src, off, imm) \
	".byte " #code ", (" #dst " << 4) | " #src "; .short " #off "; .long " #imm ";"
#endif
#define NAKED(name) SEC("socket") __attribute__((naked)) int name(void)

/* the 6.1 DFS finds the edge 2 -> 3 on a plain fall-through */
NAKED(back_edge_fallthrough)
{
	asm volatile ("r0 = 0;"
		      "goto l1_%=;"
		      "l0_%=: r0 += 1;"
		      "l1_%=: r1 = r0;"
		      "if r0 < 10 goto l0_%=;"
		      "exit;" ::: "memory");
}

/* a bounded loop: privileged loaders accept it (5.3); --strict does not */
NAKED(bounded_loop)
{
	asm volatile ("r0 = 0;"
		      "l0_%=: r0 += 1;"
		      "if r0 < 10 goto l0_%=;"
		      "exit;" ::: "memory");
}

NAKED(unreachable)
{
	asm volatile ("r0 = 0; exit; r0 = 1; exit;" ::: "memory");
}

NAKED(jump_out_of_range)
{
	asm volatile ("r0 = 0;" RAW(0x05, 0, 0, 5, 0) "exit;" ::: "memory");
}

NAKED(jump_into_ldimm64)
{
	asm volatile (RAW(0x15, 1, 0, 1, 0)     /* if r1 == 0 goto +1: the second half */
		      "r0 = 0x100000000 ll;"
		      "exit;" ::: "memory");
}

NAKED(fall_off_end)
{
	asm volatile ("r0 = 0;" ::: "memory");
}

NAKED(div_by_zero)
{
	asm volatile ("r0 = 1; r0 /= 0; exit;" ::: "memory");
}

NAKED(write_r10)
{
	asm volatile ("r10 = 0; r0 = 0; exit;" ::: "memory");
}

NAKED(unknown_opcode)
{
	asm volatile (RAW(0xff, 0, 0, 0, 0) "r0 = 0; exit;" ::: "memory");
}

NAKED(exit_reserved)
{
	asm volatile ("r0 = 0;" RAW(0x95, 0, 0, 0, 1) ::: "memory");
}

NAKED(ldimm64_half)
{
	asm volatile (RAW(0x18, 0, 0, 0, 1) RAW(0xb7, 0, 0, 0, 0) "exit;" ::: "memory");
}

NAKED(bad_register)
{
	asm volatile (RAW(0xb7, 11, 0, 0, 0) "r0 = 0; exit;" ::: "memory");
}

NAKED(uninit_reg)
{
	asm volatile ("r0 = r5; exit;" ::: "memory");
}

NAKED(uninit_r0)
{
	asm volatile ("exit;" ::: "memory");
}

NAKED(r1_after_call)
{
	asm volatile ("call %[rand]; r0 = r1; exit;" :: [rand] "i"(BPF_FUNC_get_prandom_u32) : "memory");
}

NAKED(stack_out_of_frame)
{
	asm volatile ("r0 = 0; *(u64 *)(r10 + 8) = r0; exit;" ::: "memory");
}

NAKED(stack_below_frame)
{
	asm volatile ("r0 = 0; r1 = r10; r1 += -520; *(u64 *)(r1 + 0) = r0; exit;" ::: "memory");
}

/* privileged loaders may read uninitialized stack (6.x): a note */
NAKED(uninit_stack)
{
	asm volatile ("r0 = *(u64 *)(r10 - 8); r0 = 0; exit;" ::: "memory");
}

NAKED(bad_shift)
{
	asm volatile ("r0 = 1; r0 <<= 64; exit;" ::: "memory");
}

/* nine frames: the kernel allows eight */
#define LINK(n, m) static __noinline int f##n(int x) { return f##m(x + 1) + 1; }
static __noinline int f9(int x) { return x + (int)bpf_get_prandom_u32(); }
LINK(8, 9) LINK(7, 8) LINK(6, 7) LINK(5, 6) LINK(4, 5) LINK(3, 4) LINK(2, 3) LINK(1, 2)
SEC("socket") int too_deep(void *ctx)
{
	return f1(1) & 1;
}

/* 320 + 320 bytes of stack over two frames */
#define FILL(buf) _Pragma("unroll") for (int i = 0; i < 40; i++) buf[i] = i
static __noinline int big_frame(int x)
{
	volatile __u64 buf[40];

	FILL(buf);
	return buf[x & 31];
}
SEC("socket") int combined_stack(void *ctx)
{
	volatile __u64 buf[40];

	FILL(buf);
	return big_frame(buf[3]) + buf[39];
}

/* the same in a tracepoint program: kernels with private stacks (6.13, JIT)
 * allow 512 bytes per frame there */
SEC("tracepoint/syscalls/sys_enter_getppid") int combined_stack_tp(void *ctx)
{
	volatile __u64 buf[40];

	FILL(buf);
	return big_frame(buf[3]) + buf[39];
}

/* a function that calls itself (two calls: clang cannot make it a loop) */
static __noinline int recurse(int x)
{
	if (x <= 0)
		return (int)bpf_get_prandom_u32();
	return recurse(x - 1) * 3 + recurse(x - 2);
}
SEC("socket") int recursion(void *ctx)
{
	return recurse(3) & 1;
}

char LICENSE[] SEC("license") = "GPL";
