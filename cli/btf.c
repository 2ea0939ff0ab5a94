/* minibpf btf: show the kernel's BTF objects; dump a BTF (a file, an
 * object's .BTF, or one the kernel holds) as C (vmlinux.h) or raw lines. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "btf/btf.h"
#include "elf/elf_reader.h"

#if MB_CMD_btf      /* the whole file (include/mb_config.h) */

#define VMLINUX "/sys/kernel/btf/vmlinux"

/* ---- show ------------------------------------------------------------------ */
/* (BTF id, object id) of every program (kind 0) and map (1), read once. */
static struct use { uint32_t btf, id; } *uses[2];
static uint32_t nuses[2], have_uses[2];

static void read_uses(int kind)
{
	uint32_t id = 0, cap = 0;

	have_uses[kind] = 1;
	while (!mb_sys_get_next_id(kind ? BPF_MAP_GET_NEXT_ID : BPF_PROG_GET_NEXT_ID, id, &id)) {
		union { struct bpf_prog_info p; struct bpf_map_info m; } info;
		uint32_t len = sizeof(info);
		int fd = mb_sys_get_fd_by_id(kind ? BPF_MAP_GET_FD_BY_ID : BPF_PROG_GET_FD_BY_ID, id);

		if (fd < 0)
			continue;    /* gone meanwhile */
		memset(&info, 0, sizeof(info));
		if (!mb_sys_obj_get_info_by_fd(fd, &info, &len) && (kind ? info.m.btf_id : info.p.btf_id)) {
			if (nuses[kind] == cap) {
				struct use *u = realloc(uses[kind], (cap = cap * 2 + 16) * sizeof(*u));

				if (!u) {
					mb_close(fd);
					return;
				}
				uses[kind] = u;
			}
			uses[kind][nuses[kind]++] = (struct use){ kind ? info.m.btf_id : info.p.btf_id, id };
		}
		mb_close(fd);
	}
}

/* The ids of the programs or maps whose BTF is btf_id. */
static void users(int kind, uint32_t btf_id)
{
	static const char *const key[] = { "prog_ids", "map_ids" };
	uint32_t i, n = 0;

	if (!have_uses[kind])
		read_uses(kind);
	if (opt.json) {
		jw_key(key[kind]);
		jw_arr();
	}
	for (i = 0; i < nuses[kind]; i++) {
		if (uses[kind][i].btf != btf_id)
			continue;
		if (opt.json)
			jw_u64(uses[kind][i].id);
		else
			printf("%s%u", n ? "," : kind ? "  map_ids " : "  prog_ids ", uses[kind][i].id);
		n++;
	}
	if (opt.json)
		jw_end_arr();
}

static void show_one(int fd)
{
	struct bpf_btf_info bi;
	char name[128] = "";

	if (obj_info(fd, &bi, sizeof(bi)))
		return;
	memset(&bi, 0, sizeof(bi));
	bi.name = mb_ptr(name);
	bi.name_len = sizeof(name);
	if (mb_sys_obj_get_info_by_fd(fd, &bi, &(uint32_t){ sizeof(bi) })) {
		cli_err("can't get info of BTF fd %d: %s", fd, strerror(errno));
		return;
	}
	name[sizeof(name) - 1] = 0;
	if (opt.json) {
		jw_obj();
		jw_ku("id", bi.id);
		jw_ku("size", bi.btf_size);
	} else {
		printf("%u: name ", bi.id);
		printf(bi.kernel_btf ? "[%s]" : "%s", *name ? name : "<anon>");
		printf("  size %uB", bi.btf_size);
	}
	users(0, bi.id);
	users(1, bi.id);
	if (opt.json) {
		jw_kb("kernel", bi.kernel_btf);
		if (*name)
			jw_ks("name", name);
		jw_end_obj();
	} else {
		putchar('\n');
	}
}

static int do_show(int argc, char **argv)
{
	int r = show_objs(KIND_BTF, argc, argv, show_one, "btf");

	free(uses[0]);
	free(uses[1]);
	return r;
}

/* ---- dump -------------------------------------------------------------------- */
/* A reader over data (malloc'd, taken over): raw BTF of either byte order,
 * or an ELF object's .BTF. base: split BTF over it (a module's). */
static struct mb_btf *open_blob(void *data, uint32_t size, const struct mb_btf *base,
				const char *what)
{
	const uint8_t *p = data;
	uint64_t len = size;
	struct mb_btf *btf;
	struct mb_elf e;
	char err[256];

	if (size >= 4 && !memcmp(data, "\177ELF", 4)) {
		uint32_t sec;

		if (mb_elf_open_sections(&e, data, size, err, sizeof(err))) {
			free(data);
			cli_err("%s: %s", what, err);
			return NULL;
		}
		sec = mb_elf_sec_find(&e, ".BTF");
		p = sec ? mb_elf_sec_data(&e, sec, &len) : NULL;
		mb_elf_close(&e);
		if (!p) {
			free(data);
			cli_err("%s: no .BTF section (build it with clang -g)", what);
			return NULL;
		}
	}
	btf = mb_btf_open_split(p, (size_t)len, base, err, sizeof(err));
	if (!btf) {
		free(data);
		/* ids or names past the end, strings not starting with NUL: likely
		 * split BTF without its base */
		cli_err("%s: %s%s", what, err, !base && (strstr(err, "references type id") ||
			strstr(err, "name offset") || strstr(err, "must start")) ?
			" (a module's split BTF needs --base-btf)" : "");
		return NULL;
	}
	mb_btf_adopt(btf, data);
	return btf;
}

static struct mb_btf *open_file(const char *path, const struct mb_btf *base)
{
	uint32_t size;
	void *data = read_file(path, &size);

	return data ? open_blob(data, size, base, path) : NULL;
}

/* A module's BTF (/sys/kernel/btf/MOD, or the kernel's BTF object of a
 * module) is split BTF on top of vmlinux's, as bpftool assumes. */
static int base_for(const char *path, int is_module, struct mb_btf **base)
{
	const char *sys = "/sys/kernel/btf/";

	*base = NULL;
	if (opt.base_btf_path)
		path = opt.base_btf_path;
	else if (is_module || (path && !strncmp(path, sys, strlen(sys)) &&
			       strcmp(path + strlen(sys), "vmlinux")))
		path = VMLINUX;
	else
		return 0;
	*base = open_file(path, NULL);
	return *base ? 0 : -1;
}

static struct mb_btf *open_id(uint32_t id, struct mb_btf **base)
{
	struct bpf_btf_info bi;
	struct mb_btf *btf = NULL;
	char name[64] = "";
	void *buf = NULL;
	uint32_t size;
	int fd = mb_sys_get_fd_by_id(BPF_BTF_GET_FD_BY_ID, id);

	if (fd < 0) {
		cli_err("get BTF by id %u: %s", id, strerror(-fd));
		return NULL;
	}
	if (!obj_info(fd, &bi, sizeof(bi)) && (buf = malloc((size = bi.btf_size) + 1))) {
		memset(&bi, 0, sizeof(bi));
		bi.btf = mb_ptr(buf);
		bi.btf_size = size;
		bi.name = mb_ptr(name);
		bi.name_len = sizeof(name);
		if (mb_sys_obj_get_info_by_fd(fd, &bi, &(uint32_t){ sizeof(bi) }) || bi.btf_size > size)
			cli_err("BTF id %u: can't read its bytes: %s", id, strerror(errno));
		else if (!base_for(NULL, bi.kernel_btf && strcmp(name, "vmlinux"), base))
			btf = open_blob(buf, bi.btf_size, *base, "BTF");
		else
			free(buf);
		buf = NULL;
	}
	free(buf);
	mb_close(fd);
	return btf;
}

static int do_dump(int argc, char **argv)
{
	const char *how, *src, *fmt = "c", *kw;
	struct mb_btf *btf = NULL, *base = NULL;
	char err[256] = "";
	uint32_t id;
	int r;

	if (opt.json)
		return cli_err("btf dump has no JSON output: drop -j");
	if (next_arg(&argc, &argv, &how, "'file' or 'id'") || next_arg(&argc, &argv, &src, how))
		return -1;
	while (argc) {
		if (next_arg(&argc, &argv, &kw, "") || !is_prefix(kw, "format") ||
		    next_arg(&argc, &argv, &fmt, "'c' or 'raw'"))
			return usage_err("btf");
		if (strcmp(fmt, "c") && strcmp(fmt, "raw"))
			return cli_err("unknown format '%s': 'c' or 'raw'", fmt);
	}
	if (is_prefix(how, "file")) {
		if (!base_for(src, 0, &base))
			btf = open_file(src, base);
	} else if (is_prefix(how, "id")) {
		if (parse_u32(src, &id, "id"))
			return -1;
		btf = open_id(id, &base);
	} else {
		return cli_err("expected 'file' or 'id', got '%s'", how);
	}
	if (!btf) {
		mb_btf_free(base);
		return -1;
	}
	r = *fmt == 'c' ? mb_btf_dump_c(btf, stdout, err, sizeof(err)) : mb_btf_dump_raw(btf, stdout);
	if (r && !*err)
		snprintf(err, sizeof(err), "%s", mb_btf_error(btf));
	mb_btf_free(btf);
	mb_btf_free(base);
	if (fflush(stdout))
		return cli_err("write: %s", strerror(errno));
	return r ? cli_err("%s: %s", src, err) : 0;
}

static const char help[] =
	"Usage: minibpf btf { show | list } [id BTF_ID]\n"
	"       minibpf btf dump BTF_SRC [format { c | raw }]\n"
	"       minibpf btf help\n"
	"  BTF_SRC := { id BTF_ID | file FILE }   (FILE: raw BTF of either byte order,\n"
	"             or an ELF object's .BTF; a module's split BTF takes vmlinux's as\n"
	"             base, or --base-btf FILE)\n";

static const struct cmd cmds[] = {
	{ "show", do_show },
	{ "list", do_show },
	{ "help", NULL },
	{ "dump", do_dump },
	{ 0 }
};

int do_btf(int argc, char **argv)
{
	return cmd_select(cmds, argc, argv, "btf", help);
}

#endif /* MB_CMD_btf */
