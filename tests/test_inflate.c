// SPDX-License-Identifier: GPL-2.0
/* btf/inflate.c against zlib: raw DEFLATE and gzip from zlib's compressor
 * at levels 0 (stored blocks), 1, 6 and 9, fixed-Huffman and dynamic blocks,
 * must decode to the same bytes; truncated and corrupted input must fail
 * cleanly (an error and a message, no output). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kselftest_harness.h"
#include "btf/inflate.h"

/* windowBits -15: raw DEFLATE, 31: gzip. strategy Z_FIXED: fixed codes only. */
static unsigned char *zcompress(const void *in, size_t len, int level, int bits, int strategy,
				size_t *out_len)
{
	z_stream z;
	unsigned char *out;
	size_t cap = len + len / 100 + 1024;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, level, Z_DEFLATED, bits, 8, strategy) != Z_OK)
		return NULL;
	out = malloc(cap);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (!out || deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

/* Text like a kernel config, random bytes, runs: each block type's paths. */
static unsigned char *sample(int kind, size_t len)
{
	unsigned char *d = malloc(len + 1);
	uint32_t x = 2463534242u;
	size_t i;

	for (i = 0; d && i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		if (kind == 0)
			d[i] = "CONFIG_BPF=y\nCONFIG_HZ=250\n# CONFIG_KPROBES is not set\n"[(i * 7 + x % 5) % 56];
		else if (kind == 1)
			d[i] = (unsigned char)x;
		else
			d[i] = (unsigned char)(i / 1000);
	}
	return d;
}

TEST(matches_zlib)
{
	static const int levels[] = { 0, 1, 6, 9 };
	static const size_t sizes[] = { 0, 1, 100, 70000, 300000 };
	int n = 0;

	for (int kind = 0; kind < 3; kind++)
		for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			unsigned char *d = sample(kind, sizes[s]);

			ASSERT_TRUE(d != NULL);
			for (unsigned l = 0; l < 4; l++)
				for (int fixed = 0; fixed < 2; fixed++)
					for (int gz = 0; gz < 2; gz++) {
						size_t zlen, olen;
						unsigned char *z = zcompress(d, sizes[s], levels[l], gz ? 31 : -15,
									     fixed ? Z_FIXED : Z_DEFAULT_STRATEGY, &zlen);
						unsigned char *o = NULL;
						char err[128] = "";
						int r;

						ASSERT_TRUE(z != NULL);
						r = gz ? mb_gunzip(z, zlen, 1 << 20, &o, &olen, err, sizeof(err)) :
							 mb_inflate(z, zlen, 1 << 20, &o, &olen, err, sizeof(err));
						ASSERT_EQ(0, r) TH_LOG("kind %d size %zu level %d fixed %d gzip %d: %s",
								       kind, sizes[s], levels[l], fixed, gz, err);
						ASSERT_EQ(sizes[s], olen);
						ASSERT_EQ(0, memcmp(o, d, olen));
						ASSERT_EQ(0, o[olen]);   /* NUL-terminated */
						free(o);
						free(z);
						n++;
					}
			free(d);
		}
	TH_LOG("%d streams decoded as zlib wrote them", n);
}

/* Every strict prefix of a stream is truncated: an error, never output. */
TEST(truncated_fails)
{
	unsigned char *d = sample(0, 5000), *o = (unsigned char *)"x";
	size_t zlen, olen, cut;
	char err[128];

	for (int gz = 0; gz < 2; gz++)
		for (int level = 0; level <= 9; level += 9) {
			unsigned char *z = zcompress(d, 5000, level, gz ? 31 : -15, Z_DEFAULT_STRATEGY, &zlen);

			ASSERT_TRUE(z != NULL);
			for (cut = 0; cut < zlen; cut++) {
				int r = gz ? mb_gunzip(z, cut, 1 << 20, &o, &olen, err, sizeof(err)) :
					     mb_inflate(z, cut, 1 << 20, &o, &olen, err, sizeof(err));

				ASSERT_EQ(-EINVAL, r) TH_LOG("gzip %d level %d: %zu of %zu bytes", gz, level, cut, zlen);
				ASSERT_TRUE(o == NULL);
				ASSERT_NE(0, err[0]);
			}
			free(z);
		}
	free(d);
}

TEST(corrupt_fails)
{
	unsigned char *d = sample(0, 20000), *z, *o;
	size_t zlen, olen;
	char err[128];

	z = zcompress(d, 20000, 6, 31, Z_DEFAULT_STRATEGY, &zlen);
	ASSERT_TRUE(z != NULL);
	/* the trailer: CRC32, then ISIZE */
	z[zlen - 8] ^= 1;
	EXPECT_EQ(-EINVAL, mb_gunzip(z, zlen, 1 << 20, &o, &olen, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "CRC32")) TH_LOG("%s", err);
	z[zlen - 8] ^= 1;
	z[zlen - 1] ^= 1;
	EXPECT_EQ(-EINVAL, mb_gunzip(z, zlen, 1 << 20, &o, &olen, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "ISIZE")) TH_LOG("%s", err);
	z[zlen - 1] ^= 1;
	/* the header: magic, method, reserved flags */
	z[0] ^= 1;
	EXPECT_EQ(-EINVAL, mb_gunzip(z, zlen, 1 << 20, &o, &olen, err, sizeof(err)));
	z[0] ^= 1;
	z[3] |= 0x80;
	EXPECT_EQ(-EINVAL, mb_gunzip(z, zlen, 1 << 20, &o, &olen, err, sizeof(err)));
	z[3] &= 0x7f;
	/* the output cap: exactly enough is fine, one byte less is not */
	EXPECT_EQ(0, mb_gunzip(z, zlen, 20000, &o, &olen, err, sizeof(err)));
	free(o);
	EXPECT_EQ(-EFBIG, mb_gunzip(z, zlen, 19999, &o, &olen, err, sizeof(err)));
	EXPECT_TRUE(o == NULL);
	EXPECT_EQ(-EFBIG, mb_inflate(z + 10, zlen - 18, 0, &o, &olen, err, sizeof(err)));
	free(z);

	/* a stored block whose NLEN is not ~LEN */
	z = zcompress(d, 100, 0, -15, Z_DEFAULT_STRATEGY, &zlen);
	ASSERT_TRUE(z != NULL);
	EXPECT_EQ(0, mb_inflate(z, zlen, 1 << 20, &o, &olen, err, sizeof(err)));
	free(o);
	z[3] ^= 1;
	EXPECT_EQ(-EINVAL, mb_inflate(z, zlen, 1 << 20, &o, &olen, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "complement")) TH_LOG("%s", err);
	free(z);

	/* hand-made: block type 3 */
	{
		static const unsigned char bad_type[] = { 0x07 };

		EXPECT_EQ(-EINVAL, mb_inflate(bad_type, 1, 100, &o, &olen, err, sizeof(err)));
		EXPECT_NE(NULL, strstr(err, "block type")) TH_LOG("%s", err);
	}
	free(d);
}

/* The running kernel's /proc/config.gz, the file the loader reads. */
TEST(proc_config_gz)
{
	FILE *f = fopen("/proc/config.gz", "rb");
	unsigned char *gz = malloc(1 << 20), *o, *zo = malloc(16 << 20);
	size_t len, olen;
	z_stream z;
	char err[128];

	if (!f)
		SKIP(return, "no /proc/config.gz");
	len = fread(gz, 1, 1 << 20, f);
	fclose(f);
	ASSERT_EQ(0, mb_gunzip(gz, len, 16 << 20, &o, &olen, err, sizeof(err))) TH_LOG("%s", err);
	memset(&z, 0, sizeof(z));
	ASSERT_EQ(Z_OK, inflateInit2(&z, 31));
	z.next_in = gz;
	z.avail_in = (uInt)len;
	z.next_out = zo;
	z.avail_out = 16 << 20;
	ASSERT_EQ(Z_STREAM_END, inflate(&z, Z_FINISH));
	ASSERT_EQ(z.total_out, olen);
	ASSERT_EQ(0, memcmp(o, zo, olen));
	EXPECT_NE(NULL, strstr((char *)o, "CONFIG_BPF=y"));
	inflateEnd(&z);
	free(o);
	free(zo);
	free(gz);
}

TEST_HARNESS_MAIN
