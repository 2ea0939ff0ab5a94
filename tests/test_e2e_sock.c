// End to end, cgroups and sockets: progs/e2e_sock.bpf.c through the public
// API. Each cgroup program is attached to a test cgroup; a child moved into
// it does the socket calls, so only the child's sockets meet the programs.
#include <poll.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "test_e2e.h"

#define OBJ E2E_OBJ("e2e_sock")
#define VIRT_PORT 4
enum { CFG_PORT, CFG_NO_BIND, CFG_NO_POSTBIND };
enum { H_SKB_IN, H_SKB_OUT, H_CONNECT4, H_CONNECT6, H_BIND4, H_SENDMSG4, H_RECVMSG4,
       H_PEER4, H_SOCK_CREATE, H_POST_BIND4, H_PARSER, H_VERDICT, H_MSG };

FIXTURE(cg) {
	char dir[300];
	int fd;
	struct mb_object *obj;
	struct mb_link *l[4];
};

FIXTURE_SETUP(cg)
{
	char root[200];

	memset(self, 0, sizeof(*self));
	self->fd = -1;
	if (e2e_cgroup2_root(root, sizeof(root)))
		SKIP(return, "no cgroup2 mount in /proc/self/mountinfo");
	snprintf(self->dir, sizeof(self->dir), "%s/mbe2e_%d", root, getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0755)) TH_LOG("%s: %s", self->dir, strerror(errno));
	self->fd = open(self->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(cg)
{
	for (int i = 0; i < 4; i++)
		mb_link_destroy(self->l[i]);
	mb_object_close(self->obj);
	if (self->fd >= 0)
		close(self->fd);
	if (self->dir[0])
		rmdir(self->dir);
}

static int set_cfg(struct mb_object *obj, uint32_t k, uint32_t v)
{
	return mb_map_update_elem(mb_object_map_by_name(obj, "cfg"), &k, sizeof(k), &v, sizeof(v), 0);
}

/* Load only ONLY and attach each of its programs to the test cgroup. */
static int load_attach(FIXTURE_DATA(cg) *self, const char *only)
{
	int i, n = 0;

	self->obj = e2e_open(OBJ, only);
	if (!self->obj || mb_object_load(self->obj))
		return -1;
	for (i = 0; i < mb_object_prog_count(self->obj) && n < 4; i++) {
		struct mb_prog *p = mb_object_prog(self->obj, i);
		struct mb_attach_opts o = { .sz = sizeof(o), .target_fd = self->fd };

		if (mb_prog_fd(p) < 0)
			continue;
		self->l[n] = mb_prog_attach_opts(p, &o);
		if (!self->l[n++])
			return -1;
	}
	return 0;
}

#define HITS(slot) e2e_count(self->obj, "hits", slot)

static struct sockaddr_in lo4(int port)
{
	return (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
}

static int bound(int type, int port, int *out_port)
{
	struct sockaddr_in sin = lo4(port);
	socklen_t len = sizeof(sin);
	int s = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&sin, sizeof(sin)) ||
	    (type == SOCK_STREAM && listen(s, 8)) || getsockname(s, (struct sockaddr *)&sin, &len)) {
		if (s >= 0)
			close(s);
		return -1;
	}
	if (out_port)
		*out_port = ntohs(sin.sin_port);
	return s;
}

/* ---- child bodies: 0 when everything went as ARG says ---------------------- */

static int udp_loop(void *arg)
{
	int port, s = bound(SOCK_DGRAM, 0, &port), i, got = 0;
	struct sockaddr_in to = lo4(0);
	char b[8];

	(void)arg;
	if (s < 0)
		return 10;
	to.sin_port = htons((uint16_t)port);
	for (i = 0; i < 3; i++)
		if (sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) != 1)
			return 11;
	for (i = 0; i < 3; i++) {
		struct pollfd p = { .fd = s, .events = POLLIN };

		if (poll(&p, 1, 500) == 1 && recv(s, b, sizeof(b), 0) == 1)
			got++;
	}
	return got == 3 ? 0 : 12;
}

/* arg: the expected peer port after connecting to VIRT_PORT. */
static int tcp_virt(void *arg)
{
	struct sockaddr_in to = lo4(VIRT_PORT), peer;
	socklen_t len = sizeof(peer);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (connect(s, (struct sockaddr *)&to, sizeof(to)))
		return 20;
	if (getpeername(s, (struct sockaddr *)&peer, &len))
		return 21;
	return ntohs(peer.sin_port) == *(int *)arg ? 0 : 22;
}

static int tcp_direct(void *arg)
{
	struct sockaddr_in to = lo4(*(int *)arg);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	return connect(s, (struct sockaddr *)&to, sizeof(to)) ? 25 : 0;
}

static int tcp6_virt(void *arg)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(VIRT_PORT),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

	(void)arg;
	return connect(s, (struct sockaddr *)&to, sizeof(to)) ? 30 : 0;
}

/* arg: {server fd, expected source port of the reply}. */
static int udp_virt(void *arg)
{
	int *a = arg, c = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in to = lo4(VIRT_PORT), from;
	socklen_t len = sizeof(from);
	char b[8];

	if (sendto(c, "q", 1, 0, (struct sockaddr *)&to, sizeof(to)) != 1)
		return 40;
	/* the server (not in the cgroup) got it and answers */
	if (recvfrom(a[0], b, sizeof(b), 0, (struct sockaddr *)&from, &len) != 1)
		return 41;
	if (sendto(a[0], "r", 1, 0, (struct sockaddr *)&from, len) != 1)
		return 42;
	len = sizeof(from);
	if (recvfrom(c, b, sizeof(b), 0, (struct sockaddr *)&from, &len) != 1 || b[0] != 'r')
		return 43;
	return ntohs(from.sin_port) == a[1] ? 0 : 44;
}

/* arg: a port; binding to it must fail with EPERM, to port 0 must work. */
static int bind_refused(void *arg)
{
	int p = *(int *)arg, s;

	if (bound(SOCK_DGRAM, 0, NULL) < 0)
		return 50;
	s = bound(SOCK_DGRAM, p, NULL);
	return s < 0 && errno == EPERM ? 0 : 51;
}

static int no_udp6(void *arg)
{
	(void)arg;
	if (socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0) < 0)
		return 60;
	if (socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0) < 0)
		return 61;
	return socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0) < 0 && errno == EPERM ? 0 : 62;
}

/* ---- tests -------------------------------------------------------------------- */

TEST_F(cg, cgroup_skb_counts_child_packets)
{
	ASSERT_EQ(0, load_attach(self, "skb_in,skb_out")) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, udp_loop, NULL));
	EXPECT_EQ(3, HITS(H_SKB_OUT));
	EXPECT_EQ(3, HITS(H_SKB_IN));
	/* our own traffic, outside the cgroup, is not seen */
	EXPECT_EQ(0, udp_loop(NULL));
	EXPECT_EQ(3, HITS(H_SKB_OUT));
}

TEST_F(cg, connect4_rewrites_and_getpeername4_hides_it)
{
	int port, srv = bound(SOCK_STREAM, 0, &port), virt = VIRT_PORT;

	ASSERT_LE(0, srv);
	ASSERT_EQ(0, load_attach(self, "connect4_rewrite")) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, set_cfg(self->obj, CFG_PORT, (uint32_t)port));
	/* outside the cgroup nothing listens at VIRT_PORT */
	EXPECT_NE(0, tcp_virt(&port));
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, tcp_virt, &port));
	EXPECT_EQ(1, HITS(H_CONNECT4));
	/* getpeername4 reports the address the child asked for */
	self->l[1] = mb_prog_attach_opts(mb_object_prog_by_name(self->obj, "getpeername4_rewrite"),
					 &(struct mb_attach_opts){ .sz = sizeof(struct mb_attach_opts),
								   .target_fd = self->fd });
	EXPECT_EQ(NULL, self->l[1]);    /* not loaded: autoload was off */
	mb_link_destroy(self->l[0]);
	self->l[0] = NULL;
	mb_object_close(self->obj);
	self->obj = NULL;
	ASSERT_EQ(0, load_attach(self, "connect4_rewrite,getpeername4_rewrite"))
		TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, set_cfg(self->obj, CFG_PORT, (uint32_t)port));
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, tcp_virt, &virt));
	EXPECT_EQ(1, HITS(H_PEER4));
	close(srv);
}

TEST_F(cg, connect6_rewrites)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof(sin6);
	int srv = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT_LE(0, srv);
	if (bind(srv, (struct sockaddr *)&sin6, sizeof(sin6)))
		SKIP(close(srv); return, "no IPv6 loopback: %s", strerror(errno));
	ASSERT_EQ(0, listen(srv, 4));
	ASSERT_EQ(0, getsockname(srv, (struct sockaddr *)&sin6, &len));
	ASSERT_EQ(0, load_attach(self, "connect6_rewrite")) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, set_cfg(self->obj, CFG_PORT, ntohs(sin6.sin6_port)));
	EXPECT_NE(0, tcp6_virt(NULL));
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, tcp6_virt, NULL));
	EXPECT_EQ(1, HITS(H_CONNECT6));
	close(srv);
}

TEST_F(cg, sendmsg4_and_recvmsg4_rewrite)
{
	int a[2], b[2] = { -1, VIRT_PORT };

	a[0] = bound(SOCK_DGRAM, 0, &a[1]);
	ASSERT_LE(0, a[0]);
	ASSERT_EQ(0, load_attach(self, "sendmsg4_rewrite")) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, set_cfg(self->obj, CFG_PORT, (uint32_t)a[1]));
	/* the reply comes from the real port ... */
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, udp_virt, a));
	EXPECT_EQ(1, HITS(H_SENDMSG4));
	mb_link_destroy(self->l[0]);
	self->l[0] = NULL;
	mb_object_close(self->obj);
	self->obj = NULL;
	/* ... unless recvmsg4 makes it look like VIRT_PORT answered */
	ASSERT_EQ(0, load_attach(self, "sendmsg4_rewrite,recvmsg4_rewrite"))
		TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, set_cfg(self->obj, CFG_PORT, (uint32_t)a[1]));
	b[0] = a[0];
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, udp_virt, b));
	EXPECT_EQ(1, HITS(H_RECVMSG4));
	close(a[0]);
}

TEST_F(cg, bind4_and_post_bind4_refuse)
{
	int p1, p2, s1 = bound(SOCK_DGRAM, 0, &p1), s2 = bound(SOCK_DGRAM, 0, &p2);

	/* two free ports: learn them, then free them again */
	ASSERT_LE(0, s1);
	ASSERT_LE(0, s2);
	close(s1);
	close(s2);
	ASSERT_EQ(0, load_attach(self, "bind4_refuse,post_bind4_refuse"))
		TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, set_cfg(self->obj, CFG_NO_BIND, (uint32_t)p1));
	ASSERT_EQ(0, set_cfg(self->obj, CFG_NO_POSTBIND, (uint32_t)p2));
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, bind_refused, &p1));
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, bind_refused, &p2));
	EXPECT_LE(4, HITS(H_BIND4));
	EXPECT_LE(3, HITS(H_POST_BIND4));
}

TEST_F(cg, sock_create_refuses_udp6)
{
	ASSERT_EQ(0, load_attach(self, "sock_create_no6")) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, no_udp6, NULL));
	EXPECT_EQ(3, HITS(H_SOCK_CREATE));
	mb_link_destroy(self->l[0]);
	self->l[0] = NULL;
	EXPECT_EQ(62, e2e_in_cgroup(self->dir, no_udp6, NULL));
}

static uint64_t sockops_seen(struct mb_object *obj, uint32_t op)
{
	uint64_t v = 0;

	mb_map_lookup_elem(mb_object_map_by_name(obj, "sockops_seen"), &op, sizeof(op), &v, sizeof(v), 0);
	return v;
}

TEST_F(cg, sockops_sees_loopback_connection)
{
	int port, srv = bound(SOCK_STREAM, 0, &port);

	ASSERT_LE(0, srv);
	ASSERT_EQ(0, load_attach(self, "sockops_count")) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(0, e2e_in_cgroup(self->dir, tcp_direct, &port));
	EXPECT_EQ(1, sockops_seen(self->obj, 3));       /* BPF_SOCK_OPS_TCP_CONNECT_CB */
	EXPECT_EQ(1, sockops_seen(self->obj, 4));       /* BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB */
	/* the listener is not in the cgroup: no passive side */
	EXPECT_EQ(0, sockops_seen(self->obj, 5));
	close(srv);
}

TEST(sockmap_sk_skb_and_sk_msg)
{
	struct sockaddr_in sin = lo4(0);
	socklen_t len = sizeof(sin);
	struct mb_object *obj;
	struct mb_link *l[3] = { 0 };
	static const char *const names[] = { "sk_parser", "sk_verdict", "msg_verdict" };
	int lfd, cli, srv, i;
	uint32_t k0 = 0, k1 = 1;
	char buf[16];
	struct pollfd p;

	obj = e2e_open(OBJ, "sk_parser,sk_verdict,msg_verdict");
	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	for (i = 0; i < 3; i++) {
		struct mb_attach_opts o = { .sz = sizeof(o),
			.target_fd = mb_map_fd(mb_object_map_by_name(obj, "sock_map")) };

		l[i] = mb_prog_attach_opts(mb_object_prog_by_name(obj, names[i]), &o);
		ASSERT_NE(NULL, l[i]) TH_LOG("%s: %s", names[i], mb_last_error());
	}
	lfd = bound(SOCK_STREAM, 0, NULL);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &len));
	cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_EQ(0, connect(cli, (struct sockaddr *)&sin, sizeof(sin)));
	srv = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, mb_map_update_elem(mb_object_map_by_name(obj, "sock_map"), &k0, sizeof(k0),
					&cli, sizeof(cli), 0))
		TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, mb_map_update_elem(mb_object_map_by_name(obj, "sock_map"), &k1, sizeof(k1),
					&srv, sizeof(srv), 0))
		TH_LOG("%s", mb_last_error());
	ASSERT_EQ(5, send(cli, "hello", 5, 0));
	p = (struct pollfd){ .fd = srv, .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 1000));
	ASSERT_EQ(5, recv(srv, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_EQ(1, e2e_count(obj, "hits", H_MSG));       /* the send */
	EXPECT_LE(1, e2e_count(obj, "hits", H_PARSER));    /* the receive */
	EXPECT_EQ(1, e2e_count(obj, "hits", H_VERDICT));
	for (i = 0; i < 3; i++)
		mb_link_destroy(l[i]);
	close(cli);
	close(srv);
	close(lfd);
	mb_object_close(obj);
}

TEST_HARNESS_MAIN
