/* Networking and cgroup attachments: XDP, tc, cgroups, sockmaps, network
 * namespaces, sockets. A bpf_link is preferred (it can be pinned and is
 * detached when its last fd goes); older mechanisms are the fallback. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_link.h>

#include "attach/attach.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"
#include "syscall/netlink.h"

static void info_init(struct mb_link_info *out, int prog_fd, uint32_t attach_type)
{
	memset(out, 0, sizeof(*out));
	out->fd = -1;
	out->prog_fd = prog_fd;
	out->attach_type = attach_type;
}

/* The kernel lacks this kind of link (or this attach type). */
static int no_link(int err)
{
	return err == -EINVAL || err == -EOPNOTSUPP || err == -ENOTSUP || err == -EPROTO;
}

static int link_to(int prog_fd, int target_fd, uint32_t ifindex, uint32_t type, uint32_t flags,
		   struct mb_link_info *out)
{
	struct mb_link_create_args la = { .prog_fd = prog_fd, .target_fd = target_fd,
					  .target_ifindex = ifindex, .attach_type = type,
					  .flags = flags };
	int fd = mb_sys_link_create(&la);

	if (fd >= 0) {
		out->fd = fd;
		out->method = MB_LINK_FD;
	}
	return fd < 0 ? fd : 0;
}

static const char *nl_msg(void)
{
	return mb_nl_errmsg()[0] ? mb_nl_errmsg() : "";
}

int mb_xdp_set(int ifindex, int prog_fd, uint32_t flags)
{
	int err = mb_nl_xdp_set(ifindex, prog_fd, flags);

	if (err)
		return mb_err(-err, "xdp on ifindex %d: %s%s%s", ifindex, mb_strerror(-err),
			      nl_msg()[0] ? ": " : "", nl_msg());
	return 0;
}

int mb_xdp_query(int ifindex, uint32_t *prog_id, uint8_t *mode)
{
	int err = mb_nl_xdp_query(ifindex, prog_id, mode);

	if (err)
		return mb_err(-err, "xdp query on ifindex %d: %s%s%s", ifindex, mb_strerror(-err),
			      nl_msg()[0] ? ": " : "", nl_msg());
	return 0;
}

int mb_attach_xdp(int prog_fd, int ifindex, uint32_t flags, struct mb_link_info *out)
{
	int err;

	info_init(out, prog_fd, BPF_XDP);
	out->ifindex = (uint32_t)ifindex;
	out->flags = flags;
	err = link_to(prog_fd, 0, (uint32_t)ifindex, BPF_XDP, flags, out);
	if (!err)
		return 0;
	if (!no_link(err))
		return mb_err(-err, "xdp on ifindex %d: %s%s", ifindex, mb_strerror(-err),
			      err == -EBUSY ? " (another XDP program is attached; detach it "
			      "first)" : "");
	/* XDP links are 5.9+; netlink attachments outlive the process. */
	err = mb_xdp_set(ifindex, prog_fd, flags | XDP_FLAGS_UPDATE_IF_NOEXIST);
	if (err)
		return err;
	mb_pr(MB_WARN, "minibpf: warning: xdp on ifindex %d: kernel has no XDP bpf_link, "
		"attached through netlink; it stays until detached and cannot be pinned\n",
		ifindex);
	out->method = MB_LINK_XDP_NETLINK;
	return 0;
}

int mb_attach_tc_netlink(int prog_fd, int ifindex, int egress, struct mb_link_info *out)
{
	int err;

	info_init(out, prog_fd, 0);
	out->ifindex = (uint32_t)ifindex;
	out->parent = egress ? 1 : 0;
	out->priority = 1;
	out->handle = 1;
	err = mb_nl_clsact(ifindex, 1);
	if (err)
		return mb_err(-err, "tc: clsact qdisc on ifindex %d: %s%s%s", ifindex,
			      mb_strerror(-err), nl_msg()[0] ? ": " : "", nl_msg());
	err = mb_nl_tc_filter_add(ifindex, egress, prog_fd, "minibpf", out->priority,
				  out->handle);
	if (err)
		return mb_err(-err, "tc: bpf filter on ifindex %d %s: %s%s%s", ifindex,
			      egress ? "egress" : "ingress", mb_strerror(-err),
			      nl_msg()[0] ? ": " : "", nl_msg());
	out->method = MB_LINK_TC_NETLINK;
	return 0;
}

int mb_attach_tc(int prog_fd, int ifindex, int egress, struct mb_link_info *out)
{
	uint32_t type = egress ? MB_BPF_TCX_EGRESS : MB_BPF_TCX_INGRESS;
	int err;

	info_init(out, prog_fd, type);
	out->ifindex = (uint32_t)ifindex;
	err = link_to(prog_fd, 0, (uint32_t)ifindex, type, 0, out);
	if (!err)
		return 0;
	if (!no_link(err))
		return mb_err(-err, "tcx on ifindex %d: %s", ifindex, mb_strerror(-err));
	/* before 6.6 */
	err = mb_attach_tc_netlink(prog_fd, ifindex, egress, out);
	if (!err)
		mb_pr(MB_WARN, "minibpf: warning: tc on ifindex %d: kernel has no tcx link, "
			"attached as a cls_bpf filter; it stays until detached\n", ifindex);
	return err;
}

int mb_attach_cgroup(int prog_fd, int cgroup_fd, uint32_t attach_type, uint32_t flags,
		     struct mb_link_info *out)
{
	int err;

	info_init(out, prog_fd, attach_type);
	out->target_fd = cgroup_fd;
	out->flags = flags;
	if (!flags) {
		err = link_to(prog_fd, cgroup_fd, 0, attach_type, 0, out);
		if (!err)
			return 0;
		if (!no_link(err))
			return mb_err(-err, "cgroup attach (type %u): %s", attach_type,
				      mb_strerror(-err));
	}
	/* Flags (BPF_F_ALLOW_MULTI/OVERRIDE) or no cgroup links (before 5.7). */
	err = mb_sys_prog_attach(prog_fd, cgroup_fd, attach_type, flags);
	if (err)
		return mb_err(-err, "cgroup attach (type %u): %s", attach_type, mb_strerror(-err));
	out->method = MB_LINK_PROG_ATTACH;
	return 0;
}

int mb_attach_sockmap(int prog_fd, int map_fd, uint32_t attach_type, struct mb_link_info *out)
{
	int err;

	info_init(out, prog_fd, attach_type);
	out->target_fd = map_fd;
	err = link_to(prog_fd, map_fd, 0, attach_type, 0, out);    /* 6.10+ */
	if (!err)
		return 0;
	err = mb_sys_prog_attach(prog_fd, map_fd, attach_type, 0);
	if (err)
		return mb_err(-err, "attach to sockmap fd %d (type %u): %s", map_fd, attach_type,
			      mb_strerror(-err));
	out->method = MB_LINK_PROG_ATTACH;
	return 0;
}

int mb_attach_netns(int prog_fd, int netns_fd, uint32_t attach_type, struct mb_link_info *out)
{
	int own = -1, err;

	info_init(out, prog_fd, attach_type);
	if (netns_fd < 0) {
		own = mb_sys_open("/proc/self/ns/net", O_RDONLY, 0);
		if (own < 0)
			return mb_err(-own, "open /proc/self/ns/net: %s", mb_strerror(-own));
		netns_fd = own;
	}
	err = link_to(prog_fd, netns_fd, 0, attach_type, 0, out);   /* 5.8+ */
	if (err && no_link(err) && attach_type == BPF_FLOW_DISSECTOR) {
		/* the old interface attaches to the caller's netns */
		err = mb_sys_prog_attach(prog_fd, 0, attach_type, 0);
		if (!err) {
			out->method = MB_LINK_PROG_ATTACH;
			out->target_fd = 0;
		}
	}
	mb_close(own);
	if (err)
		return mb_err(-err, "netns attach (type %u): %s%s", attach_type, mb_strerror(-err),
			      err == -EEXIST ? " (a program is attached already)" : "");
	return 0;
}

static int sock_attach(int prog_fd, int sock_fd, int opt, int detach_opt, const char *what,
		       struct mb_link_info *out)
{
	int err;

	info_init(out, prog_fd, (uint32_t)detach_opt);
	out->target_fd = sock_fd;
	err = mb_sys_sock_prog(sock_fd, opt, prog_fd);
	if (err)
		return mb_err(-err, "%s on socket %d: %s", what, sock_fd, mb_strerror(-err));
	out->method = MB_LINK_SOCKOPT;
	return 0;
}

int mb_attach_socket(int prog_fd, int sock_fd, struct mb_link_info *out)
{
	return sock_attach(prog_fd, sock_fd, SO_ATTACH_BPF, SO_DETACH_BPF, "SO_ATTACH_BPF", out);
}

int mb_attach_reuseport(int prog_fd, int sock_fd, struct mb_link_info *out)
{
	return sock_attach(prog_fd, sock_fd, SO_ATTACH_REUSEPORT_EBPF, SO_DETACH_REUSEPORT_BPF,
			   "SO_ATTACH_REUSEPORT_EBPF", out);
}
