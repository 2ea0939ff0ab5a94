// End to end: data out of the kernel. Ring buffer records (discarded ones
// skipped, wrapping a one-page ring, two rings in one poller) and perf
// buffer samples (with the right pid, lost ones counted when a small ring
// overflows) through the library; `minibpf map event_pipe` with and without
// -j on the execsnoop example and the perf variant. Teardown leaves no fd
// and no mapping; pins (/sys/fs/bpf/mbtest_*) are removed even on failure.
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "test_e2e.h"
/* count_fds() in-process: a shell listing /proc/PID/fd through system() now
 * and then counted two fds more or fewer in the musl guests (make test-qemu). */
#include "lib_kernel.h"
#include "syscall/bpf_sys.h"

#define MB MB_BUILD_DIR "/minibpf"

/* fds and mappings of this process, to see that _free leaves none. */
/* Mappings of kernel objects (ring buffers: anon_inode:bpf-map, perf rings:
 * anon_inode:[perf_event]): what a reader maps. Counting every line of
 * /proc/self/maps would also count the allocator's own (ASan's, in SAN=1). */
static int count_kernel_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, "anon_inode:") != NULL;
	if (f)
		fclose(f);
	return n;
}

struct rec { uint32_t pid, seq; uint64_t pad; };

struct got {
	int n, odd, other, rb2;
	uint32_t last;
};

static int on_rb(void *ctx, const void *data, size_t size)
{
	struct got *g = ctx;
	const struct rec *r = data;

	if (size != sizeof(*r) || r->pid != (uint32_t)getpid())
		g->other++;
	else if (r->seq & 1)
		g->odd++;
	g->n++;
	g->last = r->seq;
	return 0;
}

static int on_rb2(void *ctx, const void *data, size_t size)
{
	struct got *g = ctx;
	const struct rec *r = data;

	if (size == sizeof(*r) && r->seq == 1000)
		g->rb2++;
	return 0;
}

FIXTURE(ev) {
	struct mb_object *obj;
	struct mb_link *links[4];
	int nl;
	char dir[128];
	char out[128];
};

FIXTURE_SETUP(ev)
{
	memset(self, 0, sizeof(*self));
}

FIXTURE_TEARDOWN(ev)
{
	for (int i = 0; i < self->nl; i++)
		mb_link_destroy(self->links[i]);
	mb_object_close(self->obj);
	if (self->dir[0])
		test_sh("rm -rf %s", self->dir);
	if (self->out[0])
		test_sh("rm -f %s.out %s.err", self->out, self->out);
}

static int load(struct __test_metadata *_metadata, FIXTURE_DATA(ev) *self, const char *name,
		const char *progs)
{
	char path[256];
	uint32_t *tgid;
	size_t sz;
	int i;

	snprintf(path, sizeof(path), "%s/progs/%s.bpf.o", MB_BUILD_DIR, name);
	self->obj = e2e_open(path, progs);
	if (!self->obj)
		return -1;
	tgid = mb_object_global(self->obj, "target_tgid", &sz);
	if (!tgid)
		return -1;
	*tgid = (uint32_t)getpid();
	if (mb_object_load(self->obj)) {
		TH_LOG("load: %s", mb_last_error());
		return -1;
	}
	for (i = 0; i < mb_object_prog_count(self->obj); i++) {
		struct mb_prog *p = mb_object_prog(self->obj, i);

		if (mb_prog_fd(p) < 0)
			continue;
		self->links[self->nl] = mb_prog_attach(p);
		if (!self->links[self->nl]) {
			TH_LOG("attach %s: %s", mb_prog_name(p), mb_last_error());
			return -1;
		}
		self->nl++;
	}
	return 0;
}

/* 40 records a round, 24 bytes each, on a 4096-byte ring: by the third
 * round the records wrap around its end. */
TEST_F(ev, ringbuf_discard_wrap_two_rings)
{
	struct got g = { 0 }, g2 = { 0 };
	struct mb_ringbuf *rb;
	int fds0, maps0, round, n, total = 0;

	ASSERT_EQ(0, load(_metadata, self, "e2e_ringbuf", NULL));
	fds0 = count_fds();
	maps0 = count_kernel_maps();
	rb = mb_ringbuf_new(mb_map_fd(mb_object_map_by_name(self->obj, "rb")), on_rb, &g);
	ASSERT_NE(NULL, rb) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, mb_ringbuf_add(rb, mb_map_fd(mb_object_map_by_name(self->obj, "rb2")),
				    on_rb2, &g2)) TH_LOG("%s", mb_last_error());
	EXPECT_LE(3, mb_ringbuf_epoll_fd(rb));
	for (round = 0; round < 5; round++) {
		for (int i = 0; i < 80; i++)
			syscall(__NR_getppid);
		syscall(__NR_getpgid, 0);
		n = mb_ringbuf_poll(rb, 1000);
		ASSERT_LE(0, n);
		total += n;
		while ((n = mb_ringbuf_poll(rb, 0)) > 0)
			total += n;
	}
	/* 400 getppid: 200 submitted (even), 200 discarded (odd) */
	EXPECT_EQ(200, g.n);
	EXPECT_EQ(0, g.odd);
	EXPECT_EQ(0, g.other);
	EXPECT_EQ(398, g.last);
	EXPECT_EQ(5, g2.rb2);
	EXPECT_EQ(205, total);
	mb_ringbuf_free(rb);
	EXPECT_EQ(fds0, count_fds());
	EXPECT_EQ(maps0, count_kernel_maps());
}

TEST_F(ev, ringbuf_rejects_other_maps)
{
	ASSERT_EQ(0, load(_metadata, self, "e2e_perfbuf", "perf_getppid"));
	EXPECT_EQ(NULL, mb_ringbuf_new(mb_map_fd(mb_object_map_by_name(self->obj, "events")),
				       on_rb, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NE(NULL, strstr(mb_last_error(), "not a ring buffer")) TH_LOG("%s", mb_last_error());
}

/* Exec /bin/true from a path on the child's stack: the program reads it with
 * bpf_probe_read_user_str(), which cannot fault in a page (a string literal
 * of a forked child may not be mapped yet), as execsnoop tools know. */
static void exec_true(void)
{
	char path[16];

	memcpy(path, "/bin/true", 10);
	execl(path, "true", (char *)NULL);
	_exit(127);
}

struct pgot {
	int n, mine, execs;
	uint64_t lost;
	pid_t child;
};

struct event { uint32_t pid, uid; char comm[16], filename[128]; };

static int on_sample(void *ctx, int cpu, const void *data, size_t size)
{
	struct pgot *g = ctx;

	(void)cpu;
	g->n++;
	if (size >= 8 && *(const uint32_t *)data == (uint32_t)getpid())
		g->mine++;
	if (size >= sizeof(struct event)) {
		const struct event *e = data;

		if (e->pid == (uint32_t)g->child && !strcmp(e->filename, "/bin/true"))
			g->execs++;
	}
	return 0;
}

static void on_lost(void *ctx, int cpu, uint64_t n)
{
	(void)cpu;
	((struct pgot *)ctx)->lost += n;
}

TEST_F(ev, perfbuf_exec_pid_and_lost)
{
	struct pgot g = { 0 };
	struct mb_perfbuf *pb;
	int fds0, maps0, fd, i, nsamp;

	ASSERT_EQ(0, load(_metadata, self, "e2e_perfbuf", NULL));
	fd = mb_map_fd(mb_object_map_by_name(self->obj, "events"));
	fds0 = count_fds();
	maps0 = count_kernel_maps();
	pb = mb_perfbuf_new(fd, 1, on_sample, on_lost, &g);
	ASSERT_NE(NULL, pb) TH_LOG("%s", mb_last_error());
	/* an exec this test makes arrives with the child's pid */
	g.child = fork();
	if (g.child == 0)
		exec_true();
	ASSERT_LT(0, g.child);
	waitpid(g.child, NULL, 0);
	for (i = 0; i < 20 && !g.execs; i++)
		ASSERT_LE(0, mb_perfbuf_poll(pb, 100));
	EXPECT_EQ(1, g.execs);
	/* samples of 268 bytes into one page without reading, four times what
	 * the page holds (4 KB: 15, 64 KB on ppc64el: 244): most are lost, and
	 * the kernel says how many */
	nsamp = 4 * (int)(sysconf(_SC_PAGESIZE) / 268) + 100;
	g.n = g.mine = 0;
	for (i = 0; i < nsamp; i++)
		syscall(__NR_getppid);
	while (mb_perfbuf_consume(pb) > 0)
		;
	/* the kernel writes PERF_RECORD_LOST once there is room again: with
	 * the next sample after we drained the ring */
	syscall(__NR_getppid);
	while (mb_perfbuf_consume(pb) > 0)
		;
	EXPECT_LT(0, g.mine);
	EXPECT_LT(0, g.lost);
	EXPECT_GT(nsamp + 1, g.mine);
	/* other processes' execs may land (and be lost) in the same ring */
	EXPECT_LE(nsamp + 1, g.mine + g.lost) TH_LOG("%d samples, %llu lost", g.mine,
					      (unsigned long long)g.lost);
	mb_perfbuf_free(pb);
	EXPECT_EQ(fds0, count_fds());
	EXPECT_EQ(maps0, count_kernel_maps());
	/* the slots are cleared again */
	{
		uint32_t k = 0, v;

		EXPECT_NE(0, mb_sys_map_lookup(fd, &k, &v, 0));
	}
}

/* ---- the tool ----------------------------------------------------------- */

static pid_t pipe_start(FIXTURE_DATA(ev) *self, const char *json, const char *map,
			const char *extra)
{
	char cmd[1024];
	pid_t p;

	snprintf(cmd, sizeof(cmd), "exec %s %s map event_pipe pinned %s %s >%s.out 2>%s.err",
		 MB, json, map, extra, self->out, self->out);
	p = fork();
	if (p == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	usleep(400000);
	return p;
}

/* Exec /bin/true three times; the pids. SIGINT, exit status of the pipe. */
static int pipe_stop(pid_t p, pid_t kids[3])
{
	int st;

	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			exec_true();
		waitpid(kids[i], NULL, 0);
	}
	usleep(400000);
	kill(p, SIGINT);
	if (waitpid(p, &st, 0) != p)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char *slurp(const char *base, const char *ext, char *buf, size_t size)
{
	char path[200];
	FILE *f;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s%s", base, ext);
	f = fopen(path, "re");
	if (f) {
		n = fread(buf, 1, size - 1, f);
		fclose(f);
	}
	buf[n] = 0;
	return buf;
}

static void cli_setup(struct __test_metadata *_metadata, FIXTURE_DATA(ev) *self,
		      const char *how, const char *obj)
{
	if (access(MB, X_OK))
		SKIP(return, "%s not built", MB);
	snprintf(self->dir, sizeof(self->dir), "/sys/fs/bpf/mbtest_ev_%d", getpid());
	snprintf(self->out, sizeof(self->out), "/tmp/mbtest_ev.%d", getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	ASSERT_EQ(0, test_sh("%s prog %s %s/progs/%s.bpf.o %s/prog autoattach pinmaps %s/maps",
			    MB, how, MB_BUILD_DIR, obj, self->dir, self->dir));
}

static char pat[64];

static const char *fmt_pid(const char *f, pid_t p)
{
	snprintf(pat, sizeof(pat), f, (int)p);
	return pat;
}

/* `-j map event_pipe MAP --type event` while three execs run: each exec's
 * pid in a formatted record, one JSON object per line. */
static void json_pipe(struct __test_metadata *_metadata, FIXTURE_DATA(ev) *self,
		      const char *map, char *out, size_t olen, char *err, size_t elen)
{
	pid_t p = pipe_start(self, "-j", map, "--type event"), kids[3];
	int i;

	ASSERT_EQ(0, pipe_stop(p, kids));
	slurp(self->out, ".out", out, olen);
	slurp(self->out, ".err", err, elen);
	for (i = 0; i < 3; i++) {
		pid_t k = kids[i];

		EXPECT_NE(NULL, strstr(out, fmt_pid("\"formatted\":{\"pid\":%d,", k)))
			TH_LOG("pid %d not in %.400s", k, out);
	}
}

TEST_F(ev, cli_execsnoop_ringbuf)
{
	/* on the heap: a 4 MB .bss is out of reach of aarch64's tiny code model
	 * (make static ARCH=aarch64 builds the library the guest tests link so) */
	size_t outsz = 1 << 22;
	char *out = malloc(outsz), err[512];
	char map[200];
	pid_t p, kids[3];

	ASSERT_NE(NULL, out);
	cli_setup(_metadata, self, "load", "execsnoop");
	snprintf(map, sizeof(map), "%s/maps/events", self->dir);
	/* -j --type: one object per line, fields by name (BTF from the kernel) */
	json_pipe(_metadata, self, map, out, outsz, err, sizeof(err));
	EXPECT_NE(NULL, strstr(out, "\"filename\":\"/bin/true\"}}\n"));
	EXPECT_NE(NULL, strstr(err, " records, 0 lost")) TH_LOG("%s", err);
	/* text, typed through the object file's BTF */
	p = pipe_start(self, "", map, "--type event --obj " MB_BUILD_DIR "/progs/execsnoop.bpf.o");
	ASSERT_EQ(0, pipe_stop(p, kids));
	slurp(self->out, ".out", out, outsz);
	EXPECT_NE(NULL, strstr(out, fmt_pid("\"pid\": %d,", kids[2]))) TH_LOG("%.400s", out);
	EXPECT_NE(NULL, strstr(out, "\"filename\": \"/bin/true\""));
	/* untyped: hex, the pid little- or big-endian in the first 4 bytes */
	p = pipe_start(self, "", map, "");
	ASSERT_EQ(0, pipe_stop(p, kids));
	slurp(self->out, ".out", out, outsz);
	{
		uint32_t pid = (uint32_t)kids[0];
		unsigned char *b = (unsigned char *)&pid;
		char hex[16];

		snprintf(hex, sizeof(hex), "%02x %02x %02x %02x", b[0], b[1], b[2], b[3]);
		EXPECT_NE(NULL, strstr(out, hex)) TH_LOG("%s not in %.300s", hex, out);
	}
	/* "/bin/true" in hex */
	EXPECT_NE(NULL, strstr(out, "2f 62 69 6e 2f 74 72 75 65 00"));
	free(out);
}

TEST_F(ev, cli_perf_event_array)
{
	/* on the heap: a 4 MB .bss is out of reach of aarch64's tiny code model
	 * (make static ARCH=aarch64 builds the library the guest tests link so) */
	size_t outsz = 1 << 22;
	char *out = malloc(outsz), err[512];
	char map[200];
	pid_t p, kids[3];

	ASSERT_NE(NULL, out);
	cli_setup(_metadata, self, "loadall", "e2e_perfbuf");
	snprintf(map, sizeof(map), "%s/maps/events", self->dir);
	json_pipe(_metadata, self, map, out, outsz, err, sizeof(err));
	EXPECT_NE(NULL, strstr(out, "{\"type\":9,\"cpu\":"));
	EXPECT_NE(NULL, strstr(err, " records, 0 lost")) TH_LOG("%s", err);
	p = pipe_start(self, "", map, "");
	ASSERT_EQ(0, pipe_stop(p, kids));
	slurp(self->out, ".out", out, outsz);
	EXPECT_NE(NULL, strstr(out, "== CPU: ")) TH_LOG("%.300s", out);
	EXPECT_NE(NULL, strstr(out, "2f 62 69 6e 2f 74 72 75 65 00"));
	/* a ring buffer has no CPUs; a hash is neither */
	EXPECT_NE(0, test_sh("%s map event_pipe pinned %s cpu 0 >/dev/null 2>&1", MB, map));
	free(out);
}

/* Every syscall of _new failing in turn: NULL, and nothing left behind
 * (the fd and mapping counts of the process as before). */
static int fail_each(struct __test_metadata *_metadata, int map_fd, int perf)
{
	int fds0 = count_fds(), maps0 = count_kernel_maps(), n, made = 0;

	for (n = 1; !made && n < 64; n++) {
		struct mb_perfbuf *pb = NULL;
		struct mb_ringbuf *rb = NULL;

		mb_sys_fail_nth(n, EIO);
		if (perf)
			pb = mb_perfbuf_new(map_fd, 1, on_sample, on_lost, NULL);
		else
			rb = mb_ringbuf_new(map_fd, on_rb, NULL);
		mb_sys_fail_nth(0, 0);
		made = pb || rb;
		mb_perfbuf_free(pb);
		mb_ringbuf_free(rb);
		EXPECT_EQ(fds0, count_fds()) TH_LOG("syscall %d failing", n);
		EXPECT_EQ(maps0, count_kernel_maps()) TH_LOG("syscall %d failing", n);
	}
	EXPECT_TRUE(made);
	return n - 1;
}

TEST_F(ev, failed_ringbuf_setup_leaves_nothing)
{
	ASSERT_EQ(0, load(_metadata, self, "e2e_ringbuf", "rb2_getpgid"));
	/* info, epoll_create, 2 mmaps, epoll_ctl: the 6th call succeeds */
	EXPECT_EQ(6, fail_each(_metadata, mb_map_fd(mb_object_map_by_name(self->obj, "rb2")), 0));
}

TEST_F(ev, failed_perfbuf_setup_leaves_nothing)
{
	ASSERT_EQ(0, load(_metadata, self, "e2e_perfbuf", "perf_getppid"));
	EXPECT_LT(5, fail_each(_metadata, mb_map_fd(mb_object_map_by_name(self->obj, "events")), 1));
}

TEST_HARNESS_MAIN
