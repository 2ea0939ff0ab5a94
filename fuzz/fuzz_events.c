/* libFuzzer target: the ring buffer and perf buffer record walkers
 * (maps/ringbuf.c, maps/perfbuf.c) over synthetic rings whose positions and
 * headers come from the input, as a buggy or hostile writer would leave
 * them. Every buffer is allocated to its exact size, so a read outside the
 * ring is an ASan report; a walk that never ends is a libFuzzer timeout.
 *
 * Input: byte 0 picks the reader (bit 0: perf, else ring buffer) and the
 * ring buffer's word size (bit 1: 4 bytes, as a 32-bit kernel's), byte 1 the
 * data size (8 << (b % 10) bytes), bytes 2..9 the consumer position / the
 * perf data_tail, 10..17 the producer position / data_head, the rest the
 * data area (zero-filled when shorter). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/perf_event.h>

#include "maps/events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned sink;

/* Touch every byte of a record, and stop now and then, as a callback may. */
static int touch(const void *p, size_t n)
{
	const unsigned char *b = p;
	unsigned s = 0;

	for (size_t i = 0; i < n; i++)
		s += b[i];
	sink += s;
	return (s & 0xff) == 0x5a ? -1 : 0;
}

static int on_ring(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	return touch(p, n);
}

static int on_sample(void *ctx, int cpu, const void *p, size_t n)
{
	(void)ctx, (void)cpu;
	return touch(p, n);
}

static void on_lost(void *ctx, int cpu, uint64_t cnt)
{
	(void)ctx, (void)cpu;
	sink += (unsigned)cnt;
}

static void ring(uint64_t cons, uint64_t prod, const uint8_t *in, size_t n, size_t dsz, int word)
{
	/* the kernel maps the data area twice in a row: so do we */
	unsigned char *d = calloc(2, dsz);
	void *c = malloc((size_t)word), *p = malloc((size_t)word);
	struct mb_ringbuf *rb;

	if (!d || !c || !p)
		abort();
	memcpy(d, in, n < dsz ? n : dsz);
	memcpy(d + dsz, d, dsz);
	if (word == 8) {
		memcpy(c, &cons, 8);
		memcpy(p, &prod, 8);
	} else {
		uint32_t c32 = (uint32_t)cons, p32 = (uint32_t)prod;

		memcpy(c, &c32, 4);
		memcpy(p, &p32, 4);
	}
	rb = mb_ringbuf_from_mem(c, p, d, dsz, word, on_ring, NULL);
	if (!rb)
		abort();
	/* twice: the second walk starts where the first left consumer_pos */
	(void)mb_ringbuf_consume(rb);
	(void)mb_ringbuf_consume(rb);
	mb_ringbuf_free(rb);
	free(d);
	free(c);
	free(p);
}

static void perf(uint64_t tail, uint64_t head, const uint8_t *in, size_t n, size_t dsz)
{
	size_t off = sizeof(struct perf_event_mmap_page);
	unsigned char *m = calloc(1, off + dsz), *scratch = malloc(dsz);
	struct perf_event_mmap_page *pg = (void *)m;
	int64_t cnt = 0;

	if (!m || !scratch)
		abort();
	memcpy(m + off, in, n < dsz ? n : dsz);
	pg->data_head = head;
	pg->data_tail = tail;
	(void)mb_perf_ring_read(m, off, dsz, scratch, 0, on_sample, on_lost, NULL, &cnt);
	(void)mb_perf_ring_read(m, off, dsz, scratch, 0, on_sample, NULL, NULL, &cnt);
	free(m);
	free(scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t a, b;
	size_t dsz;

	if (size < 18)
		return 0;
	dsz = (size_t)8 << (data[1] % 10);
	memcpy(&a, data + 2, 8);
	memcpy(&b, data + 10, 8);
	if (data[0] & 1)
		perf(a, b, data + 18, size - 18, dsz);
	else
		ring(a, b, data + 18, size - 18, dsz, data[0] & 2 ? 4 : 8);
	return 0;
}
