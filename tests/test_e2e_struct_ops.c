// End to end, struct_ops: a TCP congestion control written in BPF
// (progs/st_ops_reno.bpf.c) registered through the public API and the CLI,
// then chosen with setsockopt(TCP_CONGESTION) on a loopback connection in a
// fresh network namespace (a child's, gone with it), where data flows and
// the program's counters show the kernel called it. Unregistered, the name
// is refused again (ENOENT).
#include <net/if.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include "kselftest_harness.h"
#include "test_e2e.h"
#include "lib_kernel.h"
#include "btf/btf.h"

#define OBJ E2E_OBJ("st_ops_reno")
#define OBJ_LINK E2E_OBJ("st_ops_reno_link")
#define CLI MB_BUILD_DIR "/minibpf"
#define AVAIL "/proc/sys/net/ipv4/tcp_available_congestion_control"
#define BYTES (4u << 20)

struct rt {
	int set_err;        /* setsockopt(TCP_CONGESTION): 0 or errno */
	char name[16];      /* getsockopt(TCP_CONGESTION) */
	long long moved;    /* bytes the server read */
	int step;           /* where the child failed, 0: nowhere */
};

static int lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	err = s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	err = err || ioctl(s, SIOCSIFFLAGS, &ifr);
	if (s >= 0)
		close(s);
	return err;
}

/* In the child's own netns: a connection over lo with congestion control
 * CC on the sender, BYTES sent through it. */
static void conn(const char *cc, struct rt *r)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	static char buf[65536];
	long long sent = 0;
	int ls, c, a;

	r->step = 1;
	if (unshare(CLONE_NEWNET) || lo_up())
		return;
	r->step = 2;
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0 || c < 0 || bind(ls, (struct sockaddr *)&sin, sizeof(sin)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&sin, &len))
		return;
	r->step = 0;
	if (setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, cc, strlen(cc))) {
		r->set_err = errno;
		return;
	}
	r->step = 3;
	len = sizeof(r->name) - 1;
	if (getsockopt(c, IPPROTO_TCP, TCP_CONGESTION, r->name, &len) ||
	    connect(c, (struct sockaddr *)&sin, sizeof(sin)) || (a = accept(ls, NULL, NULL)) < 0)
		return;
	r->step = 4;
	fcntl(c, F_SETFL, O_NONBLOCK);
	fcntl(a, F_SETFL, O_NONBLOCK);
	while (r->moved < BYTES) {
		struct pollfd p[2] = { { .fd = c, .events = sent < BYTES ? POLLOUT : 0 },
				       { .fd = a, .events = POLLIN } };
		ssize_t n;

		if (poll(p, 2, 5000) <= 0)
			return;
		if (p[0].revents & POLLOUT) {
			n = send(c, buf, sent + sizeof(buf) > BYTES ? BYTES - sent : sizeof(buf), 0);
			sent += n > 0 ? n : 0;
		}
		if (p[1].revents & POLLIN) {
			n = recv(a, buf, sizeof(buf), 0);
			if (n <= 0)
				return;
			r->moved += n;
		}
	}
	r->step = 0;
}

static int roundtrip(const char *cc, struct rt *out)
{
	struct rt *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	int st;

	if (r == MAP_FAILED)
		return -1;
	memset(r, 0, sizeof(*r));
	pid = fork();
	if (pid == 0) {
		conn(cc, r);
		_exit(0);
	}
	st = pid > 0 && waitpid(pid, &st, 0) == pid ? 0 : -1;
	*out = *r;
	munmap(r, sizeof(*r));
	return st;
}

/* The index of MEMBER in the kernel's struct tcp_congestion_ops, read from
 * /sys/kernel/btf/vmlinux here: what expected_attach_type must be. */
static int kernel_member_index(const char *member)
{
	FILE *f = fopen("/sys/kernel/btf/vmlinux", "re");
	size_t cap = 1 << 20, n = 0, r;
	char *buf = malloc(cap), err[128];
	struct mb_btf_member_info mi;
	struct mb_btf *kb = NULL;
	int id, idx = -1;

	while (f && buf && (r = fread(buf + n, 1, cap - n, f)) > 0)
		if ((n += r) == cap)
			buf = realloc(buf, cap *= 2);
	if (f)
		fclose(f);
	if (buf && (kb = mb_btf_open(buf, n, err, sizeof(err))) &&
	    (id = mb_btf_find(kb, "tcp_congestion_ops", MB_BTF_KIND_STRUCT)) > 0)
		idx = mb_btf_member_find(kb, (uint32_t)id, member, &mi);
	mb_btf_free(kb);
	free(buf);
	return idx;
}

static int available(const char *cc)
{
	char line[512], *tok, *save;
	FILE *f = fopen(AVAIL, "re");
	int found = 0;

	if (!f || !fgets(line, sizeof(line), f))
		line[0] = 0;
	if (f)
		fclose(f);
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		found |= !strcmp(tok, cc);
	return found;
}

/* Unregistering from a pin's removal runs in a kernel work item: wait (up
 * to 5 s) until the name is gone from the list. */
static int wait_gone(const char *cc)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 500; i++) {
		if (!available(cc))
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

static int kernel_has_tcp_ca(void)
{
	return test_sh("grep -qa bpf_struct_ops_tcp_congestion_ops /sys/kernel/btf/vmlinux") == 0;
}

/* Offsets of the program's counters in .bss, read before load. */
struct counters { size_t init, cong_avoid; };

static int counter_offsets(struct mb_object *obj, struct counters *c)
{
	void *base = mb_map_initial_value(mb_object_map_by_name(obj, ".bss"), NULL);
	char *p;

	if (!base)
		return -1;
	p = mb_object_global(obj, "init_calls", NULL);
	c->init = p ? (size_t)(p - (char *)base) : 0;
	p = mb_object_global(obj, "cong_avoid_calls", NULL);
	c->cong_avoid = p ? (size_t)(p - (char *)base) : 0;
	return 0;
}

static uint64_t counter(struct mb_object *obj, size_t off)
{
	struct mb_map *m = mb_object_map_by_name(obj, ".bss");
	unsigned char v[256];
	uint64_t x = (uint64_t)-1;
	uint32_t zero = 0;

	if (!m || mb_map_value_size(m) > sizeof(v) ||
	    mb_map_lookup_elem(m, &zero, sizeof(zero), v, mb_map_value_size(m), 0))
		return x;
	memcpy(&x, v + off, sizeof(x));
	return x;
}

FIXTURE(so) {
	struct mb_object *obj;
	struct mb_link *link;
	char pin[128];
	int fds;
};

FIXTURE_SETUP(so)
{
	memset(self, 0, sizeof(*self));
	if (!kernel_has_tcp_ca())
		SKIP(return, "the kernel's BTF has no bpf_struct_ops_tcp_congestion_ops (no BPF TCP congestion control)");
	snprintf(self->pin, sizeof(self->pin), "/sys/fs/bpf/mb_so_%d", getpid());
	self->fds = count_fds();
}

FIXTURE_TEARDOWN(so)
{
	mb_link_destroy(self->link);
	mb_object_close(self->obj);
	/* whatever a failed test left registered */
	test_sh("rm -rf %s; for n in mb_reno mb_reno_link; do grep -qw $n " AVAIL " && "
	       CLI " struct_ops unregister name $n 2>/dev/null; done; true", self->pin);
}

/* The congestion control really runs: chosen, data moved, counters up. */
static void check_runs(struct __test_metadata *_metadata, struct mb_object *obj,
		       const struct counters *c, const char *cc)
{
	struct rt r;

	ASSERT_TRUE(available(cc)) TH_LOG("%s not in " AVAIL, cc);
	ASSERT_EQ(0, roundtrip(cc, &r));
	ASSERT_EQ(0, r.set_err) TH_LOG("setsockopt(TCP_CONGESTION, %s): %s", cc, strerror(r.set_err));
	ASSERT_EQ(0, r.step);
	ASSERT_STREQ(cc, r.name);
	ASSERT_EQ(BYTES, r.moved);
	if (obj) {
		uint64_t init = counter(obj, c->init), ca = counter(obj, c->cong_avoid);

		/* -1: the lookup failed */
		EXPECT_TRUE(init > 0 && init != (uint64_t)-1) TH_LOG("init called %llu times",
								      (unsigned long long)init);
		EXPECT_TRUE(ca > 0 && ca != (uint64_t)-1) TH_LOG("cong_avoid called %llu times",
								  (unsigned long long)ca);
		TH_LOG("%s: init %llu, cong_avoid %llu calls", cc, (unsigned long long)init,
		       (unsigned long long)ca);
	}
}

static void check_refused(struct __test_metadata *_metadata, const char *cc)
{
	struct rt r;

	ASSERT_EQ(0, wait_gone(cc)) TH_LOG("%s still registered", cc);
	ASSERT_EQ(0, roundtrip(cc, &r));
	ASSERT_EQ(0, r.step);
	ASSERT_EQ(ENOENT, r.set_err) TH_LOG("setsockopt(TCP_CONGESTION, %s) after unregister: %s",
					    cc, strerror(r.set_err));
}

/* .struct_ops: the map update registers it, the delete unregisters it. */
TEST_F(so, register_select_unregister)
{
	struct counters c;
	struct mb_map *m;

	self->obj = mb_object_open(OBJ, NULL);
	ASSERT_NE(NULL, self->obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, counter_offsets(self->obj, &c));
	ASSERT_EQ(0, mb_object_load(self->obj)) TH_LOG("%s", mb_last_error());
	m = mb_object_map_by_name(self->obj, "mb_reno");
	ASSERT_NE(NULL, m);
	EXPECT_EQ(BPF_MAP_TYPE_STRUCT_OPS, mb_map_type(m));
	EXPECT_EQ(4, mb_map_key_size(m));
	EXPECT_EQ(1, mb_map_max_entries(m));
	/* the kernel's wrapper: the struct plus its refcount and state */
	EXPECT_LT(sizeof(struct { char b[200]; }), mb_map_value_size(m));
	EXPECT_EQ(BPF_PROG_TYPE_STRUCT_OPS, mb_prog_type(mb_object_prog_by_name(self->obj, "mb_reno_init")));
	/* each program loaded for its member: expected_attach_type is its index */
	EXPECT_EQ(kernel_member_index("init"),
		  (int)mb_prog_expected_attach_type(mb_object_prog_by_name(self->obj, "mb_reno_init")));
	EXPECT_EQ(kernel_member_index("undo_cwnd"),
		  (int)mb_prog_expected_attach_type(mb_object_prog_by_name(self->obj, "mb_reno_undo_cwnd")));
	EXPECT_LT(0, kernel_member_index("init"));
	/* loaded but not registered yet */
	EXPECT_FALSE(available("mb_reno"));

	self->link = mb_map_attach_struct_ops(m);
	ASSERT_NE(NULL, self->link) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(-1, mb_link_fd(self->link));   /* no bpf_link for .struct_ops */
	EXPECT_NE(0, mb_link_pin(self->link, self->pin));
	check_runs(_metadata, self->obj, &c, "mb_reno");

	mb_link_destroy(self->link);
	self->link = NULL;
	check_refused(_metadata, "mb_reno");
	mb_object_close(self->obj);
	self->obj = NULL;
	EXPECT_EQ(self->fds, count_fds());
}

/* .struct_ops.link: BPF_LINK_CREATE registers it; the pinned link keeps it
 * registered after the object is gone; removing the pin unregisters it. */
TEST_F(so, link_pinned_outlives_object)
{
	struct counters c;
	struct mb_map *m;

	self->obj = mb_object_open(OBJ_LINK, NULL);
	ASSERT_NE(NULL, self->obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, counter_offsets(self->obj, &c));
	ASSERT_EQ(0, mb_object_load(self->obj)) TH_LOG("%s", mb_last_error());
	m = mb_object_map_by_name(self->obj, "mb_reno_link");
	ASSERT_NE(NULL, m);
	self->link = mb_map_attach_struct_ops(m);
	ASSERT_NE(NULL, self->link) TH_LOG("%s", mb_last_error());
	ASSERT_LE(3, mb_link_fd(self->link));
	check_runs(_metadata, self->obj, &c, "mb_reno_link");
	ASSERT_EQ(0, mb_link_pin(self->link, self->pin)) TH_LOG("%s", mb_last_error());
	mb_link_destroy(self->link);
	self->link = NULL;
	mb_object_close(self->obj);
	self->obj = NULL;
	check_runs(_metadata, NULL, NULL, "mb_reno_link");
	ASSERT_EQ(0, unlink(self->pin));
	check_refused(_metadata, "mb_reno_link");
	EXPECT_EQ(self->fds, count_fds());
}

/* An unpinned link: destroying it unregisters at once. */
TEST_F(so, link_destroy_unregisters)
{
	struct mb_map *m;

	self->obj = mb_object_open(OBJ_LINK, NULL);
	ASSERT_NE(NULL, self->obj);
	ASSERT_EQ(0, mb_object_load(self->obj)) TH_LOG("%s", mb_last_error());
	m = mb_object_map_by_name(self->obj, "mb_reno_link");
	self->link = mb_map_attach_struct_ops(m);
	ASSERT_NE(NULL, self->link) TH_LOG("%s", mb_last_error());
	ASSERT_TRUE(available("mb_reno_link"));
	/* a second registration of the same map is refused */
	EXPECT_EQ(NULL, mb_map_attach_struct_ops(m));
	mb_link_destroy(self->link);
	self->link = NULL;
	check_refused(_metadata, "mb_reno_link");
}

/* The CLI as bpftool: register, show, dump, unregister; bpftool sees it. */
TEST_F(so, cli_register_show_dump_unregister)
{
	char out[8192];

	ASSERT_EQ(0, e2e_run(out, sizeof(out), CLI " struct_ops register " OBJ))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "Registered tcp_congestion_ops mb_reno id ")) TH_LOG("%s", out);
	check_runs(_metadata, NULL, NULL, "mb_reno");
	ASSERT_EQ(0, e2e_run(out, sizeof(out), CLI " struct_ops show name mb_reno"));
	EXPECT_NE(NULL, strstr(out, "mb_reno")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "tcp_congestion_ops")) TH_LOG("%s", out);
	ASSERT_EQ(0, e2e_run(out, sizeof(out), CLI " -j struct_ops list"));
	EXPECT_NE(NULL, strstr(out, "\"kernel_struct_ops\":\"tcp_congestion_ops\"")) TH_LOG("%s", out);
	ASSERT_EQ(0, e2e_run(out, sizeof(out), CLI " struct_ops dump name mb_reno"));
	EXPECT_NE(NULL, strstr(out, "\"name\": \"mb_reno\"")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "BPF_STRUCT_OPS_STATE_INUSE")) TH_LOG("%s", out);
	/* the function pointers hold program ids */
	EXPECT_NE(NULL, strstr(out, "\"set_state\": (nil)")) TH_LOG("%s", out);
	if (!test_sh("command -v bpftool >/dev/null")) {
		/* the oracle reads the same map */
		ASSERT_EQ(0, e2e_run(out, sizeof(out), "bpftool struct_ops show name mb_reno"));
		EXPECT_NE(NULL, strstr(out, "tcp_congestion_ops")) TH_LOG("bpftool: %s", out);
	}
	ASSERT_EQ(0, e2e_run(out, sizeof(out), CLI " struct_ops unregister name mb_reno"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "Unregistered tcp_congestion_ops mb_reno")) TH_LOG("%s", out);
	check_refused(_metadata, "mb_reno");
	EXPECT_NE(0, e2e_run(out, sizeof(out), CLI " struct_ops show name mb_reno"));
	EXPECT_NE(0, e2e_run(out, sizeof(out), CLI " struct_ops unregister id 4294967295"));
}

/* register OBJ LINK_DIR pins the link; unregister detaches it. Without
 * LINK_DIR the link ends with the process, as with bpftool. */
TEST_F(so, cli_link_dir)
{
	char out[4096], path[200];
	struct stat st;

	ASSERT_EQ(0, e2e_run(out, sizeof(out), CLI " struct_ops register " OBJ_LINK));
	EXPECT_NE(NULL, strstr(out, "no LINK_DIR")) TH_LOG("%s", out);
	check_refused(_metadata, "mb_reno_link");

	ASSERT_EQ(0, e2e_run(out, sizeof(out), CLI " struct_ops register " OBJ_LINK " %s",
			     self->pin)) TH_LOG("%s", out);
	snprintf(path, sizeof(path), "%s/mb_reno_link", self->pin);
	ASSERT_EQ(0, stat(path, &st)) TH_LOG("no link pinned at %s", path);
	check_runs(_metadata, NULL, NULL, "mb_reno_link");
	ASSERT_EQ(0, e2e_run(out, sizeof(out), CLI " struct_ops unregister name mb_reno_link"))
		TH_LOG("%s", out);
	check_refused(_metadata, "mb_reno_link");
}

/* prog loadall of a struct_ops object: programs load (ENOTSUPP before),
 * nothing is registered. */
TEST_F(so, cli_prog_loadall)
{
	char out[4096], path[200];
	struct stat st;

	ASSERT_EQ(0, e2e_run(out, sizeof(out), CLI " prog loadall " OBJ " %s", self->pin))
		TH_LOG("%s", out);
	snprintf(path, sizeof(path), "%s/mb_reno_cong_avoid", self->pin);
	EXPECT_EQ(0, stat(path, &st));
	EXPECT_FALSE(available("mb_reno"));
}

/* The kernel's own selftests (tests/kselftest_progs.mk): their struct
 * tcp_congestion_ops (bpf_tcp_helpers.h) is shorter than the kernel's and
 * members are matched by name; dctcp's two maps share programs. */
#define KS(name) MB_BUILD_DIR "/kselftest-progs/" name ".o"
TEST_F(so, kernel_selftests_dctcp_cubic)
{
	static const char *const files[] = { KS("bpf_cubic"), KS("bpf_dctcp") };
	static const char *const maps[] = { "cubic", "dctcp" }, *const cc[] = { "bpf_cubic", "bpf_dctcp" };

	for (int i = 0; i < 2; i++) {
		if (access(files[i], R_OK))
			SKIP(return, "%s was not built (no linux-source-6.1)", files[i]);
		self->obj = mb_object_open(files[i], NULL);
		ASSERT_NE(NULL, self->obj) TH_LOG("%s", mb_last_error());
		ASSERT_EQ(0, mb_object_load(self->obj)) TH_LOG("%s: %s", files[i], mb_last_error());
		self->link = mb_map_attach_struct_ops(mb_object_map_by_name(self->obj, maps[i]));
		ASSERT_NE(NULL, self->link) TH_LOG("%s", mb_last_error());
		check_runs(_metadata, NULL, NULL, cc[i]);
		mb_link_destroy(self->link);
		self->link = NULL;
		check_refused(_metadata, cc[i]);
		if (i == 1) {
			/* lacks what tcp_register_congestion_control requires */
			EXPECT_EQ(NULL, mb_map_attach_struct_ops(mb_object_map_by_name(self->obj, "dctcp_nouse")));
			EXPECT_EQ(EINVAL, errno);
			EXPECT_NE(NULL, strstr(mb_last_error(), "struct_ops map 'dctcp_nouse': BPF_MAP_UPDATE_ELEM failed"))
				TH_LOG("%s", mb_last_error());
		}
		mb_object_close(self->obj);
		self->obj = NULL;
	}
	EXPECT_EQ(self->fds, count_fds());
}

/* bpf_dummy_ops: programs run through BPF_PROG_TEST_RUN with the state
 * pointer as their argument; the sleepable one is loaded sleepable (the
 * kernel allows that member only); registering is refused by the kernel. */
TEST_F(so, dummy_ops_test_run_and_sleepable)
{
	struct { int val; } state = { 1234 };
	uint64_t args[1] = { (uint64_t)(uintptr_t)&state };
	uint32_t retval = 0;
	struct mb_prog *p;
	char *trace = NULL;
	size_t tlen = 0;
	FILE *tf;

	self->obj = mb_object_open(E2E_OBJ("st_ops_dummy"), NULL);
	ASSERT_NE(NULL, self->obj) TH_LOG("%s", mb_last_error());
	ASSERT_NE(NULL, tf = open_memstream(&trace, &tlen));
	mb_trace(tf);
	ASSERT_EQ(0, mb_object_load(self->obj)) TH_LOG("%s", mb_last_error());
	mb_trace(NULL);
	fclose(tf);
	EXPECT_NE(NULL, strstr(trace, "prog_name=\"mb_test_sleepab\" prog_flags=SLEEPABLE")) TH_LOG("%s", trace);
	free(trace);

	p = mb_object_prog_by_name(self->obj, "mb_test_1");
	ASSERT_EQ(0, mb_sys_prog_test_run(mb_prog_fd(p), NULL, 0, NULL, NULL, args, sizeof(args),
					  NULL, NULL, 1, 0, &retval, NULL));
	EXPECT_EQ(1234, retval);
	EXPECT_EQ(0x5a, state.val);   /* written by the program, copied back */
	p = mb_object_prog_by_name(self->obj, "mb_test_sleepable");
	ASSERT_EQ(0, mb_sys_prog_test_run(mb_prog_fd(p), NULL, 0, NULL, NULL, args, sizeof(args),
					  NULL, NULL, 1, 0, &retval, NULL));
	EXPECT_EQ(0x5b, retval);

	EXPECT_EQ(NULL, mb_map_attach_struct_ops(mb_object_map_by_name(self->obj, "mb_dummy")));
	EXPECT_NE(NULL, strstr(mb_last_error(), "struct_ops map 'mb_dummy': BPF_MAP_UPDATE_ELEM failed"))
		TH_LOG("%s", mb_last_error());
}

/* bpftool's value of the map, from "bpf_struct_ops_..." on, without the
 * program ids (they differ between two registrations). */
static void value_part(char *s)
{
	char *v = strstr(s, "\"bpf_struct_ops_"), *r, *w;

	if (!v) {
		*s = 0;
		return;
	}
	for (w = s, r = v; *r; ) {
		if (!strncmp(r, "/prog_id:", 9)) {
			for (r += 9; *r >= '0' && *r <= '9'; r++)
				;
			continue;
		}
		*w++ = *r++;
	}
	*w = 0;
}

/* The oracle: bpftool (libbpf) registers the same object; bpftool's dump of
 * its value and of ours must be the same, member by member (programs shown
 * by name). */
TEST_F(so, value_same_as_bpftool)
{
	static char ours[16384], theirs[16384];

	if (test_sh("command -v bpftool >/dev/null"))
		SKIP(return, "no bpftool");
	if (e2e_run(theirs, sizeof(theirs), "bpftool struct_ops register " OBJ))
		SKIP(return, "bpftool cannot register it: %.200s", theirs);
	ASSERT_EQ(0, e2e_run(theirs, sizeof(theirs), "bpftool -j struct_ops dump name mb_reno"));
	ASSERT_EQ(0, e2e_run(ours, sizeof(ours), "bpftool struct_ops unregister name mb_reno"));
	ASSERT_EQ(0, wait_gone("mb_reno"));
	ASSERT_EQ(0, e2e_run(ours, sizeof(ours), CLI " struct_ops register " OBJ)) TH_LOG("%s", ours);
	ASSERT_EQ(0, e2e_run(ours, sizeof(ours), "bpftool -j struct_ops dump name mb_reno"));
	value_part(ours);
	value_part(theirs);
	EXPECT_NE(NULL, strstr(ours, "mb_reno_cong_avoid")) TH_LOG("%s", ours);
	EXPECT_STREQ(theirs, ours);
}

static void check_bad(struct __test_metadata *_metadata, const char *obj_path, const char *want)
{
	struct mb_object *obj = mb_object_open(obj_path, NULL);
	int fds = count_fds();

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	EXPECT_NE(0, mb_object_load(obj));
	EXPECT_NE(NULL, strstr(mb_last_error(), want)) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(fds, count_fds());   /* a failed load leaves nothing */
	mb_object_close(obj);
}

TEST_F(so, bad_struct_name)
{
	check_bad(_metadata, E2E_OBJ("st_ops_bad_name"),
		  "struct_ops map 'mb_bad_name': the kernel has no struct_ops type 'mb_no_such_ops'");
}

TEST_F(so, bad_member_size)
{
	check_bad(_metadata, E2E_OBJ("st_ops_bad_type"),
		  "struct_ops map 'mb_bad_type': member 'flags' is 8 bytes in the object but 4 bytes in the kernel's struct tcp_congestion_ops");
}

TEST_HARNESS_MAIN
