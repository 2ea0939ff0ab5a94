// End to end through the minibpf tool: the seed example verbatim, loadall
// autoattach, and the commands for targets a SEC() name cannot give (net,
// cgroup, prog attach). Each attachment must outlive the command that made
// it: the test checks the effect after minibpf has exited.
#include <poll.h>
#include <signal.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "test_e2e.h"
#include "syscall/bpf_sys.h"

#define MB MB_BUILD_DIR "/minibpf"

static unsigned json_u(const char *s, const char *key)
{
	char k[64];
	const char *p;
	unsigned v = 0;

	snprintf(k, sizeof(k), "\"%s\":", key);
	p = strstr(s, k);
	if (p)
		sscanf(p + strlen(k), "%u", &v);
	return v;
}

static uint64_t pinned_count(const char *map, uint32_t key)
{
	int fd = mb_sys_obj_get(map, 0);
	uint64_t v = 0;

	if (fd < 0)
		return (uint64_t)-1;
	if (mb_sys_map_lookup(fd, &key, &v, 0))
		v = (uint64_t)-1;
	close(fd);
	return v;
}

static void exec_true(int n)
{
	while (n-- > 0) {
		pid_t c = fork();

		if (c == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (c > 0)
			waitpid(c, NULL, 0);
	}
}

FIXTURE(cli) {
	char dir[128];          /* bpffs pins */
	char cg[300];           /* cgroup, if made */
	char nsa[32], nsb[32];  /* netns, if made */
	char tl[128];           /* tracelog output */
};

FIXTURE_SETUP(cli)
{
	memset(self, 0, sizeof(*self));
	if (access(MB, X_OK))
		SKIP(return, "%s not built", MB);
	snprintf(self->dir, sizeof(self->dir), "/sys/fs/bpf/mbe2e_%d", getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0700)) TH_LOG("%s: %s", self->dir, strerror(errno));
}

FIXTURE_TEARDOWN(cli)
{
	if (self->nsa[0])
		test_sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null", self->nsa, self->nsb);
	if (self->dir[0])
		test_sh("rm -rf %s", self->dir);
	if (self->cg[0])
		rmdir(self->cg);
	if (self->tl[0])
		unlink(self->tl);
}

/* The seed example: load + autoattach + pin, see the trace, rm the pin. */
TEST_F(cli, seed_hello_world)
{
	char out[4096], pin[160];
	unsigned prog_id, link_id;
	int i, gone = 0, st;
	pid_t tl;
	FILE *f;
	size_t n;

	snprintf(pin, sizeof(pin), "%s/bpf_program", self->dir);
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " prog load " MB_BUILD_DIR "/progs/hello.bpf.o %s autoattach",
			 pin)) TH_LOG("%s", out);
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " -j link show pinned %s", pin)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"tracepoint\":\"sys_enter_execve\"")) TH_LOG("%s", out);
	prog_id = json_u(out, "prog_id");
	link_id = json_u(out, "id");
	ASSERT_NE(0, prog_id);
	/* tracelog streams until interrupted; trace_pipe is shared with anyone
	 * else reading it, so exec a few times while it runs */
	snprintf(self->tl, sizeof(self->tl), "/tmp/mbe2e_tl.%d", getpid());
	tl = fork();
	if (tl == 0) {
		int fd = open(self->tl, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execl(MB, MB, "prog", "tracelog", (char *)NULL);
		_exit(127);
	}
	ASSERT_LT(0, tl);
	for (i = 0; i < 10; i++) {
		usleep(150000);
		exec_true(1);
	}
	usleep(500000);
	/* interrupted, it stops cleanly */
	kill(tl, SIGINT);
	ASSERT_EQ(tl, waitpid(tl, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("status %#x", st);
	f = fopen(self->tl, "re");
	ASSERT_NE(NULL, f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	fclose(f);
	EXPECT_NE(NULL, strstr(out, "Hello, World!")) TH_LOG("tracelog printed: %.300s", out);
	/* rm detaches and unloads */
	ASSERT_EQ(0, unlink(pin));
	for (i = 0; i < 40 && !gone; i++) {
		usleep(50000);
		gone = e2e_run(NULL, 0, MB " prog show id %u", prog_id) != 0;
	}
	EXPECT_TRUE(gone) TH_LOG("prog %u still loaded after rm", prog_id);
	EXPECT_NE(0, e2e_run(NULL, 0, MB " link show id %u", link_id));
}

/* loadall autoattach: one pinned link per program, every one firing. */
TEST_F(cli, loadall_autoattach_links)
{
	static const char *const progs[] = { "count_exec", "tp_getppid", "raw_enter", "raw_exit",
					     "up_getppid", "uret_getppid" };
	char out[4096], d[200], maps[200], p[300];
	pid_t (*volatile fn)(void) = getppid;
	uint64_t before[5];
	unsigned i;

	snprintf(d, sizeof(d), "%s/trace", self->dir);
	snprintf(maps, sizeof(maps), "%s/maps", self->dir);
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " prog loadall " MB_BUILD_DIR
			 "/progs/e2e_trace.bpf.o %s autoattach pinmaps %s", d, maps)) TH_LOG("%s", out);
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " -j link show pinned %s/%s", d, progs[i]))
			TH_LOG("%s: %s", progs[i], out);
		EXPECT_NE(0, json_u(out, "prog_id"));
	}
	snprintf(p, sizeof(p), "%s/hits", maps);
	for (i = 0; i < 5; i++)
		before[i] = pinned_count(p, i);
	fn();
	{
		pid_t c = fork();
		uint32_t k;
		uint64_t v = 0;
		int fd;

		if (c == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		ASSERT_LT(0, c);
		waitpid(c, NULL, 0);
		snprintf(p, sizeof(p), "%s/execs", maps);
		fd = mb_sys_obj_get(p, 0);
		ASSERT_LE(3, fd);
		k = (uint32_t)c;
		EXPECT_EQ(0, mb_sys_map_lookup(fd, &k, &v, 0));
		EXPECT_EQ(1, v);
		close(fd);
	}
	snprintf(p, sizeof(p), "%s/hits", maps);
	for (i = 0; i < 5; i++)
		EXPECT_LT(before[i], pinned_count(p, i)) TH_LOG("hits[%u] did not rise", i);
	/* removing the pins detaches every program */
	ASSERT_EQ(0, test_sh("rm -r %s", d));
	usleep(200000);
	for (i = 0; i < 5; i++)
		before[i] = pinned_count(p, i);
	fn();
	EXPECT_EQ(before[0], pinned_count(p, 0));
	EXPECT_EQ(before[3], pinned_count(p, 3));
}

/* A failing loadall leaves no pin and no directory behind. */
TEST_F(cli, loadall_failure_leaves_nothing)
{
	char out[4096], d[200];

	snprintf(d, sizeof(d), "%s/kp", self->dir);
	EXPECT_NE(0, e2e_run(out, sizeof(out), MB " prog loadall " MB_BUILD_DIR
			 "/progs/e2e_kprobe.bpf.o %s autoattach", d));
	/* kprobes: a note and the program pinned (when the kernel has none);
	 * the missing tracepoint: an error naming where to look */
	EXPECT_NE(NULL, strstr(out, "events/mb_nosuch/")) TH_LOG("%s", out);
	EXPECT_NE(0, access(d, F_OK));
}

/* perf_event has one link per CPU: loadall autoattach pins the program. */
TEST_F(cli, loadall_autoattach_perf_event)
{
	char out[4096], p[200];

	/* flow_dissector attaches to the caller's netns: keep it in a fresh one */
	if (unshare(CLONE_NEWNET))
		SKIP(return, "unshare(CLONE_NEWNET): %s", strerror(errno));
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " prog loadall " MB_BUILD_DIR
			 "/progs/e2e_net.bpf.o %s/net autoattach", self->dir)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "perf_count")) TH_LOG("%s", out);
	snprintf(p, sizeof(p), "%s/net/perf_count", self->dir);
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " -j prog show pinned %s", p)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"type\":\"perf_event\"")) TH_LOG("%s", out);
	/* the one program whose attachment needs no target made a link */
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " -j link show pinned %s/net/flow_dissect", self->dir))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "flow_dissector")) TH_LOG("%s", out);
}

#define IP_A "10.233.0.1"
#define IP_B "10.233.0.2"

/* B sends n datagrams to A:port; how many arrive. */
static int b_to_a(int sb, int sa, int port, int n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	char buf[16];
	int i, got = 0;

	inet_pton(AF_INET, IP_A, &to.sin_addr);
	for (i = 0; i < n; i++)
		sendto(sb, "ping", 4, 0, (struct sockaddr *)&to, sizeof(to));
	for (;;) {
		struct pollfd p = { .fd = sa, .events = POLLIN };

		if (poll(&p, 1, 300) <= 0)
			break;
		if (recv(sa, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			got++;
	}
	return got;
}

/* net attach xdp / tcx_ingress outlive the command; net detach ends them. */
TEST_F(cli, net_attach_outlives_command)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	char out[4096], hits[200];
	int sa, sb, port, tries;

	snprintf(self->nsa, sizeof(self->nsa), "mbe2eca_%d", getpid());
	snprintf(self->nsb, sizeof(self->nsb), "mbe2ecb_%d", getpid());
	ASSERT_EQ(0, test_sh("ip netns add %s && ip netns add %s && "
			    "ip -n %s link add veth0 type veth peer name veth1 netns %s && "
			    "ip -n %s addr add " IP_A "/24 dev veth0 && ip -n %s link set veth0 up && "
			    "ip -n %s addr add " IP_B "/24 dev veth1 && ip -n %s link set veth1 up",
			    self->nsa, self->nsb, self->nsa, self->nsb, self->nsa, self->nsa,
			    self->nsb, self->nsb));
	ASSERT_EQ(0, e2e_enter_ns(self->nsb));
	sb = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_EQ(0, e2e_enter_ns(self->nsa));
	sa = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, IP_A, &sin.sin_addr);
	ASSERT_EQ(0, bind(sa, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, getsockname(sa, (struct sockaddr *)&sin, &len));
	port = ntohs(sin.sin_port);
	/* the veth pair's carrier comes up asynchronously (a busy machine sent
	 * the first datagrams into a link without carrier): wait for the path,
	 * ARP resolved, before anything is attached */
	for (tries = 0; tries < 20 && b_to_a(sb, sa, port, 3) != 3; tries++)
		;
	ASSERT_LT(tries, 20) TH_LOG("no path from B to A");
	/* the minibpf children run in this network namespace */
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " prog loadall " MB_BUILD_DIR
			 "/progs/e2e_net.bpf.o %s/net pinmaps %s/netmaps", self->dir, self->dir))
		TH_LOG("%s", out);
	snprintf(hits, sizeof(hits), "%s/netmaps/hits", self->dir);
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " net attach xdp pinned %s/net/xdp_drop dev veth0",
			 self->dir)) TH_LOG("%s", out);
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " net show dev veth0")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "xdp")) TH_LOG("%s", out);
	EXPECT_EQ(0, b_to_a(sb, sa, port, 3));
	EXPECT_EQ(3, pinned_count(hits, 0));
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " net detach xdp dev veth0")) TH_LOG("%s", out);
	EXPECT_EQ(3, b_to_a(sb, sa, port, 3));
	/* tcx: BPF_PROG_ATTACH, persistent like bpftool's */
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " net attach tcx_ingress pinned %s/net/tcx_in dev veth0",
			 self->dir)) TH_LOG("%s", out);
	EXPECT_EQ(0, b_to_a(sb, sa, port, 2));
	EXPECT_EQ(2, pinned_count(hits, 3));
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " net detach tcx_ingress dev veth0")) TH_LOG("%s", out);
	EXPECT_EQ(2, b_to_a(sb, sa, port, 2));
	/* a device that does not exist is named in the error */
	EXPECT_NE(0, e2e_run(out, sizeof(out), MB " net attach xdp pinned %s/net/xdp_drop dev mbnone0",
			 self->dir));
	EXPECT_NE(NULL, strstr(out, "mbnone0")) TH_LOG("%s", out);
	close(sa);
	close(sb);
}

static int udp_send3(void *arg)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), i;

	(void)arg;
	for (i = 0; i < 3; i++)
		if (sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) != 1)
			return 1;
	return 0;
}

/* cgroup attach outlives the command; prog attach ties sk_msg to a sockmap. */
TEST_F(cli, cgroup_and_sockmap_attach)
{
	char out[4096], root[200], hits[200], p[300];
	int i;

	if (e2e_cgroup2_root(root, sizeof(root)))
		SKIP(return, "no cgroup2 mount");
	snprintf(self->cg, sizeof(self->cg), "%s/mbe2ec_%d", root, getpid());
	ASSERT_EQ(0, mkdir(self->cg, 0755));
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " prog loadall " MB_BUILD_DIR
			 "/progs/e2e_sock.bpf.o %s/sock pinmaps %s/sockmaps", self->dir, self->dir))
		TH_LOG("%s", out);
	snprintf(hits, sizeof(hits), "%s/sockmaps/hits", self->dir);
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " cgroup attach %s egress pinned %s/sock/skb_out",
			 self->cg, self->dir)) TH_LOG("%s", out);
	EXPECT_EQ(0, e2e_in_cgroup(self->cg, udp_send3, NULL));
	EXPECT_EQ(3, pinned_count(hits, 1));
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " cgroup show %s", self->cg));
	EXPECT_NE(NULL, strstr(out, "skb_out")) TH_LOG("%s", out);
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " cgroup detach %s egress pinned %s/sock/skb_out",
			 self->cg, self->dir)) TH_LOG("%s", out);
	EXPECT_EQ(0, e2e_in_cgroup(self->cg, udp_send3, NULL));
	EXPECT_EQ(3, pinned_count(hits, 1));
	/* a missing cgroup is named */
	EXPECT_NE(0, e2e_run(out, sizeof(out), MB " cgroup attach %s/nope egress pinned %s/sock/skb_out",
			 self->cg, self->dir));
	EXPECT_NE(NULL, strstr(out, "nope")) TH_LOG("%s", out);

	/* prog attach PROG sk_msg_verdict MAP, then a loopback TCP pair in the map */
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " prog attach pinned %s/sock/msg_verdict sk_msg_verdict "
			 "pinned %s/sockmaps/sock_map", self->dir, self->dir)) TH_LOG("%s", out);
	{
		struct sockaddr_in sin = { .sin_family = AF_INET,
					   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t len = sizeof(sin);
		int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), c, s, mfd;
		uint32_t k0 = 0, k1 = 1;
		char buf[8];

		ASSERT_EQ(0, bind(l, (struct sockaddr *)&sin, sizeof(sin)));
		ASSERT_EQ(0, listen(l, 2));
		ASSERT_EQ(0, getsockname(l, (struct sockaddr *)&sin, &len));
		c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ASSERT_EQ(0, connect(c, (struct sockaddr *)&sin, sizeof(sin)));
		s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		ASSERT_LE(0, s);
		snprintf(p, sizeof(p), "%s/sockmaps/sock_map", self->dir);
		mfd = mb_sys_obj_get(p, 0);
		ASSERT_LE(3, mfd);
		ASSERT_EQ(0, mb_sys_map_update(mfd, &k0, &c, 0));
		ASSERT_EQ(0, mb_sys_map_update(mfd, &k1, &s, 0));
		for (i = 0; i < 2; i++)
			ASSERT_EQ(2, send(c, "hi", 2, 0));
		usleep(50000);
		EXPECT_EQ(4, recv(s, buf, sizeof(buf), MSG_DONTWAIT));
		EXPECT_EQ(2, pinned_count(hits, 12));   /* H_MSG */
		close(c);
		close(s);
		close(l);
		close(mfd);
	}
	ASSERT_EQ(0, e2e_run(out, sizeof(out), MB " prog detach pinned %s/sock/msg_verdict sk_msg_verdict "
			 "pinned %s/sockmaps/sock_map", self->dir, self->dir)) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
