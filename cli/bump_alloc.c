// SPDX-License-Identifier: MIT
/*
 * malloc for the static CLI (make static), linked in place of musl's.
 *
 * The CLI is a short single-threaded process: it parses one object, makes its
 * syscalls and exits. musl's mallocng serves that with one mapping per size
 * class (eight brk/mmap/munmap calls for the tiny object) and costs ~10 KB of
 * code. This allocator is a stack of blocks in a 256 KiB .bss arena (no
 * syscall at all until it is full; the kernel maps its pages as they are
 * touched), then in 1 MiB chunks from mmap:
 *   - free() marks a block free; freeing the top block pops it and every free
 *     block below it, so last-in-first-out use (the loader's temporaries)
 *     reuses memory. A free block under a live one stays until the process
 *     exits.
 *   - realloc() of the top block grows in place, the loader's growing arrays.
 *   - blocks of BIG bytes or more get their own mapping: free() unmaps them,
 *     realloc() moves them with mremap(), so a big buffer never piles up.
 * The library itself never depends on this: libminibpf.a, the glibc CLI and
 * the tests (valgrind, sanitizers) use the C library's malloc.
 *
 * Two more of musl's functions are replaced here for the same reason, both
 * sized for what the CLI asks of them: qsort (smoothsort, ~2 KB of code) as
 * a heapsort, still O(n log n) with no recursion and no allocation, for the
 * loader's short arrays (relocations, functions, kconfig names, btfgen's
 * members); strstr (two-way, ~1.3 KB) as a plain scan, for the CLI's few
 * searches in short strings (an error message, one disassembled insn).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define ALIGN	16
#define BIG	(128u << 10)
#define CHUNK	(1u << 20)
#define F_FREE	1u
#define F_BIG	2u

struct blk {
	struct blk *prev;	/* block below this one in its chunk, or NULL */
	size_t size;		/* usable bytes | flags (sizes are multiples of ALIGN) */
};
/* The header takes ALIGN bytes whatever its size (8 on 32-bit systems, 16 on
 * 64-bit ones), so payloads stay ALIGN-aligned. */
#define HDR	ALIGN
_Static_assert(sizeof(struct blk) <= HDR, "block header fits in front of the payload");
#define PAYLOAD(b)	((void *)((char *)(b) + HDR))
#define HEADER(p)	((struct blk *)(void *)((char *)(p) - HDR))

static _Alignas(ALIGN) char arena0[256u << 10];
static char *top, *end;		/* free space of the current chunk */
static struct blk *last;	/* top block of the current chunk */

static size_t bsize(const struct blk *b) { return b->size & ~(size_t)(ALIGN - 1); }

static void *big_alloc(size_t n)
{
	size_t len = (n + HDR + 4095) & ~(size_t)4095;
	struct blk *b;

	if (len < n)
		return errno = ENOMEM, NULL;
	b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		return errno = ENOMEM, NULL;
	b->prev = NULL;
	b->size = len | F_BIG;
	return PAYLOAD(b);
}

void *malloc(size_t n)
{
	size_t sz = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	struct blk *b;

	if (n >= BIG)
		return big_alloc(n);
	if (!sz)
		sz = ALIGN;
	if (!top || (size_t)(end - top) < sz + HDR) {
		char *c = top ? mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : arena0;

		if (c == MAP_FAILED)
			return errno = ENOMEM, NULL;
		top = c;
		end = c + (top == arena0 ? sizeof(arena0) : CHUNK);
		last = NULL;
	}
	b = (struct blk *)top;
	b->prev = last;
	b->size = sz;
	top += HDR + sz;
	last = b;
	return PAYLOAD(b);
}

void free(void *p)
{
	struct blk *b;

	if (!p)
		return;
	b = HEADER(p);
	if (b->size & F_BIG) {
		munmap(b, bsize(b));
		return;
	}
	b->size |= F_FREE;
	while (last && (last->size & F_FREE)) {
		top = (char *)last;
		last = last->prev;
	}
}

void *calloc(size_t n, size_t m)
{
	size_t len;
	void *p;

	if (__builtin_mul_overflow(n, m, &len))
		return errno = ENOMEM, NULL;
	p = malloc(len);
	/* fresh mappings are zero; arena memory may have been used before */
	if (p && len < BIG)
		memset(p, 0, len);
	return p;
}

void *realloc(void *p, size_t n)
{
	size_t sz = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1), old;
	struct blk *b;
	void *q;

	if (!p)
		return malloc(n);
	b = HEADER(p);
	old = bsize(b);
	if (b->size & F_BIG) {
		size_t len = (n + HDR + 4095) & ~(size_t)4095;

		if (len < n)
			return errno = ENOMEM, NULL;
		if (len <= old)
			return p;
		b = mremap(b, old, len, MREMAP_MAYMOVE);
		if (b == MAP_FAILED)
			return errno = ENOMEM, NULL;
		b->size = len | F_BIG;
		return PAYLOAD(b);
	}
	if (n < BIG) {
		if (sz <= old)
			return p;
		if (b == last && (size_t)(end - (char *)p) >= sz) {
			b->size = sz;
			top = (char *)p + sz;
			return p;
		}
	}
	q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, old);
	free(p);
	return q;
}

static void swap_el(char *a, char *b, size_t w)
{
	while (w--) {
		char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

/* Move element i down the max-heap of the first n until no child is larger. */
static void sift(char *b, size_t i, size_t n, size_t w, int (*cmp)(const void *, const void *))
{
	size_t c;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && cmp(b + c * w, b + (c + 1) * w) < 0)
			c++;
		if (cmp(b + i * w, b + c * w) >= 0)
			return;
		swap_el(b + i * w, b + c * w, w);
		i = c;
	}
}

void qsort(void *base, size_t n, size_t w, int (*cmp)(const void *, const void *))
{
	char *b = base;
	size_t i;

	for (i = n / 2; i-- > 0;)
		sift(b, i, n, w, cmp);
	while (n > 1) {
		n--;
		swap_el(b, b + n * w, w);
		sift(b, 0, n, w, cmp);
	}
}

char *strstr(const char *h, const char *s)
{
	size_t n = strlen(s);

	for (;; h++) {
		if (!strncmp(h, s, n))
			return (char *)h;
		if (!*h)
			return NULL;
	}
}
