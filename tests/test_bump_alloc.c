// The static CLI's allocator (cli/bump_alloc.c), compiled here under other
// names so the test harness keeps the C library's malloc: reuse after
// last-in-first-out frees, realloc in place, big blocks in their own
// mappings, calloc zeroing reused memory, the step into a second chunk;
// its qsort and strstr against the C library's.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#define malloc bump_malloc
#define free bump_free
#define calloc bump_calloc
#define realloc bump_realloc
#define qsort bump_qsort
#define strstr bump_strstr
#include "../cli/bump_alloc.c"
#undef malloc
#undef free
#undef calloc
#undef realloc
#undef qsort
#undef strstr

static int in_arena(const void *p)
{
	return (const char *)p >= arena0 && (const char *)p < arena0 + sizeof(arena0);
}

TEST(lifo_frees_are_reused)
{
	char *a = bump_malloc(100), *b = bump_malloc(40), *c;

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(0, (uintptr_t)a % ALIGN);
	EXPECT_EQ(0, (uintptr_t)b % ALIGN);
	EXPECT_LE(a + 100, b);
	/* freeing under the top keeps the memory until the top goes too */
	bump_free(a);
	c = bump_malloc(8);
	EXPECT_LT(b, c);
	bump_free(c);
	bump_free(b);
	/* a, b and c popped: the next block starts where a did */
	c = bump_malloc(300);
	EXPECT_EQ(a, c);
	bump_free(c);
	bump_free(NULL);
}

TEST(realloc_grows_the_top_in_place)
{
	char *a = bump_malloc(16), *b;

	ASSERT_NE(NULL, a);
	memset(a, 'x', 16);
	b = bump_realloc(a, 4000);
	EXPECT_EQ(a, b);
	EXPECT_EQ('x', b[15]);
	/* not the top any more: moves, keeps the contents */
	a = bump_malloc(8);
	memset(b + 16, 'y', 4000 - 16);
	char *c = bump_realloc(b, 8000);
	ASSERT_NE(NULL, c);
	EXPECT_NE(b, c);
	EXPECT_EQ('x', c[0]);
	EXPECT_EQ('y', c[3999]);
	/* shrinking never moves */
	EXPECT_EQ(c, bump_realloc(c, 10));
	bump_free(c);
	bump_free(a);
	EXPECT_EQ(NULL, last);
}

TEST(big_blocks_have_their_own_mapping)
{
	char *a = bump_malloc(BIG), *b;

	ASSERT_NE(NULL, a);
	EXPECT_FALSE(in_arena(a));
	EXPECT_EQ(0, (uintptr_t)a % ALIGN);
	a[BIG - 1] = 7;
	b = bump_realloc(a, 8 * BIG);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(7, b[BIG - 1]);
	b[8 * BIG - 1] = 1;
	bump_free(b);
	/* a small block that outgrows BIG moves to a mapping */
	a = bump_malloc(64);
	memset(a, 3, 64);
	b = bump_realloc(a, 2 * BIG);
	ASSERT_NE(NULL, b);
	EXPECT_FALSE(in_arena(b));
	EXPECT_EQ(3, b[63]);
	bump_free(b);
	EXPECT_EQ(NULL, last);
}

TEST(calloc_zeroes_reused_memory_and_checks_overflow)
{
	unsigned char *a = bump_malloc(256), *b;
	size_t i, nz = 0;

	ASSERT_NE(NULL, a);
	memset(a, 0xff, 256);
	bump_free(a);
	b = bump_calloc(32, 8);
	ASSERT_EQ(a, b);
	for (i = 0; i < 256; i++)
		nz += b[i] != 0;
	EXPECT_EQ(0, nz);
	bump_free(b);
	errno = 0;
	EXPECT_EQ(NULL, bump_calloc(SIZE_MAX / 2, 3));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(NULL, bump_malloc(SIZE_MAX - 8));
}

TEST(past_the_arena_into_mapped_chunks)
{
	char *p[64];
	int i, arena = 0, mapped = 0;

	/* 64 × 8 KiB = 512 KiB: more than the 256 KiB arena */
	for (i = 0; i < 64; i++) {
		p[i] = bump_malloc(8192);
		ASSERT_NE(NULL, p[i]);
		memset(p[i], i, 8192);
		if (in_arena(p[i]))
			arena++;
		else
			mapped++;
	}
	EXPECT_LT(0, arena);
	EXPECT_LT(0, mapped);
	for (i = 0; i < 64; i++)
		EXPECT_EQ(i, p[i][8191]);
	for (i = 63; i >= 0; i--)
		bump_free(p[i]);
	/* the current (mapped) chunk is empty again */
	EXPECT_EQ(NULL, last);
}

/* 3-byte elements: the key in the first byte, the position after it, so an
 * element that moved without its key shows */
static int cmp_key(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

TEST(qsort_sorts_as_the_c_library_does)
{
	static const size_t ns[] = { 0, 1, 2, 3, 7, 64, 1000, 4097 };
	unsigned char a[4097 * 3], r[4097 * 3];
	uint64_t u[1000], v[1000];
	unsigned seed = 1;

	for (size_t k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		size_t n = ns[k];

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			/* few distinct keys: many equal ones */
			a[i * 3] = (unsigned char)(k & 1 ? seed >> 16 : (seed >> 16) % 5);
			a[i * 3 + 1] = (unsigned char)i;
			a[i * 3 + 2] = (unsigned char)(i >> 8);
		}
		memcpy(r, a, n * 3);
		bump_qsort(a, n, 3, cmp_key);
		qsort(r, n, 3, cmp_key);
		for (size_t i = 0; i < n; i++) {
			ASSERT_EQ(r[i * 3], a[i * 3]) TH_LOG("n %zu at %zu", n, i);
		}
		/* a permutation: every position still there once */
		for (size_t i = 0; i < n; i++) {
			size_t pos = a[i * 3 + 1] | (size_t)a[i * 3 + 2] << 8, seen = 0;

			for (size_t j = 0; j < n; j++)
				seen += (r[j * 3 + 1] | (size_t)r[j * 3 + 2] << 8) == pos;
			ASSERT_EQ(1, seen);
		}
	}
	/* already sorted, reversed, 8-byte keys */
	for (size_t i = 0; i < 1000; i++)
		u[i] = i & 1 ? 1000 - i : (uint64_t)i << 40;
	memcpy(v, u, sizeof(u));
	bump_qsort(u, 1000, sizeof(u[0]), cmp_u64);
	qsort(v, 1000, sizeof(v[0]), cmp_u64);
	EXPECT_EQ(0, memcmp(u, v, sizeof(u)));
	bump_qsort(u, 1000, sizeof(u[0]), cmp_u64);
	EXPECT_EQ(0, memcmp(u, v, sizeof(u)));
}

TEST(strstr_finds_as_the_c_library_does)
{
	static const char *const hs[] = { "", "a", "aaab", "if r1 > 0x3 goto pc+5",
					  "name offset 7 is past the strings", "abcabd" };
	static const char *const ns[] = { "", "a", "b", "aab", "aaaab", "if ", " goto",
					  "name offset", "abd", "abc", "x", "5" };

	for (size_t i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
		for (size_t j = 0; j < sizeof(ns) / sizeof(ns[0]); j++) {
			EXPECT_EQ(strstr(hs[i], ns[j]), bump_strstr(hs[i], ns[j])) {
				TH_LOG("'%s' in '%s'", ns[j], hs[i]);
			}
		}
	}
}

TEST_HARNESS_MAIN
