/* BPF_MAP_TYPE_PERF_EVENT_ARRAY reader: the way data left the kernel before
 * ring buffers (4.4+), still what older (embedded) kernels have.
 *
 * Per CPU: perf_event_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT,
 * sample_type PERF_SAMPLE_RAW) on that CPU, mmap one struct
 * perf_event_mmap_page plus 2^n data pages, store the event fd in slot CPU
 * of the map (BPF_MAP_UPDATE_ELEM); bpf_perf_event_output(ctx, &map,
 * BPF_F_CURRENT_CPU, ...) then writes into that CPU's ring.
 *
 * Records (include/uapi/linux/perf_event.h) start with struct
 * perf_event_header { u32 type; u16 misc; u16 size; } and are 8-byte
 * aligned; PERF_RECORD_SAMPLE carries { u32 size; char data[size]; },
 * PERF_RECORD_LOST { u64 id; u64 lost; }. The ring runs from data_tail (ours)
 * to data_head (the kernel's), both free-running u64 byte counts. The
 * kernel's documented protocol: load data_head, then smp_rmb() before
 * reading records -- an acquire load; finish reading, then smp_mb() before
 * storing data_tail -- a release store (see ringbuf.c on __atomic). A
 * record that wraps past the end of the ring is copied out whole first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/perf_event.h>

#include "minibpf.h"
#include "maps/events.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"

struct pcpu {
	int cpu;
	uint32_t index;         /* the map slot */
	int fd;
	void *base;             /* mmap: control page + data */
	void *scratch;          /* data_size bytes, for wrapped records */
};

struct mb_perfbuf {
	struct pcpu *c;
	int n;
	int epfd;
	int map_fd;
	size_t page, data_size;
	mb_perfbuf_sample_fn sample;
	mb_perfbuf_lost_fn lost;
	void *ctx;
};

/* Read 4/8 bytes from a record that may sit in the scratch copy. */
static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

int mb_perf_ring_read(void *mmap_page, uint64_t data_off, uint64_t data_size, void *scratch,
		      int cpu, mb_perfbuf_sample_fn sample, mb_perfbuf_lost_fn lost, void *ctx,
		      int64_t *cnt)
{
	struct perf_event_mmap_page *m = mmap_page;
	const unsigned char *data = (const unsigned char *)mmap_page + data_off;
	uint64_t head = mb_pos64_load(&m->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = mb_pos64_load(&m->data_tail, __ATOMIC_RELAXED);
	int ret = 0;

	/* the kernel never writes more than the ring ahead of data_tail, and
	 * both move in whole 8-byte records: anything else is a corrupted page */
	if (head - tail > data_size || tail % 8)
		return mb_err(EINVAL, "perf buffer cpu %d: data_head %llu and data_tail %llu do not "
			      "fit a ring of %llu bytes", cpu, (unsigned long long)head,
			      (unsigned long long)tail, (unsigned long long)data_size);
	while (tail != head && !ret) {
		uint64_t off = tail & (data_size - 1);
		const unsigned char *rec = data + off;
		struct perf_event_header h;

		/* 8-byte records in a ring of 2^n pages: a header never wraps
		 * (so a size that is not a multiple of 8 is an error) */
		memcpy(&h, rec, sizeof(h));
		if (h.size < sizeof(h) || h.size % 8 || h.size > head - tail) {
			ret = mb_err(EINVAL, "perf buffer cpu %d: record of %u bytes at %llu",
				     cpu, h.size, (unsigned long long)tail);
			break;
		}
		if (off + h.size > data_size) {
			size_t first = (size_t)(data_size - off);

			memcpy(scratch, rec, first);
			memcpy((unsigned char *)scratch + first, data, h.size - first);
			rec = scratch;
		}
		if (h.type == PERF_RECORD_SAMPLE && h.size >= sizeof(h) + 4) {
			uint32_t n = rd32(rec + sizeof(h));

			if (n <= h.size - sizeof(h) - 4) {
				(*cnt)++;
				ret = sample(ctx, cpu, rec + sizeof(h) + 4, n);
			}
		} else if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + 16) {
			if (lost)
				lost(ctx, cpu, rd64(rec + sizeof(h) + 8));
		}
		tail += h.size;
	}
	mb_pos64_store(&m->data_tail, tail);
	return ret;
}

static void pcpu_close(struct mb_perfbuf *pb, struct pcpu *c)
{
	if (c->fd >= 0 && pb->map_fd >= 0)
		mb_sys_map_delete(pb->map_fd, &c->index);
	mb_sys_munmap(c->base, pb->page + pb->data_size);
	mb_close(c->fd);
	free(c->scratch);
}

static int pcpu_open(struct mb_perfbuf *pb, int cpu, uint32_t index)
{
	struct perf_event_attr a;
	struct pcpu *c, *t = realloc(pb->c, (pb->n + 1) * sizeof(*t));
	int err;

	if (!t)
		return mb_err(ENOMEM, "perf buffer: out of memory");
	pb->c = t;
	c = &t[pb->n];
	memset(c, 0, sizeof(*c));
	c->cpu = cpu;
	c->index = index;
	c->scratch = malloc(pb->data_size);
	if (!c->scratch)
		return mb_err(ENOMEM, "perf buffer: out of memory");
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_BPF_OUTPUT;
	a.sample_type = PERF_SAMPLE_RAW;
	a.sample_period = 1;
	a.wakeup_events = 1;    /* wake epoll on every sample */
	c->fd = mb_sys_perf_event_open(&a, -1, cpu, -1, 0);
	if (c->fd < 0) {
		err = c->fd;
		free(c->scratch);
		return mb_err(-err, "perf buffer: perf_event_open on cpu %d: %s", cpu,
			      mb_strerror(-err));
	}
	err = mb_sys_mmap(c->fd, pb->page + pb->data_size, PROT_READ | PROT_WRITE, 0, &c->base);
	if (err) {
		mb_err(-err, "perf buffer: mmap of %zu bytes on cpu %d: %s",
		       pb->page + pb->data_size, cpu, mb_strerror(-err));
		goto fail;
	}
	err = mb_sys_perf_event_enable(c->fd);
	if (err) {
		mb_err(-err, "perf buffer: enable on cpu %d: %s", cpu, mb_strerror(-err));
		goto fail;
	}
	err = mb_sys_map_update(pb->map_fd, &index, &c->fd, BPF_ANY);
	if (err) {
		mb_err(-err, "perf buffer: store cpu %d's event in slot %u: %s", cpu, index,
		       mb_strerror(-err));
		goto fail;
	}
	err = mb_sys_epoll_add(pb->epfd, c->fd, (uint64_t)pb->n);
	if (err) {
		mb_err(-err, "perf buffer: epoll: %s", mb_strerror(-err));
		mb_sys_map_delete(pb->map_fd, &index);
		goto fail;
	}
	pb->n++;
	return 0;
fail:
	mb_sys_munmap(c->base, pb->page + pb->data_size);
	mb_close(c->fd);
	free(c->scratch);
	return err;
}

struct online { struct mb_perfbuf *pb; uint32_t max_entries; };

static int open_online(void *ctx, unsigned cpu)
{
	struct online *o = ctx;

	/* a CPU beyond the map's slots cannot be stored (as libbpf) */
	return cpu < o->max_entries ? pcpu_open(o->pb, (int)cpu, cpu) : 0;
}

/* One event per online CPU ("0-3,5,7-8" in sysfs). */
static int each_online_cpu(struct mb_perfbuf *pb, uint32_t max_entries)
{
	struct online o = { pb, max_entries };
	char buf[256];
	int err = mb_read_small("/sys/devices/system/cpu/online", buf, sizeof(buf));

	if (err < 0)
		return mb_err(-err, "perf buffer: /sys/devices/system/cpu/online: %s",
			      mb_strerror(-err));
	err = mb_cpu_list_each(buf, open_online, &o);
	if (err == -EINVAL)
		return mb_err(EINVAL, "perf buffer: can't parse online CPUs '%s'", buf);
	return err;
}

static struct mb_perfbuf *pb_new(int map_fd, size_t page_cnt, int cpu, uint32_t index,
				 mb_perfbuf_sample_fn sample, mb_perfbuf_lost_fn lost,
				 void *ctx)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	struct mb_perfbuf *pb;
	int err;

	if (!page_cnt)
		page_cnt = 8;
	if (!sample || (page_cnt & (page_cnt - 1)) || page_cnt > 1u << 16) {
		errno = -mb_err(EINVAL, "perf buffer: page count %zu (a power of two) or "
				"no sample callback", page_cnt);
		return NULL;
	}
	memset(&info, 0, sizeof(info));
	err = mb_sys_obj_get_info_by_fd(map_fd, &info, &len);
	if (err || info.type != BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		errno = -(err ? mb_err(-err, "perf buffer: map fd %d: %s", map_fd, mb_strerror(-err))
			  : mb_err(EINVAL, "map '%s' is not a perf event array (type %u)",
				   info.name, info.type));
		return NULL;
	}
	pb = calloc(1, sizeof(*pb));
	if (!pb) {
		errno = -mb_err(ENOMEM, "perf buffer: out of memory");
		return NULL;
	}
	pb->map_fd = map_fd;
	pb->page = (size_t)getpagesize();
	pb->data_size = page_cnt * pb->page;
	pb->sample = sample;
	pb->lost = lost;
	pb->ctx = ctx;
	pb->epfd = err = mb_sys_epoll_create();
	if (err >= 0)
		err = cpu < 0 ? each_online_cpu(pb, info.max_entries) :
		      index >= info.max_entries ?
		      mb_err(E2BIG, "perf buffer: slot %u is past the map's %u", index,
			     info.max_entries) :
		      pcpu_open(pb, cpu, index);
	else
		mb_err(-err, "perf buffer: epoll_create: %s", mb_strerror(-err));
	if (!err && !pb->n)
		err = mb_err(ENODEV, "perf buffer: map '%s' has no slot for any online CPU",
			     info.name);
	if (err) {
		mb_perfbuf_free(pb);
		errno = -err;
		return NULL;
	}
	return pb;
}

struct mb_perfbuf *mb_perfbuf_new(int map_fd, size_t page_cnt, mb_perfbuf_sample_fn sample,
				  mb_perfbuf_lost_fn lost, void *ctx)
{
	return pb_new(map_fd, page_cnt, -1, 0, sample, lost, ctx);
}

struct mb_perfbuf *mb_perfbuf_new_cpu(int map_fd, size_t page_cnt, int cpu, uint32_t index,
				      mb_perfbuf_sample_fn sample, mb_perfbuf_lost_fn lost,
				      void *ctx)
{
	if (cpu < 0) {
		errno = -mb_err(EINVAL, "perf buffer: cpu %d", cpu);
		return NULL;
	}
	return pb_new(map_fd, page_cnt, cpu, index, sample, lost, ctx);
}

static int pcpu_read(struct mb_perfbuf *pb, struct pcpu *c, int64_t *cnt)
{
	struct perf_event_mmap_page *m = c->base;
	/* data_offset/data_size: 4.1+; before, data starts one page in */
	uint64_t off = m->data_offset ? m->data_offset : pb->page;

	return mb_perf_ring_read(c->base, off, pb->data_size, c->scratch, c->cpu, pb->sample,
				 pb->lost, pb->ctx, cnt);
}

int mb_perfbuf_consume(struct mb_perfbuf *pb)
{
	int64_t cnt = 0;
	int ret;

	for (int i = 0; i < pb->n; i++)
		if ((ret = pcpu_read(pb, &pb->c[i], &cnt)))
			return ret;
	return cnt > INT32_MAX ? INT32_MAX : (int)cnt;
}

int mb_perfbuf_poll(struct mb_perfbuf *pb, int timeout_ms)
{
	uint64_t ready[16];
	int64_t cnt = 0;
	int ret, n = mb_sys_epoll_wait(pb->epfd, ready, 16, timeout_ms);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (ready[i] < (uint64_t)pb->n && (ret = pcpu_read(pb, &pb->c[ready[i]], &cnt)))
			return ret;
	return cnt > INT32_MAX ? INT32_MAX : (int)cnt;
}

int mb_perfbuf_epoll_fd(const struct mb_perfbuf *pb)
{
	return pb ? pb->epfd : -EINVAL;
}

void mb_perfbuf_free(struct mb_perfbuf *pb)
{
	if (!pb)
		return;
	for (int i = 0; i < pb->n; i++)
		pcpu_close(pb, &pb->c[i]);
	mb_close(pb->epfd);
	free(pb->c);
	free(pb);
}
