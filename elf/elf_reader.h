/* elf/: internal ELF64 reader for BPF relocatable objects (EM_BPF, ET_REL).
 *
 * Pure: libc only. Reads either byte order on a host of either byte order:
 * every multi-byte field is assembled byte by byte from the file, never by
 * casting. Every access to the file goes through mb_elf_bytes(), which checks
 * offset + length against the file size (overflow-checked).
 *
 * The reader borrows the caller's buffer: it stays valid while the reader is
 * open. Section and symbol names are pointers into that buffer, already
 * checked to be NUL-terminated inside their string table.
 */
#ifndef MB_ELF_ELF_READER_H
#define MB_ELF_ELF_READER_H

#include <stddef.h>
#include <stdint.h>

/* Sanity limits: a BPF object bigger than this is not one we want to read. */
#define MB_ELF_MAX_SECTIONS 65536u
#define MB_ELF_MAX_SYMBOLS  (1u << 20)

struct mb_elf_shdr {
	const char *name;   /* "" if sh_name is 0 */
	uint32_t type;
	uint64_t flags;
	uint64_t offset;
	uint64_t size;
	uint32_t link;
	uint32_t info;
	uint64_t entsize;
};

struct mb_elf_sym {
	const char *name;   /* "" if st_name is 0 */
	uint8_t bind;       /* STB_* */
	uint8_t type;       /* STT_* */
	uint8_t other;
	uint32_t shndx;     /* real section index (SHN_XINDEX resolved); SHN_ABS etc. kept */
	uint64_t value;
	uint64_t size;
};

struct mb_elf_rel {
	uint64_t offset;
	uint32_t sym;
	uint32_t type;
};

struct mb_elf {
	const uint8_t *data;
	size_t size;
	int big_endian;     /* the file's byte order */
	uint32_t shnum;     /* after extended numbering */
	uint32_t shstrndx;
	struct mb_elf_shdr *sh;     /* shnum entries */
	uint32_t symtab;    /* section index of SHT_SYMTAB, 0 if none */
	uint32_t nsyms;
	struct mb_elf_sym *syms;    /* nsyms entries (index 0 is the null symbol) */
	char *err;
	size_t errlen;
};

/* Open and validate the headers, section table and symbol table. On error
 * returns a negative errno with a message in err; nothing to close then. */
int mb_elf_open(struct mb_elf *e, const void *data, size_t size, char *err, size_t errlen);
void mb_elf_close(struct mb_elf *e);
/* Headers and section table only, of any ELF64 (a vmlinux image, a shared
 * object): for reading a section such as .BTF; no symbols. */
int mb_elf_open_sections(struct mb_elf *e, const void *data, size_t size, char *err, size_t errlen);

/* The one bounds-checked accessor: a pointer to len bytes at off, or NULL. */
const uint8_t *mb_elf_bytes(const struct mb_elf *e, uint64_t off, uint64_t len);

/* A section's bytes (NULL with *size 0 for SHT_NOBITS or empty sections). */
const uint8_t *mb_elf_sec_data(const struct mb_elf *e, uint32_t idx, uint64_t *size);

/* Decode the SHT_REL section idx into a malloc'd array. Returns the count or
 * a negative errno (message in e->err). */
int mb_elf_rels(const struct mb_elf *e, uint32_t idx, struct mb_elf_rel **out);

/* Section index by name, 0 if absent. */
uint32_t mb_elf_sec_find(const struct mb_elf *e, const char *name);

/* Multi-byte reads in the file's byte order. */
uint16_t mb_elf_rd16(const struct mb_elf *e, const uint8_t *p);
uint32_t mb_elf_rd32(const struct mb_elf *e, const uint8_t *p);
uint64_t mb_elf_rd64(const struct mb_elf *e, const uint8_t *p);

#endif
