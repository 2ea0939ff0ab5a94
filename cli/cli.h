/* cli/: the minibpf command-line tool, bpftool-compatible where it can be. */
#ifndef MB_CLI_H
#define MB_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <linux/bpf.h>

#include "syscall/bpf_sys.h"

struct cli_opts {
	int json, pretty, debug;
};
extern struct cli_opts opt;

/* A subcommand: argv points after the keyword. Returns 0 or -1 (error printed). */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};
int cmd_select(const struct cmd *cmds, int argc, char **argv, const char *what);
int is_prefix(const char *arg, const char *keyword);
int cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_err(const char *obj);  /* "Error: ...; try minibpf OBJ help" */

/* Consume `id N | pinned PATH | name NAME | tag TAG` (KIND: prog/map/link).
 * Fills fds (up to max) and returns the count (>= 1), or -1 with an error
 * printed. For link only id/pinned apply. */
enum { KIND_PROG, KIND_MAP, KIND_LINK, KIND_BTF };
int parse_fds(int kind, int *argc, char ***argv, int *fds, int max);
/* Exactly one object. */
int parse_fd(int kind, int *argc, char ***argv);
void close_fds(int *fds, int n);
int next_arg(int *argc, char ***argv, const char **out, const char *what);

/* fdinfo "key:\tvalue" as a number; -1 if absent. */
long long fdinfo_num(int fd, const char *key);
/* Print a file's bytes as "xx xx ..." (up to n). */
void print_hex(const void *p, uint32_t n);

/* Name tables (NULL if unknown). */
const char *prog_type_name(uint32_t t);
const char *map_type_name(uint32_t t);
const char *link_type_name(uint32_t t);
const char *attach_type_name(uint32_t t);
int name_lookup(const char *(*fn)(uint32_t), uint32_t max, const char *name);
const char *helper_name(int32_t id);

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

/* Disassembler (pure): one instruction into buf, kernel verifier syntax
 * without the "(code) " prefix and index. Returns the number of slots (1 or 2).
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

#endif
