/* cli/: the minibpf command-line tool, bpftool-compatible where it can be. */
#ifndef MB_CLI_H
#define MB_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <linux/bpf.h>

#include "syscall/bpf_sys.h"
#include "mb_config.h"

struct cli_opts {
	int json, pretty, debug;
	const char *btf_path;    /* --btf: kernel BTF for CO-RE and BTF ids */
	const char *base_btf_path;   /* -B/--base-btf: base of a split BTF (btf dump) */
};
extern struct cli_opts opt;

/* A subcommand: argv points after the keyword. Returns 0 or -1 (error printed). */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};
/* Runs the matching command; no argument (or "help") prints HELP. */
int cmd_select(const struct cmd *cmds, int argc, char **argv, const char *what,
	       const char *help);
int is_prefix(const char *arg, const char *keyword);
/* "Error: ..." on stderr, or {"error":"..."} on stdout with -j, as bpftool. */
int cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_err(const char *obj);  /* "Error: ...; try minibpf OBJ help" */

/* Consume `id N | pinned PATH | name NAME | tag TAG` (KIND: prog/map/link).
 * Fills fds (up to max) and returns the count (>= 1), or -1 with an error
 * printed. For link only id/pinned apply. */
enum { KIND_PROG, KIND_MAP, KIND_LINK, KIND_BTF };
int parse_fds(int kind, int *argc, char ***argv, int *fds, int max);
/* Exactly one object. */
int parse_fd(int kind, int *argc, char ***argv);
/* parse_fd, then no argument may follow. */
int parse_only_fd(int kind, int argc, char **argv, const char *obj);
void close_fds(int *fds, int n);
int next_arg(int *argc, char ***argv, const char **out, const char *what);
/* strtoul of a whole token; -1 with an error naming WHAT if it is not one. */
int parse_u32(const char *s, uint32_t *out, const char *what);

/* `OBJ show [HANDLE]`: one object, those matching, or all of KIND. */
int show_objs(int kind, int argc, char **argv, void (*one)(int fd), const char *obj);
/* `OBJ pin HANDLE FILE`. */
int pin_obj(int kind, int argc, char **argv, const char *obj);
/* Before pinning at PATH: remove the staging directories beside it that a
 * killed load left (a note on stderr for each). */
void sweep_beside(const char *path);
/* The object's info (memset first); an error printed on failure. */
int obj_info(int fd, void *info, uint32_t len);

/* The BTF object by id, fetched and parsed; NULL if that fails. */
struct mb_btf;
struct mb_btf *btf_by_id(uint32_t id);

/* fdinfo "key:\tvalue" as a number; -1 if absent. */
long long fdinfo_num(int fd, const char *key);
/* Print bytes as "xx xx ...". */
void print_hex(const void *p, uint32_t n);
/* Whole file (or stdin for "-") into a malloc'd buffer; NULL + error printed. */
void *read_file(const char *path, uint32_t *size);

/* Enum names lowercased, as bpftool prints them (NULL if unknown); the
 * reverse is case-insensitive, -1 if unknown. */
const char *type_name(enum mb_enum_kind k, uint32_t v);
#define prog_type_name(t) type_name(MB_ENUM_PROG_TYPE, t)
#define map_type_name(t) type_name(MB_ENUM_MAP_TYPE, t)
#define link_type_name(t) type_name(MB_ENUM_LINK_TYPE, t)
#define attach_type_name(t) type_name(MB_ENUM_ATTACH_TYPE, t)
#define name_lookup(k, name) ((int)mb_enum_value(k, name))
const char *helper_name(int32_t id);   /* "bpf_map_lookup_elem" */

/* A field of a `show` line: JSON "key": value, or printf(fmt, value) in text
 * (nothing when fmt is NULL). kv_type prints an enum's name, or its number. */
void kv_u(const char *key, const char *fmt, uint64_t v);
void kv_s(const char *key, const char *fmt, const char *s);
void kv_type(const char *key, const char *fmt, enum mb_enum_kind k, uint32_t v);

#if MB_JSON
/* JSON writer: writes to stdout; pretty with opt.pretty. */
void jw_obj(void);
void jw_end_obj(void);
void jw_arr(void);
void jw_end_arr(void);
void jw_key(const char *k);
void jw_str(const char *s);
void jw_u64(uint64_t v);
void jw_i64(int64_t v);
void jw_bool(int v);
void jw_null(void);
void jw_ks(const char *k, const char *s);
void jw_ku(const char *k, uint64_t v);
void jw_ki(const char *k, int64_t v);
void jw_kb(const char *k, int v);
void jw_hexbytes(const void *p, uint32_t n);   /* ["0x01","0x00"] */
void jw_raw(void);                            /* caller prints one JSON value */
void jw_done(void);                           /* trailing newline at top level */
int jw_depth(void);                           /* 0: nothing open */
#else
/* Built without JSON (MB_JSON=0): -j is refused, opt.json stays 0, and the
 * writers are no-ops the compiler removes. */
static inline void jw_obj(void) {}
static inline void jw_end_obj(void) {}
static inline void jw_arr(void) {}
static inline void jw_end_arr(void) {}
static inline void jw_key(const char *k) { (void)k; }
static inline void jw_str(const char *s) { (void)s; }
static inline void jw_u64(uint64_t v) { (void)v; }
static inline void jw_i64(int64_t v) { (void)v; }
static inline void jw_bool(int v) { (void)v; }
static inline void jw_null(void) {}
static inline void jw_ks(const char *k, const char *s) { (void)k; (void)s; }
static inline void jw_ku(const char *k, uint64_t v) { (void)k; (void)v; }
static inline void jw_ki(const char *k, int64_t v) { (void)k; (void)v; }
static inline void jw_kb(const char *k, int v) { (void)k; (void)v; }
static inline void jw_hexbytes(const void *p, uint32_t n) { (void)p; (void)n; }
static inline void jw_raw(void) {}
static inline void jw_done(void) {}
static inline int jw_depth(void) { return 0; }
#endif

/* Disassembler (pure): one instruction into buf, kernel verifier syntax
 * without the "(code) " prefix and index (built without MB_DISASM: the raw
 * fields, "code 0x85 dst r0 src r0 off 0 imm 6"). Returns the number of slots (1 or 2).
 * call_name, if non-NULL, resolves helper/kfunc/subprog call names. */
typedef const char *(*disasm_call_fn)(void *ctx, const struct bpf_insn *insn);
int disasm_insn(const struct bpf_insn *insn, uint32_t left, char *buf, size_t len,
		disasm_call_fn call_name, void *ctx);

int do_prog(int argc, char **argv);
int do_map(int argc, char **argv);
int do_link(int argc, char **argv);
int do_feature(int argc, char **argv);
int do_net(int argc, char **argv);
int do_cgroup(int argc, char **argv);
int do_obj(int argc, char **argv);
int do_btf(int argc, char **argv);
int do_check_cmd(int argc, char **argv);   /* cli/check.c */
int do_struct_ops(int argc, char **argv);  /* cli/struct_ops.c */
int do_gen(int argc, char **argv);         /* cli/gen.c */

/* `map event_pipe` (cli/event_pipe.c). */
int do_map_event_pipe(int argc, char **argv);

#endif
