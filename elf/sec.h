/* elf/: the SEC() table, libbpf's section-name conventions (pure).
 *
 * A program's section name says its program type, expected attach type and
 * how it attaches. The object parser resolves it once per program
 * (mb_elf_prog.sec); attach/ uses that resolved definition.
 */
#ifndef MB_ELF_SEC_H
#define MB_ELF_SEC_H

#include <stdint.h>

/* How a program of a section gets attached. */
enum mb_attach_kind {
	MB_ATTACH_NONE,         /* loaded only (lwt, action, syscall, ...) */
	MB_ATTACH_KPROBE,
	MB_ATTACH_KRETPROBE,
	MB_ATTACH_KSYSCALL,
	MB_ATTACH_KRETSYSCALL,
	MB_ATTACH_UPROBE,
	MB_ATTACH_URETPROBE,
	MB_ATTACH_TRACEPOINT,
	MB_ATTACH_RAW_TP,
	MB_ATTACH_TRACING,      /* tp_btf, fentry, fexit, fmod_ret: by the load's BTF id */
	MB_ATTACH_LSM,
	MB_ATTACH_ITER,
	MB_ATTACH_FREPLACE,
	MB_ATTACH_PERF_EVENT,
	MB_ATTACH_XDP,
	MB_ATTACH_TC,           /* cls_bpf through netlink, or tcx */
	MB_ATTACH_TCX,
	MB_ATTACH_CGROUP,
	MB_ATTACH_SOCKMAP,      /* sk_skb, sk_msg */
	MB_ATTACH_NETNS,        /* flow_dissector, sk_lookup */
	MB_ATTACH_SOCKET,       /* SO_ATTACH_BPF */
	MB_ATTACH_REUSEPORT,    /* SO_ATTACH_REUSEPORT_EBPF */
	MB_ATTACH_STRUCT_OPS,
	MB_ATTACH_OTHER,        /* known section, attach method not supported here */
};

#define MB_SEC_SLEEPABLE     0x01  /* load with BPF_F_SLEEPABLE */
#define MB_SEC_XDP_FRAGS     0x02  /* load with BPF_F_XDP_HAS_FRAGS */
#define MB_SEC_AUTO          0x04  /* the name says where to attach */
#define MB_SEC_ATTACH_BTF    0x08  /* the load needs a BTF id of the target */
#define MB_SEC_EXP_OPTIONAL  0x10  /* expected_attach_type may be dropped on old kernels */
#define MB_SEC_NOAUTOLOAD    0x20  /* SEC("?..."): not loaded unless mb_prog_set_autoload() */

struct mb_sec_def {
	uint32_t prog_type;
	uint32_t expected_attach_type;
	uint32_t kind;          /* enum mb_attach_kind */
	uint32_t flags;         /* MB_SEC_* */
	const char *target;     /* inside the name, after "type/"; NULL if none */
	const char *pattern;    /* the table entry that matched, e.g. "kprobe+" */
};

/* 0 and *out filled, or -ENOENT for an unknown section name. Pure. */
int mb_sec_lookup(const char *sec, struct mb_sec_def *out);
/* The name of an attach kind, for messages ("kprobe", "cgroup", ...). */
const char *mb_attach_kind_name(uint32_t kind);
/* The table's first entry for a program type (and attach type, unless 0),
 * with no target: for programs whose type the user set. -ENOENT if none. */
int mb_sec_for_type(uint32_t prog_type, uint32_t attach_type, struct mb_sec_def *out);

#endif
