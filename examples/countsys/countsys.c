/* countsys: how many system calls of each number a process makes, counted
 * by a tracepoint program that this binary carries inside it (a skeleton,
 * `minibpf gen skeleton countsys.bpf.o > countsys.skel.h`).
 *
 *   countsys [-t MS] -p PID     count PID's calls for MS milliseconds (1000)
 *   countsys [-t MS] -- CMD...  run CMD and count its calls until it exits
 *   countsys -s N               call getppid() N times itself (a self-test)
 *
 * It prints "NR COUNT" per syscall number seen, then "total COUNT". */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "countsys.skel.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	long ms = 1000, self = -1;
	int pid = 0, go[2] = { -1, -1 }, c, status = 0;
	struct countsys *skel;
	unsigned long long n;
	uint32_t nr;
	char b = 0;

	while ((c = getopt(argc, argv, "+p:t:s:")) != -1) {
		if (c == 'p')
			pid = atoi(optarg);
		else if (c == 't')
			ms = atol(optarg);
		else if (c == 's')
			self = atol(optarg);
		else
			return 2;
	}
	if (self >= 0)
		pid = getpid();
	else if (optind < argc) {
		/* the child waits on a pipe until the program is attached */
		if (pipe(go))
			return perror("pipe"), 1;
		pid = fork();
		if (pid < 0)
			return perror("fork"), 1;
		if (!pid) {
			close(go[1]);
			if (read(go[0], &b, 1) != 1)
				_exit(127);
			close(go[0]);
			execvp(argv[optind], argv + optind);
			_exit(127);
		}
		close(go[0]);
	}
	if (pid <= 0) {
		fprintf(stderr, "usage: countsys [-t MS] -p PID | -- CMD... | -s N\n");
		return 2;
	}

	skel = countsys__open();
	if (!skel) {
		fprintf(stderr, "open: %s\n", mb_last_error());
		return 1;
	}
	skel->rodata->target_tgid = pid;      /* before load: the filter */
	if (countsys__load(skel) || countsys__attach(skel)) {
		fprintf(stderr, "load/attach: %s\n", mb_last_error());
		countsys__destroy(skel);
		if (go[1] >= 0)
			kill(pid, SIGKILL), waitpid(pid, NULL, 0);
		return 1;
	}
	if (self >= 0) {
		for (long i = 0; i < self; i++)
			syscall(SYS_getppid);
	} else if (go[1] >= 0) {
		if (write(go[1], "g", 1) != 1)
			perror("write");
		close(go[1]);
		waitpid(pid, &status, 0);
	} else {
		sleep_ms(ms);
	}
	countsys__detach(skel);

	for (nr = 0; nr < 1024; nr++)
		if (!mb_map_lookup_elem(skel->maps.counts, &nr, sizeof(nr), &n, sizeof(n), 0) && n)
			printf("%u %llu\n", nr, n);
	/* .bss after load is the map itself, mmap'd: read in place */
	printf("total %llu\n", (unsigned long long)skel->bss->total);
	if (skel->bss->out_of_range)
		printf("out_of_range %llu\n", (unsigned long long)skel->bss->out_of_range);
	countsys__destroy(skel);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
