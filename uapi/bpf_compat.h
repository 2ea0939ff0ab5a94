/* UAPI facts newer than the 6.1 <linux/bpf.h> the build machines ship.
 *
 * Everything here is MB_-prefixed so it never collides with a newer system
 * header, and each line names the kernel that introduced it. Enum values are
 * kernel ABI: they never change once released.
 */
#ifndef MB_UAPI_BPF_COMPAT_H
#define MB_UAPI_BPF_COMPAT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

/* commands */
#define MB_BPF_TOKEN_CREATE              36 /* 6.9 */
#define MB_BPF_PROG_STREAM_READ_BY_FD    37 /* 6.17 */
#define MB_BPF_CMD_MAX                   38

/* map types */
#define MB_BPF_MAP_TYPE_CGRP_STORAGE     32 /* 6.2 */
#define MB_BPF_MAP_TYPE_ARENA            33 /* 6.9 */
#define MB_BPF_MAP_TYPE_MAX              34

/* program types */
#define MB_BPF_PROG_TYPE_NETFILTER       32 /* 6.4 */
#define MB_BPF_PROG_TYPE_MAX             33

/* attach types */
#define MB_BPF_STRUCT_OPS                44 /* 6.2 */
#define MB_BPF_NETFILTER                 45 /* 6.4 */
#define MB_BPF_TCX_INGRESS               46 /* 6.6 */
#define MB_BPF_TCX_EGRESS                47 /* 6.6 */
#define MB_BPF_TRACE_UPROBE_MULTI        48 /* 6.6 */
#define MB_BPF_CGROUP_UNIX_CONNECT       49 /* 6.7 */
#define MB_BPF_CGROUP_UNIX_SENDMSG       50 /* 6.7 */
#define MB_BPF_CGROUP_UNIX_RECVMSG       51 /* 6.7 */
#define MB_BPF_CGROUP_UNIX_GETPEERNAME   52 /* 6.7 */
#define MB_BPF_CGROUP_UNIX_GETSOCKNAME   53 /* 6.7 */
#define MB_BPF_NETKIT_PRIMARY            54 /* 6.7 */
#define MB_BPF_NETKIT_PEER               55 /* 6.7 */
#define MB_BPF_TRACE_KPROBE_SESSION      56 /* 6.10 */
#define MB_BPF_TRACE_UPROBE_SESSION      57 /* 6.13 */
#define MB_BPF_ATTACH_TYPE_MAX           58

/* link types */
#define MB_BPF_LINK_TYPE_NETFILTER       10 /* 6.4 */
#define MB_BPF_LINK_TYPE_TCX             11 /* 6.6 */
#define MB_BPF_LINK_TYPE_UPROBE_MULTI    12 /* 6.6 */
#define MB_BPF_LINK_TYPE_NETKIT          13 /* 6.7 */
#define MB_BPF_LINK_TYPE_SOCKMAP         14 /* 6.10 */
#define MB_BPF_LINK_TYPE_MAX             15

/* map_flags */
#define MB_BPF_F_LINK              (1U << 13) /* 6.3: struct_ops map usable as a link */
#define MB_BPF_F_PATH_FD           (1U << 14) /* 6.5: obj pin/get relative to path_fd */
#define MB_BPF_F_VTYPE_BTF_OBJ_FD  (1U << 15) /* 6.9 */
#define MB_BPF_F_TOKEN_FD          (1U << 16) /* 6.9 */
#define MB_BPF_F_SEGV_ON_FAULT     (1U << 17) /* 6.9: arena */
#define MB_BPF_F_NO_USER_CONV      (1U << 18) /* 6.9: arena */

/* prog_flags */
#define MB_BPF_F_XDP_DEV_BOUND_ONLY   (1U << 6) /* 6.3 */
#define MB_BPF_F_TEST_REG_INVARIANTS  (1U << 7) /* 6.7 */

/* tcx / netkit / mprog ordering flags for BPF_LINK_CREATE and PROG_ATTACH (6.6) */
#define MB_BPF_F_BEFORE            (1U << 3)
#define MB_BPF_F_AFTER             (1U << 4)
#define MB_BPF_F_ID                (1U << 5)

/* offsetofend for union bpf_attr members: the attr size a command must pass. */
#define MB_ATTR_END(field) \
	(offsetof(union bpf_attr, field) + sizeof(((union bpf_attr *)0)->field))

/* Fields the 6.1 union lacks live at fixed offsets right after the fields it
 * has. union mb_attr gives them room; the wrappers store them with memcpy
 * (mb_attr_put32/64) and pass a size that covers them only when they are used,
 * so a kernel older than the field never sees a byte it does not know.
 *
 *  BPF_PROG_LOAD  log_true_size      u32 after core_relo_rec_size   (6.4)
 *  BPF_BTF_LOAD   btf_log_true_size  u32 after btf_log_level        (6.4)
 *  BPF_LINK_CREATE tcx/netkit { relative_fd u32; pad; expected_revision u64 }
 *                 overlaying the per-target union after `flags`       (6.6)
 */
#define MB_ATTR_PROG_LOG_TRUE_SIZE  MB_ATTR_END(core_relo_rec_size)
#define MB_ATTR_BTF_LOG_TRUE_SIZE   MB_ATTR_END(btf_log_level)
#define MB_ATTR_TCX_RELATIVE_FD     offsetof(union bpf_attr, link_create.target_btf_id)
#define MB_ATTR_TCX_EXP_REVISION    (MB_ATTR_TCX_RELATIVE_FD + 8)

union mb_attr {
	union bpf_attr a;
	unsigned char b[sizeof(union bpf_attr) + 32];
};

#endif
