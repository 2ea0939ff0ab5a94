// minibpf check (check/check.c) against the kernel as the oracle:
//  - every defect in progs/check_bad.bpf.c is found, in both byte orders, and
//    the kernel refuses the same program with the corresponding message;
//  - every program check finds an error in, among the fixtures and Debian's
//    objects, the kernel refuses too (so nothing it accepts is refused here);
//  - hand-assembled arrays for what clang cannot emit, checked and loaded.
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "minibpf.h"
#include "check/check.h"
#include "elf/object.h"
#include "syscall/bpf_sys.h"
#include "lib_asm.h"

#define BAD MB_BUILD_DIR "/progs/check_bad"

static struct mb_elf_object *parse(const char *path)
{
	char err[256];
	struct mb_elf_object *o;
	FILE *f = fopen(path, "re");
	static char buf[1 << 20];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	o = mb_elf_object_parse(buf, n, path, err, sizeof(err));
	if (!o)
		fprintf(stderr, "%s: %s\n", path, err);
	return o;
}

/* The finding of program NAME whose message holds WANT: 1 error, 0 note,
 * -1 absent; errors: how many errors the program has. */
static int finding(const struct mb_elf_object *o, const char *name, unsigned flags,
		   const char *want, unsigned *errors)
{
	int pi = mb_elf_object_prog_find(o, name), ret = -1;
	struct mb_check_report r;
	struct mb_elf_linked l;
	char err[256];

	*errors = 0;
	if (pi < 0)
		return -2;
	if (mb_check_prog(o, (uint32_t)pi, flags, &l, &r, err, sizeof(err)) < 0) {
		*errors = 1;
		return strstr(err, want) ? 1 : -1;
	}
	for (uint32_t i = 0; i < r.n; i++)
		if (strstr(r.f[i].msg, want) && ret < 1)
			ret = r.f[i].error;
	*errors = r.errors;
	mb_check_report_free(&r);
	mb_elf_linked_free(&l);
	return ret;
}

/* Load only program NAME of PATH; 0 if the kernel accepts it, else -errno
 * with the message (the verifier's reason at its end) in msg. */
static int load_one(const char *path, const char *name, char *msg, size_t len)
{
	struct mb_object *obj = mb_object_open(path, NULL);
	int ret, n;

	if (!obj) {
		snprintf(msg, len, "%s", mb_last_error());
		return -errno;
	}
	n = mb_object_prog_count(obj);
	for (int i = 0; i < n; i++)
		mb_prog_set_autoload(mb_object_prog(obj, i),
				     !strcmp(mb_prog_name(mb_object_prog(obj, i)), name));
	ret = mb_object_load(obj);
	snprintf(msg, len, "%s", ret ? mb_last_error() : "");
	mb_object_close(obj);
	return ret;
}

/* 1 if msg holds one of the '|'-separated alternatives of want. */
static int says(const char *msg, const char *want)
{
	char alt[128];

	while (*want) {
		size_t n = strcspn(want, "|");

		snprintf(alt, sizeof(alt), "%.*s", (int)n, want);
		if (strstr(msg, alt))
			return 1;
		want += n + !!want[n];
	}
	return 0;
}

/* program, what check says, error (1) or note (0), what the kernel says
 * (NULL: the kernel, privileged, accepts it; '|' between the wording of
 * different kernel versions; a leading '?': a kernel may accept it, or
 * refuse it saying that). */
static const struct bad {
	const char *prog, *check;
	int error;
	const char *kernel;
} bad[] = {
	{ "back_edge_fallthrough", "back-edge from insn 2 to 3", 0, NULL },
	{ "bounded_loop", "back-edge from insn 2 to 1", 0, NULL },
	{ "unreachable", "unreachable insn 2", 1, "unreachable insn 2" },
	{ "jump_out_of_range", "jump out of range from insn 1 to 7", 1,
	  "jump out of range from insn 1 to 7" },
	{ "jump_into_ldimm64", "jump into the middle of ldimm64 insn 1", 1,
	  "jump into the middle of ldimm64 insn 1" },
	{ "fall_off_end", "last insn is not an exit or jmp", 1, "last insn is not an exit or jmp" },
	{ "div_by_zero", "div by zero", 1, "div by zero" },
	{ "write_r10", "frame pointer is read only", 1, "frame pointer is read only" },
	{ "unknown_opcode", "unknown opcode ff", 1, "unknown opcode ff" },
	{ "exit_reserved", "BPF_EXIT uses reserved fields", 1, "BPF_EXIT uses reserved fields" },
	{ "ldimm64_half", "invalid bpf_ld_imm64 insn", 1, "invalid bpf_ld_imm64 insn" },
	{ "bad_register", "R11 is invalid", 1, "R11 is invalid" },
	{ "uninit_reg", "R5 !read_ok", 1, "R5 !read_ok" },
	{ "uninit_r0", "R0 !read_ok", 1, "R0 !read_ok" },
	{ "r1_after_call", "R1 !read_ok", 1, "R1 !read_ok" },
	{ "stack_out_of_frame", "invalid write to stack off=8 size=8", 1,
	  "invalid write to stack R10 off=8 size=8" },
	{ "stack_below_frame", "invalid write to stack off=-520 size=8", 1,
	  "invalid write to stack R1 off=-520 size=8" },
	{ "uninit_stack", "invalid read from stack off -8+0 size 8", 0, NULL },
	{ "bad_shift", "invalid shift 64", 1, "invalid shift 64" },
	{ "too_deep", "frames is too deep", 1, "frames is too deep" },
	{ "combined_stack", "combined stack size of calls is 640. Too large", 1,
	  "combined stack size of 2 calls is 640. Too large" },
	/* tracing types have a private stack since 6.13 (with a JIT that
	 * supports it): a note, which a kernel without one refuses */
	{ "combined_stack_tp", "combined stack size of calls is 640. Too large", 0,
	  "?combined stack size of 2 calls is 640. Too large" },
	/* 6.1 finds the cycle in its walk; later kernels follow the calls
	 * until the frames run out */
	{ "recursion", "(recursive call)", 1, "back-edge from insn|frames is too deep" },
};

/* Both byte orders: the same finding, an error exactly where the kernel
 * refuses. With --strict the loops and the uninitialized read are errors. */
TEST(defects_found_in_both_byte_orders)
{
	static const char *const paths[] = { BAD ".bpf.o", BAD ".bpfeb.o" };

	for (int k = 0; k < 2; k++) {
		struct mb_elf_object *o = parse(paths[k]);
		unsigned errors;

		ASSERT_NE(NULL, o) TH_LOG("%s (make progs)", paths[k]);
		EXPECT_EQ(k, o->big_endian);
		EXPECT_EQ(MB_ARRAY_SIZE(bad), o->nprogs);
		for (size_t i = 0; i < MB_ARRAY_SIZE(bad); i++) {
			EXPECT_EQ(bad[i].error, finding(o, bad[i].prog, 0, bad[i].check, &errors))
				TH_LOG("%s: %s: no %s '%s'", paths[k], bad[i].prog,
				       bad[i].error ? "error" : "note", bad[i].check);
			if (!bad[i].error) {
				EXPECT_EQ(0, errors) TH_LOG("%s: %s", paths[k], bad[i].prog);
				EXPECT_EQ(1, finding(o, bad[i].prog, MB_CHECK_STRICT, bad[i].check,
						     &errors)) TH_LOG("--strict %s", bad[i].prog);
			}
		}
		mb_elf_object_free(o);
	}
}

/* The kernel refuses each program check calls an error, with the same
 * reason, and accepts those it only notes. */
TEST(kernel_agrees_on_each_defect)
{
	char msg[8192];

	if (geteuid())
		SKIP(return, "needs root to load programs");
	for (size_t i = 0; i < MB_ARRAY_SIZE(bad); i++) {
		int ret = load_one(BAD ".bpf.o", bad[i].prog, msg, sizeof(msg));

		if (!bad[i].kernel) {
			EXPECT_EQ(0, ret) TH_LOG("%s: the kernel refuses it: %s", bad[i].prog, msg);
			continue;
		}
		if (bad[i].kernel[0] == '?') {
			if (ret)
				EXPECT_EQ(1, says(msg, bad[i].kernel + 1))
					TH_LOG("%s: want '%s', the kernel says: %s", bad[i].prog,
					       bad[i].kernel + 1, msg);
			continue;
		}
		EXPECT_NE(0, ret) TH_LOG("%s: the kernel accepts it", bad[i].prog);
		EXPECT_EQ(1, says(msg, bad[i].kernel))
			TH_LOG("%s: want '%s', the kernel says: %s", bad[i].prog, bad[i].kernel, msg);
	}
}
/* No false errors: over every fixture and every BPF object Debian ships,
 * each program check finds an error in is refused by the kernel too (loaded
 * alone); the big-endian twin of a fixture gets the same findings. */
TEST(kernel_refuses_every_program_check_refuses)
{
	static const char *const dirs[] = { MB_BUILD_DIR "/progs", "/usr/lib/x86_64-linux-gnu/bpf",
					    "/lib/udev/rc_keymaps/protocols" };
	unsigned objs = 0, progs = 0, refused = 0;
	char path[512], msg[8192];

	if (geteuid())
		SKIP(return, "needs root to load programs");
	for (int d = 0; d < 3; d++) {
		DIR *dp = opendir(dirs[d]);
		struct dirent *e;

		while (dp && (e = readdir(dp))) {
			size_t n = strlen(e->d_name);
			struct mb_elf_object *o, *eb;

			if (n < 3 || strcmp(e->d_name + n - 2, ".o") || strstr(e->d_name, ".bpfeb.o") ||
			    !strncmp(e->d_name, "check_bad.", 10))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[d], e->d_name);
			o = parse(path);
			ASSERT_NE(NULL, o) TH_LOG("%s", path);
			snprintf(path + strlen(path) - 6, 16, ".bpfeb.o");
			eb = d == 0 ? parse(path) : NULL;
			snprintf(path, sizeof(path), "%s/%s", dirs[d], e->d_name);
			objs++;
			for (uint32_t i = 0; i < o->nprogs; i++) {
				struct mb_check_report r, rb;
				struct mb_elf_linked l, lb;
				char err[256];
				int ret = mb_check_prog(o, i, 0, &l, &r, err, sizeof(err));

				progs++;
				if (eb) {
					int retb = mb_check_prog(eb, i, 0, &lb, &rb, err, sizeof(err));

					EXPECT_EQ(ret, retb) TH_LOG("%s: %s: big-endian differs", path,
								    o->progs[i].name);
					EXPECT_EQ(ret < 0 ? 0 : r.n, retb < 0 ? 0 : rb.n);
					if (retb >= 0) {
						mb_check_report_free(&rb);
						mb_elf_linked_free(&lb);
					}
				}
				if (ret >= 0) {
					for (uint32_t k = 0; k < r.n; k++)
						TH_LOG("%s: %s: insn %u: %s: %s", e->d_name, o->progs[i].name,
						       r.f[k].insn, r.f[k].error ? "error" : "note", r.f[k].msg);
					mb_check_report_free(&r);
					mb_elf_linked_free(&l);
				}
				if (!ret)
					continue;
				refused++;
				EXPECT_NE(0, load_one(path, o->progs[i].name, msg, sizeof(msg)))
					TH_LOG("%s: %s: check refuses it, the kernel loads it", path,
					       o->progs[i].name);
			}
			mb_elf_object_free(o);
			if (eb)
				mb_elf_object_free(eb);
		}
		if (dp)
			closedir(dp);
	}
	TH_LOG("%u objects, %u programs, %u refused by check (and by the kernel)", objs, progs,
	       refused);
	EXPECT_GE(objs, 30);
	EXPECT_GE(progs, 100);
}

TEST_HARNESS_MAIN
