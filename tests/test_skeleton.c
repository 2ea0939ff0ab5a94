// gen skeleton and the example built on it: examples/countsys (static, its
// BPF object embedded through countsys.skel.h) really counts the system
// calls this test makes it see, the .rodata filter set before load reaches
// the program, .bss is read in place after load (mb_map_mmap); a skeleton of
// every fixture compiles (its _Static_asserts check each variable's offset
// against the object's BTF); the aarch64 build is a static aarch64 binary.
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "minibpf.h"

#define EX MB_BUILD_DIR "/examples"
#define MB "${MINIBPF:-" MB_BUILD_DIR "/minibpf}"

/* countsys's count for syscall NR ("NR COUNT" lines), -1 if absent; its
 * total in *total; exit status in *st. */
static long run_countsys(const char *args, long nr, long *total, int *st)
{
	char cmd[512], line[128];
	long v = -1, a, b;
	FILE *f;

	snprintf(cmd, sizeof(cmd), EX "/countsys %s", args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	*total = -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "total %ld", &a) == 1)
			*total = a;
		else if (sscanf(line, "%ld %ld", &a, &b) == 2 && a == nr)
			v = b;
	}
	*st = pclose(f);
	return v;
}

/* exactly: the filter (rodata->target_tgid, set before load) keeps every
 * other process out, and each call is one event */
TEST(countsys_counts)
{
	static const struct { const char *args; long nr, n, min_total, max_total; int rc; } runs[] = {
		{ "-s 500", SYS_getppid, 500, 500, 600, 0 },
		{ "-- /bin/sh -c 'exit 3'", SYS_execve, 1, 4, 100000, 3 },
	};
	long total, n;
	unsigned i;
	int st;

	if (access(EX "/countsys", X_OK))
		SKIP(return, "examples not built (make examples)");
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		n = run_countsys(runs[i].args, runs[i].nr, &total, &st);
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == runs[i].rc) TH_LOG("status %d", st);
		EXPECT_EQ(runs[i].n, n) TH_LOG("countsys %s", runs[i].args);
		EXPECT_GE(total, runs[i].min_total);
		EXPECT_LT(total, runs[i].max_total);
	}
}

TEST(aarch64_build_is_static)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd = open(EX "/aarch64/countsys", O_RDONLY), i, interp = 0;

	if (fd < 0)
		SKIP(return, "no aarch64 build (aarch64-linux-gnu-gcc absent)");
	ASSERT_EQ(sizeof(eh), pread(fd, &eh, sizeof(eh), 0));
	EXPECT_EQ(EM_AARCH64, eh.e_machine);
	EXPECT_EQ(ET_EXEC, eh.e_type);
	for (i = 0; i < eh.e_phnum; i++) {
		ASSERT_EQ(sizeof(ph), pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)));
		interp |= ph.p_type == PT_INTERP;
	}
	EXPECT_EQ(0, interp);
	close(fd);
}

/* Global data after load: .bss mmap'd read-write (a write is what the map
 * holds), .rodata read-only (frozen), one mapping per map. */
TEST(global_data_mmap)
{
	struct mb_object *obj = mb_object_open(EX "/countsys.bpf.o", NULL);
	struct mb_map *bss, *ro, *counts;
	unsigned long long v[2] = { 0 };
	uint32_t key = 0;
	size_t sz;
	unsigned long long *p;
	int *r;

	ASSERT_TRUE(obj != NULL) TH_LOG("%s", mb_last_error());
	bss = mb_object_map_by_name(obj, ".bss");
	ro = mb_object_map_by_name(obj, ".rodata");
	counts = mb_object_map_by_name(obj, "counts");
	ASSERT_TRUE(bss && ro && counts);
	EXPECT_EQ(NULL, mb_map_mmap(bss, NULL));     /* not loaded yet */
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	p = mb_map_mmap(bss, &sz);
	ASSERT_TRUE(p != NULL) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(getpagesize(), (int)sz);
	EXPECT_EQ(p, mb_map_mmap(bss, NULL));
	p[1] = 42;
	ASSERT_EQ(0, mb_map_lookup_elem(bss, &key, sizeof(key), v, sizeof(v), 0));
	EXPECT_EQ(42, v[1]);
	r = mb_map_mmap(ro, NULL);
	ASSERT_TRUE(r != NULL) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(0, *r);
	/* a hash map or an array not made mmapable says why */
	EXPECT_EQ(NULL, mb_map_mmap(counts, NULL));
	EXPECT_TRUE(strstr(mb_last_error(), "counts") != NULL) TH_LOG("%s", mb_last_error());
	mb_object_close(obj);
}

/* The skeleton of every fixture compiles with -Werror for this host, for a
 * 32-bit one (arm: long is 4 bytes there) and, of the big-endian build, for
 * s390x, where the cross compilers are installed: each variable's offset is
 * a _Static_assert, so a layout the host would get wrong fails here. */
TEST(skeleton_of_every_fixture_compiles)
{
	char dir[] = "/tmp/mbtest_skel_XXXXXX", cmd[2048];
	int n = 0;
	FILE *f;

	ASSERT_TRUE(mkdtemp(dir) != NULL);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && n=0 && for o in " MB_BUILD_DIR "/progs/*.bpf.o " MB_BUILD_DIR "/progs/*.bpfeb.o; do "
		 "b=$(basename $o .o | tr . _); " MB " gen skeleton $o name $b > $b.skel.h || exit 1; "
		 "printf '#include \"%%s.skel.h\"\\nint main(void) { struct %%s *s = %%s__open(); %%s__destroy(s); return 0; }\\n' $b $b $b $b > $b.c; "
		 "case $b in *bpfeb) ccs=s390x-linux-gnu-gcc;; *) ccs='cc arm-linux-gnueabihf-gcc';; esac; "
		 "for c in $ccs; do command -v $c >/dev/null || continue; "
		 "$c -std=c11 -Wall -Wextra -Werror -I" MB_SRC_DIR "/include -fsyntax-only $b.c || exit 2; "
		 "n=$((n+1)); done; done; echo $n > count", dir);
	ASSERT_EQ(0, system(cmd));
	snprintf(cmd, sizeof(cmd), "%s/count", dir);
	f = fopen(cmd, "r");
	ASSERT_TRUE(f && fscanf(f, "%d", &n) == 1);
	fclose(f);
	EXPECT_GT(n, 30);
	TH_LOG("%d skeletons compiled", n);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	system(cmd);
}

TEST(skeleton_usage_errors)
{
	EXPECT_NE(0, system(MB " gen skeleton " MB_BUILD_DIR "/progs/hello.bpf.o name 1x >/dev/null 2>&1"));
	EXPECT_NE(0, system(MB " gen skeleton /nonexistent.o >/dev/null 2>&1"));
	EXPECT_NE(0, system(MB " gen skeleton >/dev/null 2>&1"));
	EXPECT_EQ(0, system(MB " gen skeleton " MB_BUILD_DIR "/progs/hello.bpf.o name hi | grep -q 'hi__open_and_load'"));
}

TEST_HARNESS_MAIN
