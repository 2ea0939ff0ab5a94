/* Internal to syscall/ and attach/: rtnetlink for XDP and tc, and the
 * helpers perf.c/fs.c/netlink.c share. */
#ifndef MB_SYSCALL_NETLINK_H
#define MB_SYSCALL_NETLINK_H

#include <stddef.h>
#include <stdint.h>

/* syscall/bpf.c: counts one syscall; a negative errno when a fault is injected. */
int mb_sys_fault_check(void);

/* Read a small text file into buf (NUL-terminated). Bytes read or -errno. */
int mb_read_small(const char *path, char *buf, size_t size);
/* Write one line to a tracefs control file (kprobe_events, ...), O_APPEND. */
int mb_tracefs_write(const char *file, const char *line);
/* The name last looked up for tracepoint ID (for trace lines), or NULL. */
const char *mb_tracepoint_name(int id);

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

/* setsockopt(sock, SOL_SOCKET, opt, &prog_fd): SO_ATTACH_BPF, SO_DETACH_BPF,
 * SO_ATTACH_REUSEPORT_EBPF, SO_DETACH_REUSEPORT_BPF (prog_fd ignored for detach). */
int mb_sys_sock_prog(int sock, int opt, int prog_fd);

#endif
