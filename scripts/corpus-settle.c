/* make corpus: wait for the kernel to free what one object's load created.
 * A closed program or map is freed asynchronously (RCU, the JIT's pack
 * allocator); loading the next object before they are gone is what piles up
 * the churn that has hung this kernel.
 *   corpus-settle count           prints "PROGS MAPS" (live ids now)
 *   corpus-settle wait PROGS MAPS waits (up to 10 s) until no more are live,
 *                                 or the counts stop falling for 1 s;
 *                                 exits 1 if they never got there. */
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static unsigned count(int cmd)
{
	union bpf_attr attr;
	unsigned n = 0, id = 0;

	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (syscall(__NR_bpf, cmd, &attr, sizeof(attr)) < 0)
			return n;
		id = attr.next_id;
		n++;
	}
}

int main(int argc, char **argv)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	unsigned p, m, want_p, want_m, last = ~0u;
	int i, still = 0;

	if (argc == 2 && !strcmp(argv[1], "count")) {
		printf("%u %u\n", count(BPF_PROG_GET_NEXT_ID), count(BPF_MAP_GET_NEXT_ID));
		return 0;
	}
	if (argc != 4 || strcmp(argv[1], "wait")) {
		fprintf(stderr, "usage: corpus-settle count | wait PROGS MAPS\n");
		return 2;
	}
	want_p = strtoul(argv[2], NULL, 10);
	want_m = strtoul(argv[3], NULL, 10);
	for (i = 0; i < 500; i++) {
		p = count(BPF_PROG_GET_NEXT_ID);
		m = count(BPF_MAP_GET_NEXT_ID);
		if (p <= want_p && m <= want_m)
			return 0;
		/* Another user's objects may have come meanwhile: stop once the
		 * count has held still for a second. */
		still = p + m < last ? 0 : still + 1;
		if (p + m < last)
			last = p + m;
		if (still >= 50)
			break;
		nanosleep(&tick, NULL);
	}
	fprintf(stderr, "corpus-settle: %u programs, %u maps live (before: %u, %u)\n",
		p, m, want_p, want_m);
	return 1;
}
