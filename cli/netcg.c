/* minibpf net (XDP, tcx) and cgroup: attach, detach, show. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "syscall/netlink.h"

#if MB_CMD_net
/* ---- net ------------------------------------------------------------------ */
static const char net_types[] = "xdp\0xdpgeneric\0xdpdrv\0xdpoffload\0tcx_ingress\0tcx_egress\0";
static const uint32_t xdp_flags[] = { 0, 2 /* SKB */, 4 /* DRV */, 8 /* HW */ };

static int net_type(const char *s)
{
	int i = 0;

	for (const char *p = net_types; *p; p += strlen(p) + 1, i++)
		if (!strcmp(p, s))
			return i;
	return cli_err("unknown attach type '%s' (xdp, xdpgeneric, xdpdrv, xdpoffload, "
		       "tcx_ingress, tcx_egress)", s);
}

static int parse_dev(int *argc, char ***argv)
{
	const char *kw, *dev;
	int ifi;

	if (next_arg(argc, argv, &kw, "'dev'") || strcmp(kw, "dev") ||
	    next_arg(argc, argv, &dev, "device name"))
		return cli_err("'dev NAME' expected");
	ifi = if_nametoindex(dev);
	return ifi ? ifi : cli_err("no network device '%s'", dev);
}

static int net_attach(int argc, char **argv)
{
	const char *tn;
	int t, pfd, ifi, err, overwrite = 0;

	if (next_arg(&argc, &argv, &tn, "ATTACH_TYPE") || (t = net_type(tn)) < 0)
		return -1;
	pfd = parse_fd(KIND_PROG, &argc, &argv);
	if (pfd < 0)
		return -1;
	ifi = parse_dev(&argc, &argv);
	if (argc && is_prefix(argv[0], "overwrite"))
		overwrite = 1, argc--;
	if (ifi < 0 || argc) {
		mb_close(pfd);
		return ifi < 0 ? -1 : usage_err("net");
	}
	if (t < 4) {
		err = mb_nl_xdp_set(ifi, pfd, xdp_flags[t] | (overwrite ? 0 : 1 /* IF_NOEXIST */));
		if (err)
			cli_err("XDP attach: %s%s%s", strerror(-err), *mb_nl_errmsg() ? ": " : "",
				mb_nl_errmsg());
	} else {
		/* BPF_PROG_ATTACH (not a link) so the program stays after we exit. */
		err = mb_sys_prog_attach(pfd, ifi, t == 4 ? MB_BPF_TCX_INGRESS : MB_BPF_TCX_EGRESS, 0);
		if (err)
			cli_err("tcx attach: %s%s", strerror(-err),
				err == -EINVAL ? " (tcx needs Linux 6.6)" : "");
	}
	mb_close(pfd);
	return err ? -1 : 0;
}

static int tcx_ids(int ifi, uint32_t at, uint32_t *ids, uint32_t *cnt)
{
	return mb_sys_prog_query(ifi, at, 0, NULL, ids, cnt);
}

static int net_detach(int argc, char **argv)
{
	const char *tn;
	int t, ifi, err = 0;

	if (next_arg(&argc, &argv, &tn, "ATTACH_TYPE") || (t = net_type(tn)) < 0)
		return -1;
	ifi = parse_dev(&argc, &argv);
	if (ifi < 0)
		return -1;
	if (t < 4) {
		err = mb_nl_xdp_set(ifi, -1, xdp_flags[t]);
		return err ? cli_err("XDP detach: %s", strerror(-err)) : 0;
	}
	uint32_t ids[64], cnt = 64, at = t == 4 ? MB_BPF_TCX_INGRESS : MB_BPF_TCX_EGRESS;

	if ((err = tcx_ids(ifi, at, ids, &cnt)))
		return cli_err("tcx query: %s", strerror(-err));
	for (uint32_t i = 0; i < cnt && i < 64; i++) {
		int pfd = mb_sys_get_fd_by_id(BPF_PROG_GET_FD_BY_ID, ids[i]);

		if (pfd < 0)
			continue;
		err = mb_sys_prog_detach(pfd, ifi, at);
		mb_close(pfd);
		if (err && err != -ENOENT)   /* ENOENT: held by a link, not ours to drop */
			return cli_err("tcx detach prog %u: %s", ids[i], strerror(-err));
	}
	return 0;
}

static void net_entry(const char *dev, int ifi, const char *kind, uint32_t id)
{
	if (opt.json) {
		jw_obj();
		jw_ks("devname", dev);
		jw_ku("ifindex", ifi);
		jw_ks("kind", kind);
		jw_ku("id", id);
		jw_end_obj();
	} else {
		printf("%s(%d) %s id %u\n", dev, ifi, kind, id);
	}
}

static int net_show(int argc, char **argv)
{
	static const char *const modes[] = { "", "xdpdrv", "xdpgeneric", "xdpoffload", "xdp" };
	struct if_nameindex *ifs, *p;
	int only = 0;

	if (argc && (only = parse_dev(&argc, &argv)) < 0)
		return -1;
	if (argc)
		return usage_err("net");
	ifs = if_nameindex();
	if (!ifs)
		return cli_err("list network devices: %s", strerror(errno));
	if (opt.json)
		jw_arr();
	for (p = ifs; p->if_index; p++) {
		uint32_t id = 0, ids[64], cnt;
		uint8_t mode = 0;

		if (only && (int)p->if_index != only)
			continue;
		if (!mb_nl_xdp_query(p->if_index, &id, &mode) && id)
			net_entry(p->if_name, p->if_index, mode < 5 ? modes[mode] : "xdp", id);
		for (int e = 0; e < 2; e++) {
			cnt = 64;
			if (tcx_ids(p->if_index, e ? MB_BPF_TCX_EGRESS : MB_BPF_TCX_INGRESS, ids, &cnt))
				continue;
			for (uint32_t i = 0; i < cnt && i < 64; i++)
				net_entry(p->if_name, p->if_index, e ? "tcx/egress" : "tcx/ingress", ids[i]);
		}
	}
	if_freenameindex(ifs);
	if (opt.json) {
		jw_end_arr();
		jw_done();
	}
	return 0;
}

static const char net_help[] =
	"Usage: minibpf net { show | list } [dev NAME]\n"
	"       minibpf net attach ATTACH_TYPE PROG dev NAME [overwrite]\n"
	"       minibpf net detach ATTACH_TYPE dev NAME\n"
	"       minibpf net help\n"
	"  ATTACH_TYPE := { xdp | xdpgeneric | xdpdrv | xdpoffload | tcx_ingress | tcx_egress }\n";

static const struct cmd net_cmds[] = {
	{ "show", net_show },
	{ "list", net_show },
	{ "help", NULL },
	{ "attach", net_attach },
	{ "detach", net_detach },
	{ 0 }
};

int do_net(int argc, char **argv)
{
	return cmd_select(net_cmds, argc, argv, "net", net_help);
}
#endif /* MB_CMD_net */

#if MB_CMD_cgroup
/* ---- cgroup --------------------------------------------------------------- */
/* Accept libbpf's names and bpftool's short ones (ingress, connect4, sendmsg6...). */
static int cg_type(const char *s)
{
	char buf[64];
	size_t n = strlen(s);
	int t = name_lookup(MB_ENUM_ATTACH_TYPE, s);

	if (t >= 0)
		return t;
	if (n && n < 40 && (s[n - 1] == '4' || s[n - 1] == '6')) {
		int udp = !strncmp(s, "sendmsg", 7) || !strncmp(s, "recvmsg", 7);

		snprintf(buf, sizeof(buf), "cgroup_%s%c_%.*s", udp ? "udp" : "inet", s[n - 1],
			 (int)n - 1, s);
		t = name_lookup(MB_ENUM_ATTACH_TYPE, buf);
	}
	if (t < 0 && n < 40) {
		snprintf(buf, sizeof(buf), "cgroup_inet_%s", s);
		t = name_lookup(MB_ENUM_ATTACH_TYPE, buf);
	}
	if (t < 0 && n < 40) {
		snprintf(buf, sizeof(buf), "cgroup_%s", s);
		t = name_lookup(MB_ENUM_ATTACH_TYPE, buf);
	}
	return t >= 0 ? t : cli_err("unknown cgroup attach type '%s'", s);
}

static int cg_open(int *argc, char ***argv)
{
	const char *path;
	int fd;

	if (next_arg(argc, argv, &path, "CGROUP"))
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cli_err("open cgroup '%s': %s", path, strerror(errno));
	fd = mb_fd_sanitize(fd);
	return fd < 0 ? cli_err("open cgroup '%s': %s", path, strerror(-fd)) : fd;
}

static int cg_attach_detach(int argc, char **argv, int detach)
{
	const char *tn;
	int cg = cg_open(&argc, &argv), at, pfd = -1, err = -1;
	uint32_t flags = 0;

	if (cg < 0)
		return -1;
	if (next_arg(&argc, &argv, &tn, "ATTACH_TYPE") || (at = cg_type(tn)) < 0)
		goto out;
	if ((pfd = parse_fd(KIND_PROG, &argc, &argv)) < 0)
		goto out;
	for (; argc && !detach; argc--, argv++) {
		if (is_prefix(argv[0], "multi"))
			flags |= BPF_F_ALLOW_MULTI;
		else if (is_prefix(argv[0], "override"))
			flags |= BPF_F_ALLOW_OVERRIDE;
		else
			break;
	}
	if (argc) {
		usage_err("cgroup");
		goto out;
	}
	err = detach ? mb_sys_prog_detach(pfd, cg, at) : mb_sys_prog_attach(pfd, cg, at, flags);
	if (err)
		err = cli_err("cgroup %s: %s", detach ? "detach" : "attach", strerror(-err));
out:
	mb_close(pfd);
	mb_close(cg);
	return err;
}

static int cg_attach(int argc, char **argv) { return cg_attach_detach(argc, argv, 0); }
static int cg_detach(int argc, char **argv) { return cg_attach_detach(argc, argv, 1); }

static int cg_show(int argc, char **argv)
{
	int cg = cg_open(&argc, &argv), hdr = 0;

	if (cg < 0)
		return -1;
	if (opt.json)
		jw_arr();
	for (uint32_t at = 0; attach_type_name(at); at++) {
		uint32_t ids[64], cnt = 64, aflags = 0;

		if (strncmp(attach_type_name(at), "cgroup_", 7) || at == BPF_LSM_CGROUP)
			continue;
		if (mb_sys_prog_query(cg, at, 0, &aflags, ids, &cnt))
			continue;
		for (uint32_t i = 0; i < cnt && i < 64; i++) {
			const char *fl = aflags & BPF_F_ALLOW_MULTI ? "multi" :
					 aflags & BPF_F_ALLOW_OVERRIDE ? "override" : "";
			struct bpf_prog_info info;
			uint32_t len = sizeof(info);
			int pfd = mb_sys_get_fd_by_id(BPF_PROG_GET_FD_BY_ID, ids[i]);

			memset(&info, 0, sizeof(info));
			if (pfd >= 0)
				mb_sys_obj_get_info_by_fd(pfd, &info, &len);
			mb_close(pfd);
			if (opt.json) {
				jw_obj();
				jw_ku("id", ids[i]);
				jw_ks("attach_type", attach_type_name(at));
				jw_ks("attach_flags", fl);
				jw_ks("name", info.name);
				jw_end_obj();
			} else {
				if (!hdr++)
					printf("%-8s %-15s %-15s %-15s\n", "ID", "AttachType",
					       "AttachFlags", "Name");
				printf("%-8u %-15s %-15s %-15s\n", ids[i], attach_type_name(at),
				       fl, info.name);
			}
		}
	}
	if (opt.json) {
		jw_end_arr();
		jw_done();
	}
	mb_close(cg);
	return 0;
}

static const char cg_help[] =
	"Usage: minibpf cgroup { show | list } CGROUP\n"
	"       minibpf cgroup attach CGROUP ATTACH_TYPE PROG [multi | override]\n"
	"       minibpf cgroup detach CGROUP ATTACH_TYPE PROG\n"
	"       minibpf cgroup help\n"
	"  ATTACH_TYPE := { ingress | egress | sock_create | sock_ops | device | bind4 |\n"
	"                   connect4 | sendmsg4 | ... | any cgroup_* type name }\n";

static const struct cmd cg_cmds[] = {
	{ "help", NULL },
	{ "show", cg_show },
	{ "list", cg_show },
	{ "attach", cg_attach },
	{ "detach", cg_detach },
	{ 0 }
};

int do_cgroup(int argc, char **argv)
{
	return cmd_select(cg_cmds, argc, argv, "cgroup", cg_help);
}
#endif /* MB_CMD_cgroup */

