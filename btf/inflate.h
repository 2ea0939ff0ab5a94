/* DEFLATE (RFC 1951) and gzip (RFC 1952) decoding: /proc/config.gz, and
 * gzip'd kernel BTF files. Pure: libc only. The input is untrusted: every
 * read is bounds-checked and the output is capped. */
#ifndef MB_BTF_INFLATE_H
#define MB_BTF_INFLATE_H

#include <stddef.h>

/* Decode a raw DEFLATE stream (mb_inflate) or one gzip member with its
 * header, CRC32 and ISIZE checked (mb_gunzip). At most MAX bytes of output.
 * On success *out is malloc'd with a NUL after its *out_len bytes (text can
 * be used as a string) and 0 is returned. On failure *out is NULL, the
 * result is -EINVAL (bad data), -EFBIG (over MAX) or -ENOMEM, and ERR holds
 * why. Bytes after the end of the stream are ignored. */
int mb_inflate(const void *in, size_t len, size_t max, unsigned char **out, size_t *out_len,
	       char *err, size_t errlen);
int mb_gunzip(const void *in, size_t len, size_t max, unsigned char **out, size_t *out_len,
	      char *err, size_t errlen);

#endif
