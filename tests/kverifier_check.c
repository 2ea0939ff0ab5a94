// minibpf check against the kernel's own verifier tests: the instruction
// arrays of tools/testing/selftests/bpf/verifier/*.c (linux-source-6.1, with
// the expected result and error string of each), which nobody here wrote.
// They are extracted at build time (tests/kverifier.mk), never committed:
// this file is compiled with test_verifier.c included, for its table and its
// fill helpers; its main() is renamed away.
//
// For every case the kernel accepts (privileged), check must find no error;
// for every case whose expected error is a structural one (a back-edge, an
// unreachable insn, a jump out of range, an opcode or reserved field, an
// ld_imm64 pair, falling off the end, r10 written, frames), check must find
// it. With --strict, no error where an unprivileged loader is accepted.
#include <linux/types.h>
typedef __u32 u32;
typedef __u64 u64;
#define main test_verifier_main
#include "test_verifier.c"
#undef main
#undef ARRAY_SIZE

#include "kselftest_harness.h"
#include "check/check.h"

/* Expected errors of the rules check implements: each must be found. The
 * dataflow ones ("!read_ok", stack, division) depend on what the kernel
 * tracks and are counted, not required. */
static const char *const structural[] = {
	"back-edge", "unreachable", "jump out of range", "last insn", "not an exit",
	"unknown opcode", "uses reserved fields", "invalid bpf_ld_imm64",
	"unrecognized bpf_ld_imm64", "middle of ldimm64", "frame pointer is read only",
	"is invalid", "invalid shift", "call stack of", "combined stack size",
	"call to invalid destination", "too many subprograms",
};
static const char *const flow[] = { "!read_ok", "div by zero", "invalid write to stack",
				     "invalid read from stack" };

static int matches(const char *err, const char *const *list, size_t n)
{
	for (size_t i = 0; err && *err && i < n; i++)
		if (strstr(err, list[i]))
			return 1;
	return 0;
}

struct run { const struct bpf_insn *insns; int len; };

/* An instruction 6.1 refuses that later kernels accept (the v4 ISA of 6.6:
 * bswap, sign-extending loads and moves, sdiv/smod; may_goto of 6.9;
 * 8/16-bit load-acquire of 6.15): check follows the later kernels. */
static int newer_isa(const struct run *r)
{
	for (int i = 0; i < r->len; i++) {
		const struct bpf_insn *in = &r->insns[i];
		unsigned cls = BPF_CLASS(in->code), op = BPF_OP(in->code);

		if (in->code == (BPF_ALU64 | BPF_END) || in->code == (BPF_JMP | 0xe0) ||
		    (cls == BPF_LDX && BPF_MODE(in->code) == 0x80) ||
		    (cls == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC && BPF_SIZE(in->code) < BPF_W) ||
		    ((cls == BPF_ALU || cls == BPF_ALU64) &&
		     (((op == BPF_DIV || op == BPF_MOD) && in->off == 1) ||
		      (op == BPF_MOV && (in->off == 8 || in->off == 16 || in->off == 32)))))
			return 1;
	}
	return 0;
}

static struct run prepare(struct bpf_test *t)
{
	struct run r = { t->insns, 0 };

	if (t->fill_helper) {
		t->fill_insns = calloc(MAX_TEST_INSNS, sizeof(struct bpf_insn));
		t->fill_helper(t);
		r.insns = t->fill_insns;
		r.len = t->prog_len;
	} else {
		r.len = probe_filter_length(t->insns);
	}
	return r;
}

/* errors found; *hit: a finding (error or note) holding want */
static int check(const struct run *r, unsigned flags, const char *want, int *hit)
{
	struct mb_check_report rep;
	int ret = mb_check_insns(r->insns, (uint32_t)r->len, flags, &rep);

	*hit = 0;
	for (uint32_t i = 0; getenv("KV_DEBUG") && i < rep.n; i++)
		fprintf(stderr, "#   insn %u: %s: %s\n", rep.f[i].insn, rep.f[i].error ? "error" : "note",
			rep.f[i].msg);
	for (uint32_t i = 0; want && i < rep.n; i++) {
		/* the kernel's "!read_ok" names the register: R3 !read_ok */
		if (strstr(rep.f[i].msg, want) || (rep.f[i].error && strstr(want, "!read_ok") &&
						   strstr(rep.f[i].msg, "!read_ok")))
			*hit = 1;
	}
	mb_check_report_free(&rep);
	return ret;
}

TEST(kernel_verifier_cases)
{
	unsigned accepted = 0, false_errors = 0, structural_cases = 0, found = 0, same_msg = 0;
	unsigned flow_cases = 0, flow_found = 0, unpriv = 0, strict_false = 0, other = 0, newer = 0;

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		struct bpf_test *t = &tests[i];
		struct run r = prepare(t);
		unsigned flags = mb_check_type_flags(t->prog_type, t->expected_attach_type);
		int errs, hit, expect_unpriv;

		if (r.len <= 0)
			continue;
		errs = check(&r, flags, t->errstr, &hit);
		ASSERT_LE(0, errs);
		if (t->result == ACCEPT || t->result == VERBOSE_ACCEPT) {
			accepted++;
			if (errs) {
				false_errors++;
				TH_LOG("false error: #%zu %s", i, t->descr);
			}
		} else if (newer_isa(&r)) {
			newer++;
			TH_LOG("#%zu %s: refused by 6.1, valid in later kernels (check: %d errors)", i,
			       t->descr, errs);
		} else if (matches(t->errstr, structural, sizeof(structural) / sizeof(structural[0]))) {
			structural_cases++;
			if (errs || hit)     /* a back-edge is a note; hit says it was seen */
				found++;
			else
				TH_LOG("missed: #%zu %s: %s", i, t->descr, t->errstr);
			same_msg += hit;
		} else if (matches(t->errstr, flow, sizeof(flow) / sizeof(flow[0]))) {
			flow_cases++;
			flow_found += errs > 0;
		} else {
			other += errs > 0;
		}
		/* unprivileged: socket filters and cgroup skb, as test_verifier */
		expect_unpriv = t->result_unpriv != UNDEF ? t->result_unpriv : t->result;
		if ((!t->prog_type || t->prog_type == BPF_PROG_TYPE_CGROUP_SKB) &&
		    expect_unpriv == ACCEPT) {
			unpriv++;
			if (check(&r, flags | MB_CHECK_STRICT, NULL, &hit)) {
				strict_false++;
				TH_LOG("--strict false error: #%zu %s", i, t->descr);
			}
		}
		free(t->fill_insns);
		t->fill_insns = NULL;
	}
	TH_LOG("%zu cases from linux-source-6.1 verifier/*.c", sizeof(tests) / sizeof(tests[0]));
	TH_LOG("accepted: %u, check errors on %u", accepted, false_errors);
	TH_LOG("structural rejections: %u, check finds %u (%u with the kernel's message)",
	       structural_cases, found, same_msg);
	TH_LOG("dataflow rejections (!read_ok, stack, division): %u, check finds %u", flow_cases,
	       flow_found);
	TH_LOG("other rejections (types, bounds, helpers: the simulation's): check errors on %u", other);
	TH_LOG("accepted unprivileged: %u, --strict errors on %u", unpriv, strict_false);
	TH_LOG("refused by 6.1 for an instruction later kernels accept: %u", newer);
	EXPECT_EQ(0, false_errors);
	EXPECT_EQ(structural_cases, found);
	EXPECT_EQ(0, strict_false);
	EXPECT_GE(structural_cases, 40);
	EXPECT_GE(accepted, 500);
}

TEST_HARNESS_MAIN
