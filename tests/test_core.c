// CO-RE and kernel BTF: relocations against the running kernel (real effects
// of a tp_btf program), against small target BTFs built here (the offsets
// must move), libbpf's matching rules, bpftool's xlated output as an oracle,
// BTF-id attach targets (tp_btf, iter, fentry/fexit/lsm) and externs.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib_file.h"
#include "lib_kernel.h"
#include "minibpf.h"
#include "btf/core.h"
#include "elf/object.h"
#include "syscall/bpf_sys.h"

#define OBJ(n) MB_BUILD_DIR "/progs/" n ".bpf.o"

/* ---- hand-assembled BTF blobs -------------------------------------------- */
struct bb {
	uint32_t w[512];
	uint32_t nw;
	char s[1024];
	uint32_t ns;
	uint32_t ntypes;
};

static void bb_init(struct bb *b)
{
	memset(b, 0, sizeof(*b));
	b->ns = 1;   /* offset 0 is "" */
}

static uint32_t bstr(struct bb *b, const char *s)
{
	uint32_t off = b->ns;

	if (!*s)
		return 0;
	strcpy(b->s + b->ns, s);
	b->ns += strlen(s) + 1;
	return off;
}

static void bw(struct bb *b, uint32_t v)
{
	b->w[b->nw++] = v;
}

/* A type header; returns its id. */
static uint32_t bt(struct bb *b, const char *name, unsigned kind, unsigned vlen, int kflag, uint32_t sz)
{
	bw(b, bstr(b, name));
	bw(b, (uint32_t)kind << 24 | vlen | (kflag ? 1u << 31 : 0));
	bw(b, sz);
	return ++b->ntypes;
}

static uint32_t bint(struct bb *b, const char *name, uint32_t size, int is_signed)
{
	uint32_t id = bt(b, name, MB_BTF_KIND_INT, 0, 0, size);

	bw(b, (is_signed ? 1u : 0) << 24 | size * 8);
	return id;
}

static void bmem(struct bb *b, const char *name, uint32_t type, uint32_t off)
{
	bw(b, bstr(b, name));
	bw(b, type);
	bw(b, off);
}

static void *bblob(struct bb *b, size_t *len)
{
	uint32_t hdr[6] = { 0xeb9f | 1u << 16, 24, 0, b->nw * 4, b->nw * 4, b->ns };
	char *out;

	*len = 24 + b->nw * 4 + b->ns;
	out = malloc(*len);
	memcpy(out, hdr, 24);
	memcpy(out + 24, b->w, b->nw * 4);
	memcpy(out + 24 + b->nw * 4, b->s, b->ns);
	return out;
}

/* The target layout for progs/core_shift.bpf.c:
 *   struct mb_core_s { long pad, pad2; long b; int a; unsigned x:5, flag:3; short arr[4]; }
 * (local: int a; unsigned flag:3; long b; short arr[4]) and
 *   enum mb_core_e { MB_E_ONE = 10, MB_E_TWO = 20 }. */
static void *shift_target(size_t *len)
{
	struct bb b;
	uint32_t i_int, i_long, i_uint, i_short, arr;
	void *r;

	bb_init(&b);
	i_int = bint(&b, "int", 4, 1);
	i_long = bint(&b, "long", 8, 1);
	i_uint = bint(&b, "unsigned int", 4, 0);
	i_short = bint(&b, "short", 2, 1);
	arr = bt(&b, "", MB_BTF_KIND_ARRAY, 0, 0, 0);
	bw(&b, i_short);
	bw(&b, i_int);
	bw(&b, 4);
	bt(&b, "mb_core_s", MB_BTF_KIND_STRUCT, 7, 1, 40);
	bmem(&b, "pad", i_long, 0);
	bmem(&b, "pad2", i_long, 64);
	bmem(&b, "b", i_long, 128);
	bmem(&b, "a", i_int, 192);
	bmem(&b, "x", i_uint, 5u << 24 | 224);
	bmem(&b, "flag", i_uint, 3u << 24 | 229);
	bmem(&b, "arr", arr, 256);
	bt(&b, "mb_core_e", MB_BTF_KIND_ENUM, 2, 0, 4);
	bw(&b, bstr(&b, "MB_E_ONE"));
	bw(&b, 10);
	bw(&b, bstr(&b, "MB_E_TWO"));
	bw(&b, 20);
	r = bblob(&b, len);
	return r;
}

struct applied {
	uint32_t kind;
	char desc[160];
	uint64_t val;
	int poisoned;
	struct bpf_insn insn;
};

/* Link program 0 of OBJ and resolve its CO-RE records against TARGET, as
 * the loader does, without the kernel. Returns the number of records. */
static int apply_pure(const char *path, const void *target, size_t tlen, struct applied *out,
		      int max, char *err, size_t errlen)
{
	struct mb_elf_object *o;
	struct mb_elf_linked l;
	struct mb_btf_ext *ext;
	struct mb_btf *tk;
	struct mb_core *c;
	const struct mb_btf_ext_sec *es;
	uint32_t k;
	size_t len;
	void *data = test_slurp(path, &len);
	int n = 0;

	o = data ? mb_elf_object_parse(data, len, "t", err, errlen) : NULL;
	free(data);
	if (!o)
		return -1;
	ext = mb_btf_ext_parse(o->btf, o->btf_ext_data, o->btf_ext_size, err, errlen);
	memset(&l, 0, sizeof(l));
	if (!ext || mb_elf_prog_link(o, 0, &l, err, errlen)) {
		mb_btf_ext_free(ext);
		mb_elf_object_free(o);
		return -1;
	}
	tk = mb_btf_open_kernel(target, tlen, err, errlen);
	c = mb_core_new(o->btf, tk, 0);   /* as the loader: the object's one reader */
	es = mb_btf_ext_sec(ext, o->progs[0].sec_name);
	if (!c)
		n = -1;
	for (k = 0; c && es && k < es->nr_core && n < max; k++) {
		uint32_t at = es->core[k].insn_off / 8 - l.segs[0].src_off + l.segs[0].dst_off;
		struct mb_core_result res;

		if (mb_core_apply(c, &es->core[k], &l.insns[at], l.insn_cnt - at, &res, err, errlen)) {
			n = -1;
			break;
		}
		out[n].kind = es->core[k].kind;
		snprintf(out[n].desc, sizeof(out[n].desc), "%s", res.desc);
		out[n].val = res.val;
		out[n].poisoned = res.poisoned;
		out[n].insn = l.insns[at];
		n++;
	}
	mb_core_free(c);
	mb_btf_free(tk);
	mb_elf_linked_free(&l);
	mb_btf_ext_free(ext);
	mb_elf_object_free(o);
	return n;
}

static const struct applied *find_res(const struct applied *a, int n, uint32_t kind, const char *desc)
{
	int i;

	for (i = 0; i < n; i++)
		if (a[i].kind == kind && !strncmp(a[i].desc, desc, strlen(desc)) &&
		    (a[i].desc[strlen(desc)] == ' ' || !a[i].desc[strlen(desc)]))
			return &a[i];
	return NULL;
}

TEST(custom_target_offsets_move)
{
	struct applied a[64];
	const struct applied *r;
	char err[512] = "";
	size_t tlen;
	void *t = shift_target(&tlen);
	int n = apply_pure(OBJ("core_shift"), t, tlen, a, 64, err, sizeof(err));

	free(t);
	ASSERT_GT(n, 8) TH_LOG("%s", err);
	r = find_res(a, n, MB_CORE_FIELD_BYTE_OFFSET, "struct mb_core_s.b");
	ASSERT_TRUE(r != NULL);
	/* local offset 8 */
	EXPECT_EQ(16, r->val);
	EXPECT_FALSE(r->poisoned);
	/* the instruction carries the new offset */
	EXPECT_TRUE(r->insn.imm == 16 || r->insn.off == 16);
	/* what each relocation resolves to against the shifted target */
	static const struct { int kind; const char *spec; uint64_t val; } want[] = {
		{ MB_CORE_FIELD_BYTE_SIZE, "struct mb_core_s.b", 8 },
		/* bitfield flag: bits 229..231 of a 4-byte unit at byte 28 */
		{ MB_CORE_FIELD_BYTE_OFFSET, "struct mb_core_s.flag", 28 },
		{ MB_CORE_FIELD_LSHIFT_U64, "struct mb_core_s.flag", 64 - (229 + 3 - 28 * 8) },
		{ MB_CORE_FIELD_RSHIFT_U64, "struct mb_core_s.flag", 61 },
		{ MB_CORE_FIELD_EXISTS, "struct mb_core_s___flav.gone", 0 },
		{ MB_CORE_TYPE_SIZE, "struct mb_core_s", 40 },
		{ MB_CORE_ENUMVAL_VALUE, "enum mb_core_e::MB_E_TWO", 20 },
		{ MB_CORE_FIELD_BYTE_OFFSET, "struct mb_core_s.arr[2]", 36 },
		{ MB_CORE_TYPE_EXISTS, "struct mb_core_s___flav", 1 },
		{ MB_CORE_FIELD_SIGNED, "struct mb_core_s.a", 1 },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		r = find_res(a, n, want[i].kind, want[i].spec);
		ASSERT_TRUE(r != NULL) TH_LOG("no relocation %d of %s", want[i].kind, want[i].spec);
		EXPECT_EQ(want[i].val, r->val) TH_LOG("%s", want[i].spec);
	}
	/* a field that does not exist: the instruction loads 0 */
	r = find_res(a, n, MB_CORE_FIELD_EXISTS, "struct mb_core_s___flav.gone");
	EXPECT_EQ(0, r->insn.imm);
}

/* A --btf file is untrusted: damaged targets give errors or poison, never a
 * bad read (run under SAN=1). */
TEST(damaged_target_btf)
{
	struct applied a[64];
	char err[512];
	size_t tlen, i;
	uint8_t *t = shift_target(&tlen), *m = malloc(tlen);
	unsigned seed = 1;
	int ok = 0;

	for (i = 0; i < 400; i++) {
		size_t k;

		memcpy(m, t, tlen);
		for (k = 0; k < 4; k++) {
			seed = seed * 1103515245 + 12345;
			m[24 + (seed >> 8) % (tlen - 24)] = (uint8_t)(seed >> 20);
		}
		if (apply_pure(OBJ("core_shift"), m, tlen, a, 64, err, sizeof(err)) > 0)
			ok++;
	}
	TH_LOG("%d of 400 damaged targets still resolved", ok);
	free(m);
	free(t);
}

/* The same object loaded for real: with --btf's option the custom target
 * makes it load; against the running kernel (no struct mb_core_s) the
 * unguarded read is poisoned and the failure names the field. */
/* A --btf file that is not BTF: the load fails naming the file (a kfunc
 * used to be reported "not in the kernel's BTF", a weak one silently
 * absent), and no fd of it stays open. */
TEST(bad_btf_path_leaves_no_fd)
{
	char path[] = "/tmp/mbtest_core_badbtf_XXXXXX";
	static const char junk[64] = "this is not BTF";
	struct mb_open_opts o = { .sz = sizeof(o) };
	struct mb_object *obj;
	int fd = mkstemp(path), fds, i;

	ASSERT_GE(fd, 0);
	ASSERT_EQ((ssize_t)sizeof(junk), write(fd, junk, sizeof(junk)));
	close(fd);
	o.btf_path = path;
	fds = count_fds();
	for (i = 0; i < 2; i++) {
		obj = mb_object_open(i ? OBJ("core_task") : OBJ("core_extern"), &o);
		ASSERT_TRUE(obj != NULL);
		EXPECT_NE(0, mb_object_load(obj));
		EXPECT_TRUE(strstr(mb_last_error(), path) != NULL) TH_LOG("%s", mb_last_error());
		mb_object_close(obj);
		EXPECT_EQ(fds, count_fds());
	}
	unlink(path);
}

TEST(custom_target_btf_path)
{
	char path[] = "/tmp/mbtest_core_btf_XXXXXX";
	struct mb_open_opts o = { .sz = sizeof(o) };
	struct mb_object *obj;
	size_t tlen;
	void *t = shift_target(&tlen);
	int fd = mkstemp(path), err;

	ASSERT_GE(fd, 0);
	ASSERT_EQ((ssize_t)tlen, write(fd, t, tlen));
	close(fd);
	free(t);
	o.btf_path = path;
	obj = mb_object_open(OBJ("core_shift"), &o);
	ASSERT_TRUE(obj != NULL);
	err = mb_object_load(obj);
	EXPECT_EQ(0, err) TH_LOG("%s", mb_last_error());
	EXPECT_GE(mb_prog_fd(mb_object_prog(obj, 0)), 3);
	mb_object_close(obj);
	unlink(path);

	obj = mb_object_open(OBJ("core_shift"), NULL);
	ASSERT_TRUE(obj != NULL);
	err = mb_object_load(obj);
	EXPECT_NE(0, err);
	EXPECT_TRUE(strstr(mb_last_error(), "struct mb_core_s.") != NULL) TH_LOG("%s", mb_last_error());
	EXPECT_TRUE(strstr(mb_last_error(), "core_shift.bpf.c:") != NULL) TH_LOG("%s", mb_last_error());
	mb_object_close(obj);

	o.btf_path = "/nonexistent/vmlinux";
	obj = mb_object_open(OBJ("core_shift"), &o);
	ASSERT_TRUE(obj != NULL);
	EXPECT_NE(0, mb_object_load(obj));
	EXPECT_TRUE(strstr(mb_last_error(), "/nonexistent/vmlinux") != NULL) TH_LOG("%s", mb_last_error());
	mb_object_close(obj);
}

/* libbpf's rules on hand-made local and target BTF: TYPE_MATCHES is stricter
 * than TYPE_EXISTS, flavors match by essential name, anonymous members are
 * searched, incompatible fields poison, disagreeing candidates are an error. */
TEST(matching_rules)
{
	struct bb lb, tb;
	uint32_t l_int, l_m, l_e, t_int, t_long;
	struct mb_btf *lk, *tk;
	struct mb_core *c;
	struct mb_core_result res;
	struct mb_btf_core_relo r;
	struct bpf_insn insn[2];
	char err[256];
	size_t ll, tl;
	void *lblob, *tblob;
	uint32_t acc0, acc01, acc02, acc1;

	bb_init(&lb);
	l_int = bint(&lb, "int", 4, 1);
	l_m = bt(&lb, "m___local", MB_BTF_KIND_STRUCT, 3, 0, 12);
	bmem(&lb, "x", l_int, 0);
	bmem(&lb, "y", l_int, 32);
	bmem(&lb, "w", l_int, 64);
	l_e = bt(&lb, "e", MB_BTF_KIND_ENUM, 2, 0, 4);
	bw(&lb, bstr(&lb, "E_A"));
	bw(&lb, 0);
	bw(&lb, bstr(&lb, "E_B___x"));
	bw(&lb, 1);
	acc0 = bstr(&lb, "0");
	acc01 = bstr(&lb, "0:1");
	acc02 = bstr(&lb, "0:2");
	acc1 = bstr(&lb, "1");
	lblob = bblob(&lb, &ll);

	bb_init(&tb);
	t_int = bint(&tb, "int", 4, 1);
	t_long = bint(&tb, "long", 8, 1);
	/* m: y moved into an anonymous union; x is a long; w is a struct */
	bt(&tb, "m", MB_BTF_KIND_STRUCT, 3, 0, 24);   /* [3] */
	bmem(&tb, "x", t_long, 0);
	bmem(&tb, "", 4, 64);
	bmem(&tb, "w", 5, 128);
	bt(&tb, "", MB_BTF_KIND_UNION, 1, 0, 4);       /* [4] */
	bmem(&tb, "y", t_int, 0);
	bt(&tb, "wrap", MB_BTF_KIND_STRUCT, 1, 0, 8);  /* [5] */
	bmem(&tb, "q", t_long, 0);
	bt(&tb, "e", MB_BTF_KIND_ENUM, 2, 0, 4);       /* [6] */
	bw(&tb, bstr(&tb, "E_B"));
	bw(&tb, 7);
	bw(&tb, bstr(&tb, "E_A"));
	bw(&tb, 9);
	tblob = bblob(&tb, &tl);

	lk = mb_btf_open_kernel(lblob, ll, err, sizeof(err));
	tk = mb_btf_open_kernel(tblob, tl, err, sizeof(err));
	ASSERT_TRUE(lk && tk) TH_LOG("%s", err);
	c = mb_core_new(lk, tk, 0);
	ASSERT_TRUE(c != NULL);

	/* y: found inside the anonymous union at byte 8 */
	r = (struct mb_btf_core_relo){ 0, l_m, acc01, MB_CORE_FIELD_BYTE_OFFSET };
	insn[0] = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 1, .src_reg = 1, .off = 4 };
	ASSERT_EQ(0, mb_core_apply(c, &r, insn, 1, &res, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(8, insn[0].off);
	EXPECT_FALSE(res.poisoned);

	/* w: int locally, a struct in the target: not compatible, poisoned */
	r = (struct mb_btf_core_relo){ 0, l_m, acc02, MB_CORE_FIELD_BYTE_OFFSET };
	insn[0] = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 1, .src_reg = 1, .off = 8 };
	ASSERT_EQ(0, mb_core_apply(c, &r, insn, 1, &res, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_TRUE(res.poisoned);
	EXPECT_EQ(BPF_JMP | BPF_CALL, insn[0].code);
	EXPECT_EQ(MB_CORE_POISON_IMM, insn[0].imm);
	EXPECT_TRUE(strstr(res.desc, "m___local.w") != NULL) TH_LOG("%s", res.desc);

	/* exists: yes; matches: no (x is int here, long there) */
	r = (struct mb_btf_core_relo){ 0, l_m, acc0, MB_CORE_TYPE_EXISTS };
	insn[0] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = 1 };
	ASSERT_EQ(0, mb_core_apply(c, &r, insn, 1, &res, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(1, insn[0].imm);
	r.kind = MB_CORE_TYPE_MATCHES;
	insn[0].imm = 1;
	ASSERT_EQ(0, mb_core_apply(c, &r, insn, 1, &res, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(0, insn[0].imm);

	/* enumerators by essential name: E_B___x is the target's E_B = 7 */
	r = (struct mb_btf_core_relo){ 0, l_e, acc1, MB_CORE_ENUMVAL_VALUE };
	insn[0] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = 1 };
	ASSERT_EQ(0, mb_core_apply(c, &r, insn, 1, &res, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(7, insn[0].imm);

	/* the compiler's value is checked: a mismatch is an error, not a patch */
	r = (struct mb_btf_core_relo){ 0, l_m, acc01, MB_CORE_FIELD_BYTE_OFFSET };
	insn[0] = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 1, .src_reg = 1, .off = 6 };
	EXPECT_EQ(-EINVAL, mb_core_apply(c, &r, insn, 1, &res, err, sizeof(err)));

	/* a bad access string is refused with a message */
	r = (struct mb_btf_core_relo){ 0, l_m, acc1, MB_CORE_FIELD_BYTE_OFFSET };
	EXPECT_NE(0, mb_core_apply(c, &r, insn, 1, &res, err, sizeof(err)));
	mb_core_free(c);
	mb_btf_free(tk);
	free(tblob);

	/* two flavors of m that disagree on y: ambiguous */
	bb_init(&tb);
	t_int = bint(&tb, "int", 4, 1);
	bt(&tb, "m", MB_BTF_KIND_STRUCT, 1, 0, 4);
	bmem(&tb, "y", t_int, 0);
	bt(&tb, "m___v2", MB_BTF_KIND_STRUCT, 2, 0, 8);
	bmem(&tb, "x", t_int, 0);
	bmem(&tb, "y", t_int, 32);
	tblob = bblob(&tb, &tl);
	tk = mb_btf_open_kernel(tblob, tl, err, sizeof(err));
	c = mb_core_new(lk, tk, 0);
	r = (struct mb_btf_core_relo){ 0, l_m, acc01, MB_CORE_FIELD_BYTE_OFFSET };
	insn[0] = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 1, .src_reg = 1, .off = 4 };
	EXPECT_EQ(-EINVAL, mb_core_apply(c, &r, insn, 1, &res, err, sizeof(err)));
	EXPECT_TRUE(strstr(err, "ambiguous") != NULL) TH_LOG("%s", err);
	mb_core_free(c);
	mb_btf_free(tk);
	mb_btf_free(lk);
	free(tblob);
	free(lblob);
}

TEST(kernel_btf_malformed)
{
	struct bb b;
	char err[256];
	struct mb_btf *k;
	size_t len;
	uint8_t *blob;
	size_t cut;

	EXPECT_TRUE(mb_btf_open_kernel("\x9f\xeb", 2, err, sizeof(err)) == NULL);
	bb_init(&b);
	bint(&b, "int", 4, 1);
	bt(&b, "s", MB_BTF_KIND_STRUCT, 1, 0, 4);
	bmem(&b, "f", 1, 0);
	blob = bblob(&b, &len);
	/* a struct claiming more members than the section holds */
	((uint32_t *)(blob + 24))[5] |= 0x100;
	k = mb_btf_open_kernel(blob, len, err, sizeof(err));
	ASSERT_TRUE(k != NULL);
	EXPECT_EQ(0, mb_btf_type_cnt(k));
	EXPECT_TRUE(mb_btf_type_by_id(k, 1) == NULL);
	EXPECT_TRUE(strstr(mb_btf_error(k), "malformed") != NULL);
	mb_btf_free(k);
	/* every truncation is refused or indexed safely */
	((uint32_t *)(blob + 24))[5] &= ~0x100u;
	for (cut = 0; cut < len; cut++) {
		k = mb_btf_open_kernel(blob, cut, err, sizeof(err));
		if (k) {
			mb_btf_type_cnt(k);
			mb_btf_free(k);
		}
	}
	k = mb_btf_open_kernel(blob, len, err, sizeof(err));
	ASSERT_TRUE(k != NULL);
	EXPECT_EQ(3, mb_btf_type_cnt(k));
	EXPECT_EQ(2, mb_btf_find(k, "s", MB_BTF_KIND_STRUCT));
	EXPECT_EQ(-ENOENT, mb_btf_find(k, "s", MB_BTF_KIND_UNION));
	EXPECT_EQ(4, mb_btf_type_size(k, 2));
	mb_btf_free(k);
	free(blob);
}

static int count_cb(void *ctx, uint32_t id, const struct mb_btf_type *t)
{
	(void)id; (void)t;
	++*(int *)ctx;
	return 0;
}

/* The kept name index answers like a scan; a damaged one never reads out of
 * bounds (run under SAN=1 to see it). */
TEST(kernel_btf_name_index)
{
	char err[256];
	size_t len, ilen;
	void *blob = shift_target(&len), *idx;
	struct mb_btf *k = mb_btf_open_kernel(blob, len, err, sizeof(err)), *k2;
	uint32_t *w;
	size_t i;
	int n = 0;

	ASSERT_TRUE(k != NULL);
	EXPECT_EQ(-ENOSYS, mb_btf_by_name(k, "int", 3, count_cb, &n));
	ASSERT_EQ(0, mb_btf_index_build(k, &idx, &ilen));
	k2 = mb_btf_open_kernel(blob, len, err, sizeof(err));
	ASSERT_EQ(0, mb_btf_index_use(k2, idx, ilen));
	EXPECT_EQ(mb_btf_type_cnt(k), mb_btf_type_cnt(k2));
	EXPECT_EQ(mb_btf_find(k, "mb_core_s", MB_BTF_KIND_STRUCT), mb_btf_find(k2, "mb_core_s", MB_BTF_KIND_STRUCT));
	EXPECT_EQ(mb_btf_find(k, "mb_core_e", -1), mb_btf_find(k2, "mb_core_e", -1));
	EXPECT_EQ(-ENOENT, mb_btf_find(k2, "mb_core_s", MB_BTF_KIND_UNION));
	EXPECT_EQ(0, mb_btf_by_name(k2, "short", 5, count_cb, &n));
	EXPECT_EQ(1, n);
	EXPECT_EQ(mb_btf_type_size(k, 6), mb_btf_type_size(k2, 6));
	mb_btf_free(k2);
	/* a different BTF's index is refused */
	k2 = mb_btf_open_kernel(blob, len - 1, err, sizeof(err));
	if (k2)
		EXPECT_NE(0, mb_btf_index_use(k2, idx, ilen));
	mb_btf_free(k2);
	/* damaged: every word replaced by a wild value */
	w = idx;
	for (i = 0; i < ilen / 4; i++) {
		uint32_t keep = w[i];

		w[i] = i & 1 ? 0xfffffff0u : 3;
		k2 = mb_btf_open_kernel(blob, len, err, sizeof(err));
		if (!mb_btf_index_use(k2, idx, ilen)) {
			mb_btf_find(k2, "mb_core_s", MB_BTF_KIND_STRUCT);
			mb_btf_type_size(k2, 6);
			mb_btf_type_by_id(k2, 3);
		}
		mb_btf_free(k2);
		w[i] = keep;
	}
	free(idx);
	mb_btf_free(k);
	free(blob);
}

/* ---- against the running kernel ----------------------------------------- */
/* A blob served to mb_btf_open_lazy from memory: counts reads, can fail one. */
struct served {
	const uint8_t *data;
	size_t len;
	int reads, fail_at;
	size_t bytes;
};

static int serve(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct served *s = ctx;

	if (off > s->len || len > s->len - off)
		return -EFAULT;   /* never asked outside the file */
	if (++s->reads == s->fail_at)
		return -EIO;
	memcpy(buf, s->data + off, len);
	s->bytes += len;
	return 0;
}

/* Lazily read, with the index of a full pass: the same answers as the blob
 * in memory from a few blocks; a failed read is reported, never mistaken
 * for an answer. */
TEST(kernel_btf_lazy_reads_only_what_lookups_reach)
{
	static const char *const names[] = { "task_struct", "mm_struct", "sk_buff", "xdp_md",
					     "trace_event_raw_sys_enter", "bpf_map" };
	struct served sv = { 0 };
	struct mb_btf *full, *lazy;
	char err[256];
	void *idx;
	size_t ilen, i;
	int id;

	sv.data = test_slurp("/sys/kernel/btf/vmlinux", &sv.len);
	if (!sv.data)
		SKIP(return, "no /sys/kernel/btf/vmlinux");
	full = mb_btf_open_kernel(sv.data, sv.len, err, sizeof(err));
	ASSERT_TRUE(full != NULL) TH_LOG("%s", err);
	ASSERT_EQ(0, mb_btf_index_build(full, &idx, &ilen));

	lazy = mb_btf_open_lazy(sv.len, serve, &sv, err, sizeof(err));
	ASSERT_TRUE(lazy != NULL) TH_LOG("%s", err);
	ASSERT_EQ(0, mb_btf_index_use(lazy, idx, ilen));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct mb_btf_type *a, *b;

		id = mb_btf_find(full, names[i], MB_BTF_KIND_STRUCT);
		ASSERT_LT(0, id) TH_LOG("%s", names[i]);
		EXPECT_EQ(id, mb_btf_find(lazy, names[i], MB_BTF_KIND_STRUCT));
		a = mb_btf_type_by_id(full, (uint32_t)id);
		b = mb_btf_type_by_id(lazy, (uint32_t)id);
		ASSERT_TRUE(a && b);
		/* the whole record, members and all, and every member's name */
		EXPECT_EQ(0, memcmp(a, b, sizeof(*a) + (size_t)mb_btf_extra_size(a)));
		for (uint32_t m = 0; m < mb_btf_vlen(a); m++) {
			const struct mb_btf_member *ma = (const void *)(a + 1);

			EXPECT_STREQ(mb_btf_str(full, ma[m].name_off), mb_btf_str(lazy, ma[m].name_off));
		}
		EXPECT_EQ(mb_btf_type_size(full, (uint32_t)id), mb_btf_type_size(lazy, (uint32_t)id));
	}
	EXPECT_EQ(0, mb_btf_read_error(lazy));
	TH_LOG("%d reads, %zu of %zu bytes", sv.reads, sv.bytes, sv.len);
	EXPECT_GT(sv.len / 4, sv.bytes);
	mb_btf_free(lazy);

	/* each read failing in turn: an error, or the right answer */
	for (int n = 1; n <= 12; n++) {
		sv.reads = 0;
		sv.fail_at = n;
		lazy = mb_btf_open_lazy(sv.len, serve, &sv, err, sizeof(err));
		if (!lazy) {
			EXPECT_TRUE(strstr(err, "read failed") != NULL) TH_LOG("n=%d: %s", n, err);
			continue;
		}
		ASSERT_EQ(0, mb_btf_index_use(lazy, idx, ilen));
		id = mb_btf_find(lazy, "task_struct", MB_BTF_KIND_STRUCT);
		if (mb_btf_read_error(lazy)) {
			EXPECT_EQ(EIO, mb_btf_read_error(lazy));
		} else {
			EXPECT_EQ(mb_btf_find(full, "task_struct", MB_BTF_KIND_STRUCT), id);
		}
		mb_btf_free(lazy);
	}
	/* no index: the first by-id access reads it all, in runs of blocks */
	sv.reads = 0;
	sv.fail_at = 0;
	sv.bytes = 0;
	lazy = mb_btf_open_lazy(sv.len, serve, &sv, err, sizeof(err));
	ASSERT_TRUE(lazy != NULL);
	EXPECT_EQ(mb_btf_type_cnt(full), mb_btf_type_cnt(lazy));
	EXPECT_EQ(sv.len, sv.bytes);
	EXPECT_GE(4, sv.reads);
	mb_btf_free(lazy);
	free(idx);
	mb_btf_free(full);
	free((void *)sv.data);
}

struct core_out {
	int pid, tgid;
	int pid_flavor;
	unsigned long long pid_size, pid_exists, missing_exists, pid_signed;
	unsigned long long reset_on_fork;
	unsigned long long task_size, task_exists, task_matches, no_type_exists;
	unsigned long long map_array, enum_exists, enum_missing;
	unsigned long long id_local, id_target;
	int comm0;
	unsigned int runs;
};

/* "[114] STRUCT 'task_struct' size=..." from bpftool: an oracle that does
 * not share our code. */
static long bpftool_type(const char *kind_name, const char *field, long *id)
{
	char cmd[256], line[512];
	FILE *p;
	long v = -1;

	snprintf(cmd, sizeof(cmd), "bpftool btf dump file /sys/kernel/btf/vmlinux format raw | grep -m1 \"] %s\"",
		 kind_name);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fgets(line, sizeof(line), p)) {
		char *s = strstr(line, field);

		*id = strtol(line + 1, NULL, 10);
		if (s)
			v = strtol(s + strlen(field), NULL, 10);
	}
	pclose(p);
	return v;
}

static int bss_read(struct mb_object *obj, void *out, size_t len)
{
	struct mb_map *m = mb_object_map_by_name(obj, ".bss");
	uint32_t key = 0;
	char buf[4096];

	if (!m || mb_map_value_size(m) > sizeof(buf) || mb_map_value_size(m) < len)
		return -1;
	if (mb_map_lookup_elem(m, &key, sizeof(key), buf, mb_map_value_size(m), 0))
		return -1;
	memcpy(out, buf, len);
	return 0;
}

TEST(tp_btf_task_fields)
{
	struct mb_object *obj = mb_object_open(OBJ("core_task"), NULL);
	struct core_out out;
	struct mb_link *link;
	char comm[32] = "";
	long task_id = 0, size;
	int *tg, fd;

	ASSERT_TRUE(obj != NULL) TH_LOG("%s", mb_last_error());
	tg = mb_object_global(obj, "target_tgid", NULL);
	ASSERT_TRUE(tg != NULL);
	*tg = getpid();
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	link = mb_prog_attach(mb_object_prog(obj, 0));
	ASSERT_TRUE(link != NULL) {
		TH_LOG("%s", mb_last_error());
		mb_object_close(obj);
	}
	syscall(SYS_getpid);
	usleep(1000);
	mb_link_destroy(link);
	ASSERT_EQ(0, bss_read(obj, &out, sizeof(out)));
	mb_object_close(obj);

	fd = open("/proc/self/comm", O_RDONLY);
	ASSERT_GT(read(fd, comm, sizeof(comm) - 1), 0);
	close(fd);
	size = bpftool_type("STRUCT 'task_struct'", "size=", &task_id);

	EXPECT_GT(out.runs, 0);
	EXPECT_EQ(getpid(), out.tgid);
	EXPECT_EQ(syscall(SYS_gettid), out.pid);
	EXPECT_EQ(out.pid, out.pid_flavor);
	EXPECT_EQ(4, out.pid_size);
	EXPECT_EQ(1, out.pid_exists);
	EXPECT_EQ(0, out.missing_exists);
	EXPECT_EQ(1, out.pid_signed);
	EXPECT_EQ(0, out.reset_on_fork);
	EXPECT_EQ(size, (long)out.task_size);
	EXPECT_EQ(task_id, (long)out.id_target);
	EXPECT_GT(out.id_local, 0);
	EXPECT_NE(out.id_local, out.id_target);
	EXPECT_EQ(1, out.task_exists);
	EXPECT_EQ(0, out.no_type_exists);
	/* BPF_MAP_TYPE_ARRAY */
	EXPECT_EQ(2, out.map_array);
	EXPECT_EQ(1, out.enum_exists);
	EXPECT_EQ(0, out.enum_missing);
	EXPECT_EQ(comm[0], out.comm0);
}

TEST(unsatisfied_relocation_names_field)
{
	struct mb_object *obj = mb_object_open(OBJ("core_bad"), NULL);

	ASSERT_TRUE(obj != NULL);
	EXPECT_NE(0, mb_object_load(obj));
	EXPECT_TRUE(strstr(mb_last_error(), "struct task_struct___bad.no_such_field") != NULL)
		TH_LOG("%s", mb_last_error());
	EXPECT_TRUE(strstr(mb_last_error(), "core_bad.bpf.c:") != NULL) TH_LOG("%s", mb_last_error());
	EXPECT_TRUE(strstr(mb_last_error(), "195896080") != NULL) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(-1, mb_prog_fd(mb_object_prog(obj, 0)));
	mb_object_close(obj);
}

/* RSS and time of a CO-RE load (reported; RSS asserted). */
static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long a = 0, b = 0;

	if (f) {
		if (fscanf(f, "%ld %ld", &a, &b) != 2)
			b = 0;
		fclose(f);
	}
	return b * (sysconf(_SC_PAGESIZE) / 1024);
}

TEST(core_load_cost)
{
	struct timespec t0, t1;
	struct mb_object *obj;
	double best = 1e9, ms;
	long rss, grow = 0;
	int i;

	for (i = 0; i < 5; i++) {
		obj = mb_object_open(OBJ("core_task"), NULL);
		ASSERT_TRUE(obj != NULL);
		rss = rss_kb();
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (rss_kb() - rss > grow)
			grow = rss_kb() - rss;
		mb_object_close(obj);
		ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
		if (ms < best)
			best = ms;
	}
	TH_LOG("CO-RE load of core_task: best %.2f ms of 5, RSS growth at most %ld KB", best, grow);
	EXPECT_LT(grow, 2048);
}

/* ---- bpftool as the oracle ---------------------------------------------- */
static void same_as_bpftool(struct __test_metadata *_metadata, const char *obj_name)
{
	char dir[256], cmd[768], pin[512];
	struct mb_object *obj;
	int i, rc;

	snprintf(dir, sizeof(dir), "%s/mbtest_core_%d", mb_bpffs_path(), getpid());
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'; bpftool prog loadall '%s' '%s' >/dev/null 2>&1", dir,
		 obj_name, dir);
	rc = system(cmd);
	if (rc) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		rc = system(cmd);
		SKIP(return, "bpftool cannot load %s here", obj_name);
	}
	/* kernel BTF both ways: read lazily through the name index, and whole
	 * (mmap'd) as when there is no index */
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			setenv("MINIBPF_NO_BTF_INDEX", "1", 1);
		obj = mb_object_open(obj_name, NULL);
		ASSERT_TRUE(obj != NULL);
		EXPECT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
		for (i = 0; i < mb_object_prog_count(obj); i++) {
			struct mb_prog *p = mb_object_prog(obj, i);
			struct bpf_insn *a = NULL, *b = NULL;
			uint32_t na = 0, nb = 0, k;
			int fd;

			snprintf(pin, sizeof(pin), "%s/%s", dir, mb_prog_name(p));
			fd = mb_sys_obj_get(pin, 0);
			EXPECT_GE(fd, 0);
			if (fd < 0 || mb_prog_fd(p) < 0)
				continue;
			EXPECT_EQ(0, prog_xlated(fd, &a, &na));
			EXPECT_EQ(0, prog_xlated(mb_prog_fd(p), &b, &nb));
			close(fd);
			EXPECT_EQ(na, nb);
			for (k = 0; k < na && k < nb; k++)
				if (memcmp(&a[k], &b[k], sizeof(*a))) {
					TH_LOG("%s: insn %u: bpftool %02x %d/%d %d %d, minibpf %02x %d/%d %d %d",
					       mb_prog_name(p), k, a[k].code, a[k].dst_reg, a[k].src_reg, a[k].off,
					       a[k].imm, b[k].code, b[k].dst_reg, b[k].src_reg, b[k].off, b[k].imm);
					EXPECT_TRUE(0);
					break;
				}
			TH_LOG("%s: %u xlated insns compared (%s)", mb_prog_name(p), na,
			       pass ? "no index" : "index");
			free(a);
			free(b);
		}
		mb_object_close(obj);
	}
	unsetenv("MINIBPF_NO_BTF_INDEX");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	rc = system(cmd);
	(void)rc;
}

TEST(differential_core_task)
{
	same_as_bpftool(_metadata, OBJ("core_task"));
}

TEST(differential_externs)
{
	same_as_bpftool(_metadata, OBJ("core_extern"));
}

/* ---- BTF-id targets -------------------------------------------------------- */
static struct mb_object *open_one(const char *path, const char *prog)
{
	struct mb_object *obj = mb_object_open(path, NULL);
	int i;

	for (i = 0; obj && i < mb_object_prog_count(obj); i++)
		mb_prog_set_autoload(mb_object_prog(obj, i),
				     !strcmp(mb_prog_name(mb_object_prog(obj, i)), prog));
	return obj;
}

TEST(iter_task)
{
	struct mb_object *obj = open_one(OBJ("core_iter"), "core_iter_task");
	struct mb_link *link;
	char buf[4096], want[64];
	size_t got = 0;
	ssize_t n;
	int fd, found = 0;

	ASSERT_TRUE(obj != NULL);
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	link = mb_prog_attach(mb_object_prog_by_name(obj, "core_iter_task"));
	ASSERT_TRUE(link != NULL) TH_LOG("%s", mb_last_error());
	fd = mb_sys_iter_create(mb_link_fd(link));
	ASSERT_GE(fd, 3);
	snprintf(want, sizeof(want), "\n%d %d\n", getpid(), getpid());
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0) {
		got += n;
		buf[got] = '\0';
		if (strstr(buf, want))
			found = 1;
		/* keep the last line's tail for matches across reads */
		if (got > sizeof(buf) / 2) {
			memmove(buf, buf + got - 64, 64);
			got = 64;
		}
	}
	close(fd);
	mb_link_destroy(link);
	mb_object_close(obj);
	EXPECT_TRUE(found);
}

TEST(fentry_fexit_lsm)
{
	static const char *const progs[] = { "core_fentry", "core_fexit", "core_lsm" };
	struct mb_object *obj;
	int i, refused = 0;

	obj = open_one(OBJ("core_iter"), "core_fentry_missing");
	ASSERT_TRUE(obj != NULL);
	EXPECT_EQ(-ESRCH, mb_object_load(obj));
	EXPECT_TRUE(strstr(mb_last_error(), "mb_no_such_function") != NULL) TH_LOG("%s", mb_last_error());
	mb_object_close(obj);

	for (i = 0; i < 3; i++) {
		int err;

		obj = open_one(OBJ("core_iter"), progs[i]);
		ASSERT_TRUE(obj != NULL);
		err = mb_object_load(obj);
		if (err == -EPERM) {
			refused++;
		} else {
			struct mb_link *l;

			EXPECT_EQ(0, err) TH_LOG("%s", mb_last_error());
			l = mb_prog_attach(mb_object_prog_by_name(obj, progs[i]));
			EXPECT_TRUE(l != NULL) TH_LOG("%s", mb_last_error());
			mb_link_destroy(l);
		}
		mb_object_close(obj);
	}
	if (refused)
		SKIP(return, "this kernel refuses %d of fentry/fexit/lsm loads with EPERM (the BTF id was found)",
		     refused);
}

/* ---- externs --------------------------------------------------------------- */
struct ext_out {
	unsigned int kver;
	int hz;
	int bpf_syscall, missing;
	unsigned long long sched_addr;
	unsigned int runs;
	int has_cookie, has_wrapper;
};

static unsigned long long kallsyms(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[256], sym[128];
	unsigned long long a, r = 0;

	while (f && !r && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %*c %127s", &a, sym) == 2 && !strcmp(sym, name))
			r = a;
	if (f)
		fclose(f);
	return r;
}

/* zcat as the oracle for our inflate of /proc/config.gz */
static void config_oracle(int *hz, int *sys)
{
	FILE *p = popen("{ cat /boot/config-$(uname -r) || zcat /proc/config.gz; } 2>/dev/null | "
			"grep -E '^CONFIG_(HZ|BPF_SYSCALL)='", "r");
	char line[128];

	*hz = *sys = 0;
	while (p && fgets(line, sizeof(line), p)) {
		if (!strncmp(line, "CONFIG_HZ=", 10))
			*hz = atoi(line + 10);
		if (!strncmp(line, "CONFIG_BPF_SYSCALL=y", 20))
			*sys = 1;
	}
	if (p)
		pclose(p);
}

TEST(externs_kconfig_ksym_kfunc)
{
	int hz, sys;
	struct mb_object *obj = mb_object_open(OBJ("core_extern"), NULL);
	struct ext_out out;
	struct mb_link *link;
	struct utsname u;
	unsigned a = 0, b = 0, c = 0;
	int *tg;

	ASSERT_TRUE(obj != NULL);
	tg = mb_object_global(obj, "target_tgid", NULL);
	ASSERT_TRUE(tg != NULL);
	*tg = getpid();
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	link = mb_prog_attach(mb_object_prog(obj, 0));
	ASSERT_TRUE(link != NULL) TH_LOG("%s", mb_last_error());
	syscall(SYS_getpid);
	mb_link_destroy(link);
	ASSERT_EQ(0, bss_read(obj, &out, sizeof(out)));
	/* the .kconfig map, found through the program's maps, has libbpf's
	 * flags: BPF_F_RDONLY_PROG | BPF_F_MMAPABLE (0x480) */
	{
		struct bpf_map_info mi[16];
		int i, n = prog_maps(mb_prog_fd(mb_object_prog(obj, 0)), mi, 16), kcfg = 0;

		ASSERT_GT(n, 0);
		for (i = 0; i < n && i < 16; i++) {
			if (!strstr(mi[i].name, ".kconfig"))
				continue;
			kcfg++;
			EXPECT_EQ(0x480, mi[i].map_flags) TH_LOG("map '%s'", mi[i].name);
		}
		EXPECT_EQ(1, kcfg);
	}
	mb_object_close(obj);

	uname(&u);
	sscanf(u.release, "%u.%u.%u", &a, &b, &c);
	EXPECT_GT(out.runs, 0);
	EXPECT_EQ(a << 16 | b << 8 | (c > 255 ? 255 : c), out.kver);
	EXPECT_EQ(kallsyms("schedule"), out.sched_addr);
	EXPECT_NE(0, out.sched_addr);
	/* weak, not a config option */
	EXPECT_EQ(0, out.missing);
	config_oracle(&hz, &sys);
	EXPECT_EQ(hz, out.hz);
	EXPECT_EQ(sys, out.bpf_syscall);
	/* libbpf's virtual bool externs: this kernel (>= 5.15) has both */
	EXPECT_EQ(1, out.has_cookie);
	EXPECT_EQ(1, out.has_wrapper);
	TH_LOG("CONFIG_HZ=%d CONFIG_BPF_SYSCALL=%d", out.hz, out.bpf_syscall);
}

TEST(typed_ksym)
{
	struct mb_object *obj = mb_object_open(OBJ("core_ksym"), NULL);
	int err;

	ASSERT_TRUE(obj != NULL);
	err = mb_object_load(obj);
	if (err && strstr(mb_last_error(), "failed to find the address")) {
		mb_object_close(obj);
		SKIP(return, "the kernel cannot find per-CPU 'runqueues' in kallsyms (CONFIG_KALLSYMS_ALL off); the BTF id was resolved");
	}
	EXPECT_EQ(0, err) TH_LOG("%s", mb_last_error());
	mb_object_close(obj);
}

/* One reader, one answer for an id out of range, whatever the blob: NULL
 * for the record, -EINVAL from everything that follows ids; void (0) is 0
 * for resolve and -EINVAL for a size. */
static void expect_out_of_range(struct __test_metadata *_metadata, const struct mb_btf *b)
{
	uint32_t cnt = mb_btf_type_cnt(b);
	struct mb_btf_member_info mi;

	ASSERT_LT(1u, cnt);
	EXPECT_TRUE(mb_btf_type_by_id(b, cnt) == NULL);
	EXPECT_TRUE(mb_btf_type_by_id(b, UINT32_MAX) == NULL);
	EXPECT_TRUE(mb_btf_type_by_id(b, 0) == NULL);
	EXPECT_TRUE(mb_btf_type_by_id(b, cnt - 1) != NULL);
	EXPECT_EQ(-EINVAL, mb_btf_resolve(b, cnt));
	EXPECT_EQ(-EINVAL, mb_btf_resolve(b, UINT32_MAX));
	EXPECT_EQ(0, mb_btf_resolve(b, 0));
	EXPECT_EQ(-EINVAL, mb_btf_type_size(b, cnt));
	EXPECT_EQ(-EINVAL, mb_btf_type_size(b, 0));
	EXPECT_EQ(-EINVAL, mb_btf_member(b, cnt, 0, &mi));
	EXPECT_EQ(-EINVAL, mb_btf_member_find(b, cnt, "x", &mi));
	EXPECT_STREQ("", mb_btf_str(b, UINT32_MAX));
	EXPECT_EQ(-ENOENT, mb_btf_find(b, "no such type, surely", -1));
}

TEST(out_of_range_ids_object_and_kernel)
{
	struct served sv = { 0 };
	struct mb_elf_object *o;
	struct mb_btf *full, *lazy;
	char err[256];
	size_t len, ilen;
	void *data = test_slurp(OBJ("btf_core"), &len), *idx;

	ASSERT_TRUE(data != NULL);
	o = mb_elf_object_parse(data, len, "t", err, sizeof(err));
	free(data);
	ASSERT_TRUE(o && o->btf) TH_LOG("%s", err);
	expect_out_of_range(_metadata, o->btf);                          /* object, checked whole */
	expect_out_of_range(_metadata, mb_btf_edit_view(o->btf_edit));   /* the bytes to load */
	mb_elf_object_free(o);

	sv.data = test_slurp("/sys/kernel/btf/vmlinux", &sv.len);
	if (!sv.data)
		SKIP(return, "no /sys/kernel/btf/vmlinux");
	full = mb_btf_open_kernel(sv.data, sv.len, err, sizeof(err));
	ASSERT_TRUE(full != NULL) TH_LOG("%s", err);
	expect_out_of_range(_metadata, full);
	lazy = mb_btf_open_lazy(sv.len, serve, &sv, err, sizeof(err));   /* no index */
	ASSERT_TRUE(lazy != NULL) TH_LOG("%s", err);
	expect_out_of_range(_metadata, lazy);
	mb_btf_free(lazy);
	ASSERT_EQ(0, mb_btf_index_build(full, &idx, &ilen));
	lazy = mb_btf_open_lazy(sv.len, serve, &sv, err, sizeof(err));   /* index, few reads */
	ASSERT_TRUE(lazy != NULL) TH_LOG("%s", err);
	ASSERT_EQ(0, mb_btf_index_use(lazy, idx, ilen));
	expect_out_of_range(_metadata, lazy);
	EXPECT_EQ(0, mb_btf_read_error(lazy));
	mb_btf_free(lazy);
	free(idx);
	mb_btf_free(full);
	free((void *)sv.data);
}

TEST_HARNESS_MAIN
