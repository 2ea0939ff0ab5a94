#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/elf_reader.h"

/* Values from the ELF spec, spelled out so we need no <elf.h> (not every
 * libc's copy knows EM_BPF). */
#define EHDR_SIZE 64
#define SHDR_SIZE 64
#define SYM_SIZE 24
#define REL_SIZE 16
#define ELFCLASS64_ 2
#define ELFDATA2LSB_ 1
#define ELFDATA2MSB_ 2
#define ET_REL_ 1
#define EM_BPF_ 247
#define SHN_LORESERVE_ 0xff00u
#define SHN_XINDEX_ 0xffffu
#define SHT_SYMTAB_ 2
#define SHT_STRTAB_ 3
#define SHT_NOBITS_ 8
#define SHT_REL_ 9
#define SHT_SYMTAB_SHNDX_ 18

static void seterr(const struct mb_elf *e, const char *fmt, ...)
{
	va_list ap;

	if (!e->err || !e->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(e->err, e->errlen, fmt, ap);
	va_end(ap);
}

uint16_t mb_elf_rd16(const struct mb_elf *e, const uint8_t *p)
{
	return e->big_endian ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

uint32_t mb_elf_rd32(const struct mb_elf *e, const uint8_t *p)
{
	if (e->big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

uint64_t mb_elf_rd64(const struct mb_elf *e, const uint8_t *p)
{
	uint64_t lo = mb_elf_rd32(e, p), hi = mb_elf_rd32(e, p + 4);

	return e->big_endian ? lo << 32 | hi : hi << 32 | lo;
}

const uint8_t *mb_elf_bytes(const struct mb_elf *e, uint64_t off, uint64_t len)
{
	if (off > e->size || len > e->size - off)
		return NULL;
	return e->data + off;
}

/* A NUL-terminated string at off inside string table section idx. */
static const char *str_at(const struct mb_elf *e, uint32_t idx, uint32_t off)
{
	const struct mb_elf_shdr *s;
	const uint8_t *p;

	if (idx == 0 || idx >= e->shnum)
		return NULL;
	s = &e->sh[idx];
	if (s->type != SHT_STRTAB_ || off >= s->size)
		return NULL;
	p = e->data + s->offset;        /* checked in read_sections() */
	if (!memchr(p + off, 0, s->size - off))
		return NULL;
	return (const char *)p + off;
}

static int read_shdr(struct mb_elf *e, uint64_t shoff, uint32_t i, struct mb_elf_shdr *s,
		     uint32_t *name_off)
{
	const uint8_t *p = mb_elf_bytes(e, shoff + (uint64_t)i * SHDR_SIZE, SHDR_SIZE);

	if (!p) {
		seterr(e, "ELF: section header %u lies past the end of the file", i);
		return -EINVAL;
	}
	*name_off = mb_elf_rd32(e, p);
	s->type = mb_elf_rd32(e, p + 4);
	s->flags = mb_elf_rd64(e, p + 8);
	s->offset = mb_elf_rd64(e, p + 24);
	s->size = mb_elf_rd64(e, p + 32);
	s->link = mb_elf_rd32(e, p + 40);
	s->info = mb_elf_rd32(e, p + 44);
	s->entsize = mb_elf_rd64(e, p + 56);
	return 0;
}

static int read_sections(struct mb_elf *e, const uint8_t *eh)
{
	uint64_t shoff = mb_elf_rd64(e, eh + 40);
	uint32_t shentsize = mb_elf_rd16(e, eh + 58);
	uint32_t shnum = mb_elf_rd16(e, eh + 60);
	uint32_t shstrndx = mb_elf_rd16(e, eh + 62);
	struct mb_elf_shdr s0;
	uint32_t *names, i;

	if (shoff == 0) {
		seterr(e, "ELF: no section header table (e_shoff is 0)");
		return -EINVAL;
	}
	if (shentsize != SHDR_SIZE) {
		seterr(e, "ELF: e_shentsize is %u, expected %u", shentsize, SHDR_SIZE);
		return -EINVAL;
	}
	/* Extended numbering: the real counts live in section 0. */
	if (read_shdr(e, shoff, 0, &s0, &i))
		return -EINVAL;
	if (shnum == 0) {
		if (s0.size > MB_ELF_MAX_SECTIONS) {
			seterr(e, "ELF: %llu sections is more than the %u supported",
			       (unsigned long long)s0.size, MB_ELF_MAX_SECTIONS);
			return -E2BIG;
		}
		shnum = (uint32_t)s0.size;
	}
	if (shstrndx == SHN_XINDEX_)
		shstrndx = s0.link;
	if (shnum < 2 || shnum > MB_ELF_MAX_SECTIONS) {
		seterr(e, "ELF: bad section count %u", shnum);
		return -EINVAL;
	}
	if (!mb_elf_bytes(e, shoff, (uint64_t)shnum * SHDR_SIZE)) {
		seterr(e, "ELF: section header table (%u entries at offset %llu) runs past the end of the file (%zu bytes)",
		       shnum, (unsigned long long)shoff, e->size);
		return -EINVAL;
	}
	if (shstrndx == 0 || shstrndx >= shnum) {
		seterr(e, "ELF: section name table index %u out of range (%u sections)", shstrndx, shnum);
		return -EINVAL;
	}
	e->shnum = shnum;
	e->shstrndx = shstrndx;
	e->sh = calloc(shnum, sizeof(*e->sh));
	names = calloc(shnum, sizeof(*names));
	if (!e->sh || !names) {
		free(names);
		seterr(e, "ELF: out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < shnum; i++) {
		struct mb_elf_shdr *s = &e->sh[i];

		read_shdr(e, shoff, i, s, &names[i]);
		if (s->type != SHT_NOBITS_ && !mb_elf_bytes(e, s->offset, s->size)) {
			seterr(e, "ELF: section %u (offset %llu, size %llu) runs past the end of the file (%zu bytes)",
			       i, (unsigned long long)s->offset, (unsigned long long)s->size, e->size);
			free(names);
			return -EINVAL;
		}
	}
	if (e->sh[shstrndx].type != SHT_STRTAB_) {
		seterr(e, "ELF: section name table (section %u) is not a string table", shstrndx);
		free(names);
		return -EINVAL;
	}
	for (i = 0; i < shnum; i++) {
		e->sh[i].name = names[i] ? str_at(e, shstrndx, names[i]) : "";
		if (!e->sh[i].name) {
			seterr(e, "ELF: section %u: name offset %u is outside the section name table or not NUL-terminated",
			       i, names[i]);
			free(names);
			return -EINVAL;
		}
	}
	free(names);
	return 0;
}

static int read_symbols(struct mb_elf *e)
{
	const struct mb_elf_shdr *st = NULL, *sx = NULL;
	const uint8_t *p, *xp = NULL;
	uint32_t i, n;

	for (i = 1; i < e->shnum; i++) {
		if (e->sh[i].type != SHT_SYMTAB_)
			continue;
		if (st) {
			seterr(e, "ELF: more than one symbol table");
			return -EINVAL;
		}
		st = &e->sh[i];
		e->symtab = i;
	}
	if (!st)
		return 0;       /* an object with no symbols has no programs either */
	if (st->entsize != SYM_SIZE || st->size % SYM_SIZE) {
		seterr(e, "ELF: symbol table '%s': entry size %llu / size %llu, expected multiples of %u",
		       st->name, (unsigned long long)st->entsize, (unsigned long long)st->size, SYM_SIZE);
		return -EINVAL;
	}
	if (st->size / SYM_SIZE > MB_ELF_MAX_SYMBOLS) {
		seterr(e, "ELF: %llu symbols is more than the %u supported",
		       (unsigned long long)(st->size / SYM_SIZE), MB_ELF_MAX_SYMBOLS);
		return -E2BIG;
	}
	n = (uint32_t)(st->size / SYM_SIZE);
	if (st->link == 0 || st->link >= e->shnum || e->sh[st->link].type != SHT_STRTAB_) {
		seterr(e, "ELF: symbol table's string table (section %u) is not a string table", st->link);
		return -EINVAL;
	}
	for (i = 1; i < e->shnum; i++)
		if (e->sh[i].type == SHT_SYMTAB_SHNDX_ && e->sh[i].link == e->symtab)
			sx = &e->sh[i];
	if (sx) {
		if (sx->size / 4 < n) {
			seterr(e, "ELF: extended section index table is smaller than the symbol table");
			return -EINVAL;
		}
		xp = e->data + sx->offset;
	}
	e->syms = calloc(n ? n : 1, sizeof(*e->syms));
	if (!e->syms) {
		seterr(e, "ELF: out of memory");
		return -ENOMEM;
	}
	e->nsyms = n;
	p = e->data + st->offset;
	for (i = 0; i < n; i++, p += SYM_SIZE) {
		struct mb_elf_sym *s = &e->syms[i];
		uint32_t name = mb_elf_rd32(e, p);

		s->name = name ? str_at(e, st->link, name) : "";
		if (!s->name) {
			seterr(e, "ELF: symbol %u: name offset %u is outside the string table or not NUL-terminated",
			       i, name);
			return -EINVAL;
		}
		s->bind = p[4] >> 4;
		s->type = p[4] & 0xf;
		s->other = p[5];
		s->shndx = mb_elf_rd16(e, p + 6);
		s->value = mb_elf_rd64(e, p + 8);
		s->size = mb_elf_rd64(e, p + 16);
		if (s->shndx == SHN_XINDEX_) {
			if (!xp) {
				seterr(e, "ELF: symbol '%s' uses SHN_XINDEX but there is no SHT_SYMTAB_SHNDX section",
				       s->name);
				return -EINVAL;
			}
			s->shndx = mb_elf_rd32(e, xp + (size_t)i * 4);
			if (s->shndx == 0 || s->shndx >= e->shnum)
				goto bad_index;
		} else if (s->shndx < SHN_LORESERVE_ && s->shndx >= e->shnum) {
			goto bad_index;
		}
		continue;
bad_index:
		seterr(e, "ELF: symbol '%s' has section index %u, out of range (%u sections)",
		       s->name, s->shndx, e->shnum);
		return -EINVAL;
	}
	return 0;
}

static int elf_open(struct mb_elf *e, const void *data, size_t size, char *err, size_t errlen,
		    int any)
{
	const uint8_t *eh;
	uint32_t type, machine;
	int ret;

	memset(e, 0, sizeof(*e));
	e->data = data;
	e->size = size;
	e->err = err;
	e->errlen = errlen;
	if (err && errlen)
		err[0] = 0;
	eh = mb_elf_bytes(e, 0, EHDR_SIZE);
	if (!eh || memcmp(eh, "\177ELF", 4)) {
		seterr(e, "not an ELF file (%s)", eh ? "bad magic" : "too short for an ELF header");
		return -EINVAL;
	}
	if (eh[4] != ELFCLASS64_) {
		seterr(e, "ELF: class %u is not ELF64 (BPF objects are 64-bit)", eh[4]);
		return -EINVAL;
	}
	if (eh[5] != ELFDATA2LSB_ && eh[5] != ELFDATA2MSB_) {
		seterr(e, "ELF: unknown byte order %u", eh[5]);
		return -EINVAL;
	}
	e->big_endian = eh[5] == ELFDATA2MSB_;
	type = mb_elf_rd16(e, eh + 16);
	machine = mb_elf_rd16(e, eh + 18);
	if (any)
		return read_sections(e, eh);
	if (machine != EM_BPF_) {
		seterr(e, "ELF: machine %u is not BPF (%u): compile with clang -target bpf", machine, EM_BPF_);
		return -EINVAL;
	}
	if (type != ET_REL_) {
		seterr(e, "ELF: type %u is not a relocatable object (ET_REL): pass the .o from clang -c", type);
		return -EINVAL;
	}
	ret = read_sections(e, eh);
	if (!ret)
		ret = read_symbols(e);
	if (ret)
		mb_elf_close(e);
	return ret;
}

int mb_elf_open(struct mb_elf *e, const void *data, size_t size, char *err, size_t errlen)
{
	return elf_open(e, data, size, err, errlen, 0);
}

int mb_elf_open_sections(struct mb_elf *e, const void *data, size_t size, char *err, size_t errlen)
{
	return elf_open(e, data, size, err, errlen, 1);
}

void mb_elf_close(struct mb_elf *e)
{
	free(e->sh);
	free(e->syms);
	e->sh = NULL;
	e->syms = NULL;
	e->shnum = e->nsyms = 0;
}

const uint8_t *mb_elf_sec_data(const struct mb_elf *e, uint32_t idx, uint64_t *size)
{
	const struct mb_elf_shdr *s;

	*size = 0;
	if (idx >= e->shnum)
		return NULL;
	s = &e->sh[idx];
	if (s->type == SHT_NOBITS_ || s->size == 0)
		return NULL;
	*size = s->size;
	return e->data + s->offset;     /* checked in read_sections() */
}

int mb_elf_rels(const struct mb_elf *e, uint32_t idx, struct mb_elf_rel **out)
{
	const struct mb_elf_shdr *s = &e->sh[idx];
	const uint8_t *p;
	uint64_t size;
	uint32_t i, n;

	*out = NULL;
	if (s->type != SHT_REL_)
		return -EINVAL;
	if (s->entsize != REL_SIZE || s->size % REL_SIZE) {
		seterr(e, "ELF: relocation section '%s': entry size %llu / size %llu, expected multiples of %u",
		       s->name, (unsigned long long)s->entsize, (unsigned long long)s->size, REL_SIZE);
		return -EINVAL;
	}
	if (s->link != e->symtab || !e->symtab) {
		seterr(e, "ELF: relocation section '%s' does not refer to the symbol table", s->name);
		return -EINVAL;
	}
	p = mb_elf_sec_data(e, idx, &size);
	if (size / REL_SIZE > MB_ELF_MAX_SYMBOLS) {
		seterr(e, "ELF: relocation section '%s': %llu entries is more than the %u supported",
		       s->name, (unsigned long long)(size / REL_SIZE), MB_ELF_MAX_SYMBOLS);
		return -E2BIG;
	}
	n = (uint32_t)(size / REL_SIZE);
	if (!n)
		return 0;
	*out = calloc(n, sizeof(**out));
	if (!*out) {
		seterr(e, "ELF: out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n; i++, p += REL_SIZE) {
		uint64_t info = mb_elf_rd64(e, p + 8);

		(*out)[i].offset = mb_elf_rd64(e, p);
		(*out)[i].sym = (uint32_t)(info >> 32);
		(*out)[i].type = (uint32_t)info;
		if ((*out)[i].sym >= e->nsyms) {
			seterr(e, "ELF: relocation section '%s': entry %u refers to symbol %u, out of range (%u symbols)",
			       s->name, i, (*out)[i].sym, e->nsyms);
			free(*out);
			*out = NULL;
			return -EINVAL;
		}
	}
	return (int)n;
}

uint32_t mb_elf_sec_find(const struct mb_elf *e, const char *name)
{
	uint32_t i;

	for (i = 1; i < e->shnum; i++)
		if (!strcmp(e->sh[i].name, name))
			return i;
	return 0;
}
