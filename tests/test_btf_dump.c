/* minibpf btf show / btf dump, with bpftool, clang and the kernel as oracles:
 * the vmlinux.h we write compiles for BPF and gives every struct the size
 * and member offsets the BTF says (a generated _Static_assert test, also run
 * against bpftool's header to check the test itself); a CO-RE program built
 * against it loads with the same xlated code as one built against bpftool's;
 * raw lines match bpftool's; either byte order dumps the same. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib_file.h"
#include "lib_kernel.h"
#include "minibpf.h"
#include "btf/btf.h"
#include "elf/elf_reader.h"
#include "syscall/bpf_sys.h"

#define MB "${MINIBPF:-" MB_BUILD_DIR "/minibpf}"
#define VMLINUX "/sys/kernel/btf/vmlinux"
#define CLANG_BPF "clang -target bpf -I/usr/include/$(gcc -print-multiarch)"

static int have_bpftool(void)
{
	return !test_sh("bpftool version >/dev/null 2>&1");
}

FIXTURE(dir) {
	char d[64];
	char pins[64];          /* on bpffs: the pin root of maps pinned by name */
};
FIXTURE_SETUP(dir)
{
	snprintf(self->d, sizeof(self->d), "/tmp/mbbtfdump.XXXXXX");
	ASSERT_TRUE(mkdtemp(self->d) != NULL);
	snprintf(self->pins, sizeof(self->pins), "/sys/fs/bpf/mbtest_btfdump_%d", getpid());
}
FIXTURE_TEARDOWN(dir)
{
	test_sh("rm -rf '%s' '%s'", self->d, self->pins);
}

/* ---- the layout test, generated from the BTF itself ------------------------ */
static int tag_ns(const struct mb_btf_type *t)
{
	unsigned k = mb_btf_kind(t);

	return k == MB_BTF_KIND_STRUCT || k == MB_BTF_KIND_UNION ||
	       ((k == MB_BTF_KIND_ENUM || k == MB_BTF_KIND_ENUM64) && mb_btf_vlen(t));
}

/* How many types of a namespace carry each name (the dumper gives the
 * second one ___2: only unique names are asserted by name): sorted
 * (namespace, name) pairs, counted per id. */
struct nm { const char *name; int tags; uint32_t id; };

static int nm_cmp(const void *a, const void *b)
{
	const struct nm *x = a, *y = b;

	return x->tags != y->tags ? x->tags - y->tags : strcmp(x->name, y->name);
}

static uint32_t *name_counts(const struct mb_btf *b)
{
	uint32_t id, n = mb_btf_type_cnt(b), k = 0, i, j;
	struct nm *v = calloc(n, sizeof(*v));
	uint32_t *cnt = calloc(n, sizeof(*cnt));

	for (id = 1; v && cnt && id < n; id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(b, id);

		if (tag_ns(t) || mb_btf_kind(t) == MB_BTF_KIND_TYPEDEF)
			v[k++] = (struct nm){ mb_btf_str(b, t->name_off), tag_ns(t), id };
	}
	if (v && cnt) {
		qsort(v, k, sizeof(*v), nm_cmp);
		for (i = 0; i < k; i = j) {
			for (j = i; j < k && !nm_cmp(&v[i], &v[j]); j++)
				;
			for (uint32_t m = i; m < j; m++)
				cnt[v[m].id] = j - i;
		}
	}
	free(v);
	return cnt;
}

/* An enum bpftool 7.1 sizes wrong (it adds no mode attribute): 1 or 2
 * bytes, or an 8-byte one whose values all fit 32 bits. */
static int odd_enum(const struct mb_btf_type *t)
{
	unsigned k = mb_btf_kind(t), i;

	if (k != MB_BTF_KIND_ENUM && k != MB_BTF_KIND_ENUM64)
		return 0;
	if (t->size_or_type < 4)
		return 1;
	if (t->size_or_type != 8)
		return 0;
	if (k == MB_BTF_KIND_ENUM)
		return 1;
	for (i = 0; i < mb_btf_vlen(t); i++)
		if (((const struct mb_btf_enum64 *)mb_btf_extra(t))[i].val_hi32)
			return 0;
	return 1;
}

/* Does type id hold such an enum by value (1: bpftool's layout of it is
 * off), or a va_list (2: its size is the compiler's, 8 for BPF, 24 on x86)? */
static int tainted(const struct mb_btf *b, uint32_t id, int depth)
{
	const struct mb_btf_type *t = mb_btf_type_by_id(b, id);
	struct mb_btf_member_info m;
	uint32_t i;
	int r = 0;

	if (!t || depth > 64)
		return 0;
	switch (mb_btf_kind(t)) {
	case MB_BTF_KIND_TYPEDEF:
		if (!strcmp(mb_btf_str(b, t->name_off), "__builtin_va_list"))
			return 2;
		/* fallthrough */
	case MB_BTF_KIND_CONST: case MB_BTF_KIND_VOLATILE: case MB_BTF_KIND_RESTRICT:
	case MB_BTF_KIND_TYPE_TAG:
		return tainted(b, t->size_or_type, depth + 1);
	case MB_BTF_KIND_ARRAY:
		return tainted(b, ((const struct mb_btf_array *)mb_btf_extra(t))->type, depth + 1);
	case MB_BTF_KIND_STRUCT: case MB_BTF_KIND_UNION:
		/* a union whose members BTF lost: bpftool sizes it 0 */
		r = mb_btf_kind(t) == MB_BTF_KIND_UNION && !mb_btf_vlen(t) && t->size_or_type;
		for (i = 0; mb_btf_member(b, id, i, &m) == 0; i++) {
			int x = tainted(b, m.type, depth + 1);

			r = x > r ? x : r;
		}
		return r;
	}
	return odd_enum(t);
}

/* asserts.c: sizeof and offsetof of every uniquely named struct/union and its
 * named non-bitfield members, sizeof of every unique typedef (but those
 * holding a va_list); clean.c: only those whose layout bpftool 7.1 gets
 * right. Returns the number of types asserted. */
static int gen_asserts(const struct mb_btf *b, const char *all, const char *clean, int *skipped)
{
	FILE *f[2] = { fopen(all, "w"), fopen(clean, "w") };
	uint32_t id, n = mb_btf_type_cnt(b), *names = name_counts(b);
	int cnt = 0;

	*skipped = 0;
	if (!f[0] || !f[1] || !names)
		return -1;
	for (id = 1; id < n; id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(b, id);
		const char *name = mb_btf_str(b, t->name_off), *kw;
		struct mb_btf_member_info m;
		int64_t sz;
		int bad, k;
		uint32_t i;

		if (!*name)
			continue;
		if (mb_btf_kind(t) == MB_BTF_KIND_TYPEDEF) {
			sz = mb_btf_type_size(b, id);
			if (sz < 0 || !strcmp(name, "__builtin_va_list") || names[id] != 1)
				continue;
			bad = tainted(b, id, 0);
			*skipped += bad == 1;
			for (k = 0; k < (bad ? 2 - bad : 2); k++)
				fprintf(f[k], "_Static_assert(sizeof(%s) == %lld, \"%s\");\n", name,
					(long long)sz, name);
			cnt++;
			continue;
		}
		if (mb_btf_kind(t) != MB_BTF_KIND_STRUCT && mb_btf_kind(t) != MB_BTF_KIND_UNION)
			continue;
		if (names[id] != 1)
			continue;
		kw = mb_btf_kind(t) == MB_BTF_KIND_STRUCT ? "struct" : "union";
		bad = tainted(b, id, 0);
		*skipped += bad == 1;
		for (k = 0; k < (bad ? 2 - bad : 2); k++) {
			fprintf(f[k], "_Static_assert(sizeof(%s %s) == %u, \"%s\");\n", kw, name,
				t->size_or_type, name);
			for (i = 0; mb_btf_member(b, id, i, &m) == 0; i++)
				if (*m.name && !m.bitfield_size)
					fprintf(f[k], "_Static_assert(__builtin_offsetof(%s %s, %s) == %u, \"%s.%s\");\n",
						kw, name, m.name, m.bit_offset / 8, name, m.name);
		}
		cnt++;
	}
	fclose(f[0]);
	fclose(f[1]);
	free(names);
	return cnt;
}

static int id_char(char c)
{
	return c == '_' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* The names a header defines: "struct X", "union X", "enum X" (with a body)
 * and "typedef X", one a line, sorted, into out. */
static int defined_names(const char *hdr, const char *out)
{
	FILE *in = fopen(hdr, "r"), *o = fopen(out, "w");
	char line[4096];

	if (!in || !o)
		return -1;
	while (fgets(line, sizeof(line), in)) {
		char *p = line, *e, *s;

		if (!strncmp(p, "struct ", 7) || !strncmp(p, "union ", 6) || !strncmp(p, "enum ", 5)) {
			e = strchr(p, ' ') + 1;
			if (*e != '{' && strstr(e, " {"))
				fprintf(o, "%.*s\n", (int)(strstr(e, " {") - p), p);
			continue;
		}
		if (!strncmp(p, "typedef ", 8)) {
			if ((s = strstr(p, "(*"))) {    /* typedef T (*name)(...); */
				for (e = s += 2; id_char(*e); e++)
					;
				fprintf(o, "typedef %.*s\n", (int)(e - s), s);
				continue;
			}
			if (strchr(p, '{'))
				continue;   /* typedef struct {: the name is on the closing line */
		} else if (strncmp(p, "} ", 2)) {
			continue;
		}
		/* the last identifier before ';' and any [N] */
		e = strchr(p, ';');
		if (!e)
			continue;
		while (e > p && e[-1] == ']') {
			while (e > p && e[-1] != '[')
				e--;
			e -= e > p;
		}
		for (s = e; s > p && id_char(s[-1]); s--)
			;
		if (s < e)
			fprintf(o, "typedef %.*s\n", (int)(e - s), s);
	}
	fclose(in);
	fclose(o);
	return test_sh("sort -o '%s' '%s'", out, out);
}

/* ---- round trip: the header compiled with -g gives back the BTF's layout --- */
static int has_bitfield(const struct mb_btf *b, uint32_t id)
{
	struct mb_btf_member_info m;

	for (uint32_t i = 0; mb_btf_member(b, id, i, &m) == 0; i++)
		if (m.bitfield_size)
			return 1;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct nm *)a)->name, ((const struct nm *)b)->name);
}

/* Declare a variable of every uniquely named struct/union of a (those with
 * bitfields only, if bf_only: the asserts cannot reach bitfields), compile
 * them against hdr with -g, and compare every named struct/union clang's BTF
 * then has with a's: size, members' names, bit offsets, bitfield sizes and
 * type sizes. Returns the mismatches (logged), -1 if it cannot run. */
static int round_trip(struct __test_metadata *_metadata, const struct mb_btf *a, const char *hdr,
		      const char *dir, int bf_only, int *compared)
{
	uint32_t id, n = mb_btf_type_cnt(a), *cnt = name_counts(a), k = 0;
	struct nm *tab = calloc(n, sizeof(*tab));
	char path[256], err[256];
	struct mb_btf *r = NULL;
	struct mb_elf e;
	uint64_t len;
	size_t size;
	void *obj = NULL;
	int bad = 0;
	FILE *f;

	*compared = 0;
	snprintf(path, sizeof(path), "%s/rt.c", dir);
	if (!cnt || !tab || !(f = fopen(path, "w")))
		return -1;
	for (id = 1; id < n; id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(a, id);
		unsigned kind = mb_btf_kind(t);

		if ((kind != MB_BTF_KIND_STRUCT && kind != MB_BTF_KIND_UNION) || !t->name_off ||
		    cnt[id] != 1 || tainted(a, id, 0) == 2)
			continue;
		tab[k++] = (struct nm){ mb_btf_str(a, t->name_off), 0, id };
		if (!bf_only || has_bitfield(a, id))
			fprintf(f, "%s %s rt_%u;\n", kind == MB_BTF_KIND_STRUCT ? "struct" : "union",
				mb_btf_str(a, t->name_off), id);
	}
	fclose(f);
	qsort(tab, k, sizeof(*tab), by_name);
	if (test_sh(CLANG_BPF " -g -O0 -c -include %s %s/rt.c -o %s/rt.o", hdr, dir, dir))
		goto out;
	snprintf(path, sizeof(path), "%s/rt.o", dir);
	obj = test_slurp(path, &size);
	if (!obj || mb_elf_open(&e, obj, size, err, sizeof(err)))
		goto out;
	const uint8_t *p = mb_elf_sec_data(&e, mb_elf_sec_find(&e, ".BTF"), &len);

	r = p ? mb_btf_open(p, len, err, sizeof(err)) : NULL;
	mb_elf_close(&e);
	for (id = 1; r && id < mb_btf_type_cnt(r); id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(r, id), *u;
		struct nm key = { mb_btf_str(r, t->name_off), 0, 0 }, *hit;
		struct mb_btf_member_info x, y;
		uint32_t i;

		if ((mb_btf_kind(t) != MB_BTF_KIND_STRUCT && mb_btf_kind(t) != MB_BTF_KIND_UNION) ||
		    !t->name_off || !(hit = bsearch(&key, tab, k, sizeof(*tab), by_name)))
			continue;
		u = mb_btf_type_by_id(a, hit->id);
		int same = mb_btf_kind(t) == mb_btf_kind(u) && t->size_or_type == u->size_or_type &&
			   mb_btf_vlen(t) == mb_btf_vlen(u);

		for (i = 0; same && mb_btf_member(r, id, i, &x) == 0; i++) {
			mb_btf_member(a, hit->id, i, &y);
			same = !strcmp(x.name, y.name) && x.bit_offset == y.bit_offset &&
			       x.bitfield_size == y.bitfield_size &&
			       mb_btf_type_size(r, x.type) == mb_btf_type_size(a, y.type);
			if (!same)
				TH_LOG("%s: member %u '%s': bit %u+%u, BTF says '%s' bit %u+%u", key.name, i,
				       x.name, x.bit_offset, x.bitfield_size, y.name, y.bit_offset,
				       y.bitfield_size);
		}
		if (!same && bad < 5)
			TH_LOG("%s: size %u vlen %u, BTF says %u / %u", key.name, t->size_or_type,
			       mb_btf_vlen(t), u->size_or_type, mb_btf_vlen(u));
		bad += !same;
		(*compared)++;
	}
	if (!r)
		bad = -1;
out:
	mb_btf_free(r);
	free(obj);
	free(tab);
	free(cnt);
	return r ? bad : -1;
}

TEST_F(dir, fixture_types_round_trip)
{
	struct mb_btf *b;
	char err[256], hdr[128], all[128], clean[128];
	size_t size;
	void *data;
	int n, skipped;

	if (test_sh("clang --version >/dev/null 2>&1"))
		SKIP(return, "no clang");
	snprintf(hdr, sizeof(hdr), "%s/lay.h", self->d);
	ASSERT_EQ(0, test_sh(MB " btf dump file " MB_BUILD_DIR "/progs/btf_layouts.bpf.o > %s", hdr));
	/* the traps are there: packed, holes, odd enums, a pointer cycle */
	EXPECT_EQ(0, test_sh("grep -q '^} __attribute__((packed));' %s && grep -q 'long: 64;' %s && "
			"grep -q 'mode(byte)' %s && grep -q '^struct lay_cycle_b;' %s && "
			"grep -qF 'void (* (*ret_fn)(int))(long);' %s && grep -qF 'int grid[2][3][4];' %s",
			hdr, hdr, hdr, hdr, hdr, hdr));
	data = test_slurp(MB_BUILD_DIR "/progs/btf_layouts.bpf.o", &size);
	ASSERT_TRUE(data != NULL);
	struct mb_elf e;
	uint64_t len;

	ASSERT_EQ(0, mb_elf_open(&e, data, size, err, sizeof(err)));
	const uint8_t *sec = mb_elf_sec_data(&e, mb_elf_sec_find(&e, ".BTF"), &len);

	b = mb_btf_open(sec, len, err, sizeof(err));
	mb_elf_close(&e);
	ASSERT_TRUE(b != NULL) TH_LOG("%s", err);
	snprintf(all, sizeof(all), "%s/asserts.c", self->d);
	snprintf(clean, sizeof(clean), "%s/clean.c", self->d);
	n = gen_asserts(b, all, clean, &skipped);
	EXPECT_GE(n, 10);
	EXPECT_EQ(0, test_sh(CLANG_BPF " -fsyntax-only -include %s %s", hdr, all));
	EXPECT_EQ(0, round_trip(_metadata, b, hdr, self->d, 0, &n));
	EXPECT_GE(n, 10);
	TH_LOG("%d structs and unions round-tripped", n);
	mb_btf_free(b);
	free(data);
}

TEST_F(dir, vmlinux_c_compiles_and_matches_the_btf_layout)
{
	struct mb_btf *b;
	char err[256];
	size_t size;
	void *data;
	int n, skipped, names;

	if (access(VMLINUX, R_OK))
		SKIP(return, "no kernel BTF at " VMLINUX);
	if (test_sh("clang --version >/dev/null 2>&1"))
		SKIP(return, "no clang");
	ASSERT_EQ(0, test_sh(MB " btf dump file " VMLINUX " format c > %s/ours.h", self->d));
	/* (1) it compiles for BPF, included from a program */
	ASSERT_EQ(0, test_sh("printf '#include \"ours.h\"\\nint x;\\n' > %s/t.c && " CLANG_BPF
			" -O2 -g -c %s/t.c -o %s/t.o", self->d, self->d, self->d));
	/* (2) every size and offset the BTF has, checked by the compiler */
	data = test_slurp(VMLINUX, &size);
	ASSERT_TRUE(data != NULL);
	b = mb_btf_open(data, size, err, sizeof(err));
	ASSERT_TRUE(b != NULL) TH_LOG("%s", err);
	char all[128], clean[128];

	snprintf(all, sizeof(all), "%s/asserts.c", self->d);
	snprintf(clean, sizeof(clean), "%s/clean.c", self->d);
	n = gen_asserts(b, all, clean, &skipped);
	ASSERT_GT(n, 1000);
	EXPECT_EQ(0, test_sh(CLANG_BPF " -fsyntax-only -ferror-limit=20 -include %s/ours.h %s", self->d, all));
	TH_LOG("%d types' layouts asserted against our header", n);
	/* bitfields, which offsetof cannot reach: the structs holding them
	 * compiled with -g give back the same BTF layout */
	char hdr[128];
	int rt;

	snprintf(hdr, sizeof(hdr), "%s/ours.h", self->d);
	EXPECT_EQ(0, round_trip(_metadata, b, hdr, self->d, 1, &rt));
	EXPECT_GT(rt, 100);
	TH_LOG("%d structs and unions with bitfields (and what they hold) round-tripped", rt);
	mb_btf_free(b);
	free(data);
	if (!have_bpftool())
		SKIP(return, "no bpftool to check the test against");
	ASSERT_EQ(0, test_sh("bpftool btf dump file " VMLINUX " format c > %s/bpftool.h", self->d));
	/* the test itself is right: bpftool's header passes it, except for the
	 * types holding enums bpftool 7.1 sizes wrong */
	EXPECT_EQ(0, test_sh(CLANG_BPF " -fsyntax-only -ferror-limit=20 -include %s/bpftool.h %s",
			self->d, clean));
	TH_LOG("%d of them left out against bpftool's header (enums of 1, 2 or 8 bytes it sizes as "
	       "int, unions without members)", skipped);
	/* the same names defined */
	char a[128], c[128];

	snprintf(a, sizeof(a), "%s/ours.h", self->d);
	snprintf(c, sizeof(c), "%s/ours.names", self->d);
	ASSERT_EQ(0, defined_names(a, c));
	snprintf(a, sizeof(a), "%s/bpftool.h", self->d);
	snprintf(c, sizeof(c), "%s/bpftool.names", self->d);
	ASSERT_EQ(0, defined_names(a, c));
	EXPECT_EQ(0, test_sh("cmp -s %s/ours.names %s/bpftool.names", self->d, self->d));
	names = test_sh("test $(wc -l < %s/ours.names) -gt 10000", self->d);
	EXPECT_EQ(0, names);
	/* and as text: all but the mode attributes and the padding of empty
	 * unions that bpftool 7.1 leaves out */
	EXPECT_EQ(0, test_sh("cd %s && sed 's/ __attribute__((mode([a-zA-Z]*)))//' ours.h > ours.nomode && "
			"! diff ours.nomode bpftool.h | grep '^[<>]' | grep -v '^< 	*long: [0-9]*;$'",
			self->d));
}

/* (3) CO-RE programs built against our header load, with the xlated code of
 * the same programs built against bpftool's (the tree's build/vmlinux.h). */
TEST_F(dir, core_programs_built_against_our_header_load)
{
	static const char *const objs[] = { "core_task", "core_shift", "core_iter", "core_extern" };
	struct mb_object *o[2];
	char path[2][160];
	int i, j, k, loaded = 0;

	if (access(VMLINUX, R_OK))
		SKIP(return, "no kernel BTF at " VMLINUX);
	if (test_sh("clang --version >/dev/null 2>&1"))
		SKIP(return, "no clang");
	ASSERT_EQ(0, test_sh(MB " btf dump file " VMLINUX " > %s/vmlinux.h", self->d));
	for (k = 0; k < 4; k++) {
		snprintf(path[0], sizeof(path[0]), "%s/%s.bpf.o", self->d, objs[k]);
		snprintf(path[1], sizeof(path[1]), MB_BUILD_DIR "/progs/%s.bpf.o", objs[k]);
		ASSERT_EQ(0, test_sh(CLANG_BPF " -O2 -g -Wall -Werror -I%s -I" MB_SRC_DIR "/progs -c "
				MB_SRC_DIR "/progs/%s.bpf.c -o %s", self->d, objs[k], path[0]));
		o[1] = mb_object_open(path[1], NULL);
		ASSERT_TRUE(o[1] != NULL) TH_LOG("%s: %s", path[1], mb_last_error());
		if (mb_object_load(o[1])) {
			/* what the tree's own build cannot load here is not ours to load */
			TH_LOG("%s: does not load here even against bpftool's header: %s", objs[k],
			       mb_last_error());
			mb_object_close(o[1]);
			continue;
		}
		o[0] = mb_object_open(path[0], NULL);
		ASSERT_TRUE(o[0] != NULL) TH_LOG("%s: %s", path[0], mb_last_error());
		ASSERT_EQ(0, mb_object_load(o[0])) TH_LOG("%s: %s", path[0], mb_last_error());
		ASSERT_EQ(mb_object_prog_count(o[0]), mb_object_prog_count(o[1]));
		for (j = 0; j < mb_object_prog_count(o[0]); j++) {
			struct bpf_insn *x[2] = { NULL, NULL };
			uint32_t n[2] = { 0, 0 };

			for (i = 0; i < 2; i++)
				EXPECT_EQ(0, prog_xlated(mb_prog_fd(mb_object_prog(o[i], j)), &x[i], &n[i]));
			EXPECT_EQ(n[0], n[1]);
			EXPECT_EQ(0, n[0] == n[1] ? memcmp(x[0], x[1], n[0] * sizeof(*x[0])) : 0)
				TH_LOG("%s: xlated code differs", mb_prog_name(mb_object_prog(o[0], j)));
			TH_LOG("%s/%s: %u xlated insns equal", objs[k],
			       mb_prog_name(mb_object_prog(o[0], j)), n[0]);
			free(x[0]);
			free(x[1]);
		}
		mb_object_close(o[0]);
		mb_object_close(o[1]);
		loaded++;
	}
	EXPECT_GE(loaded, 1);
}

/* ---- byte order --------------------------------------------------------------- */
/* The BTF blob in the other byte order: header words, every u32 of the
 * type section (all its fields are u32); strings stay. */
static void swap_btf(uint8_t *p)
{
	uint32_t w[5], i, *t;
	uint8_t x;

	memcpy(w, p + 4, sizeof(w));    /* hdr_len, type_off, type_len, str_off, str_len */
	t = (uint32_t *)(p + w[0] + w[1]);
	for (i = 0; i < w[2] / 4; i++)
		t[i] = __builtin_bswap32(t[i]);
	for (i = 0; i < 5; i++)
		w[i] = __builtin_bswap32(w[i]);
	memcpy(p + 4, w, sizeof(w));
	x = p[0];
	p[0] = p[1];
	p[1] = x;
}

TEST_F(dir, other_byte_order_vmlinux_dumps_the_same)
{
	size_t size;
	uint8_t *data;
	FILE *f;
	char path[128];

	if (access(VMLINUX, R_OK))
		SKIP(return, "no kernel BTF at " VMLINUX);
	data = test_slurp(VMLINUX, &size);
	ASSERT_TRUE(data != NULL);
	swap_btf(data);
	EXPECT_EQ(0xeb, data[0]);   /* 0xeb9f stored big-endian */
	snprintf(path, sizeof(path), "%s/vmlinux.swapped", self->d);
	f = fopen(path, "wb");
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(size, fwrite(data, 1, size, f));
	fclose(f);
	free(data);
	for (int raw = 0; raw < 2; raw++) {
		const char *fmt = raw ? "raw" : "c";

		ASSERT_EQ(0, test_sh(MB " btf dump file " VMLINUX " format %s > %s/a", fmt, self->d));
		ASSERT_EQ(0, test_sh(MB " btf dump file %s format %s > %s/b", path, fmt, self->d));
		EXPECT_EQ(0, test_sh("cmp %s/a %s/b", self->d, self->d)) TH_LOG("format %s", fmt);
	}
}

/* (4) every fixture's bpfeb object: the same C and raw lines as its bpfel one;
 * (5) raw lines: bpftool's, exactly, for every fixture of either order. */
TEST_F(dir, objects_either_byte_order_and_raw_as_bpftool)
{
	int n = 0, bt = have_bpftool();
	struct dirent *e;
	DIR *d = opendir(MB_BUILD_DIR "/progs");

	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		char el[320], eb[320];

		if (l < 9 || strcmp(e->d_name + l - 8, ".bpfeb.o"))
			continue;
		snprintf(eb, sizeof(eb), MB_BUILD_DIR "/progs/%s", e->d_name);
		snprintf(el, sizeof(el), MB_BUILD_DIR "/progs/%.*s.bpf.o", (int)l - 8, e->d_name);
		if (access(el, R_OK))
			continue;
		for (int raw = 0; raw < 2; raw++) {
			const char *fmt = raw ? "raw" : "c";

			ASSERT_EQ(0, test_sh(MB " btf dump file %s format %s > %s/el", el, fmt, self->d));
			ASSERT_EQ(0, test_sh(MB " btf dump file %s format %s > %s/eb", eb, fmt, self->d));
			EXPECT_EQ(0, test_sh("cmp -s %s/el %s/eb", self->d, self->d)) TH_LOG("%s, format %s", eb, fmt);
		}
		if (bt) {
			ASSERT_EQ(0, test_sh("bpftool btf dump file %s format raw > %s/bt", el, self->d));
			EXPECT_EQ(0, test_sh("cmp %s/el %s/bt", self->d, self->d)) TH_LOG("%s", el);
		}
		n++;
	}
	closedir(d);
	EXPECT_GT(n, 10);
	TH_LOG("%d objects compared", n);
	if (!bt || access(VMLINUX, R_OK))
		return;
	ASSERT_EQ(0, test_sh(MB " btf dump file " VMLINUX " format raw > %s/a", self->d));
	ASSERT_EQ(0, test_sh("bpftool btf dump file " VMLINUX " format raw > %s/b", self->d));
	EXPECT_EQ(0, test_sh("cmp %s/a %s/b", self->d, self->d));
}

/* A raw BTF file of these records and strings (host order). */
static int write_btf(const char *path, const uint32_t *rec, uint32_t rlen, const char *strs,
		     uint32_t slen)
{
	struct { uint16_t magic; uint8_t ver, flags; uint32_t hdr_len, type_off, type_len,
		 str_off, str_len; } h = { 0xeb9f, 1, 0, 24, 0, rlen, rlen, slen };
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	fwrite(&h, sizeof(h), 1, f);
	fwrite(rec, rlen, 1, f);
	fwrite(strs, slen, 1, f);
	return fclose(f);
}

/* gcc's names of Arm SIMD types (in an arm64 vmlinux) get typedefs clang
 * knows, as bpftool gives them. */
TEST_F(dir, arm_simd_type_names_get_aliases)
{
	static const char strs[] = "\0__Poly8_t\0int\0poly8x8_t\0simd\0v";
	const uint32_t rec[] = {
		1, MB_BTF_KIND_INT << 24, 1, 8,                  /* [1] __Poly8_t */
		0, MB_BTF_KIND_ARRAY << 24, 0, 1, 3, 8,          /* [2] [8] */
		11, MB_BTF_KIND_INT << 24, 4, 1u << 24 | 32,     /* [3] int */
		15, MB_BTF_KIND_TYPEDEF << 24, 2,                /* [4] poly8x8_t */
		25, MB_BTF_KIND_STRUCT << 24 | 1, 8, 30, 4, 0,   /* [5] struct simd { v } */
	};
	char path[128];

	snprintf(path, sizeof(path), "%s/simd.btf", self->d);
	ASSERT_EQ(0, write_btf(path, rec, sizeof(rec), strs, sizeof(strs)));
	ASSERT_EQ(0, test_sh(MB " btf dump file %s > %s/simd.h", path, self->d));
	EXPECT_EQ(0, test_sh("grep -q '^typedef unsigned char __Poly8_t;' %s/simd.h", self->d));
	EXPECT_EQ(0, test_sh("printf '#include \"simd.h\"\n_Static_assert(sizeof(struct simd) == 8, \"\");\n' > %s/s.c && "
			CLANG_BPF " -fsyntax-only %s/s.c", self->d, self->d));
	if (have_bpftool()) {
		ASSERT_EQ(0, test_sh("bpftool btf dump file %s format c > %s/simd.bt.h", path, self->d));
		EXPECT_EQ(0, test_sh("cmp %s/simd.h %s/simd.bt.h", self->d, self->d));
	}
}

/* A module's BTF is split BTF over vmlinux's: this kernel has no modules,
 * so make one (a struct using vmlinux's "int" and a new string), and check
 * it against bpftool -B. */
TEST_F(dir, split_btf_on_a_base)
{
	struct mb_btf *b;
	char err[256], path[128], out[512];
	uint32_t rec[9], base_strs, int_id, first;
	size_t size;
	void *data;
	FILE *f;
	static const char strs[] = "mb_split\0x";

	if (access(VMLINUX, R_OK))
		SKIP(return, "no kernel BTF at " VMLINUX);
	data = test_slurp(VMLINUX, &size);
	ASSERT_TRUE(data != NULL);
	b = mb_btf_open(data, size, err, sizeof(err));
	ASSERT_TRUE(b != NULL);
	int_id = (uint32_t)mb_btf_find(b, "int", MB_BTF_KIND_INT);
	first = mb_btf_type_cnt(b);
	memcpy(&base_strs, (char *)data + 20, 4);   /* str_len: our offsets follow it */
	mb_btf_free(b);
	free(data);
	/* STRUCT mb_split { int x; } and a PTR to it: ids from `first` on */
	rec[0] = base_strs;
	rec[1] = (MB_BTF_KIND_STRUCT << 24) | 1;
	rec[2] = 4;
	rec[3] = base_strs + 9;
	rec[4] = int_id;
	rec[5] = 0;
	rec[6] = 0;
	rec[7] = MB_BTF_KIND_PTR << 24;
	rec[8] = first;
	snprintf(path, sizeof(path), "%s/split.btf", self->d);
	ASSERT_EQ(0, write_btf(path, rec, sizeof(rec), strs, sizeof(strs)));
	/* without a base it is refused, with a message that says what to do */
	EXPECT_NE(0, test_sh(MB " btf dump file %s format raw > /dev/null 2>%s/err", path, self->d));
	EXPECT_EQ(0, test_sh("grep -q base-btf %s/err", self->d));
	ASSERT_EQ(0, test_sh(MB " -B " VMLINUX " btf dump file %s format raw > %s/a", path, self->d));
	f = fopen(strcat(strcpy(out, self->d), "/a"), "r");
	ASSERT_TRUE(f != NULL);
	size = fread(out, 1, sizeof(out) - 1, f);
	out[size] = 0;
	fclose(f);
	char want[256];

	snprintf(want, sizeof(want), "[%u] STRUCT 'mb_split' size=4 vlen=1\n\t'x' type_id=%u bits_offset=0\n"
		 "[%u] PTR '(anon)' type_id=%u\n", first, int_id, first + 1, first);
	EXPECT_STREQ(want, out);
	if (have_bpftool()) {
		ASSERT_EQ(0, test_sh("bpftool -B " VMLINUX " btf dump file %s format raw > %s/b", path, self->d));
		EXPECT_EQ(0, test_sh("cmp %s/a %s/b", self->d, self->d));
	}
	/* format c: the whole of vmlinux, then the module's struct */
	ASSERT_EQ(0, test_sh(MB " -B " VMLINUX " btf dump file %s > %s/c.h", path, self->d));
	EXPECT_EQ(0, test_sh("grep -A2 '^struct mb_split {' %s/c.h | grep -q 'int x;'", self->d));
	EXPECT_EQ(0, test_sh("grep -q '^struct task_struct {' %s/c.h", self->d));
}

/* ---- the kernel's BTF objects --------------------------------------------------- */
static uint32_t vmlinux_id(void)
{
	uint32_t id = 0;

	while (!mb_sys_get_next_id(BPF_BTF_GET_NEXT_ID, id, &id)) {
		struct bpf_btf_info bi;
		char name[32] = "";
		uint32_t len = sizeof(bi);
		int fd = mb_sys_get_fd_by_id(BPF_BTF_GET_FD_BY_ID, id), ok;

		if (fd < 0)
			continue;
		memset(&bi, 0, sizeof(bi));
		bi.name = (uint64_t)(uintptr_t)name;
		bi.name_len = sizeof(name);
		ok = !mb_sys_obj_get_info_by_fd(fd, &bi, &len) && bi.kernel_btf &&
		     !strcmp(name, "vmlinux");
		close(fd);
		if (ok)
			return id;
	}
	return 0;
}

TEST_F(dir, dump_id_and_show_as_bpftool)
{
	uint32_t id = vmlinux_id();

	if (!id)
		SKIP(return, "the kernel lists no vmlinux BTF object");
	for (int raw = 0; raw < 2; raw++) {
		const char *fmt = raw ? "raw" : "c";

		ASSERT_EQ(0, test_sh(MB " btf dump id %u format %s > %s/a", id, fmt, self->d));
		ASSERT_EQ(0, test_sh(MB " btf dump file " VMLINUX " format %s > %s/b", fmt, self->d));
		EXPECT_EQ(0, test_sh("cmp %s/a %s/b", self->d, self->d)) TH_LOG("format %s", fmt);
	}
	ASSERT_EQ(0, test_sh(MB " btf show id %u > %s/a", id, self->d));
	EXPECT_EQ(0, test_sh("grep -q '^%u: name \\[vmlinux\\]  size [0-9]*B$' %s/a", id, self->d));
	ASSERT_EQ(0, test_sh(MB " btf list > %s/all", self->d));
	EXPECT_EQ(0, test_sh("grep -q '^%u: name \\[vmlinux\\]' %s/all", id, self->d));
	EXPECT_NE(0, test_sh(MB " btf show id 4294967295 >/dev/null 2>&1"));
	if (!have_bpftool())
		return;
	ASSERT_EQ(0, test_sh("bpftool btf show id %u > %s/b", id, self->d));
	EXPECT_EQ(0, test_sh("cmp %s/a %s/b", self->d, self->d));
	ASSERT_EQ(0, test_sh(MB " -j btf show id %u > %s/a", id, self->d));
	ASSERT_EQ(0, test_sh("bpftool -j btf show id %u > %s/b", id, self->d));
	EXPECT_EQ(0, test_sh("cmp %s/a %s/b", self->d, self->d));
}

/* An object's BTF: the programs and maps of a load are listed with it. */
TEST_F(dir, show_lists_the_users)
{
	/* its btf_array is pinned by name: under a root of the test's own */
	struct mb_open_opts oo = { .sz = sizeof(oo), .pin_root = self->pins };
	struct mb_object *o;
	struct bpf_prog_info pi;
	struct bpf_map_info mi;
	uint32_t len = sizeof(pi);

	ASSERT_EQ(0, mkdir(self->pins, 0700));
	o = mb_object_open(MB_BUILD_DIR "/progs/btf_maps.bpf.o", &oo);
	ASSERT_TRUE(o != NULL);
	ASSERT_EQ(0, mb_object_load(o)) TH_LOG("%s", mb_last_error());
	memset(&pi, 0, sizeof(pi));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_prog_fd(mb_object_prog(o, 0)), &pi, &len));
	len = sizeof(mi);
	memset(&mi, 0, sizeof(mi));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_map_fd(mb_object_map(o, 0)), &mi, &len));
	ASSERT_NE(0, pi.btf_id);
	EXPECT_EQ(0, test_sh(MB " btf show id %u | grep -q '^%u: name <anon>  size [0-9]*B  prog_ids .*%u.*  map_ids .*%u'",
			pi.btf_id, pi.btf_id, pi.id, mi.id));
	EXPECT_EQ(0, test_sh(MB " -j btf show id %u | grep -q '\"prog_ids\":\\[[0-9,]*%u[],].*\"kernel\":false'",
			pi.btf_id, pi.id));
	if (have_bpftool()) {
		/* the same ids, whatever order bpftool's hash table gives them */
		EXPECT_EQ(0, test_sh("a=$(" MB " btf show id %u | tr ' ,' '\\n\\n' | sort); "
				"b=$(bpftool btf show id %u | tr ' ,' '\\n\\n' | sort); [ \"$a\" = \"$b\" ]",
				pi.btf_id, pi.btf_id));
	}
	mb_object_close(o);
}

TEST_F(dir, errors_name_the_file)
{
	EXPECT_NE(0, test_sh(MB " btf dump file %s/nope 2>%s/err", self->d, self->d));
	EXPECT_EQ(0, test_sh("grep -q nope %s/err", self->d));
	/* an ELF without .BTF */
	EXPECT_NE(0, test_sh(MB " btf dump file /bin/sh 2>%s/err", self->d));
	EXPECT_EQ(0, test_sh("grep -q '/bin/sh: no .BTF section' %s/err", self->d));
	EXPECT_NE(0, test_sh(MB " btf dump file " MB_BUILD_DIR "/progs/hello.bpf.o format h 2>%s/err", self->d));
	EXPECT_EQ(0, test_sh("grep -q \"unknown format 'h'\" %s/err", self->d));
	/* garbage */
	EXPECT_NE(0, test_sh("head -c 100 /dev/zero > %s/z; " MB " btf dump file %s/z 2>%s/err",
			self->d, self->d, self->d));
	EXPECT_EQ(0, test_sh("grep -q 'bad magic' %s/err", self->d));
}

TEST_HARNESS_MAIN
