// End to end, tracing: clang-compiled objects with libbpf's SEC() names,
// loaded and attached through the public API (include/minibpf.h) only. Each
// test checks what the program wrote while attached, and that it stops after.
#include <sys/stat.h>
#include <linux/capability.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "test_e2e.h"
#include "syscall/bpf_sys.h"

FIXTURE(tr) {
	struct mb_object *obj;
	struct mb_link *l[4];
	char pin[128];
};

FIXTURE_SETUP(tr)
{
	memset(self, 0, sizeof(*self));
}

FIXTURE_TEARDOWN(tr)
{
	for (int i = 0; i < 4; i++)
		mb_link_destroy(self->l[i]);
	if (self->pin[0])
		unlink(self->pin);
	mb_object_close(self->obj);
}

/* Open OBJ with only the programs in ONLY, tgid filter set to ours, load. */
static int open_load(FIXTURE_DATA(tr) *self, const char *obj, const char *only)
{
	uint32_t *tgid;
	size_t sz;

	self->obj = e2e_open(obj, only);
	if (!self->obj)
		return -1;
	tgid = mb_object_global(self->obj, "target_tgid", &sz);
	if (tgid && sz == sizeof(*tgid))
		*tgid = (uint32_t)getpid();
	return mb_object_load(self->obj);
}

static struct mb_link *attach(FIXTURE_DATA(tr) *self, const char *prog)
{
	return mb_prog_attach(mb_object_prog_by_name(self->obj, prog));
}

static pid_t run_true(void)
{
	pid_t c = fork();
	int st;

	if (c == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return c;
}

static uint64_t execs_of(struct mb_object *obj, pid_t pid)
{
	uint32_t k = (uint32_t)pid;
	uint64_t v = 0;

	return mb_map_lookup_elem(mb_object_map_by_name(obj, "execs"), &k, sizeof(k), &v,
				  sizeof(v), 0) ? 0 : v;
}

TEST_F(tr, tracepoint_counts_own_execs)
{
	pid_t c;

	ASSERT_EQ(0, open_load(self, E2E_OBJ("e2e_trace"), "count_exec")) TH_LOG("%s", mb_last_error());
	/* only the programs asked for were loaded */
	EXPECT_LE(3, mb_prog_fd(mb_object_prog_by_name(self->obj, "count_exec")));
	EXPECT_GT(0, mb_prog_fd(mb_object_prog_by_name(self->obj, "raw_enter")));
	self->l[0] = attach(self, "count_exec");
	ASSERT_NE(NULL, self->l[0]) TH_LOG("%s", mb_last_error());
	c = run_true();
	ASSERT_LT(0, c);
	EXPECT_EQ(1, execs_of(self->obj, c));
	mb_link_destroy(self->l[0]);
	self->l[0] = NULL;
	c = run_true();
	ASSERT_LT(0, c);
	EXPECT_EQ(0, execs_of(self->obj, c));
}

TEST_F(tr, pinned_link_outlives_object)
{
	uint32_t k;
	uint64_t v;
	int mfd;
	pid_t c;

	ASSERT_EQ(0, open_load(self, E2E_OBJ("e2e_trace"), "count_exec")) TH_LOG("%s", mb_last_error());
	self->l[0] = attach(self, "count_exec");
	ASSERT_NE(NULL, self->l[0]) TH_LOG("%s", mb_last_error());
	snprintf(self->pin, sizeof(self->pin), "/sys/fs/bpf/e2e_tr_%d", getpid());
	ASSERT_EQ(0, mb_link_pin(self->l[0], self->pin)) TH_LOG("%s", mb_last_error());
	mfd = fcntl(mb_map_fd(mb_object_map_by_name(self->obj, "execs")), F_DUPFD_CLOEXEC, 3);
	ASSERT_LE(3, mfd);
	/* drop every fd of the object: the pin keeps the program attached */
	mb_link_destroy(self->l[0]);
	self->l[0] = NULL;
	mb_object_close(self->obj);
	self->obj = NULL;
	c = run_true();
	ASSERT_LT(0, c);
	k = (uint32_t)c;
	v = 0;
	EXPECT_EQ(0, mb_sys_map_lookup(mfd, &k, &v, 0));
	EXPECT_EQ(1, v);
	/* removing the pin detaches (the link is freed a moment later) */
	ASSERT_EQ(0, unlink(self->pin));
	self->pin[0] = 0;
	usleep(100000);
	c = run_true();
	ASSERT_LT(0, c);
	k = (uint32_t)c;
	EXPECT_EQ(-ENOENT, mb_sys_map_lookup(mfd, &k, &v, 0));
	close(mfd);
}

TEST_F(tr, tp_and_raw_tp_count_getppid)
{
	int i;

	ASSERT_EQ(0, open_load(self, E2E_OBJ("e2e_trace"), "tp_getppid,raw_enter,raw_exit"))
		TH_LOG("%s", mb_last_error());
	for (i = 0; i < 3; i++) {
		static const char *const n[] = { "tp_getppid", "raw_enter", "raw_exit" };

		self->l[i] = attach(self, n[i]);
		ASSERT_NE(NULL, self->l[i]) TH_LOG("%s: %s", n[i], mb_last_error());
		ASSERT_EQ(1, mb_link_count(self->l[i]));
	}
	for (i = 0; i < 5; i++)
		syscall(SYS_getppid);
	EXPECT_EQ(5, e2e_count(self->obj, "hits", 0));
	EXPECT_LE(5, e2e_count(self->obj, "hits", 1));
	EXPECT_LE(5, e2e_count(self->obj, "hits", 2));
	for (i = 0; i < 3; i++) {
		mb_link_destroy(self->l[i]);
		self->l[i] = NULL;
	}
	uint64_t before = e2e_count(self->obj, "hits", 1);

	for (i = 0; i < 5; i++)
		syscall(SYS_getppid);
	EXPECT_EQ(5, e2e_count(self->obj, "hits", 0));
	EXPECT_EQ(before, e2e_count(self->obj, "hits", 1));
}

TEST_F(tr, uprobe_uretprobe_libc_getppid)
{
	pid_t (*volatile fn)(void) = getppid;
	int i;

	ASSERT_EQ(0, open_load(self, E2E_OBJ("e2e_trace"), "up_getppid,uret_getppid"))
		TH_LOG("%s", mb_last_error());
	self->l[0] = attach(self, "up_getppid");
	if (!self->l[0] && strstr(mb_last_error(), "open libc.so.6"))
		SKIP(return, "no libc.so.6 to probe (a static build, make test-qemu): %s", mb_last_error());
	ASSERT_NE(NULL, self->l[0]) TH_LOG("%s", mb_last_error());
	self->l[1] = attach(self, "uret_getppid");
	ASSERT_NE(NULL, self->l[1]) TH_LOG("%s", mb_last_error());
	for (i = 0; i < 4; i++)
		fn();
	EXPECT_EQ(4, e2e_count(self->obj, "hits", 3));
	EXPECT_EQ(4, e2e_count(self->obj, "hits", 4));
	mb_link_destroy(self->l[0]);
	self->l[0] = NULL;
	fn();
	EXPECT_EQ(4, e2e_count(self->obj, "hits", 3));
	EXPECT_EQ(5, e2e_count(self->obj, "hits", 4));
}

/* The uprobe target in this binary: not inlined, called through a pointer. */
__attribute__((noinline)) int e2e_probed(int x);
__attribute__((noinline)) int e2e_probed(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

TEST_F(tr, uprobe_on_own_binary)
{
	int (*volatile fn)(int) = e2e_probed;
	int i;

	ASSERT_EQ(0, open_load(self, E2E_OBJ("e2e_uprobe"), NULL)) TH_LOG("%s", mb_last_error());
	self->l[0] = attach(self, "up_self");
	if (!self->l[0] && strstr(mb_last_error(), "is Thumb code"))
		SKIP(return, "%s", mb_last_error());
	ASSERT_NE(NULL, self->l[0]) TH_LOG("%s", mb_last_error());
	self->l[1] = attach(self, "uret_self");
	ASSERT_NE(NULL, self->l[1]) TH_LOG("%s", mb_last_error());
	for (i = 0; i < 3; i++)
		fn(i);
	EXPECT_EQ(3, e2e_count(self->obj, "up_hits", 0));
	EXPECT_EQ(3, e2e_count(self->obj, "up_hits", 1));
}

TEST_F(tr, kprobe_needs_kprobes)
{
	int kprobes = !access("/sys/bus/event_source/devices/kprobe", F_OK);

	/* kprobe programs load on any kernel; attaching needs CONFIG_KPROBES */
	ASSERT_EQ(0, open_load(self, E2E_OBJ("e2e_kprobe"), NULL)) TH_LOG("%s", mb_last_error());
	self->l[0] = attach(self, "kp_open");
	self->l[1] = attach(self, "kretp_open");
	if (!kprobes) {
		EXPECT_EQ(NULL, self->l[0]);
		EXPECT_EQ(NULL, self->l[1]);
		EXPECT_EQ(EOPNOTSUPP, errno);
		EXPECT_NE(NULL, strstr(mb_last_error(), "CONFIG_KPROBES")) TH_LOG("%s", mb_last_error());
		SKIP(return, "kernel without kprobes (no kprobe PMU, no kprobe_events): %s",
		     mb_last_error());
	}
	ASSERT_NE(NULL, self->l[0]) TH_LOG("%s", mb_last_error());
	ASSERT_NE(NULL, self->l[1]) TH_LOG("%s", mb_last_error());
	close(open("/", O_RDONLY | O_CLOEXEC));
	EXPECT_LE(1, e2e_count(self->obj, "kp_hits", 0));
	EXPECT_LE(1, e2e_count(self->obj, "kp_hits", 1));
}

TEST_F(tr, unknown_tracepoint_says_where_to_look)
{
	ASSERT_EQ(0, open_load(self, E2E_OBJ("e2e_kprobe"), "tp_missing")) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(NULL, attach(self, "tp_missing"));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_NE(NULL, strstr(mb_last_error(), "no such tracepoint")) TH_LOG("%s", mb_last_error());
	EXPECT_NE(NULL, strstr(mb_last_error(), "/events/mb_nosuch/")) TH_LOG("%s", mb_last_error());
	EXPECT_NE(NULL, strstr(mb_last_error(), "tp_missing")) TH_LOG("%s", mb_last_error());
}

/* Without CAP_PERFMON (and CAP_SYS_ADMIN) a tracing program cannot load:
 * the error names what is missing. The harness runs each test in its own
 * process, so dropping capabilities here affects nothing else. */
TEST_F(tr, eperm_names_capability)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	ASSERT_EQ(0, syscall(SYS_capget, &h, d));
	d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	d[38 / 32].effective &= ~(1u << (38 % 32));     /* CAP_PERFMON (5.8) */
	ASSERT_EQ(0, syscall(SYS_capset, &h, d));
	self->obj = e2e_open(E2E_OBJ("e2e_trace"), "tp_getppid");
	ASSERT_NE(NULL, self->obj);
	EXPECT_EQ(-EPERM, mb_object_load(self->obj));
	EXPECT_NE(NULL, strstr(mb_last_error(), "CAP_PERFMON")) TH_LOG("%s", mb_last_error());
}

TEST_HARNESS_MAIN
