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

#endif
