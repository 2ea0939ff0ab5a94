/* Time whole processes, tools interleaved (A B C A B C ...) after a warm-up.
 * usage: harness [-a] [-m] [-w WARM] [-n REPS] [-p PAUSE_MS] [-e PINS] [-l LOG] -d DIR
 *                -- NAME CMD ARGS... [:: NAME CMD ARGS...]...
 * Every run must exit 0 (-a: any status) and leave exactly PINS entries in
 * DIR (-e; default: not checked); then DIR is
 * emptied and removed, so nothing outlives the run. Prints per tool:
 *   NAME median_us min_us max_us peak_rss_kb runs status median_cpu_us
 * (cpu: the child's user + system time, which other load on the machine
 * disturbs far less than the wall time.)
 * Built static (musl) and small: a child's ru_maxrss includes the RSS the
 * parent had when it forked, so the parent must be tiny.
 * ru_maxrss comes from per-CPU RSS counters that the kernel (6.2+) reads
 * without folding: off by up to a few hundred KB for small processes. -m
 * instead runs each tool once, stops it at exit (ptrace) and prints
 *   NAME vmhwm_kb vmrss_kb
 * from /proc/PID/status, which sums the counters exactly. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TOOLS 16
#define MAX_REPS 100

struct tool {
	const char *name;
	char **argv;
	long us[MAX_REPS], cpu[MAX_REPS];
	long rss_kb;
	int n;
	const char *fail;
};

static const char *dir, *logpath = "/dev/null";
static int expect = -1, any_exit;

static long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

/* Remove what a run pinned; return how many entries DIR had (-1: no DIR). */
static int clean_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[4096];
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (unlink(p))
			fprintf(stderr, "harness: cannot remove %s: %s\n", p, strerror(errno));
		n++;
	}
	closedir(d);
	rmdir(dir);
	return n;
}

static void run(struct tool *t, int keep)
{
	struct rusage ru;
	long t0, t1;
	int st, pins;
	pid_t pid;

	t0 = now_us();
	pid = fork();
	if (pid == 0) {
		int out = open("/dev/null", O_WRONLY | O_CLOEXEC);
		int err = open(logpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

		dup2(out, 1);
		dup2(err, 2);
		execvp(t->argv[0], t->argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) != pid) {
		t->fail = "fork/wait failed";
		return;
	}
	t1 = now_us();
	pins = clean_dir();
	if (!WIFEXITED(st) || (WEXITSTATUS(st) && !any_exit)) {
		t->fail = "FAIL(exit)";
		return;
	}
	if (expect >= 0 && pins != expect) {
		fprintf(stderr, "harness: %s left %d pins, expected %d\n", t->name, pins, expect);
		t->fail = "FAIL(pins)";
		return;
	}
	if (!keep)
		return;
	if (ru.ru_maxrss > t->rss_kb)
		t->rss_kb = ru.ru_maxrss;
	t->cpu[t->n] = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L +
		       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
	t->us[t->n++] = t1 - t0;
}

/* The kB value of "KEY:" in /proc/PID/status. */
static long status_kb(pid_t pid, const char *key)
{
	char p[64], line[256];
	long v = -1;
	size_t n = strlen(key);
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/status", (int)pid);
	f = fopen(p, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = atol(line + n + 1);
	fclose(f);
	return v;
}

static void measure_mem(struct tool *t)
{
	long hwm = -1, rss = -1;
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		int out = open("/dev/null", O_WRONLY | O_CLOEXEC);
		int err = open(logpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

		dup2(out, 1);
		dup2(err, 2);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		execvp(t->argv[0], t->argv);
		_exit(127);
	}
	if (pid < 0)
		return;
	/* The first stop is the exec; then stop again when the process exits. */
	if (waitpid(pid, &st, 0) == pid && WIFSTOPPED(st)) {
		ptrace(PTRACE_SETOPTIONS, pid, 0, (void *)(long)PTRACE_O_TRACEEXIT);
		ptrace(PTRACE_CONT, pid, 0, 0);
		while (waitpid(pid, &st, 0) == pid && WIFSTOPPED(st)) {
			int sig = WSTOPSIG(st);

			if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
				hwm = status_kb(pid, "VmHWM");
				rss = status_kb(pid, "VmRSS");
				sig = 0;
			}
			ptrace(PTRACE_CONT, pid, 0, (void *)(long)(sig == SIGTRAP ? 0 : sig));
		}
	}
	clean_dir();
	printf("%s %ld %ld\n", t->name, hwm, rss);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static long median(long *v, int n)
{
	qsort(v, n, sizeof(long), cmp_long);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (ms > 0 && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	struct tool tools[MAX_TOOLS];
	int warm = 1, reps = 10, pause = 0, ntools = 0, mem = 0, i, r, opt;
	long m;

	while ((opt = getopt(argc, argv, "amw:n:p:e:l:d:")) != -1) {
		switch (opt) {
		case 'a': any_exit = 1; break;
		case 'm': mem = 1; break;
		case 'w': warm = atoi(optarg); break;
		case 'n': reps = atoi(optarg); break;
		case 'p': pause = atoi(optarg); break;
		case 'e': expect = atoi(optarg); break;
		case 'l': logpath = optarg; break;
		case 'd': dir = optarg; break;
		default: return 2;
		}
	}
	if (!dir || reps < 1 || reps > MAX_REPS || optind >= argc) {
		fprintf(stderr, "usage: harness [-a] [-m] [-w N] [-n N] [-p MS] [-e PINS] [-l LOG] -d DIR -- NAME CMD... [:: NAME CMD...]\n");
		return 2;
	}
	clean_dir();
	for (i = optind; i < argc && ntools < MAX_TOOLS;) {
		struct tool *t = &tools[ntools++];

		memset(t, 0, sizeof(*t));
		t->name = argv[i++];
		t->argv = &argv[i];
		while (i < argc && strcmp(argv[i], "::"))
			i++;
		if (i < argc)
			argv[i++] = NULL;
		if (!t->argv[0]) {
			fprintf(stderr, "harness: tool %s has no command\n", t->name);
			return 2;
		}
	}
	for (i = 0; mem && i < ntools; i++) {
		measure_mem(&tools[i]);
		pause_ms(pause);
	}
	if (mem)
		return 0;
	for (r = 0; r < warm + reps; r++)
		for (i = 0; i < ntools; i++) {
			if (tools[i].fail)
				continue;
			run(&tools[i], r >= warm);
			pause_ms(pause);
		}
	for (i = 0; i < ntools; i++) {
		struct tool *t = &tools[i];

		if (t->fail || !t->n) {
			printf("%s - - - - 0 %s -\n", t->name, t->fail ? t->fail : "FAIL");
			continue;
		}
		m = median(t->us, t->n);
		printf("%s %ld %ld %ld %ld %d ok %ld\n", t->name, m, t->us[0], t->us[t->n - 1],
		       t->rss_kb, t->n, median(t->cpu, t->n));
	}
	return 0;
}
