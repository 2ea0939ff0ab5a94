/* Symbol to file offset for uprobes: a small reader of the probed binary,
 * native byte order, ELF32 or ELF64. Every read is bounds-checked against
 * the file size; nothing in the file is trusted. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "mb_config.h"
#include "attach/attach.h"

#include "syscall/errmsg.h"

#if MB_UPROBE     /* the whole file (include/mb_config.h) */
#include "syscall/fs.h"

struct efile {
	int fd;
	uint64_t size;
	int is64;
	int arm;        /* EM_ARM: bit 0 of a function's value marks Thumb code */
	int thumb;      /* the symbol found is Thumb code */
};

/* Read len bytes at off, failing on any range outside the file. */
static int rd(const struct efile *f, uint64_t off, void *buf, uint64_t len)
{
	long n;

	if (off > f->size || len > f->size - off)
		return -EINVAL;
	n = mb_sys_pread(f->fd, buf, (size_t)len, off);
	return n == (long)len ? 0 : n < 0 ? (int)n : -EIO;
}

struct shdr {
	uint32_t type, link;
	uint64_t offset, size, entsize;
};

static int read_shdr(const struct efile *f, uint64_t shoff, uint32_t i, struct shdr *s)
{
	if (f->is64) {
		Elf64_Shdr h;

		if (rd(f, shoff + (uint64_t)i * sizeof(h), &h, sizeof(h)))
			return -EINVAL;
		*s = (struct shdr){ h.sh_type, h.sh_link, h.sh_offset, h.sh_size, h.sh_entsize };
	} else {
		Elf32_Shdr h;

		if (rd(f, shoff + (uint64_t)i * sizeof(h), &h, sizeof(h)))
			return -EINVAL;
		*s = (struct shdr){ h.sh_type, h.sh_link, h.sh_offset, h.sh_size, h.sh_entsize };
	}
	return 0;
}

/* The value of NAME in the symbol table section S, 0 if absent. */
static int find_sym(struct efile *f, uint64_t shoff, uint32_t shnum, const struct shdr *s,
		    const char *name, uint64_t *value)
{
	size_t esz = f->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym), nlen = strlen(name);
	struct shdr str;
	uint64_t i, cnt;
	char buf[256];

	if (s->link >= shnum || read_shdr(f, shoff, s->link, &str) || str.type != SHT_STRTAB)
		return -EINVAL;
	if (s->size > f->size || nlen + 1 > sizeof(buf))
		return -EINVAL;
	cnt = s->size / esz;
	for (i = 1; i < cnt; i++) {
		uint32_t st_name;
		uint64_t st_value;
		uint16_t shndx;
		unsigned char info;

		if (f->is64) {
			Elf64_Sym y;

			if (rd(f, s->offset + i * esz, &y, sizeof(y)))
				return -EINVAL;
			st_name = y.st_name, st_value = y.st_value, shndx = y.st_shndx;
			info = y.st_info;
		} else {
			Elf32_Sym y;

			if (rd(f, s->offset + i * esz, &y, sizeof(y)))
				return -EINVAL;
			st_name = y.st_name, st_value = y.st_value, shndx = y.st_shndx;
			info = y.st_info;
		}
		if (shndx == SHN_UNDEF || st_name >= str.size || nlen + 1 > str.size - st_name)
			continue;
		if (ELF64_ST_TYPE(info) != STT_FUNC && ELF64_ST_TYPE(info) != STT_GNU_IFUNC &&
		    ELF64_ST_TYPE(info) != STT_NOTYPE)
			continue;
		if (rd(f, str.offset + st_name, buf, nlen + 1))
			continue;
		if (buf[nlen] == '\0' && !memcmp(buf, name, nlen)) {
			f->thumb = f->arm && ELF64_ST_TYPE(info) == STT_FUNC && (st_value & 1);
			*value = st_value;
			return 1;
		}
	}
	return 0;
}

/* Virtual address to file offset through the PT_LOAD segments. */
static int64_t vaddr_to_off(const struct efile *f, uint64_t phoff, uint32_t phnum, uint64_t va)
{
	uint32_t i;

	for (i = 0; i < phnum; i++) {
		uint64_t type, vaddr, off, filesz;

		if (f->is64) {
			Elf64_Phdr p;

			if (rd(f, phoff + (uint64_t)i * sizeof(p), &p, sizeof(p)))
				return -EINVAL;
			type = p.p_type, vaddr = p.p_vaddr, off = p.p_offset, filesz = p.p_filesz;
		} else {
			Elf32_Phdr p;

			if (rd(f, phoff + (uint64_t)i * sizeof(p), &p, sizeof(p)))
				return -EINVAL;
			type = p.p_type, vaddr = p.p_vaddr, off = p.p_offset, filesz = p.p_filesz;
		}
		if (type == PT_LOAD && va >= vaddr && va - vaddr < filesz)
			return (int64_t)(va - vaddr + off);
	}
	return -ENOENT;
}

int64_t mb_uprobe_sym_offset(const char *path, const char *symbol)
{
	unsigned char ident[EI_NIDENT];
	struct efile f = { .fd = -1 };
	uint64_t shoff, phoff, value = 0;
	uint32_t shnum, phnum, i;
	int64_t ret;
	struct stat st;
	int pass, found = 0;

	f.fd = mb_sys_open(path, O_RDONLY, 0);
	if (f.fd < 0)
		return mb_err(-f.fd, "uprobe: open %s: %s", path, mb_strerror(-f.fd));
	ret = mb_sys_fstat(f.fd, &st);
	if (ret || st.st_size < 0) {
		ret = mb_err(ret ? (int)-ret : EINVAL, "uprobe: stat %s", path);
		goto out;
	}
	f.size = (uint64_t)st.st_size;
	if (rd(&f, 0, ident, sizeof(ident)) || memcmp(ident, ELFMAG, SELFMAG))
		goto notelf;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (ident[EI_DATA] != ELFDATA2LSB)
		goto notelf;
#else
	if (ident[EI_DATA] != ELFDATA2MSB)
		goto notelf;
#endif
	f.is64 = ident[EI_CLASS] == ELFCLASS64;
	if (f.is64) {
		Elf64_Ehdr e;

		if (rd(&f, 0, &e, sizeof(e)) || e.e_shentsize != sizeof(Elf64_Shdr) ||
		    (e.e_phnum && e.e_phentsize != sizeof(Elf64_Phdr)))
			goto notelf;
		shoff = e.e_shoff, shnum = e.e_shnum, phoff = e.e_phoff, phnum = e.e_phnum;
	} else if (ident[EI_CLASS] == ELFCLASS32) {
		Elf32_Ehdr e;

		if (rd(&f, 0, &e, sizeof(e)) || e.e_shentsize != sizeof(Elf32_Shdr) ||
		    (e.e_phnum && e.e_phentsize != sizeof(Elf32_Phdr)))
			goto notelf;
		shoff = e.e_shoff, shnum = e.e_shnum, phoff = e.e_phoff, phnum = e.e_phnum;
		f.arm = e.e_machine == EM_ARM;
	} else {
		goto notelf;
	}
	/* .symtab first (has static functions), .dynsym for stripped libraries */
	for (pass = 0; pass < 2 && !found; pass++) {
		for (i = 0; i < shnum && !found; i++) {
			struct shdr s;
			int r;

			if (read_shdr(&f, shoff, i, &s)) {
				ret = mb_err(EINVAL, "uprobe: %s: section header %u is outside "
					     "the file", path, i);
				goto out;
			}
			if (s.type != (pass ? SHT_DYNSYM : SHT_SYMTAB))
				continue;
			r = find_sym(&f, shoff, shnum, &s, symbol, &value);
			if (r < 0) {
				ret = mb_err(EINVAL, "uprobe: %s: malformed symbol table", path);
				goto out;
			}
			found = r;
		}
	}
	if (!found) {
		ret = mb_err(ENOENT, "uprobe: %s: no function symbol '%s'", path, symbol);
		goto out;
	}
	/* 32-bit ARM uprobes decode ARM instructions only (arch/arm/probes/
	 * uprobes): a Thumb function (odd st_value) cannot be probed. Seen
	 * with Debian's armhf gcc, which emits Thumb-2 by default. */
	if (f.thumb) {
		ret = mb_err(EOPNOTSUPP, "uprobe: %s: '%s' is Thumb code, and 32-bit ARM kernels "
			     "probe ARM code only (build it with -marm)", path, symbol);
		goto out;
	}
	ret = vaddr_to_off(&f, phoff, phnum, value);
	if (ret < 0)
		ret = mb_err(ENOENT, "uprobe: %s: symbol '%s' (%#llx) is in no loadable segment",
			     path, symbol, (unsigned long long)value);
	goto out;
notelf:
	ret = mb_err(ENOEXEC, "uprobe: %s: not an ELF file of this machine's byte order", path);
out:
	close(f.fd);
	return ret;
}
#endif /* MB_UPROBE */
