/* make bench, events: how fast a consumer drains a ring buffer or a perf
 * buffer, minibpf's reader (maps/ringbuf.c, maps/perfbuf.c) or libbpf's
 * (ring_buffer__poll / perf_buffer__poll), built from this one file
 * (-DPEER_LIBBPF for libbpf) so the producer, the callback and the clock are
 * the same for both.
 *
 * usage: events ring|perf OBJ N [BATCH PAUSE_US | drain]
 *
 * evprod.bpf.o's program runs N times with BPF_PROG_TEST_RUN, each run
 * writing one 64-byte record; the consumer checks every record's sequence
 * number. Two ways:
 * - live (default): a second thread produces, BATCH runs per call, PAUSE_US
 *   between calls (0: as fast as the kernel goes), while this thread polls,
 *   as a tool runs. The producer's wakeups cost more than reading, so this
 *   shows whether records are lost at a rate, not how fast a reader is.
 * - drain: fill the ring (most of its capacity), then time only the
 *   consume of what it holds, over and over: the reader's own speed.
 * Prints one line: MODE received lost wall_us consumer_cpu_us
 * (wall and CPU of the consumer only in drain mode); lost = N - received
 * (a full ring drops records; a perf buffer also reports them in
 * PERF_RECORD_LOST). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#ifdef PEER_LIBBPF
#include <bpf/libbpf.h>
#else
#include "minibpf.h"
#endif

struct event {
	uint64_t seq, ts;
	uint32_t pid, cpu;
	char pad[40];
};

static uint64_t received, bad, sum, last_seq[1024];
static volatile int producer_done;
static int prog_fd;
static unsigned long long total, batch, pause_us;

static int on_record(const void *data, size_t size)
{
	const struct event *e = data;

	if (size != sizeof(*e)) {
		bad++;
		return 0;
	}
	/* one producer: sequence numbers only grow on each CPU (gaps are dropped
	 * records; a test run can migrate between CPUs when it reschedules) */
	if (e->cpu >= 1024 || (last_seq[e->cpu] && e->seq < last_seq[e->cpu]))
		bad++;
	else
		last_seq[e->cpu] = e->seq + 1;
	sum += e->pid;
	received++;
	return 0;
}

/* Run the producer N times (one CPU: the test run disables migration, so a
 * perf buffer's records all land in one ring). */
static void produce(unsigned long long n)
{
	unsigned char pkt[64] = { 0 };
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = prog_fd;
	a.test.data_in = (uintptr_t)pkt;
	a.test.data_size_in = sizeof(pkt);
	a.test.repeat = (uint32_t)n;
	if (syscall(__NR_bpf, BPF_PROG_TEST_RUN, &a, sizeof(a))) {
		perror("BPF_PROG_TEST_RUN");
		exit(1);
	}
}

static void *producer(void *arg)
{
	unsigned long long done = 0;

	(void)arg;
	while (done < total) {
		unsigned long long n = total - done < batch ? total - done : batch;

		produce(n);
		done += n;
		if (pause_us)
			usleep((useconds_t)pause_us);
	}
	producer_done = 1;
	return NULL;
}

static uint64_t now_us(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

#ifdef PEER_LIBBPF
static int ring_cb(void *ctx, void *data, size_t size)
{
	(void)ctx;
	return on_record(data, size);
}

static void perf_cb(void *ctx, int cpu, void *data, __u32 size)
{
	(void)ctx, (void)cpu;
	/* bpf_perf_event_output's raw sample is padded to 8 bytes */
	on_record(data, size > sizeof(struct event) ? sizeof(struct event) : size);
}

static void lost_cb(void *ctx, int cpu, __u64 cnt)
{
	(void)ctx, (void)cpu, (void)cnt;
}

struct reader {
	struct ring_buffer *rb;
	struct perf_buffer *pb;
};

static int open_obj(const char *path, const char *prog, const char *map, int *map_fd,
		    void **objp)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);

	if (!obj || bpf_object__load(obj))
		return -1;
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, prog));
	*map_fd = bpf_map__fd(bpf_object__find_map_by_name(obj, map));
	*objp = obj;
	return 0;
}

static void close_obj(void *obj)
{
	bpf_object__close(obj);
}

static int reader_new(struct reader *r, int ring, int map_fd)
{
	if (ring)
		r->rb = ring_buffer__new(map_fd, ring_cb, NULL, NULL);
	else
		r->pb = perf_buffer__new(map_fd, 256, perf_cb, lost_cb, NULL, NULL);
	return r->rb || r->pb ? 0 : -1;
}

static int reader_poll(struct reader *r, int ms)
{
	return r->rb ? ring_buffer__poll(r->rb, ms) : perf_buffer__poll(r->pb, ms);
}

static int reader_drain(struct reader *r)
{
	return r->rb ? ring_buffer__consume(r->rb) : perf_buffer__consume(r->pb);
}

static void reader_free(struct reader *r)
{
	ring_buffer__free(r->rb);
	perf_buffer__free(r->pb);
}
#else
static int ring_cb(void *ctx, const void *data, size_t size)
{
	(void)ctx;
	return on_record(data, size);
}

static int perf_cb(void *ctx, int cpu, const void *data, size_t size)
{
	(void)ctx, (void)cpu;
	return on_record(data, size > sizeof(struct event) ? sizeof(struct event) : size);
}

struct reader {
	struct mb_ringbuf *rb;
	struct mb_perfbuf *pb;
};

static int open_obj(const char *path, const char *prog, const char *map, int *map_fd,
		    void **objp)
{
	struct mb_object *obj = mb_object_open(path, NULL);

	if (!obj || mb_object_load(obj)) {
		fprintf(stderr, "%s\n", mb_last_error());
		return -1;
	}
	prog_fd = mb_prog_fd(mb_object_prog_by_name(obj, prog));
	*map_fd = mb_map_fd(mb_object_map_by_name(obj, map));
	*objp = obj;
	return 0;
}

static void close_obj(void *obj)
{
	mb_object_close(obj);
}

static int reader_new(struct reader *r, int ring, int map_fd)
{
	if (ring)
		r->rb = mb_ringbuf_new(map_fd, ring_cb, NULL);
	else
		r->pb = mb_perfbuf_new(map_fd, 256, perf_cb, NULL, NULL);
	return r->rb || r->pb ? 0 : -1;
}

static int reader_poll(struct reader *r, int ms)
{
	return r->rb ? mb_ringbuf_poll(r->rb, ms) : mb_perfbuf_poll(r->pb, ms);
}

static int reader_drain(struct reader *r)
{
	return r->rb ? mb_ringbuf_consume(r->rb) : mb_perfbuf_consume(r->pb);
}

static void reader_free(struct reader *r)
{
	if (r->rb)
		mb_ringbuf_free(r->rb);
	if (r->pb)
		mb_perfbuf_free(r->pb);
}
#endif

int main(int argc, char **argv)
{
	struct reader r = { 0 };
	uint64_t t0, c0, wall, cpu;
	pthread_t th;
	void *obj;
	int ring, drain, map_fd, n = 0;

	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: events ring|perf OBJ N [BATCH PAUSE_US | drain]\n");
		return 2;
	}
	ring = !strcmp(argv[1], "ring");
	total = strtoull(argv[3], NULL, 0);
	drain = argc == 5 && !strcmp(argv[4], "drain");
	batch = argc == 6 ? strtoull(argv[4], NULL, 0) : 4096;
	pause_us = argc == 6 ? strtoull(argv[5], NULL, 0) : 0;
	if (!batch || open_obj(argv[2], ring ? "ring_prod" : "perf_prod", ring ? "rb" : "pb",
			       &map_fd, &obj)) {
		fprintf(stderr, "events: cannot load %s\n", argv[2]);
		return 1;
	}
	if (reader_new(&r, ring, map_fd)) {
		fprintf(stderr, "events: no %s reader: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (drain) {
		/* a 4 MB ring holds 58,254 records of 72 bytes; a perf ring
		 * of 256 pages 13,107 of 80 */
		unsigned long long done = 0, fill = ring ? 50000 : 12000;

		wall = cpu = 0;
		while (done < total) {
			unsigned long long k = total - done < fill ? total - done : fill;

			produce(k);
			done += k;
			t0 = now_us(CLOCK_MONOTONIC);
			c0 = now_us(CLOCK_THREAD_CPUTIME_ID);
			while ((n = reader_drain(&r)) > 0)
				;
			wall += now_us(CLOCK_MONOTONIC) - t0;
			cpu += now_us(CLOCK_THREAD_CPUTIME_ID) - c0;
		}
	} else {
		t0 = now_us(CLOCK_MONOTONIC);
		c0 = now_us(CLOCK_THREAD_CPUTIME_ID);
		if (pthread_create(&th, NULL, producer, NULL))
			return 1;
		while (!producer_done)
			if ((n = reader_poll(&r, 100)) < 0 && n != -EINTR) {
				fprintf(stderr, "events: poll: %d\n", n);
				return 1;
			}
		pthread_join(th, NULL);
		while ((n = reader_drain(&r)) > 0)
			;
		wall = now_us(CLOCK_MONOTONIC) - t0;
		cpu = now_us(CLOCK_THREAD_CPUTIME_ID) - c0;
	}
	if (n < 0) {
		fprintf(stderr, "events: consume: %d\n", n);
		return 1;
	}
	reader_free(&r);
	close_obj(obj);
	if (bad) {
		fprintf(stderr, "events: %llu records out of order or of the wrong size\n",
			(unsigned long long)bad);
		return 1;
	}
	printf("%s %llu %llu %llu %llu\n", argv[1], (unsigned long long)received,
	       (unsigned long long)(total - received), (unsigned long long)wall,
	       (unsigned long long)cpu);
	return 0;
}
