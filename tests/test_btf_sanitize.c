// BTF sanitizing (btf/sanitize.c, loader/btf_sanitize.c). This kernel takes
// every kind, so: the rewrite is checked kind by kind on the fixture's BTF,
// each sanitized blob must still be accepted by BPF_BTF_LOAD, and objects are
// loaded through the sanitized path forced by MINIBPF_BTF_LACKS; the kernel's
// prog info and its copy of the BTF show what was loaded.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib_file.h"
#include "minibpf.h"
#include "elf/object.h"
#include "loader/internal.h"
#include "syscall/bpf_sys.h"

#define OBJ MB_BUILD_DIR "/progs/sanitize_kinds.bpf.o"

/* The fixture's BTF as the loader hands it to the kernel (DATASECs fixed up),
 * copied, plus an ENUM64 (clang 14 writes none) so every kind is there. */
/* A reader over its own copy of raw. */
static struct mb_btf *open_copy(const void *raw, uint32_t len, char *err, size_t errlen)
{
	void *c = malloc(len ? len : 1);
	struct mb_btf *b = c ? mb_btf_open(memcpy(c, raw, len), len, err, errlen) : NULL;

	if (b)
		mb_btf_adopt(b, c);
	else
		free(c);
	return b;
}

static struct mb_btf *fixture_btf(void)
{
	char err[256];
	size_t size;
	void *data = test_slurp(OBJ, &size);
	struct mb_elf_object *o = data ? mb_elf_object_parse(data, size, "sanitize", err, sizeof(err)) : NULL;
	struct mb_btf *b = NULL;
	struct mb_btf_edit *ed = NULL;
	const void *raw;
	uint32_t len;

	/* the object's bytes to load (DATASECs fixed), plus an ENUM64 */
	if (o && o->btf_edit)
		ed = mb_btf_edit_new(mb_btf_edit_view(o->btf_edit), err, sizeof(err));
	if (ed) {
		int e = mb_btf_edit_add_str(ed, "e64"), v = mb_btf_edit_add_str(ed, "E64_BIG");
		uint32_t rec[6] = { (uint32_t)e, MB_BTF_KIND_ENUM64 << 24 | 1, 8, (uint32_t)v, 0, 1 };

		if (e >= 0 && v >= 0 && mb_btf_edit_add_type(ed, rec, sizeof(rec), err, sizeof(err)) > 0) {
			raw = mb_btf_edit_bytes(ed, &len);
			b = open_copy(raw, len, err, sizeof(err));
		}
		mb_btf_edit_free(ed);
	}
	if (!b)
		fprintf(stderr, "# fixture BTF: %s\n", o ? err : "cannot read " OBJ);
	mb_elf_object_free(o);
	free(data);
	return b;
}

/* The kind a type of kind k becomes when the kernel lacks `lacks`. */
static unsigned expect_kind(unsigned k, unsigned lacks)
{
	switch (k) {
	case MB_BTF_KIND_VAR:        return lacks & MB_BTF_LACK_DATASEC ? MB_BTF_KIND_INT : k;
	case MB_BTF_KIND_DATASEC:    return lacks & MB_BTF_LACK_DATASEC ? MB_BTF_KIND_STRUCT : k;
	case MB_BTF_KIND_DECL_TAG:   return lacks & (MB_BTF_LACK_DECL_TAG | MB_BTF_LACK_DATASEC |
						MB_BTF_LACK_FUNC) ? MB_BTF_KIND_INT : k;
	case MB_BTF_KIND_FUNC_PROTO: return lacks & MB_BTF_LACK_FUNC ? MB_BTF_KIND_ENUM : k;
	case MB_BTF_KIND_FUNC:       return lacks & MB_BTF_LACK_FUNC ? MB_BTF_KIND_TYPEDEF : k;
	case MB_BTF_KIND_FLOAT:      return lacks & MB_BTF_LACK_FLOAT ? MB_BTF_KIND_STRUCT : k;
	case MB_BTF_KIND_TYPE_TAG:   return lacks & MB_BTF_LACK_TYPE_TAG ? MB_BTF_KIND_CONST : k;
	case MB_BTF_KIND_ENUM64:     return lacks & MB_BTF_LACK_ENUM64 ? MB_BTF_KIND_UNION : k;
	}
	return k;
}

static const unsigned lack_sets[] = {
	MB_BTF_LACK_FUNC, MB_BTF_LACK_DATASEC, MB_BTF_LACK_GLOBAL_FUNC, MB_BTF_LACK_FLOAT,
	MB_BTF_LACK_DECL_TAG, MB_BTF_LACK_TYPE_TAG, MB_BTF_LACK_ENUM64,
	MB_BTF_LACK_ALL & ~MB_BTF_LACK_FUNC, MB_BTF_LACK_ALL,
};
#define NSETS (sizeof(lack_sets) / sizeof(lack_sets[0]))

/* Sanitize a copy for `lacks`; the result re-parsed from its raw bytes. */
static struct mb_btf *sanitized(const struct mb_btf *orig, unsigned lacks, char *err, size_t errlen)
{
	uint32_t len;
	struct mb_btf_edit *ed = mb_btf_edit_new(orig, err, errlen);
	struct mb_btf *r = NULL;

	if (ed && !mb_btf_edit_sanitize(ed, lacks, err, errlen)) {
		const void *raw = mb_btf_edit_bytes(ed, &len);

		r = open_copy(raw, len, err, errlen);
	}
	mb_btf_edit_free(ed);
	return r;
}

TEST(lacks_names)
{
	ASSERT_EQ(0, mb_btf_lacks_parse(""));
	ASSERT_EQ(MB_BTF_LACK_DECL_TAG | MB_BTF_LACK_TYPE_TAG, mb_btf_lacks_parse("decl_tag,type_tag"));
	ASSERT_EQ(MB_BTF_LACK_FUNC | MB_BTF_LACK_ENUM64, mb_btf_lacks_parse("enum64,func"));
	ASSERT_EQ(MB_BTF_LACK_GLOBAL_FUNC, mb_btf_lacks_parse("global_func"));
	ASSERT_EQ(MB_BTF_LACK_ALL, mb_btf_lacks_parse("all"));
	ASSERT_EQ(-EINVAL, mb_btf_lacks_parse("decl"));
	ASSERT_EQ(-EINVAL, mb_btf_lacks_parse("float,bogus"));
}

/* Pure: every type keeps its id; each lacked kind became its stand-in, of
 * the same size where it has one; nothing lacked is left. */
TEST(rewrite_kinds)
{
	struct mb_btf *orig = fixture_btf();
	char err[256];
	unsigned s;

	ASSERT_NE(NULL, orig);
	for (s = 0; s < NSETS; s++) {
		unsigned lacks = lack_sets[s], seen[MB_BTF_KIND_MAX + 1] = { 0 };
		struct mb_btf *b = sanitized(orig, lacks, err, sizeof(err));
		uint32_t id, n = mb_btf_type_cnt(orig);

		ASSERT_NE(NULL, b) TH_LOG("lacks %#x: %s", lacks, err);
		/* the ENUM64 stand-in's members point at one new INT */
		ASSERT_EQ(n + !!(lacks & MB_BTF_LACK_ENUM64), mb_btf_type_cnt(b));
		for (id = 1; id < n; id++) {
			const struct mb_btf_type *o = mb_btf_type_by_id(orig, id);
			const struct mb_btf_type *t = mb_btf_type_by_id(b, id);
			unsigned ok = mb_btf_kind(o), k = mb_btf_kind(t);

			seen[k]++;
			ASSERT_EQ(expect_kind(ok, lacks), k)
				TH_LOG("lacks %#x: [%u] %s became %s", lacks, id,
				       mb_btf_kind_str(ok), mb_btf_kind_str(k));
			if (ok == MB_BTF_KIND_FLOAT || ok == MB_BTF_KIND_ENUM64 || ok == MB_BTF_KIND_DATASEC)
				ASSERT_EQ(o->size_or_type, t->size_or_type);
			if (ok == MB_BTF_KIND_DATASEC && k == MB_BTF_KIND_STRUCT) {
				struct mb_btf_member_info m;

				ASSERT_EQ(NULL, strchr(mb_btf_str(b, t->name_off), '.'));
				ASSERT_EQ(0, mb_btf_member(b, id, 0, &m));
				ASSERT_NE(0, m.name[0]);   /* the variable's name */
			}
			if (ok == MB_BTF_KIND_FUNC && k == MB_BTF_KIND_FUNC && (lacks & MB_BTF_LACK_GLOBAL_FUNC))
				ASSERT_EQ(0, mb_btf_vlen(t));
			if (ok == MB_BTF_KIND_ENUM && (lacks & MB_BTF_LACK_ENUM64))
				ASSERT_EQ(0, mb_btf_kflag(t));
		}
		if (lacks & MB_BTF_LACK_DATASEC)
			ASSERT_EQ(0, seen[MB_BTF_KIND_VAR] + seen[MB_BTF_KIND_DATASEC]);
		if (lacks & MB_BTF_LACK_TYPE_TAG)
			ASSERT_EQ(0, seen[MB_BTF_KIND_TYPE_TAG]);
		if (lacks & MB_BTF_LACK_FLOAT)
			ASSERT_EQ(0, seen[MB_BTF_KIND_FLOAT]);
		if (lacks & MB_BTF_LACK_ENUM64)
			ASSERT_EQ(0, seen[MB_BTF_KIND_ENUM64]);
		if (lacks & MB_BTF_LACK_FUNC)
			ASSERT_EQ(0, seen[MB_BTF_KIND_FUNC] + seen[MB_BTF_KIND_FUNC_PROTO]);
		/* untouched, or all gone */
		ASSERT_EQ(!(lacks & (MB_BTF_LACK_DECL_TAG | MB_BTF_LACK_DATASEC | MB_BTF_LACK_FUNC)),
			  seen[MB_BTF_KIND_DECL_TAG] > 0);
		mb_btf_free(b);
	}
	mb_btf_free(orig);
}

/* Kernel: each sanitized blob is still one BPF_BTF_LOAD accepts. */
TEST(kernel_takes_sanitized)
{
	struct mb_btf *orig = fixture_btf();
	char err[256], *log = NULL;
	const void *raw;
	uint32_t len;
	unsigned s;
	int fd;

	ASSERT_NE(NULL, orig);
	raw = mb_btf_raw(orig, &len);
	fd = mb_sys_btf_load(raw, len, &log);
	ASSERT_LE(0, fd) TH_LOG("unsanitized: %s\n%s", strerror(-fd), log ? log : "");
	close(fd);
	free(log);
	for (s = 0; s < NSETS; s++) {
		struct mb_btf *b = sanitized(orig, lack_sets[s], err, sizeof(err));

		ASSERT_NE(NULL, b) TH_LOG("%s", err);
		raw = mb_btf_raw(b, &len);
		log = NULL;
		fd = mb_sys_btf_load(raw, len, &log);
		ASSERT_LE(0, fd) TH_LOG("lacks %#x: %s\n%s", lack_sets[s], strerror(-fd), log ? log : "");
		close(fd);
		free(log);
		mb_btf_free(b);
	}
	mb_btf_free(orig);
}

/* Kernel: the probes (one tiny BTF per kind) all pass on 6.18. */
TEST(probe_finds_nothing_missing)
{
	ASSERT_EQ(0, mb_btf_probe_lacks());
}

FIXTURE(forced) {
	struct mb_object *obj;
};

FIXTURE_SETUP(forced)
{
	self->obj = NULL;
}

FIXTURE_TEARDOWN(forced)
{
	unsetenv("MINIBPF_BTF_LACKS");
	mb_object_close(self->obj);
}

/* The kernel's copy of a loaded BTF, parsed; its id in *id. */
static struct mb_btf *kernel_btf(int fd, uint32_t *id)
{
	struct bpf_btf_info bi;
	uint32_t len = sizeof(bi), size;
	struct mb_btf *b = NULL;
	char err[256];
	void *data;

	memset(&bi, 0, sizeof(bi));
	if (mb_sys_obj_get_info_by_fd(fd, &bi, &len) || !(data = calloc(1, bi.btf_size)))
		return NULL;
	size = bi.btf_size;
	memset(&bi, 0, sizeof(bi));
	bi.btf = (uint64_t)(uintptr_t)data;
	bi.btf_size = size;
	len = sizeof(bi);
	if (!mb_sys_obj_get_info_by_fd(fd, &bi, &len))
		b = mb_btf_open(data, size, err, sizeof(err));
	*id = bi.id;
	if (b)
		mb_btf_adopt(b, data);
	else
		free(data);
	return b;
}

static int count_kind(const struct mb_btf *b, unsigned kind)
{
	uint32_t id;
	int n = 0;

	for (id = 1; id < mb_btf_type_cnt(b); id++)
		n += mb_btf_kind(mb_btf_type_by_id(b, id)) == kind;
	return n;
}

static const char *const forced_sets[] = {
	"decl_tag,type_tag", "float", "enum64", "global_func", "datasec",
	"datasec,global_func,float,decl_tag,type_tag,enum64", "func", "all",
};

/* An object loaded through the sanitized path: the program carries func and
 * line info (unless the kernel lacks FUNC), and the BTF the kernel holds has
 * none of the lacked kinds. */
TEST_F(forced, load_sanitized)
{
	unsigned s;

	for (s = 0; s < sizeof(forced_sets) / sizeof(forced_sets[0]); s++) {
		int lacks = mb_btf_lacks_parse(forced_sets[s]);
		struct bpf_prog_info pi;
		struct mb_prog *p;
		struct mb_btf *kb;
		uint32_t btf_id, len;

		ASSERT_LT(0, lacks);
		ASSERT_EQ(0, setenv("MINIBPF_BTF_LACKS", forced_sets[s], 1));
		self->obj = mb_object_open(OBJ, NULL);
		ASSERT_NE(NULL, self->obj) TH_LOG("%s", mb_last_error());
		mb_prog_set_autoload(mb_object_prog_by_name(self->obj, "sanitize_bad"), 0);
		ASSERT_EQ(0, mb_object_load(self->obj)) TH_LOG("%s: %s", forced_sets[s], mb_last_error());
		ASSERT_EQ((unsigned)lacks, self->obj->btf_lacks);
		p = mb_object_prog_by_name(self->obj, "sanitize_ok");
		ASSERT_LE(3, self->obj->btf_fd);
		kb = kernel_btf(self->obj->btf_fd, &btf_id);
		ASSERT_NE(NULL, kb);
		memset(&pi, 0, sizeof(pi));
		len = sizeof(pi);
		ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_prog_fd(p), &pi, &len));
		if (lacks & MB_BTF_LACK_FUNC) {
			/* no func_info, so no BTF with the program either (as before 5.0) */
			ASSERT_EQ(0, pi.btf_id);
			ASSERT_EQ(0, pi.nr_func_info);
			ASSERT_EQ(0, pi.nr_line_info);
			ASSERT_EQ(0, count_kind(kb, MB_BTF_KIND_FUNC));
		} else {
			ASSERT_EQ(btf_id, pi.btf_id);
			ASSERT_EQ(2, pi.nr_func_info);   /* sanitize_ok, add_one */
			ASSERT_LT(4, pi.nr_line_info);
		}
		ASSERT_EQ(!(lacks & (MB_BTF_LACK_DECL_TAG | MB_BTF_LACK_DATASEC | MB_BTF_LACK_FUNC)),
			  count_kind(kb, MB_BTF_KIND_DECL_TAG) > 0);
		if (lacks & MB_BTF_LACK_TYPE_TAG)
			ASSERT_EQ(0, count_kind(kb, MB_BTF_KIND_TYPE_TAG));
		ASSERT_EQ(!(lacks & MB_BTF_LACK_FLOAT), count_kind(kb, MB_BTF_KIND_FLOAT));
		if (lacks & MB_BTF_LACK_DATASEC)
			ASSERT_EQ(0, count_kind(kb, MB_BTF_KIND_DATASEC) + count_kind(kb, MB_BTF_KIND_VAR));
		mb_btf_free(kb);
		mb_object_close(self->obj);
		self->obj = NULL;
	}
}

/* The point of keeping BTF: a rejected program's verifier log still shows
 * the source line, with the BTF sanitized. */
TEST_F(forced, rejected_log_has_source)
{
	const char *log;

	ASSERT_EQ(0, setenv("MINIBPF_BTF_LACKS", "datasec,global_func,float,decl_tag,type_tag,enum64", 1));
	self->obj = mb_object_open(OBJ, NULL);
	ASSERT_NE(NULL, self->obj) TH_LOG("%s", mb_last_error());
	mb_prog_set_autoload(mb_object_prog_by_name(self->obj, "sanitize_ok"), 0);
	ASSERT_NE(0, mb_object_load(self->obj));
	log = mb_prog_log(mb_object_prog_by_name(self->obj, "sanitize_bad"));
	ASSERT_NE(NULL, log);
	ASSERT_NE(NULL, strstr(log, "v->e = BIG_A;")) TH_LOG("log:\n%s", log);
}

static int count_in(FILE *f, const char *what)
{
	char line[512];
	int n = 0;

	rewind(f);
	while (fgets(line, sizeof(line), f))
		n += !!strstr(line, what);
	return n;
}

/* A kernel that takes the BTF pays one BPF_BTF_LOAD, no probes. When the
 * kernel says EINVAL (injected here), the probes run; on this kernel they
 * find nothing missing, so the object loads without BTF, as before. */
TEST_F(forced, probes_only_after_rejection)
{
	FILE *tr = tmpfile();

	ASSERT_NE(NULL, tr);
	self->obj = mb_object_open(OBJ, NULL);
	ASSERT_NE(NULL, self->obj) TH_LOG("%s", mb_last_error());
	mb_prog_set_autoload(mb_object_prog_by_name(self->obj, "sanitize_bad"), 0);
	mb_trace(tr);
	ASSERT_EQ(0, mb_object_load(self->obj)) TH_LOG("%s", mb_last_error());
	mb_trace(NULL);
	ASSERT_EQ(1, count_in(tr, "BPF_BTF_LOAD"));
	ASSERT_LE(3, self->obj->btf_fd);
	mb_object_close(self->obj);

	self->obj = mb_object_open(OBJ, NULL);
	ASSERT_NE(NULL, self->obj) TH_LOG("%s", mb_last_error());
	mb_prog_set_autoload(mb_object_prog_by_name(self->obj, "sanitize_bad"), 0);
	fclose(tr);
	tr = tmpfile();
	ASSERT_NE(NULL, tr);
	mb_trace(tr);
	mb_sys_fail_nth(1, EINVAL);   /* the object's BPF_BTF_LOAD */
	ASSERT_EQ(0, mb_object_load(self->obj)) TH_LOG("%s", mb_last_error());
	mb_sys_fail_nth(0, 0);
	mb_trace(NULL);
	ASSERT_EQ(8, count_in(tr, "BPF_BTF_LOAD")) TH_LOG("1 + 7 probes");
	ASSERT_EQ(-1, self->obj->btf_fd);
	ASSERT_EQ(0, self->obj->btf_lacks);
	fclose(tr);
}

TEST_HARNESS_MAIN
