// gen min_core_btf: the same bytes as bpftool's for every CO-RE fixture (and
// all of them at once), a target of the other byte order, and the proof that
// the file is enough: a CO-RE program loads against it (raw and gzip'd) with
// the xlated code of a load against the whole kernel BTF, and reads the
// right values when it runs.
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib_file.h"
#include "lib_kernel.h"
#include "minibpf.h"
#include "syscall/bpf_sys.h"

#define OBJ(n) MB_BUILD_DIR "/progs/" n ".bpf.o"
#define MB "${MINIBPF:-" MB_BUILD_DIR "/minibpf}"
#define VMLINUX "/sys/kernel/btf/vmlinux"
#define CORE_OBJS OBJ("core_bad") " " OBJ("core_extern") " " OBJ("core_iter") " " \
	OBJ("core_ksym") " " OBJ("core_shift") " " OBJ("core_task") " " OBJ("core_tp") " " OBJ("core_gen")

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int have_bpftool(void)
{
	return !system("bpftool version >/dev/null 2>&1");
}

TEST(same_bytes_as_bpftool)
{
	static const char *const objs[] = { "core_bad", "core_extern", "core_iter", "core_ksym",
					    "core_shift", "core_task", "core_tp", "core_gen" };
	char dir[] = "/tmp/mbtest_btfgen_XXXXXX";
	size_t la, lb;
	void *a, *b;
	int i;

	if (access(VMLINUX, R_OK))
		SKIP(return, "no %s", VMLINUX);
	if (!have_bpftool())
		SKIP(return, "no bpftool (the oracle)");
	ASSERT_TRUE(mkdtemp(dir) != NULL);
	for (i = 0; i < 9; i++) {
		const char *in = i < 8 ? objs[i] : "all";
		char list[1024];

		if (i < 8)
			snprintf(list, sizeof(list), MB_BUILD_DIR "/progs/%s.bpf.o", objs[i]);
		else
			snprintf(list, sizeof(list), "%s", CORE_OBJS);
		ASSERT_EQ(0, sh(MB " gen min_core_btf " VMLINUX " %s/%s.mb %s", dir, in, list));
		ASSERT_EQ(0, sh("bpftool gen min_core_btf " VMLINUX " %s/%s.bt %s", dir, in, list));
		snprintf(list, sizeof(list), "%s/%s.mb", dir, in);
		a = test_slurp(list, &la);
		snprintf(list, sizeof(list), "%s/%s.bt", dir, in);
		b = test_slurp(list, &lb);
		ASSERT_TRUE(a && b);
		EXPECT_EQ(lb, la) TH_LOG("%s", in);
		EXPECT_TRUE(la == lb && !memcmp(a, b, la)) TH_LOG("%s: bytes differ from bpftool's", in);
		EXPECT_LT(la, 64 * 1024);
		TH_LOG("%s: %zu bytes, as bpftool", in, la);
		free(a);
		free(b);
	}
	sh("rm -rf %s", dir);
}

/* The target of the other byte order (a big-endian device's BTF read on
 * this host): the output is in that order, and is the byte swap of the
 * host-order result. Every BTF record is u32 words, so the whole type
 * section swaps word by word. */
static void swap_btf(uint8_t *p, size_t len)
{
	uint32_t hdr_len, type_len, i, *w = (uint32_t *)(p + 4);
	int host = *(uint16_t *)p == 0xeb9f;
	uint8_t t = p[0];

	p[0] = p[1];
	p[1] = t;
	hdr_len = host ? w[0] : __builtin_bswap32(w[0]);
	type_len = host ? w[2] : __builtin_bswap32(w[2]);
	for (i = 0; i < 5; i++)
		w[i] = __builtin_bswap32(w[i]);
	w = (uint32_t *)(p + hdr_len);   /* type_off 0, as in every file here */
	for (i = 0; i < type_len / 4 && hdr_len + i * 4 + 4 <= len; i++)
		w[i] = __builtin_bswap32(w[i]);
}

TEST(other_byte_order_target)
{
	char dir[] = "/tmp/mbtest_btfgen_XXXXXX", path[256];
	size_t lv, la, lb;
	uint8_t *v, *a, *b;
	FILE *f;

	if (access(VMLINUX, R_OK))
		SKIP(return, "no %s", VMLINUX);
	ASSERT_TRUE(mkdtemp(dir) != NULL);
	v = test_slurp(VMLINUX, &lv);
	ASSERT_TRUE(v != NULL);
	/* type_off is 0 in vmlinux: the swap above assumes it */
	ASSERT_EQ(0, ((uint32_t *)v)[2]);
	swap_btf(v, lv);
	snprintf(path, sizeof(path), "%s/vmlinux.eb", dir);
	f = fopen(path, "wb");
	ASSERT_TRUE(f && fwrite(v, 1, lv, f) == lv && !fclose(f));
	free(v);
	ASSERT_EQ(0, sh(MB " gen min_core_btf %s/vmlinux.eb %s/eb.btf " CORE_OBJS, dir, dir));
	ASSERT_EQ(0, sh(MB " gen min_core_btf " VMLINUX " %s/el.btf " CORE_OBJS, dir));
	/* a gzip'd target reads the same */
	if (!sh("gzip -1 -c %s/vmlinux.eb > %s/vmlinux.eb.gz", dir, dir)) {
		EXPECT_EQ(0, sh(MB " gen min_core_btf %s/vmlinux.eb.gz %s/ebz.btf " CORE_OBJS, dir, dir));
		EXPECT_EQ(0, sh("cmp %s/eb.btf %s/ebz.btf", dir, dir));
	}
	snprintf(path, sizeof(path), "%s/eb.btf", dir);
	a = test_slurp(path, &la);
	snprintf(path, sizeof(path), "%s/el.btf", dir);
	b = test_slurp(path, &lb);
	ASSERT_TRUE(a && b);
	ASSERT_EQ(la, lb);
	EXPECT_EQ(0xeb, a[0]);
	EXPECT_EQ(0x9f, a[1]);
	swap_btf(a, la);
	EXPECT_EQ(0, memcmp(a, b, la)) TH_LOG("the big-endian output is not the swap of the host's");
	free(a);
	free(b);
	sh("rm -rf %s", dir);
}

struct tp_out {
	int tgid, ppid;
	char comm0;
	unsigned long long reset_on_fork, task_size, mm_exists, ringbuf;
	unsigned int runs;
};

/* Load core_tp against BTF (NULL: the kernel's), run it once, keep its
 * xlated code and results. */
static int run_tp(const char *btf, struct bpf_insn **x, uint32_t *nx, struct tp_out *out)
{
	struct mb_open_opts o = { .sz = sizeof(o), .btf_path = btf };
	struct mb_object *obj = mb_object_open(OBJ("core_tp"), &o);
	struct mb_link *link;
	struct mb_map *bss;
	uint32_t key = 0;
	int *tg, r = -1;

	if (!obj)
		return -1;
	tg = mb_object_global(obj, "target_tgid", NULL);
	if (!tg)
		goto out;
	*tg = getpid();
	if (mb_object_load(obj))
		goto out;
	link = mb_prog_attach(mb_object_prog(obj, 0));
	if (!link)
		goto out;
	syscall(SYS_getppid);
	mb_link_destroy(link);
	bss = mb_object_map_by_name(obj, ".bss");
	if (bss && mb_map_value_size(bss) == sizeof(*out) &&
	    !mb_map_lookup_elem(bss, &key, sizeof(key), out, sizeof(*out), 0))
		r = prog_xlated(mb_prog_fd(mb_object_prog(obj, 0)), x, nx);
out:
	mb_object_close(obj);
	return r;
}

TEST(loads_against_minimized_btf)
{
	char dir[] = "/tmp/mbtest_btfgen_XXXXXX", min[256], gz[256];
	struct bpf_insn *full_x = NULL, *x;
	struct tp_out full, got;
	uint32_t nfull = 0, n;
	struct stat st;
	int k;

	if (access(VMLINUX, R_OK))
		SKIP(return, "no %s", VMLINUX);
	ASSERT_TRUE(mkdtemp(dir) != NULL);
	snprintf(min, sizeof(min), "%s/min.btf", dir);
	snprintf(gz, sizeof(gz), "%s/min.btf.gz", dir);
	ASSERT_EQ(0, sh(MB " gen min_core_btf " VMLINUX " %s " OBJ("core_tp"), min));
	ASSERT_EQ(0, stat(min, &st));
	TH_LOG("minimized BTF: %lld bytes (vmlinux: 5 MB)", (long long)st.st_size);
	EXPECT_LT(st.st_size, 64 * 1024);

	memset(&full, 0, sizeof(full));
	ASSERT_EQ(0, run_tp(NULL, &full_x, &nfull, &full)) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(1, full.runs);
	EXPECT_EQ(getpid(), full.tgid);
	EXPECT_EQ(getppid(), full.ppid);
	EXPECT_EQ(1, full.mm_exists);
	EXPECT_EQ(27, full.ringbuf);   /* BPF_MAP_TYPE_RINGBUF */
	EXPECT_GT(full.task_size, 1000);
	for (k = 0; k < 2; k++) {
		const char *path = k ? gz : min;

		if (k && sh("gzip -9 -c %s > %s", min, gz))
			SKIP(break, "no gzip to make a compressed file");
		memset(&got, 0, sizeof(got));
		x = NULL;
		ASSERT_EQ(0, run_tp(path, &x, &n, &got)) TH_LOG("%s: %s", path, mb_last_error());
		EXPECT_EQ(0, memcmp(&full, &got, sizeof(got))) TH_LOG("%s: other results", path);
		ASSERT_EQ(nfull, n);
		EXPECT_EQ(0, memcmp(full_x, x, n * sizeof(*x))) TH_LOG("%s: other xlated code", path);
		TH_LOG("%s: %u xlated insns as against the kernel's BTF", path, n);
		free(x);
	}
	/* the CLI's --btf reaches the same loader */
	EXPECT_EQ(0, sh(MB " --btf %s prog load " OBJ("core_tp") " /sys/fs/bpf/mbtest_btfgen_tp && "
			"rm /sys/fs/bpf/mbtest_btfgen_tp", gz));
	/* a truncated gzip file is an error naming the file */
	EXPECT_EQ(0, sh("head -c 100 %s > %s.cut", gz, gz));
	{
		char cut[300];
		struct mb_open_opts o = { .sz = sizeof(o), .btf_path = cut };
		struct mb_object *obj;

		snprintf(cut, sizeof(cut), "%s.cut", gz);
		obj = mb_object_open(OBJ("core_tp"), &o);
		ASSERT_TRUE(obj != NULL);
		EXPECT_NE(0, mb_object_load(obj));
		EXPECT_TRUE(strstr(mb_last_error(), "gzip") && strstr(mb_last_error(), cut))
			TH_LOG("%s", mb_last_error());
		mb_object_close(obj);
	}
	free(full_x);
	sh("rm -rf %s", dir);
}

TEST_HARNESS_MAIN
