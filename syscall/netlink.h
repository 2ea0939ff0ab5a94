/* rtnetlink for XDP and tc (syscall/netlink.c), for attach/ and the CLI. */
#ifndef MB_SYSCALL_NETLINK_H
#define MB_SYSCALL_NETLINK_H

#include <stdint.h>

/* The kernel's extack message of the last netlink failure ("" if none). */
const char *mb_nl_errmsg(void);
/* IFLA_XDP: attach prog_fd (-1 detaches) with XDP_FLAGS_*. */
int mb_nl_xdp_set(int ifindex, int prog_fd, uint32_t flags);
/* The id of the XDP program on ifindex in the given mode (0 none) or -errno. */
int mb_nl_xdp_query(int ifindex, uint32_t *prog_id, uint8_t *attach_mode);
/* clsact qdisc: add (EEXIST is fine) or delete. */
int mb_nl_clsact(int ifindex, int add);
/* cls_bpf filter with direct-action on ingress (egress != 0: egress). */
int mb_nl_tc_filter_add(int ifindex, int egress, int prog_fd, const char *name,
			uint32_t priority, uint32_t handle);
int mb_nl_tc_filter_del(int ifindex, int egress, uint32_t priority, uint32_t handle);

#endif
