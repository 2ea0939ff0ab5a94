/* minibpf: command dispatch, global options, shared helpers. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

struct cli_opts opt;
static const char *obj_name = "";

int is_prefix(const char *arg, const char *keyword)
{
	return *arg && !strncmp(arg, keyword, strlen(arg));
}

int cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int usage_err(const char *obj)
{
	return cli_err("bad arguments; see 'minibpf %s help'", obj);
}

int cmd_select(const struct cmd *cmds, int argc, char **argv, const char *what)
{
	obj_name = what;
	if (argc < 1)
		return cmds[0].fn(0, argv);   /* the default (show / help) */
	for (const struct cmd *c = cmds; c->name; c++)
		if (is_prefix(argv[0], c->name))
			return c->fn(argc - 1, argv + 1);
	return cli_err("unknown %s command '%s'; see 'minibpf %s help'",
		       what, argv[0], *what ? what : "");
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

static int parse_tag(const char *s, unsigned char tag[8])
{
	for (int i = 0; i < 8; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		tag[i] = v;
	}
	return strlen(s) == 16 ? 0 : -1;
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
		char *end;
		unsigned long id = strtoul(val, &end, 0);

		if (*end || !*val)
			return cli_err("can't parse %s id '%s'", kind_name[kind], val);
		fd = mb_sys_get_fd_by_id(byid_cmd[kind], id);
		if (fd < 0)
			return cli_err("get %s by id %lu: %s", kind_name[kind], id, strerror(-fd));
	} else if (is_prefix(how, "pinned")) {
		fd = mb_sys_obj_get(val, 0);
		if (fd < 0)
			return cli_err("open pinned %s '%s': %s", kind_name[kind], val, strerror(-fd));
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

/* Names as the kernel/libbpf spell them, '\0'-separated, indexed by value. */
static const char prog_types[] =
	"unspec\0socket_filter\0kprobe\0sched_cls\0sched_act\0tracepoint\0xdp\0"
	"perf_event\0cgroup_skb\0cgroup_sock\0lwt_in\0lwt_out\0lwt_xmit\0sock_ops\0"
	"sk_skb\0cgroup_device\0sk_msg\0raw_tracepoint\0cgroup_sock_addr\0"
	"lwt_seg6local\0lirc_mode2\0sk_reuseport\0flow_dissector\0cgroup_sysctl\0"
	"raw_tracepoint_writable\0cgroup_sockopt\0tracing\0struct_ops\0ext\0lsm\0"
	"sk_lookup\0syscall\0netfilter\0";
static const char map_types[] =
	"unspec\0hash\0array\0prog_array\0perf_event_array\0percpu_hash\0"
	"percpu_array\0stack_trace\0cgroup_array\0lru_hash\0lru_percpu_hash\0"
	"lpm_trie\0array_of_maps\0hash_of_maps\0devmap\0sockmap\0cpumap\0xskmap\0"
	"sockhash\0cgroup_storage\0reuseport_sockarray\0percpu_cgroup_storage\0"
	"queue\0stack\0sk_storage\0devmap_hash\0struct_ops\0ringbuf\0inode_storage\0"
	"task_storage\0bloom_filter\0user_ringbuf\0cgrp_storage\0arena\0";
static const char link_types[] =
	"unspec\0raw_tracepoint\0tracing\0cgroup\0iter\0netns\0xdp\0perf_event\0"
	"kprobe_multi\0struct_ops\0netfilter\0tcx\0uprobe_multi\0netkit\0sockmap\0";
static const char attach_types[] =
	"cgroup_inet_ingress\0cgroup_inet_egress\0cgroup_inet_sock_create\0"
	"cgroup_sock_ops\0sk_skb_stream_parser\0sk_skb_stream_verdict\0"
	"cgroup_device\0sk_msg_verdict\0cgroup_inet4_bind\0cgroup_inet6_bind\0"
	"cgroup_inet4_connect\0cgroup_inet6_connect\0cgroup_inet4_post_bind\0"
	"cgroup_inet6_post_bind\0cgroup_udp4_sendmsg\0cgroup_udp6_sendmsg\0"
	"lirc_mode2\0flow_dissector\0cgroup_sysctl\0cgroup_udp4_recvmsg\0"
	"cgroup_udp6_recvmsg\0cgroup_getsockopt\0cgroup_setsockopt\0trace_raw_tp\0"
	"trace_fentry\0trace_fexit\0modify_return\0lsm_mac\0trace_iter\0"
	"cgroup_inet4_getpeername\0cgroup_inet6_getpeername\0"
	"cgroup_inet4_getsockname\0cgroup_inet6_getsockname\0xdp_devmap\0"
	"cgroup_inet_sock_release\0xdp_cpumap\0sk_lookup\0xdp\0sk_skb_verdict\0"
	"sk_reuseport_select\0sk_reuseport_select_or_migrate\0perf_event\0"
	"trace_kprobe_multi\0lsm_cgroup\0struct_ops\0netfilter\0tcx_ingress\0"
	"tcx_egress\0trace_uprobe_multi\0cgroup_unix_connect\0cgroup_unix_sendmsg\0"
	"cgroup_unix_recvmsg\0cgroup_unix_getpeername\0cgroup_unix_getsockname\0"
	"netkit_primary\0netkit_peer\0trace_kprobe_session\0trace_uprobe_session\0";

static const char *nth(const char *tab, size_t size, uint32_t n)
{
	const char *p = tab;

	while (n-- && p < tab + size - 1)
		p += strlen(p) + 1;
	return p < tab + size - 1 ? p : NULL;
}

const char *prog_type_name(uint32_t t) { return nth(prog_types, sizeof(prog_types), t); }
const char *map_type_name(uint32_t t) { return nth(map_types, sizeof(map_types), t); }
const char *link_type_name(uint32_t t) { return nth(link_types, sizeof(link_types), t); }
const char *attach_type_name(uint32_t t) { return nth(attach_types, sizeof(attach_types), t); }

int name_lookup(const char *(*fn)(uint32_t), uint32_t max, const char *name)
{
	for (uint32_t i = 0; i < max; i++) {
		const char *s = fn(i);

		if (!s)
			break;
		if (!strcmp(s, name))
			return i;
	}
	return -1;
}

#define HELPER_NAME(x) "bpf_" #x
static const char *const helpers[] = { __BPF_FUNC_MAPPER(HELPER_NAME) };

const char *helper_name(int32_t id)
{
	if (id >= 0 && id < (int32_t)(sizeof(helpers) / sizeof(helpers[0])))
		return helpers[id];
	return NULL;
}

static int do_help(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr,
		"Usage: minibpf [OPTIONS] OBJECT { COMMAND | help }\n"
		"       minibpf version\n"
		"  OBJECT := { prog | map | link | net | cgroup | feature | obj }\n"
		"  OPTIONS := { -j|--json [-p|--pretty] | -d|--debug | --trace |\n"
		"               -V|--version | -h|--help }\n");
	return 0;
}

static int do_version(int argc, char **argv)
{
	(void)argc; (void)argv;
	if (opt.json) {
		jw_obj();
		jw_ks("version", MB_VERSION);
		jw_end_obj();
		jw_done();
	} else {
		printf("minibpf v%s\n", MB_VERSION);
	}
	return 0;
}

static const struct cmd top_cmds[] = {
	{ "help", do_help },
	{ "prog", do_prog },
	{ "map", do_map },
	{ "link", do_link },
	{ "cgroup", do_cgroup },
	{ "net", do_net },
	{ "feature", do_feature },
	{ "obj", do_obj },
	{ "version", do_version },
	{ 0 }
};

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, 0, 'j' },
		{ "pretty", no_argument, 0, 'p' },
		{ "debug", no_argument, 0, 'd' },
		{ "trace", no_argument, 0, 'T' },
		{ "version", no_argument, 0, 'V' },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	int c, version = 0;

	/* '+': stop at the first non-option, as the object keyword follows. */
	while ((c = getopt_long(argc, argv, "+jpdVh", lopts, NULL)) != -1) {
		switch (c) {
		case 'j': opt.json = 1; break;
		case 'p': opt.json = opt.pretty = 1; break;
		case 'd': opt.debug = 1; break;
		case 'T': mb_trace_set(stderr); break;
		case 'V': version = 1; break;
		case 'h': return do_help(0, NULL);
		default:
			fprintf(stderr, "Error: unknown option; see 'minibpf help'\n");
			return 1;
		}
	}
	if (version)
		return do_version(0, NULL);
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		do_help(0, NULL);
		return 1;
	}
	return cmd_select(top_cmds, argc, argv, "") ? 1 : 0;
}
