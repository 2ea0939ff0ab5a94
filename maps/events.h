/* maps/: internals of the ring buffer and perf buffer readers (ringbuf.c,
 * perfbuf.c) that tests drive without a kernel. */
#ifndef MB_MAPS_EVENTS_H
#define MB_MAPS_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "minibpf.h"

/* A ring buffer reader over memory laid out as the kernel maps a
 * BPF_MAP_TYPE_RINGBUF: consumer position (a kernel word: word is 4 or 8
 * bytes), producer position, data_size bytes of records (a power of two).
 * Nothing is mapped or unmapped; mb_ringbuf_consume() walks it. */
struct mb_ringbuf *mb_ringbuf_from_mem(void *cons, const void *prod, const void *data,
				       uint64_t data_size, int word, mb_ringbuf_fn fn, void *ctx);

/* One perf ring (struct perf_event_mmap_page followed at data_off by
 * data_size bytes, a power of two): reads from data_tail to data_head,
 * calling the callbacks with cpu, then releases data_tail. *cnt += samples
 * delivered. 0, or a callback's non-zero return, or -EINVAL for a malformed
 * record. scratch: a buffer of data_size bytes for records that wrap. */
int mb_perf_ring_read(void *mmap_page, uint64_t data_off, uint64_t data_size, void *scratch,
		      int cpu, mb_perfbuf_sample_fn sample, mb_perfbuf_lost_fn lost, void *ctx,
		      int64_t *cnt);

/* The 64-bit positions (perf's data_head/data_tail; a ring buffer's on a
 * 64-bit kernel) as one atomic access where the CPU has one. Where it has
 * none (mips32: gcc would call libatomic, whose locks the kernel never
 * takes) as two 32-bit ones, MB_POS64_ATOMIC=0 (forced so for a test run on
 * x86-64 too). Both positions only grow: a load rereads the high word until
 * it did not change around the low one; a store writes the low word first,
 * so a kernel reading between the two sees our position ~4 GB behind (a
 * full ring, records dropped), never ahead (space it may overwrite). A
 * 32-bit kernel's positions are longs: their high word stays 0. */
#ifndef MB_POS64_ATOMIC
#define MB_POS64_ATOMIC (__GCC_ATOMIC_LLONG_LOCK_FREE == 2)
#endif
#if MB_POS64_ATOMIC
static inline uint64_t mb_pos64_load(const void *p, int order)
{
	return __atomic_load_n((const uint64_t *)p, order);
}

static inline void mb_pos64_store(void *p, uint64_t v)
{
	__atomic_store_n((uint64_t *)p, v, __ATOMIC_RELEASE);
}
#else
#define MB_POS64_LO (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
static inline uint64_t mb_pos64_load(const void *p, int order)
{
	const uint32_t *w = p;
	uint32_t hi, lo;

	do {
		hi = __atomic_load_n(&w[!MB_POS64_LO], order);
		lo = __atomic_load_n(&w[MB_POS64_LO], order);
	} while (hi != __atomic_load_n(&w[!MB_POS64_LO], order));
	return (uint64_t)hi << 32 | lo;
}

static inline void mb_pos64_store(void *p, uint64_t v)
{
	uint32_t *w = p;

	__atomic_store_n(&w[MB_POS64_LO], (uint32_t)v, __ATOMIC_RELEASE);
	__atomic_store_n(&w[!MB_POS64_LO], (uint32_t)(v >> 32), __ATOMIC_RELEASE);
}
#endif

#endif
