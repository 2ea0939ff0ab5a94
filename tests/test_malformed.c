// Hostile and broken objects through the whole open path (mb_object_open_mem:
// ELF, BTF, .BTF.ext, map definitions). Each test builds a small object that
// opens cleanly, breaks one thing the way fuzzers broke other loaders, and
// checks for a clear error (never a crash, an over-read or a huge allocation:
// run the SAN=1 build to see the last two). Parser-level cases are in
// test_elf.c and test_btf.c; these are the same classes seen from the API.
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "minibpf.h"
#include "btf/btf.h"

/* ---- a tiny ELF64 little-endian writer ------------------------------------ */
#define SHT_PROGBITS 1
#define SHT_SYMTAB   2
#define SHT_STRTAB   3
#define SHT_NOBITS   8
#define SHT_REL      9
#define SHF_WRITE    1
#define SHF_ALLOC    2
#define SHF_EXEC     4
#define LINK_SYMTAB  0xffffffffu    /* filled with the symtab's index */
#define GLOBAL_FUNC   0x12
#define GLOBAL_OBJECT 0x11

struct xsec {
	const char *name;
	uint32_t type;
	uint64_t flags;
	const void *data;
	size_t len;
	uint32_t link, info;
	uint64_t entsize;
};
struct xsym {
	const char *name;
	uint8_t info;
	uint16_t shndx;
	uint64_t value, size;
};
struct xobj {
	struct xsec sec[12];
	int nsec;                   /* user sections are 1..nsec */
	struct xsym sym[12];
	int nsym;                   /* plus the null symbol */
	uint8_t *buf;
	size_t size;
	uint64_t shoff;
	int symtab;                 /* section index */
};

static void w16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void w32(uint8_t *p, uint32_t v) { w16(p, v); w16(p + 2, v >> 16); }
static void w64(uint8_t *p, uint64_t v) { w32(p, v); w32(p + 4, v >> 32); }

static int add_sec(struct xobj *o, const char *name, uint32_t type, uint64_t flags,
		   const void *data, size_t len)
{
	struct xsec *s = &o->sec[++o->nsec];

	memset(s, 0, sizeof(*s));
	s->name = name;
	s->type = type;
	s->flags = flags;
	s->data = data;
	s->len = len;
	return o->nsec;
}

static void add_sym(struct xobj *o, const char *name, uint8_t info, uint16_t shndx,
		    uint64_t value, uint64_t size)
{
	struct xsym *s = &o->sym[o->nsym++];

	s->name = name;
	s->info = info;
	s->shndx = shndx;
	s->value = value;
	s->size = size;
}

/* Header of section i in the built file. */
static uint8_t *shdr(struct xobj *o, int i)
{
	return o->buf + o->shoff + (size_t)i * 64;
}

static size_t put(uint8_t *buf, size_t at, const void *d, size_t len)
{
	at = (at + 7) & ~(size_t)7;
	if (buf && len)
		memcpy(buf + at, d, len);
	return at;
}

static void build(struct xobj *o)
{
	uint8_t syms[13 * 24], strtab[256], shstr[512];
	size_t symlen = 24 * (o->nsym + 1), strlen_ = 1, shlen = 1, at, offs[16];
	int n = o->nsec + 4, i, pass;     /* null, user, .symtab, .strtab, .shstrtab */
	uint32_t names[16];

	memset(syms, 0, sizeof(syms));
	strtab[0] = shstr[0] = 0;
	for (i = 0; i < o->nsym; i++) {
		uint8_t *s = syms + 24 * (i + 1);

		w32(s, (uint32_t)strlen_);
		s[4] = o->sym[i].info;
		w16(s + 6, o->sym[i].shndx);
		w64(s + 8, o->sym[i].value);
		w64(s + 16, o->sym[i].size);
		memcpy(strtab + strlen_, o->sym[i].name, strlen(o->sym[i].name) + 1);
		strlen_ += strlen(o->sym[i].name) + 1;
	}
	o->symtab = o->nsec + 1;
	o->sec[o->nsec + 1] = (struct xsec){ ".symtab", SHT_SYMTAB, 0, syms, symlen,
					     (uint32_t)o->nsec + 2, 1, 24 };
	o->sec[o->nsec + 2] = (struct xsec){ ".strtab", SHT_STRTAB, 0, strtab, strlen_ };
	o->sec[o->nsec + 3] = (struct xsec){ ".shstrtab", SHT_STRTAB, 0, shstr, 0 };
	for (i = 1; i < n; i++) {
		names[i] = (uint32_t)shlen;
		memcpy(shstr + shlen, o->sec[i].name, strlen(o->sec[i].name) + 1);
		shlen += strlen(o->sec[i].name) + 1;
	}
	o->sec[o->nsec + 3].len = shlen;
	for (pass = 0; pass < 2; pass++) {
		at = 64;
		for (i = 1; i < n; i++) {
			const struct xsec *s = &o->sec[i];

			offs[i] = put(pass ? o->buf : NULL, at, s->data,
				      s->type == SHT_NOBITS ? 0 : s->len);
			at = offs[i] + (s->type == SHT_NOBITS ? 0 : s->len);
		}
		o->shoff = (at + 7) & ~(size_t)7;
		o->size = o->shoff + (size_t)n * 64;
		if (!pass)
			o->buf = calloc(1, o->size);
	}
	memcpy(o->buf, "\x7f" "ELF\x02\x01\x01", 7);
	w16(o->buf + 16, 1);            /* ET_REL */
	w16(o->buf + 18, 247);          /* EM_BPF */
	w32(o->buf + 20, 1);
	w64(o->buf + 40, o->shoff);
	w16(o->buf + 52, 64);
	w16(o->buf + 58, 64);
	w16(o->buf + 60, (uint16_t)n);
	w16(o->buf + 62, (uint16_t)(n - 1));
	for (i = 1; i < n; i++) {
		const struct xsec *s = &o->sec[i];
		uint8_t *h = shdr(o, i);

		w32(h, names[i]);
		w32(h + 4, s->type);
		w64(h + 8, s->flags);
		w64(h + 24, offs[i]);
		w64(h + 32, s->len);
		w32(h + 40, s->link == LINK_SYMTAB ? (uint32_t)o->symtab : s->link);
		w32(h + 44, s->info);
		w64(h + 48, 8);
		w64(h + 56, s->entsize);
	}
}

/* mov64 r0, 0; exit */
static const uint8_t insns[16] = { 0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0 };
/* ld_imm64 r1, <map> (relocated); mov64 r0, 0; exit */
static const uint8_t map_insns[32] = { 0x18, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				       0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0 };

/* A socket filter and its license: the smallest object that opens. Section 1
 * is the code, 2 the license; symbols: prog, LICENSE. */
static void base(struct xobj *o)
{
	memset(o, 0, sizeof(*o));
	add_sec(o, "socket", SHT_PROGBITS, SHF_ALLOC | SHF_EXEC, insns, sizeof(insns));
	add_sec(o, "license", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, "GPL", 4);
	add_sym(o, "prog", GLOBAL_FUNC, 1, 0, sizeof(insns));
	add_sym(o, "LICENSE", GLOBAL_OBJECT, 2, 0, 4);
}

/* Open must fail with a message containing `what` (and errno set). */
static void expect_refused(struct __test_metadata *_metadata, struct xobj *o, const char *what)
{
	struct mb_object *obj;

	errno = 0;
	obj = mb_object_open_mem(o->buf, o->size, NULL);
	EXPECT_TRUE(obj == NULL) TH_LOG("opened, expected an error about '%s'", what);
	if (obj) {
		mb_object_close(obj);
		return;
	}
	TH_LOG("refused: %s", mb_last_error());
	EXPECT_NE(0, errno);
	EXPECT_NE(ENOMEM, errno) TH_LOG("out of memory instead of a clear error: %s", mb_last_error());
	EXPECT_TRUE(strstr(mb_last_error(), what) != NULL)
		TH_LOG("message '%s' lacks '%s'", mb_last_error(), what);
}

TEST(baseline_opens)
{
	struct mb_object *obj;
	struct xobj o;

	base(&o);
	build(&o);
	obj = mb_object_open_mem(o.buf, o.size, NULL);
	ASSERT_TRUE(obj != NULL) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(1, mb_object_prog_count(obj));
	EXPECT_STREQ("prog", mb_prog_name(mb_object_prog(obj, 0)));
	mb_object_close(obj);
	free(o.buf);
}

TEST(shnum_trusted)
{
	struct xobj o;

	base(&o);
	build(&o);
	w16(o.buf + 60, 0xfeff);        /* far more headers than the file holds */
	expect_refused(_metadata, &o, "section header");
	w16(o.buf + 60, 2);             /* fewer: e_shstrndx now out of range */
	expect_refused(_metadata, &o, "");
	free(o.buf);
}

TEST(entsize_zero)
{
	static const uint8_t rel[16] = { 0 };
	struct xobj o;
	int r;

	base(&o);
	build(&o);
	w64(shdr(&o, o.symtab) + 56, 0);
	expect_refused(_metadata, &o, "entry size");
	free(o.buf);

	base(&o);
	o.sec[1].data = map_insns;
	o.sec[1].len = sizeof(map_insns);
	r = add_sec(&o, ".relsocket", SHT_REL, 0, rel, sizeof(rel));
	o.sec[r].link = LINK_SYMTAB;
	o.sec[r].info = 1;
	o.sec[r].entsize = 0;
	build(&o);
	expect_refused(_metadata, &o, "entry size");
	free(o.buf);
}

TEST(empty_or_missing_section_data)
{
	struct mb_object *obj;
	struct xobj o;

	/* A code section with no bytes (its function symbol points past it):
	 * nothing to load, and nothing read. */
	base(&o);
	o.sec[1].len = 0;
	build(&o);
	obj = mb_object_open_mem(o.buf, o.size, NULL);
	ASSERT_TRUE(obj != NULL) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(0, mb_object_prog_count(obj));
	mb_object_close(obj);
	free(o.buf);

	/* An empty license: no NUL to end it. */
	base(&o);
	o.sec[2].len = 0;
	build(&o);
	expect_refused(_metadata, &o, "license");
	free(o.buf);

	/* Code and .data whose bytes lie past the end of the file. */
	base(&o);
	build(&o);
	w64(shdr(&o, 1) + 24, o.size - 8);
	expect_refused(_metadata, &o, "past the end");
	free(o.buf);
	base(&o);
	add_sec(&o, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, "abcd", 4);
	build(&o);
	w64(shdr(&o, 3) + 32, 1u << 20);
	expect_refused(_metadata, &o, "past the end");
	free(o.buf);

	/* No symbol table (its type changed): the code has no functions. */
	base(&o);
	build(&o);
	w32(shdr(&o, o.symtab) + 4, SHT_PROGBITS);
	expect_refused(_metadata, &o, "no function symbol");
	free(o.buf);
}

TEST(indices_out_of_range)
{
	static uint8_t rel[16];
	struct xobj o;
	int r;

	base(&o);
	o.sym[0].shndx = 0xfeff;        /* symbol in a section that does not exist */
	build(&o);
	expect_refused(_metadata, &o, "out of range");
	free(o.buf);

	base(&o);
	build(&o);
	w32(shdr(&o, o.symtab) + 40, 99);       /* .symtab's strings: no such section */
	expect_refused(_metadata, &o, "");
	free(o.buf);

	base(&o);
	build(&o);
	w32(shdr(&o, 1), 0x7fffff00);   /* section name offset outside .shstrtab */
	expect_refused(_metadata, &o, "name offset");
	free(o.buf);

	/* Relocations: symbol index and target section out of range. */
	base(&o);
	o.sec[1].data = map_insns;
	o.sec[1].len = sizeof(map_insns);
	r = add_sec(&o, ".relsocket", SHT_REL, 0, rel, sizeof(rel));
	o.sec[r].link = LINK_SYMTAB;
	o.sec[r].info = 1;
	o.sec[r].entsize = 16;
	w64(rel + 8, (uint64_t)1000 << 32 | 1);         /* r_sym 1000, R_BPF_64_64 */
	build(&o);
	expect_refused(_metadata, &o, "");
	free(o.buf);
	o.sec[r].info = 77;             /* applies to section 77 */
	w64(rel + 8, (uint64_t)1 << 32 | 1);
	build(&o);
	expect_refused(_metadata, &o, "");
	free(o.buf);
	o.sec[r].info = 1;
	w64(rel, 4096);                 /* r_offset past the code */
	build(&o);
	expect_refused(_metadata, &o, "");
	free(o.buf);
	w64(rel, 3);                    /* r_offset not on an instruction */
	build(&o);
	expect_refused(_metadata, &o, "");
	free(o.buf);
}

/* Fuzzer find (elf target): a relocation naming symbol 0, the null symbol,
 * was taken for extern #0 and wrote through a NULL externs array. */
TEST(relocation_against_null_symbol)
{
	/* call pc+0 (BPF_PSEUDO_CALL); mov64 r0, 0; exit */
	static const uint8_t call_insns[24] = { 0x85, 0x10, 0, 0, 0, 0, 0, 0,
						0xb7, 0, 0, 0, 0, 0, 0, 0,
						0x95, 0, 0, 0, 0, 0, 0, 0 };
	static uint8_t rel[16];
	struct xobj o;
	int r, k;

	for (k = 0; k < 2; k++) {
		base(&o);
		o.sec[1].data = k ? call_insns : map_insns;
		o.sec[1].len = k ? sizeof(call_insns) : sizeof(map_insns);
		o.sym[0].size = o.sec[1].len;
		r = add_sec(&o, ".relsocket", SHT_REL, 0, rel, sizeof(rel));
		o.sec[r].link = LINK_SYMTAB;
		o.sec[r].info = 1;
		o.sec[r].entsize = 16;
		w64(rel + 8, k ? 10 : 1);       /* r_sym 0; R_BPF_64_32 / R_BPF_64_64 */
		build(&o);
		expect_refused(_metadata, &o, "relocation");
		free(o.buf);
	}
}

/* Overwrite the last byte of section SHNDX (a string table's NUL). */
static void clobber_last_byte(struct xobj *o, int shndx)
{
	const uint8_t *h = shdr(o, shndx);
	uint64_t off = 0, size = 0;
	int k;

	for (k = 7; k >= 0; k--) {
		off = off << 8 | h[24 + k];
		size = size << 8 | h[32 + k];
	}
	o->buf[off + size - 1] = 'X';
}

TEST(unterminated_strings)
{
	struct xobj o;
	int i;

	/* .strtab, then .shstrtab: each with no NUL at its end */
	for (i = 1; i <= 2; i++) {
		base(&o);
		build(&o);
		clobber_last_byte(&o, o.symtab + i);
		expect_refused(_metadata, &o, "NUL");
		free(o.buf);
	}
}

TEST(license_without_nul)
{
	struct xobj o;

	base(&o);
	o.sec[2].data = "GPLv2+++";
	o.sec[2].len = 8;
	build(&o);
	expect_refused(_metadata, &o, "license");
	free(o.buf);
}

/* ---- BTF inside the object ------------------------------------------------- */
#define INFO(kind, vlen) ((uint32_t)(kind) << 24 | (vlen))
struct btf_blob {
	uint8_t b[1024];
	size_t len;
};

static void make_btf(struct btf_blob *o, const uint32_t *types, size_t nwords, const char *strs,
		     size_t slen)
{
	uint32_t hdr[6] = { 0x0101eb9f, 24, 0, (uint32_t)nwords * 4, (uint32_t)nwords * 4,
			    (uint32_t)slen };

	memcpy(o->b, hdr, 24);
	memcpy(o->b + 24, types, nwords * 4);
	memcpy(o->b + 24 + nwords * 4, strs, slen);
	o->len = 24 + nwords * 4 + slen;
}

/* base() plus a .bss section holding `int x;` and the .BTF given. With
 * need_btf, an (empty) .maps section too: BTF is then required, where
 * otherwise a broken .BTF is dropped as optional (libbpf does the same). */
static int need_btf;
static void with_btf(struct xobj *o, const struct btf_blob *b, uint64_t bss_size)
{
	static const uint8_t zero[8];

	base(o);
	add_sec(o, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, zero, bss_size);
	add_sec(o, ".BTF", SHT_PROGBITS, 0, b->b, b->len);
	add_sym(o, "x", GLOBAL_OBJECT, 3, 0, 4);
	if (need_btf)
		add_sec(o, ".maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, zero, 0);
}

/* A broken .BTF: refused when the object needs it, else the object opens
 * without it (its globals are then not reachable by name). */
static void expect_btf_refused(struct __test_metadata *_metadata, struct xobj *o,
			       const char *what)
{
	struct mb_object *obj;
	size_t sz;

	if (need_btf) {
		expect_refused(_metadata, o, what);
		return;
	}
	obj = mb_object_open_mem(o->buf, o->size, NULL);
	if (!obj) {
		EXPECT_TRUE(strstr(mb_last_error(), what) != NULL) TH_LOG("%s", mb_last_error());
		return;
	}
	EXPECT_TRUE(mb_object_global(obj, "x", &sz) == NULL) TH_LOG("broken BTF was used");
	mb_object_close(obj);
}

/* Run a BTF test body twice: BTF optional, then required. */
#define BTF_TEST(name)							\
	static void name##_body(struct __test_metadata *_metadata);	\
	TEST(name)							\
	{								\
		for (need_btf = 0; need_btf < 2; need_btf++)		\
			name##_body(_metadata);				\
	}								\
	static void name##_body(struct __test_metadata *_metadata)

/* [1] int, [2] VAR x -> 1 (global), [3] DATASEC .bss { [2] at 0, size 4 } */
static const char strs[] = "\0int\0x\0.bss";
static const uint32_t good_types[] = {
	1, INFO(1, 0), 4, 32,
	5, INFO(14, 0), 1, 1,
	7, INFO(15, 1), 0, 2, 0, 4,
};

TEST(btf_baseline)
{
	struct mb_object *obj;
	struct btf_blob b;
	struct xobj o;
	size_t sz;

	make_btf(&b, good_types, 14, strs, sizeof(strs));
	with_btf(&o, &b, 4);
	build(&o);
	obj = mb_object_open_mem(o.buf, o.size, NULL);
	ASSERT_TRUE(obj != NULL) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(1, mb_object_map_count(obj));
	EXPECT_TRUE(mb_object_global(obj, "x", &sz) != NULL) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(4, sz);
	mb_object_close(obj);
	free(o.buf);
}

BTF_TEST(btf_type_ids_out_of_range)
{
	uint32_t t[14];
	struct btf_blob b;
	struct xobj o;

	memcpy(t, good_types, sizeof(t));
	t[6] = 99;                      /* VAR x -> type 99 */
	make_btf(&b, t, 14, strs, sizeof(strs));
	with_btf(&o, &b, 4);
	build(&o);
	expect_btf_refused(_metadata, &o, "99");
	free(o.buf);

	memcpy(t, good_types, sizeof(t));
	t[1] = INFO(2, 0);              /* [1] PTR -> 0xffffffff */
	t[2] = 0xffffffff;
	make_btf(&b, t, 14, strs, sizeof(strs));
	with_btf(&o, &b, 4);
	build(&o);
	expect_btf_refused(_metadata, &o, "");
	free(o.buf);
}

BTF_TEST(datasec_entries_bad)
{
	uint32_t t[14];
	struct btf_blob b;
	struct xobj o;

	memcpy(t, good_types, sizeof(t));
	t[11] = 1;                      /* entry is the INT, not a VAR */
	make_btf(&b, t, 14, strs, sizeof(strs));
	with_btf(&o, &b, 4);
	build(&o);
	expect_btf_refused(_metadata, &o, "VAR");
	free(o.buf);

	memcpy(t, good_types, sizeof(t));
	t[11] = 0x7fffffff;             /* entry type out of range */
	make_btf(&b, t, 14, strs, sizeof(strs));
	with_btf(&o, &b, 4);
	build(&o);
	expect_btf_refused(_metadata, &o, "");
	free(o.buf);

	memcpy(t, good_types, sizeof(t));
	t[13] = 0xfffffffc;             /* entry size: offset + size wraps */
	t[12] = 8;
	make_btf(&b, t, 14, strs, sizeof(strs));
	with_btf(&o, &b, 4);
	build(&o);
	{
		struct mb_object *obj = mb_object_open_mem(o.buf, o.size, NULL);
		size_t sz = 0;
		char *x;

		/* Either refused, or the variable is still inside .bss. */
		if (obj) {
			x = mb_object_global(obj, "x", &sz);
			if (x)
				EXPECT_LE(sz, 4);
			mb_object_close(obj);
		}
	}
	free(o.buf);

	/* The symbol puts x past the end of its 4-byte section. */
	make_btf(&b, good_types, 14, strs, sizeof(strs));
	with_btf(&o, &b, 4);
	o.sym[2].value = 4096;
	build(&o);
	expect_btf_refused(_metadata, &o, "");
	free(o.buf);
}

BTF_TEST(btf_header_overflow)
{
	struct btf_blob b;
	struct xobj o;
	uint32_t v;

	make_btf(&b, good_types, 14, strs, sizeof(strs));
	v = 0xfffffff8;                 /* str_off + str_len wraps around 32 bits */
	memcpy(b.b + 16, &v, 4);
	with_btf(&o, &b, 4);
	build(&o);
	expect_btf_refused(_metadata, &o, "");
	free(o.buf);

	make_btf(&b, good_types, 14, strs, sizeof(strs));
	v = 0xffffff00;                 /* type_len: 4 GB of types in a 1 KB file */
	memcpy(b.b + 12, &v, 4);
	with_btf(&o, &b, 4);
	build(&o);
	expect_btf_refused(_metadata, &o, "");
	free(o.buf);
}

/* ---- .BTF.ext --------------------------------------------------------------- */
/* func_info for section "socket": [4] FUNC prog -> [5] FUNC_PROTO int(void). */
static const char ext_strs[] = "\0int\0x\0.bss\0prog\0socket";
static const uint32_t ext_types[] = {
	1, INFO(1, 0), 4, 32,
	5, INFO(14, 0), 1, 1,
	7, INFO(15, 1), 0, 2, 0, 4,
	12, INFO(12, 0) | 1u << 0, 5,     /* FUNC prog, global linkage in vlen */
	0, INFO(13, 0), 1,
};

static void with_ext(struct xobj *o, struct btf_blob *b, const uint32_t *ext, size_t nwords)
{
	make_btf(b, ext_types, sizeof(ext_types) / 4, ext_strs, sizeof(ext_strs));
	with_btf(o, b, 4);
	add_sec(o, ".BTF.ext", SHT_PROGBITS, 0, ext, nwords * 4);
}

TEST(btf_ext_sizes_disagree)
{
	/* magic/version/flags, hdr_len 32, func 0+20, line 20+0, core 20+0,
	 * func_info: rec_size 8, "socket" (off 17) with 1 record: insn 0, type 4 */
	const uint32_t good[] = { 0x0001eb9f, 32, 0, 20, 20, 0, 20, 0,
				  8, 17, 1, 0, 4 };
	struct mb_object *obj;
	uint32_t e[13];
	struct btf_blob b;
	struct xobj o;

	with_ext(&o, &b, good, 13);
	build(&o);
	obj = mb_object_open_mem(o.buf, o.size, NULL);
	ASSERT_TRUE(obj != NULL) TH_LOG("%s", mb_last_error());
	mb_object_close(obj);
	free(o.buf);

	memcpy(e, good, sizeof(e));
	e[3] = 200;                     /* func_info_len past the section */
	with_ext(&o, &b, e, 13);
	build(&o);
	expect_refused(_metadata, &o, ".BTF.ext");
	free(o.buf);

	memcpy(e, good, sizeof(e));
	e[8] = 12;                      /* rec_size says 12, the block holds 8 */
	with_ext(&o, &b, e, 13);
	build(&o);
	expect_refused(_metadata, &o, ".BTF.ext");
	free(o.buf);

	memcpy(e, good, sizeof(e));
	e[10] = 0x20000001;             /* num_info * rec_size wraps 32 bits */
	with_ext(&o, &b, e, 13);
	build(&o);
	expect_refused(_metadata, &o, ".BTF.ext");
	free(o.buf);

	memcpy(e, good, sizeof(e));
	e[1] = 0x100000;                /* hdr_len past the section */
	with_ext(&o, &b, e, 13);
	build(&o);
	expect_refused(_metadata, &o, ".BTF.ext");
	free(o.buf);

	memcpy(e, good, sizeof(e));
	e[9] = 9999;                    /* section name outside the strings */
	with_ext(&o, &b, e, 13);
	build(&o);
	expect_refused(_metadata, &o, ".BTF.ext");
	free(o.buf);
}

/* ---- absurd sizes ---------------------------------------------------------- */
/* Open in a child whose address space is capped at 256 MB: a loader that
 * believed a size from the file would die or fail with ENOMEM there. */
static void expect_refused_small(struct __test_metadata *_metadata, struct xobj *o,
				 const char *what)
{
	int st;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct rlimit rl = { 256u << 20, 256u << 20 };
		struct mb_object *obj;

		/* ASan reserves terabytes of shadow: the cap would break it. */
		if (!getenv("ASAN_OPTIONS") && !strstr(MB_BUILD_DIR, "-san"))
			setrlimit(RLIMIT_AS, &rl);
		obj = mb_object_open_mem(o->buf, o->size, NULL);
		if (obj)
			_exit(2);
		if (errno == ENOMEM || !strstr(mb_last_error(), what)) {
			fprintf(stderr, "# errno %d: %s\n", errno, mb_last_error());
			_exit(3);
		}
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st)) TH_LOG("the open crashed (signal %d)", WTERMSIG(st));
	EXPECT_EQ(0, WEXITSTATUS(st)) TH_LOG("2: opened, 3: wrong error");
}

TEST(absurd_sizes)
{
	struct btf_blob b;
	struct xobj o;

	/* A 4 GB .bss asked for by a file of a few hundred bytes. */
	make_btf(&b, good_types, 14, strs, sizeof(strs));
	with_btf(&o, &b, 4);
	build(&o);
	w64(shdr(&o, 3) + 32, 4ull << 30);
	TH_LOG("a %zu-byte file asking for 4 GB of .bss", o.size);
	expect_refused_small(_metadata, &o, "too large");
	free(o.buf);

	/* A symbol table of 2^60 entries. */
	base(&o);
	build(&o);
	w64(shdr(&o, o.symtab) + 32, 24ull << 56);
	expect_refused_small(_metadata, &o, "");
	free(o.buf);

	/* A code section of 2^40 instructions. */
	base(&o);
	build(&o);
	w64(shdr(&o, 1) + 32, 8ull << 40);
	expect_refused_small(_metadata, &o, "past the end");
	free(o.buf);

	/* A .maps variable whose value type is a 2^34-byte array. */
	{
		/* [1] int, [2] ARRAY int[2] (for type), [3] PTR->2,
		 * [4] ARRAY u64 x 0x80000000, [5] PTR->4,
		 * [6] struct { int (*type)[2]; big *value; }, [7] VAR m, [8] DATASEC .maps */
		static const char ms[] = "\0int\0type\0value\0m\0.maps";
		const uint32_t t[] = {
			1, INFO(1, 0), 8, 64,
			0, INFO(3, 0), 0, 1, 1, 2,
			0, INFO(2, 0), 2,
			0, INFO(3, 0), 0, 1, 1, 0x80000000u,
			0, INFO(2, 0), 4,
			0, INFO(4, 2), 16, 5, 3, 0, 10, 5, 64,
			16, INFO(14, 0), 6, 1,
			18, INFO(15, 1), 0, 7, 0, 16,
		};
		static const uint8_t zero[16];

		make_btf(&b, t, sizeof(t) / 4, ms, sizeof(ms));
		base(&o);
		add_sec(&o, ".maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, zero, 16);
		add_sec(&o, ".BTF", SHT_PROGBITS, 0, b.b, b.len);
		add_sym(&o, "m", GLOBAL_OBJECT, 3, 0, 16);
		build(&o);
		expect_refused_small(_metadata, &o, "m");
		free(o.buf);
	}
}

/* Fuzzer find (btf target): printing an array of arrays of an empty struct
 * looped 2^32 times per level. Now bounded by the size of the value. */
TEST(dump_of_zero_sized_elements_is_bounded)
{
	/* [1] struct {} (size 0), [2] [1] x 0xffffffff, [3] [2] x 0xffffffff, [4] int */
	static const char s[] = "\0e\0int";
	const uint32_t t[] = {
		1, INFO(4, 0), 0,
		0, INFO(3, 0), 0, 1, 4, 0xffffffffu,
		0, INFO(3, 0), 0, 2, 4, 0xffffffffu,
		3, INFO(1, 0), 4, 32,
	};
	uint8_t value[64] = { 0 };
	struct btf_blob b;
	struct mb_btf *btf;
	char err[256];
	FILE *null = fopen("/dev/null", "w");

	ASSERT_TRUE(null != NULL);
	make_btf(&b, t, sizeof(t) / 4, s, sizeof(s));
	btf = mb_btf_open(b.b, b.len, err, sizeof(err));
	ASSERT_TRUE(btf != NULL) TH_LOG("%s", err);
	alarm(20);      /* a hang fails the test instead of the whole run */
	EXPECT_EQ(-E2BIG, mb_btf_dump_value(btf, 3, value, sizeof(value), null, 1));
	EXPECT_EQ(-E2BIG, mb_btf_dump_value(btf, 2, value, sizeof(value), null, 0));
	EXPECT_EQ(0, mb_btf_dump_value(btf, 1, value, sizeof(value), null, 0));
	alarm(0);
	mb_btf_free(btf);
	fclose(null);
}

/* .kconfig externs laid out from hostile BTF (load path). Symbols 3 and 4
 * are the externs; the program loads the address of symbol 3. */
static void kconfig_object(struct xobj *o, struct btf_blob *b, const uint32_t *t, size_t nw,
			   const char *s, size_t slen, const char *sym3, const char *sym4)
{
	static uint8_t rel[16];
	int r;

	make_btf(b, t, nw, s, slen);
	base(o);
	o->sec[1].data = map_insns;
	o->sec[1].len = sizeof(map_insns);
	o->sym[0].size = sizeof(map_insns);
	r = add_sec(o, ".relsocket", SHT_REL, 0, rel, sizeof(rel));
	o->sec[r].link = LINK_SYMTAB;
	o->sec[r].info = 1;
	o->sec[r].entsize = 16;
	w64(rel + 8, (uint64_t)3 << 32 | 1);    /* symbol 3, R_BPF_64_64 */
	add_sec(o, ".BTF", SHT_PROGBITS, 0, b->b, b->len);
	add_sym(o, sym3, 0x10, 0, 0, 0);        /* STB_GLOBAL, STT_NOTYPE, SHN_UNDEF */
	if (sym4)
		add_sym(o, sym4, 0x10, 0, 0, 0);
	build(o);
}

static void expect_load_refused(struct __test_metadata *_metadata, struct xobj *o,
				const char *what)
{
	struct mb_object *obj = mb_object_open_mem(o->buf, o->size, NULL);
	int err;

	ASSERT_TRUE(obj != NULL) TH_LOG("%s", mb_last_error());
	err = mb_object_load(obj);
	TH_LOG("load: %d %s", err, mb_last_error());
	EXPECT_GT(0, err);
	EXPECT_TRUE(strstr(mb_last_error(), what) != NULL) TH_LOG("%s", mb_last_error());
	mb_object_close(obj);
}

/* An enum of size 0: its alignment divided by zero. */
TEST(kconfig_enum_size_zero)
{
	static const char s[] = "\0e\0CONFIG_HZ\0.kconfig";
	/* [1] enum e (size 0), [2] VAR CONFIG_HZ -> 1 (extern), [3] DATASEC .kconfig { 2 } */
	const uint32_t t[] = {
		1, INFO(6, 0), 0,
		3, INFO(14, 0), 1, 2,
		13, INFO(15, 1), 0, 2, 0, 0,
	};
	struct btf_blob b;
	struct xobj o;

	kconfig_object(&o, &b, t, sizeof(t) / 4, s, sizeof(s), "CONFIG_HZ", NULL);
	expect_load_refused(_metadata, &o, "CONFIG_HZ");
	free(o.buf);
}

/* char arrays of 0x20 and 0xfffffff0 bytes: the layout's total wrapped to
 * 0x10, and the second value was copied past the small buffer. (Both are
 * strings in common kernel configs.) */
TEST(kconfig_sizes_wrap)
{
	static const char s[] = "\0e\0CONFIG_HZ\0.kconfig\0char\0CONFIG_DEFAULT_HOSTNAME\0"
				"CONFIG_CC_VERSION_TEXT";
	/* [1] char, [2] char[0xfffffff0], [3] char[0x20],
	 * [4] VAR CONFIG_DEFAULT_HOSTNAME -> 3, [5] VAR CONFIG_CC_VERSION_TEXT -> 2,
	 * [6] DATASEC .kconfig { 4, 5 } */
	const uint32_t t[] = {
		22, INFO(1, 0), 1, 2u << 24 | 8,
		0, INFO(3, 0), 0, 1, 1, 0xfffffff0u,
		0, INFO(3, 0), 0, 1, 1, 0x20,
		27, INFO(14, 0), 3, 2,
		51, INFO(14, 0), 2, 2,
		13, INFO(15, 2), 0, 4, 0, 0, 5, 0, 0,
	};
	struct btf_blob b;
	struct xobj o;

	kconfig_object(&o, &b, t, sizeof(t) / 4, s, sizeof(s), "CONFIG_DEFAULT_HOSTNAME",
		       "CONFIG_CC_VERSION_TEXT");
	expect_load_refused(_metadata, &o, ".kconfig values exceed");
	free(o.buf);
}

/* mb_object_open() refuses a file too big to be an object before reading
 * it (a sparse file: no disk used). */
TEST(file_too_big)
{
	char path[] = "/tmp/mb_malformed_XXXXXX";
	struct mb_object *obj;
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 1ll << 32));
	close(fd);
	obj = mb_object_open(path, NULL);
	unlink(path);
	ASSERT_TRUE(obj == NULL);
	EXPECT_EQ(EFBIG, errno);
	EXPECT_TRUE(strstr(mb_last_error(), "too big") != NULL) TH_LOG("%s", mb_last_error());
}

/* Every prefix of a real object with BTF and .BTF.ext, through the whole open
 * path: an object or a message, nothing else. */
TEST(every_prefix_of_a_real_object)
{
	FILE *f = fopen(MB_BUILD_DIR "/progs/btf_maps.bpf.o", "rb");
	uint8_t *d;
	long n, i, opened = 0;

	ASSERT_TRUE(f != NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	d = malloc(n);
	ASSERT_EQ(1, fread(d, n, 1, f));
	fclose(f);
	for (i = 0; i <= n; i += (i < 4096 ? 7 : 61)) {
		struct mb_object *obj = mb_object_open_mem(d, i, NULL);

		if (obj) {
			opened++;
			mb_object_close(obj);
		} else {
			EXPECT_NE(0, mb_last_error()[0]) TH_LOG("prefix %ld: no message", i);
		}
	}
	EXPECT_EQ(0, opened) TH_LOG("a truncated object opened");
	free(d);
}

TEST_HARNESS_MAIN
