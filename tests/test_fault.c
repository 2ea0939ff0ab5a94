// Fault injection: the Nth syscall of a load (+ attach + link pin + map pin by
// name) fails, for every N up to the total. Each time the failure must be an
// error with a message, and once the caller has cleaned up as the API says,
// nothing may be left: no fd (/proc/self/fd), no pin, no program, map or link
// alive in the kernel (ids are never reused, so a new id that still resolves
// to one of ours is a leak). Our objects are told apart from those of other
// tests running at the same time by their names: the fixture's strings are
// renamed in memory before it is opened: every name starts with a tag made
// from our pid (two runs of this test at once must not see each other).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib_file.h"
#include "lib_kernel.h"
#include "minibpf.h"
#include "syscall/bpf_sys.h"

#define OBJ(name) MB_BUILD_DIR "/progs/" name ".bpf.o"
#define MAX_N 60        /* a load of loader_counts takes ~20 syscalls */

/* Replace every NUL-delimited string `from` by `to` (same length) in the
 * file: symbol names and BTF names change together. */
static int rename_str(uint8_t *d, size_t size, const char *from, const char *to)
{
	size_t n = strlen(from), i;
	int hits = 0;

	for (i = 1; i + n < size; i++)
		if (!d[i - 1] && !memcmp(d + i, from, n) && !d[i + n]) {
			memcpy(d + i, to, n);
			hits++;
		}
	return hits;
}

/* "z" + two base-36 digits of the pid: a 3-char prefix, so renamed strings
 * keep their length. */
static char tag[4];

static const char *tagged(const char *suffix)
{
	static char buf[4][64];
	static int k;
	char *b = buf[k++ % 4];

	snprintf(b, 64, "%s%s", tag, suffix);
	return b;
}

static int ours(const char *name)
{
	return !strncmp(name, tag, 3);
}

/* The map pinned before the test (pin_by_name_reused): alive by design. */
static uint32_t kept_map_id;

/* Programs, maps and links above the baseline ids that are ours. Made with
 * fault injection off. */
static int alive_once(uint32_t prog0, uint32_t map0, uint32_t link0, char *what, size_t len)
{
	uint32_t id, next;
	int n = 0;

	for (id = prog0; mb_sys_get_next_id(BPF_PROG_GET_NEXT_ID, id, &next) == 0; id = next) {
		struct bpf_prog_info pi;
		uint32_t l = sizeof(pi);
		int fd = mb_sys_get_fd_by_id(BPF_PROG_GET_FD_BY_ID, next);

		memset(&pi, 0, sizeof(pi));
		if (fd >= 0 && !mb_sys_obj_get_info_by_fd(fd, &pi, &l) && ours(pi.name)) {
			snprintf(what, len, "prog %u '%s'", next, pi.name);
			n++;
		}
		mb_close(fd);
	}
	for (id = map0; mb_sys_get_next_id(BPF_MAP_GET_NEXT_ID, id, &next) == 0; id = next) {
		struct bpf_map_info mi;
		uint32_t l = sizeof(mi);
		int fd = mb_sys_get_fd_by_id(BPF_MAP_GET_FD_BY_ID, next);

		memset(&mi, 0, sizeof(mi));
		if (fd >= 0 && !mb_sys_obj_get_info_by_fd(fd, &mi, &l) && ours(mi.name) &&
		    mi.id != kept_map_id) {
			snprintf(what, len, "map %u '%s'", next, mi.name);
			n++;
		}
		mb_close(fd);
	}
	for (id = link0; mb_sys_get_next_id(BPF_LINK_GET_NEXT_ID, id, &next) == 0; id = next) {
		struct bpf_link_info li;
		struct bpf_prog_info pi;
		uint32_t l = sizeof(li), pl = sizeof(pi);
		int fd = mb_sys_get_fd_by_id(BPF_LINK_GET_FD_BY_ID, next), pfd = -1;

		memset(&li, 0, sizeof(li));
		memset(&pi, 0, sizeof(pi));
		if (fd >= 0 && !mb_sys_obj_get_info_by_fd(fd, &li, &l))
			pfd = mb_sys_get_fd_by_id(BPF_PROG_GET_FD_BY_ID, li.prog_id);
		if (pfd >= 0 && !mb_sys_obj_get_info_by_fd(pfd, &pi, &pl) && ours(pi.name)) {
			snprintf(what, len, "link %u of prog '%s'", next, pi.name);
			n++;
		}
		mb_close(pfd);
		mb_close(fd);
	}
	return n;
}

/* Freed objects go away after an RCU grace period: poll a little. */
static int alive(uint32_t prog0, uint32_t map0, uint32_t link0, char *what, size_t len)
{
	int i, n = 0;

	for (i = 0; i < 40; i++) {
		n = alive_once(prog0, map0, link0, what, len);
		if (!n)
			break;
		usleep(50 * 1000);
	}
	return n;
}

FIXTURE(fault) {
	char dir[256];
	uint8_t *data;
	size_t size;
	uint32_t prog0, map0, link0;
	int fds;
	int unpin;      /* remove the map pin a successful load made (then check) */
};

FIXTURE_SETUP(fault)
{
	const char *root = mb_bpffs_path();

	self->dir[0] = 0;
	if (!root)
		SKIP(return, "no bpf filesystem: %s", strerror(errno));
	snprintf(self->dir, sizeof(self->dir), "%s/h7fault_%d", root, getpid());
	{
		static const char d36[] = "0123456789abcdefghijklmnopqrstuvwxyz";

		tag[0] = 'z';
		tag[1] = d36[getpid() / 36 % 36];
		tag[2] = d36[getpid() % 36];
		tag[3] = 0;
	}
	ASSERT_EQ(0, mkdir(self->dir, 0700)) TH_LOG("%s: %s", self->dir, strerror(errno));
	self->prog0 = last_id(BPF_PROG_GET_NEXT_ID);
	self->map0 = last_id(BPF_MAP_GET_NEXT_ID);
	self->link0 = last_id(BPF_LINK_GET_NEXT_ID);
}

/* rm -r for our pin directories (bpffs: files and directories only). */
static void remove_tree(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (unlink(p) && errno == EISDIR && depth < 4)
			remove_tree(p, depth + 1);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

FIXTURE_TEARDOWN(fault)
{
	mb_sys_fail_nth(0, 0);
	if (self->dir[0])
		remove_tree(self->dir, 0);
	free(self->data);
}

/* One run of load + attach both programs + pin the first link, with the Nth
 * syscall failing (n = 0: none). Cleans up as a user would and checks that
 * nothing is left. Returns the number of syscalls the run made; *failed says
 * whether some step reported the injected error. */
static unsigned long run(struct __test_metadata *_metadata, FIXTURE_DATA(fault) *self,
			 unsigned long n, int attach, int *failed)
{
	struct mb_open_opts o = { .sz = sizeof(o), .object_name = tag,
				  .pin_root = self->dir };
	struct mb_link *links[2] = { NULL, NULL };
	char link_pin[300], what[128];
	unsigned long calls;
	struct mb_object *obj;
	int err, i, pins0 = test_dir_entries(self->dir), pinned = 0;

	*failed = 0;
	obj = mb_object_open_mem(self->data, self->size, &o);
	if (!obj) {
		EXPECT_TRUE(obj != NULL) TH_LOG("%s", mb_last_error());
		return 0;
	}
	snprintf(link_pin, sizeof(link_pin), "%s/link", self->dir);
	mb_sys_fail_nth(n, EIO);
	err = mb_object_load(obj);
	if (err) {
		*failed = 1;
		/* A failed BPF_BTF_LOAD is not fatal (BTF is optional, as in
		 * libbpf): it surfaces as a program the verifier refuses
		 * without func_info. Any other step reports the injected EIO. */
		EXPECT_TRUE(err == -EIO || strstr(mb_last_error(), "BPF_PROG_LOAD"))
			TH_LOG("n=%lu: %d %s", n, err, mb_last_error());
		EXPECT_NE(0, mb_last_error()[0]);
	}
	for (i = 0; !err && attach && i < mb_object_prog_count(obj) && i < 2; i++) {
		links[i] = mb_prog_attach(mb_object_prog(obj, i));
		if (!links[i]) {
			*failed = 1;
			EXPECT_EQ(EIO, errno) TH_LOG("n=%lu: attach: %s", n, mb_last_error());
			break;
		}
		if (i == 0) {
			err = mb_link_pin(links[0], link_pin);
			if (err) {
				*failed = 1;
				EXPECT_EQ(-EIO, err) TH_LOG("n=%lu: pin: %s", n, mb_last_error());
				break;
			}
			pinned = 1;
		}
	}
	calls = mb_sys_fail_nth(0, 0);
	if (!*failed) {
		/* The failure was absorbed (or n was past the end): then the
		 * whole run must have succeeded. */
		for (i = 0; i < mb_object_prog_count(obj); i++)
			EXPECT_LE(3, mb_prog_fd(mb_object_prog(obj, i))) TH_LOG("n=%lu", n);
		if (attach)
			EXPECT_TRUE(links[0] && links[1] && pinned) TH_LOG("n=%lu", n);
	}

	if (err && !links[0]) {
		/* A failed load leaves nothing, even before close. */
		for (i = 0; i < mb_object_prog_count(obj); i++)
			EXPECT_EQ(-1, mb_prog_fd(mb_object_prog(obj, i))) TH_LOG("n=%lu", n);
		for (i = 0; i < mb_object_map_count(obj); i++)
			EXPECT_EQ(-1, mb_map_fd(mb_object_map(obj, i))) TH_LOG("n=%lu", n);
		EXPECT_EQ(pins0, test_dir_entries(self->dir)) TH_LOG("n=%lu: pins after a failed load", n);
	}
	for (i = 0; i < 2; i++)
		mb_link_destroy(links[i]);
	if (pinned)
		EXPECT_EQ(0, unlink(link_pin)) TH_LOG("n=%lu: link pin: %s", n, strerror(errno));
	if (self->unpin) {
		char map_pin[300];

		snprintf(map_pin, sizeof(map_pin), "%s/%s", self->dir, tagged("shared_"));
		EXPECT_EQ(*failed ? -1 : 0, unlink(map_pin)) TH_LOG("n=%lu: map pin", n);
	}
	mb_object_close(obj);
	EXPECT_EQ(self->fds, count_fds()) TH_LOG("n=%lu: fds left", n);
	EXPECT_EQ(0, alive(self->prog0, self->map0, self->link0, what, sizeof(what)))
		TH_LOG("n=%lu: %s still alive", n, what);
	return calls;
}

static void fault_loop(struct __test_metadata *_metadata, FIXTURE_DATA(fault) *self,
		       int attach, int pins_after)
{
	unsigned long total, n, calls;
	int failed, fails = 0;

	self->fds = count_fds();
	mb_bpffs_path();        /* found once: its mountinfo read is no part of the run */
	total = run(_metadata, self, 0, attach, &failed);
	ASSERT_EQ(0, failed);
	ASSERT_LT(0, total);
	ASSERT_GT(MAX_N, total);
	EXPECT_EQ(pins_after, test_dir_entries(self->dir));
	for (n = 1; n <= total; n++) {
		calls = run(_metadata, self, n, attach, &failed);
		fails += failed;
		/* A step that retries (without BTF, with a log) may make
		 * more calls than the clean run: never many more. */
		EXPECT_GE(total + 4, calls);
		EXPECT_EQ(pins_after, test_dir_entries(self->dir)) TH_LOG("n=%lu", n);
		usleep(10 * 1000);      /* no bursts of program frees */
	}
	/* Absorbed: BPF_BTF_LOAD (BTF is optional) and a map create that is
	 * retried without BTF types; the run then succeeded in full. */
	TH_LOG("%lu syscalls, each failed in turn: %d reported, %lu absorbed, nothing left", total,
	       fails, total - fails);
	EXPECT_LT(0, fails);
}

TEST_F(fault, load_attach_pin)
{
	ASSERT_TRUE((self->data = test_slurp(OBJ("loader_counts"), &self->size)) != NULL);
	ASSERT_LT(0, rename_str(self->data, self->size, "count_getpid", tagged("lt_getpid")));
	ASSERT_LT(0, rename_str(self->data, self->size, "count_raw", tagged("lt_raw")));
	ASSERT_LT(0, rename_str(self->data, self->size, "counts", tagged("cnt")));
	ASSERT_LT(0, rename_str(self->data, self->size, "stats", tagged("st")));
	fault_loop(_metadata, self, 1, 0);
}

/* CO-RE and a tp_btf target: the kernel's BTF is read in blocks as lookups
 * reach them (with the name index an earlier load left in /run/minibpf), and
 * each of those reads fails in turn too: the load stops with EIO and never
 * loads what a half-read lookup concluded. */
TEST_F(fault, core_load_reads_kernel_btf)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		SKIP(return, "no kernel BTF");
	ASSERT_TRUE((self->data = test_slurp(OBJ("core_task"), &self->size)) != NULL);
	fault_loop(_metadata, self, 0, 0);
}

/* A trace stream that notes the number (mb_sys_count()) of the call whose
 * line first contains WANT: a line is printed right after its call. */
struct spot {
	const char *want;
	unsigned long at;
};

static ssize_t spot_write(void *c, const char *buf, size_t n)
{
	struct spot *s = c;

	if (!s->at && memmem(buf, n, s->want, strlen(s->want)))
		s->at = mb_sys_count();
	return (ssize_t)n;
}

/* A fault in a file a load reads for its externs (the kernel config,
 * /proc/kallsyms): the load fails with EIO, names the file, leaves nothing. */
TEST_F(fault, extern_file_reads)
{
	static const char *const spots[] = {
		"openat(\"/boot/config-", "</boot/config-", "openat(\"/proc/config.gz\"",
		"</proc/config.gz>", "openat(\"/proc/kallsyms\"", "</proc/kallsyms>",
	};
	struct mb_open_opts o = { .sz = sizeof(o), .object_name = tag, .pin_root = self->dir };
	cookie_io_functions_t io = { .write = spot_write };
	char what[128];
	unsigned i, seen = 0;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		SKIP(return, "no kernel BTF");
	ASSERT_TRUE((self->data = test_slurp(OBJ("core_extern"), &self->size)) != NULL);
	ASSERT_LT(0, rename_str(self->data, self->size, "core_extern", tagged("e_extern")));
	self->fds = count_fds();
	for (i = 0; i < sizeof(spots) / sizeof(spots[0]); i++) {
		struct spot sp = { spots[i], 0 };
		FILE *tr = fopencookie(&sp, "w", io);
		struct mb_object *obj;
		unsigned long start;
		const char *file;
		int err;

		ASSERT_TRUE(tr != NULL);
		/* a clean load, traced: which call is the one to fail */
		obj = mb_object_open_mem(self->data, self->size, &o);
		ASSERT_TRUE(obj != NULL) TH_LOG("%s", mb_last_error());
		mb_trace_set(tr);
		mb_trace_timing_set(0);
		start = mb_sys_count();
		err = mb_object_load(obj);
		mb_trace_set(NULL);
		fclose(tr);
		ASSERT_EQ(0, err) TH_LOG("%s", mb_last_error());
		mb_object_close(obj);
		if (!sp.at)
			continue;      /* e.g. /proc/config.gz when /boot has the config */
		seen++;
		/* the same load with that call failing */
		obj = mb_object_open_mem(self->data, self->size, &o);
		ASSERT_TRUE(obj != NULL);
		mb_sys_fail_nth(sp.at - start, EIO);
		err = mb_object_load(obj);
		mb_sys_fail_nth(0, 0);
		EXPECT_EQ(-EIO, err) TH_LOG("%s", spots[i]);
		file = strstr(spots[i], "kallsyms") ? "/proc/kallsyms" : "kernel config";
		EXPECT_NE(NULL, strstr(mb_last_error(), file)) TH_LOG("%s: %s", spots[i], mb_last_error());
		TH_LOG("%s failing: %s", spots[i], mb_last_error());
		EXPECT_EQ(-1, mb_prog_fd(mb_object_prog(obj, 0)));
		mb_object_close(obj);
		EXPECT_EQ(self->fds, count_fds()) TH_LOG("%s: fds left", spots[i]);
		EXPECT_EQ(0, alive(self->prog0, self->map0, self->link0, what, sizeof(what)))
			TH_LOG("%s: %s still alive", spots[i], what);
		usleep(10 * 1000);
	}
	EXPECT_LE(4, seen);    /* config open + read, kallsyms open + read */
}

/* The oracle itself: a load that is not closed is seen, then not. */
TEST_F(fault, leak_check_sees_a_leak)
{
	struct mb_open_opts o = { .sz = sizeof(o), .object_name = tag, .pin_root = self->dir };
	struct mb_object *obj;
	char what[128];
	int fds = count_fds();

	ASSERT_TRUE((self->data = test_slurp(OBJ("loader_counts"), &self->size)) != NULL);
	ASSERT_LT(0, rename_str(self->data, self->size, "count_getpid", tagged("lt_getpid")));
	ASSERT_LT(0, rename_str(self->data, self->size, "counts", tagged("cnt")));
	obj = mb_object_open_mem(self->data, self->size, &o);
	ASSERT_TRUE(obj != NULL);
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	EXPECT_LT(fds, count_fds());
	EXPECT_LT(0, alive_once(self->prog0, self->map0, self->link0, what, sizeof(what)));
	TH_LOG("seen while loaded: %s", what);
	mb_object_close(obj);
	EXPECT_EQ(fds, count_fds());
	EXPECT_EQ(0, alive(self->prog0, self->map0, self->link0, what, sizeof(what))) TH_LOG("%s", what);
}

/* A map pinned by name: created and pinned by the load; a failed load
 * removes the pin it made. */
TEST_F(fault, pin_by_name_created)
{
	ASSERT_TRUE((self->data = test_slurp(OBJ("loader_pinned"), &self->size)) != NULL);
	ASSERT_LT(0, rename_str(self->data, self->size, "count_pkts", tagged("lt_pkts")));
	ASSERT_LT(0, rename_str(self->data, self->size, "shared_cnt", tagged("shared_")));
	self->unpin = 1;
	fault_loop(_metadata, self, 0, 0);
}

/* A map pinned by name that already exists: every load reuses it, and no
 * failure may remove a pin it did not make. */
TEST_F(fault, pin_by_name_reused)
{
	struct mb_open_opts o = { .sz = sizeof(o), .object_name = tag,
				  .pin_root = self->dir };
	struct mb_object *first;

	ASSERT_TRUE((self->data = test_slurp(OBJ("loader_pinned"), &self->size)) != NULL);
	ASSERT_LT(0, rename_str(self->data, self->size, "count_pkts", tagged("lt_pkts")));
	ASSERT_LT(0, rename_str(self->data, self->size, "shared_cnt", tagged("shared_")));
	first = mb_object_open_mem(self->data, self->size, &o);
	ASSERT_TRUE(first != NULL);
	ASSERT_EQ(0, mb_object_load(first)) TH_LOG("%s", mb_last_error());
	{
		struct bpf_map_info mi;
		uint32_t l = sizeof(mi);

		memset(&mi, 0, sizeof(mi));
		ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_map_fd(mb_object_map(first, 0)), &mi, &l));
		kept_map_id = mi.id;
	}
	mb_object_close(first);
	ASSERT_EQ(1, test_dir_entries(self->dir));
	fault_loop(_metadata, self, 0, 1);
}

/* Several processes load the same object, whose map is pinned by name, at
 * the same moment: every load succeeds, all share the one pinned map, each
 * process gets its fds back, and nothing but the pin outlives them. Bounded:
 * 4 processes x 5 loads of a 2-program object. */
#define PAR_PROCS 4
#define PAR_LOADS 5

static int par_child(FIXTURE_DATA(fault) *self, int idx, int gate)
{
	struct mb_open_opts o = { .sz = sizeof(o), .object_name = tag,
				  .pin_root = self->dir };
	uint32_t first_id = 0;
	char c;
	int k, fds = count_fds();

	if (read(gate, &c, 1) < 0)     /* returns when the parent closes it */
		return 10;
	for (k = 0; k < PAR_LOADS; k++) {
		struct mb_object *obj = mb_object_open_mem(self->data, self->size, &o);
		struct mb_map *m = obj ? mb_object_map_by_name(obj, tagged("_array")) : NULL;
		struct bpf_map_info mi;
		uint32_t l = sizeof(mi), key = (uint32_t)idx;
		uint8_t v[24] = { 0 };

		if (!m) {
			fprintf(stderr, "# child %d: open: %s\n", idx, mb_last_error());
			return 1;
		}
		if (mb_object_load(obj)) {
			fprintf(stderr, "# child %d load %d: %s\n", idx, k, mb_last_error());
			mb_object_close(obj);
			return 2;
		}
		memset(&mi, 0, sizeof(mi));
		if (mb_sys_obj_get_info_by_fd(mb_map_fd(m), &mi, &l))
			return 3;
		if (!first_id)
			first_id = mi.id;
		if (mi.id != first_id) {
			fprintf(stderr, "# child %d: pinned map id %u then %u\n", idx, first_id, mi.id);
			return 4;
		}
		/* Count this load in the shared map: slot idx, first byte. */
		if (mb_map_lookup_elem(m, &key, sizeof(key), v, sizeof(v), 0))
			return 5;
		v[0]++;
		if (mb_map_update_elem(m, &key, sizeof(key), v, sizeof(v), 0))
			return 6;
		mb_object_close(obj);
		usleep(5 * 1000);
	}
	return fds == count_fds() ? 0 : 7;
}

TEST_F(fault, parallel_loads_share_pins)
{
	pid_t pids[PAR_PROCS];
	char pin[300], what[128];
	int gate[2], i, st, fd, pins = 0;
	uint32_t key;
	uint8_t v[24];

	ASSERT_TRUE((self->data = test_slurp(OBJ("btf_maps"), &self->size)) != NULL);
	ASSERT_LT(0, rename_str(self->data, self->size, "btf_xdp", tagged("_xdp")));
	ASSERT_LT(0, rename_str(self->data, self->size, "btf_tp", tagged("_tp")));
	ASSERT_LT(0, rename_str(self->data, self->size, "btf_array", tagged("_array")));
	ASSERT_LT(0, rename_str(self->data, self->size, "btf_hash", tagged("_hash")));
	ASSERT_LT(0, rename_str(self->data, self->size, "btf_outer", tagged("_outer")));
	ASSERT_LT(0, rename_str(self->data, self->size, "btf_jmp", tagged("_jmp")));
	ASSERT_EQ(0, pipe2(gate, O_CLOEXEC));
	for (i = 0; i < PAR_PROCS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			close(gate[1]);
			_exit(par_child(self, i, gate[0]));
		}
	}
	close(gate[0]);
	close(gate[1]);         /* go */
	for (i = 0; i < PAR_PROCS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &st, 0));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
			TH_LOG("child %d: status 0x%x", i, st);
	}
	/* One pin, holding every load's count. */
	pins = test_dir_entries(self->dir);
	EXPECT_EQ(1, pins);
	snprintf(pin, sizeof(pin), "%s/%s", self->dir, tagged("_array"));
	fd = mb_sys_obj_get(pin, 0);
	ASSERT_LE(3, fd) TH_LOG("%s: %s", pin, strerror(-fd));
	for (key = 0; key < PAR_PROCS; key++) {
		ASSERT_EQ(0, mb_sys_map_lookup(fd, &key, v, 0));
		EXPECT_EQ(PAR_LOADS, v[0]) TH_LOG("slot %u", key);
	}
	mb_close(fd);
	ASSERT_EQ(0, unlink(pin));
	EXPECT_EQ(0, alive(self->prog0, self->map0, self->link0, what, sizeof(what)))
		TH_LOG("%s still alive", what);
}

/* valgrind memcheck on the CLI: load an object with pinned programs and
 * maps, dump a map, show a program, and refuse a broken object. */
static int vg_run(struct __test_metadata *_metadata, const char *args)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd),
		 "valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "
		 "--show-leak-kinds=definite --suppressions=%s/vg.supp %s/minibpf %s >/dev/null 2>%s/vg.log",
		 MB_BUILD_DIR, MB_BUILD_DIR, args, MB_BUILD_DIR);
	st = system(cmd);
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 99) {
		char log[4096] = "";
		FILE *f = fopen(MB_BUILD_DIR "/vg.log", "r");

		if (f) {
			log[fread(log, 1, sizeof(log) - 1, f)] = 0;
			fclose(f);
		}
		TH_LOG("valgrind: %s\n%s", args, log);
		return 99;
	}
	return WEXITSTATUS(st);
}

TEST_F(fault, valgrind_cli)
{
	char args[700], bad[300];
	FILE *f;
	int st;

	if (system("valgrind --version >/dev/null 2>&1"))
		SKIP(return, "valgrind is not installed");
	if (access(MB_BUILD_DIR "/minibpf", X_OK))
		SKIP(return, "no CLI built at " MB_BUILD_DIR "/minibpf");
#if defined(__SANITIZE_ADDRESS__)
	/* An ASan-built CLI cannot run under valgrind (both own the heap). */
	SKIP(return, "the CLI is built with AddressSanitizer");
#endif
	/* valgrind 3.19 insists that BPF_MAP_GET_NEXT_KEY's key be readable,
	 * but NULL is how the first key is asked for (bpftool does the same). */
	f = fopen(MB_BUILD_DIR "/vg.supp", "w");
	ASSERT_TRUE(f != NULL);
	fputs("{\n  get-next-key-null\n  Memcheck:Param\n  bpf(attr->key)\n  ...\n"
	      "  fun:mb_sys_map_get_next_key\n}\n", f);
	fclose(f);
	snprintf(args, sizeof(args), "prog loadall %s %s/progs pinmaps %s/maps",
		 OBJ("loader_counts"), self->dir, self->dir);
	EXPECT_EQ(0, vg_run(_metadata, args));
	snprintf(args, sizeof(args), "map dump pinned %s/maps/counts", self->dir);
	EXPECT_EQ(0, vg_run(_metadata, args));
	snprintf(args, sizeof(args), "-j prog show pinned %s/progs/count_getpid", self->dir);
	EXPECT_EQ(0, vg_run(_metadata, args));
	/* A broken object: an error exit, memcheck still clean. */
	snprintf(bad, sizeof(bad), "%s/h7fault_bad_%d.o", MB_BUILD_DIR, getpid());
	f = fopen(bad, "w");
	ASSERT_TRUE(f != NULL);
	fputs("\x7f" "ELF\x02\x01\x01 garbage, not an object", f);
	fclose(f);
	snprintf(args, sizeof(args), "prog loadall %s %s/bad", bad, self->dir);
	st = vg_run(_metadata, args);
	EXPECT_NE(0, st);
	EXPECT_NE(99, st);
	unlink(bad);
}

TEST_HARNESS_MAIN
