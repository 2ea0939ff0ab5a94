/* libFuzzer target: CO-RE relocation resolution. Input as for btf_ext: u32 n
 * (little endian), n bytes of the object's .BTF, then its .BTF.ext. The
 * target is fixed: the running kernel's BTF (read once), or the object's own
 * BTF where there is none. Each CO-RE record is applied to an instruction of
 * each class it can patch (ALU imm, LDX offset, ld_imm64). Half the inputs
 * (bit 1 of the first byte) open the object's BTF lazily, as a --btf file is
 * read: blocks fetched from a callback as lookups reach them. The same
 * records then go through gen min_core_btf (btf/btfgen.c), output written. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/btfgen.h"
#include "btf/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *vmlinux;
static size_t vmlinux_len;
static struct mb_btf *target;

static void load_target(void)
{
	FILE *f = fopen(getenv("MB_FUZZ_TARGET_BTF") ? getenv("MB_FUZZ_TARGET_BTF")
						      : "/sys/kernel/btf/vmlinux", "rb");
	size_t cap = 0, n;
	char err[256];

	if (!f)
		return;
	for (;;) {
		if (vmlinux_len == cap) {
			void *p = realloc(vmlinux, cap = cap ? cap * 2 : 1 << 20);

			if (!p)
				break;
			vmlinux = p;
		}
		n = fread((char *)vmlinux + vmlinux_len, 1, cap - vmlinux_len, f);
		if (!n)
			break;
		vmlinux_len += n;
	}
	fclose(f);
	target = mb_btf_open_kernel(vmlinux, vmlinux_len, err, sizeof(err));
	if (target)
		(void)mb_btf_type_cnt(target);     /* index it once */
}

struct blob {
	const uint8_t *p;
	size_t len;
};

static int serve(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct blob *b = ctx;

	if (off > b->len || len > b->len - off)
		abort();   /* the reader asked outside the file */
	memcpy(buf, b->p + off, len);
	return 0;
}

static void apply_all(struct mb_core *c, const struct mb_btf_ext *ext)
{
	const struct mb_btf_ext_sec *s;
	struct mb_core_result res;
	char err[256];
	uint32_t i, k, v;

	for (i = 0; (s = mb_btf_ext_sec_at(ext, i)); i++) {
		for (k = 0; k < s->nr_core && k < 512; k++) {
			for (v = 0; v < 3; v++) {
				struct bpf_insn insn[2];

				memset(insn, 0, sizeof(insn));
				if (v == 0) {
					insn[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
				} else if (v == 1) {
					insn[0].code = BPF_LDX | BPF_MEM | BPF_W;
				} else {
					insn[0].code = BPF_LD | BPF_IMM | BPF_DW;
				}
				(void)mb_core_apply(c, &s->core[k], insn, 2, &res, err, sizeof(err));
				if (v == 2)
					(void)mb_core_apply(c, &s->core[k], insn, 1, &res, err,
							    sizeof(err));
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int once;
	const struct mb_btf *local;
	struct mb_btf *lazy = NULL;
	struct mb_btf_ext *ext;
	struct mb_btf *btf;
	struct mb_core *c;
	const void *raw;
	uint32_t n, raw_size;
	char err[256];

	if (!once++)
		load_target();
	if (size < 4)
		return 0;
	n = data[0] | data[1] << 8 | data[2] << 16 | (uint32_t)data[3] << 24;
	if (n > size - 4)
		return 0;
	/* As the loader does: the object's BTF parsed and validated, then used
	 * in place for CO-RE. */
	btf = mb_btf_open(data + 4, n, err, sizeof(err));
	if (!btf)
		return 0;
	ext = mb_btf_ext_parse(btf, data + 4 + n, size - 4 - n, err, sizeof(err));
	raw = mb_btf_raw(btf, &raw_size);
	struct blob b = { raw, raw_size };

	if (!ext)
		local = NULL;
	else if (data[0] & 2)   /* the lazy reader over the same bytes */
		local = lazy = mb_btf_open_lazy(raw_size, serve, &b, err, sizeof(err));
	else
		local = btf;   /* as the loader: the object's one reader */
	if (local) {
		c = mb_core_new(local, target ? target : local, data[0] & 1);
		if (c) {
			apply_all(c, ext);
			mb_core_free(c);
		}
		struct mb_btfgen *g = mb_btfgen_new(target ? target : local);
		void *out = NULL;
		size_t len;

		if (g && !mb_btfgen_add(g, local, ext, data[0] & 1, err, sizeof(err)))
			(void)mb_btfgen_write(g, data[0] & 4, &out, &len, err, sizeof(err));
		free(out);
		mb_btfgen_free(g);
		mb_btf_free(lazy);
	}
	mb_btf_ext_free(ext);
	mb_btf_free(btf);
	return 0;
}
