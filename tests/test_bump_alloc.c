// The static CLI's allocator (cli/bump_alloc.c), compiled here under other
// names so the test harness keeps the C library's malloc: reuse after
// last-in-first-out frees, realloc in place, big blocks in their own
// mappings, calloc zeroing reused memory, the step into a second chunk.
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"

#define malloc bump_malloc
#define free bump_free
#define calloc bump_calloc
#define realloc bump_realloc
#include "../cli/bump_alloc.c"
#undef malloc
#undef free
#undef calloc
#undef realloc

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

TEST_HARNESS_MAIN
