/* BPF_MAP_TYPE_RINGBUF reader (Linux 5.8+), from the kernel's ABI
 * (kernel/bpf/ringbuf.c, Documentation/bpf/ringbuf.rst):
 *
 *   map offset 0          consumer page: consumer_pos, ours to write
 *   map offset page       producer page: producer_pos, read-only
 *   map offset 2 * page   the data area, max_entries bytes, mapped twice in a
 *                         row, so a record that wraps reads contiguously
 *
 * Positions are the kernel's unsigned long and only grow; a record sits at
 * pos & (max_entries - 1) behind an 8-byte header { u32 len; u32 pg_off; }
 * and takes round_up(len + 8, 8) bytes. len has BPF_RINGBUF_BUSY_BIT while
 * the program still holds the reservation, BPF_RINGBUF_DISCARD_BIT if it
 * called bpf_ringbuf_discard().
 *
 * Ordering (the kernel's smp_store_release / smp_load_acquire pairs): the
 * kernel writes a record, then clears BUSY in its header with a release
 * store; it advances producer_pos with a release store when it reserves. So
 * we load producer_pos with acquire (headers up to it are visible), load each
 * header with acquire (the record's bytes are visible once BUSY is clear),
 * and store consumer_pos with release (our reads are done before the kernel
 * may reuse the space). GCC/clang __atomic builtins do this on plain words
 * the kernel shares with us; C11 <stdatomic.h> would need _Atomic objects,
 * which this memory is not.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/utsname.h>

#include "minibpf.h"
#include "maps/events.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"

struct ring {
	mb_ringbuf_fn fn;
	void *ctx;
	void *cons;             /* consumer page (RW) */
	const void *prod;       /* producer page + 2 * data area (RO) */
	const unsigned char *data;
	uint64_t mask;          /* data size - 1 */
	size_t prod_len;
};

struct mb_ringbuf {
	struct ring *rings;
	int n;
	int epfd;
	int word;               /* the kernel's sizeof(long): 4 or 8 */
	int mapped;             /* 0: mb_ringbuf_from_mem, nothing to unmap */
	size_t page;
};

/* The kernel's word size. A 32-bit program on a 64-bit kernel sees 64-bit
 * positions (on big-endian hosts the low half is the second word); uname()
 * tells, unless a personality(PER_LINUX32) disguises the machine. */
static int kernel_word(void)
{
	struct utsname u;

	if (sizeof(long) == 8)
		return 8;
	if (uname(&u))
		return 4;
	return (mb_str_find(u.machine, "64") || !strcmp(u.machine, "s390x") ||
		!strcmp(u.machine, "armv8l")) ? 8 : 4;
}

static uint64_t pos_load(const void *p, int word)
{
	if (word == 8)
		return mb_pos64_load(p, __ATOMIC_ACQUIRE);
	return __atomic_load_n((const uint32_t *)p, __ATOMIC_ACQUIRE);
}

static void pos_store(void *p, uint64_t v, int word)
{
	if (word == 8)
		mb_pos64_store(p, v);
	else
		__atomic_store_n((uint32_t *)p, (uint32_t)v, __ATOMIC_RELEASE);
}

/* Walk one ring from consumer_pos to producer_pos. *cnt += records given to
 * the callback. Returns 0, the callback's non-zero return, or -EINVAL when
 * the positions or a header claim more than the ring holds: the kernel
 * never leaves the producer more than the ring ahead, nor a record that
 * runs past it, and both positions move in 8-byte steps, so anything else
 * means the ring is not what we mapped (and walking on could take 2^64
 * steps, or read a header across the end). */
static int ring_consume(struct ring *r, int word, int64_t *cnt)
{
	uint64_t wmask = word == 8 ? ~0ULL : 0xffffffffULL;
	uint64_t cons = pos_load(r->cons, word), prod;

	/* != rather than <: a 32-bit kernel's positions wrap */
	while ((prod = pos_load(r->prod, word)) != cons) {
		if (((prod - cons) & wmask) > r->mask + 1 || cons % 8)
			return mb_err(EINVAL, "ring buffer positions (producer %llu, consumer "
				      "%llu) do not fit a ring of %llu bytes",
				      (unsigned long long)prod, (unsigned long long)cons,
				      (unsigned long long)r->mask + 1);
		while (cons != prod) {
			const unsigned char *hdr = r->data + (cons & r->mask);
			uint32_t len = __atomic_load_n((const uint32_t *)hdr, __ATOMIC_ACQUIRE);
			uint32_t size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
			uint64_t step = ((uint64_t)size + BPF_RINGBUF_HDR_SZ + 7) & ~7ULL;
			int ret = 0;

			if (len & BPF_RINGBUF_BUSY_BIT)
				return 0;       /* still reserved: later records wait */
			if (step > r->mask + 1)
				return mb_err(EINVAL, "ring buffer record of %u bytes at %llu "
					      "is larger than the ring", size,
					      (unsigned long long)cons);
			if (step > ((prod - cons) & wmask))
				return mb_err(EINVAL, "ring buffer record of %u bytes at %llu "
					      "runs past producer position %llu", size,
					      (unsigned long long)cons, (unsigned long long)prod);
			cons = (cons + step) & wmask;
			if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
				(*cnt)++;
				ret = r->fn(r->ctx, hdr + BPF_RINGBUF_HDR_SZ, size);
			}
			pos_store(r->cons, cons, word);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void ring_unmap(struct mb_ringbuf *rb, struct ring *r)
{
	if (!rb->mapped)
		return;
	mb_sys_munmap(r->cons, rb->page);
	mb_sys_munmap((void *)r->prod, r->prod_len);
}

static struct ring *ring_grow(struct mb_ringbuf *rb)
{
	struct ring *t = realloc(rb->rings, (rb->n + 1) * sizeof(*t));

	if (!t)
		return NULL;
	rb->rings = t;
	memset(&t[rb->n], 0, sizeof(*t));
	return &t[rb->n];
}

int mb_ringbuf_add(struct mb_ringbuf *rb, int map_fd, mb_ringbuf_fn fn, void *ctx)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	struct ring *r;
	void *p;
	int err;

	if (!rb || !fn)
		return mb_err(EINVAL, "ring buffer: no poller or no callback");
	memset(&info, 0, sizeof(info));
	err = mb_sys_obj_get_info_by_fd(map_fd, &info, &len);
	if (err)
		return mb_err(-err, "ring buffer: map fd %d: %s", map_fd, mb_strerror(-err));
	if (info.type != BPF_MAP_TYPE_RINGBUF)
		return mb_err(EINVAL, "map '%s' is not a ring buffer (type %u)", info.name,
			      info.type);
	/* max_entries: a power of two and a multiple of the page (the kernel
	 * checks); twice it plus a page must fit in our address space */
	if (!info.max_entries || (info.max_entries & (info.max_entries - 1)) ||
	    (size_t)info.max_entries > (SIZE_MAX - rb->page) / 2)
		return mb_err(E2BIG, "ring buffer '%s': %u bytes cannot be mapped", info.name,
			      info.max_entries);
	r = ring_grow(rb);
	if (!r)
		return mb_err(ENOMEM, "ring buffer '%s': out of memory", info.name);
	err = mb_sys_mmap(map_fd, rb->page, PROT_READ | PROT_WRITE, 0, &r->cons);
	if (err)
		return mb_err(-err, "ring buffer '%s': mmap of the consumer page: %s",
			      info.name, mb_strerror(-err));
	r->prod_len = rb->page + 2 * (size_t)info.max_entries;
	err = mb_sys_mmap(map_fd, r->prod_len, PROT_READ, rb->page, &p);
	if (err) {
		mb_sys_munmap(r->cons, rb->page);
		return mb_err(-err, "ring buffer '%s': mmap of the data pages: %s", info.name,
			      mb_strerror(-err));
	}
	r->prod = p;
	r->data = (const unsigned char *)p + rb->page;
	r->mask = info.max_entries - 1;
	r->fn = fn;
	r->ctx = ctx;
	err = mb_sys_epoll_add(rb->epfd, map_fd, (uint64_t)rb->n);
	if (err) {
		ring_unmap(rb, r);
		return mb_err(-err, "ring buffer '%s': epoll: %s", info.name, mb_strerror(-err));
	}
	rb->n++;
	return 0;
}

static struct mb_ringbuf *rb_alloc(void)
{
	struct mb_ringbuf *rb = calloc(1, sizeof(*rb));

	if (!rb) {
		mb_err(ENOMEM, "ring buffer: out of memory");
		return NULL;
	}
	rb->epfd = -1;
	rb->word = kernel_word();
	rb->page = (size_t)getpagesize();
	return rb;
}

struct mb_ringbuf *mb_ringbuf_new(int map_fd, mb_ringbuf_fn fn, void *ctx)
{
	struct mb_ringbuf *rb = rb_alloc();
	int err;

	if (!rb)
		return NULL;
	rb->mapped = 1;
	rb->epfd = mb_sys_epoll_create();
	if (rb->epfd < 0) {
		err = rb->epfd;
		mb_err(-err, "ring buffer: epoll_create: %s", mb_strerror(-err));
		free(rb);
		errno = -err;
		return NULL;
	}
	err = mb_ringbuf_add(rb, map_fd, fn, ctx);
	if (err) {
		mb_ringbuf_free(rb);
		errno = -err;
		return NULL;
	}
	return rb;
}

struct mb_ringbuf *mb_ringbuf_from_mem(void *cons, const void *prod, const void *data,
				       uint64_t data_size, int word, mb_ringbuf_fn fn, void *ctx)
{
	struct mb_ringbuf *rb = rb_alloc();
	struct ring *r;

	if (!rb)
		return NULL;
	r = ring_grow(rb);
	if (!r) {
		free(rb);
		return NULL;
	}
	rb->n = 1;
	rb->word = word;
	r->cons = cons;
	r->prod = prod;
	r->data = data;
	r->mask = data_size - 1;
	r->fn = fn;
	r->ctx = ctx;
	return rb;
}

static int consume_one(struct mb_ringbuf *rb, int i, int64_t *cnt)
{
	return ring_consume(&rb->rings[i], rb->word, cnt);
}

int mb_ringbuf_consume(struct mb_ringbuf *rb)
{
	int64_t cnt = 0;

	for (int i = 0; i < rb->n; i++) {
		int ret = consume_one(rb, i, &cnt);

		if (ret)
			return ret;
	}
	return cnt > INT32_MAX ? INT32_MAX : (int)cnt;
}

int mb_ringbuf_poll(struct mb_ringbuf *rb, int timeout_ms)
{
	uint64_t ready[16];
	int64_t cnt = 0;
	int n = mb_sys_epoll_wait(rb->epfd, ready, 16, timeout_ms);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		int ret;

		if (ready[i] >= (uint64_t)rb->n)
			continue;
		ret = consume_one(rb, (int)ready[i], &cnt);
		if (ret)
			return ret;
	}
	return cnt > INT32_MAX ? INT32_MAX : (int)cnt;
}

int mb_ringbuf_epoll_fd(const struct mb_ringbuf *rb)
{
	return rb ? rb->epfd : -EINVAL;
}

void mb_ringbuf_free(struct mb_ringbuf *rb)
{
	if (!rb)
		return;
	for (int i = 0; i < rb->n; i++)
		ring_unmap(rb, &rb->rings[i]);
	mb_close(rb->epfd);
	free(rb->rings);
	free(rb);
}
