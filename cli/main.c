/* minibpf: command dispatch, global options, shared helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "minibpf.h"
#include "btf/btf.h"

struct cli_opts opt;

int is_prefix(const char *arg, const char *keyword)
{
	return *arg && !strncmp(arg, keyword, strlen(arg));
}

int cli_err(const char *fmt, ...)
{
	char small[512], *msg = small;
	va_list ap, aq;
	int n;

	/* Never cut: a load error ends with the verifier's reason. */
	va_start(ap, fmt);
	va_copy(aq, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small) && (msg = malloc((size_t)n + 1)))
		vsnprintf(msg, (size_t)n + 1, fmt, aq);
	else
		msg = small;
	va_end(aq);
	va_end(ap);
	if (!opt.json) {
		fprintf(stderr, "Error: %s\n", msg);
	} else {
		/* Inside an array already started this stays valid JSON, as an element. */
		jw_obj();
		jw_ks("error", msg);
		jw_end_obj();
		if (!jw_depth())
			jw_done();
	}
	if (msg != small)
		free(msg);
	return -1;
}

int usage_err(const char *obj)
{
	return cli_err("bad arguments; see 'minibpf %s help'", obj);
}

int cmd_select(const struct cmd *cmds, int argc, char **argv, const char *what,
	       const char *help)
{
	const struct cmd *c = cmds;

	if (argc >= 1)
		for (c = cmds; c->name && !is_prefix(argv[0], c->name); c++)
			;
	if (!c->name)
		return cli_err("unknown %s%scommand '%s'; see 'minibpf %s%shelp'", what,
			       *what ? " " : "", argv[0], what, *what ? " " : "");
	if (!c->fn) {
		fputs(help, stderr);
		return 0;
	}
	return c->fn(argc ? argc - 1 : 0, argv + !!argc);
}

int next_arg(int *argc, char ***argv, const char **out, const char *what)
{
	*out = NULL;
	if (*argc < 1)
		return cli_err("%s expected", what);
	*out = **argv;
	(*argc)--;
	(*argv)++;
	return 0;
}

int parse_u32(const char *s, uint32_t *out, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (*end || !*s || errno || v > UINT32_MAX || *s == '-')
		return cli_err("can't parse %s '%s'", what, s);
	*out = v;
	return 0;
}

void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		mb_close(fds[i]);
}

static const int next_cmd[] = { BPF_PROG_GET_NEXT_ID, BPF_MAP_GET_NEXT_ID,
				 BPF_LINK_GET_NEXT_ID, BPF_BTF_GET_NEXT_ID };
static const int byid_cmd[] = { BPF_PROG_GET_FD_BY_ID, BPF_MAP_GET_FD_BY_ID,
				BPF_LINK_GET_FD_BY_ID, BPF_BTF_GET_FD_BY_ID };
static const char *const kind_name[] = { "program", "map", "link", "BTF" };

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ?
	       (c | 0x20) - 'a' + 10 : -1;
}

static int parse_tag(const char *s, unsigned char tag[8])
{
	if (strlen(s) != 16)
		return -1;
	for (int i = 0; i < 8; i++) {
		int h = hexval(s[2 * i]), l = hexval(s[2 * i + 1]);

		if (h < 0 || l < 0)
			return -1;
		tag[i] = h << 4 | l;
	}
	return 0;
}

int obj_info(int fd, void *info, uint32_t len)
{
	memset(info, 0, len);
	if (mb_sys_obj_get_info_by_fd(fd, info, &len))
		return cli_err("can't get info of fd %d: %s", fd, strerror(errno));
	return 0;
}

/* Walk every object of KIND and keep those whose name (or tag) matches. */
static int match_all(int kind, const char *name, const unsigned char *tag, int *fds, int max)
{
	uint32_t id = 0;
	int n = 0;

	while (!mb_sys_get_next_id(next_cmd[kind], id, &id)) {
		union { struct bpf_prog_info p; struct bpf_map_info m; } info;
		uint32_t len = sizeof(info);
		int fd = mb_sys_get_fd_by_id(byid_cmd[kind], id);

		if (fd < 0)
			continue;       /* gone meanwhile */
		memset(&info, 0, sizeof(info));
		if (mb_sys_obj_get_info_by_fd(fd, &info, &len)) {
			mb_close(fd);
			continue;
		}
		int hit = tag ? !memcmp(info.p.tag, tag, 8)
			      : !strncmp(kind == KIND_PROG ? info.p.name : info.m.name,
					 name, BPF_OBJ_NAME_LEN);
		if (hit && n < max)
			fds[n++] = fd;
		else
			mb_close(fd);
	}
	if (!n)
		return cli_err("no %s found with %s '%s'", kind_name[kind],
			       tag ? "tag" : "name", name);
	return n;
}

int parse_fds(int kind, int *argc, char ***argv, int *fds, int max)
{
	const char *how, *val;
	int fd;

	if (next_arg(argc, argv, &how, "'id', 'pinned', 'name' or 'tag'") ||
	    next_arg(argc, argv, &val, how))
		return -1;
	if (is_prefix(how, "id")) {
		uint32_t id;

		if (parse_u32(val, &id, "id"))
			return -1;
		fd = mb_sys_get_fd_by_id(byid_cmd[kind], id);
		if (fd < 0)
			return cli_err("get %s by id %u: %s", kind_name[kind], id, strerror(-fd));
	} else if (is_prefix(how, "pinned")) {
		static const char *const anon[] = { "bpf-prog", "bpf-map", "bpf-link" };
		char lp[40], t[40];
		ssize_t n;

		fd = mb_sys_obj_get(val, 0);
		if (fd < 0)
			return cli_err("open pinned %s '%s': %s", kind_name[kind], val, strerror(-fd));
		/* a pin may hold any kind: the fd's inode name says which (as bpftool) */
		snprintf(lp, sizeof(lp), "/proc/self/fd/%d", fd);
		n = readlink(lp, t, sizeof(t) - 1);
		t[n > 0 ? n : 0] = 0;
		if (n > 15 && t[14] == '_')
			t[14] = '-';     /* "bpf_link" before Linux 6.x */
		if (kind < KIND_BTF && n > 11 && strcmp(t + 11, anon[kind])) {
			mb_close(fd);
			return cli_err("'%s' is not a %s (it holds a %s)", val, kind_name[kind], t + 11);
		}
	} else if (is_prefix(how, "name") && kind <= KIND_MAP) {
		return match_all(kind, val, NULL, fds, max);
	} else if (is_prefix(how, "tag") && kind == KIND_PROG) {
		unsigned char tag[8];

		if (parse_tag(val, tag))
			return cli_err("can't parse tag '%s' (16 hex digits)", val);
		return match_all(kind, val, tag, fds, max);
	} else {
		return cli_err("expected 'id', 'pinned'%s, got '%s'",
			       kind == KIND_PROG ? ", 'name' or 'tag'" :
			       kind == KIND_MAP ? " or 'name'" : "", how);
	}
	fds[0] = fd;
	return 1;
}

int parse_fd(int kind, int *argc, char ***argv)
{
	int fds[2], n = parse_fds(kind, argc, argv, fds, 2);

	if (n < 0)
		return -1;
	if (n > 1) {
		close_fds(fds, n);
		return cli_err("several %ss match; use 'id N' to pick one", kind_name[kind]);
	}
	return fds[0];
}

int parse_only_fd(int kind, int argc, char **argv, const char *obj)
{
	int fd = parse_fd(kind, &argc, &argv);

	if (fd >= 0 && argc) {
		mb_close(fd);
		return usage_err(obj);
	}
	return fd;
}

int show_objs(int kind, int argc, char **argv, void (*one)(int fd), const char *obj)
{
	int fds[64], n = 0, all = !argc;
	uint32_t id = 0;

	if (!all) {
		n = parse_fds(kind, &argc, &argv, fds, 64);
		if (n < 0)
			return -1;
		if (argc) {
			close_fds(fds, n);
			return usage_err(obj);
		}
	}
	/* bpftool: an array for a listing, a bare object for one handle */
	if (opt.json && n != 1)
		jw_arr();
	for (int i = 0; i < n; i++)
		one(fds[i]);
	while (all && !mb_sys_get_next_id(next_cmd[kind], id, &id)) {
		int fd = mb_sys_get_fd_by_id(byid_cmd[kind], id);

		if (fd < 0)
			continue;   /* gone meanwhile */
		one(fd);
		mb_close(fd);
	}
	if (opt.json && n != 1)
		jw_end_arr();
	if (opt.json)
		jw_done();
	close_fds(fds, n);
	return 0;
}

int pin_obj(int kind, int argc, char **argv, const char *obj)
{
	const char *path;
	int fd = parse_fd(kind, &argc, &argv), err;

	if (fd < 0)
		return -1;
	if (next_arg(&argc, &argv, &path, "FILE") || argc) {
		mb_close(fd);
		return usage_err(obj);
	}
	sweep_beside(path);
	err = mb_sys_obj_pin(fd, path);
	mb_close(fd);
	if (err)
		return cli_err("pin at '%s': %s (is it on a bpf filesystem, and new?)",
			       path, strerror(-err));
	return 0;
}

struct mb_btf *btf_by_id(uint32_t id)
{
	struct bpf_btf_info bi;
	struct mb_btf *btf = NULL;
	char err[128];
	void *buf = NULL;
	uint32_t size;
	int fd = mb_sys_get_fd_by_id(BPF_BTF_GET_FD_BY_ID, id);

	if (fd < 0)
		return NULL;
	if (!obj_info(fd, &bi, sizeof(bi)) && bi.btf_size &&
	    (buf = calloc(1, size = bi.btf_size))) {
		memset(&bi, 0, sizeof(bi));
		bi.btf = mb_ptr(buf);
		bi.btf_size = size;
		if (!mb_sys_obj_get_info_by_fd(fd, &bi, &(uint32_t){ sizeof(bi) }) &&
		    bi.btf_size <= size &&
		    (btf = mb_btf_open(buf, bi.btf_size, err, sizeof(err)))) {
			mb_btf_adopt(btf, buf);   /* read in place */
			buf = NULL;
		}
	}
	free(buf);
	mb_close(fd);
	return btf;
}

long long fdinfo_num(int fd, const char *key)
{
	char path[64], line[256];
	size_t kl = strlen(key);
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtoll(line + kl + 1, NULL, 0);
			break;
		}
	fclose(f);
	return v;
}

void print_hex(const void *p, uint32_t n)
{
	const unsigned char *b = p;

	for (uint32_t i = 0; i < n; i++)
		printf("%s%02x", i ? " " : "", b[i]);
}

void *read_file(const char *path, uint32_t *size)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	size_t cap = 4096, n = 0;
	char *buf = NULL, *nb;

	if (!f) {
		cli_err("open '%s': %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap > (1u << 30) || !(nb = realloc(buf, cap))) {
			free(buf);
			buf = NULL;
			cli_err("'%s' is too large", path);
			break;
		}
		buf = nb;
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
	}
	if (f != stdin)
		fclose(f);
	*size = n;
	return buf;
}

const char *type_name(enum mb_enum_kind k, uint32_t v)
{
	static char buf[4][40];
	static unsigned r;
	const char *s = mb_enum_name(k, v);
	char *b = buf[r++ & 3];
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; s[i] && i < sizeof(buf[0]) - 1; i++)
		b[i] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i];
	b[i] = 0;
	return b;
}

void kv_u(const char *key, const char *fmt, uint64_t v)
{
	if (opt.json)
		jw_ku(key, v);
	else if (fmt)
		printf(fmt, (unsigned long long)v);
}

void kv_s(const char *key, const char *fmt, const char *s)
{
	if (opt.json)
		jw_ks(key, s);
	else if (fmt)
		printf(fmt, s);
}

void kv_type(const char *key, const char *fmt, enum mb_enum_kind k, uint32_t v)
{
	const char *n = type_name(k, v);
	char num[48];

	if (n) {
		kv_s(key, fmt, n);
	} else if (opt.json) {
		jw_ku(key, v);
	} else {
		/* as bpftool: "type 42" where a bare name would stand */
		snprintf(num, sizeof(num), *fmt == '%' ? "%s %u" : "%.0s%u", key, v);
		printf(fmt, num);
	}
}

/* The helper names, '\0'-separated: one struct member per helper, so no
 * table of pointers (and relocations) is needed. The mapper's list ends
 * with a comma: end_ closes it. */
#define HELPER_MEMBER(x, ...) x[sizeof(#x)]
#define HELPER_STR(x, ...) #x
static const struct { char __BPF_FUNC_MAPPER(HELPER_MEMBER) end_[1]; } helpers = {
	__BPF_FUNC_MAPPER(HELPER_STR) ""
};

const char *helper_name(int32_t id)
{
	static char buf[64];
	const char *p = (const char *)&helpers, *end = p + sizeof(helpers);

	if (id < 0)
		return NULL;
	while (id-- && p < end)
		p += strlen(p) + 1;
	if (p >= end || !*p)
		return NULL;
	snprintf(buf, sizeof(buf), "bpf_%s", p);
	return buf;
}

/* A piece of the usage text only if the build has it (C is 0 or 1). */
#define IF_ON_1(s) s
#define IF_ON_0(s)
#define IF_ON_(c, s) IF_ON_##c(s)
#define IF_ON(c, s) IF_ON_(c, s)

static const char usage[] =
	"Usage: minibpf [OPTIONS] OBJECT { COMMAND | help }\n"
	IF_ON(MB_CMD_check, "       minibpf check [--strict] OBJ [PROG] | check --cfg PROG OBJ\n")
	IF_ON(MB_CMD_gen, "       minibpf gen { min_core_btf VMLINUX_BTF OUT OBJ... | skeleton OBJ [name NAME] }\n")
	"       minibpf version\n"
	"  OBJECT := { prog" IF_ON(MB_CMD_map, " | map") IF_ON(MB_CMD_link, " | link")
	IF_ON(MB_CMD_struct_ops, " | struct_ops") IF_ON(MB_CMD_btf, " | btf") IF_ON(MB_CMD_net, " | net")
	IF_ON(MB_CMD_cgroup, " | cgroup") IF_ON(MB_CMD_feature, " | feature") IF_ON(MB_CMD_obj, " | obj")
	IF_ON(MB_CMD_check, " | check") IF_ON(MB_CMD_gen, " | gen") " }\n"
	"  OPTIONS := { " IF_ON(MB_JSON, "-j|--json [-p|--pretty] | ") "-d|--debug | "
	IF_ON(MB_TRACE, "--trace | ") "--btf FILE |\n"
	"               -B|--base-btf FILE | -V|--version | -h|--help }\n"
	"  'minibpf OBJECT help' lists the commands of OBJECT; see minibpf(8).\n";
static int do_version(int argc, char **argv);
static const struct cmd top_cmds[] = {
	{ "help", NULL },
	{ "prog", do_prog },
#if MB_CMD_map
	{ "map", do_map },
#endif
#if MB_CMD_link
	{ "link", do_link },
#endif
#if MB_CMD_struct_ops
	{ "struct_ops", do_struct_ops },
#endif
#if MB_CMD_cgroup
	{ "cgroup", do_cgroup },
#endif
#if MB_CMD_net
	{ "net", do_net },
#endif
#if MB_CMD_feature
	{ "feature", do_feature },
#endif
#if MB_CMD_obj
	{ "obj", do_obj },
#endif
#if MB_CMD_btf
	{ "btf", do_btf },
#endif
#if MB_CMD_check
	{ "check", do_check_cmd },
#endif
#if MB_CMD_gen
	{ "gen", do_gen },
#endif
	{ "version", do_version },
	{ 0 }
};

/* What this build contains (include/mb_config.h), as bpftool prints its
 * "features:" line. */
static const struct { const char *name; int on; } features[] = {
	{ "trace", MB_TRACE }, { "disasm", MB_DISASM }, { "json", MB_JSON },
	{ "btf_dump", MB_BTF_DUMP }, { "core", MB_CORE }, { "feature", MB_FEATURE },
	{ "config_gz", MB_CONFIG_GZ }, { "net", MB_NET }, { "events", MB_EVENTS },
	{ "uprobe", MB_UPROBE }, { "extern", MB_EXTERN }, { "extra_cmds", MB_EXTRA_CMDS },
};

static int do_version(int argc, char **argv)
{
	const struct cmd *c;
	size_t i;
	int n = 0;

	(void)argc; (void)argv;
	if (opt.json) {
		jw_obj();
		jw_ks("version", MB_VERSION);
		jw_key("features");
		jw_obj();
		for (i = 0; i < sizeof(features) / sizeof(features[0]); i++)
			jw_kb(features[i].name, features[i].on);
		jw_end_obj();
		jw_key("objects");
		jw_arr();
		for (c = top_cmds + 1; c->name; c++)
			if (c->fn != do_version)
				jw_str(c->name);
		jw_end_arr();
		jw_end_obj();
		jw_done();
		return 0;
	}
	printf("minibpf v%s\nfeatures:", MB_VERSION);
	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (features[i].on)
			printf("%s %s", n++ ? "," : "", features[i].name);
	printf("%s\nobjects:", n ? "" : " none");
	for (c = top_cmds + 1; c->name; c++)
		if (c->fn != do_version)
			printf(" %s", c->name);
	putchar('\n');
	return 0;
}

/* The library's warnings go where the tool's own messages go. */
static int print_stderr(enum mb_print_level level, const char *fmt, va_list ap)
{
	return level == MB_DEBUG && !opt.debug ? 0 : vfprintf(stderr, fmt, ap);
}

/* Options before the object keyword, as bpftool: -jpdVh, clustered or not,
 * and their long forms (unambiguous prefixes accepted). */
int main(int argc, char **argv)
{
	static const char longs[] = "json\0pretty\0debug\0trace\0version\0help\0";
	static const char shorts[] = "jpdTVh";
	int i, version = 0;

	mb_set_print(print_stderr);
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i] + 1, *l = longs;
		char one[2] = { 0 };

		if (!strcmp(a, "-")) {
			i++;
			break;
		}
		if (!strcmp(a, "B") || !strcmp(a, "-base-btf")) {
			opt.base_btf_path = argv[++i];
			if (!opt.base_btf_path) {
				fprintf(stderr, "Error: --base-btf needs a file\n");
				return 1;
			}
			continue;
		}
		if (!strcmp(a, "-btf") || !strncmp(a, "-btf=", 5)) {
			/* kernel BTF for kernels without /sys/kernel/btf/vmlinux */
			opt.btf_path = a[4] ? a + 5 : argv[++i];
			if (!opt.btf_path || !*opt.btf_path) {
				fprintf(stderr, "Error: --btf needs a file\n");
				return 1;
			}
			continue;
		}
		if (*a == '-') {
			for (int k = 0; *l; l += strlen(l) + 1, k++)
				if (is_prefix(a + 1, l)) {
					one[0] = shorts[k];
					break;
				}
			if (!one[0])
				one[0] = '?';
			a = one;
		}
		for (; *a; a++) {
			switch (*a) {
#if MB_JSON
			case 'j': opt.json = 1; break;
			case 'p': opt.json = opt.pretty = 1; break;
#else
			case 'j':
			case 'p':
				fprintf(stderr, "Error: %s: built without JSON output (MB_JSON=0)\n", argv[i]);
				return 1;
#endif
			case 'd': opt.debug = 1; break;
#if MB_TRACE
			case 'T': mb_trace_set(stderr); break;
#else
			case 'T':
				fprintf(stderr, "Error: --trace: built without the syscall decoder (MB_TRACE=0)\n");
				return 1;
#endif
			case 'V': version = 1; break;
			case 'h': fputs(usage, stderr); return 0;
			default:
				fprintf(stderr, "Error: unknown option '%s'; see 'minibpf help'\n",
					argv[i]);
				return 1;
			}
		}
	}
	if (version)
		return do_version(0, NULL);
	if (i >= argc) {
		fputs(usage, stderr);
		return 1;
	}
	return cmd_select(top_cmds, argc - i, argv + i, "", usage) ? 1 : 0;
}
