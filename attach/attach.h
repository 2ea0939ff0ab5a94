/* attach/: one function per attach family (the SEC() table is elf/sec.h).
 *
 * Every mb_attach_* function fills a struct mb_link_info and returns 0, or a
 * negative errno with a message (mb_last_error()). Where the kernel has a
 * bpf_link for the attachment, info->fd is that link and can be pinned.
 */
#ifndef MB_ATTACH_ATTACH_H
#define MB_ATTACH_ATTACH_H

#include <stdint.h>
#include <stdio.h>
#include <linux/bpf.h>

#include "uapi/bpf_compat.h"
#include "elf/sec.h"

/* ---- attachments ---------------------------------------------------------- */
enum mb_link_method {
	MB_LINK_NONE,
	MB_LINK_FD,             /* a bpf_link (or raw_tp) fd: pinnable; close detaches */
	MB_LINK_PERF,           /* perf event with IOC_SET_BPF: not pinnable */
	MB_LINK_PROG_ATTACH,    /* BPF_PROG_ATTACH: detach by BPF_PROG_DETACH */
	MB_LINK_XDP_NETLINK,    /* IFLA_XDP: stays until detached */
	MB_LINK_TC_NETLINK,     /* cls_bpf filter: stays until detached */
	MB_LINK_SOCKOPT,        /* socket option: lives with the socket */
	MB_LINK_STRUCT_OPS,     /* a .struct_ops map registered (target_fd, owned):
				 * detach deletes its element */
};

struct mb_link_info {
	int fd;                 /* link or perf event fd; -1 if none */
	uint32_t method;        /* enum mb_link_method */
	int prog_fd;            /* not owned */
	int target_fd;          /* not owned: cgroup, map, socket */
	uint32_t attach_type;
	uint32_t ifindex;
	uint32_t flags;         /* XDP flags, BPF_F_ALLOW_* */
	uint32_t parent;        /* tc: TC_H_INGRESS / egress minor */
	uint32_t priority, handle;
	uint32_t probe_kind;    /* 1 kprobe, 2 uprobe: a tracefs probe event to remove */
	char probe[32];         /* its name under events/minibpf/ */
};

/* Undo an attachment of any method and close its fd. Idempotent. */
int mb_link_info_detach(struct mb_link_info *l);
/* Pin a link fd in bpffs (MB_LINK_FD only). */
int mb_link_info_pin(const struct mb_link_info *l, const char *path);

/* What mb_prog_attach() returns: one attachment, or one per CPU (perf_event). */
struct mb_link {
	int n;
	int pinned;
	struct mb_link_info info[];
};

/* Tracing. pid -1 / cpu 0 for tracepoints, as perf does for system-wide. */
int mb_attach_tracepoint(int prog_fd, const char *category, const char *name,
			 struct mb_link_info *out);
int mb_attach_raw_tracepoint(int prog_fd, const char *name, struct mb_link_info *out);
/* tp_btf/fentry/fexit/fmod_ret/lsm: the target is the load's attach_btf_id. */
int mb_attach_tracing(int prog_fd, uint32_t attach_type, struct mb_link_info *out);
int mb_attach_iter(int prog_fd, int map_fd, struct mb_link_info *out);
int mb_attach_kprobe(int prog_fd, int retprobe, const char *func, uint64_t offset,
		     struct mb_link_info *out);
/* Probe PATH at FUNC (a symbol, "+off" allowed, or NULL) plus offset; pid -1: all.
 * A PATH without '/' is looked up in the usual library directories. */
int mb_attach_uprobe(int prog_fd, int retprobe, const char *path, const char *func,
		     uint64_t offset, int pid, struct mb_link_info *out);
/* The same through tracefs kprobe_events/uprobe_events, for kernels without
 * the kprobe/uprobe PMU (before 4.17). target: FUNC (kprobe) or PATH (uprobe).
 * The event is removed again on detach. */
int mb_attach_probe_tracefs(int prog_fd, int uprobe, int retprobe, const char *target,
			    uint64_t offset, int pid, struct mb_link_info *out);
/* File offset of SYMBOL in the ELF file PATH (ELF32 or ELF64, native byte
 * order; symtab, then dynsym). */
int64_t mb_uprobe_sym_offset(const char *path, const char *symbol);
/* A cpu-clock software event on each online CPU (max ncpu), one link each.
 * Returns the number of links made, or a negative errno (nothing left attached). */
int mb_attach_perf_event(int prog_fd, uint64_t sample_period, struct mb_link_info *out,
			 int max);

/* Networking. XDP flags: XDP_FLAGS_SKB_MODE / DRV_MODE / HW_MODE. */
int mb_attach_xdp(int prog_fd, int ifindex, uint32_t flags, struct mb_link_info *out);
/* The XDP program id on ifindex (0: none) and its XDP_ATTACHED_* mode. */
int mb_xdp_query(int ifindex, uint32_t *prog_id, uint8_t *mode);
/* Persistent XDP through netlink (like `bpftool net attach xdp`); prog_fd -1 detaches. */
int mb_xdp_set(int ifindex, int prog_fd, uint32_t flags);
/* tcx link when the kernel has it (6.6+), else clsact + cls_bpf direct-action. */
int mb_attach_tc(int prog_fd, int ifindex, int egress, struct mb_link_info *out);
int mb_attach_tc_netlink(int prog_fd, int ifindex, int egress, struct mb_link_info *out);
/* BPF_LINK_CREATE on a cgroup fd; with flags (BPF_F_ALLOW_MULTI/OVERRIDE) or when
 * links are missing, BPF_PROG_ATTACH. */
int mb_attach_cgroup(int prog_fd, int cgroup_fd, uint32_t attach_type, uint32_t flags,
		     struct mb_link_info *out);
int mb_attach_sockmap(int prog_fd, int map_fd, uint32_t attach_type, struct mb_link_info *out);
/* flow_dissector / sk_lookup on a netns fd (-1: this process's netns). */
int mb_attach_netns(int prog_fd, int netns_fd, uint32_t attach_type, struct mb_link_info *out);
int mb_attach_socket(int prog_fd, int sock_fd, struct mb_link_info *out);
int mb_attach_reuseport(int prog_fd, int sock_fd, struct mb_link_info *out);

/* Where a section that does not name its target goes. Fields unused by the
 * section's kind are ignored. */
struct mb_attach_target {
	int ifindex;            /* xdp, tc */
	int egress;             /* tc: egress instead of ingress */
	int target_fd;          /* cgroup, sockmap, netns, socket; 0: none */
	int pid;                /* uprobe: -1 all processes (default when 0 given) */
	uint32_t flags;         /* xdp flags, cgroup BPF_F_ALLOW_* */
	uint64_t sample_period; /* perf_event */
};
/* Attach the way the program's resolved section definition says (def: from
 * the SEC() table, mb_elf_prog.sec; NULL: unknown section); sec_name is for
 * messages. target may be NULL for sections naming their target. perf_event
 * fills one info per CPU: out must have room for max entries. Returns the
 * number of infos filled (1 for all but perf_event) or -errno. */
int mb_attach_auto(int prog_fd, const char *sec_name, const struct mb_sec_def *def,
		   const struct mb_attach_target *target, struct mb_link_info *out, int max);

#endif
