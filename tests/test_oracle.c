// Differential tests: bpftool (libbpf) and minibpf load the same objects on
// this kernel; the programs the kernel ends up with must be the same,
// instruction by instruction (xlated), with map ids masked.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "minibpf.h"
#include "syscall/bpf_sys.h"

struct xlated {
	char name[BPF_OBJ_NAME_LEN];
	uint32_t type, cnt, nmaps;
	struct bpf_insn *insns;
	char maps[512];         /* the maps it uses, described and sorted */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* "type/key/value/entries/flags/name" of each map id, sorted: the ids differ
 * between the two loads, the definitions must not. */
static void describe_maps(const uint32_t *ids, uint32_t n, char *out, size_t len)
{
	char d[16][64];
	uint32_t i;

	out[0] = 0;
	for (i = 0; i < n && i < 16; i++) {
		int fd = mb_sys_get_fd_by_id(BPF_MAP_GET_FD_BY_ID, ids[i]);
		struct bpf_map_info mi;
		uint32_t ml = sizeof(mi);

		memset(&mi, 0, sizeof(mi));
		if (fd < 0 || mb_sys_obj_get_info_by_fd(fd, &mi, &ml))
			snprintf(d[i], sizeof(d[i]), "?");
		else
			snprintf(d[i], sizeof(d[i]), "%u/%u/%u/%u/%#x/%s", mi.type, mi.key_size,
				 mi.value_size, mi.max_entries, mi.map_flags, mi.name);
		mb_close(fd);
	}
	qsort(d, i, sizeof(d[0]), cmp_str);
	while (i--)
		snprintf(out + strlen(out), len - strlen(out), "%s ", d[i]);
}

static int get_xlated(int fd, struct xlated *x)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info), i, n;
	int err;

	memset(&info, 0, sizeof(info));
	err = mb_sys_obj_get_info_by_fd(fd, &info, &len);
	if (err)
		return err;
	n = info.xlated_prog_len;
	memcpy(x->name, info.name, sizeof(x->name));
	{
		uint32_t ids[16], nids = info.nr_map_ids < 16 ? info.nr_map_ids : 16;

		memset(&info, 0, sizeof(info));
		info.nr_map_ids = nids;
		info.map_ids = (uint64_t)(uintptr_t)ids;
		len = sizeof(info);
		if (mb_sys_obj_get_info_by_fd(fd, &info, &len))
			nids = 0;
		describe_maps(ids, nids, x->maps, sizeof(x->maps));
	}
	x->type = info.type;
	x->nmaps = info.nr_map_ids;
	x->cnt = n / sizeof(struct bpf_insn);
	x->insns = calloc(x->cnt + 1, sizeof(struct bpf_insn));
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = n;
	info.xlated_prog_insns = (uint64_t)(uintptr_t)x->insns;
	len = sizeof(info);
	err = mb_sys_obj_get_info_by_fd(fd, &info, &len);
	if (err)
		return err;
	/* Map references become map ids in the dump: they differ per load. */
	for (i = 0; i + 1 < x->cnt; i++)
		if (x->insns[i].code == (BPF_LD | BPF_DW | BPF_IMM)) {
			if (x->insns[i].src_reg == BPF_PSEUDO_MAP_FD ||
			    x->insns[i].src_reg == BPF_PSEUDO_MAP_VALUE)
				x->insns[i].imm = 0;
			i++;
		}
	return 0;
}

static int run(const char *cmd)
{
	int rc = system(cmd);

	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void rm_dir(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	run(cmd);
}

/* Maps pinned by name (LIBBPF_PIN_BY_NAME) land in the bpffs root for both
 * tools: remove the ones this test made, keep any that were there before. */
static void unpin_new_maps(const char *obj_path, const char *before)
{
	struct mb_object *obj = mb_object_open(obj_path, NULL);
	char p[512], key[260];
	int i;

	for (i = 0; obj && i < mb_object_map_count(obj); i++) {
		snprintf(key, sizeof(key), "/%s/", mb_map_name(mb_object_map(obj, i)));
		if (strstr(before, key))
			continue;
		snprintf(p, sizeof(p), "%s/%s", mb_bpffs_path(), mb_map_name(mb_object_map(obj, i)));
		unlink(p);
	}
	mb_object_close(obj);
}

/* "/name1/name2/.../": what is in the bpffs root now. */
static void root_entries(char *out, size_t len)
{
	DIR *d = opendir(mb_bpffs_path());
	struct dirent *e;

	snprintf(out, len, "/");
	while (d && (e = readdir(d)))
		snprintf(out + strlen(out), len - strlen(out), "%s/", e->d_name);
	if (d)
		closedir(d);
}

/* Load OBJ with both; for every program bpftool loaded, find ours by name and
 * compare. Returns the number of programs compared, or -1 with a message. */
static int compare_object(struct __test_metadata *_metadata, const char *path)
{
	char dir[256], cmd[1024], p[512];
	struct mb_object *obj;
	int compared = 0, i;

	snprintf(dir, sizeof(dir), "%s/mbtest_oracle_%d", mb_bpffs_path(), getpid());
	rm_dir(dir);
	snprintf(cmd, sizeof(cmd), "bpftool prog loadall '%s' '%s' >/dev/null 2>&1", path, dir);
	if (run(cmd)) {
		TH_LOG("bpftool cannot load %s: nothing to compare", path);
		rm_dir(dir);
		return 0;
	}
	obj = mb_object_open(path, NULL);
	if (!obj || mb_object_load(obj)) {
		TH_LOG("%s: bpftool loads it, minibpf does not: %s", path, mb_last_error());
		mb_object_close(obj);
		rm_dir(dir);
		return -1;
	}
	for (i = 0; i < mb_object_prog_count(obj); i++) {
		struct mb_prog *prog = mb_object_prog(obj, i);
		struct xlated a = { 0 }, b = { 0 };
		uint32_t k;
		int fd;

		snprintf(p, sizeof(p), "%s/%s", dir, mb_prog_name(prog));
		fd = mb_sys_obj_get(p, 0);
		if (fd < 0) {
			TH_LOG("%s: bpftool did not pin %s", path, p);
			compared = -1;
			break;
		}
		if (get_xlated(fd, &a) || get_xlated(mb_prog_fd(prog), &b)) {
			compared = -1;
		} else if (a.cnt != b.cnt || a.type != b.type || a.nmaps != b.nmaps) {
			TH_LOG("%s: prog %s: bpftool %u insns type %u %u maps, minibpf %u insns type %u %u maps",
			       path, mb_prog_name(prog), a.cnt, a.type, a.nmaps, b.cnt, b.type, b.nmaps);
			compared = -1;
		} else if (strcmp(a.maps, b.maps)) {
			TH_LOG("%s: prog %s: maps differ:\n  bpftool: %s\n  minibpf: %s", path,
			       mb_prog_name(prog), a.maps, b.maps);
			compared = -1;
		} else {
			for (k = 0; k < a.cnt; k++)
				if (memcmp(&a.insns[k], &b.insns[k], sizeof(a.insns[k]))) {
					TH_LOG("%s: prog %s: insn %u differs: bpftool %02x %x/%x %d %d, minibpf %02x %x/%x %d %d",
					       path, mb_prog_name(prog), k, a.insns[k].code,
					       a.insns[k].dst_reg, a.insns[k].src_reg, a.insns[k].off,
					       a.insns[k].imm, b.insns[k].code, b.insns[k].dst_reg,
					       b.insns[k].src_reg, b.insns[k].off, b.insns[k].imm);
					compared = -1;
					break;
				}
			if (compared >= 0)
				compared++;
		}
		free(a.insns);
		free(b.insns);
		close(fd);
		if (compared < 0)
			break;
	}
	mb_object_close(obj);
	rm_dir(dir);
	return compared;
}

static int have_bpftool(void)
{
	return run("bpftool version >/dev/null 2>&1") == 0;
}

#define ORACLE_TEST(tname, path)                                            \
	TEST(tname)                                                         \
	{                                                                   \
		static char before[16384];                                  \
		int n;                                                      \
		if (!have_bpftool())                                        \
			SKIP(return, "bpftool is not installed");           \
		if (access(path, R_OK))                                     \
			SKIP(return, "%s is not installed", path);          \
		root_entries(before, sizeof(before));                      \
		n = compare_object(_metadata, path);                        \
		unpin_new_maps(path, before);                               \
		if (n == 0)                                                 \
			SKIP(return, "bpftool cannot load %s here", path);  \
		ASSERT_GT(n, 0);                                            \
	}

#define OBJ(name) MB_BUILD_DIR "/progs/" name ".bpf.o"
#define XDPOBJ(name) "/usr/lib/x86_64-linux-gnu/bpf/" name ".o"

ORACLE_TEST(seed_hello, OBJ("hello"))
ORACLE_TEST(globals_subprogs_callbacks, OBJ("loader_counts"))
ORACLE_TEST(subprogram_order_depth_first, OBJ("subprog_order"))
ORACLE_TEST(pinned_socket_filter, OBJ("loader_pinned"))
ORACLE_TEST(map_in_map_prog_array_init, OBJ("loader_mim"))
ORACLE_TEST(btf_defined_maps, OBJ("btf_maps"))
ORACLE_TEST(xdp_tools_filter_allow_all, XDPOBJ("xdpfilt_alw_all"))
ORACLE_TEST(xdp_tools_filter_allow_eth, XDPOBJ("xdpfilt_alw_eth"))
ORACLE_TEST(xdp_tools_filter_allow_ip, XDPOBJ("xdpfilt_alw_ip"))
ORACLE_TEST(xdp_tools_filter_allow_tcp, XDPOBJ("xdpfilt_alw_tcp"))
ORACLE_TEST(xdp_tools_filter_allow_udp, XDPOBJ("xdpfilt_alw_udp"))
ORACLE_TEST(xdp_tools_filter_deny_all, XDPOBJ("xdpfilt_dny_all"))
ORACLE_TEST(xdp_tools_filter_deny_eth, XDPOBJ("xdpfilt_dny_eth"))
ORACLE_TEST(xdp_tools_filter_deny_ip, XDPOBJ("xdpfilt_dny_ip"))
ORACLE_TEST(xdp_tools_filter_deny_tcp, XDPOBJ("xdpfilt_dny_tcp"))
ORACLE_TEST(xdp_tools_filter_deny_udp, XDPOBJ("xdpfilt_dny_udp"))
ORACLE_TEST(xdp_tools_xdpdump_xdp, XDPOBJ("xdpdump_xdp"))
ORACLE_TEST(xdp_tools_xdpdump_fentry, XDPOBJ("xdpdump_bpf"))
ORACLE_TEST(xdp_tools_xsk_default, XDPOBJ("xsk_def_xdp_prog"))
ORACLE_TEST(xdp_tools_xsk_default_53, XDPOBJ("xsk_def_xdp_prog_5.3"))
ORACLE_TEST(xdp_tools_dispatcher, XDPOBJ("xdp-dispatcher"))

TEST_HARNESS_MAIN
