// elf/: the ELF reader, the object model and the pure linker. No kernel
// needed. Oracle: libelf reads the same fixtures and must agree with us.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elf/elf_reader.h"
#include "elf/object.h"
#include "btf/btf.h"

#include "kselftest_harness.h"
#include "lib_file.h"

#define MULTI MB_BUILD_DIR "/progs/elf_multi.bpf.o"
#define LEGACY MB_BUILD_DIR "/progs/elf_legacy.bpf.o"
#define EXTERN MB_BUILD_DIR "/progs/elf_extern.bpf.o"

static struct mb_elf_object *parse_file(const char *path, char *err, size_t errlen)
{
	size_t size;
	void *data = test_slurp(path, &size);
	struct mb_elf_object *obj;

	if (!data) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	obj = mb_elf_object_parse(data, size, path, err, errlen);
	free(data);        /* the object must not need it any more */
	return obj;
}

/* Compare our reader with libelf on every section, symbol and relocation. */
static int agree_with_libelf(struct __test_metadata *_metadata, const char *path)
{
	size_t size, shnum, shstrndx, i;
	void *data = test_slurp(path, &size);
	struct mb_elf e;
	char err[256];
	Elf *elf;
	Elf_Scn *scn = NULL;
	int fd;

	if (!data)
		return -1;
	EXPECT_EQ(0, mb_elf_open(&e, data, size, err, sizeof(err))) TH_LOG("%s", err);
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	EXPECT_NE(NULL, elf);
	EXPECT_EQ(0, elf_getshdrnum(elf, &shnum));
	EXPECT_EQ(0, elf_getshdrstrndx(elf, &shstrndx));
	EXPECT_EQ(shnum, e.shnum);
	EXPECT_EQ(shstrndx, e.shstrndx);
	while ((scn = elf_nextscn(elf, scn))) {
		size_t idx = elf_ndxscn(scn);
		const struct mb_elf_shdr *s = &e.sh[idx];
		GElf_Shdr sh;

		gelf_getshdr(scn, &sh);
		EXPECT_STREQ(elf_strptr(elf, shstrndx, sh.sh_name), s->name);
		EXPECT_EQ(sh.sh_type, s->type);
		EXPECT_EQ(sh.sh_flags, s->flags);
		EXPECT_EQ(sh.sh_offset, s->offset);
		EXPECT_EQ(sh.sh_size, s->size);
		EXPECT_EQ(sh.sh_link, s->link);
		EXPECT_EQ(sh.sh_info, s->info);
		EXPECT_EQ(sh.sh_entsize, s->entsize);
		if (sh.sh_type == SHT_SYMTAB) {
			Elf_Data *d = elf_getdata(scn, NULL);
			size_t n = sh.sh_size / sh.sh_entsize;

			EXPECT_EQ(n, e.nsyms);
			for (i = 0; i < n && i < e.nsyms; i++) {
				GElf_Sym sym;

				gelf_getsym(d, (int)i, &sym);
				EXPECT_STREQ(elf_strptr(elf, sh.sh_link, sym.st_name), e.syms[i].name);
				EXPECT_EQ(sym.st_value, e.syms[i].value);
				EXPECT_EQ(sym.st_size, e.syms[i].size);
				EXPECT_EQ(GELF_ST_TYPE(sym.st_info), e.syms[i].type);
				EXPECT_EQ(GELF_ST_BIND(sym.st_info), e.syms[i].bind);
				EXPECT_EQ(sym.st_shndx, e.syms[i].shndx);
			}
		}
		if (sh.sh_type == SHT_REL) {
			Elf_Data *d = elf_getdata(scn, NULL);
			struct mb_elf_rel *rels;
			int n = mb_elf_rels(&e, (uint32_t)idx, &rels);

			EXPECT_EQ((int)(sh.sh_size / sh.sh_entsize), n);
			for (i = 0; (int)i < n; i++) {
				GElf_Rel rel;

				gelf_getrel(d, (int)i, &rel);
				EXPECT_EQ(rel.r_offset, rels[i].offset);
				EXPECT_EQ(GELF_R_SYM(rel.r_info), rels[i].sym);
				EXPECT_EQ(GELF_R_TYPE(rel.r_info), rels[i].type);
			}
			free(rels);
		}
	}
	elf_end(elf);
	close(fd);
	mb_elf_close(&e);
	free(data);
	return 0;
}

TEST(reader_agrees_with_libelf)
{
	ASSERT_EQ(0, agree_with_libelf(_metadata, MULTI)) TH_LOG("missing %s", MULTI);
	ASSERT_EQ(0, agree_with_libelf(_metadata, LEGACY)) TH_LOG("missing %s", LEGACY);
}

/* Symbol lookup through libelf: the oracle for program boundaries. */
static int libelf_sym(const char *path, const char *name, GElf_Sym *out, char *secname, size_t len)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int fd = open(path, O_RDONLY | O_CLOEXEC), found = -1;

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	elf_getshdrstrndx(elf, &shstrndx);
	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i;

		gelf_getshdr(scn, &sh);
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			gelf_getsym(d, (int)i, out);
			if (!strcmp(elf_strptr(elf, sh.sh_link, out->st_name), name)) {
				GElf_Shdr ts;

				gelf_getshdr(elf_getscn(elf, out->st_shndx), &ts);
				snprintf(secname, len, "%s", elf_strptr(elf, shstrndx, ts.sh_name));
				found = 0;
				break;
			}
		}
	}
	elf_end(elf);
	close(fd);
	return found;
}

TEST(programs)
{
	static const struct { const char *name, *sec; int global; } want[] = {
		{ "xdp_second", "xdp", 1 },
		{ "xdp_first", "xdp", 1 },
		{ "xdp_static", "xdp", 0 },
		{ "handle_exec", "tracepoint/syscalls/sys_enter_execve", 1 },
	};
	char err[256], sec[256];
	struct mb_elf_object *obj = parse_file(MULTI, err, sizeof(err));
	size_t size;
	uint8_t *raw = test_slurp(MULTI, &size);
	uint32_t i;

	ASSERT_NE(NULL, obj) TH_LOG("%s", err);
	ASSERT_EQ(4, obj->nprogs);
	ASSERT_STREQ("GPL", obj->license);
	EXPECT_EQ(0, obj->has_version);
	for (i = 0; i < 4; i++) {
		int k = mb_elf_object_prog_find(obj, want[i].name);
		const struct mb_elf_prog *p;
		GElf_Sym sym;

		ASSERT_GE(k, 0) TH_LOG("program %s not found", want[i].name);
		p = &obj->progs[k];
		EXPECT_STREQ(want[i].sec, p->sec_name);
		EXPECT_EQ(want[i].global, p->global);
		ASSERT_EQ(0, libelf_sym(MULTI, want[i].name, &sym, sec, sizeof(sec)));
		EXPECT_STREQ(sec, p->sec_name);
		EXPECT_EQ(sym.st_shndx, p->sec_idx);
		EXPECT_EQ(sym.st_value / 8, p->insn_off);
		EXPECT_EQ(sym.st_size / 8, p->insn_cnt);
		/* A little-endian object on a little-endian host: bytes equal. */
		if (*(const uint16_t *)"\1\0" == 1 && !obj->big_endian) {
			struct mb_elf e;

			ASSERT_EQ(0, mb_elf_open(&e, raw, size, err, sizeof(err)));
			EXPECT_EQ(0, memcmp(raw + e.sh[p->sec_idx].offset + sym.st_value, p->insns,
					    p->insn_cnt * 8));
			mb_elf_close(&e);
		}
	}
	/* .text functions are subprograms, not programs. */
	EXPECT_EQ(-1, mb_elf_object_prog_find(obj, "sub_static"));
	EXPECT_EQ(-1, mb_elf_object_prog_find(obj, "sub_global"));
	EXPECT_EQ(-1, mb_elf_object_prog_find(obj, "loop_cb"));
	EXPECT_EQ(7, obj->nfuncs);
	EXPECT_EQ(0, obj->nexterns);
	EXPECT_NE(NULL, obj->btf_data);
	EXPECT_NE(NULL, obj->btf_ext_data);
	free(raw);
	mb_elf_object_free(obj);
}

static const struct mb_elf_map *map_get(struct mb_elf_object *obj, const char *name)
{
	int k = mb_elf_object_map_find(obj, name);

	return k < 0 ? NULL : &obj->maps[k];
}

TEST(global_data_maps)
{
	char err[256];
	struct mb_elf_object *obj = parse_file(MULTI, err, sizeof(err));
	const struct mb_elf_map *m;
	uint64_t v;

	ASSERT_NE(NULL, obj) TH_LOG("%s", err);
	ASSERT_NE(NULL, m = map_get(obj, ".data"));
	EXPECT_STREQ("elf_mult.data", m->kname);
	EXPECT_EQ(MB_MAP_DATA, m->origin);
	EXPECT_EQ(BPF_MAP_TYPE_ARRAY, m->type);
	EXPECT_EQ(4, m->key_size);
	EXPECT_EQ(24, m->value_size);
	EXPECT_EQ(1, m->max_entries);
	EXPECT_EQ(0, m->map_flags);
	EXPECT_EQ(0, m->freeze);
	if (!obj->big_endian) {
		memcpy(&v, m->init_data, 8);
		EXPECT_EQ(7, v);        /* data_var */
		memcpy(&v, (char *)m->init_data + 16, 8);
		EXPECT_EQ(3, v);        /* static_data */
	}
	ASSERT_NE(NULL, m = map_get(obj, ".rodata"));
	EXPECT_STREQ("elf_mult.rodata", m->kname);
	EXPECT_EQ(BPF_F_RDONLY_PROG, m->map_flags);
	EXPECT_EQ(1, m->freeze);
	EXPECT_EQ(16, m->value_size);
	ASSERT_NE(NULL, m = map_get(obj, ".bss"));
	EXPECT_STREQ("elf_mult.bss", m->kname);
	EXPECT_EQ(8, m->value_size);
	memcpy(&v, m->init_data, 8);
	EXPECT_EQ(0, v);
	ASSERT_NE(NULL, m = map_get(obj, ".data.custom"));
	EXPECT_STREQ(".data.custom", m->kname);
	EXPECT_EQ(4, m->value_size);
	mb_elf_object_free(obj);
}

TEST(btf_maps_and_initial_values)
{
	char err[256];
	struct mb_elf_object *obj = parse_file(MULTI, err, sizeof(err));
	const struct mb_elf_map *m;
	int outer, jumps, seen = 0;
	uint32_t i;

	ASSERT_NE(NULL, obj) TH_LOG("%s", err);
	ASSERT_NE(NULL, m = map_get(obj, "counts"));
	EXPECT_EQ(MB_MAP_BTF, m->origin);
	EXPECT_STREQ("counts", m->kname);
	EXPECT_EQ(BPF_MAP_TYPE_HASH, m->type);
	EXPECT_EQ(4, m->key_size);
	EXPECT_EQ(8, m->value_size);
	EXPECT_EQ(128, m->max_entries);
	ASSERT_NE(NULL, m = map_get(obj, "outer"));
	EXPECT_EQ(BPF_MAP_TYPE_ARRAY_OF_MAPS, m->type);
	ASSERT_NE(NULL, m->inner);
	EXPECT_EQ(BPF_MAP_TYPE_ARRAY, m->inner->type);
	EXPECT_EQ(8, m->inner->value_size);
	EXPECT_EQ(4, m->inner->max_entries);
	outer = mb_elf_object_map_find(obj, "outer");
	jumps = mb_elf_object_map_find(obj, "jumps");
	ASSERT_GE(jumps, 0);
	EXPECT_EQ(BPF_MAP_TYPE_PROG_ARRAY, obj->maps[jumps].type);
	ASSERT_EQ(3, obj->ninits);
	for (i = 0; i < obj->ninits; i++) {
		const struct mb_elf_map_init *in = &obj->inits[i];

		if ((int)in->map == outer && in->slot == 0) {
			EXPECT_EQ(MB_INIT_MAP, in->kind);
			EXPECT_STREQ("inner_a", obj->maps[in->target].name);
			seen |= 1;
		} else if ((int)in->map == outer && in->slot == 2) {
			EXPECT_STREQ("inner_b", obj->maps[in->target].name);
			seen |= 2;
		} else if ((int)in->map == jumps && in->slot == 1) {
			EXPECT_EQ(MB_INIT_PROG, in->kind);
			EXPECT_STREQ("xdp_second", obj->progs[in->target].name);
			seen |= 4;
		}
	}
	EXPECT_EQ(7, seen);
	mb_elf_object_free(obj);
}

/* The parse fixes the .BTF DATASECs (size 0 / offsets 0 from clang). */
TEST(btf_datasec_fixed)
{
	static const struct { const char *sec, *var; uint32_t off; } want[] = {
		{ ".data", "data_var2", 8 }, { ".data", "static_data", 16 },
		{ ".rodata", "ro_var2", 8 }, { ".maps", "outer", 0 }, { ".maps", "counts", 0 },
	};
	char err[256];
	struct mb_elf_object *obj = parse_file(MULTI, err, sizeof(err));
	const struct mb_btf *fixed;
	uint32_t i, k;

	ASSERT_NE(NULL, obj) TH_LOG("%s", err);
	ASSERT_NE(NULL, obj->btf);
	ASSERT_NE(NULL, obj->btf_edit);
	fixed = mb_btf_edit_view(obj->btf_edit);   /* the bytes to load */
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int id = mb_btf_find(fixed, want[i].sec, MB_BTF_KIND_DATASEC);
		const struct mb_btf_type *t;
		const struct mb_btf_var_secinfo *v;
		const struct mb_elf_var *ev = mb_elf_object_var_find(obj, want[i].sec, want[i].var);
		int sec = mb_elf_object_sec_find(obj, want[i].sec), found = 0;

		ASSERT_GT(id, 0);
		ASSERT_GT(sec, 0);
		ASSERT_NE(NULL, ev) TH_LOG("no var %s", want[i].var);
		t = mb_btf_type_by_id(fixed, id);
		EXPECT_EQ(obj->sections[sec].size, t->size_or_type);
		v = mb_btf_extra(t);
		for (k = 0; k < mb_btf_vlen(t); k++) {
			const struct mb_btf_type *var = mb_btf_type_by_id(fixed, v[k].type);

			if (strcmp(mb_btf_str(fixed, var->name_off), want[i].var))
				continue;
			found = 1;
			EXPECT_EQ(ev->offset, v[k].offset);
			if (want[i].off)
				EXPECT_EQ(want[i].off, v[k].offset);
		}
		EXPECT_TRUE(found) TH_LOG("%s not in DATASEC %s", want[i].var, want[i].sec);
	}
	/* .maps offsets equal the map definitions' offsets. */
	EXPECT_EQ(mb_elf_object_var_find(obj, ".maps", "outer")->offset,
		  obj->maps[mb_elf_object_map_find(obj, "outer")].sec_offset);
	mb_elf_object_free(obj);
}

static int seg_of(const struct mb_elf_object *obj, const struct mb_elf_linked *l, const char *fn)
{
	uint32_t i;

	for (i = 0; i < l->nsegs; i++)
		if (!strcmp(obj->funcs[l->segs[i].func].name, fn))
			return (int)l->segs[i].dst_off;
	return -1;
}

static const struct mb_elf_patch *patch_at(const struct mb_elf_linked *l, uint32_t insn)
{
	uint32_t i;

	for (i = 0; i < l->npatches; i++)
		if (l->patches[i].insn == insn)
			return &l->patches[i];
	return NULL;
}

/* Every pseudo call / function address lands on a segment start (our
 * fixtures only call function entries). */
static void check_targets(struct __test_metadata *_metadata, const struct mb_elf_linked *l)
{
	uint32_t i, k;

	for (i = 0; i < l->insn_cnt; i++) {
		const struct bpf_insn *in = &l->insns[i];
		int is_ld = in->code == (BPF_LD | BPF_IMM | BPF_DW);
		int found = 0;

		if ((in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL) ||
		    (is_ld && in->src_reg == BPF_PSEUDO_FUNC)) {
			int64_t t = (int64_t)i + in->imm + 1;

			for (k = 0; k < l->nsegs; k++)
				found |= t == l->segs[k].dst_off;
			EXPECT_TRUE(found) TH_LOG("insn %u: target %lld", i, (long long)t);
		}
		if (is_ld)
			i++;
	}
}

TEST(linker)
{
	char err[256];
	struct mb_elf_object *obj = parse_file(MULTI, err, sizeof(err));
	struct mb_elf_linked l;
	const struct mb_elf_patch *p;
	int k, sub, cb, glob;

	ASSERT_NE(NULL, obj) TH_LOG("%s", err);

	/* xdp_first: calls sub_static through the .text section symbol (insn 24). */
	k = mb_elf_object_prog_find(obj, "xdp_first");
	ASSERT_EQ(0, mb_elf_prog_link(obj, k, &l, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(2, l.nsegs);
	EXPECT_EQ(0, l.segs[0].dst_off);
	EXPECT_EQ(obj->progs[k].insn_off, l.segs[0].src_off);
	EXPECT_EQ(obj->progs[k].insn_cnt, l.segs[0].cnt);
	sub = seg_of(obj, &l, "sub_static");
	EXPECT_EQ((int)obj->progs[k].insn_cnt, sub);
	EXPECT_EQ(obj->progs[k].insn_cnt + 10, l.insn_cnt);
	EXPECT_EQ(BPF_PSEUDO_CALL, (int)l.insns[24].src_reg);
	EXPECT_EQ(sub - 25, l.insns[24].imm);
	ASSERT_NE(NULL, p = patch_at(&l, 5));
	EXPECT_EQ(MB_PATCH_MAP_FD, p->kind);
	EXPECT_STREQ("counts", obj->maps[p->index].name);
	ASSERT_NE(NULL, p = patch_at(&l, 9));
	EXPECT_EQ(MB_PATCH_MAP_VALUE, p->kind);
	EXPECT_STREQ(".rodata", obj->maps[p->index].name);
	EXPECT_EQ(0, p->offset);
	ASSERT_NE(NULL, p = patch_at(&l, 16));  /* static_data: section symbol + 16 */
	EXPECT_STREQ(".data", obj->maps[p->index].name);
	EXPECT_EQ(16, p->offset);
	ASSERT_NE(NULL, p = patch_at(&l, sub + 3));     /* bss_var, inside sub_static */
	EXPECT_STREQ(".bss", obj->maps[p->index].name);
	EXPECT_EQ(5, l.npatches);
	check_targets(_metadata, &l);
	mb_elf_linked_free(&l);

	/* xdp_second: a bpf_loop callback, a global subprog, and sub_global's
	 * pc-relative call (no relocation) to sub_static. */
	k = mb_elf_object_prog_find(obj, "xdp_second");
	ASSERT_EQ(0, mb_elf_prog_link(obj, k, &l, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(4, l.nsegs);
	cb = seg_of(obj, &l, "loop_cb");
	glob = seg_of(obj, &l, "sub_global");
	sub = seg_of(obj, &l, "sub_static");
	ASSERT_GT(cb, 0);
	ASSERT_GT(glob, 0);
	ASSERT_GT(sub, 0);
	EXPECT_EQ(obj->progs[k].insn_cnt + 7 + 6 + 10, l.insn_cnt);
	EXPECT_EQ(BPF_PSEUDO_FUNC, (int)l.insns[13].src_reg);
	EXPECT_EQ(cb - 14, l.insns[13].imm);
	EXPECT_EQ(0, l.insns[14].imm);
	EXPECT_EQ(glob - 19, l.insns[18].imm);
	EXPECT_EQ(sub - (glob + 1), l.insns[glob].imm);
	ASSERT_NE(NULL, p = patch_at(&l, 3));   /* data_var2 at .data+8 */
	EXPECT_STREQ(".data", obj->maps[p->index].name);
	EXPECT_EQ(8, p->offset);
	check_targets(_metadata, &l);
	mb_elf_linked_free(&l);

	/* Every program links. */
	for (k = 0; k < (int)obj->nprogs; k++) {
		ASSERT_EQ(0, mb_elf_prog_link(obj, k, &l, err, sizeof(err))) TH_LOG("%s", err);
		check_targets(_metadata, &l);
		mb_elf_linked_free(&l);
	}
	mb_elf_object_free(obj);
}

TEST(legacy_maps)
{
	char err[256];
	struct mb_elf_object *obj = parse_file(LEGACY, err, sizeof(err));
	const struct mb_elf_map *m;
	struct mb_elf_linked l;

	ASSERT_NE(NULL, obj) TH_LOG("%s", err);
	EXPECT_EQ(1, obj->has_version);
	EXPECT_EQ(0x060100, obj->kern_version);
	ASSERT_NE(NULL, m = map_get(obj, "legacy_hash"));
	EXPECT_EQ(MB_MAP_LEGACY, m->origin);
	EXPECT_EQ(BPF_MAP_TYPE_HASH, m->type);
	EXPECT_EQ(4, m->key_size);
	EXPECT_EQ(8, m->value_size);
	EXPECT_EQ(16, m->max_entries);
	ASSERT_NE(NULL, m = map_get(obj, "legacy_arr"));
	EXPECT_EQ(BPF_MAP_TYPE_ARRAY, m->type);
	EXPECT_EQ(BPF_F_RDONLY_PROG, m->map_flags);
	ASSERT_EQ(1, obj->nprogs);
	ASSERT_EQ(0, mb_elf_prog_link(obj, 0, &l, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(2, l.npatches);
	EXPECT_EQ(MB_PATCH_MAP_FD, l.patches[0].kind);
	EXPECT_EQ(MB_PATCH_MAP_FD, l.patches[1].kind);
	EXPECT_NE(l.patches[0].index, l.patches[1].index);
	mb_elf_linked_free(&l);
	mb_elf_object_free(obj);
}

TEST(externs)
{
	char err[256];
	struct mb_elf_object *obj = parse_file(EXTERN, err, sizeof(err));
	struct mb_elf_linked l;
	uint32_t i, nx = 0, nv = 0;
	int seen = 0;

	ASSERT_NE(NULL, obj) TH_LOG("%s", err);
	ASSERT_EQ(4, obj->nexterns);
	for (i = 0; i < obj->nexterns; i++) {
		const struct mb_elf_extern *x = &obj->externs[i];

		if (!strcmp(x->name, "bpf_rcu_read_lock")) {
			EXPECT_EQ(1, x->is_func);
			EXPECT_EQ(0, x->weak);
			seen |= 1;
		} else if (!strcmp(x->name, "CONFIG_MB_MISSING")) {
			EXPECT_EQ(1, x->weak);
			EXPECT_EQ(0, x->is_func);
			seen |= 2;
		} else if (!strcmp(x->name, "LINUX_KERNEL_VERSION") ||
			   !strcmp(x->name, "bpf_prog_active")) {
			EXPECT_EQ(0, x->weak);
			seen |= 4;
		}
	}
	EXPECT_EQ(7, seen);
	ASSERT_EQ(0, mb_elf_prog_link(obj, 0, &l, err, sizeof(err))) TH_LOG("%s", err);
	for (i = 0; i < l.npatches; i++) {
		nx += l.patches[i].kind == MB_PATCH_EXTERN;
		nv += l.patches[i].kind == MB_PATCH_MAP_VALUE;
	}
	EXPECT_EQ(4, nx);
	EXPECT_EQ(1, nv);
	EXPECT_EQ(0, l.patches[0].insn);        /* the kfunc call */
	EXPECT_EQ(MB_PATCH_EXTERN, l.patches[0].kind);
	EXPECT_STREQ("bpf_rcu_read_lock", obj->externs[l.patches[0].index].name);
	mb_elf_linked_free(&l);
	mb_elf_object_free(obj);
}

/* The seed example parses: one program, its section, its license. */
TEST(seed_example)
{
	char err[256];
	struct mb_elf_object *obj = parse_file(MB_BUILD_DIR "/progs/hello.bpf.o", err, sizeof(err));

	ASSERT_NE(NULL, obj) TH_LOG("%s", err);
	ASSERT_EQ(1, obj->nprogs);
	EXPECT_STREQ("bpf_prog", obj->progs[0].name);
	EXPECT_STREQ("tracepoint/syscalls/sys_enter_execve", obj->progs[0].sec_name);
	EXPECT_STREQ("Dual BSD/GPL", obj->license);
	/* No relocations at all (the string is built on the stack): the
	 * linker must not walk a NULL table (clang's UBSan in fuzz_elf found
	 * pointer arithmetic on it, which gcc's UBSan does not check). */
	EXPECT_EQ(0, obj->nrelocs);
	{
		struct mb_elf_linked l;

		ASSERT_EQ(0, mb_elf_prog_link(obj, 0, &l, err, sizeof(err))) TH_LOG("%s", err);
		EXPECT_EQ(obj->progs[0].insn_cnt, l.insn_cnt);
		mb_elf_linked_free(&l);
	}
	mb_elf_object_free(obj);
}

/* Subprograms in libbpf's order (depth-first from where each is first
 * referenced), and a call chain too deep to follow refused by name. */
TEST(link_order_and_depth)
{
	static const char *const want[] = { "order", "first", "bump", "loop_cb",
					    "from_callback", "second" };
	char err[256];
	struct mb_elf_object *obj = parse_file(MB_BUILD_DIR "/progs/subprog_order.bpf.o", err,
					       sizeof(err));
	struct mb_elf_linked l;
	uint32_t i;

	ASSERT_NE(NULL, obj) TH_LOG("%s", err);
	ASSERT_EQ(0, mb_elf_prog_link(obj, 0, &l, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(6, l.nsegs);
	for (i = 0; i < l.nsegs; i++)
		EXPECT_STREQ(want[i], obj->funcs[l.segs[i].func].name);
	mb_elf_linked_free(&l);
	mb_elf_object_free(obj);

	obj = parse_file(MB_BUILD_DIR "/progs/elf_deepcall.bpf.o", err, sizeof(err));
	ASSERT_NE(NULL, obj) TH_LOG("%s", err);
	EXPECT_EQ(-E2BIG, mb_elf_prog_link(obj, 0, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "prog 'deep': func 'f64': insn")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, "call chain deeper than 64 functions")) TH_LOG("%s", err);
	EXPECT_EQ(NULL, l.insns);
	mb_elf_object_free(obj);
}

/* The same source compiled bpfel and bpfeb must give the same object. */
static void same_object(struct __test_metadata *_metadata, const struct mb_elf_object *le,
			const struct mb_elf_object *be)
{
	uint32_t i, k;

	int same_code = 1;

	EXPECT_EQ(0, le->big_endian);
	EXPECT_EQ(1, be->big_endian);
	ASSERT_EQ(le->nprogs, be->nprogs);
	for (i = 0; i < le->nprogs; i++) {
		EXPECT_STREQ(le->progs[i].name, be->progs[i].name);
		EXPECT_STREQ(le->progs[i].sec_name, be->progs[i].sec_name);
		same_code &= le->progs[i].insn_cnt == be->progs[i].insn_cnt;
	}
	/* clang may generate different code for the two byte orders (a narrow
	 * load of a wider field, say): then only the structure must agree. */
	for (i = 0; same_code && i < le->nprogs; i++) {
		const struct mb_elf_prog *a = &le->progs[i], *b = &be->progs[i];

		for (k = 0; k < a->insn_cnt; k++) {
			EXPECT_EQ(a->insns[k].code, b->insns[k].code);
			EXPECT_EQ((int)a->insns[k].dst_reg, (int)b->insns[k].dst_reg);
			EXPECT_EQ((int)a->insns[k].src_reg, (int)b->insns[k].src_reg);
			EXPECT_EQ(a->insns[k].off, b->insns[k].off);
			/* Immediates carry data (a string built on the stack)
			 * in the target's byte order; calls and jumps do not. */
			if (BPF_CLASS(a->insns[k].code) == BPF_JMP)
				EXPECT_EQ(a->insns[k].imm, b->insns[k].imm);
		}
	}
	if (same_code)
		ASSERT_EQ(le->nrelocs, be->nrelocs);
	for (i = 0; same_code && i < le->nrelocs; i++) {
		EXPECT_EQ(le->relocs[i].insn, be->relocs[i].insn);
		EXPECT_EQ(le->relocs[i].kind, be->relocs[i].kind);
		EXPECT_EQ(le->relocs[i].index, be->relocs[i].index);
		EXPECT_EQ(le->relocs[i].offset, be->relocs[i].offset);
	}
	ASSERT_EQ(le->nmaps, be->nmaps);
	for (i = 0; i < le->nmaps; i++) {
		EXPECT_STREQ(le->maps[i].name, be->maps[i].name);
		EXPECT_EQ(le->maps[i].type, be->maps[i].type);
		EXPECT_EQ(le->maps[i].key_size, be->maps[i].key_size);
		EXPECT_EQ(le->maps[i].value_size, be->maps[i].value_size);
		EXPECT_EQ(le->maps[i].max_entries, be->maps[i].max_entries);
		EXPECT_EQ(le->maps[i].map_flags, be->maps[i].map_flags);
	}
	EXPECT_EQ(le->ninits, be->ninits);
	EXPECT_EQ(le->nexterns, be->nexterns);
	if (le->license && be->license)
		EXPECT_STREQ(le->license, be->license);
}

/* Every fixture: the Makefile builds each progs/X.bpf.c as X.bpf.o and
 * X.bpfeb.o. */
TEST(big_endian_matches_little_endian)
{
	char dir[] = MB_BUILD_DIR "/progs", eb[512], err[256];
	struct dirent *d;
	DIR *dp = opendir(dir);
	int pairs = 0;

	ASSERT_NE(NULL, dp);
	while ((d = readdir(dp))) {
		struct mb_elf_object *le, *be;
		size_t n = strlen(d->d_name);

		if (n < 7 || strcmp(d->d_name + n - 6, ".bpf.o"))
			continue;
		snprintf(eb, sizeof(eb), "%s/%.*s.bpfeb.o", dir, (int)(n - 6), d->d_name);
		if (access(eb, R_OK))
			continue;       /* CO-RE fixtures are little-endian only */
		be = parse_file(eb, err, sizeof(err));
		ASSERT_NE(NULL, be) TH_LOG("%s: %s", eb, err);
		snprintf(eb, sizeof(eb), "%s/%s", dir, d->d_name);
		le = parse_file(eb, err, sizeof(err));
		ASSERT_NE(NULL, le) TH_LOG("%s: %s", eb, err);
		same_object(_metadata, le, be);
		mb_elf_object_free(le);
		mb_elf_object_free(be);
		pairs++;
	}
	closedir(dp);
	EXPECT_GE(pairs, 8);
}

/* libelf reads every fixture (both byte orders) and every BPF object Debian
 * ships under /usr/lib/<multiarch>/bpf: it must see what we see. */
TEST(every_object_agrees_with_libelf)
{
	static const char *const dirs[] = { MB_BUILD_DIR "/progs", "/usr/lib/x86_64-linux-gnu/bpf",
					    "/lib/udev/rc_keymaps/protocols" };
	char path[512];
	unsigned i, files = 0;

	for (i = 0; i < 3; i++) {
		DIR *dp = opendir(dirs[i]);
		struct dirent *d;

		if (!dp)
			continue;
		while ((d = readdir(dp))) {
			size_t n = strlen(d->d_name);

			if (n < 3 || strcmp(d->d_name + n - 2, ".o"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[i], d->d_name);
			EXPECT_EQ(0, agree_with_libelf(_metadata, path)) TH_LOG("%s", path);
			files++;
		}
		closedir(dp);
	}
	TH_LOG("%u objects checked against libelf", files);
	EXPECT_GE(files, 16);
}

/* ir-keytable's IR decoders (Debian's package, not built with clang's libbpf
 * conventions): legacy map definitions in "lirc_mode2/maps", programs in
 * "lirc_mode2/NAME". Every one opens, with its maps and a lirc_mode2 type. */
TEST(ir_keytable_decoders)
{
	const char *dir = "/lib/udev/rc_keymaps/protocols";
	DIR *dp = opendir(dir);
	struct dirent *d;
	unsigned files = 0;

	if (!dp)
		SKIP(return, "%s: no ir-keytable installed (scripts/setup.sh installs it)", dir);
	while ((d = readdir(dp))) {
		size_t n = strlen(d->d_name);
		struct mb_elf_object *obj;
		char path[512], err[256];
		uint32_t i, legacy = 0;

		if (n < 3 || strcmp(d->d_name + n - 2, ".o"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		obj = parse_file(path, err, sizeof(err));
		EXPECT_NE(NULL, obj) TH_LOG("%s", err);
		if (!obj)
			continue;
		for (i = 0; i < obj->nmaps; i++)
			legacy += obj->maps[i].origin == MB_MAP_LEGACY;
		EXPECT_GE(legacy, 1) TH_LOG("%s", path);
		EXPECT_GE(obj->nprogs, 1) TH_LOG("%s", path);
		for (i = 0; i < obj->nprogs; i++) {
			struct mb_elf_linked l;

			EXPECT_TRUE(obj->progs[i].known_sec) TH_LOG("%s", obj->progs[i].sec_name);
			EXPECT_EQ(BPF_PROG_TYPE_LIRC_MODE2, obj->progs[i].sec.prog_type);
			EXPECT_EQ(0, mb_elf_prog_link(obj, i, &l, err, sizeof(err))) TH_LOG("%s", err);
			mb_elf_linked_free(&l);
		}
		mb_elf_object_free(obj);
		files++;
	}
	closedir(dp);
	EXPECT_GE(files, 1);
}

/* ---- malformed input ------------------------------------------------------ */

FIXTURE(bad) {
	uint8_t *data;
	size_t size;
	struct mb_elf e;        /* offsets of the pristine file */
	char err[256];
};

FIXTURE_SETUP(bad)
{
	self->data = test_slurp(LEGACY, &self->size);
	ASSERT_NE(NULL, self->data);
	if (self->data[5] != 1)
		SKIP(return, "fixture is not little endian");
	ASSERT_EQ(0, mb_elf_open(&self->e, self->data, self->size, self->err, sizeof(self->err)));
}

FIXTURE_TEARDOWN(bad)
{
	mb_elf_close(&self->e);
	free(self->data);
}

static void w16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void w32(uint8_t *p, uint32_t v) { w16(p, v); w16(p + 2, v >> 16); }
static void w64(uint8_t *p, uint64_t v) { w32(p, v); w32(p + 4, v >> 32); }

static uint8_t *shdr(FIXTURE_DATA(bad) *self, uint32_t i)
{
	uint64_t shoff;

	memcpy(&shoff, self->data + 40, 8);
	return self->data + shoff + (size_t)i * 64;
}

/* Parse must fail and the message must mention `what`. */
static void expect_error(struct __test_metadata *_metadata, FIXTURE_DATA(bad) *self,
			 size_t size, const char *what)
{
	char err[256] = "";
	struct mb_elf_object *obj = mb_elf_object_parse(self->data, size, "bad.o", err, sizeof(err));

	EXPECT_EQ(NULL, obj);
	mb_elf_object_free(obj);
	EXPECT_NE(NULL, strstr(err, what)) TH_LOG("message '%s' lacks '%s'", err, what);
}

TEST_F(bad, truncated)
{
	char err[256];
	size_t n;

	expect_error(_metadata, self, 0, "too short");
	expect_error(_metadata, self, 63, "too short");
	expect_error(_metadata, self, self->size - 1, "past the end");
	/* Every prefix: a clean error or a parse, never a crash. */
	for (n = 0; n < self->size; n++) {
		struct mb_elf_object *obj = mb_elf_object_parse(self->data, n, "t.o", err, sizeof(err));

		if (!obj)
			EXPECT_NE(0, err[0]);
		mb_elf_object_free(obj);
	}
}

TEST_F(bad, not_bpf)
{
	self->data[4] = 1;      /* ELFCLASS32 */
	expect_error(_metadata, self, self->size, "not ELF64");
	self->data[4] = 2;
	w16(self->data + 18, 62);       /* EM_X86_64 */
	expect_error(_metadata, self, self->size, "not BPF");
	w16(self->data + 18, 247);
	w16(self->data + 16, 2);        /* ET_EXEC */
	expect_error(_metadata, self, self->size, "ET_REL");
}

TEST_F(bad, shnum_lies)
{
	w16(self->data + 60, (uint16_t)(self->e.shnum + 40));
	expect_error(_metadata, self, self->size, "section header table");
	/* Extended numbering: e_shnum 0, count in section 0's sh_size. */
	w16(self->data + 60, 0);
	w64(shdr(self, 0) + 32, 1000000);
	expect_error(_metadata, self, self->size, "sections");
	w64(shdr(self, 0) + 32, self->e.shnum);
	/* and e_shstrndx SHN_XINDEX: the index in section 0's sh_link */
	w16(self->data + 62, 0xffff);
	w32(shdr(self, 0) + 40, self->e.shstrndx);
	{
		char err[256];
		struct mb_elf_object *obj = mb_elf_object_parse(self->data, self->size, "x.o", err, sizeof(err));

		EXPECT_NE(NULL, obj) TH_LOG("extended numbering: %s", err);
		if (obj)
			EXPECT_EQ(1, obj->nprogs);
		mb_elf_object_free(obj);
	}
}

TEST_F(bad, entsize_zero)
{
	w64(shdr(self, self->e.symtab) + 56, 0);
	expect_error(_metadata, self, self->size, "entry size");
}

TEST_F(bad, rel_entsize_zero)
{
	uint32_t i;

	for (i = 1; i < self->e.shnum; i++)
		if (self->e.sh[i].type == 9 && !strcmp(self->e.sh[i].name, ".relsocket"))
			w64(shdr(self, i) + 56, 0);
	expect_error(_metadata, self, self->size, "entry size");
}

TEST_F(bad, section_past_eof)
{
	uint32_t t = mb_elf_sec_find(&self->e, "socket");

	ASSERT_NE(0, t);
	w64(shdr(self, t) + 24, self->size + 100);
	expect_error(_metadata, self, self->size, "past the end");
	w64(shdr(self, t) + 24, UINT64_MAX - 4);        /* offset + size overflows */
	expect_error(_metadata, self, self->size, "past the end");
}

TEST_F(bad, name_out_of_range)
{
	w32(shdr(self, 3), 0x7fffffff);
	expect_error(_metadata, self, self->size, "name offset");
}

TEST_F(bad, unterminated_strtab)
{
	const struct mb_elf_shdr *s = &self->e.sh[self->e.sh[self->e.symtab].link];

	/* The last string of the table loses its NUL. */
	self->data[s->offset + s->size - 1] = 'X';
	expect_error(_metadata, self, self->size, "NUL-terminated");
}

TEST_F(bad, symbol_section_out_of_range)
{
	uint8_t *sym = self->data + self->e.sh[self->e.symtab].offset + 24 * (self->e.nsyms - 1);

	w16(sym + 6, (uint16_t)(self->e.shnum + 5));
	expect_error(_metadata, self, self->size, "out of range");
}

TEST_F(bad, license_without_nul)
{
	uint32_t l = mb_elf_sec_find(&self->e, "license");

	ASSERT_NE(0, l);
	memset(self->data + self->e.sh[l].offset, 'A', self->e.sh[l].size);
	expect_error(_metadata, self, self->size, "license");
}

TEST_F(bad, relocation_against_non_map)
{
	uint32_t i, r = mb_elf_sec_find(&self->e, ".relsocket"), lic = 0;

	ASSERT_NE(0, r);
	for (i = 1; i < self->e.nsyms; i++)
		if (!strcmp(self->e.syms[i].name, "LICENSE"))
			lic = i;
	ASSERT_NE(0, lic);
	/* The first relocation now names LICENSE instead of a map. */
	w32(self->data + self->e.sh[r].offset + 12, lic);
	expect_error(_metadata, self, self->size, "prog 'sock_prog': insn ");
	expect_error(_metadata, self, self->size, "'LICENSE' in section 'license'");
}

/* Flip a few random bytes, many times: a clean error or a parse (and then
 * a link), never a crash. Run under SAN=1 to catch over-reads. */
static void fuzz(struct __test_metadata *_metadata, const uint8_t *data, size_t size, int iters)
{
	char err[256];
	uint8_t *copy = malloc(size);
	unsigned seed = 12345;
	int i, k;

	ASSERT_NE(NULL, copy);
	for (i = 0; i < iters; i++) {
		struct mb_elf_object *obj;

		memcpy(copy, data, size);
		for (k = 0; k < 1 + i % 8; k++) {
			seed = seed * 1103515245 + 12345;
			copy[(seed >> 8) % size] = (uint8_t)(seed >> 20);
		}
		err[0] = 0;
		obj = mb_elf_object_parse(copy, size, "fuzz.o", err, sizeof(err));
		if (obj) {
			uint32_t p;
			struct mb_elf_linked l;

			for (p = 0; p < obj->nprogs; p++)
				if (!mb_elf_prog_link(obj, p, &l, err, sizeof(err)))
					mb_elf_linked_free(&l);
		} else {
			EXPECT_NE(0, err[0]);
		}
		mb_elf_object_free(obj);
	}
	free(copy);
}

TEST_F(bad, random_bytes)
{
	size_t size;
	uint8_t *multi = test_slurp(MULTI, &size);

	fuzz(_metadata, self->data, self->size, 3000);
	ASSERT_NE(NULL, multi);
	fuzz(_metadata, multi, size, 1500);     /* BTF maps, .maps relocations, calls */
	free(multi);
}

/* struct_ops: each variable of .struct_ops/.struct_ops.link is a map; its
 * function pointers are programs, found through the relocations (the
 * member offsets from the object's BTF, which names the struct). */
static uint32_t member_off(const struct mb_elf_object *obj, uint32_t type, const char *name)
{
	struct mb_btf_member_info mi;

	return mb_btf_member_find(obj->btf, type, name, &mi) < 0 ? UINT32_MAX : mi.bit_offset / 8;
}

static const char *ptr_prog(const struct mb_elf_object *obj, uint32_t map, uint32_t off)
{
	for (uint32_t i = 0; i < obj->nst_ptrs; i++)
		if (obj->st_ptrs[i].map == map && obj->st_ptrs[i].offset == off)
			return obj->progs[obj->st_ptrs[i].prog].name;
	return "";
}

TEST(struct_ops_maps)
{
	static const char *const files[] = { "st_ops_reno.bpf.o", "st_ops_reno_link.bpf.o",
					     "st_ops_bad_type.bpf.o", "st_ops_bad_type.bpfeb.o" };
	char path[512], err[256];

	for (int f = 0; f < 4; f++) {
		struct mb_elf_object *obj;
		const struct mb_elf_map *m;
		const struct mb_btf_type *t;
		uint32_t mi;
		uint64_t flags;

		snprintf(path, sizeof(path), MB_BUILD_DIR "/progs/%s", files[f]);
		obj = parse_file(path, err, sizeof(err));
		ASSERT_NE(NULL, obj) TH_LOG("%s", err);
		m = map_get(obj, f == 0 ? "mb_reno" : f == 1 ? "mb_reno_link" : "mb_bad_type");
		ASSERT_NE(NULL, m) TH_LOG("%s", path);
		mi = (uint32_t)(m - obj->maps);
		EXPECT_EQ(MB_MAP_STRUCT_OPS, m->origin);
		EXPECT_EQ(BPF_MAP_TYPE_STRUCT_OPS, m->type);
		EXPECT_EQ(4, m->key_size);
		EXPECT_EQ(1, m->max_entries);
		EXPECT_EQ(f == 1 ? 1u << 13 : 0, m->map_flags);   /* BPF_F_LINK */
		ASSERT_NE(NULL, t = mb_btf_type_by_id(obj->btf, m->st_type_id));
		EXPECT_STREQ("tcp_congestion_ops", mb_btf_str(obj->btf, t->name_off));
		EXPECT_EQ(t->size_or_type, m->value_size);
		EXPECT_STREQ(f < 2 ? (f ? "mb_reno_link" : "mb_reno") : "mb_bad_type",
			     (char *)m->init_data + member_off(obj, m->st_type_id, "name"));
		if (f >= 2) {
			EXPECT_EQ(1, obj->nst_ptrs);
			EXPECT_STREQ("mb_bad_ssthresh", ptr_prog(obj, mi, member_off(obj, m->st_type_id, "ssthresh")));
			memcpy(&flags, (char *)m->init_data + member_off(obj, m->st_type_id, "flags"), 8);
			EXPECT_EQ(obj->big_endian ? 1ull << 56 : 1, flags);
		} else {
			EXPECT_EQ(4, obj->nst_ptrs);
			EXPECT_STREQ("mb_reno_init", ptr_prog(obj, mi, member_off(obj, m->st_type_id, "init")));
			EXPECT_STREQ("mb_reno_cong_avoid", ptr_prog(obj, mi, member_off(obj, m->st_type_id, "cong_avoid")));
			EXPECT_STREQ("mb_reno_undo_cwnd", ptr_prog(obj, mi, member_off(obj, m->st_type_id, "undo_cwnd")));
			EXPECT_STREQ("", ptr_prog(obj, mi, member_off(obj, m->st_type_id, "set_state")));
		}
		/* the pointers' bytes are cleared: the loader writes fds there */
		for (uint32_t i = 0; i < obj->nst_ptrs; i++)
			EXPECT_EQ(0, *((char *)m->init_data + obj->st_ptrs[i].offset));
		mb_elf_object_free(obj);
	}
}

/* Broken .rel.struct_ops entries: a pointer outside every variable, a
 * pointer to something that is no program. */
TEST(struct_ops_bad_relocations)
{
	size_t size;
	uint8_t *data = test_slurp(MB_BUILD_DIR "/progs/st_ops_bad_type.bpf.o", &size), *copy;
	Elf *e;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstr, rel_off = 0, var_sym = 0;
	char err[256];

	ASSERT_NE(NULL, data);
	elf_version(EV_CURRENT);
	ASSERT_NE(NULL, e = elf_memory((char *)data, size));
	ASSERT_EQ(0, elf_getshdrstrndx(e, &shstr));
	while ((scn = elf_nextscn(e, scn))) {
		gelf_getshdr(scn, &sh);
		if (!strcmp(elf_strptr(e, shstr, sh.sh_name), ".rel.struct_ops"))
			rel_off = sh.sh_offset;
		if (sh.sh_type == SHT_SYMTAB) {
			Elf_Data *d = elf_getdata(scn, NULL);
			GElf_Sym sym;

			for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++)
				if (gelf_getsym(d, (int)i, &sym) &&
				    !strcmp(elf_strptr(e, sh.sh_link, sym.st_name), "mb_bad_type"))
					var_sym = i;
		}
	}
	elf_end(e);
	ASSERT_NE(0, rel_off);
	ASSERT_NE(0, var_sym);
	ASSERT_NE(NULL, copy = malloc(size));

	memcpy(copy, data, size);
	memset(copy + rel_off, 0, 8);
	copy[rel_off + 2] = 1;      /* r_offset 0x10000 */
	EXPECT_EQ(NULL, mb_elf_object_parse(copy, size, "x", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "is in no struct_ops variable")) TH_LOG("%s", err);

	memcpy(copy, data, size);
	memcpy(copy + rel_off + 12, &(uint32_t){ (uint32_t)var_sym }, 4);   /* r_info's symbol */
	EXPECT_EQ(NULL, mb_elf_object_parse(copy, size, "x", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "struct_ops map 'mb_bad_type': the pointer at offset 0 ('mb_bad_type') is not a program of this object"))
		TH_LOG("%s", err);
	free(copy);
	free(data);
}

TEST(maps_without_btf)
{
	char err[256] = "";
	size_t size;
	uint8_t *data = test_slurp(MULTI, &size);
	struct mb_elf_object *obj;
	struct mb_elf e;
	uint32_t i;

	ASSERT_NE(NULL, data);
	ASSERT_EQ(0, mb_elf_open(&e, data, size, err, sizeof(err)));
	/* Rename .BTF to .XTF (and .BTF.ext with it): no BTF any more. */
	for (i = 1; i < e.shnum; i++)
		if (!strncmp(e.sh[i].name, ".BTF", 4))
			((char *)e.sh[i].name)[1] = 'X';
	mb_elf_close(&e);
	obj = mb_elf_object_parse(data, size, "nobtf.o", err, sizeof(err));
	EXPECT_EQ(NULL, obj);
	EXPECT_NE(NULL, strstr(err, "'.maps' needs BTF")) TH_LOG("%s", err);
	mb_elf_object_free(obj);
	free(data);
}

TEST_HARNESS_MAIN
