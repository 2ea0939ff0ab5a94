/* Undoing and pinning attachments of every method. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "attach/attach.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"
#include "syscall/netlink.h"

int mb_link_info_detach(struct mb_link_info *l)
{
	int err = 0;

	switch (l->method) {
	case MB_LINK_PROG_ATTACH:
		err = mb_sys_prog_detach(l->prog_fd, l->target_fd, l->attach_type);
		break;
	case MB_LINK_XDP_NETLINK:
		err = mb_nl_xdp_set((int)l->ifindex, -1, l->flags);
		break;
	case MB_LINK_TC_NETLINK:
		err = mb_nl_tc_filter_del((int)l->ifindex, l->parent != 0, l->priority, l->handle);
		break;
	case MB_LINK_SOCKOPT:
		err = mb_sys_sock_prog(l->target_fd, (int)l->attach_type, 0);
		break;
	case MB_LINK_STRUCT_OPS: {
		uint32_t zero = 0;

		err = mb_sys_map_delete(l->target_fd, &zero);
		mb_close(l->target_fd);
		break;
	}
	}
	/* A link or perf event fd detaches when its last reference goes; a pinned
	 * link keeps one, which is the point of pinning. */
	mb_close(l->fd);
	if (l->probe_kind) {
		char line[64];

		/* fails with EBUSY while a pinned link still uses the event */
		snprintf(line, sizeof(line), "-:minibpf/%s", l->probe);
		mb_tracefs_write(l->probe_kind == 2 ? "uprobe_events" : "kprobe_events", line);
	}
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	if (err)
		return mb_err(-err, "detach: %s", mb_strerror(-err));
	return 0;
}

int mb_link_info_pin(const struct mb_link_info *l, const char *path)
{
	int err;

	if (l->method == MB_LINK_STRUCT_OPS)
		return mb_err(EOPNOTSUPP, "pin %s: a .struct_ops map has no link: it stays registered until unregistered (declare it in SEC(\".struct_ops.link\") for a link)",
			      path);
	if (l->method != MB_LINK_FD || l->fd < 0)
		return mb_err(EOPNOTSUPP, "pin %s: this attachment has no bpf_link (kernel too old "
			      "for a link of this kind), it cannot be pinned", path);
	err = mb_sys_obj_pin(l->fd, path);
	if (err)
		return mb_err(-err, "pin %s: %s", path, mb_pin_why(err, path));
	return 0;
}
