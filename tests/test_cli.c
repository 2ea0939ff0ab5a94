/* End-to-end tests of the minibpf CLI, with bpftool as the oracle. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscall/bpf_sys.h"
#include "kselftest_harness.h"

/* Every command goes through sh: MINIBPF=PATH runs them all against another
 * build of the CLI (make test does, with the static musl binary). */
#define MB "${MINIBPF:-" MB_BUILD_DIR "/minibpf}"

/* Run a shell command; stdout into out (NUL-terminated), stderr into err.
 * Returns the exit status, or -1. */
static int run(char *out, size_t olen, char *err, size_t elen, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int run(char *out, size_t olen, char *err, size_t elen, const char *fmt, ...)
{
	char cmd[2048], efile[64];
	va_list ap;
	size_t n = 0;
	FILE *p;
	int st;

	snprintf(efile, sizeof(efile), "/tmp/mbcli_err.%d", getpid());
	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd) - 80, fmt, ap);
	va_end(ap);
	snprintf(cmd + n, sizeof(cmd) - n, " 2>%s", efile);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = 0;
	if (out) {
		n = fread(out, 1, olen - 1, p);
		out[n] = 0;
	} else {
		char sink[4096];

		while (fread(sink, 1, sizeof(sink), p) > 0)
			;
	}
	st = pclose(p);
	if (err) {
		FILE *f = fopen(efile, "re");

		n = f ? fread(err, 1, elen - 1, f) : 0;
		err[n] = 0;
		if (f)
			fclose(f);
	}
	unlink(efile);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int have_bpftool(void)
{
	return !system("bpftool version >/dev/null 2>&1");
}

static int have_jq(void)
{
	return !system("jq --version >/dev/null 2>&1");
}

/* What the CLI under test is built with (make MB_X=0, make tiny): a word of
 * one of its `version` lines, "features: trace, json, ..." (has_feature) or
 * "objects: prog map ..." (has_object). */
static int version_has(const char *line, const char *what)
{
	static char v[1024];
	size_t n = strlen(what);
	const char *p, *end;

	if (!v[0] && run(v, sizeof(v), NULL, 0, MB " version") != 0)
		strcpy(v, "?");
	p = strstr(v, line);
	if (!p)
		return 0;
	end = strchr(p + 1, '\n');
	for (; (p = strstr(p, what)) && (!end || p < end); p += n)
		if (p[-1] == ' ' && (p[n] == ',' || p[n] == ' ' || p[n] == '\n'))
			return 1;
	return 0;
}
#define has_feature(w) version_has("\nfeatures:", w)
#define has_object(w) version_has("\nobjects:", w)
#define NEEDS_(has, what) do { if (!has(what)) \
	SKIP(return, "this minibpf is built without %s (make tiny, MB_* options)", what); } while (0)
#define NEEDS(what) NEEDS_(has_feature, what)
#define NEEDS_OBJ(what) NEEDS_(has_object, what)

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

FIXTURE(cli) {
	int map_fd, prog_fd;
	uint32_t map_id, prog_id;
	char dir[64];
	int by_name;            /* bit i: by_name_pins[i] was made by the test */
};

/* The maps of xdp-tools' xdpfilt_alw_all, which it pins by name in the
 * bpffs root (LIBBPF_PIN_BY_NAME): what a test that loads it made is
 * removed in the teardown, what was there before stays. */
static const char *const by_name_pins[] = { "filter_ethernet", "filter_ipv4", "filter_ipv6",
					    "filter_ports", "xdp_stats_map" };

static int by_name_absent(void)
{
	char p[128];
	int bits = 0;

	for (int i = 0; i < (int)(sizeof(by_name_pins) / sizeof(by_name_pins[0])); i++) {
		snprintf(p, sizeof(p), "/sys/fs/bpf/%s", by_name_pins[i]);
		bits |= access(p, F_OK) ? 1 << i : 0;
	}
	return bits;
}

static uint32_t fd_id(int fd)
{
	struct bpf_prog_info info;   /* id is the first field in all info structs */
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return mb_sys_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

FIXTURE_SETUP(cli)
{
	struct mb_map_create_args ma = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
					 .value_size = 8, .max_entries = 4, .name = "cli_arr" };
	char *log = NULL;

	self->prog_fd = -1;
	self->by_name = 0;
	snprintf(self->dir, sizeof(self->dir), "/sys/fs/bpf/mbcli_%d", getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	self->map_fd = mb_sys_map_create(&ma);
	ASSERT_LE(3, self->map_fd);
	self->map_id = fd_id(self->map_fd);

	/* Map lookup, a jump, an atomic add, a helper call: enough to compare
	 * the disassembler against bpftool's. */
	struct bpf_insn insns[] = {
		INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 1),
		INSN(BPF_LD | BPF_IMM | BPF_DW, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, self->map_fd),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1),
		INSN(BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_0, BPF_REG_1, 0, BPF_ADD),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_prandom_u32),
		INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_0, 0, 0, 0),
		INSN(BPF_JMP32 | BPF_JGT | BPF_K, BPF_REG_0, 0, 1, 5),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 7),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	struct mb_prog_load_args pa = {
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = insns,
		.insn_cnt = sizeof(insns) / sizeof(insns[0]), .license = "GPL", .name = "cli_prog",
	};
	self->prog_fd = mb_prog_load_log(&pa, &log);
	if (self->prog_fd < 0)
		TH_LOG("load: %s\n%s", strerror(-self->prog_fd), log ? log : "");
	free(log);
	ASSERT_LE(3, self->prog_fd);
	self->prog_id = fd_id(self->prog_fd);
}

FIXTURE_TEARDOWN(cli)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (self->dir[0])
		system(cmd);
	for (int i = 0; i < (int)(sizeof(by_name_pins) / sizeof(by_name_pins[0])); i++)
		if (self->by_name & (1 << i)) {
			snprintf(cmd, sizeof(cmd), "/sys/fs/bpf/%s", by_name_pins[i]);
			unlink(cmd);
		}
	mb_close(self->prog_fd);
	mb_close(self->map_fd);
}

TEST_F(cli, prefix_and_help)
{
	char out[65536], err[4096];

	ASSERT_EQ(0, run(out, sizeof(out), err, sizeof(err), MB " p s id %u", self->prog_id));
	ASSERT_NE(NULL, strstr(out, "name cli_prog"));
	ASSERT_EQ(0, run(NULL, 0, err, sizeof(err), MB " prog help"));
	ASSERT_NE(NULL, strstr(err, "Usage: minibpf prog"));
	ASSERT_EQ(0, run(out, sizeof(out), NULL, 0, MB " -V"));
	ASSERT_EQ(0, strncmp(out, "minibpf v", 9));
}

TEST_F(cli, bad_input)
{
	char err[4096];

	NEEDS_OBJ("map");

	ASSERT_EQ(1, run(NULL, 0, err, sizeof(err), MB " prog frobnicate"));
	ASSERT_EQ(0, strncmp(err, "Error: ", 7));
	ASSERT_EQ(1, run(NULL, 0, err, sizeof(err), MB " map lookup id %u key 1 2", self->map_id));
	ASSERT_NE(NULL, strstr(err, "4 bytes expected"));
	ASSERT_EQ(1, run(NULL, 0, err, sizeof(err), MB " map lookup id 4000000000 key u32 1"));
	ASSERT_NE(NULL, strstr(err, "get map by id"));
	/* one line */
	ASSERT_EQ(strlen(err) - 1, (size_t)(strchr(err, '\n') - err));
	ASSERT_EQ(1, run(NULL, 0, err, sizeof(err), MB " map update id %u key u32 9 value u64 1",
			 self->map_id));
	ASSERT_NE(NULL, strstr(err, "Argument list too long"));   /* E2BIG: index >= max_entries */
}

/* A refused load's error ends with the verifier's reason, however long the
 * message (it was cut at 512 bytes, before the reason). */
TEST_F(cli, load_error_ends_with_the_verifiers_reason)
{
	char err[16384], path[256];
	const char *end;

	snprintf(path, sizeof(path), "%s/bad", self->dir);
	ASSERT_EQ(1, run(NULL, 0, err, sizeof(err), MB " prog loadall %s %s",
			 MB_BUILD_DIR "/progs/loader_bad.bpf.o", path));
	EXPECT_LT(512, strlen(err));
	EXPECT_NE(NULL, strstr(err, "R0 invalid mem access 'map_value_or_null'\nprocessed "))
		TH_LOG("%s", err);
	end = strrchr(err, '\n');
	ASSERT_NE(NULL, end);
	EXPECT_EQ('\0', end[1]);
	EXPECT_EQ(-1, access(path, F_OK));
}

/* libbpf conventions at the command line: SEC("?...") programs are neither
 * loaded nor pinned, an object of maps only is loaded for pinmaps, and
 * `type` takes bpftool's section-style names. */
TEST_F(cli, loadall_optional_maps_only_and_type_names)
{
	char out[8192], err[4096], dir[256], maps[256];

	NEEDS_OBJ("map");

	snprintf(dir, sizeof(dir), "%s/conv", self->dir);
	ASSERT_EQ(0, run(NULL, 0, err, sizeof(err), MB " prog loadall %s %s",
			 MB_BUILD_DIR "/progs/libbpf_conv.bpf.o", dir)) TH_LOG("%s", err);
	EXPECT_EQ(0, access(strcat(strcpy(out, dir), "/always"), F_OK));
	EXPECT_EQ(-1, access(strcat(strcpy(out, dir), "/when_asked"), F_OK));
	EXPECT_EQ(-1, access(strcat(strcpy(out, dir), "/never_valid"), F_OK));

	snprintf(dir, sizeof(dir), "%s/mo", self->dir);
	snprintf(maps, sizeof(maps), "%s/mo_maps", self->dir);
	ASSERT_EQ(0, run(NULL, 0, err, sizeof(err), MB " prog loadall %s %s pinmaps %s",
			 MB_BUILD_DIR "/progs/maps_only.bpf.o", dir, maps)) TH_LOG("%s", err);
	EXPECT_EQ(-1, access(dir, F_OK));       /* no programs: no program directory */
	ASSERT_EQ(0, run(out, sizeof(out), err, sizeof(err), MB " map dump pinned %s/maps_onl_data",
			 maps)) TH_LOG("%s", err);
	/* typed by its BTF, or hex in a build without BTF dumps */
	EXPECT_NE(NULL, strstr(out, has_feature("btf_dump") ? "\"generation\": 7" :
			       "value: 07 00 00 00")) TH_LOG("%s", out);
	ASSERT_EQ(0, run(out, sizeof(out), err, sizeof(err), MB " map show pinned %s/shared_counts",
			 maps)) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(out, "max_entries 128")) TH_LOG("%s", out);
	/* load pins one program at PATH: an object without one is an error */
	EXPECT_EQ(1, run(NULL, 0, err, sizeof(err), MB " prog load %s %s/x",
			 MB_BUILD_DIR "/progs/maps_only.bpf.o", self->dir));
	EXPECT_NE(NULL, strstr(err, "has no programs")) TH_LOG("%s", err);

	snprintf(dir, sizeof(dir), "%s/cs", self->dir);
	EXPECT_EQ(1, run(NULL, 0, err, sizeof(err), MB " prog load %s %s",
			 MB_BUILD_DIR "/progs/custom_sec.bpf.o", dir));
	EXPECT_NE(NULL, strstr(err, "names no program type")) TH_LOG("%s", err);
	ASSERT_EQ(0, run(NULL, 0, err, sizeof(err), MB " prog load %s %s type socket",
			 MB_BUILD_DIR "/progs/custom_sec.bpf.o", dir)) TH_LOG("%s", err);
	ASSERT_EQ(0, run(out, sizeof(out), err, sizeof(err), MB " prog show pinned %s", dir));
	EXPECT_NE(NULL, strstr(out, "socket_filter  name drop_all")) TH_LOG("%s", out);
	unlink(dir);
	ASSERT_EQ(0, run(NULL, 0, err, sizeof(err), MB " prog load %s %s type cgroup/skb",
			 MB_BUILD_DIR "/progs/custom_sec.bpf.o", dir)) TH_LOG("%s", err);
	ASSERT_EQ(0, run(out, sizeof(out), err, sizeof(err), MB " prog show pinned %s", dir));
	EXPECT_NE(NULL, strstr(out, "cgroup_skb  name drop_all")) TH_LOG("%s", out);
	unlink(dir);
	EXPECT_EQ(1, run(NULL, 0, err, sizeof(err), MB " prog load %s %s type socket_filter",
			 MB_BUILD_DIR "/progs/maps_only.bpf.o", dir));
}

/* A pin outside bpffs: the kernel says only EPERM; the error says why, for
 * programs, links and maps alike, and nothing is left. */
TEST_F(cli, pin_outside_bpffs_says_so)
{
	static const char *const how[] = { "prog load %s %s", "prog load %s %s autoattach",
					   "prog loadall %s %s" };
	char err[4096], path[64], fmt[128];
	size_t i;

	snprintf(path, sizeof(path), "/tmp/mbtest_nobpffs.%d", getpid());
	for (i = 0; i < sizeof(how) / sizeof(how[0]); i++) {
		snprintf(fmt, sizeof(fmt), MB " %s", how[i]);
		EXPECT_EQ(1, run(NULL, 0, err, sizeof(err), fmt, MB_BUILD_DIR "/progs/hello.bpf.o",
				 path));
		EXPECT_NE(NULL, strstr(err, "not on a bpf filesystem")) TH_LOG("%s: %s", how[i], err);
		EXPECT_EQ(-1, access(path, F_OK));
	}
	EXPECT_EQ(1, run(NULL, 0, err, sizeof(err), MB " prog loadall %s %s/mo pinmaps %s",
			 MB_BUILD_DIR "/progs/maps_only.bpf.o", self->dir, path));
	EXPECT_NE(NULL, strstr(err, "not on a bpf filesystem")) TH_LOG("%s", err);
	EXPECT_EQ(-1, access(path, F_OK));
	rmdir(path);
}

TEST_F(cli, show_matches_bpftool)
{
	char a[65536], b[65536];

	NEEDS("json");
	NEEDS_OBJ("map");

	if (!have_bpftool() || !have_jq())
		SKIP(return, "bpftool or jq not installed");
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0,
			 MB " -j prog show id %u | jq -c '{id,type,name,tag,gpl_compatible,bytes_xlated,map_ids}'",
			 self->prog_id));
	ASSERT_EQ(0, run(b, sizeof(b), NULL, 0,
			 "bpftool -j prog show id %u | jq -c '{id,type,name,tag,gpl_compatible,bytes_xlated,map_ids}'",
			 self->prog_id));
	ASSERT_STREQ(b, a);
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0,
			 MB " -j map show id %u | jq -c 'del(.bytes_memlock)'", self->map_id));
	ASSERT_EQ(0, run(b, sizeof(b), NULL, 0,
			 "bpftool -j map show id %u | jq -c 'del(.bytes_memlock)'", self->map_id));
	ASSERT_STREQ(b, a);
	/* the whole list parses, pretty too */
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " -j prog show | jq -e 'length > 0'"));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " -p map show | jq -e 'length > 0'"));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " -p link show | jq -e ."));
	/* plain output equal too, apart from the memlock figure */
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " prog show id %u", self->prog_id));
	ASSERT_EQ(0, run(b, sizeof(b), NULL, 0, "bpftool prog show id %u", self->prog_id));
	ASSERT_STREQ(b, a);
}

TEST_F(cli, dump_xlated_matches_bpftool)
{
	char a[65536], b[65536];

	NEEDS("disasm");
	NEEDS("extra_cmds");

	if (!have_bpftool())
		SKIP(return, "bpftool not installed");
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " prog dump xlated id %u opcodes", self->prog_id));
	ASSERT_EQ(0, run(b, sizeof(b), NULL, 0,
			 "bpftool prog dump xlated id %u opcodes", self->prog_id));
	ASSERT_STREQ(b, a);
	ASSERT_NE(NULL, strstr(a, "map[id:"));
	ASSERT_NE(NULL, strstr(a, "lock *(u64 *)(r0 +0) += r1"));
	ASSERT_NE(NULL, strstr(a, "if w0 > 0x5 goto pc+1"));
}

TEST_F(cli, map_update_agrees_with_bpftool)
{
	char a[4096], pin[128];

	NEEDS("json");
	NEEDS_OBJ("map");
	NEEDS("extra_cmds");

	snprintf(pin, sizeof(pin), "%s/m", self->dir);
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " map create %s type hash key 4 value 8 entries 8 name cli_h",
			 pin));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " map update pinned %s key u32 3 value u64 0x1122", pin));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " map update pinned %s key hex 04 00 00 00 value 1 2 3 4 5 6 7 8 noexist", pin));
	ASSERT_EQ(1, run(NULL, 0, NULL, 0, MB " map update pinned %s key u32 3 value u64 1 noexist", pin));
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " map lookup pinned %s key 3 0 0 0", pin));
	ASSERT_STREQ("key: 03 00 00 00  value: 22 11 00 00 00 00 00 00\n", a);
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " map dump pinned %s | tail -1", pin));
	ASSERT_STREQ("Found 2 elements\n", a);
	if (!have_bpftool())
		SKIP(return, "bpftool not installed");
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, "bpftool map lookup pinned %s key 4 0 0 0", pin));
	ASSERT_NE(NULL, strstr(a, "01 02 03 04 05 06 07 08"));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, "bpftool map update pinned %s key 5 0 0 0 value 9 0 0 0 0 0 0 0", pin));
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j map lookup pinned %s key u32 5", pin));
	ASSERT_STREQ("{\"key\":[\"0x05\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x09\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\"]}\n", a);
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " map delete pinned %s key u32 5", pin));
	ASSERT_NE(0, run(NULL, 0, NULL, 0, "bpftool map lookup pinned %s key 5 0 0 0", pin));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " map freeze pinned %s", pin));
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j map show pinned %s", pin));
	ASSERT_NE(NULL, strstr(a, "\"frozen\":1"));
}

TEST_F(cli, prog_pin_and_run)
{
	char a[4096], pin[128], data[128];
	FILE *f;

	NEEDS("extra_cmds");
	NEEDS_OBJ("map");

	snprintf(pin, sizeof(pin), "%s/p", self->dir);
	snprintf(data, sizeof(data), "%s/../mbcli_data.%d", "/tmp", getpid());
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " prog pin id %u %s", self->prog_id, pin));
	f = fopen(data, "we");
	ASSERT_NE(NULL, f);
	for (int i = 0; i < 64; i++)
		fputc(i, f);
	fclose(f);
	/* get_prandom_u32() & 0 is 0, not > 5: the program returns 7. */
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " prog run pinned %s data_in %s repeat 3", pin, data));
	unlink(data);
	ASSERT_EQ(0, strncmp(a, "Return value: 7, duration (average): ", 37));
	/* the program counted its runs in map slot 1 */
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " map lookup id %u key u32 1", self->map_id));
	ASSERT_STREQ("key: 01 00 00 00  value: 03 00 00 00 00 00 00 00\n", a);
}

TEST_F(cli, link_show_pin_detach)
{
	struct bpf_insn insns[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	struct mb_prog_load_args pa = {
		.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT, .insns = insns, .insn_cnt = 2,
		.license = "GPL", .name = "cli_rtp",
	};
	char a[4096], pin[128], *log = NULL;
	int pfd, lfd;
	uint32_t lid;

	NEEDS("json");
	NEEDS_OBJ("link");

	pfd = mb_prog_load_log(&pa, &log);
	free(log);
	ASSERT_LE(3, pfd);
	lfd = mb_sys_raw_tracepoint_open("sys_enter", pfd);
	mb_close(pfd);
	ASSERT_LE(3, lfd);
	lid = fd_id(lfd);
	snprintf(pin, sizeof(pin), "%s/l", self->dir);
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " link show id %u", lid));
	ASSERT_NE(NULL, strstr(a, "raw_tracepoint  prog "));
	ASSERT_NE(NULL, strstr(a, "tp 'sys_enter'"));
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j link show id %u", lid));
	ASSERT_NE(NULL, strstr(a, "\"tp\":\"sys_enter\""));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " link pin id %u %s", lid, pin));
	mb_close(lfd);
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j link show pinned %s", pin));
	ASSERT_NE(NULL, strstr(a, "\"type\":\"raw_tracepoint\""));
	/* raw_tp links cannot be detached (no such link op) */
	ASSERT_EQ(1, run(NULL, 0, NULL, 0, MB " link detach pinned %s", pin));
	unlink(pin);
}

TEST_F(cli, link_detach_netns)
{
	struct bpf_insn insns[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	struct mb_prog_load_args pa = {
		.prog_type = BPF_PROG_TYPE_FLOW_DISSECTOR, .insns = insns, .insn_cnt = 2,
		.expected_attach_type = BPF_FLOW_DISSECTOR, .license = "GPL", .name = "cli_fd",
	};
	char a[4096], *log = NULL;
	int pfd, lfd, nsfd;
	uint32_t lid;

	NEEDS_OBJ("link");

	/* each test runs in its own child: a private netns leaves the host alone */
	if (unshare(CLONE_NEWNET))
		SKIP(return, "unshare(CLONE_NEWNET): %s", strerror(errno));
	nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, nsfd);
	pfd = mb_prog_load_log(&pa, &log);
	free(log);
	ASSERT_LE(3, pfd);
	struct mb_link_create_args la = { .prog_fd = pfd, .target_fd = nsfd,
					  .attach_type = BPF_FLOW_DISSECTOR };
	lfd = mb_sys_link_create(&la);
	close(nsfd);
	mb_close(pfd);
	ASSERT_LE(3, lfd);
	lid = fd_id(lfd);
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " link show id %u", lid));
	ASSERT_NE(NULL, strstr(a, "attach_type flow_dissector"));
	ASSERT_EQ(NULL, strstr(a, "netns_ino 0 "));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " link detach id %u", lid));
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " link show id %u", lid));
	ASSERT_NE(NULL, strstr(a, "netns_ino 0 "));
	mb_close(lfd);
}

#define OBJ MB_BUILD_DIR "/progs/loader_counts.bpf.o"

TEST_F(cli, loadall_autoattach_and_dump)
{
	char a[65536], b[65536], dir[128];
	unsigned pid_prog = 0, lid = 0;

	NEEDS("json");
	NEEDS_OBJ("map");
	NEEDS_OBJ("link");

	if (access(OBJ, R_OK))
		SKIP(return, "%s not built", OBJ);
	snprintf(dir, sizeof(dir), "%s/all", self->dir);
	ASSERT_EQ(0, run(NULL, 0, a, sizeof(a), MB " prog loadall " OBJ " %s autoattach pinmaps %s/maps",
			 dir, self->dir)) TH_LOG("%s", a);
	/* the pins are links: programs stay attached after minibpf exits */
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j link show pinned %s/count_getpid", dir));
	ASSERT_NE(NULL, strstr(a, "\"type\":\"perf_event\""));
	ASSERT_EQ(1, sscanf(strstr(a, "\"prog_id\":"), "\"prog_id\":%u", &pid_prog));
	ASSERT_EQ(1, sscanf(strstr(a, "\"id\":"), "\"id\":%u", &lid));
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " link show pinned %s/count_raw", dir));
	ASSERT_NE(NULL, strstr(a, "tp 'sys_enter'"));
	/* maps pinned, global data under libbpf's sanitised names */
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " map show pinned %s/maps/counts", self->dir));
	ASSERT_NE(NULL, strstr(a, "hash  name counts"));
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, "ls %s/maps", self->dir));
	ASSERT_NE(NULL, strstr(a, "loader_c_rodata"));
	/* typed dump through the map's BTF */
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " map update pinned %s/maps/counts key u32 5 value u64 9",
			 self->dir));
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j map lookup pinned %s/maps/counts key u32 5",
			 self->dir));
	if (has_feature("btf_dump"))
		ASSERT_NE(NULL, strstr(a, "\"formatted\":{\"key\":5,\"value\":9}"));
	if (have_bpftool() && has_feature("disasm") && has_feature("extra_cmds")) {
		/* subprogram calls, bpf_loop callback, map values, source lines and
		 * function prototypes from the BTF: same text as bpftool */
		ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " prog dump xlated id %u", pid_prog));
		ASSERT_EQ(0, run(b, sizeof(b), NULL, 0, "bpftool prog dump xlated id %u", pid_prog));
		ASSERT_STREQ(b, a);
		ASSERT_NE(NULL, strstr(a, "\n; "));
		ASSERT_NE(NULL, strstr(a, "):\n"));
		ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " prog dump xlated id %u linum", pid_prog));
		ASSERT_EQ(0, run(b, sizeof(b), NULL, 0, "bpftool prog dump xlated id %u linum", pid_prog));
		ASSERT_STREQ(b, a);
		ASSERT_NE(NULL, strstr(a, "loader_counts.bpf.c line_num:"));
		ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j prog dump xlated id %u opcodes", pid_prog));
		ASSERT_EQ(0, run(b, sizeof(b), NULL, 0, "bpftool -j prog dump xlated id %u opcodes", pid_prog));
		ASSERT_STREQ(b, a);
	}
	/* removing the pins detaches */
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, "rm -r %s", dir));
	usleep(100000);
	ASSERT_NE(0, run(NULL, 0, NULL, 0, MB " link show id %u", lid));
}

TEST_F(cli, obj_dump)
{
	char a[65536];

	NEEDS_OBJ("obj");
	NEEDS("disasm");

	if (access(OBJ, R_OK))
		SKIP(return, "%s not built", OBJ);
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " obj dump " OBJ));
	ASSERT_NE(NULL, strstr(a, "little-endian  license GPL"));
	ASSERT_NE(NULL, strstr(a, "map counts (counts)  hash  key 4B  value 8B  max_entries 64"));
	ASSERT_NE(NULL, strstr(a, "prog count_getpid  section tracepoint/syscalls/sys_enter_getpid"));
	ASSERT_NE(NULL, strstr(a, "; map counts"));
	ASSERT_NE(NULL, strstr(a, "call bpf_get_current_pid_tgid#14"));
	if (!have_jq())
		return;
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " -j obj dump " OBJ " | jq -e '.programs | length == 2'"));
}

/* --trace shows the files a load reads, as strace would: the kernel's BTF,
 * its config and /proc/kallsyms (core_extern has .kconfig and ksym externs). */
TEST_F(cli, trace_shows_file_syscalls)
{
	static char a[1 << 16];
	const char *ext = MB_BUILD_DIR "/progs/core_extern.bpf.o";
	char pin[300];

	NEEDS("trace");
	NEEDS("extern");
	NEEDS("core");

	if (access(ext, R_OK))
		SKIP(return, "%s not built", ext);
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		SKIP(return, "no kernel BTF");
	if (!has_feature("config_gz")) {
		struct utsname u;

		uname(&u);
		snprintf(pin, sizeof(pin), "/boot/config-%s", u.release);
		if (access(pin, R_OK))
			SKIP(return, "no %s, and this minibpf is built without config_gz (MB_CONFIG_GZ=0)", pin);
	}
	snprintf(pin, sizeof(pin), "%s/ext", self->dir);
	/* the ~1,300 reads of kallsyms (4 KB each) are left out of the capture */
	run(a, sizeof(a), NULL, 0, MB " --trace prog load %s %s 2>&1 >/dev/null | grep -v '^read(.*kallsyms>'",
	    ext, pin);
	ASSERT_EQ(0, access(pin, F_OK)) TH_LOG("the load failed:\n%s", a);
	EXPECT_NE(NULL, strstr(a, "openat(\"/sys/kernel/btf/vmlinux\", O_RDONLY|O_CLOEXEC) = ")) TH_LOG("%s", a);
	EXPECT_NE(NULL, strstr(a, "pread64(")) TH_LOG("%s", a);
	EXPECT_NE(NULL, strstr(a, "openat(\"/proc/kallsyms\", O_RDONLY|O_CLOEXEC) = ")) TH_LOG("%s", a);
	/* /boot/config-$(uname -r), else /proc/config.gz: either is opened and read */
	EXPECT_NE(NULL, strstr(a, "openat(\"/boot/config-")) TH_LOG("%s", a);
	EXPECT_TRUE(strstr(a, "</proc/config.gz>, ") || strstr(a, "</boot/config-")) TH_LOG("%s", a);
	EXPECT_NE(NULL, strstr(a, "bpf(BPF_MAP_CREATE, map_type=ARRAY")) TH_LOG("%s", a);
}

TEST_F(cli, feature_probe)
{
	char a[65536];

	NEEDS_OBJ("feature");
	NEEDS("json");

	if (!have_jq())
		SKIP(return, "jq not installed");
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j feature probe kernel helpers socket_filter | jq -c "
			 "'[.program_types.have_socket_filter_prog_type, .map_types.have_hash_map_type, "
			 "(.helpers.socket_filter_available_helpers | index(\"bpf_map_lookup_elem\") != null), "
			 "(.helpers.socket_filter_available_helpers | index(\"bpf_override_return\") != null)]'"));
	ASSERT_STREQ("[true,true,true,false]\n", a);
}

/* cgroup v2 mount point from mountinfo. */
static int cgroup2_root(char *buf, size_t len)
{
	char line[1024], mnt[512], *dash;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		dash = strstr(line, " - cgroup2 ");
		if (dash && sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1) {
			snprintf(buf, len, "%s", mnt);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

TEST_F(cli, cgroup_attach_show_detach)
{
	struct bpf_insn insns[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	struct mb_prog_load_args pa = {
		.prog_type = BPF_PROG_TYPE_CGROUP_SKB, .insns = insns, .insn_cnt = 2,
		.expected_attach_type = BPF_CGROUP_INET_INGRESS, .license = "GPL", .name = "cli_cg",
	};
	char root[512], cg[640], a[4096], *log = NULL;
	int pfd;
	uint32_t id;

	NEEDS_OBJ("cgroup");
	NEEDS("json");

	if (cgroup2_root(root, sizeof(root)))
		SKIP(return, "no cgroup v2 mount");
	snprintf(cg, sizeof(cg), "%s/mbcli_%d", root, getpid());
	ASSERT_EQ(0, mkdir(cg, 0755));
	pfd = mb_prog_load_log(&pa, &log);
	free(log);
	id = pfd >= 0 ? fd_id(pfd) : 0;
	if (!id)
		rmdir(cg);
	ASSERT_NE(0, id);
	EXPECT_EQ(0, run(NULL, 0, NULL, 0, MB " cgroup attach %s ingress id %u multi", cg, id));
	EXPECT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j cgroup show %s", cg));
	EXPECT_NE(NULL, strstr(a, "\"attach_type\":\"cgroup_inet_ingress\",\"attach_flags\":\"multi\",\"name\":\"cli_cg\""));
	EXPECT_EQ(0, run(NULL, 0, NULL, 0, MB " cgroup detach %s cgroup_inet_ingress id %u", cg, id));
	EXPECT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j cgroup show %s", cg));
	EXPECT_STREQ("[]\n", a);
	mb_close(pfd);
	rmdir(cg);
}

TEST_F(cli, net_xdp_tcx)
{
	struct bpf_insn insns[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 2 /* XDP_PASS */),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	struct mb_prog_load_args pa = {
		.prog_type = BPF_PROG_TYPE_XDP, .insns = insns, .insn_cnt = 2,
		.license = "GPL", .name = "cli_xdp",
	};
	char a[4096], *log = NULL;
	int xfd, tfd;

	NEEDS_OBJ("net");
	NEEDS("json");

	if (unshare(CLONE_NEWNET))
		SKIP(return, "unshare(CLONE_NEWNET): %s", strerror(errno));
	if (system("ip link add mbv0 type veth peer name mbv1 2>/dev/null"))
		SKIP(return, "cannot create a veth pair");
	xfd = mb_prog_load_log(&pa, &log);
	free(log);
	log = NULL;
	ASSERT_LE(3, xfd);
	pa.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	pa.name = "cli_tcx";
	insns[0].imm = 0;
	tfd = mb_prog_load_log(&pa, &log);
	free(log);
	ASSERT_LE(3, tfd);
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " net attach xdpgeneric id %u dev mbv0", fd_id(xfd)));
	ASSERT_EQ(1, run(NULL, 0, NULL, 0, MB " net attach xdpgeneric id %u dev mbv0", fd_id(xfd)));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " net attach tcx_ingress id %u dev mbv0", fd_id(tfd)));
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " net show dev mbv0"));
	snprintf(a + 2048, 256, "xdpgeneric id %u", fd_id(xfd));
	ASSERT_NE(NULL, strstr(a, a + 2048));
	snprintf(a + 2048, 256, "tcx/ingress id %u", fd_id(tfd));
	ASSERT_NE(NULL, strstr(a, a + 2048));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " net detach xdpgeneric dev mbv0"));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " net detach tcx_ingress dev mbv0"));
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " net show dev mbv0"));
	ASSERT_STREQ("", a);
	mb_close(xfd);
	mb_close(tfd);
}

TEST_F(cli, queue_push_pop_peek)
{
	char a[4096], b[4096], q[128];

	NEEDS("json");
	NEEDS_OBJ("map");
	NEEDS("extra_cmds");

	snprintf(q, sizeof(q), "%s/q", self->dir);
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " map create %s type queue key 0 value 4 entries 4 name cli_q", q));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " map push pinned %s value u32 7", q));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " map enqueue pinned %s value 1 2 3 4", q));
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " map peek pinned %s", q));
	ASSERT_STREQ("value: 07 00 00 00\n", a);
	if (have_bpftool()) {
		ASSERT_EQ(0, run(b, sizeof(b), NULL, 0, "bpftool map peek pinned %s", q));
		ASSERT_STREQ(b, a);
	}
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j map pop pinned %s", q));
	ASSERT_STREQ("{\"value\":[\"0x07\",\"0x00\",\"0x00\",\"0x00\"]}\n", a);
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " map dequeue pinned %s", q));
	ASSERT_STREQ("value: 01 02 03 04\n", a);
	/* empty now: the kernel says ENOENT, we say so */
	ASSERT_EQ(1, run(a, sizeof(a), NULL, 0, MB " -j map pop pinned %s", q));
	ASSERT_STREQ("{\"error\":\"the map is empty\"}\n", a);
}

TEST_F(cli, json_errors)
{
	char a[4096], e[4096];

	NEEDS("json");
	NEEDS_OBJ("map");

	/* with -j the error is JSON on stdout, nothing on stderr */
	ASSERT_EQ(1, run(a, sizeof(a), e, sizeof(e), MB " -j prog show id 4000000000"));
	ASSERT_STREQ("", e);
	ASSERT_NE(NULL, strstr(a, "{\"error\":\"get program by id 4000000000: "));
	ASSERT_EQ(1, run(a, sizeof(a), e, sizeof(e), MB " -j map frobnicate"));
	ASSERT_STREQ("{\"error\":\"unknown map command 'frobnicate'; see 'minibpf map help'\"}\n", a);
	if (have_jq()) {
		ASSERT_EQ(0, system(MB " -p link show id 4000000000 | jq -e .error >/dev/null"));
	}
	/* and without -j, one line on stderr */
	ASSERT_EQ(1, run(a, sizeof(a), e, sizeof(e), MB " prog show id 4000000000"));
	ASSERT_STREQ("", a);
	ASSERT_EQ(0, strncmp(e, "Error: get program by id", 24));
}

/* prog load ... map name|idx MAP: the programs use the given maps. */
TEST_F(cli, load_reuses_maps)
{
	char a[4096], m[128], s[128];
	uint32_t mid, sid;

	NEEDS("json");
	NEEDS_OBJ("map");
	NEEDS("extra_cmds");

	snprintf(m, sizeof(m), "%s/m", self->dir);
	snprintf(s, sizeof(s), "%s/s", self->dir);
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " map create %s type hash key 4 value 8 entries 64 name cli_reuse", m));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " map create %s type array key 4 value 8 entries 4 name cli_stats", s));
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j map show pinned %s | jq .id", m));
	mid = strtoul(a, NULL, 0);
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j map show pinned %s | jq .id", s));
	sid = strtoul(a, NULL, 0);
	ASSERT_LT(0, mid);
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " prog loadall " MB_BUILD_DIR "/progs/loader_counts.bpf.o %s/p"
			 " map name counts pinned %s map idx 0 pinned %s", self->dir, m, s));
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j prog show pinned %s/p/count_getpid"
			 " | jq -c '[.map_ids[] | select(. == %u or . == %u)] | length'", self->dir, mid, sid));
	ASSERT_STREQ("2\n", a);
	/* a map of another shape is refused, and nothing is left pinned */
	ASSERT_EQ(1, run(NULL, 0, a, sizeof(a), MB " prog loadall " MB_BUILD_DIR "/progs/loader_counts.bpf.o %s/p2"
			 " map name counts pinned %s", self->dir, s));
	ASSERT_NE(NULL, strstr(a, "map 'counts'"));
	ASSERT_NE(0, run(NULL, 0, NULL, 0, "ls %s/p2/count_getpid 2>/dev/null", self->dir));
	ASSERT_EQ(1, run(NULL, 0, a, sizeof(a), MB " prog load " MB_BUILD_DIR "/progs/loader_counts.bpf.o %s/p3"
			 " map name nosuch pinned %s", self->dir, s));
	ASSERT_NE(NULL, strstr(a, "no map 'nosuch'"));
}

/* minibpf check: exit status, the finding with its disassembly and source
 * line, JSON (a big-endian object here), the graph in dot. No kernel. */
TEST(check_findings_json_and_cfg)
{
	char out[16384], err[1024];
	const char *bad = MB_BUILD_DIR "/progs/check_bad";

	NEEDS_OBJ("check");
	NEEDS("json");
	NEEDS("disasm");

	ASSERT_EQ(0, run(out, sizeof(out), err, sizeof(err), MB " check %s/progs/hello.bpf.o",
			 MB_BUILD_DIR)) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(out, "1 program, 0 errors, 0 notes")) TH_LOG("%s", out);
	ASSERT_EQ(1, run(out, sizeof(out), err, sizeof(err), MB " check %s.bpf.o unreachable", bad));
	EXPECT_NE(NULL, strstr(out, "unreachable: insn 2: error: unreachable insn 2\n"
				    "\t2: (b7) r0 = 1\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "check_bad.bpf.c:")) TH_LOG("no source line: %s", out);
	ASSERT_EQ(1, run(out, sizeof(out), err, sizeof(err), MB " -j check %s.bpfeb.o div_by_zero", bad));
	EXPECT_NE(NULL, strstr(out, "{\"insn\":1,\"severity\":\"error\",\"message\":\"div by zero\","
				    "\"disasm\":\"(37) r0 /= 0\"")) TH_LOG("%s", out);
	/* a loop: a note, an error with --strict */
	ASSERT_EQ(0, run(out, sizeof(out), err, sizeof(err), MB " check %s.bpf.o bounded_loop", bad));
	EXPECT_NE(NULL, strstr(out, "note: back-edge from insn 2 to 1")) TH_LOG("%s", out);
	ASSERT_EQ(1, run(out, sizeof(out), err, sizeof(err), MB " check --strict %s.bpf.o bounded_loop", bad));
	ASSERT_EQ(0, run(out, sizeof(out), err, sizeof(err), MB " check --cfg bounded_loop %s.bpf.o", bad));
	EXPECT_NE(NULL, strstr(out, "digraph \"bounded_loop\" {")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "b1 [label=\"1: (07) r0 += 1\\l2: (a5) if r0 < 0xa goto pc-2\\l\"];"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "b1 -> b1 [label=\"r0 < 0xa\"];\n\t\tb1 -> b3 [label=\"else\"];"))
		TH_LOG("%s", out);
	EXPECT_EQ(1, run(out, sizeof(out), err, sizeof(err), MB " check %s.bpf.o nosuchprog", bad));
	EXPECT_NE(NULL, strstr(err, "no program 'nosuchprog'")) TH_LOG("%s", err);
	/* a .BTF.ext that does not parse: refused, as load refuses it. Its
	 * relocation section goes too: llvm-objcopy 14's --update-section of a
	 * section with relocations writes an uninitialised sh_info into them
	 * (what the heap held: garbage in some environments, right in others). */
	ASSERT_EQ(0, run(NULL, 0, err, sizeof(err), "printf 'garbage!' > %s/badext.bin && llvm-objcopy"
			 " --remove-section .rel.BTF.ext --update-section .BTF.ext=%s/badext.bin"
			 " %s/progs/hello.bpf.o %s/badext.o",
			 MB_BUILD_DIR, MB_BUILD_DIR, MB_BUILD_DIR, MB_BUILD_DIR)) TH_LOG("%s", err);
	EXPECT_EQ(1, run(out, sizeof(out), err, sizeof(err), MB " check %s/badext.o", MB_BUILD_DIR));
	EXPECT_NE(NULL, strstr(err, ".BTF.ext: 8 bytes is too small for a header")) TH_LOG("%s", err);
}

/* The man page (generated from docs/minibpf.8.md) is current and covers
 * every command `help` lists. */

/* What `make tiny` keeps, in text output (every build runs it): loadall with
 * autoattach and pinmaps, map show/update/lookup/delete/dump, prog and link
 * show, and rm detaching. */
#define XDPFILT "/usr/lib/x86_64-linux-gnu/bpf/xdpfilt_alw_all.o"

TEST_F(cli, tiny_command_set_in_text)
{
	char a[16384], dir[128], maps[128];
	int btf_dump = has_feature("btf_dump");

	NEEDS_OBJ("map");
	NEEDS_OBJ("link");

	if (access(OBJ, R_OK))
		SKIP(return, "%s not built", OBJ);
	snprintf(dir, sizeof(dir), "%s/t", self->dir);
	snprintf(maps, sizeof(maps), "%s/tm", self->dir);
	ASSERT_EQ(0, run(NULL, 0, a, sizeof(a), MB " prog loadall " OBJ " %s autoattach pinmaps %s",
			 dir, maps)) TH_LOG("%s", a);
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " link show pinned %s/count_getpid", dir));
	EXPECT_NE(NULL, strstr(a, "perf_event")) TH_LOG("%s", a);
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " prog show name count_getpid"));
	EXPECT_NE(NULL, strstr(a, "tracepoint  name count_getpid")) TH_LOG("%s", a);
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " map show pinned %s/counts", maps));
	EXPECT_NE(NULL, strstr(a, "hash  name counts")) TH_LOG("%s", a);
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " map update pinned %s/counts key 5 0 0 0 value 9 0 0 0 0 0 0 0",
			 maps));
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " map lookup pinned %s/counts key 5 0 0 0", maps));
	/* typed by the map's BTF, as bpftool prints it, or hex without BTF dumps */
	EXPECT_NE(NULL, strstr(a, btf_dump ? "key: 5  value: 9" : "key: 05 00 00 00  value: 09 00 00 00 00 00 00 00"))
		TH_LOG("%s", a);
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " map dump pinned %s/counts", maps));
	EXPECT_NE(NULL, strstr(a, btf_dump ? "key: 5  value: 9" : "key: 05 00 00 00  value: 09 00 00 00 00 00 00 00"))
		TH_LOG("%s", a);
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, MB " map delete pinned %s/counts key 5 0 0 0", maps));
	ASSERT_EQ(1, run(NULL, 0, a, sizeof(a), MB " map lookup pinned %s/counts key 5 0 0 0", maps));
	EXPECT_NE(NULL, strstr(a, "Error:")) TH_LOG("%s", a);
	/* (link detach: link_detach_netns; tracing links have no detach) */
	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " link show pinned %s/count_raw", dir));
	EXPECT_NE(NULL, strstr(a, "raw_tracepoint")) TH_LOG("%s", a);
	/* an object Debian ships (xdp-tools): its XDP program loads and pins */
	if (!access(XDPFILT, R_OK)) {
		self->by_name = by_name_absent();
		ASSERT_EQ(0, run(NULL, 0, a, sizeof(a), MB " prog loadall " XDPFILT " %s/xf", self->dir))
			TH_LOG("%s", a);
		ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " prog show pinned %s/xf/xdpfilt_alw_all", self->dir));
		EXPECT_NE(NULL, strstr(a, "xdp  name xdpfilt_alw_all")) TH_LOG("%s", a);
		ASSERT_EQ(0, run(NULL, 0, NULL, 0, "rm -r %s/xf", self->dir));
	}
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, "rm -r %s %s", dir, maps));
	/* the kernel frees the programs asynchronously: wait for it, up to 5 s */
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, "for i in $(seq 50); do " MB " prog show name count_getpid "
			 "| grep -q count_getpid || exit 0; sleep 0.1; done; exit 1"));
}

/* The seed example, as README and the tutorials run it: load with
 * autoattach, its line in prog tracelog, rm detaches. */
TEST(seed_example_tracelog)
{
	const char *pin = "/sys/fs/bpf/mbcli_seed";
	char a[16384];

	unlink(pin);
	ASSERT_EQ(0, run(NULL, 0, a, sizeof(a), MB " prog load " MB_BUILD_DIR "/progs/hello.bpf.o %s autoattach",
			 pin)) TH_LOG("%s", a);
	/* execve()s while tracelog reads for 2 s; SIGINT ends it */
	EXPECT_EQ(0, run(a, sizeof(a), NULL, 0, "( sleep 0.5; for i in 1 2 3; do /bin/true; sleep 0.2; done ) & "
			 "timeout -s INT 2 " MB " prog tracelog; wait"));
	EXPECT_NE(NULL, strstr(a, "Hello, World!")) TH_LOG("%.2000s", a);
	ASSERT_EQ(0, unlink(pin));
	ASSERT_EQ(0, run(NULL, 0, NULL, 0, "for i in $(seq 50); do " MB " prog show name bpf_prog "
			 "| grep -q bpf_prog || exit 0; sleep 0.1; done; exit 1"));
}

/* bpffs looks up no name with a dot (EPERM): a load there says so, not that
 * the path is taken, and leaves nothing. */
TEST(load_dotted_name_says_why)
{
	char e[4096];

	ASSERT_EQ(1, run(NULL, 0, e, sizeof(e), MB " prog loadall " MB_BUILD_DIR "/progs/hello.bpf.o /sys/fs/bpf/mbcli.d"));
	EXPECT_NE(NULL, strstr(e, "bpffs takes no name with a '.'")) TH_LOG("%s", e);
	ASSERT_EQ(1, run(NULL, 0, e, sizeof(e), MB " prog load " MB_BUILD_DIR "/progs/hello.bpf.o /sys/fs/bpf/mbcli.p"));
	EXPECT_NE(NULL, strstr(e, "bpffs takes no name with a '.'")) TH_LOG("%s", e);
	/* no pin, and no staging directory (mbcli.d_mbstage_...) either */
	EXPECT_EQ(0, run(e, sizeof(e), NULL, 0, "ls /sys/fs/bpf | grep -c 'mbcli[.]\\|mbstage' || true"));
	EXPECT_STREQ("0\n", e);
}

/* A build without a feature says so, naming the option, and leaves nothing. */
TEST(built_without_says_so)
{
	const char *pin = "/sys/fs/bpf/mbcli_without";
	char a[16384], e[16384];
	int n = 0;

	unlink(pin);
	if (!has_feature("trace")) {
		n++;
		EXPECT_EQ(1, run(NULL, 0, e, sizeof(e), MB " --trace prog show"));
		EXPECT_NE(NULL, strstr(e, "built without the syscall decoder (MB_TRACE=0)")) TH_LOG("%s", e);
	}
	if (!has_feature("json")) {
		n++;
		EXPECT_EQ(1, run(a, sizeof(a), e, sizeof(e), MB " -j prog show"));
		EXPECT_NE(NULL, strstr(e, "built without JSON output (MB_JSON=0)")) TH_LOG("%s", e);
		EXPECT_STREQ("", a);
	}
	/* objects that need CO-RE or externs: refused, nothing pinned */
	static const char *const refused[][3] = {
		{ "core", "core_tp", "built without CO-RE (MB_CORE=0)" },
		/* (the message once repeated its prefix into itself, cut short) */
		{ "core", "st_ops_dummy", "load '" MB_BUILD_DIR "/progs/st_ops_dummy.bpf.o': struct_ops map "
		  "'mb_dummy': kernel BTF: this minibpf is built without CO-RE and kernel BTF (MB_CORE=0)\n" },
		{ "extern", "elf_extern", "built without externs (.kconfig, .ksyms, kfuncs; MB_EXTERN=0)" },
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (has_feature(refused[i][0]))
			continue;
		n++;
		EXPECT_EQ(1, run(NULL, 0, e, sizeof(e), MB " prog load " MB_BUILD_DIR "/progs/%s.bpf.o %s",
				 refused[i][1], pin));
		EXPECT_NE(NULL, strstr(e, refused[i][2])) TH_LOG("%s", e);
		EXPECT_EQ(-1, access(pin, F_OK));
		unlink(pin);
	}
	if (!has_feature("uprobe")) {
		/* a uprobe cannot attach: as bpftool's autoattach does for a program
		 * it cannot attach, the program is pinned, with a note saying why */
		n++;
		EXPECT_EQ(0, run(NULL, 0, e, sizeof(e), MB " prog load " MB_BUILD_DIR "/progs/e2e_uprobe.bpf.o %s autoattach",
				 pin));
		EXPECT_NE(NULL, strstr(e, "built without uprobes (MB_UPROBE=0); pinning the program instead"))
			TH_LOG("%s", e);
		EXPECT_EQ(0, run(a, sizeof(a), NULL, 0, MB " prog show pinned %s", pin));
		EXPECT_NE(NULL, strstr(a, "kprobe  name up_self")) TH_LOG("%s", a);
		unlink(pin);
	}
	if (!has_feature("extra_cmds")) {
		/* the hand tools are unknown commands, and help does not list them */
		static const char *const gone[] = { "prog dump xlated id 1", "prog run id 1",
			"prog attach id 1 flow_dissector id 1", "map create /sys/fs/bpf/mbcli_x type hash key 4 value 4 entries 1 name x",
			"map freeze id 1", "map getnext id 1", "map pop id 1", "map push id 1 value 0" };

		n++;
		for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
			EXPECT_EQ(1, run(NULL, 0, e, sizeof(e), MB " %s", gone[i]));
			EXPECT_NE(NULL, strstr(e, "unknown ")) TH_LOG("%s: %s", gone[i], e);
		}
		EXPECT_EQ(-1, access("/sys/fs/bpf/mbcli_x", F_OK));
		/* (help goes to stderr, as bpftool's) */
		ASSERT_EQ(0, run(NULL, 0, e, sizeof(e), "{ " MB " prog help; " MB " map help; }"));
		EXPECT_EQ(NULL, strstr(e, " run ")) TH_LOG("%s", e);
		EXPECT_EQ(NULL, strstr(e, " create ")) TH_LOG("%s", e);
		EXPECT_NE(NULL, strstr(e, "prog { load | loadall }")) TH_LOG("%s", e);
		EXPECT_NE(NULL, strstr(e, "map lookup MAP")) TH_LOG("%s", e);
	}
	if (!has_feature("disasm") && has_feature("extra_cmds")) {
		n++;
		ASSERT_EQ(0, run(NULL, 0, e, sizeof(e), MB " prog load " MB_BUILD_DIR "/progs/hello.bpf.o %s", pin))
			TH_LOG("%s", e);
		EXPECT_EQ(0, run(a, sizeof(a), NULL, 0, MB " prog dump xlated pinned %s", pin));
		unlink(pin);
		/* the raw fields: r1 = r10 as "code 0xbf dst r1 src r10 ..." */
		EXPECT_NE(NULL, strstr(a, "code 0xbf dst r")) TH_LOG("%s", a);
		EXPECT_NE(NULL, strstr(a, "code 0x95 dst r0 src r0 off 0 imm 0")) TH_LOG("%s", a);
	}
	if (!has_object("obj")) {
		n++;
		EXPECT_EQ(1, run(NULL, 0, e, sizeof(e), MB " obj dump " MB_BUILD_DIR "/progs/hello.bpf.o"));
		EXPECT_NE(NULL, strstr(e, "unknown command 'obj'")) TH_LOG("%s", e);
	}
	if (!n)
		SKIP(return, "this build has every feature");
}

/* `version` names what the build holds, and the tests trust it for their
 * SKIPs: each object it lists answers `help`, each it leaves out is an
 * unknown command, and the default build (no MINIBPF=) lists everything, so
 * a broken version line cannot turn tests into skips unnoticed. */
TEST(version_lists_features_and_objects)
{
	static const char *const objs[] = { "prog", "map", "link", "struct_ops", "btf", "net",
					    "cgroup", "feature", "obj", "check", "gen" };
	static const char *const feats[] = { "trace", "disasm", "json", "btf_dump", "core",
					     "feature", "config_gz", "net", "events", "uprobe", "extern",
					     "extra_cmds" };
	const char *other = getenv("MINIBPF");
	char a[4096], e[4096];

	ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " version"));
	ASSERT_EQ(0, strncmp(a, "minibpf v", 9)) TH_LOG("%s", a);
	ASSERT_NE(NULL, strstr(a, "\nfeatures:")) TH_LOG("%s", a);
	ASSERT_NE(NULL, strstr(a, "\nobjects: prog")) TH_LOG("%s", a);
	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		int st = run(NULL, 0, e, sizeof(e), MB " %s help", objs[i]);

		if (has_object(objs[i])) {
			EXPECT_EQ(0, st) TH_LOG("%s help: %s", objs[i], e);
		} else {
			EXPECT_EQ(1, st) TH_LOG("%s", objs[i]);
			EXPECT_NE(NULL, strstr(e, "unknown command")) TH_LOG("%s: %s", objs[i], e);
		}
		if (!other || !*other)
			EXPECT_TRUE(has_object(objs[i])) TH_LOG("the default build lacks %s", objs[i]);
	}
	for (size_t i = 0; !(other && *other) && i < sizeof(feats) / sizeof(feats[0]); i++) {
		EXPECT_TRUE(has_feature(feats[i])) TH_LOG("the default build lacks %s", feats[i]);
	}
	if (has_feature("json")) {
		ASSERT_EQ(0, run(a, sizeof(a), NULL, 0, MB " -j version"));
		EXPECT_NE(NULL, strstr(a, "\"features\":{\"trace\":")) TH_LOG("%s", a);
		EXPECT_NE(NULL, strstr(a, "\"objects\":[\"prog\"")) TH_LOG("%s", a);
	}
}

TEST(man_page_covers_help)
{
	static const char *const objs[] = { "prog", "map", "link", "struct_ops", "btf", "net",
					    "cgroup", "feature", "obj", "check", "gen" };
	char a[8192], src[65536], cmd[512];
	FILE *f = fopen(MB_SRC_DIR "/docs/minibpf.8.md", "re");
	size_t n;

	ASSERT_NE(0, f != NULL);
	n = fread(src, 1, sizeof(src) - 1, f);
	src[n] = 0;
	fclose(f);
	ASSERT_EQ(0, system("cd " MB_SRC_DIR " && scripts/md2man.sh docs/minibpf.8.md | cmp -s - docs/minibpf.8"));
	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		char *p, *save;

		if (!has_object(objs[i]))
			continue;      /* make tiny, MB_CMDS */
		ASSERT_EQ(0, run(NULL, 0, a, sizeof(a), MB " %s help", objs[i]));
		/* each "minibpf OBJ WORD" or "minibpf OBJ { W1 | W2 }" */
		for (p = strtok_r(a, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
			char *c = strstr(p, "minibpf ");
			const char *w;

			if (!c)
				continue;
			c += 8 + strlen(objs[i]);
			for (w = strtok(c, " {|}"); w && *w != '['; w = strtok(NULL, " {|}")) {
				if (!strcmp(w, "xlated") || (w[0] >= 'A' && w[0] <= 'Z'))
					break;
				/* "**prog dump xlated**", or "**show**" in "**prog** { **show** | ..." */
				snprintf(cmd, sizeof(cmd), "**%s**", w);
				snprintf(cmd + 256, 256, "%s %s", objs[i], w);
				if (!strstr(src, cmd) && !strstr(src, cmd + 256))
					TH_LOG("%s %s: not in the man page", objs[i], w);
				EXPECT_NE(NULL, strstr(src, cmd) ? strstr(src, cmd) : strstr(src, cmd + 256));
			}
		}
	}
}

TEST_HARNESS_MAIN
