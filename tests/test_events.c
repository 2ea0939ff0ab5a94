// The ring buffer and perf buffer readers (maps/ringbuf.c, maps/perfbuf.c)
// over memory laid out as the kernel lays out its rings, no kernel needed:
// BUSY stops the walk where the kernel still writes, DISCARD is skipped, a
// callback's non-zero return stops after its record, a 32-bit kernel's
// positions, a malformed length; a perf record that wraps the ring is
// copied out whole, PERF_RECORD_LOST reaches the lost callback.
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>

#include "kselftest_harness.h"
#include "maps/events.h"

struct seen {
	int n;
	char got[8][16];
	size_t len[8];
	int stop_at;            /* record number whose callback returns -42, or -1 */
};

static int on_rec(void *ctx, const void *data, size_t size)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		memcpy(s->got[s->n], data, size < 16 ? size : 16);
		s->len[s->n] = size;
	}
	return s->n++ == s->stop_at ? -42 : 0;
}

/* A record header and its bytes at pos; returns the next position. */
static uint64_t put_rec(unsigned char *data, uint64_t mask, uint64_t pos, uint32_t flags,
			const char *s)
{
	uint32_t len = (uint32_t)strlen(s) | flags, pg = 0;

	memcpy(data + (pos & mask), &len, 4);
	memcpy(data + (pos & mask) + 4, &pg, 4);
	memcpy(data + (pos & mask) + 8, s, strlen(s));
	return pos + ((strlen(s) + 8 + 7) & ~7ul);
}

FIXTURE(rb) {
	uint64_t cons, prod;
	uint64_t data[512];     /* 4096 bytes, 8-aligned */
	struct seen s;
};

FIXTURE_SETUP(rb)
{
	memset(self, 0, sizeof(*self));
	self->s.stop_at = -1;
}

FIXTURE_TEARDOWN(rb)
{
}

TEST_F(rb, busy_stops_discard_skips)
{
	unsigned char *d = (unsigned char *)self->data;
	uint64_t p = 0, busy;
	struct mb_ringbuf *rb;

	p = put_rec(d, 4095, p, 0, "AAAA");
	p = put_rec(d, 4095, p, BPF_RINGBUF_DISCARD_BIT, "dropped!");
	p = put_rec(d, 4095, p, 0, "BBB");
	busy = p;
	p = put_rec(d, 4095, p, BPF_RINGBUF_BUSY_BIT, "CCCCC");
	self->prod = p;
	rb = mb_ringbuf_from_mem(&self->cons, &self->prod, d, 4096, 8, on_rec, &self->s);
	ASSERT_NE(NULL, rb);
	EXPECT_EQ(2, mb_ringbuf_consume(rb));
	EXPECT_EQ(0, memcmp(self->s.got[0], "AAAA", 4));
	EXPECT_EQ(4, self->s.len[0]);
	EXPECT_EQ(0, memcmp(self->s.got[1], "BBB", 3));
	EXPECT_EQ(3, self->s.len[1]);
	/* consumer_pos stops at the busy record: the kernel still owns it */
	EXPECT_EQ(busy, self->cons);
	EXPECT_EQ(0, mb_ringbuf_consume(rb));
	/* committed: the header loses BUSY */
	put_rec(d, 4095, busy, 0, "CCCCC");
	EXPECT_EQ(1, mb_ringbuf_consume(rb));
	EXPECT_EQ(0, memcmp(self->s.got[2], "CCCCC", 5));
	EXPECT_EQ(p, self->cons);
	mb_ringbuf_free(rb);
}

TEST_F(rb, callback_return_stops_after_its_record)
{
	unsigned char *d = (unsigned char *)self->data;
	uint64_t p = 0, second;
	struct mb_ringbuf *rb;

	p = put_rec(d, 4095, p, 0, "one");
	second = p;
	p = put_rec(d, 4095, p, 0, "two");
	p = put_rec(d, 4095, p, 0, "three");
	self->prod = p;
	self->s.stop_at = 0;
	rb = mb_ringbuf_from_mem(&self->cons, &self->prod, d, 4096, 8, on_rec, &self->s);
	ASSERT_NE(NULL, rb);
	EXPECT_EQ(-42, mb_ringbuf_consume(rb));
	EXPECT_EQ(second, self->cons);
	EXPECT_EQ(2, mb_ringbuf_consume(rb));
	EXPECT_EQ(p, self->cons);
	mb_ringbuf_free(rb);
}

/* A 64-bit kernel's positions past 4 GB: the high word carries (the reader
 * built with MB_POS64_ATOMIC=0 too, as for mips32: test_events_pos32). */
TEST_F(rb, positions_past_4gb)
{
	unsigned char *d = (unsigned char *)self->data;
	uint64_t p = 0xfffffff0u;
	struct mb_ringbuf *rb;

	self->cons = p;
	p = put_rec(d, 4095, p, 0, "over");
	p = put_rec(d, 4095, p, 0, "flow");
	self->prod = p;
	ASSERT_EQ(1, p >> 32);
	rb = mb_ringbuf_from_mem(&self->cons, &self->prod, d, 4096, 8, on_rec, &self->s);
	ASSERT_NE(NULL, rb);
	EXPECT_EQ(2, mb_ringbuf_consume(rb));
	EXPECT_EQ(p, self->cons);
	EXPECT_EQ(0, memcmp(self->s.got[1], "flow", 4));
	mb_ringbuf_free(rb);
}

/* A 32-bit kernel: positions are 32-bit words and wrap at 2^32. */
TEST_F(rb, kernel_word_of_four_bytes_wraps)
{
	unsigned char *d = (unsigned char *)self->data;
	uint32_t cons = 0xfffffff0u, prod;
	uint64_t p = cons;
	struct mb_ringbuf *rb;

	p = put_rec(d, 4095, p, 0, "wrap");
	p = put_rec(d, 4095, p, 0, "past");
	prod = (uint32_t)p;
	ASSERT_LT(prod, cons);
	rb = mb_ringbuf_from_mem(&cons, &prod, d, 4096, 4, on_rec, &self->s);
	ASSERT_NE(NULL, rb);
	EXPECT_EQ(2, mb_ringbuf_consume(rb));
	EXPECT_EQ(prod, cons);
	EXPECT_EQ(0, memcmp(self->s.got[1], "past", 4));
	mb_ringbuf_free(rb);
}

TEST_F(rb, length_beyond_the_ring_is_an_error)
{
	uint32_t hdr[2] = { 8192, 0 };
	struct mb_ringbuf *rb;

	memcpy(self->data, hdr, 8);
	self->prod = 4096;
	rb = mb_ringbuf_from_mem(&self->cons, &self->prod, self->data, 4096, 8, on_rec, &self->s);
	ASSERT_NE(NULL, rb);
	EXPECT_EQ(-EINVAL, mb_ringbuf_consume(rb));
	EXPECT_NE(NULL, strstr(mb_last_error(), "is larger than the ring")) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(0, self->s.n);
	EXPECT_EQ(0, self->cons);
	mb_ringbuf_free(rb);
}

/* Positions the kernel never leaves (the producer more than the ring
 * ahead, behind the consumer, a consumer off the 8-byte grid), and a record
 * that runs past the producer: errors, not a walk of up to 2^64 steps (the
 * fuzz target, fuzz/fuzz_events.c, found the endless walks). */
TEST_F(rb, positions_beyond_the_ring_are_an_error)
{
	static const uint64_t bad[][2] = { { 0, 4104 }, { 64, 8 }, { 4, 16 } };
	struct mb_ringbuf *rb;

	put_rec((unsigned char *)self->data, 4095, 0, 0, "x");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		self->cons = bad[i][0];
		self->prod = bad[i][1];
		rb = mb_ringbuf_from_mem(&self->cons, &self->prod, self->data, 4096, 8, on_rec,
					 &self->s);
		ASSERT_NE(NULL, rb);
		EXPECT_EQ(-EINVAL, mb_ringbuf_consume(rb)) TH_LOG("case %zu", i);
		EXPECT_NE(NULL, strstr(mb_last_error(), "do not fit a ring of 4096 bytes"))
			TH_LOG("%s", mb_last_error());
		EXPECT_EQ(bad[i][0], self->cons);
		mb_ringbuf_free(rb);
	}
	EXPECT_EQ(0, self->s.n);
}

TEST_F(rb, record_past_the_producer_is_an_error)
{
	unsigned char *d = (unsigned char *)self->data;
	uint64_t p = put_rec(d, 4095, 0, 0, "first");
	struct mb_ringbuf *rb;

	put_rec(d, 4095, p, 0, "a record longer than what the producer published");
	self->prod = p + 16;
	rb = mb_ringbuf_from_mem(&self->cons, &self->prod, d, 4096, 8, on_rec, &self->s);
	ASSERT_NE(NULL, rb);
	EXPECT_EQ(-EINVAL, mb_ringbuf_consume(rb));
	EXPECT_NE(NULL, strstr(mb_last_error(), "runs past producer position")) TH_LOG("%s", mb_last_error());
	/* the good record before it was delivered and released */
	EXPECT_EQ(1, self->s.n);
	EXPECT_EQ(p, self->cons);
	mb_ringbuf_free(rb);
}

struct pseen {
	int samples, cpu;
	unsigned char buf[64];
	size_t len;
	uint64_t lost;
};

static int on_sample(void *ctx, int cpu, const void *data, size_t size)
{
	struct pseen *s = ctx;

	s->samples++;
	s->cpu = cpu;
	s->len = size;
	memcpy(s->buf, data, size < 64 ? size : 64);
	return 0;
}

static void on_lost(void *ctx, int cpu, uint64_t n)
{
	struct pseen *s = ctx;

	(void)cpu;
	s->lost += n;
}

/* A sample that wraps the end of the ring, then a LOST record. */
TEST(perf_wrapped_sample_and_lost)
{
	static uint64_t mem[(4096 + 4096) / 8];
	struct perf_event_mmap_page *m = (void *)mem;
	unsigned char *data = (unsigned char *)mem + 4096, rec[32], lost[24];
	struct perf_event_header h = { .type = PERF_RECORD_SAMPLE, .size = 32 };
	uint32_t raw = 20;
	uint64_t tail = 4096 + 4072, id = 1, n = 7;
	struct pseen s = { 0 };
	int64_t cnt = 0;

	memcpy(rec, &h, 8);
	memcpy(rec + 8, &raw, 4);
	for (int i = 0; i < 20; i++)
		rec[12 + i] = (unsigned char)(0xa0 + i);
	memcpy(data + 4072, rec, 24);       /* 24 bytes to the end ... */
	memcpy(data, rec + 24, 8);          /* ... 8 from the start */
	h.type = PERF_RECORD_LOST;
	h.size = 24;
	memcpy(lost, &h, 8);
	memcpy(lost + 8, &id, 8);
	memcpy(lost + 16, &n, 8);
	memcpy(data + 8, lost, 24);
	m->data_tail = tail;
	m->data_head = tail + 32 + 24;
	{
		unsigned char scratch[4096];

		EXPECT_EQ(0, mb_perf_ring_read(m, 4096, 4096, scratch, 3, on_sample, on_lost, &s,
					       &cnt));
	}
	EXPECT_EQ(1, cnt);
	EXPECT_EQ(1, s.samples);
	EXPECT_EQ(3, s.cpu);
	EXPECT_EQ(20, s.len);
	EXPECT_EQ(0, memcmp(s.buf, rec + 12, 20));
	EXPECT_EQ(7, s.lost);
	EXPECT_EQ(m->data_head, m->data_tail);
}

/* data_tail and data_head across 4 GB, the record wrapping the ring too. */
TEST(perf_positions_past_4gb)
{
	static uint64_t mem[(4096 + 4096) / 8];
	struct perf_event_mmap_page *m = (void *)mem;
	unsigned char *data = (unsigned char *)mem + 4096, rec[32], scratch[4096];
	struct perf_event_header h = { .type = PERF_RECORD_SAMPLE, .size = 32 };
	uint32_t raw = 20;
	uint64_t tail = 0x100000000ull - 16;
	struct pseen s = { 0 };
	int64_t cnt = 0;

	memset(rec, 0x5a, sizeof(rec));
	memcpy(rec, &h, 8);
	memcpy(rec + 8, &raw, 4);
	memcpy(data + 4080, rec, 16);
	memcpy(data, rec + 16, 16);
	m->data_tail = tail;
	m->data_head = tail + 32;
	EXPECT_EQ(0, mb_perf_ring_read(m, 4096, 4096, scratch, 0, on_sample, on_lost, &s, &cnt));
	EXPECT_EQ(1, s.samples);
	EXPECT_EQ(20, s.len);
	EXPECT_EQ(0x100000010ull, m->data_tail);
}

TEST(perf_short_record_is_an_error)
{
	static uint64_t mem[(4096 + 4096) / 8];
	struct perf_event_mmap_page *m = (void *)mem;
	struct perf_event_header h = { .type = PERF_RECORD_SAMPLE, .size = 4 };
	unsigned char scratch[4096];
	struct pseen s = { 0 };
	int64_t cnt = 0;

	memcpy((unsigned char *)mem + 4096, &h, 8);
	m->data_head = 64;
	EXPECT_EQ(-EINVAL, mb_perf_ring_read(m, 4096, 4096, scratch, 0, on_sample, on_lost, &s,
					     &cnt));
	EXPECT_EQ(0, s.samples);
	EXPECT_EQ(0, m->data_tail);
}

/* A corrupted page: data_head more than the ring ahead (or behind), a tail
 * or a record size off the 8-byte grid (a header would straddle the end). */
TEST(perf_corrupted_positions_are_an_error)
{
	static uint64_t mem[(4096 + 4096) / 8];
	static const uint64_t bad[][2] = { { 0, 4104 }, { 64, 8 }, { 4092, 4100 } };
	struct perf_event_mmap_page *m = (void *)mem;
	struct perf_event_header h = { .type = PERF_RECORD_SAMPLE, .size = 20 };
	unsigned char scratch[4096];
	struct pseen s = { 0 };
	int64_t cnt = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m->data_tail = bad[i][0];
		m->data_head = bad[i][1];
		EXPECT_EQ(-EINVAL, mb_perf_ring_read(m, 4096, 4096, scratch, 0, on_sample, on_lost,
						     &s, &cnt)) TH_LOG("case %zu", i);
		EXPECT_NE(NULL, strstr(mb_last_error(), "do not fit a ring of 4096 bytes"))
			TH_LOG("%s", mb_last_error());
		EXPECT_EQ(bad[i][0], m->data_tail);
	}
	memcpy((unsigned char *)mem + 4096, &h, 8);
	m->data_tail = 0;
	m->data_head = 64;
	EXPECT_EQ(-EINVAL, mb_perf_ring_read(m, 4096, 4096, scratch, 0, on_sample, on_lost, &s, &cnt));
	EXPECT_NE(NULL, strstr(mb_last_error(), "record of 20 bytes")) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(0, s.samples);
}

TEST_HARNESS_MAIN
