/* libFuzzer target: the .BTF.ext parser. Input: u32 n (little endian), then n
 * bytes of .BTF, then the .BTF.ext bytes (fuzz/seeds.sh cuts them from the
 * fixture objects). The BTF is fuzzed too, but only a valid one reaches the
 * .BTF.ext parser, as in the loader. */
#include <stdint.h>
#include <string.h>

#include "btf/btf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct mb_btf_ext_sec *s;
	struct mb_btf_ext *ext;
	struct mb_btf *btf;
	char err[256];
	uint32_t n, i, k, sum = 0;

	if (size < 4)
		return 0;
	n = data[0] | data[1] << 8 | data[2] << 16 | (uint32_t)data[3] << 24;
	if (n > size - 4)
		return 0;
	btf = mb_btf_open(data + 4, n, err, sizeof(err));
	if (!btf)
		return 0;
	ext = mb_btf_ext_parse(btf, data + 4 + n, size - 4 - n, err, sizeof(err));
	if (ext) {
		/* Read every record, as the loader does. */
		for (i = 0; (s = mb_btf_ext_sec_at(ext, i)); i++) {
			sum += (uint32_t)strlen(s->name);
			for (k = 0; k < s->nr_func; k++)
				sum += s->func[k].insn_off + s->func[k].type_id;
			for (k = 0; k < s->nr_line; k++)
				sum += s->line[k].insn_off + s->line[k].line_col;
			for (k = 0; k < s->nr_core; k++)
				sum += s->core[k].insn_off + s->core[k].kind;
			if (mb_btf_ext_sec(ext, s->name) != s)
				__builtin_trap();
		}
		mb_btf_ext_free(ext);
	}
	mb_btf_free(btf);
	return (int)(sum & 0);
}
