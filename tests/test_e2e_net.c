// End to end, packets: progs/e2e_net.bpf.c loaded and attached through the
// public API. Two network namespaces joined by a veth pair; B sends UDP to A,
// and each program drops (or truncates) what it is given.
#include <poll.h>
#include <time.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include "kselftest_harness.h"
#include "test_e2e.h"
#include "syscall/bpf_sys.h"

#define OBJ E2E_OBJ("e2e_net")
enum { H_XDP, H_TC, H_CLS, H_TCX_IN, H_TCX_OUT, H_SOCK, H_FLOW, H_REUSE, H_PERF, H_FRAGS };

#define IP_A "10.232.0.1"
#define IP_B "10.232.0.2"

FIXTURE(net) {
	struct e2e_veth v;
	struct mb_object *obj;
	struct mb_link *l;
};

FIXTURE_SETUP(net)
{
	ASSERT_EQ(0, e2e_veth_up(&self->v, "mbe2e", IP_A, IP_B, 1));
}

FIXTURE_TEARDOWN(net)
{
	mb_link_destroy(self->l);
	mb_object_close(self->obj);
	e2e_veth_down(&self->v);
}

static int load_set_port(struct mb_object *obj, int port)
{
	size_t sz;
	uint16_t *p = mb_object_global(obj, "drop_port", &sz);

	if (!p || sz != 2)
		return -1;
	*p = (uint16_t)port;
	return mb_object_load(obj);
}

static struct mb_prog *prog(FIXTURE_DATA(net) *self, const char *name)
{
	return mb_object_prog_by_name(self->obj, name);
}

#define OPEN(only) do { \
	self->obj = e2e_open(OBJ, only); \
	ASSERT_NE(NULL, self->obj) TH_LOG("%s", mb_last_error()); \
	ASSERT_EQ(0, load_set_port(self->obj, self->v.port)) TH_LOG("%s", mb_last_error()); \
} while (0)

#define HITS(slot) e2e_count(self->obj, "hits", slot)

TEST_F(net, xdp_drops_on_veth)
{
	OPEN("xdp_drop");
	/* "xdp" does not name an interface */
	EXPECT_EQ(NULL, mb_prog_attach(prog(self, "xdp_drop")));
	EXPECT_NE(NULL, strstr(mb_last_error(), "network interface")) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(2, e2e_b_to_a(&self->v, 2, "ping", NULL, 0));
	self->l = mb_prog_attach_opts(prog(self, "xdp_drop"),
				      &(struct mb_attach_opts){ .sz = sizeof(struct mb_attach_opts),
								.ifindex = self->v.ifa });
	ASSERT_NE(NULL, self->l) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(0, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	EXPECT_EQ(3, HITS(H_XDP));
	mb_link_destroy(self->l);
	self->l = NULL;
	EXPECT_EQ(3, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	EXPECT_EQ(3, HITS(H_XDP));
}

TEST_F(net, xdp_frags_loads_with_flag_and_sees_packets)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	OPEN("xdp_frags");
	self->l = mb_prog_attach_opts(prog(self, "xdp_frags"),
				      &(struct mb_attach_opts){ .sz = sizeof(struct mb_attach_opts),
								.ifindex = self->v.ifa });
	ASSERT_NE(NULL, self->l) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(3, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	EXPECT_EQ(3, HITS(H_FRAGS));
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_prog_fd(prog(self, "xdp_frags")), &info, &len));
	EXPECT_EQ(BPF_PROG_TYPE_XDP, info.type);
}

TEST_F(net, tc_and_classifier_drop_ingress)
{
	static const char *const names[] = { "tc_drop", "cls_drop" };
	int i;

	OPEN("tc_drop,cls_drop");
	for (i = 0; i < 2; i++) {
		self->l = mb_prog_attach_opts(prog(self, names[i]),
					      &(struct mb_attach_opts){ .sz = sizeof(struct mb_attach_opts),
									.ifindex = self->v.ifa });
		ASSERT_NE(NULL, self->l) TH_LOG("%s: %s", names[i], mb_last_error());
		EXPECT_EQ(0, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
		EXPECT_EQ(3, HITS(H_TC + i));
		mb_link_destroy(self->l);
		self->l = NULL;
		EXPECT_EQ(2, e2e_b_to_a(&self->v, 2, "ping", NULL, 0));
	}
}

TEST_F(net, tcx_ingress_and_egress)
{
	OPEN("tcx_in,tcx_out");
	self->l = mb_prog_attach_opts(prog(self, "tcx_in"),
				      &(struct mb_attach_opts){ .sz = sizeof(struct mb_attach_opts),
								.ifindex = self->v.ifa });
	ASSERT_NE(NULL, self->l) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(0, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	EXPECT_EQ(3, HITS(H_TCX_IN));
	mb_link_destroy(self->l);
	self->l = NULL;
	/* egress of veth1, in B: ifindexes belong to the caller's namespace */
	ASSERT_EQ(0, e2e_enter_ns(self->v.b));
	self->l = mb_prog_attach_opts(prog(self, "tcx_out"),
				      &(struct mb_attach_opts){ .sz = sizeof(struct mb_attach_opts),
								.ifindex = self->v.ifb });
	ASSERT_EQ(0, e2e_enter_ns(self->v.a));
	ASSERT_NE(NULL, self->l) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(0, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
	EXPECT_EQ(3, HITS(H_TCX_OUT));
	mb_link_destroy(self->l);
	self->l = NULL;
	EXPECT_EQ(3, e2e_b_to_a(&self->v, 3, "ping", NULL, 0));
}

TEST_F(net, socket_filter_truncates_and_drops)
{
	char last[64] = "";

	OPEN("sock_trunc");
	self->l = mb_prog_attach_opts(prog(self, "sock_trunc"),
				      &(struct mb_attach_opts){ .sz = sizeof(struct mb_attach_opts),
								.target_fd = self->v.sa });
	ASSERT_NE(NULL, self->l) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(1, e2e_b_to_a(&self->v, 1, "ping", last, sizeof(last)));
	EXPECT_STREQ("pi", last);
	EXPECT_EQ(0, e2e_b_to_a(&self->v, 2, "drop", NULL, 0));
	EXPECT_EQ(3, HITS(H_SOCK));
	mb_link_destroy(self->l);
	self->l = NULL;
	EXPECT_EQ(1, e2e_b_to_a(&self->v, 1, "drop", last, sizeof(last)));
	EXPECT_STREQ("drop", last);
}

TEST_F(net, flow_dissector_rewrites_keys)
{
	struct {
		struct ethhdr eth;
		struct iphdr ip;
		struct udphdr udp;
		char payload[8];
	} __attribute__((packed)) pkt = {
		.eth = { .h_proto = htons(ETH_P_IP) },
		.ip = { .version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_UDP,
			.tot_len = htons(sizeof(pkt) - sizeof(struct ethhdr)),
			.saddr = htonl(0x0a000001), .daddr = htonl(0x0a000002) },
		.udp = { .source = htons(1000), .dest = htons(53), .len = htons(16) },
	};
	struct bpf_flow_keys keys;
	uint32_t ksz = sizeof(keys), ret = 99, ids[2], cnt = 2;
	int fd, ns;

	OPEN("flow_dissect");
	fd = mb_prog_fd(prog(self, "flow_dissect"));
	memset(&keys, 0, sizeof(keys));
	ASSERT_EQ(0, mb_sys_prog_test_run(fd, &pkt, sizeof(pkt), &keys, &ksz, NULL, 0, NULL, NULL,
					  1, 0, &ret, NULL));
	EXPECT_EQ(0, ret);      /* BPF_OK */
	EXPECT_EQ(IPPROTO_UDP, keys.ip_proto);
	EXPECT_EQ(htons(1000), keys.sport);
	EXPECT_EQ(htons(4242), keys.dport);     /* what the program decided */
	EXPECT_EQ(sizeof(struct ethhdr) + sizeof(struct iphdr), keys.thoff);
	/* attached to this (A's) namespace, it dissects what RPS hashes */
	self->l = mb_prog_attach(prog(self, "flow_dissect"));
	ASSERT_NE(NULL, self->l) TH_LOG("%s", mb_last_error());
	ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ns);
	ASSERT_EQ(0, mb_sys_prog_query(ns, BPF_FLOW_DISSECTOR, 0, NULL, ids, &cnt));
	EXPECT_EQ(1, cnt);
	ASSERT_EQ(0, test_sh("ip netns exec %s sh -c 'echo 1 > /sys/class/net/veth0/queues/rx-0/rps_cpus'",
			    self->v.a));
	EXPECT_EQ(2, e2e_b_to_a(&self->v, 2, "ping", NULL, 0));
	EXPECT_LE(2 + 1, HITS(H_FLOW));
	mb_link_destroy(self->l);
	self->l = NULL;
	cnt = 2;
	ASSERT_EQ(0, mb_sys_prog_query(ns, BPF_FLOW_DISSECTOR, 0, NULL, ids, &cnt));
	EXPECT_EQ(0, cnt);
	close(ns);
}

TEST_F(net, sk_reuseport_picks_second_socket)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int s[2] = { -1, -1 }, one = 1, i, got[2] = { 0, 0 };
	char buf[8];

	OPEN("reuse_pick");
	for (i = 0; i < 2; i++) {
		uint32_t k = (uint32_t)i;
		uint64_t v;

		s[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		ASSERT_LE(0, s[i]);
		ASSERT_EQ(0, setsockopt(s[i], SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)));
		ASSERT_EQ(0, bind(s[i], (struct sockaddr *)&sin, sizeof(sin)));
		if (i == 0)
			ASSERT_EQ(0, getsockname(s[0], (struct sockaddr *)&sin, &len));
		v = (uint64_t)s[i];
		ASSERT_EQ(0, mb_map_update_elem(mb_object_map_by_name(self->obj, "reuse_socks"),
						&k, sizeof(k), &v, sizeof(v), 0))
			TH_LOG("%s", mb_last_error());
	}
	self->l = mb_prog_attach_opts(prog(self, "reuse_pick"),
				      &(struct mb_attach_opts){ .sz = sizeof(struct mb_attach_opts),
								.target_fd = s[0] });
	ASSERT_NE(NULL, self->l) TH_LOG("%s", mb_last_error());
	/* fresh source ports: the hash alone would spread them */
	for (i = 0; i < 8; i++) {
		int c = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		ASSERT_LE(0, c);
		sendto(c, "x", 1, 0, (struct sockaddr *)&sin, sizeof(sin));
		close(c);
	}
	for (i = 0; i < 2; i++) {
		struct pollfd p = { .fd = s[i], .events = POLLIN };

		while (poll(&p, 1, 200) > 0 && recv(s[i], buf, sizeof(buf), MSG_DONTWAIT) > 0)
			got[i]++;
	}
	EXPECT_EQ(0, got[0]);
	EXPECT_EQ(8, got[1]);
	EXPECT_EQ(8, HITS(H_REUSE));
	close(s[0]);
	close(s[1]);
}

TEST_F(net, perf_event_counts_samples)
{
	struct timespec t0, t;
	uint64_t n;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	OPEN("perf_count");
	self->l = mb_prog_attach_opts(prog(self, "perf_count"),
				      &(struct mb_attach_opts){ .sz = sizeof(struct mb_attach_opts),
								.sample_period = 100000 });
	ASSERT_NE(NULL, self->l) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(ncpu, mb_link_count(self->l));
	/* 200 ms of work on this CPU: at least a few 0.1 ms cpu-clock samples */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec - t0.tv_nsec < 200000000L);
	n = HITS(H_PERF);
	EXPECT_LE(10, n);
	mb_link_destroy(self->l);
	self->l = NULL;
	usleep(100000);
	n = HITS(H_PERF);
	usleep(100000);
	EXPECT_EQ(n, HITS(H_PERF));
}

TEST_HARNESS_MAIN
