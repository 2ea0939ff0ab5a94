// cli/small_printf.c, the static CLI's printf family, against the C
// library's: every conversion minibpf uses, flags, widths, precisions,
// lengths, truncation, streams longer than its line buffer, and %g of
// random doubles and floats (its digits are exact, as glibc's).
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#define printf sp_printf
#define fprintf sp_fprintf
#define vfprintf sp_vfprintf
#define vprintf sp_vprintf
#define snprintf sp_snprintf
#define vsnprintf sp_vsnprintf
#include "../cli/small_printf.c"
#undef printf
#undef fprintf
#undef vfprintf
#undef vprintf
#undef snprintf
#undef vsnprintf

/* Both formatters over the same arguments: the same text and return value. */
#define SAME(fmt, ...) do {								\
	char a_[512], b_[512];								\
	int ra_ = snprintf(a_, sizeof(a_), fmt, __VA_ARGS__);				\
	int rb_ = sp_snprintf(b_, sizeof(b_), fmt, __VA_ARGS__);			\
	EXPECT_STREQ(a_, b_) TH_LOG("format \"%s\"", fmt);				\
	EXPECT_EQ(ra_, rb_) TH_LOG("format \"%s\"", fmt);				\
} while (0)

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

TEST(conversions_minibpf_uses)
{
	static const long long vals[] = { 0, 1, -1, 7, 42, -42, 255, 4096, 65535, -2147483647 - 1,
					  2147483647, 4294967295ll, -9223372036854775807ll - 1,
					  9223372036854775807ll };

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		long long v = vals[i];

		SAME("%d|%i|%u|%x|%X|%o", (int)v, (int)v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v);
		SAME("%ld|%lu|%lx|%lld|%llu|%llx", (long)v, (unsigned long)v, (unsigned long)v, v,
		     (unsigned long long)v, (unsigned long long)v);
		SAME("%zu|%zx|%jd|%td", (size_t)v, (size_t)v, (intmax_t)v, (ptrdiff_t)v);
		SAME("[%5d][%-5d][%05d][%+d][% d][%.3d][%8.3d][%-8.3d]", (int)v, (int)v, (int)v, (int)v,
		     (int)v, (int)v, (int)v, (int)v);
		SAME("[%#x][%#o][%#X][%08llx][%-10llu][%*d][%-*d][%.*d]", (unsigned)v, (unsigned)v,
		     (unsigned)v, (unsigned long long)v, (unsigned long long)v, 7, (int)v, 7, (int)v, 4, (int)v);
		SAME("[%.0d][%.0u][%#.0o][%.0x]", (int)v, (unsigned)v, (unsigned)v, (unsigned)v);
		SAME("%hu|%hx|%hhu|%hhx", (unsigned short)v, (unsigned short)v, (unsigned char)v,
		     (unsigned char)v);
	}
	SAME("%s|%10s|%-10s|%.3s|%10.2s|%.*s|%.0s%u", "counts", "counts", "counts", "counts",
	     "counts", 2, "counts", "key", 5u);
	SAME("%c%c|%3c|%-3c|%%|100%%", 'o', 'k', 'x', 'y');
	SAME("%p|%p", (void *)0x1234, (void *)&rnd_state);
	SAME("%s", "");
	SAME("prog '%s': insn %u: %s (%d)", "handle_exec", 12u, "relocation against unknown map", -22);
}

TEST(truncation_and_return_value)
{
	char a[8], b[8];
	volatile size_t five = 5;   /* truncating on purpose: not a constant gcc warns about */

	memset(a, 'x', sizeof(a));
	memset(b, 'x', sizeof(b));
	EXPECT_EQ(snprintf(a, five, "%s-%d", "abcdef", 42), sp_snprintf(b, five, "%s-%d", "abcdef", 42));
	EXPECT_EQ(0, memcmp(a, b, sizeof(a)));
	EXPECT_EQ(9, sp_snprintf(NULL, 0, "%s-%d", "abcdef", 42));
	EXPECT_EQ(9, sp_snprintf(b, 1, "%s-%d", "abcdef", 42));
	EXPECT_STREQ("", b);
}

TEST(stream_longer_than_the_line)
{
	char *buf = NULL, want[4096];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int n = 0;

	ASSERT_NE(NULL, f);
	for (int i = 0; i < 300; i++)
		n += snprintf(want + n, sizeof(want) - n, "%04d ", i);
	EXPECT_EQ(n, sp_fprintf(f, "%s", want));
	EXPECT_EQ(3, sp_fprintf(f, "%d%c", 12, '\n'));
	fclose(f);
	ASSERT_EQ((size_t)n + 3, len);
	EXPECT_EQ(0, memcmp(buf, want, (size_t)n));
	EXPECT_EQ(0, memcmp(buf + n, "12\n", 3));
	free(buf);
}

TEST(g_of_random_doubles_and_floats)
{
	static const double edge[] = { 0.0, -0.0, 1.0, -1.5, 0.1, 1e-300, 5e-324, 1.7976931348623157e308,
				       123456789.0, 1e21, 1e-5, 1e-4, 999999.5, 0.5, 2.5 };
	int bad = 0;

	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		SAME("%g|%.9g|%.17g", edge[i], edge[i], edge[i]);
	}
	for (int i = 0; i < 20000 && bad < 5; i++) {
		uint64_t bits = rnd();
		double d;
		float f;
		uint32_t fb = (uint32_t)(bits >> 32);
		char a[64], b[64];

		memcpy(&d, &bits, sizeof(d));
		memcpy(&f, &fb, sizeof(f));
		if (d != d || f != f || d - d != 0 || f - f != 0)
			continue;     /* NaN and infinities: BTF dumps never print them differently */
		snprintf(a, sizeof(a), "%.17g %.9g", d, (double)f);
		sp_snprintf(b, sizeof(b), "%.17g %.9g", d, (double)f);
		if (strcmp(a, b)) {
			bad++;
			TH_LOG("%s vs %s", a, b);
		}
	}
	EXPECT_EQ(0, bad);
}

TEST_HARNESS_MAIN
