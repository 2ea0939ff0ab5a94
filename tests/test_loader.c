// The object loader against the real kernel: objects compiled from progs/,
// loaded through the public API, with effects checked in maps and in the
// kernel's own view of what was loaded.
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "lib_kernel.h"
#include "minibpf.h"
#include "syscall/bpf_sys.h"

#define OBJ(name) MB_BUILD_DIR "/progs/" name ".bpf.o"

static uint64_t lookup_u64(struct mb_map *m, uint32_t key)
{
	uint64_t v = 0;

	if (mb_map_lookup_elem(m, &key, sizeof(key), &v, sizeof(v), 0))
		return (uint64_t)-1;
	return v;
}

TEST(open_reports_programs_and_maps)
{
	struct mb_object *obj = mb_object_open(OBJ("loader_counts"), NULL);

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	EXPECT_STREQ("loader_counts", mb_object_name(obj));
	ASSERT_EQ(2, mb_object_prog_count(obj));
	EXPECT_STREQ("count_getpid", mb_prog_name(mb_object_prog(obj, 0)));
	EXPECT_STREQ("tracepoint/syscalls/sys_enter_getpid", mb_prog_section(mb_object_prog(obj, 0)));
	EXPECT_EQ(BPF_PROG_TYPE_TRACEPOINT, mb_prog_type(mb_object_prog(obj, 0)));
	EXPECT_EQ(BPF_PROG_TYPE_RAW_TRACEPOINT, mb_prog_type(mb_object_prog(obj, 1)));
	ASSERT_NE(NULL, mb_object_map_by_name(obj, "counts"));
	EXPECT_EQ(BPF_MAP_TYPE_HASH, mb_map_type(mb_object_map_by_name(obj, "counts")));
	EXPECT_EQ(64, mb_map_max_entries(mb_object_map_by_name(obj, "counts")));
	ASSERT_NE(NULL, mb_object_map_by_name(obj, ".rodata"));
	ASSERT_NE(NULL, mb_object_map_by_name(obj, ".data.custom"));
	mb_object_close(obj);
}

TEST(load_attach_counts_and_global_data)
{
	struct mb_object *obj = mb_object_open(OBJ("loader_counts"), NULL);
	struct mb_link *l1, *l2;
	struct mb_map *counts, *stats, *data, *bss, *custom;
	uint32_t *pid;
	uint64_t *inc, v;
	uint32_t me;
	size_t sz;
	int i;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	pid = mb_object_global(obj, "target_pid", &sz);
	ASSERT_NE(NULL, pid) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(4, sz);
	*pid = getpid();
	inc = mb_object_global(obj, "increment", &sz);
	ASSERT_NE(NULL, inc);
	EXPECT_EQ(1, *inc);
	*inc = 10;
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	me = *pid;      /* glibc's getpid() is a syscall too: call it no more */
	l1 = mb_prog_attach(mb_object_prog(obj, 0));
	ASSERT_NE(NULL, l1) TH_LOG("%s", mb_last_error());
	l2 = mb_prog_attach(mb_object_prog(obj, 1));
	ASSERT_NE(NULL, l2) TH_LOG("%s", mb_last_error());

	for (i = 0; i < 5; i++)
		syscall(SYS_getpid);    /* not the libc wrapper: it may cache */

	counts = mb_object_map_by_name(obj, "counts");
	stats = mb_object_map_by_name(obj, "stats");
	data = mb_object_map_by_name(obj, ".data");
	bss = mb_object_map_by_name(obj, ".bss");
	custom = mb_object_map_by_name(obj, ".data.custom");
	ASSERT_TRUE(counts && stats && data && bss && custom);
	/* first hit creates 1, four more add the .rodata increment 10 each */
	EXPECT_EQ(41, lookup_u64(counts, me));
	EXPECT_EQ(105, lookup_u64(data, 0));
	EXPECT_EQ(10, lookup_u64(bss, 0));
	EXPECT_EQ(22, lookup_u64(custom, 0));
	EXPECT_EQ(5, lookup_u64(stats, 0));      /* bpf_loop callback summed 0..3 */
	v = lookup_u64(stats, 1);
	EXPECT_GE(v, 5);                         /* raw_tp sees every syscall */
	/* .rodata is frozen and read-only for programs */
	{
		struct mb_map *ro = mb_object_map_by_name(obj, ".rodata");
		uint32_t zero = 0;
		char buf[64] = { 0 };

		ASSERT_NE(NULL, ro);
		ASSERT_GE(sizeof(buf), mb_map_value_size(ro));
		EXPECT_EQ(-EPERM, mb_map_update_elem(ro, &zero, sizeof(zero), buf,
						     mb_map_value_size(ro), 0));
	}
	mb_link_destroy(l1);
	mb_link_destroy(l2);
	/* detached: no more counting */
	syscall(SYS_getpid);
	EXPECT_EQ(41, lookup_u64(counts, me));
	mb_object_close(obj);
}

TEST(program_info_matches_kernel)
{
	struct mb_object *obj = mb_object_open(OBJ("loader_counts"), NULL);
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	ASSERT_NE(NULL, obj);
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_prog_fd(mb_object_prog(obj, 0)), &info, &len));
	EXPECT_EQ(BPF_PROG_TYPE_TRACEPOINT, info.type);
	EXPECT_STREQ("count_getpid", info.name);
	EXPECT_NE(0, info.btf_id);               /* object BTF went with it */
	EXPECT_GT(info.nr_func_info, 2);         /* the prog + its subprograms */
	EXPECT_GT(info.nr_line_info, 5);
	EXPECT_EQ(6, info.nr_map_ids);           /* counts, stats and the four data maps */
	mb_object_close(obj);
}

/* Ids are never reused: an object of ours still alive above the old maximum
 * id is a leak. Freed objects vanish asynchronously, so wait a little. */
static int leaked(int next_cmd, int fd_cmd, uint32_t since, const char *const *names)
{
	uint32_t id = since, next;
	int leaks = 0, k;

	usleep(100 * 1000);
	while (mb_sys_get_next_id(next_cmd, id, &next) == 0) {
		int fd = mb_sys_get_fd_by_id(fd_cmd, next);
		union { struct bpf_prog_info p; struct bpf_map_info m; } info;
		uint32_t len = sizeof(info);
		const char *name;

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !mb_sys_obj_get_info_by_fd(fd, &info, &len)) {
			name = next_cmd == BPF_PROG_GET_NEXT_ID ? info.p.name : info.m.name;
			for (k = 0; names[k]; k++)
				leaks += !strcmp(name, names[k]);
		}
		mb_close(fd);
		id = next;
	}
	return leaks;
}

FIXTURE(pinroot) {
	char dir[128];
};

FIXTURE_SETUP(pinroot)
{
	const char *root = mb_bpffs_path();

	ASSERT_NE(NULL, root);
	snprintf(self->dir, sizeof(self->dir), "%s/mbtest_loader_%d", root, getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0700));
}

FIXTURE_TEARDOWN(pinroot)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
}

TEST_F(pinroot, failed_load_leaves_nothing)
{
	static const char *const progs[] = { "good", "good2", "bad", NULL };
	static const char *const maps[] = { "vals", "bad_pinned", NULL };
	uint32_t prog0 = last_id(BPF_PROG_GET_NEXT_ID), map0 = last_id(BPF_MAP_GET_NEXT_ID);
	struct mb_open_opts o = { .sz = sizeof(o), .pin_root = self->dir };
	int fds = count_fds();
	struct mb_object *obj = mb_object_open(OBJ("loader_bad"), &o);
	struct dirent *e;
	const char *log;
	int err, pins = 0;
	DIR *d;

	ASSERT_NE(NULL, obj);
	err = mb_object_load(obj);
	EXPECT_EQ(-EACCES, err);
	EXPECT_NE(NULL, strstr(mb_last_error(), "prog 'bad'")) TH_LOG("%s", mb_last_error());
	EXPECT_NE(NULL, strstr(mb_last_error(), "invalid mem access 'map_value_or_null'"))
		TH_LOG("%s", mb_last_error());
	log = mb_prog_log(mb_object_prog_by_name(obj, "bad"));
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, "return *v;")) TH_LOG("no source line in: %s", log);
	EXPECT_EQ(-1, mb_prog_fd(mb_object_prog_by_name(obj, "good")));
	EXPECT_EQ(-1, mb_prog_fd(mb_object_prog_by_name(obj, "good2")));
	EXPECT_EQ(-1, mb_map_fd(mb_object_map_by_name(obj, "vals")));
	mb_object_close(obj);
	EXPECT_EQ(fds, count_fds());
	EXPECT_EQ(0, leaked(BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID, prog0, progs));
	EXPECT_EQ(0, leaked(BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID, map0, maps));
	d = opendir(self->dir);
	ASSERT_NE(NULL, d);
	while ((e = readdir(d)))
		pins += e->d_name[0] != '.';
	closedir(d);
	EXPECT_EQ(0, pins);
}

TEST_F(pinroot, pin_by_name_is_reused)
{
	struct mb_open_opts o = { .sz = sizeof(o), .pin_root = self->dir };
	struct mb_object *a = mb_object_open(OBJ("loader_pinned"), &o);
	struct mb_object *b = mb_object_open(OBJ("loader_pinned"), &o);
	struct bpf_map_info ia, ib;
	uint32_t la = sizeof(ia), lb = sizeof(ib), k = 0;
	uint64_t v = 42, got = 0;
	char p[256];
	struct stat st;

	ASSERT_TRUE(a && b);
	ASSERT_EQ(0, mb_object_load(a)) TH_LOG("%s", mb_last_error());
	snprintf(p, sizeof(p), "%s/shared_cnt", self->dir);
	ASSERT_EQ(0, stat(p, &st));
	ASSERT_EQ(0, mb_map_update_elem(mb_object_map(a, 0), &k, sizeof(k), &v, sizeof(v), 0));
	ASSERT_EQ(0, mb_object_load(b)) TH_LOG("%s", mb_last_error());
	memset(&ia, 0, sizeof(ia));
	memset(&ib, 0, sizeof(ib));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_map_fd(mb_object_map(a, 0)), &ia, &la));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_map_fd(mb_object_map(b, 0)), &ib, &lb));
	EXPECT_EQ(ia.id, ib.id);
	ASSERT_EQ(0, mb_map_lookup_elem(mb_object_map(b, 0), &k, sizeof(k), &got, sizeof(got), 0));
	EXPECT_EQ(42, got);
	mb_object_close(a);
	mb_object_close(b);
	/* the pin outlives the objects */
	EXPECT_EQ(0, stat(p, &st));
}

TEST_F(pinroot, pin_by_name_shape_mismatch_refused)
{
	struct mb_open_opts o = { .sz = sizeof(o), .pin_root = self->dir };
	struct mb_map_create_args ma = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
					 .value_size = 4, .max_entries = 2, .name = "shared_cnt" };
	struct mb_object *obj;
	char p[256];
	int fd;

	fd = mb_sys_map_create(&ma);
	ASSERT_GE(fd, 3);
	snprintf(p, sizeof(p), "%s/shared_cnt", self->dir);
	ASSERT_EQ(0, mb_sys_obj_pin(fd, p));
	close(fd);
	obj = mb_object_open(OBJ("loader_pinned"), &o);
	ASSERT_NE(NULL, obj);
	EXPECT_EQ(-EINVAL, mb_object_load(obj));
	EXPECT_NE(NULL, strstr(mb_last_error(), "differs")) TH_LOG("%s", mb_last_error());
	mb_object_close(obj);
}

TEST_F(pinroot, pin_maps_all_or_nothing)
{
	struct mb_object *obj = mb_object_open(OBJ("loader_counts"), NULL);
	char maps[192], p[256];
	struct stat st;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	snprintf(maps, sizeof(maps), "%s/maps", self->dir);
	EXPECT_EQ(-EINVAL, mb_object_pin_maps(obj, maps));     /* not loaded yet */
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, mb_object_pin_maps(obj, maps)) TH_LOG("%s", mb_last_error());
	snprintf(p, sizeof(p), "%s/counts", maps);
	EXPECT_EQ(0, stat(p, &st));
	snprintf(p, sizeof(p), "%s/loader_c_rodata", maps);   /* "loader_c.rodata" */
	EXPECT_EQ(0, stat(p, &st));
	/* a second time every name is taken: the first fails, nothing new is left */
	snprintf(p, sizeof(p), "%s/counts", maps);
	ASSERT_EQ(0, unlink(p));
	EXPECT_EQ(-EEXIST, mb_object_pin_maps(obj, maps));
	EXPECT_NE(NULL, strstr(mb_last_error(), "stats")) TH_LOG("%s", mb_last_error());
	EXPECT_NE(0, stat(p, &st));                            /* rolled back */
	snprintf(p, sizeof(p), "%s/stats", maps);
	EXPECT_EQ(0, stat(p, &st));                            /* not ours to remove */
	mb_object_close(obj);
}

TEST(seed_example_loads_and_attaches)
{
	struct mb_object *obj = mb_object_open(OBJ("hello"), NULL);
	struct mb_link *l;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(1, mb_object_prog_count(obj));
	EXPECT_STREQ("bpf_prog", mb_prog_name(mb_object_prog(obj, 0)));
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	l = mb_prog_attach(mb_object_prog(obj, 0));
	ASSERT_NE(NULL, l) TH_LOG("%s", mb_last_error());
	EXPECT_GE(mb_link_fd(l), 3);
	mb_link_destroy(l);
	mb_object_close(obj);
}

TEST(missing_file_and_garbage_are_clear_errors)
{
	char path[] = "/tmp/mbtest_garbageXXXXXX";
	int fd = mkstemp(path);

	EXPECT_EQ(NULL, mb_object_open("/nonexistent/x.o", NULL));
	EXPECT_NE(NULL, strstr(mb_last_error(), "/nonexistent/x.o"));
	ASSERT_GE(fd, 0);
	ASSERT_EQ(11, write(fd, "hello world", 11));
	close(fd);
	EXPECT_EQ(NULL, mb_object_open(path, NULL));
	EXPECT_NE(0, strlen(mb_last_error()));
	unlink(path);
}

static uint32_t id_of(int fd)
{
	struct bpf_prog_info info;      /* id is the first field of map info too */
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return mb_sys_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

TEST(map_in_map_and_prog_array_initial_values)
{
	struct mb_object *obj = mb_object_open(OBJ("elf_multi"), NULL);
	struct mb_map *outer, *jumps;
	uint32_t k, id;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	outer = mb_object_map_by_name(obj, "outer");
	jumps = mb_object_map_by_name(obj, "jumps");
	ASSERT_TRUE(outer && jumps);
	/* from user space a map of maps yields the inner map's id */
	k = 0;
	ASSERT_EQ(0, mb_map_lookup_elem(outer, &k, sizeof(k), &id, sizeof(id), 0));
	EXPECT_EQ(id_of(mb_map_fd(mb_object_map_by_name(obj, "inner_a"))), id);
	k = 2;
	ASSERT_EQ(0, mb_map_lookup_elem(outer, &k, sizeof(k), &id, sizeof(id), 0));
	EXPECT_EQ(id_of(mb_map_fd(mb_object_map_by_name(obj, "inner_b"))), id);
	k = 1;
	EXPECT_EQ(-ENOENT, mb_map_lookup_elem(outer, &k, sizeof(k), &id, sizeof(id), 0));
	ASSERT_EQ(0, mb_map_lookup_elem(jumps, &k, sizeof(k), &id, sizeof(id), 0));
	EXPECT_EQ(id_of(mb_prog_fd(mb_object_prog_by_name(obj, "xdp_second"))), id);
	k = 0;
	EXPECT_EQ(-ENOENT, mb_map_lookup_elem(jumps, &k, sizeof(k), &id, sizeof(id), 0));
	mb_object_close(obj);
}

TEST(tail_call_through_initial_slot)
{
	struct mb_object *obj = mb_object_open(OBJ("loader_mim"), NULL);
	unsigned char pkt[64] = { 0 };
	uint32_t ret = 0, dur, z = 0;
	uint64_t v = 0;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, mb_sys_prog_test_run(mb_prog_fd(mb_object_prog_by_name(obj, "entry")), pkt,
					  sizeof(pkt), NULL, NULL, NULL, 0, NULL, NULL, 1, 0, &ret, &dur));
	EXPECT_EQ(7, ret);      /* entry -> jumps[1] = second -> outer[1] = in_b */
	ASSERT_EQ(0, mb_map_lookup_elem(mb_object_map_by_name(obj, "in_b"), &z, sizeof(z), &v,
					 sizeof(v), 0));
	EXPECT_EQ(5, v);
	ASSERT_EQ(0, mb_map_lookup_elem(mb_object_map_by_name(obj, "in_a"), &z, sizeof(z), &v,
					 sizeof(v), 0));
	EXPECT_EQ(0, v);
	mb_object_close(obj);
}

TEST(legacy_maps_section)
{
	struct mb_object *obj = mb_object_open(OBJ("elf_legacy"), NULL);
	struct mb_map *h, *a;
	unsigned char pkt[64] = { 0 };
	uint32_t ret = 99, dur;
	struct bpf_map_info info;
	uint32_t len = sizeof(info);

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	h = mb_object_map_by_name(obj, "legacy_hash");
	a = mb_object_map_by_name(obj, "legacy_arr");
	ASSERT_TRUE(h && a);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_map_fd(a), &info, &len));
	EXPECT_EQ(BPF_MAP_TYPE_ARRAY, info.type);
	EXPECT_EQ(2, info.max_entries);
	EXPECT_EQ(BPF_F_RDONLY_PROG, info.map_flags);
	EXPECT_STREQ("legacy_arr", info.name);
	/* empty hash, array slot 0 exists: the program returns 1 */
	ASSERT_EQ(0, mb_sys_prog_test_run(mb_prog_fd(mb_object_prog(obj, 0)), pkt, sizeof(pkt),
					  NULL, NULL, NULL, 0, NULL, NULL, 1, 0, &ret, &dur));
	EXPECT_EQ(1, ret);
	mb_object_close(obj);
}

/* ---- the print callback ---------------------------------------------------- */

static char printed[4096];
static int print_calls;

static int catch_print(enum mb_print_level level, const char *fmt, va_list ap)
{
	size_t n = strlen(printed);

	print_calls++;
	if (level == MB_WARN && n < sizeof(printed))
		vsnprintf(printed + n, sizeof(printed) - n, fmt, ap);
	return 0;
}

/* Open and load loader_counts with a bad MINIBPF_BTF_LACKS (a warning, then
 * a normal load); returns what reached fd 2 meanwhile in out. */
static int load_warning(char *out, size_t len)
{
	struct mb_object *obj = mb_object_open(OBJ("loader_counts"), NULL);
	FILE *cap = tmpfile();
	int saved = dup(2), err = -1;
	size_t n;

	out[0] = 0;
	if (!obj || !cap || saved < 0)
		goto out;
	fflush(stderr);
	dup2(fileno(cap), 2);
	setenv("MINIBPF_BTF_LACKS", "no_such_kind", 1);
	err = mb_object_load(obj);
	unsetenv("MINIBPF_BTF_LACKS");
	fflush(stderr);
	dup2(saved, 2);
	rewind(cap);
	n = fread(out, 1, len - 1, cap);
	out[n] = 0;
out:
	if (saved >= 0)
		close(saved);
	if (cap)
		fclose(cap);
	mb_object_close(obj);
	return err;
}

TEST(library_is_silent_unless_a_printer_is_set)
{
	char err[1024];
	mb_print_fn old;

	ASSERT_TRUE(mb_set_print(NULL) == NULL);               /* the default: none */
	ASSERT_EQ(0, load_warning(err, sizeof(err))) TH_LOG("%s", mb_last_error());
	EXPECT_STREQ("", err);
	printed[0] = 0;
	ASSERT_TRUE(mb_set_print(catch_print) == NULL);
	ASSERT_EQ(0, load_warning(err, sizeof(err))) TH_LOG("%s", mb_last_error());
	old = mb_set_print(NULL);
	EXPECT_TRUE(old == catch_print);
	EXPECT_STREQ("", err);                                 /* still nothing on stderr */
	EXPECT_NE(NULL, strstr(printed, "minibpf: warning: MINIBPF_BTF_LACKS='no_such_kind'"))
		TH_LOG("printed: '%s'", printed);
	EXPECT_EQ('\n', printed[strlen(printed) - 1]);
	EXPECT_EQ(1, print_calls);
}

/* Object BTF the kernel refuses: the load goes on without it, and the
 * warning ends with the kernel's reason, the log's last lines, not all of
 * it (the log lists every type before the bad one: thousands of lines for
 * an object built against vmlinux.h). */
TEST(rejected_btf_warning_ends_with_the_reason)
{
	struct mb_object *obj = mb_object_open(OBJ("btf_extern_func"), NULL);
	const char *c;
	int lines = 0;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	printed[0] = 0;
	mb_set_print(catch_print);
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	mb_set_print(NULL);
	EXPECT_GE(mb_map_fd(mb_object_map_by_name(obj, "vals")), 3);
	EXPECT_NE(NULL, strstr(printed, "rejected the object's BTF")) TH_LOG("%s", printed);
	EXPECT_NE(NULL, strstr(printed, "Invalid func linkage\n")) TH_LOG("%s", printed);
	for (c = printed; *c; c++)
		lines += *c == '\n';
	EXPECT_LE(lines, 10) TH_LOG("%s", printed);
	mb_object_close(obj);
}

/* ---- options structs: sz is honoured both ways ----------------------------- */

/* The first LEN bytes of SRC copied to the end of a page that a PROT_NONE
 * page follows: reading past them faults. */
static void *at_page_end(void **map, const void *src, size_t len)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED || mprotect(m + pg, pg, PROT_NONE))
		return NULL;
	*map = m;
	return memcpy(m + pg - len, src, len);
}

TEST(open_opts_sz_older_and_newer_callers)
{
	struct mb_open_opts full = { .sz = sizeof(full), .object_name = "small",
				     .log_level = 1 };
	struct { struct mb_open_opts o; char tail[24]; } big = { .o = full };
	size_t old_sz = offsetof(struct mb_open_opts, log_level);
	struct mb_object *obj;
	const struct mb_open_opts *small;
	void *map = NULL;

	/* an older caller: fields past its sz are not read (log_level stays 0) */
	full.sz = old_sz;
	small = at_page_end(&map, &full, old_sz);
	ASSERT_NE(NULL, small);
	obj = mb_object_open(OBJ("loader_counts"), small);
	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	EXPECT_STREQ("small", mb_object_name(obj));
	mb_object_close(obj);
	obj = mb_object_open_mem("\x7f" "ELF", 4, small);      /* parses, fails, reads no further */
	EXPECT_EQ(NULL, obj);
	munmap(map, 2 * sysconf(_SC_PAGESIZE));

	/* a newer caller whose extra fields are zero */
	big.o.sz = sizeof(big);
	obj = mb_object_open(OBJ("loader_counts"), &big.o);
	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	EXPECT_STREQ("small", mb_object_name(obj));
	mb_object_close(obj);
	/* ... and one that sets an option this version lacks */
	big.tail[5] = 1;
	errno = 0;
	EXPECT_EQ(NULL, mb_object_open(OBJ("loader_counts"), &big.o));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NE(NULL, strstr(mb_last_error(), "mb_open_opts")) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(NULL, mb_object_open_mem("x", 1, &big.o));
	EXPECT_EQ(EINVAL, errno);
	/* sz too small to hold itself */
	full.sz = 2;
	EXPECT_EQ(NULL, mb_object_open(OBJ("loader_counts"), &full));
	EXPECT_EQ(EINVAL, errno);
}

TEST(attach_opts_sz_checked)
{
	struct mb_object *obj = mb_object_open(OBJ("loader_counts"), NULL);
	struct { struct mb_attach_opts o; uint64_t more; } big = {
		.o = { .sz = sizeof(big) }, .more = 1 };
	struct mb_attach_opts bad = { .sz = 1 };

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	errno = 0;
	EXPECT_EQ(NULL, mb_prog_attach_opts(mb_object_prog(obj, 0), &big.o));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NE(NULL, strstr(mb_last_error(), "mb_attach_opts")) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(NULL, mb_prog_attach_opts(mb_object_prog(obj, 0), &bad));
	EXPECT_EQ(EINVAL, errno);
	/* a zero tail passes the check (then: not loaded) */
	big.more = 0;
	EXPECT_EQ(NULL, mb_prog_attach_opts(mb_object_prog(obj, 0), &big.o));
	EXPECT_NE(NULL, strstr(mb_last_error(), "not loaded")) TH_LOG("%s", mb_last_error());
	mb_object_close(obj);
}

TEST(prog_setters_refused_after_load)
{
	struct mb_object *obj = mb_object_open(OBJ("loader_counts"), NULL);
	struct mb_prog *p;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	p = mb_object_prog(obj, 1);
	EXPECT_EQ(0, mb_prog_set_autoload(p, 0));
	EXPECT_EQ(0, mb_prog_set_type(p, BPF_PROG_TYPE_RAW_TRACEPOINT, 0));
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	EXPECT_GT(0, mb_prog_fd(p));                           /* autoload 0 held */
	EXPECT_EQ(-EBUSY, mb_prog_set_autoload(p, 1));
	EXPECT_NE(NULL, strstr(mb_last_error(), "count_raw")) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(-EBUSY, mb_prog_set_type(p, BPF_PROG_TYPE_XDP, 0));
	EXPECT_EQ(BPF_PROG_TYPE_RAW_TRACEPOINT, mb_prog_type(p));
	mb_object_close(obj);
}

/* ---- per-CPU maps: one 8-byte-aligned value per possible CPU --------------- */

/* CPU C's 4-byte value (the kernel leaves the padding after it undefined). */
static uint32_t *cpu_val(void *vals, int c)
{
	return (uint32_t *)((char *)vals + (size_t)c * 8);
}

TEST(percpu_array_every_cpu)
{
	struct mb_object *obj = mb_object_open(OBJ("loader_percpu"), NULL);
	int ncpu = mb_num_possible_cpus(), ran = 0, fd;
	uint8_t pkt[64] = { 0 };
	uint32_t k = 0, retval, dur, one;
	cpu_set_t old, set;
	struct mb_map *m;
	uint64_t *vals;       /* 4-byte values padded to 8: one 8-byte slot per CPU */
	size_t sz;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	ASSERT_GT(ncpu, 0);
	m = mb_object_map_by_name(obj, "pcpu");
	ASSERT_NE(NULL, m);
	ASSERT_EQ(4, mb_map_value_size(m));
	sz = mb_map_value_size_user(m);
	ASSERT_EQ((size_t)ncpu * 8, sz);
	vals = calloc(ncpu, 8);
	ASSERT_NE(NULL, vals);
	EXPECT_EQ(-EINVAL, mb_map_lookup_elem(m, &k, sizeof(k), vals, sz, 0));   /* not loaded */
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	fd = mb_prog_fd(mb_object_prog(obj, 0));

	/* the program runs on each CPU we may use, adding cpu + 1 there */
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(old), &old));
	for (int c = 0; c < ncpu && c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &old))
			continue;
		CPU_ZERO(&set);
		CPU_SET(c, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			continue;
		ASSERT_EQ(0, mb_sys_prog_test_run(fd, pkt, sizeof(pkt), NULL, NULL, NULL, 0, NULL,
						  NULL, 1, 0, &retval, &dur));
		ran++;
	}
	sched_setaffinity(0, sizeof(old), &old);
	ASSERT_GT(ran, 0);
	ASSERT_EQ(0, mb_map_lookup_elem(m, &k, sizeof(k), vals, sz, 0)) TH_LOG("%s", mb_last_error());
	for (int c = 0; c < ncpu; c++) {
		EXPECT_EQ(c < CPU_SETSIZE && CPU_ISSET(c, &old) ? (uint32_t)c + 1 : 0,
			  *cpu_val(vals, c)) TH_LOG("cpu %d", c);
	}

	/* written from user space, read back for every CPU */
	memset(vals, 0, sz);
	for (int c = 0; c < ncpu; c++)
		*cpu_val(vals, c) = 1000 + c;
	k = 1;
	ASSERT_EQ(0, mb_map_update_elem(m, &k, sizeof(k), vals, sz, BPF_ANY));
	memset(vals, 0, sz);
	ASSERT_EQ(0, mb_map_lookup_elem(m, &k, sizeof(k), vals, sz, 0));
	for (int c = 0; c < ncpu; c++) {
		EXPECT_EQ(1000 + c, *cpu_val(vals, c)) TH_LOG("cpu %d", c);
	}

	/* the map's own value size is not enough for a per-CPU map */
	EXPECT_EQ(-EINVAL, mb_map_lookup_elem(m, &k, sizeof(k), &one, sizeof(one), 0));
	EXPECT_NE(NULL, strstr(mb_last_error(), "map 'pcpu'")) TH_LOG("%s", mb_last_error());
	{
		char want[32];

		snprintf(want, sizeof(want), "needs %zu", sz);
		EXPECT_NE(NULL, strstr(mb_last_error(), want)) TH_LOG("%s", mb_last_error());
	}
	EXPECT_EQ(-EINVAL, mb_map_update_elem(m, &k, 2, vals, sz, 0));           /* key size */
	EXPECT_NE(NULL, strstr(mb_last_error(), "key is 2 bytes")) TH_LOG("%s", mb_last_error());
	/* an array has no deletes; the kernel's error, named */
	EXPECT_EQ(-EINVAL, mb_map_delete_elem(m, &k, sizeof(k), 0));
	EXPECT_EQ(-EINVAL, mb_map_delete_elem(m, &k, sizeof(k), 1));
	EXPECT_EQ(0, mb_map_get_next_key(m, NULL, &k, sizeof(k)));
	EXPECT_EQ(0, k);
	EXPECT_EQ(0, mb_map_get_next_key(m, &k, &k, sizeof(k)));
	EXPECT_EQ(1, k);
	EXPECT_EQ(-ENOENT, mb_map_get_next_key(m, &k, &k, sizeof(k)));
	free(vals);
	mb_object_close(obj);
}

/* SEC("?..."): such programs are left out of a load unless turned on, and
 * a ring buffer of 5000 bytes is created with a size the kernel takes. */
TEST(optional_programs_and_ringbuf_size)
{
	struct mb_object *obj = mb_object_open(OBJ("libbpf_conv"), NULL);
	struct mb_prog *always, *asked, *bad;
	struct mb_link *l1, *l2;
	struct bpf_map_info mi;
	uint32_t len = sizeof(mi), *pid;
	long page = sysconf(_SC_PAGESIZE);

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(7, mb_object_prog_count(obj));
	always = mb_object_prog_by_name(obj, "always");
	asked = mb_object_prog_by_name(obj, "when_asked");
	bad = mb_object_prog_by_name(obj, "never_valid");
	ASSERT_TRUE(always && asked && bad);
	EXPECT_EQ(BPF_PROG_TYPE_TRACEPOINT, mb_prog_type(asked));
	EXPECT_STREQ("?tp/syscalls/sys_enter_getpid", mb_prog_section(asked));
	pid = mb_object_global(obj, "target_pid", NULL);
	ASSERT_NE(NULL, pid);
	*pid = getpid();
	mb_prog_set_autoload(asked, 1);
	/* never_valid would fail the whole load if it reached the verifier */
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(-1, mb_prog_fd(bad));
	ASSERT_GE(mb_prog_fd(asked), 3);
	l1 = mb_prog_attach(always);
	l2 = mb_prog_attach(asked);
	ASSERT_TRUE(l1 && l2) TH_LOG("%s", mb_last_error());
	syscall(SYS_getpid);
	mb_link_destroy(l1);
	mb_link_destroy(l2);
	EXPECT_GE(lookup_u64(mb_object_map_by_name(obj, "hits"), 0), 1);
	EXPECT_GE(lookup_u64(mb_object_map_by_name(obj, "hits"), 1), 1);
	memset(&mi, 0, sizeof(mi));
	ASSERT_EQ(0, mb_sys_obj_get_info_by_fd(mb_map_fd(mb_object_map_by_name(obj, "events")),
					       &mi, &len));
	EXPECT_EQ(BPF_MAP_TYPE_RINGBUF, mi.type);
	/* the smallest power-of-2 number of pages that holds 5000 bytes */
	EXPECT_EQ(page >= 8192 ? page : 8192, mi.max_entries);
	mb_object_close(obj);

	/* turned on, the invalid one is verified, and fails the load by name */
	obj = mb_object_open(OBJ("libbpf_conv"), NULL);
	ASSERT_NE(NULL, obj);
	mb_prog_set_autoload(mb_object_prog_by_name(obj, "never_valid"), 1);
	EXPECT_EQ(-EACCES, mb_object_load(obj));
	EXPECT_NE(NULL, strstr(mb_last_error(), "never_valid")) TH_LOG("%s", mb_last_error());
	/* the verifier's reason, whole, at the end */
	EXPECT_NE(NULL, strstr(mb_last_error(), "R0 invalid mem access 'map_value_or_null'\n"
			       "processed ")) TH_LOG("%s", mb_last_error());
	mb_object_close(obj);
}

/* libbpf's rule for a global subprogram of __hidden visibility: its BTF FUNC
 * is made static, so the verifier checks it in its caller's context (p on
 * the stack) and it loads; the same function with default visibility is
 * verified on its own, where p may be NULL, and the kernel refuses it. */
TEST(hidden_global_subprog_verified_in_context)
{
	struct mb_object *obj = mb_object_open(OBJ("libbpf_conv"), NULL);
	uint8_t pkt[64] = { 0 };
	uint32_t ret = 0, dur;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	mb_prog_set_autoload(mb_object_prog_by_name(obj, "always"), 0);
	mb_prog_set_autoload(mb_object_prog_by_name(obj, "hidden_subprog"), 1);
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	/* it runs: skb->len + 1 (a socket filter's skb starts past the
	 * 14-byte Ethernet header) */
	ASSERT_EQ(0, mb_sys_prog_test_run(mb_prog_fd(mb_object_prog_by_name(obj, "hidden_subprog")),
					  pkt, sizeof(pkt), NULL, NULL, NULL, 0, NULL, NULL, 1, 0,
					  &ret, &dur));
	EXPECT_EQ(sizeof(pkt) - 14 + 1, ret);
	mb_object_close(obj);

	obj = mb_object_open(OBJ("libbpf_conv"), NULL);
	ASSERT_NE(NULL, obj);
	mb_prog_set_autoload(mb_object_prog_by_name(obj, "always"), 0);
	mb_prog_set_autoload(mb_object_prog_by_name(obj, "global_subprog"), 1);
	EXPECT_EQ(-EACCES, mb_object_load(obj));
	EXPECT_NE(NULL, strstr(mb_last_error(), "add_one")) TH_LOG("%s", mb_last_error());
	mb_object_close(obj);
}

/* Every .rodata* map is bound to every program (BPF_PROG_BIND_MAP), as
 * libbpf does: the kernel lists .rodata.cfg among the maps of a program
 * that never reads it, and .kconfig is no such map. */
TEST(rodata_maps_bound_to_every_program)
{
	struct mb_object *obj = mb_object_open(OBJ("libbpf_conv"), NULL);
	struct bpf_map_info mi[16];
	int i, n, rodata = 0, cfg = 0;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	mb_prog_set_autoload(mb_object_prog_by_name(obj, "always"), 0);
	mb_prog_set_autoload(mb_object_prog_by_name(obj, "hidden_subprog"), 1);
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	n = prog_maps(mb_prog_fd(mb_object_prog_by_name(obj, "hidden_subprog")), mi, 16);
	for (i = 0; i < n && i < 16; i++) {
		TH_LOG("map '%s'", mi[i].name);
		rodata += !strcmp(mi[i].name, "libbpf_c.rodata");
		cfg += !strcmp(mi[i].name, ".rodata.cfg");
	}
	/* the program uses no map at all: these two are the bound ones */
	EXPECT_EQ(2, n);
	EXPECT_EQ(1, rodata);
	EXPECT_EQ(1, cfg);
	mb_object_close(obj);
}

/* lsm_cgroup/HOOK: the kernel is asked for an LSM program of expected attach
 * type BPF_LSM_CGROUP at bpf_lsm_HOOK's BTF id (bpftool's BTF dump says which
 * id that is), as libbpf asks. The kernel here refuses LSM programs (EPERM):
 * then the request is all there is to check. */
TEST(lsm_cgroup_attaches_at_bpf_lsm_hook)
{
	struct mb_object *obj = mb_object_open(OBJ("libbpf_conv"), NULL);
	char *buf = NULL, want[64], line[256];
	size_t len = 0;
	unsigned id = 0;
	FILE *f, *p;
	int err;

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	if (system("command -v bpftool >/dev/null && test -r /sys/kernel/btf/vmlinux")) {
		mb_object_close(obj);
		SKIP(return, "no bpftool or no kernel BTF (the oracle of the hook's BTF id)");
	}
	p = popen("bpftool btf dump file /sys/kernel/btf/vmlinux | "
		  "grep \"FUNC 'bpf_lsm_socket_post_create'\"", "r");
	ASSERT_NE(NULL, p);
	if (fgets(line, sizeof(line), p))
		sscanf(line, "[%u]", &id);
	pclose(p);
	ASSERT_NE(0, id) TH_LOG("no bpf_lsm_socket_post_create in the kernel's BTF");
	mb_prog_set_autoload(mb_object_prog_by_name(obj, "always"), 0);
	mb_prog_set_autoload(mb_object_prog_by_name(obj, "cg_sock_create"), 1);
	f = open_memstream(&buf, &len);
	ASSERT_NE(NULL, f);
	mb_trace(f);
	err = mb_object_load(obj);
	mb_trace(NULL);
	fclose(f);
	snprintf(want, sizeof(want), "attach_btf_id=%u)", id);
	EXPECT_NE(NULL, strstr(buf, "prog_type=LSM expected_attach_type=LSM_CGROUP ")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("want %s in %s", want, buf);
	free(buf);
	if (err == -EPERM) {
		mb_object_close(obj);
		SKIP(return, "the kernel refuses LSM programs here (EPERM): the request was checked, not the load");
	}
	EXPECT_EQ(0, err) TH_LOG("%s", mb_last_error());
	EXPECT_GE(mb_prog_fd(mb_object_prog_by_name(obj, "cg_sock_create")), 3);
	mb_object_close(obj);
}

/* A program in a section the SEC() table does not know: its type set by the
 * user, it loads and attaches as that type says (a socket filter dropping
 * every datagram of a socket pair). */
TEST(set_type_decides_how_to_attach)
{
	struct mb_object *obj = mb_object_open(OBJ("libbpf_conv"), NULL);
	struct mb_attach_opts ao = { .sz = sizeof(ao) };
	struct mb_prog *p;
	struct mb_link *l;
	int sv[2];
	char c = 'x';

	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	p = mb_object_prog_by_name(obj, "custom_filter");
	ASSERT_NE(NULL, p);
	mb_prog_set_autoload(p, 1);
	mb_prog_set_type(p, BPF_PROG_TYPE_SOCKET_FILTER, 0);
	ASSERT_EQ(0, mb_object_load(obj)) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	/* without a socket, the error says what it needs */
	EXPECT_EQ(NULL, mb_prog_attach(p));
	EXPECT_NE(NULL, strstr(mb_last_error(), "a socket")) TH_LOG("%s", mb_last_error());
	ao.target_fd = sv[1];
	l = mb_prog_attach_opts(p, &ao);
	ASSERT_NE(NULL, l) TH_LOG("%s", mb_last_error());
	EXPECT_EQ(1, send(sv[0], &c, 1, 0));
	EXPECT_EQ(-1, recv(sv[1], &c, 1, MSG_DONTWAIT));   /* dropped by the filter */
	EXPECT_EQ(EAGAIN, errno);
	mb_link_destroy(l);
	close(sv[0]);
	close(sv[1]);
	mb_object_close(obj);
}

/* ir-keytable's decoders load where the kernel has lirc_mode2 programs
 * (CONFIG_BPF_LIRC_MODE2: the Debian guest kernels do, this VM does not). */
TEST(ir_keytable_decoder_loads)
{
	const char *path = "/lib/udev/rc_keymaps/protocols/raw.o";
	struct mb_object *obj;
	int err;

	if (access(path, R_OK))
		SKIP(return, "%s: no ir-keytable installed (scripts/setup.sh installs it)", path);
	obj = mb_object_open(path, NULL);
	ASSERT_NE(NULL, obj) TH_LOG("%s", mb_last_error());
	ASSERT_EQ(BPF_PROG_TYPE_LIRC_MODE2, mb_prog_type(mb_object_prog(obj, 0)));
	err = mb_object_load(obj);
	if (err == -EINVAL && !strstr(mb_last_error(), "verifier log")) {
		mb_object_close(obj);
		SKIP(return, "the kernel refuses lirc_mode2 programs (no CONFIG_BPF_LIRC_MODE2)");
	}
	EXPECT_EQ(0, err) TH_LOG("%s", mb_last_error());
	EXPECT_GE(mb_map_fd(mb_object_map_by_name(obj, "raw_map")), 3);
	mb_object_close(obj);
}

/* An object of the other byte order is refused by name before any syscall
 * (its data and BTF-described values would be read wrong); it still opens,
 * for obj dump and inspection. */
TEST(foreign_byte_order_refused_before_any_syscall)
{
	static const char *const objs[] = { "hello", "loader_counts", "btf_maps" };
	size_t i;

	if (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
		SKIP(return, "the fixtures of the other byte order are built big-endian (bpfeb)");
	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		char path[512], *trace = NULL;
		size_t tlen = 0;
		struct mb_object *obj;
		FILE *f;
		int err;

		snprintf(path, sizeof(path), MB_BUILD_DIR "/progs/%s.bpfeb.o", objs[i]);
		obj = mb_object_open(path, NULL);
		ASSERT_NE(NULL, obj) TH_LOG("%s: %s", path, mb_last_error());
		EXPECT_LT(0, mb_object_prog_count(obj));
		f = open_memstream(&trace, &tlen);
		ASSERT_NE(NULL, f);
		mb_trace(f);
		err = mb_object_load(obj);
		mb_trace(NULL);
		fclose(f);
		EXPECT_EQ(-ENOEXEC, err);
		EXPECT_NE(NULL, strstr(mb_last_error(), "is big-endian but this host is little-endian"))
			TH_LOG("%s", mb_last_error());
		EXPECT_EQ(NULL, strstr(trace, "bpf(")) TH_LOG("%s", trace);
		EXPECT_EQ(-1, mb_prog_fd(mb_object_prog(obj, 0)));
		free(trace);
		mb_object_close(obj);
	}
}

TEST_HARNESS_MAIN
