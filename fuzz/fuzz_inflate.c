/* libFuzzer target: btf/inflate.c with zlib as the oracle. The input is
 * decoded as raw DEFLATE and as gzip. Raw: both must give the same verdict
 * and, on success, the same bytes. gzip: what zlib accepts we accept, with
 * the same bytes (zlib also checks an optional header CRC, which we skip). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "btf/inflate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX (1u << 20)

/* zlib's verdict: 1 when the stream ended, 0 otherwise; *n bytes out. */
static int zlib_inflate(const uint8_t *data, size_t size, int bits, uint8_t *out, size_t *n)
{
	z_stream z;
	int r;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, bits) != Z_OK)
		abort();
	z.next_in = (uint8_t *)data;
	z.avail_in = (uInt)size;
	z.next_out = out;
	z.avail_out = MAX + 1;          /* one more than ours: over MAX is -EFBIG */
	r = inflate(&z, Z_FINISH);
	*n = z.total_out;
	inflateEnd(&z);
	return r == Z_STREAM_END;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *zout;
	unsigned char *out;
	size_t n, zn;
	char err[128];
	int r, zok;

	if (!zout && !(zout = malloc(MAX + 1)))
		abort();
	r = mb_inflate(data, size, MAX, &out, &n, err, sizeof(err));
	zok = zlib_inflate(data, size, -15, zout, &zn);
	if (r == 0 && (!zok || zn != n || memcmp(out, zout, n) || out[n]))
		abort();                /* we accepted what zlib refused, or differ */
	if (r == -EFBIG && zn <= MAX)
		abort();                /* too large for us, not for zlib */
	if (r && r != -EFBIG && zok)
		abort();                /* zlib accepted what we refused */
	if (r && (out || !err[0]))
		abort();
	free(out);

	r = mb_gunzip(data, size, MAX, &out, &n, err, sizeof(err));
	zok = zlib_inflate(data, size, 16 + 15, zout, &zn);
	if (zok && zn <= MAX && (r || n != zn || memcmp(out, zout, n)))
		abort();
	if (r && out)
		abort();
	free(out);
	return 0;
}
