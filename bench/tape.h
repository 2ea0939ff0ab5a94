/* The bpf(2) tape: what minibpf asked of the kernel while loading an object,
 * recorded by tape_rec.c and replayed by floor.c, which does nothing else.
 *
 * File: TAPE_MAGIC, then records. A record: struct tape_rec, the attr bytes
 * (attr_size rounded up to 8), then nbuf times struct tape_buf + len bytes
 * (rounded up to 8). Each buffer is what a pointer field at attr offset `off`
 * pointed to. Fds in attrs and in map-loading instructions are stored as
 * 1 + the index of the record that created them (0: none). */
#ifndef MB_BENCH_TAPE_H
#define MB_BENCH_TAPE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#define TAPE_MAGIC "MBTAPE1\n"
#define TAPE_MAX_REC 4096

struct tape_rec {
	uint32_t cmd, attr_size, nbuf, pad;
};

struct tape_buf {
	uint32_t off, len;
};

#define TAPE_ALIGN(n) (((size_t)(n) + 7) & ~(size_t)7)
#define TAPE_OFF(field) ((uint32_t)offsetof(union bpf_attr, field))

/* Offsets of the fd fields the tape rewrites, per command; returns how many. */
static inline int tape_fd_fields(uint32_t cmd, uint32_t out[3])
{
	switch (cmd) {
	case BPF_MAP_CREATE:
		out[0] = TAPE_OFF(btf_fd);
		out[1] = TAPE_OFF(inner_map_fd);
		return 2;
	case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_FREEZE:
		out[0] = TAPE_OFF(map_fd);
		return 1;
	case BPF_PROG_LOAD:
		out[0] = TAPE_OFF(prog_btf_fd);
		return 1;
	case BPF_OBJ_PIN:
		out[0] = TAPE_OFF(bpf_fd);
		return 1;
	case BPF_PROG_BIND_MAP:
		out[0] = TAPE_OFF(prog_bind_map.prog_fd);
		out[1] = TAPE_OFF(prog_bind_map.map_fd);
		return 2;
	}
	return 0;
}

/* Is this instruction (the first half of an ld_imm64) loading a map by fd? */
static inline int tape_insn_map_fd(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       (in->src_reg == BPF_PSEUDO_MAP_FD || in->src_reg == BPF_PSEUDO_MAP_VALUE);
}

#endif
