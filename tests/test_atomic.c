// Nothing half-done (issue 15): `prog loadall OBJ DIR autoattach pinmaps
// DIR/maps` killed (SIGKILL) or interrupted (SIGINT, SIGTERM, SIGHUP) at
// evenly spread moments, two loaders racing for one DIR, a stale staging
// directory swept by the next invocation, and the contents of maps reused
// from pins across failed and killed re-loads. After each run, counted in the
// kernel: no torn directory, no staging directory left, no link or program of
// the fixture alive outside a complete directory.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib_file.h"
#include "lib_kernel.h"
#include "minibpf.h"
#include "syscall/bpf_sys.h"

#define MB MB_BUILD_DIR "/minibpf"
#define OBJ MB_BUILD_DIR "/progs/atomic_pins.bpf.o"
#define NPROGS 4
#define NKILL 50

static const char *const names[NPROGS] = { "atomic_enter", "atomic_exit", "atomic_getppid",
					   "atomic_pexit" };

FIXTURE(atomic) {
	char base[256], dir[300], maps[320], state[300];
	uint32_t prog0, link0;
	long long t_ns;         /* one whole loadall, measured */
};

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(long long t)
{
	struct timespec ts = { t / 1000000000LL, t % 1000000000LL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* The fixture's programs alive with an id above prog0, and the links to
 * them above link0. */
static void count_ours(FIXTURE_DATA(atomic) *self, int *progs, int *links)
{
	uint32_t id = self->prog0, ids[64];
	int np = 0, nl = 0;

	while (!mb_sys_get_next_id(BPF_PROG_GET_NEXT_ID, id, &id)) {
		int fd = mb_sys_get_fd_by_id(BPF_PROG_GET_FD_BY_ID, id);
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (!mb_sys_obj_get_info_by_fd(fd, &info, &len) && !strncmp(info.name, "atomic_", 7) &&
		    np < 64)
			ids[np++] = id;
		close(fd);
	}
	id = self->link0;
	while (!mb_sys_get_next_id(BPF_LINK_GET_NEXT_ID, id, &id)) {
		int fd = mb_sys_get_fd_by_id(BPF_LINK_GET_FD_BY_ID, id);
		struct bpf_link_info info;
		uint32_t len = sizeof(info);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (!mb_sys_obj_get_info_by_fd(fd, &info, &len))
			for (int i = 0; i < np; i++)
				nl += info.prog_id == ids[i];
		close(fd);
	}
	*progs = np;
	*links = nl;
}

/* Wait (up to 10 s: the kernel frees closed objects asynchronously) until
 * exactly WANT programs and WANT links of ours are alive: 1, or 0 with the
 * counts where they stopped. */
static int settle(FIXTURE_DATA(atomic) *self, int want, int *progs, int *links)
{
	long long end = now_ns() + 10000000000LL;

	for (;;) {
		count_ours(self, progs, links);
		if (*progs == want && *links == want)
			return 1;
		if (now_ns() > end)
			return 0;
		usleep(10000);
	}
}

static int count_staging(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strstr(e->d_name, "_mbstage_") != NULL;
	if (d)
		closedir(d);
	return n;
}

/* 1: DIR complete (every program's pin, maps/ with both maps), 0: absent,
 * -1: torn. */
static int tree_state(FIXTURE_DATA(atomic) *self)
{
	char p[400];
	int ok;

	if (access(self->dir, F_OK))
		return 0;
	/* the maps inside DIR (maps/), or beside it */
	ok = test_dir_entries(self->dir) == NPROGS + !strncmp(self->maps, self->dir, strlen(self->dir)) &&
	     test_dir_entries(self->maps) == 2;
	for (int i = 0; ok && i < NPROGS; i++) {
		snprintf(p, sizeof(p), "%s/%s", self->dir, names[i]);
		ok = !access(p, F_OK);
	}
	snprintf(p, sizeof(p), "%s/hits", self->maps);
	ok = ok && !access(p, F_OK);
	snprintf(p, sizeof(p), "%s/mbatomic_state", self->maps);
	return ok && !access(p, F_OK) ? 1 : -1;
}

/* minibpf prog loadall OBJ DIR autoattach pinmaps DIR/maps [EXTRA...],
 * stderr to ERRFD (or /dev/null); with GATE (a pipe) it waits for the
 * pipe's write end to close first; TRACE: with --trace. */
static pid_t spawn_t(FIXTURE_DATA(atomic) *self, const char *keep, int errfd, const int *gate,
		     int trace)
{
	pid_t c = fork();

	if (c == 0) {
		sigset_t none;
		char b;
		int nul = open("/dev/null", O_WRONLY);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		dup2(nul, 1);
		dup2(errfd >= 0 ? errfd : nul, 2);
		if (gate && (close(gate[1]) || read(gate[0], &b, 1) < 0))
			_exit(126);
		{
			char *argv[16] = { "minibpf" };
			int n = 1;

			if (trace)
				argv[n++] = "--trace";
			argv[n++] = "prog", argv[n++] = "loadall", argv[n++] = OBJ;
			argv[n++] = self->dir, argv[n++] = "autoattach";
			argv[n++] = "pinmaps", argv[n++] = self->maps;
			if (keep) {
				argv[n++] = "map", argv[n++] = "name", argv[n++] = "hits";
				argv[n++] = "pinned", argv[n++] = (char *)keep;
			}
			execv(MB, argv);
		}
		_exit(127);
	}
	return c;
}

static pid_t spawn(FIXTURE_DATA(atomic) *self, const char *keep, int errfd, const int *gate)
{
	return spawn_t(self, keep, errfd, gate, 0);
}

/* `minibpf prog cleanup BASE`: the number it removed, or -1. */
static int cleanup(FIXTURE_DATA(atomic) *self)
{
	char cmd[400], out[4096] = "";
	const char *l;
	size_t n;
	FILE *p;
	int k = -1;

	snprintf(cmd, sizeof(cmd), "%s prog cleanup %s 2>&1", MB, self->base);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	if (pclose(p))
		return -1;
	l = strrchr(out, '\n');
	while (l && l > out && l[-1] != '\n')
		l--;
	if (l && sscanf(l, "%d staging", &k) != 1)
		k = -1;
	return k;
}

/* Remove DIR (if there) and wait until nothing of ours is alive. */
static int reset(FIXTURE_DATA(atomic) *self)
{
	int p, l;

	if (!access(self->dir, F_OK))
		mb_pin_tree_remove(self->dir);
	if (!access(self->maps, F_OK))
		mb_pin_tree_remove(self->maps);
	return settle(self, 0, &p, &l);
}

FIXTURE_SETUP(atomic)
{
	const char *root = mb_bpffs_path();

	self->base[0] = 0;
	if (access(MB, X_OK) || access(OBJ, R_OK))
		SKIP(return, "%s or %s not built", MB, OBJ);
	if (!root)
		SKIP(return, "no bpf filesystem: %s", strerror(errno));
	snprintf(self->base, sizeof(self->base), "%s/mbatomic_%d", root, getpid());
	snprintf(self->dir, sizeof(self->dir), "%s/t", self->base);
	snprintf(self->maps, sizeof(self->maps), "%s/maps", self->dir);
	/* the map pinned by name lives at the pin root, under the fixture's name */
	snprintf(self->state, sizeof(self->state), "%s/mbatomic_state", root);
	unlink(self->state);
	ASSERT_EQ(0, mkdir(self->base, 0700)) TH_LOG("%s: %s", self->base, strerror(errno));
	self->prog0 = last_id(BPF_PROG_GET_NEXT_ID);
	self->link0 = last_id(BPF_LINK_GET_NEXT_ID);
}

FIXTURE_TEARDOWN(atomic)
{
	int p, l;

	if (!self->base[0])
		return;
	mb_pin_tree_remove(self->base);
	unlink(self->state);
	settle(self, 0, &p, &l);
}

/* How long one whole load takes, for the kill moments: the longest of 3
 * (it varies with the machine's load, 2-100 ms seen, and the moments must
 * reach past its end), made the way the runs make it (TRACE: with --trace
 * into a file, which the SIGINT runs read: it is slower). */
static void measure(struct __test_metadata *_metadata, FIXTURE_DATA(atomic) *self, int trace)
{
	long long t[3];

	for (int i = 0; i < 3; i++) {
		long long t0 = now_ns();
		pid_t c = spawn_t(self, NULL, -1, NULL, trace);
		int st;

		ASSERT_LT(0, c);
		waitpid(c, &st, 0);
		t[i] = now_ns() - t0;
		ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		ASSERT_EQ(1, tree_state(self));
		ASSERT_TRUE(reset(self));
	}
	self->t_ns = t[0] > t[1] ? t[0] : t[1];
	self->t_ns = self->t_ns > t[2] ? self->t_ns : t[2];
}

struct tally {
	int complete, absent, torn, cleaned, staging_left, links_outside, progs_outside;
	int died, exited, odd;
	int rolled_back;        /* interrupted with a staged tree, which it removed */
};

/* N runs, the Nth signalled at (i / N) * 1.1 of a whole load's time. SIG 0:
 * SIGINT, SIGTERM and SIGHUP in turn, counted before any cleanup (the load
 * rolls back itself); else SIG, then `prog cleanup`. */
static void kill_runs(struct __test_metadata *_metadata, FIXTURE_DATA(atomic) *self, int n,
		      int sig, const char *keep, struct tally *t)
{
	static const int soft[] = { SIGINT, SIGTERM, SIGHUP };

	memset(t, 0, sizeof(*t));
	measure(_metadata, self, !sig);
	for (int i = 0; i < n; i++) {
		int s = sig ? sig : soft[i % 3], st, progs, links, state, want, c;
		char log[128], buf[65536];
		int lfd = -1;
		long long t0;
		pid_t pid;

		if (!sig) {
			/* --trace shows whether the rollback removed a staged tree */
			snprintf(log, sizeof(log), "/tmp/mbatomic_trace_%d", getpid());
			lfd = open(log, O_RDWR | O_CREAT | O_TRUNC, 0600);
			ASSERT_LE(0, lfd);
			unlink(log);
		}
		t0 = now_ns();
		pid = spawn_t(self, keep, lfd, NULL, !sig);
		ASSERT_LT(0, pid);
		sleep_until(t0 + self->t_ns * 11 * i / (10 * n));
		kill(pid, s);
		waitpid(pid, &st, 0);
		if (WIFSIGNALED(st) && WTERMSIG(st) == s)
			t->died++;
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			t->exited++;
		else
			t->odd++;
		if (lfd >= 0) {
			ssize_t n = pread(lfd, buf, sizeof(buf) - 1, 0);

			buf[n > 0 ? n : 0] = 0;
			t->rolled_back += strstr(buf, "rm -r \"") != NULL;
			close(lfd);
		}
		if (sig) {
			c = cleanup(self);
			EXPECT_LE(0, c);
			t->cleaned += c > 0 ? c : 0;
		}
		t->staging_left += count_staging(self->base) + count_staging(self->dir);
		state = tree_state(self);
		t->complete += state > 0;
		t->absent += state == 0;
		t->torn += state < 0;
		/* interrupted: rolled back (died of it) or already done (exit 0) */
		if (!sig && ((state > 0) != (WIFEXITED(st) && WEXITSTATUS(st) == 0)))
			t->odd++;
		want = state > 0 ? NPROGS : 0;
		if (!settle(self, want, &progs, &links)) {
			t->links_outside += links > want ? links - want : 0;
			t->progs_outside += progs > want ? progs - want : 0;
		}
		if (!sig)
			cleanup(self);
		ASSERT_TRUE(reset(self)) TH_LOG("run %d: objects of the fixture stay alive", i);
	}
}

static void report(const char *what, int n, const struct tally *t, long long t_ns)
{
	printf("# %s: %d runs over 0-%lld ms: %d complete, %d nothing, %d torn; "
	       "%d staging dirs removed by cleanup, %d left; links outside a complete dir %d, "
	       "programs %d; died of the signal %d", what, n, t_ns * 11 / 10000000, t->complete,
	       t->absent, t->torn, t->cleaned, t->staging_left, t->links_outside, t->progs_outside,
	       t->died);
	if (t->rolled_back)
		printf(" (%d of them after removing their staged tree)", t->rolled_back);
	printf(", exit 0 %d, other %d\n", t->exited, t->odd);
	fflush(stdout);         /* the harness's child leaves by _exit */
}

TEST_F_TIMEOUT(atomic, sigkill_at_spread_moments, 90)
{
	struct tally t;

	kill_runs(_metadata, self, NKILL, SIGKILL, NULL, &t);
	report("SIGKILL", NKILL, &t, self->t_ns);
	EXPECT_EQ(0, t.torn);
	EXPECT_EQ(0, t.staging_left);
	EXPECT_EQ(0, t.links_outside);
	EXPECT_EQ(0, t.progs_outside);
	EXPECT_EQ(0, t.odd);
	/* the moments spread over the load: some before anything, some after */
	EXPECT_LT(0, t.absent);
	EXPECT_LT(0, t.complete);
}

TEST_F_TIMEOUT(atomic, sigint_sigterm_sighup_roll_back, 90)
{
	struct tally t;

	kill_runs(_metadata, self, NKILL + 1, 0, NULL, &t);
	report("SIGINT/SIGTERM/SIGHUP", NKILL + 1, &t, self->t_ns);
	EXPECT_EQ(0, t.torn);
	EXPECT_EQ(0, t.staging_left);
	EXPECT_EQ(0, t.links_outside);
	EXPECT_EQ(0, t.progs_outside);
	EXPECT_EQ(0, t.odd);
	EXPECT_LT(0, t.absent);
	EXPECT_LT(0, t.complete);
}

/* Two loaders for one DIR, started together: one publishes, the other says
 * "exists" and leaves nothing. */
static void race(struct __test_metadata *_metadata, FIXTURE_DATA(atomic) *self, int rounds)
{
	int wins = 0;

	for (int r = 0; r < rounds; r++) {
		char logs[2][128], buf[2][1024];
		int gate[2], fd[2], st[2], ok[2], progs, links;
		pid_t c[2];

		ASSERT_EQ(0, pipe(gate));
		for (int k = 0; k < 2; k++) {
			snprintf(logs[k], sizeof(logs[k]), "/tmp/mbatomic_race_%d_%d", getpid(), k);
			fd[k] = open(logs[k], O_RDWR | O_CREAT | O_TRUNC, 0600);
			ASSERT_LE(0, fd[k]);
			c[k] = spawn(self, NULL, fd[k], gate);
			ASSERT_LT(0, c[k]);
		}
		close(gate[0]);
		close(gate[1]);         /* both start now */
		for (int k = 0; k < 2; k++) {
			ssize_t n;

			waitpid(c[k], &st[k], 0);
			ok[k] = WIFEXITED(st[k]) && WEXITSTATUS(st[k]) == 0;
			n = pread(fd[k], buf[k], sizeof(buf[k]) - 1, 0);
			buf[k][n > 0 ? n : 0] = 0;
			close(fd[k]);
			unlink(logs[k]);
		}
		EXPECT_EQ(1, ok[0] + ok[1]) TH_LOG("round %d: %s | %s", r, buf[0], buf[1]);
		for (int k = 0; k < 2; k++)
			if (!ok[k]) {
				EXPECT_TRUE(WIFEXITED(st[k]) && WEXITSTATUS(st[k]) == 1);
				EXPECT_NE(NULL, strstr(buf[k], "exists")) TH_LOG("%s", buf[k]);
			}
		wins += ok[0] + ok[1] == 1;
		EXPECT_EQ(1, tree_state(self));
		EXPECT_EQ(0, count_staging(self->base));
		EXPECT_EQ(0, count_staging(self->dir));
		EXPECT_TRUE(settle(self, NPROGS, &progs, &links))
			TH_LOG("round %d: %d programs, %d links alive", r, progs, links);
		ASSERT_TRUE(reset(self));
	}
	printf("# race (maps %s DIR): %d rounds of two loaders, %d with exactly one winner\n",
	       strncmp(self->maps, self->dir, strlen(self->dir)) ? "beside" : "inside", rounds, wins);
	fflush(stdout);
}

TEST_F(atomic, racing_loaders)
{
	race(_metadata, self, 6);
}

/* pinmaps outside DIR: its own rename, then DIR's; the loser undoes its
 * maps' tree when DIR's rename finds DIR taken. */
TEST_F(atomic, racing_loaders_maps_beside)
{
	snprintf(self->maps, sizeof(self->maps), "%s/sep", self->base);
	race(_metadata, self, 4);
}

/* A load killed before its rename leaves a staging directory holding the
 * only reference to its links: the next pinning invocation removes it, which
 * detaches them. Made here the way a killed loadall leaves it. */
TEST_F(atomic, next_invocation_sweeps_a_dead_loaders_staging)
{
	char err[4096] = "";
	int st, progs, links, fd[2];
	pid_t c;
	ssize_t n;

	c = fork();
	ASSERT_LE(0, c);
	if (c == 0) {
		struct mb_object *obj = mb_object_open(OBJ, NULL);
		struct mb_link *l = NULL;
		char stage[512], p[600];

		for (int i = 0; obj && i < mb_object_prog_count(obj); i++)
			mb_prog_set_autoload(mb_object_prog(obj, i), i == 2);
		if (!obj || mb_object_load(obj) || !(l = mb_prog_attach(mb_object_prog(obj, 2))) ||
		    mb_stage_path(self->dir, stage, sizeof(stage)) || mkdir(stage, 0700))
			_exit(1);
		snprintf(p, sizeof(p), "%s/atomic_getppid", stage);
		_exit(mb_link_pin(l, p) ? 2 : 0);      /* dies with the pin in place */
	}
	waitpid(c, &st, 0);
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ASSERT_EQ(1, count_staging(self->base));
	EXPECT_TRUE(settle(self, 1, &progs, &links));   /* attached through the stale pin */
	/* a live loader's staging directory stays */
	{
		char mine[512];

		ASSERT_EQ(0, mb_stage_path(self->dir, mine, sizeof(mine)));
		ASSERT_EQ(0, mkdir(mine, 0700));
		ASSERT_EQ(0, pipe(fd));
		c = spawn(self, NULL, fd[1], NULL);
		close(fd[1]);
		n = read(fd[0], err, sizeof(err) - 1);
		err[n > 0 ? n : 0] = 0;
		close(fd[0]);
		waitpid(c, &st, 0);
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("%s", err);
		EXPECT_NE(NULL, strstr(err, "Note: removed")) TH_LOG("%s", err);
		EXPECT_EQ(0, access(mine, F_OK));
		EXPECT_EQ(1, count_staging(self->base));
		rmdir(mine);
	}
	EXPECT_EQ(1, tree_state(self));
	EXPECT_TRUE(settle(self, NPROGS, &progs, &links))
		TH_LOG("%d programs, %d links alive", progs, links);
	EXPECT_EQ(0, cleanup(self));
}

/* `prog load OBJ PATH` stays one BPF_OBJ_PIN, no staging; loadall into a
 * DIR that holds anything says "exists" and adds nothing to it. */
TEST_F(atomic, single_load_one_pin_and_taken_dir_refused)
{
	char cmd[800], out[16384];
	const char *p;
	size_t n;
	FILE *f;
	int pins = 0, st;

	snprintf(cmd, sizeof(cmd), "%s --trace prog load %s/progs/hello.bpf.o %s/one autoattach 2>&1",
		 MB, MB_BUILD_DIR, self->base);
	f = popen(cmd, "r");
	ASSERT_TRUE(f != NULL);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	EXPECT_EQ(0, pclose(f)) TH_LOG("%s", out);
	for (p = out; (p = strstr(p, "BPF_OBJ_PIN")); p++)
		pins++;
	EXPECT_EQ(1, pins) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "mkdir(")) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "rename(")) TH_LOG("%s", out);
	snprintf(cmd, sizeof(cmd), "%s/one", self->base);
	EXPECT_EQ(0, unlink(cmd));

	snprintf(cmd, sizeof(cmd), "%s/other", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	ASSERT_EQ(0, mkdir(cmd, 0700));
	snprintf(cmd, sizeof(cmd), "%s prog loadall %s %s autoattach 2>&1", MB, OBJ, self->dir);
	f = popen(cmd, "r");
	ASSERT_TRUE(f != NULL);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	st = pclose(f);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	EXPECT_NE(NULL, strstr(out, "exists and is not empty")) TH_LOG("%s", out);
	EXPECT_EQ(1, test_dir_entries(self->dir));
	EXPECT_EQ(0, count_staging(self->base));
	snprintf(cmd, sizeof(cmd), "%s/other", self->dir);
	rmdir(cmd);
	rmdir(self->dir);
}

/* mb_object_pin_maps publishes a new tree whole: with the Nth syscall of
 * the call failing, for every N, it leaves neither the tree nor a staging
 * directory; without a failure the tree is complete. */
TEST_F(atomic, pin_maps_fault_at_every_syscall)
{
	struct mb_open_opts o = { .sz = sizeof(o), .pin_root = self->base };
	struct mb_object *obj = mb_object_open(OBJ, &o);
	char maps[320];
	unsigned long n;
	int err = -1, failures = 0;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	for (int i = 0; i < mb_object_prog_count(obj); i++)
		mb_prog_set_autoload(mb_object_prog(obj, i), 0);      /* maps only */
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	snprintf(maps, sizeof(maps), "%s/m", self->base);
	for (n = 1; n < 100 && err; n++) {
		int before = test_dir_entries(self->base);

		mb_sys_fail_nth(n, EIO);
		err = mb_object_pin_maps(obj, maps);
		mb_sys_fail_nth(0, 0);
		if (!err)
			break;
		failures++;
		EXPECT_EQ(-EIO, err) TH_LOG("n=%lu: %s", n, mb_last_error());
		EXPECT_EQ(before, test_dir_entries(self->base)) TH_LOG("n=%lu left something", n);
		EXPECT_EQ(0, count_staging(self->base));
	}
	ASSERT_EQ(0, err);
	EXPECT_LT(2, failures);         /* the mkdir, the pins and the rename */
	EXPECT_EQ(2, test_dir_entries(maps));
	EXPECT_EQ(0, count_staging(self->base));
	mb_object_close(obj);
	printf("# pin_maps: %d injected failures, each left nothing\n", failures);
	fflush(stdout);
}

static uint64_t pinned_value(const char *path, uint32_t key)
{
	int fd = mb_sys_obj_get(path, 0);
	uint64_t v = 0;

	if (fd < 0)
		return (uint64_t)-1;
	if (mb_sys_map_lookup(fd, &key, &v, 0))
		v = (uint64_t)-2;
	close(fd);
	return v;
}

/* Maps reused from pins (pinning by name, and `map name hits pinned P`)
 * keep their contents across a failed and a killed re-load. */
TEST_F_TIMEOUT(atomic, reused_maps_keep_their_contents, 60)
{
	char keep[320], cmd[1100], sub[400];
	uint32_t k7 = 7, k5 = 5;
	uint64_t v7 = 1234, v5 = 99;
	struct tally t;
	int fd, st;

	/* the map pinned by name, made by a first load, then written */
	fd = -1;
	{
		pid_t c = spawn(self, NULL, -1, NULL);

		waitpid(c, &st, 0);
		ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	fd = mb_sys_obj_get(self->state, 0);
	ASSERT_LE(3, fd);
	ASSERT_EQ(0, mb_sys_map_update(fd, &k7, &v7, BPF_ANY));
	close(fd);
	ASSERT_TRUE(reset(self));
	snprintf(keep, sizeof(keep), "%s/keep", self->base);
	snprintf(cmd, sizeof(cmd), "%s map create %s type array key 4 value 8 entries 8 name hits &&"
		 " %s map update pinned %s key u32 5 value u64 99", MB, keep, MB, keep);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(v5, pinned_value(keep, k5));

	/* failed: DIR is taken */
	snprintf(sub, sizeof(sub), "%s/other", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	ASSERT_EQ(0, mkdir(sub, 0700));
	{
		pid_t c = spawn(self, keep, -1, NULL);

		waitpid(c, &st, 0);
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	}
	EXPECT_EQ(v7, pinned_value(self->state, k7));
	EXPECT_EQ(v5, pinned_value(keep, k5));
	rmdir(sub);
	rmdir(self->dir);

	/* killed at 10 moments */
	kill_runs(_metadata, self, 10, SIGKILL, keep, &t);
	EXPECT_EQ(0, t.torn);
	EXPECT_EQ(0, t.staging_left);
	EXPECT_EQ(v7, pinned_value(self->state, k7));
	EXPECT_EQ(v5, pinned_value(keep, k5));
	/* and a whole load with both reused works, the values still there */
	{
		pid_t c = spawn(self, keep, -1, NULL);

		waitpid(c, &st, 0);
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		EXPECT_EQ(1, tree_state(self));
	}
	printf("# map contents: after a failed, %d killed (%d complete) and one whole re-load: "
	       "pinned-by-name %s, reused %s\n", 10, t.complete,
	       pinned_value(self->state, k7) == v7 ? "intact" : "CHANGED",
	       pinned_value(keep, k5) == v5 ? "intact" : "CHANGED");
	fflush(stdout);
}

TEST_HARNESS_MAIN
