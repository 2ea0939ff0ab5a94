// SPDX-License-Identifier: GPL-2.0
/* btf/: .BTF and .BTF.ext parsing against the fixture objects, bpftool's
 * raw dump, the running kernel's vmlinux BTF, and hand-made malformed blobs. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "kselftest_harness.h"
#include "btf/btf.h"

#define FIXTURE_OBJ MB_BUILD_DIR "/progs/btf_maps.bpf.o"

/* ---- libelf helpers (the oracle for sections and symbols) ---------------- */
struct elf_file {
	int fd;
	Elf *elf;
};

static int elf_open(struct elf_file *f, const char *path)
{
	elf_version(EV_CURRENT);
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return -errno;
	f->elf = elf_begin(f->fd, ELF_C_READ, NULL);
	if (!f->elf) {
		close(f->fd);
		return -EINVAL;
	}
	return 0;
}

static void elf_close(struct elf_file *f)
{
	elf_end(f->elf);
	close(f->fd);
}

static Elf_Scn *elf_sec(struct elf_file *f, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(f->elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(f->elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, sh))
			continue;
		n = elf_strptr(f->elf, shstrndx, sh->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/* Raw bytes of a section, as in the file (no libelf conversion). */
static void *elf_sec_bytes(struct elf_file *f, const char *name, size_t *size)
{
	GElf_Shdr sh;
	Elf_Scn *scn = elf_sec(f, name, &sh);
	Elf_Data *d;
	void *p;

	if (!scn || !(d = elf_rawdata(scn, NULL)) || !d->d_size)
		return NULL;
	p = malloc(d->d_size);
	memcpy(p, d->d_buf, d->d_size);
	*size = d->d_size;
	return p;
}

static int elf_sym_value(struct elf_file *f, const char *name, uint32_t *val)
{
	GElf_Shdr sh;
	Elf_Scn *scn = elf_sec(f, ".symtab", &sh);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	size_t i;

	for (i = 0; d && i < sh.sh_size / sh.sh_entsize; i++) {
		GElf_Sym s;
		const char *n;

		if (!gelf_getsym(d, (int)i, &s))
			continue;
		n = elf_strptr(f->elf, sh.sh_link, s.st_name);
		if (n && !strcmp(n, name) && s.st_shndx != SHN_UNDEF) {
			*val = (uint32_t)s.st_value;
			return 0;
		}
	}
	return -ENOENT;
}

static struct mb_btf *load_btf(const char *path, char *err)
{
	struct elf_file f;
	struct mb_btf *btf;
	size_t sz;
	void *raw;

	if (elf_open(&f, path))
		return NULL;
	raw = elf_sec_bytes(&f, ".BTF", &sz);
	btf = raw ? mb_btf_open(raw, sz, err, 256) : NULL;
	if (btf)
		mb_btf_adopt(btf, raw);   /* read in place */
	else
		free(raw);
	elf_close(&f);
	return btf;
}

static struct mb_btf_ext *load_ext(const struct mb_btf *btf, const char *path, char *err)
{
	struct elf_file f;
	struct mb_btf_ext *ext;
	size_t sz;
	void *raw;

	if (elf_open(&f, path))
		return NULL;
	raw = elf_sec_bytes(&f, ".BTF.ext", &sz);
	ext = raw ? mb_btf_ext_parse(btf, raw, sz, err, 256) : NULL;
	free(raw);
	elf_close(&f);
	return ext;
}

/* ---- bpftool oracle: "[id] KIND 'name' ..." lines of the raw dump -------- */
/* Returns the number of types bpftool listed (without void), or -1 on the
 * first disagreement with our parse (reported in *bad). */
static long bpftool_compare(const struct mb_btf *btf, const char *file, char *bad, size_t badlen)
{
	char cmd[512], *line = NULL, kind[32], name[256];
	size_t cap = 0;
	long n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "bpftool btf dump file '%s' 2>/dev/null", file);
	p = popen(cmd, "r");
	if (!p)
		return -2;
	while (getline(&line, &cap, p) > 0) {
		unsigned id;
		const struct mb_btf_type *t;
		const char *ours;

		if (line[0] != '[')
			continue;
		name[0] = 0;
		if (sscanf(line, "[%u] %31s '%255[^']'", &id, kind, name) < 2)
			continue;
		n++;
		t = mb_btf_type_by_id(btf, id);
		ours = t ? mb_btf_str(btf, t->name_off) : NULL;
		if (!t || strcmp(kind, mb_btf_kind_str(mb_btf_kind(t))) ||
		    strcmp(name, *ours ? ours : "(anon)")) {
			snprintf(bad, badlen, "type %u: bpftool says %s '%s', we say %s '%s'", id,
				 kind, name, t ? mb_btf_kind_str(mb_btf_kind(t)) : "nothing",
				 ours ? ours : "");
			n = -1;
			break;
		}
	}
	free(line);
	if (pclose(p) != 0 && n >= 0)
		return -2;
	return n;
}

static int have_bpftool(void)
{
	return system("bpftool version >/dev/null 2>&1") == 0;
}

/* ---- tests on the fixture ------------------------------------------------ */
TEST(fixture_types)
{
	char err[256] = "";
	struct mb_btf *btf = load_btf(FIXTURE_OBJ, err);
	struct mb_btf_member_info m;
	const struct mb_btf_type *t;
	int id, r;

	ASSERT_TRUE((btf) != NULL) TH_LOG("%s: %s", FIXTURE_OBJ, err);
	id = mb_btf_find(btf, "btf_value", MB_BTF_KIND_STRUCT);
	ASSERT_GT(id, 0);
	ASSERT_EQ(40, mb_btf_type_size(btf, id));
	ASSERT_EQ(0, mb_btf_member(btf, id, 0, &m));
	ASSERT_STREQ("packets", m.name);
	ASSERT_EQ(0, m.bit_offset);
	ASSERT_EQ(8, mb_btf_type_size(btf, m.type));
	ASSERT_EQ(1, mb_btf_member_find(btf, id, "flags", &m));
	EXPECT_EQ(64, m.bit_offset);
	EXPECT_EQ(3, m.bitfield_size);
	ASSERT_EQ(2, mb_btf_member_find(btf, id, "mode", &m));
	EXPECT_EQ(67, m.bit_offset);
	EXPECT_EQ(5, m.bitfield_size);
	/* __u32 is a typedef of unsigned int */
	r = mb_btf_resolve(btf, m.type);
	ASSERT_GT(r, 0);
	EXPECT_EQ(MB_BTF_KIND_INT, mb_btf_kind(mb_btf_type_by_id(btf, r)));
	EXPECT_STREQ("unsigned int", mb_btf_str(btf, mb_btf_type_by_id(btf, r)->name_off));
	ASSERT_EQ(3, mb_btf_member_find(btf, id, "color", &m));
	EXPECT_EQ(96, m.bit_offset);
	t = mb_btf_type_by_id(btf, m.type);
	ASSERT_EQ(MB_BTF_KIND_ENUM, mb_btf_kind(t));
	ASSERT_EQ(3, mb_btf_vlen(t));
	EXPECT_STREQ("BTF_BLUE", mb_btf_str(btf, ((struct mb_btf_enum *)mb_btf_extra(t))[2].name_off));
	EXPECT_EQ(40, ((struct mb_btf_enum *)mb_btf_extra(t))[2].val);
	ASSERT_EQ(4, mb_btf_member_find(btf, id, "comm", &m));
	EXPECT_EQ(128, m.bit_offset);
	EXPECT_EQ(16, mb_btf_type_size(btf, m.type));
	ASSERT_EQ(5, mb_btf_member_find(btf, id, "delta", &m));
	EXPECT_EQ(256, m.bit_offset);
	EXPECT_EQ(4, mb_btf_type_size(btf, m.type));
	EXPECT_EQ(-ENOENT, mb_btf_member_find(btf, id, "nope", &m));
	EXPECT_EQ(-ENOENT, mb_btf_member(btf, id, 6, &m));

	/* functions: FUNC -> FUNC_PROTO, static subprog too */
	id = mb_btf_find_func(btf, "btf_xdp");
	ASSERT_GT(id, 0);
	t = mb_btf_type_by_id(btf, id);
	EXPECT_EQ(MB_BTF_KIND_FUNC_PROTO, mb_btf_kind(mb_btf_type_by_id(btf, t->size_or_type)));
	EXPECT_EQ(1, mb_btf_vlen(t));   /* linkage: global */
	id = mb_btf_find_func(btf, "btf_bump");
	ASSERT_GT(id, 0);
	EXPECT_EQ(0, mb_btf_vlen(mb_btf_type_by_id(btf, id)));   /* static */
	EXPECT_EQ(-ENOENT, mb_btf_find_func(btf, "no_such_func"));
	/* const volatile __u32 btf_limit: VAR -> CONST -> VOLATILE -> TYPEDEF -> INT */
	id = mb_btf_find(btf, "btf_limit", MB_BTF_KIND_VAR);
	ASSERT_GT(id, 0);
	EXPECT_EQ(4, mb_btf_type_size(btf, id));
	EXPECT_EQ(MB_BTF_KIND_INT, mb_btf_kind(mb_btf_type_by_id(btf,
		mb_btf_resolve(btf, mb_btf_type_by_id(btf, id)->size_or_type))));
	EXPECT_TRUE((mb_btf_type_by_id(btf, 0)) == NULL);
	EXPECT_TRUE((mb_btf_type_by_id(btf, mb_btf_type_cnt(btf))) == NULL);
	mb_btf_free(btf);
}

TEST(fixture_matches_bpftool)
{
	char err[256] = "", bad[512] = "";
	struct mb_btf *btf;
	long n;

	if (!have_bpftool())
		SKIP(return, "bpftool not installed");
	btf = load_btf(FIXTURE_OBJ, err);
	ASSERT_TRUE((btf) != NULL) TH_LOG("%s", err);
	n = bpftool_compare(btf, FIXTURE_OBJ, bad, sizeof(bad));
	ASSERT_NE(-1, n) TH_LOG("%s", bad);
	ASSERT_GT(n, 0);
	EXPECT_EQ(n + 1, (long)mb_btf_type_cnt(btf));
	mb_btf_free(btf);
}

static struct mb_btf_map_def *find_def(struct mb_btf_map_def *d, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(d[i].name, name))
			return &d[i];
	return NULL;
}

TEST(fixture_map_defs)
{
	char err[256] = "";
	struct mb_btf *btf = load_btf(FIXTURE_OBJ, err);
	struct mb_btf_map_def *d = NULL, *h, *o, *a, *j;
	int n;

	ASSERT_TRUE((btf) != NULL) TH_LOG("%s", err);
	n = mb_btf_map_defs(btf, ".maps", &d, err, sizeof(err));
	ASSERT_EQ(4, n) TH_LOG("%s", err);
	/* DATASEC order is clang's choice: look the maps up by name */
	ASSERT_TRUE((h = find_def(d, n, "btf_hash")) != NULL);
	ASSERT_TRUE((o = find_def(d, n, "btf_outer")) != NULL);
	ASSERT_TRUE((a = find_def(d, n, "btf_array")) != NULL);
	ASSERT_TRUE((j = find_def(d, n, "btf_jmp")) != NULL);
	EXPECT_EQ(BPF_MAP_TYPE_HASH, h->type);
	EXPECT_EQ(128, h->max_entries);
	EXPECT_EQ(BPF_F_NO_PREALLOC, h->map_flags);
	EXPECT_EQ(4, h->key_size);
	EXPECT_EQ(40, h->value_size);
	EXPECT_EQ(40, h->size);
	EXPECT_STREQ("__u32", mb_btf_str(btf, mb_btf_type_by_id(btf, h->key_type_id)->name_off));
	EXPECT_EQ(mb_btf_find(btf, "btf_value", MB_BTF_KIND_STRUCT), (int)h->value_type_id);
	EXPECT_EQ(0, h->pinning);
	EXPECT_EQ(0, h->has_values);

	EXPECT_EQ(BPF_MAP_TYPE_ARRAY_OF_MAPS, o->type);
	EXPECT_EQ(3, o->max_entries);
	EXPECT_EQ(4, o->key_size);
	EXPECT_EQ(1, o->has_values);
	EXPECT_EQ(24, o->values_offset);   /* after type, max_entries, key pointers */
	ASSERT_EQ(1, o->has_inner);
	ASSERT_TRUE((o->inner) != NULL);
	EXPECT_EQ(BPF_MAP_TYPE_ARRAY, o->inner->type);
	EXPECT_EQ(2, o->inner->max_entries);
	EXPECT_EQ(4, o->inner->key_size);
	EXPECT_EQ(8, o->inner->value_size);

	EXPECT_EQ(BPF_MAP_TYPE_ARRAY, a->type);
	EXPECT_EQ(4, a->key_size);
	EXPECT_EQ(24, a->value_size);
	EXPECT_EQ(0, a->key_type_id);
	EXPECT_EQ(0, a->value_type_id);
	EXPECT_EQ(4, a->max_entries);
	EXPECT_EQ(1 /* LIBBPF_PIN_BY_NAME */, a->pinning);

	/* prog array: `values` without an inner map definition */
	EXPECT_EQ(BPF_MAP_TYPE_PROG_ARRAY, j->type);
	EXPECT_EQ(4, j->key_size);
	EXPECT_EQ(1, j->has_values);
	EXPECT_EQ(0, j->has_inner);
	EXPECT_TRUE((j->inner) == NULL);
	EXPECT_EQ(24, j->values_offset);
	mb_btf_map_defs_free(d, n);
	/* no such DATASEC: zero maps, not an error */
	EXPECT_EQ(0, mb_btf_map_defs(btf, ".nomaps", &d, err, sizeof(err)));
	mb_btf_free(btf);
}

struct fix_ctx {
	struct elf_file *f;
	int calls;
};

static int sym_off(void *ctx, const char *name, uint32_t *off)
{
	struct fix_ctx *c = ctx;

	c->calls++;
	return elf_sym_value(c->f, name, off);
}

static int btf_load_kernel(const struct mb_btf *btf, char *log, size_t loglen)
{
	union bpf_attr a;
	uint32_t sz;
	const void *raw = mb_btf_raw(btf, &sz);
	int fd;

	memset(&a, 0, sizeof(a));
	a.btf = (uint64_t)(uintptr_t)raw;
	a.btf_size = sz;
	a.btf_log_buf = (uint64_t)(uintptr_t)log;
	a.btf_log_size = (uint32_t)loglen;
	a.btf_log_level = 1;
	log[0] = 0;
	fd = (int)syscall(__NR_bpf, BPF_BTF_LOAD, &a, sizeof(a));
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* The kernel is the oracle: it rejects clang's DATASEC size 0 and accepts the
 * blob once every DATASEC is fixed from the ELF section sizes and symbols. */
TEST(fixup_datasec_kernel_accepts)
{
	static const char *const secs[] = { ".bss", ".rodata", ".maps", "license" };
	char err[256] = "", *log = malloc(1 << 16);
	struct mb_btf *orig = load_btf(FIXTURE_OBJ, err);
	struct mb_btf_edit *ed = orig ? mb_btf_edit_new(orig, err, sizeof(err)) : NULL;
	const struct mb_btf *btf = ed ? mb_btf_edit_view(ed) : NULL;
	struct mb_btf_map_def *d = NULL;
	struct elf_file f;
	struct fix_ctx c = { &f, 0 };
	const struct mb_btf_type *t;
	const struct mb_btf_var_secinfo *v;
	uint32_t off, i, before;
	int ret, n;

	ASSERT_TRUE((btf) != NULL) TH_LOG("%s", err);
	ASSERT_EQ(0, elf_open(&f, FIXTURE_OBJ));
	ret = btf_load_kernel(btf, log, 1 << 16);
	if (ret == -EPERM || ret == -ENOSYS) {
		elf_close(&f);
		mb_btf_edit_free(ed);
		mb_btf_free(orig);
		free(log);
		SKIP(return, "BPF_BTF_LOAD not permitted here (%d)", ret);
	}
	EXPECT_EQ(-EINVAL, ret);   /* DATASEC size 0 */
	EXPECT_EQ(-ENOENT, mb_btf_edit_fixup_datasec(ed, ".data", 8, sym_off, &c, err, sizeof(err)));
	for (i = 0; i < 4; i++) {
		GElf_Shdr sh;

		ASSERT_TRUE((elf_sec(&f, secs[i], &sh)) != NULL);
		before = c.calls;
		ret = mb_btf_edit_fixup_datasec(ed, secs[i], (uint32_t)sh.sh_size, sym_off, &c,
					   err, sizeof(err));
		ASSERT_EQ(0, ret) TH_LOG("%s", err);
		ASSERT_GT(c.calls, before);
	}
	ret = btf_load_kernel(btf, log, 1 << 16);
	ASSERT_EQ(0, ret) TH_LOG("kernel log: %s", log);

	/* .maps entries now carry symbol offsets, ascending */
	t = mb_btf_type_by_id(btf, mb_btf_find(btf, ".maps", MB_BTF_KIND_DATASEC));
	ASSERT_TRUE((t) != NULL);
	v = mb_btf_extra(t);
	for (i = 1; i < mb_btf_vlen(t); i++)
		EXPECT_LT(v[i - 1].offset, v[i].offset);
	n = mb_btf_map_defs(btf, ".maps", &d, err, sizeof(err));
	ASSERT_EQ(4, n);
	for (i = 0; i < (uint32_t)n; i++) {
		ASSERT_EQ(0, elf_sym_value(&f, d[i].name, &off));
		EXPECT_EQ(off, d[i].sec_offset);
	}
	mb_btf_map_defs_free(d, n);
	/* a section too small for its variables, and a callback failure */
	EXPECT_EQ(-EINVAL, mb_btf_edit_fixup_datasec(ed, ".maps", 8, sym_off, &c, err, sizeof(err)));
	EXPECT_TRUE((strstr(err, "outside")) != NULL);
	elf_close(&f);
	mb_btf_edit_free(ed);
		mb_btf_free(orig);
	free(log);
}

static int no_sym(void *ctx, const char *name, uint32_t *off)
{
	(void)ctx; (void)name; (void)off;
	return -ENOENT;
}

TEST(fixup_datasec_callback_error)
{
	char err[256] = "";
	struct mb_btf *orig = load_btf(FIXTURE_OBJ, err);
	struct mb_btf_edit *ed = orig ? mb_btf_edit_new(orig, err, sizeof(err)) : NULL;
	const struct mb_btf *btf = ed ? mb_btf_edit_view(ed) : NULL;

	ASSERT_TRUE((btf) != NULL) TH_LOG("%s", err);
	EXPECT_EQ(-ENOENT, mb_btf_edit_fixup_datasec(ed, ".bss", 4, no_sym, NULL, err, sizeof(err)));
	EXPECT_TRUE((strstr(err, "btf_counter")) != NULL) TH_LOG("%s", err);
	mb_btf_edit_free(ed);
		mb_btf_free(orig);
}

/* Appending types/strings keeps the blob valid: it re-parses, the kernel
 * loads it, and a record that fails validation leaves no trace. */
TEST(edit_add_type)
{
	static const char *const secs[] = { ".bss", ".rodata", ".maps", "license" };
	char err[256] = "", *log = malloc(1 << 16);
	struct mb_btf *orig = load_btf(FIXTURE_OBJ, err);
	struct mb_btf *again;
	struct mb_btf_edit *ed = orig ? mb_btf_edit_new(orig, err, sizeof(err)) : NULL;
	const struct mb_btf *btf = ed ? mb_btf_edit_view(ed) : NULL;
	struct elf_file f;
	struct fix_ctx c = { &f, 0 };
	uint32_t n0, rec[4], bad[3], sz, i;
	const void *raw;
	int s, id, int_id, ret;

	ASSERT_TRUE(btf != NULL) TH_LOG("%s", err);
	n0 = mb_btf_type_cnt(btf);
	int_id = mb_btf_find(btf, "int", MB_BTF_KIND_INT);
	ASSERT_GT(int_id, 0);
	EXPECT_EQ((int)mb_btf_type_by_id(btf, int_id)->name_off, mb_btf_edit_add_str(ed, "int"));
	s = mb_btf_edit_add_str(ed, "h3_dummy");
	ASSERT_GT(s, 0);
	rec[0] = (uint32_t)s;
	rec[1] = (uint32_t)MB_BTF_KIND_VAR << 24;
	rec[2] = (uint32_t)int_id;
	rec[3] = 1;   /* global allocated */
	id = mb_btf_edit_add_type(ed, rec, sizeof(rec), err, sizeof(err));
	ASSERT_EQ((int)n0, id) TH_LOG("%s", err);
	EXPECT_EQ(n0 + 1, mb_btf_type_cnt(btf));
	EXPECT_EQ(id, mb_btf_find(btf, "h3_dummy", MB_BTF_KIND_VAR));
	EXPECT_EQ(4, mb_btf_type_size(btf, id));
	/* refused: a pointer to a type that does not exist, a short record */
	bad[0] = 0;
	bad[1] = (uint32_t)MB_BTF_KIND_PTR << 24;
	bad[2] = 99999;
	EXPECT_EQ(-EINVAL, mb_btf_edit_add_type(ed, bad, sizeof(bad), err, sizeof(err)));
	EXPECT_EQ(-EINVAL, mb_btf_edit_add_type(ed, rec, 12, err, sizeof(err)));
	EXPECT_EQ(n0 + 1, mb_btf_type_cnt(btf));

	raw = mb_btf_raw(btf, &sz);
	again = mb_btf_open(raw, sz, err, sizeof(err));
	ASSERT_TRUE(again != NULL) TH_LOG("%s", err);
	EXPECT_EQ(n0 + 1, mb_btf_type_cnt(again));
	for (i = 1; i < n0 + 1; i++) {
		ASSERT_EQ(mb_btf_type_by_id(btf, i)->info, mb_btf_type_by_id(again, i)->info);
		ASSERT_STREQ(mb_btf_str(btf, mb_btf_type_by_id(btf, i)->name_off),
			     mb_btf_str(again, mb_btf_type_by_id(again, i)->name_off));
	}
	mb_btf_free(again);

	ASSERT_EQ(0, elf_open(&f, FIXTURE_OBJ));
	for (i = 0; i < 4; i++) {
		GElf_Shdr sh;

		ASSERT_TRUE(elf_sec(&f, secs[i], &sh) != NULL);
		ASSERT_EQ(0, mb_btf_edit_fixup_datasec(ed, secs[i], (uint32_t)sh.sh_size, sym_off, &c,
						  err, sizeof(err))) TH_LOG("%s", err);
	}
	elf_close(&f);
	ret = btf_load_kernel(btf, log, 1 << 16);
	if (ret == -EPERM || ret == -ENOSYS) {
		mb_btf_edit_free(ed);
		mb_btf_free(orig);
		free(log);
		SKIP(return, "BPF_BTF_LOAD not permitted here (%d)", ret);
	}
	EXPECT_EQ(0, ret) TH_LOG("kernel log: %s", log);
	mb_btf_edit_free(ed);
		mb_btf_free(orig);
	free(log);
}

/* Line n of the fixture source, without its newline. */
static int source_line(uint32_t n, char *buf, size_t len)
{
	FILE *f = fopen(MB_SRC_DIR "/progs/btf_maps.bpf.c", "re");
	size_t l;

	if (!f)
		return -errno;
	while (n-- && fgets(buf, (int)len, f))
		;
	fclose(f);
	l = strlen(buf);
	if (l && buf[l - 1] == '\n')
		buf[l - 1] = 0;
	return 0;
}

TEST(fixture_btf_ext)
{
	char err[256] = "";
	struct mb_btf *btf = load_btf(FIXTURE_OBJ, err);
	struct mb_btf_ext *ext;
	const struct mb_btf_ext_sec *s;
	static const char *const secs[] = { ".text", "xdp", "tracepoint/syscalls/sys_enter_getpid" };
	static const char *const funcs[] = { "btf_bump", "btf_xdp", "btf_tp" };
	struct elf_file f;
	uint32_t i, k, with_line = 0;

	ASSERT_TRUE((btf) != NULL) TH_LOG("%s", err);
	ext = load_ext(btf, FIXTURE_OBJ, err);
	ASSERT_TRUE((ext) != NULL) TH_LOG("%s", err);
	ASSERT_EQ(0, elf_open(&f, FIXTURE_OBJ));
	for (i = 0; i < 3; i++) {
		GElf_Shdr sh;

		s = mb_btf_ext_sec(ext, secs[i]);
		ASSERT_TRUE((s) != NULL) TH_LOG("no records for %s", secs[i]);
		ASSERT_TRUE((elf_sec(&f, secs[i], &sh)) != NULL);
		/* one function per section, at its start */
		ASSERT_EQ(1, s->nr_func);
		EXPECT_EQ(0, s->func[0].insn_off);
		EXPECT_EQ(mb_btf_find_func(btf, funcs[i]), (int)s->func[0].type_id);
		/* line info: byte offsets of instructions inside the section, ascending */
		ASSERT_GT(s->nr_line, 1);
		for (k = 0; k < s->nr_line; k++) {
			const char *file = mb_btf_str(btf, s->line[k].file_name_off);

			EXPECT_EQ(0, s->line[k].insn_off % 8);
			EXPECT_LT(s->line[k].insn_off, sh.sh_size);
			if (k)
				EXPECT_LE(s->line[k - 1].insn_off, s->line[k].insn_off);
			EXPECT_TRUE((strstr(file, "btf_maps.bpf.c")) != NULL) TH_LOG("file '%s'", file);
			/* line_off is the source text of that line (0: compiler-made) */
			if (s->line[k].line_col >> 10) {
				char src[512];

				ASSERT_EQ(0, source_line(s->line[k].line_col >> 10, src, sizeof(src)));
				EXPECT_STREQ(src, mb_btf_str(btf, s->line[k].line_off));
				with_line++;
			}
		}
		EXPECT_GT(with_line, 0);
		EXPECT_EQ(0, s->nr_core);
	}
	EXPECT_TRUE((mb_btf_ext_sec(ext, "license")) == NULL);
	EXPECT_TRUE((mb_btf_ext_sec_at(ext, 3)) == NULL);
	elf_close(&f);
	mb_btf_ext_free(ext);
	mb_btf_free(btf);
}

/* CO-RE records: each names a type and an access string; walking the string
 * through our parsed members must give the offset clang baked into the insn. */
TEST(core_relo_records)
{
	const char *obj = MB_BUILD_DIR "/progs/btf_core.bpf.o";
	const char *sec = "raw_tracepoint/sys_enter";
	static const char *const want[] = { "0:1", "0:2:1", "0:0" };
	static const uint32_t want_kind[] = { 0, 0, 2 };   /* byte offset, byte offset, exists */
	char err[256] = "";
	struct mb_btf *btf = load_btf(obj, err);
	struct mb_btf_ext *ext;
	const struct mb_btf_ext_sec *s;
	struct elf_file f;
	uint8_t *text;
	size_t tsz;
	uint32_t i;

	ASSERT_TRUE((btf) != NULL) TH_LOG("%s: %s", obj, err);
	ext = load_ext(btf, obj, err);
	ASSERT_TRUE((ext) != NULL) TH_LOG("%s", err);
	ASSERT_EQ(0, elf_open(&f, obj));
	text = elf_sec_bytes(&f, sec, &tsz);
	elf_close(&f);
	ASSERT_TRUE((text) != NULL);
	s = mb_btf_ext_sec(ext, sec);
	ASSERT_TRUE((s) != NULL);
	ASSERT_EQ(3, s->nr_core);
	for (i = 0; i < 3; i++) {
		const struct mb_btf_core_relo *r = &s->core[i];
		const char *acc = mb_btf_str(btf, r->access_str_off);
		uint32_t type = r->type_id, bits = 0, idx;
		struct mb_btf_member_info m;
		int32_t imm;
		char *end;

		EXPECT_EQ(mb_btf_find(btf, "btf_core_task", MB_BTF_KIND_STRUCT), (int)r->type_id);
		EXPECT_STREQ(want[i], acc);
		EXPECT_EQ(want_kind[i], r->kind);
		ASSERT_EQ(0, r->insn_off % 8);
		ASSERT_LT(r->insn_off + 8, tsz + 1);
		strtoul(acc, &end, 10);   /* first index: the pointer itself */
		while (*end == ':') {
			idx = (uint32_t)strtoul(end + 1, &end, 10);
			ASSERT_EQ(0, mb_btf_member(btf, (uint32_t)mb_btf_resolve(btf, type), idx, &m));
			bits += m.bit_offset;
			type = m.type;
		}
		memcpy(&imm, text + r->insn_off + 4, 4);
		if (r->kind == 0) {
			EXPECT_EQ(bits / 8, (uint32_t)imm) TH_LOG("%s", acc);
		} else {
			EXPECT_EQ(1, imm);
		}
	}
	free(text);
	mb_btf_ext_free(ext);
	mb_btf_free(btf);
}

TEST(vmlinux)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	char err[256] = "", bad[512] = "";
	struct mb_btf_member_info m;
	struct mb_btf *btf;
	int64_t sz;
	size_t len = 0, cap = 1 << 20;
	char *buf;
	ssize_t r;
	long n;
	int fd, id;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		SKIP(return, "%s: %s", path, strerror(errno));
	buf = malloc(cap);
	while ((r = read(fd, buf + len, cap - len)) > 0) {
		len += (size_t)r;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	close(fd);
	btf = mb_btf_open(buf, len, err, sizeof(err));
	if (btf)
		mb_btf_adopt(btf, buf);
	else
		free(buf);
	ASSERT_TRUE((btf) != NULL) TH_LOG("%s", err);
	id = mb_btf_find(btf, "task_struct", MB_BTF_KIND_STRUCT);
	ASSERT_GT(id, 0);
	sz = mb_btf_type_size(btf, id);
	EXPECT_GT(sz, 1000);
	ASSERT_GE(mb_btf_member_find(btf, id, "pid", &m), 0);
	EXPECT_EQ(4, mb_btf_type_size(btf, m.type));   /* pid_t */
	EXPECT_EQ(0, m.bit_offset % 8);
	EXPECT_LT(m.bit_offset / 8, sz);
	if (!have_bpftool()) {
		mb_btf_free(btf);
		SKIP(return, "bpftool not installed: parsed, count not cross-checked");
	}
	n = bpftool_compare(btf, path, bad, sizeof(bad));
	ASSERT_NE(-1, n) TH_LOG("%s", bad);
	ASSERT_GT(n, 1000);
	EXPECT_EQ(n + 1, (long)mb_btf_type_cnt(btf));
	mb_btf_free(btf);
}

/* Host copy of the fixture's struct btf_value: same ABI layout (bitfields too). */
enum btf_color { BTF_RED = 1, BTF_GREEN = 2, BTF_BLUE = 40 };
struct btf_value {
	uint64_t packets;
	uint32_t flags : 3;
	uint32_t mode : 5;
	enum btf_color color;
	char comm[16];
	int16_t delta[2];
};

TEST(dump_value)
{
	/* bpftool 7.1's `map dump` of this entry (the value is at depth 2) */
	static const char bpftool_plain[] =
		"{\n"
		"            \"packets\": 12,\n"
		"            \"flags\": 0x5,\n"
		"            \"mode\": 0xc,\n"
		"            \"color\": \"BTF_BLUE\",\n"
		"            \"comm\": \"ab\",\n"
		"            \"delta\": [-2,7\n"
		"            ]\n"
		"        }";
	static const char bpftool_json[] =
		"{\"packets\":12,\"flags\":\"0x5\",\"mode\":\"0xc\",\"color\":\"BTF_BLUE\","
		"\"comm\":\"ab\",\"delta\":[-2,7]}";
	char err[256] = "", *txt = NULL;
	size_t len = 0;
	struct mb_btf *btf = load_btf(FIXTURE_OBJ, err);
	struct btf_value v;
	FILE *out;
	int id;

	ASSERT_TRUE((btf) != NULL) TH_LOG("%s", err);
	ASSERT_EQ(40, sizeof(v));
	memset(&v, 0, sizeof(v));
	v.packets = 12;
	v.flags = 5;
	v.mode = 12;
	v.color = BTF_BLUE;
	strcpy(v.comm, "ab");
	v.delta[0] = -2;
	v.delta[1] = 7;
	id = mb_btf_find(btf, "btf_value", MB_BTF_KIND_STRUCT);
	ASSERT_GT(id, 0);

	out = open_memstream(&txt, &len);
	ASSERT_EQ(0, mb_btf_dump_value(btf, id, &v, sizeof(v), out, 1));
	fclose(out);
	EXPECT_STREQ(bpftool_json, txt);
	free(txt);
	out = open_memstream(&txt, &len);
	ASSERT_EQ(0, mb_btf_dump_value_at(btf, id, &v, sizeof(v), out, 0, 2));
	fclose(out);
	EXPECT_STREQ(bpftool_plain, txt);
	free(txt);

	/* unprintable chars: an array of numbers; unknown enum value: a number */
	v.comm[1] = 1;
	v.color = 3;
	v.packets = 123456789012ull;
	out = open_memstream(&txt, &len);
	ASSERT_EQ(0, mb_btf_dump_value(btf, id, &v, sizeof(v), out, 1));
	fclose(out);
	EXPECT_TRUE((strstr(txt, "\"packets\":123456789012,")) != NULL) TH_LOG("%s", txt);
	EXPECT_TRUE((strstr(txt, "\"color\":3,")) != NULL) TH_LOG("%s", txt);
	EXPECT_TRUE((strstr(txt, "\"comm\":[97,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0],")) != NULL) TH_LOG("%s", txt);
	free(txt);

	/* too small a buffer is an error, not an over-read */
	out = open_memstream(&txt, &len);
	EXPECT_GT(0, mb_btf_dump_value(btf, id, &v, sizeof(v) - 1, out, 1));
	fclose(out);
	free(txt);
	mb_btf_free(btf);
}

static int zero_off(void *ctx, const char *name, uint32_t *off)
{
	(void)ctx; (void)name;
	*off = 0;
	return 0;
}

/* A global data map's value is its DATASEC: {".bss":[{"btf_counter":42}]} */
TEST(dump_datasec)
{
	char err[256] = "", *txt = NULL;
	size_t len = 0;
	struct mb_btf *orig = load_btf(FIXTURE_OBJ, err);
	struct mb_btf_edit *ed = orig ? mb_btf_edit_new(orig, err, sizeof(err)) : NULL;
	const struct mb_btf *btf = ed ? mb_btf_edit_view(ed) : NULL;
	int32_t counter = 42;
	FILE *out;
	int id;

	ASSERT_TRUE((btf) != NULL) TH_LOG("%s", err);
	ASSERT_EQ(0, mb_btf_edit_fixup_datasec(ed, ".bss", 4, zero_off, NULL, err, sizeof(err)));
	id = mb_btf_find(btf, ".bss", MB_BTF_KIND_DATASEC);
	ASSERT_GT(id, 0);
	out = open_memstream(&txt, &len);
	ASSERT_EQ(0, mb_btf_dump_value(btf, id, &counter, 4, out, 1));
	fclose(out);
	EXPECT_STREQ("{\".bss\":[{\"btf_counter\":42}]}", txt);
	free(txt);
	mb_btf_edit_free(ed);
		mb_btf_free(orig);
}

/* ---- big-endian object: same types as the little-endian one ------------- */
TEST(big_endian_object)
{
	char dir[] = "/tmp/mb_btf_XXXXXX", obj[256], cmd[1024], err[256] = "";
	struct mb_btf *le, *be;
	struct mb_btf_ext *ext;
	struct mb_btf_map_def *dl = NULL, *db = NULL;
	uint32_t id, cnt;
	int nl, nb, i;

	if (system("clang --version >/dev/null 2>&1"))
		SKIP(return, "clang not installed");
	ASSERT_TRUE((mkdtemp(dir)) != NULL);
	snprintf(obj, sizeof(obj), "%s/btf_maps.bpfeb.o", dir);
	snprintf(cmd, sizeof(cmd),
		 "clang -target bpfeb -O2 -g -I/usr/include/$(gcc -print-multiarch) -I%s/progs "
		 "-c %s/progs/btf_maps.bpf.c -o %s", MB_SRC_DIR, MB_SRC_DIR, obj);
	i = system(cmd);
	if (i) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		i = system(cmd);
		SKIP(return, "clang -target bpfeb failed");
	}
	be = load_btf(obj, err);
	EXPECT_TRUE((be) != NULL) TH_LOG("big endian: %s", err);
	ext = be ? load_ext(be, obj, err) : NULL;
	EXPECT_TRUE((ext) != NULL) TH_LOG("big endian ext: %s", err);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	i = system(cmd);
	ASSERT_TRUE((be) != NULL);
	ASSERT_TRUE((ext) != NULL);
	le = load_btf(FIXTURE_OBJ, err);
	ASSERT_TRUE((le) != NULL) TH_LOG("%s", err);
	cnt = mb_btf_type_cnt(le);
	ASSERT_EQ(cnt, mb_btf_type_cnt(be));
	for (id = 1; id < cnt; id++) {
		const struct mb_btf_type *a = mb_btf_type_by_id(le, id), *b = mb_btf_type_by_id(be, id);

		ASSERT_EQ(a->info, b->info) TH_LOG("type %u", id);
		ASSERT_EQ(a->size_or_type, b->size_or_type) TH_LOG("type %u", id);
		ASSERT_STREQ(mb_btf_str(le, a->name_off), mb_btf_str(be, b->name_off));
	}
	/* the raw blob is now host order: its magic reads as 0xeb9f */
	{
		uint32_t sz;
		uint16_t magic;

		memcpy(&magic, mb_btf_raw(be, &sz), 2);
		EXPECT_EQ(0xeb9f, magic);
	}
	nl = mb_btf_map_defs(le, ".maps", &dl, err, sizeof(err));
	nb = mb_btf_map_defs(be, ".maps", &db, err, sizeof(err));
	ASSERT_EQ(4, nl);
	ASSERT_EQ(nl, nb);
	for (i = 0; i < nl; i++) {
		EXPECT_STREQ(dl[i].name, db[i].name);
		EXPECT_EQ(dl[i].type, db[i].type);
		EXPECT_EQ(dl[i].max_entries, db[i].max_entries);
		EXPECT_EQ(dl[i].value_size, db[i].value_size);
	}
	EXPECT_EQ(1, mb_btf_ext_sec(ext, "xdp")->nr_func);
	EXPECT_EQ(mb_btf_find_func(be, "btf_xdp"), (int)mb_btf_ext_sec(ext, "xdp")->func[0].type_id);
	EXPECT_GT(mb_btf_ext_sec(ext, "xdp")->nr_line, 1);
	mb_btf_map_defs_free(dl, nl);
	mb_btf_map_defs_free(db, nb);
	mb_btf_ext_free(ext);
	mb_btf_free(le);
	mb_btf_free(be);
}

/* ---- malformed input ------------------------------------------------------ */
/* A hand-made blob: 24-byte header, types (u32 words), strings. */
struct blob {
	uint8_t b[512];
	size_t len;
};

static void make_blob(struct blob *o, const uint32_t *w, size_t nw, const char *strs, size_t slen)
{
	uint32_t hdr[6] = { 0x0001eb9f, 24, 0, (uint32_t)(nw * 4), (uint32_t)(nw * 4),
			    (uint32_t)slen };

	memcpy(o->b, hdr, 24);
	memcpy(o->b + 24, w, nw * 4);
	memcpy(o->b + 24 + nw * 4, strs, slen);
	o->len = 24 + nw * 4 + slen;
}

#define INFO(kind, vlen) (((uint32_t)(kind) << 24) | (vlen))
#define STRS "\0int\0s\0a\0"
#define STRS_LEN 10

static int parse_err(const uint32_t *w, size_t nw, const char *strs, size_t slen,
		     char *err, size_t errlen)
{
	struct blob o;
	struct mb_btf *btf;

	make_blob(&o, w, nw, strs, slen);
	err[0] = 0;
	btf = mb_btf_open(o.b, o.len, err, errlen);
	if (btf) {
		mb_btf_free(btf);
		return 0;
	}
	return errno ? -errno : -1;
}

/* A header of 25 bytes (valid: its tail is zero) with types 3 bytes after
 * it: when the editor re-lays the blob (types right after the header), its
 * copy pads the header so records stay 4-aligned (fuzz_btf found the
 * misaligned reads UBSan reported, with a header of 61 bytes). */
TEST(editor_aligns_records_after_an_odd_header)
{
	uint32_t w[] = { 1, INFO(MB_BTF_KIND_INT, 0), 4, 32 };
	uint32_t rec[3] = { 0, INFO(MB_BTF_KIND_PTR, 0), 1 }, hl;
	struct blob o;
	char err[256];
	struct mb_btf *btf;
	struct mb_btf_edit *ed;
	const struct mb_btf_type *t;
	const uint8_t *raw;
	uint32_t size;

	uint32_t hdr[6] = { 0x0001eb9f, 25, 3, 16, 19, STRS_LEN };  /* types at 25 + 3 */

	memset(o.b, 0, sizeof(o.b));
	memcpy(o.b, hdr, 24);
	memcpy(o.b + 28, w, sizeof(w));
	memcpy(o.b + 44, STRS, STRS_LEN);
	o.len = 44 + STRS_LEN;
	btf = mb_btf_open(o.b, o.len, err, sizeof(err));
	ASSERT_NE(NULL, btf) TH_LOG("%s", err);
	ed = mb_btf_edit_new(btf, err, sizeof(err));
	ASSERT_NE(NULL, ed) TH_LOG("%s", err);
	EXPECT_EQ(2, mb_btf_edit_add_type(ed, rec, sizeof(rec), err, sizeof(err))) TH_LOG("%s", err);
	raw = mb_btf_edit_bytes(ed, &size);
	memcpy(&hl, raw + 4, 4);
	EXPECT_EQ(28, hl);
	t = mb_btf_type_by_id(mb_btf_edit_view(ed), 2);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(0, (uintptr_t)t % 4);
	EXPECT_EQ(MB_BTF_KIND_PTR, mb_btf_kind(t));
	EXPECT_EQ(4, mb_btf_type_size(mb_btf_edit_view(ed), 1));
	mb_btf_edit_free(ed);
	mb_btf_free(btf);
}

TEST(malformed_btf)
{
	char err[256];
	/* [1] int, [2] struct s { int a; } */
	uint32_t ok[] = { 1, INFO(MB_BTF_KIND_INT, 0), 4, 32,
			  5, INFO(MB_BTF_KIND_STRUCT, 1), 4, 7, 1, 0 };
	uint32_t w[16];
	struct blob o;

	ASSERT_EQ(0, parse_err(ok, 10, STRS, STRS_LEN, err, sizeof(err))) TH_LOG("%s", err);

	memcpy(w, ok, sizeof(ok));
	w[8] = 3;   /* member type id out of range */
	EXPECT_EQ(-EINVAL, parse_err(w, 10, STRS, STRS_LEN, err, sizeof(err)));
	EXPECT_TRUE((strstr(err, "type id 3")) != NULL) TH_LOG("%s", err);

	memcpy(w, ok, sizeof(ok));
	w[5] = INFO(MB_BTF_KIND_STRUCT, 2);   /* vlen overflowing the section */
	EXPECT_EQ(-EINVAL, parse_err(w, 10, STRS, STRS_LEN, err, sizeof(err)));
	EXPECT_TRUE((strstr(err, "vlen")) != NULL) TH_LOG("%s", err);
	w[5] = INFO(MB_BTF_KIND_STRUCT, 0xffff);
	EXPECT_EQ(-EINVAL, parse_err(w, 10, STRS, STRS_LEN, err, sizeof(err)));

	memcpy(w, ok, sizeof(ok));
	w[7] = 200;   /* member name offset out of range */
	EXPECT_EQ(-EINVAL, parse_err(w, 10, STRS, STRS_LEN, err, sizeof(err)));
	EXPECT_TRUE((strstr(err, "name offset")) != NULL) TH_LOG("%s", err);

	/* unterminated string section */
	EXPECT_EQ(-EINVAL, parse_err(ok, 10, "\0int\0s\0a", 8, err, sizeof(err)));
	EXPECT_TRUE((strstr(err, "NUL")) != NULL) TH_LOG("%s", err);

	/* unknown kind */
	memcpy(w, ok, sizeof(ok));
	w[1] = INFO(25, 0);
	EXPECT_EQ(-EINVAL, parse_err(w, 10, STRS, STRS_LEN, err, sizeof(err))) TH_LOG("%s", err);

	/* DATASEC whose entry is an INT, not a VAR */
	{
		uint32_t d[] = { 1, INFO(MB_BTF_KIND_INT, 0), 4, 32,
				 5, INFO(MB_BTF_KIND_DATASEC, 1), 4, 1, 0, 4 };

		EXPECT_EQ(-EINVAL, parse_err(d, 10, STRS, STRS_LEN, err, sizeof(err)));
		EXPECT_TRUE((strstr(err, "not a VAR")) != NULL) TH_LOG("%s", err);
	}
	/* FUNC pointing at an INT, and a typedef cycle (parses, but resolve refuses) */
	{
		uint32_t f[] = { 1, INFO(MB_BTF_KIND_INT, 0), 4, 32,
				 5, INFO(MB_BTF_KIND_FUNC, 0), 1 };
		uint32_t c[] = { 5, INFO(MB_BTF_KIND_TYPEDEF, 0), 2,
				 7, INFO(MB_BTF_KIND_TYPEDEF, 0), 1 };
		struct mb_btf *btf;

		EXPECT_EQ(-EINVAL, parse_err(f, 7, STRS, STRS_LEN, err, sizeof(err)));
		make_blob(&o, c, 6, STRS, STRS_LEN);
		btf = mb_btf_open(o.b, o.len, err, sizeof(err));
		ASSERT_TRUE((btf) != NULL) TH_LOG("%s", err);
		EXPECT_EQ(-ELOOP, mb_btf_resolve(btf, 1));
		EXPECT_GT(0, mb_btf_type_size(btf, 1));
		mb_btf_free(btf);
	}
	/* header problems */
	make_blob(&o, ok, 10, STRS, STRS_LEN);
	o.b[0] = 0x12;
	EXPECT_TRUE((mb_btf_open(o.b, o.len, err, sizeof(err))) == NULL);
	EXPECT_TRUE((strstr(err, "magic")) != NULL);
	make_blob(&o, ok, 10, STRS, STRS_LEN);
	EXPECT_TRUE((mb_btf_open(o.b, o.len - 1, err, sizeof(err))) == NULL);   /* strings past end */
	EXPECT_TRUE((strstr(err, "outside")) != NULL) TH_LOG("%s", err);
	{
		uint32_t v = 0;   /* string section overlapping the types */

		memcpy(o.b + 16, &v, 4);
		EXPECT_TRUE((mb_btf_open(o.b, o.len, err, sizeof(err))) == NULL);
		EXPECT_TRUE((strstr(err, "overlap")) != NULL) TH_LOG("%s", err);
		make_blob(&o, ok, 10, STRS, STRS_LEN);
		v = 0xfffffff0;   /* type_len + type_off wrapping around */
		memcpy(o.b + 8, &v, 4);
		EXPECT_TRUE((mb_btf_open(o.b, o.len, err, sizeof(err))) == NULL);
		make_blob(&o, ok, 10, STRS, STRS_LEN);
		v = 1000;   /* hdr_len */
		memcpy(o.b + 4, &v, 4);
		EXPECT_TRUE((mb_btf_open(o.b, o.len, err, sizeof(err))) == NULL);
	}
	EXPECT_TRUE((mb_btf_open(o.b, 10, err, sizeof(err))) == NULL);
}

/* Random corruption of the real fixture: every outcome is a clean error or a
 * blob whose accessors stay in bounds (the sanitizer build checks that). */
TEST(mutated_btf)
{
	struct elf_file f;
	size_t sz, esz;
	uint8_t *raw, *ext_raw, *m;
	char err[256];
	unsigned seed = 12345, it, ok = 0, bad = 0;

	ASSERT_EQ(0, elf_open(&f, FIXTURE_OBJ));
	raw = elf_sec_bytes(&f, ".BTF", &sz);
	ext_raw = elf_sec_bytes(&f, ".BTF.ext", &esz);
	elf_close(&f);
	ASSERT_TRUE((raw) != NULL);
	ASSERT_TRUE((ext_raw) != NULL);
	m = malloc(sz > esz ? sz : esz);
	for (it = 0; it < 3000; it++) {
		struct mb_btf *btf, *good;
		struct mb_btf_map_def *d;
		struct mb_btf_ext *ext;
		uint32_t id;
		int n, j;
		char sink[4096];
		FILE *out;

		memcpy(m, raw, sz);
		for (j = 0; j < 1 + (int)(it % 4); j++)
			m[rand_r(&seed) % sz] = (uint8_t)rand_r(&seed);
		btf = mb_btf_open(m, it % 7 ? sz : rand_r(&seed) % sz, err, sizeof(err));
		if (!btf) {
			bad++;
			EXPECT_NE(0, err[0]);
			continue;
		}
		ok++;
		out = fmemopen(sink, sizeof(sink), "w");
		memset(sink, 0, sizeof(sink));
		for (id = 1; id < mb_btf_type_cnt(btf); id++) {
			mb_btf_type_size(btf, id);
			mb_btf_dump_value(btf, id, sink, 64, out, 1);
		}
		fclose(out);
		n = mb_btf_map_defs(btf, ".maps", &d, err, sizeof(err));
		if (n >= 0)
			mb_btf_map_defs_free(d, n);
		mb_btf_free(btf);
		/* and the .BTF.ext against the good .BTF */
		good = mb_btf_open(raw, sz, err, sizeof(err));
		ASSERT_TRUE((good) != NULL);
		memcpy(m, ext_raw, esz);
		for (j = 0; j < 1 + (int)(it % 3); j++)
			m[rand_r(&seed) % esz] = (uint8_t)rand_r(&seed);
		ext = mb_btf_ext_parse(good, m, esz, err, sizeof(err));
		mb_btf_ext_free(ext);
		mb_btf_free(good);
	}
	TH_LOG("%u mutated blobs parsed, %u rejected", ok, bad);
	EXPECT_GT(bad, 0);
	free(m);
	free(raw);
	free(ext_raw);
}

/* ---- malformed .BTF.ext --------------------------------------------------- */
static int ext_err(const struct mb_btf *btf, const uint32_t *w, size_t nw, char *err)
{
	struct mb_btf_ext *ext;

	err[0] = 0;
	ext = mb_btf_ext_parse(btf, w, nw * 4, err, 256);
	if (ext) {
		mb_btf_ext_free(ext);
		return 0;
	}
	return -errno;
}

TEST(malformed_btf_ext)
{
	uint32_t ok[] = { 1, INFO(MB_BTF_KIND_INT, 0), 4, 32 };
	char err[256];
	struct blob o;
	struct mb_btf *btf;
	/* header: magic/version, hdr_len 32, func_info 0+20, line_info 20+0, core 20+0;
	 * func_info: rec_size 8, section "s" (off 5) with 1 record */
	uint32_t e[] = { 0x0001eb9f, 32, 0, 20, 20, 0, 20, 0,
			 8, 5, 1, 0, 1 };
	uint32_t w[13];
	struct mb_btf_ext *ext;

	make_blob(&o, ok, 4, STRS, STRS_LEN);
	btf = mb_btf_open(o.b, o.len, err, sizeof(err));
	ASSERT_TRUE((btf) != NULL) TH_LOG("%s", err);
	ext = mb_btf_ext_parse(btf, e, sizeof(e), err, sizeof(err));
	ASSERT_TRUE((ext) != NULL) TH_LOG("%s", err);
	ASSERT_TRUE((mb_btf_ext_sec(ext, "s")) != NULL);
	EXPECT_EQ(1, mb_btf_ext_sec(ext, "s")->nr_func);
	EXPECT_EQ(1, mb_btf_ext_sec(ext, "s")->func[0].type_id);
	mb_btf_ext_free(ext);

	memcpy(w, e, sizeof(e));
	w[8] = 4;   /* rec_size below the minimal func_info */
	EXPECT_EQ(-EINVAL, ext_err(btf, w, 13, err));
	EXPECT_TRUE((strstr(err, "record size")) != NULL) TH_LOG("%s", err);
	w[8] = 64;  /* rec_size bigger than the subsection */
	EXPECT_EQ(-EINVAL, ext_err(btf, w, 13, err));
	memcpy(w, e, sizeof(e));
	w[10] = 0x40000000;   /* num_info * rec_size overflows 32 bits */
	EXPECT_EQ(-EINVAL, ext_err(btf, w, 13, err));
	EXPECT_TRUE((strstr(err, "do not fit")) != NULL) TH_LOG("%s", err);
	memcpy(w, e, sizeof(e));
	w[9] = 500;   /* section name outside .BTF strings */
	EXPECT_EQ(-EINVAL, ext_err(btf, w, 13, err));
	EXPECT_TRUE((strstr(err, "name")) != NULL) TH_LOG("%s", err);
	memcpy(w, e, sizeof(e));
	w[3] = 24;    /* func_info past the end */
	EXPECT_EQ(-EINVAL, ext_err(btf, w, 13, err));
	memcpy(w, e, sizeof(e));
	w[1] = 4;     /* hdr_len too small */
	EXPECT_EQ(-EINVAL, ext_err(btf, w, 13, err));
	memcpy(w, e, sizeof(e));
	w[0] = 0x0001beef;
	EXPECT_EQ(-EINVAL, ext_err(btf, w, 13, err)) TH_LOG("%s", err);
	/* truncated: every shorter length fails cleanly */
	{
		size_t len;

		for (len = 0; len < sizeof(e); len++) {
			ext = mb_btf_ext_parse(btf, e, len, err, sizeof(err));
			EXPECT_TRUE((ext) == NULL) TH_LOG("len %zu", len);
			mb_btf_ext_free(ext);
		}
	}
	mb_btf_free(btf);
}

/* ---- map definition errors name the map and the member ------------------- */
TEST(malformed_map_defs)
{
	/* [1] int, [2] ARRAY int[5] (index int), [3] PTR -> 2,
	 * [4] struct { int (*type)[5]; } / struct { int type; },
	 * [5] VAR 'a' -> 4, [6] DATASEC 's' { 5 } */
	char strs[] = "\0int\0s\0a\0type\0bogus\0";
	uint32_t w[] = { 1, INFO(MB_BTF_KIND_INT, 0), 4, 32,
			 0, INFO(MB_BTF_KIND_ARRAY, 0), 0, 1, 1, 5,
			 0, INFO(MB_BTF_KIND_PTR, 0), 2,
			 0, INFO(MB_BTF_KIND_STRUCT, 1), 8, 9, 3, 0,
			 7, INFO(MB_BTF_KIND_VAR, 0), 4, 1,
			 5, INFO(MB_BTF_KIND_DATASEC, 1), 0, 5, 0, 8 };
	size_t nw = sizeof(w) / 4;
	struct mb_btf_map_def *d;
	struct mb_btf *btf;
	char err[256];
	struct blob o;
	int n;

	make_blob(&o, w, nw, strs, sizeof(strs));
	btf = mb_btf_open(o.b, o.len, err, sizeof(err));
	ASSERT_TRUE((btf) != NULL) TH_LOG("%s", err);
	n = mb_btf_map_defs(btf, "s", &d, err, sizeof(err));
	ASSERT_EQ(1, n) TH_LOG("%s", err);
	EXPECT_STREQ("a", d[0].name);
	EXPECT_EQ(5, d[0].type);
	mb_btf_map_defs_free(d, n);
	mb_btf_free(btf);

	w[17] = 1;   /* member 'type' is a plain int */
	make_blob(&o, w, nw, strs, sizeof(strs));
	btf = mb_btf_open(o.b, o.len, err, sizeof(err));
	ASSERT_TRUE((btf) != NULL);
	EXPECT_EQ(-EINVAL, mb_btf_map_defs(btf, "s", &d, err, sizeof(err)));
	EXPECT_TRUE((strstr(err, "map 'a': field 'type'")) != NULL) TH_LOG("%s", err);
	mb_btf_free(btf);

	w[17] = 3;
	w[16] = 14;  /* unknown member name 'bogus' */
	make_blob(&o, w, nw, strs, sizeof(strs));
	btf = mb_btf_open(o.b, o.len, err, sizeof(err));
	ASSERT_TRUE((btf) != NULL);
	EXPECT_GT(0, mb_btf_map_defs(btf, "s", &d, err, sizeof(err)));
	EXPECT_TRUE((strstr(err, "map 'a': unknown field 'bogus'")) != NULL) TH_LOG("%s", err);
	mb_btf_free(btf);
}

TEST_HARNESS_MAIN
