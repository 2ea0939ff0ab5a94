/* minibpf gen: min_core_btf (a kernel BTF cut down to what some objects'
 * CO-RE relocations use, btf/btfgen.c) and skeleton (a C header embedding
 * an object, with typed access to its programs, maps and global data). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/btfgen.h"
#include "btf/inflate.h"
#include "cli/cli.h"
#include "elf/object.h"

static const char help[] =
	"Usage: minibpf gen min_core_btf VMLINUX_BTF OUT OBJ...\n"
	"       minibpf gen skeleton OBJ [name NAME]\n";

/* The target BTF from a file (raw in either byte order, or gzip'd); *swap
 * set if it is not in this host's order. */
static struct mb_btf *open_target(const char *path, void **bytes, int *swap)
{
	uint32_t size;
	unsigned char *d = read_file(path, &size), *raw;
	struct mb_btf *b;
	char err[256];
	uint16_t magic = 0;
	size_t len;
	int r;

	*bytes = d;
	if (!d)
		return NULL;
	if (size >= 2 && d[0] == 0x1f && d[1] == 0x8b) {
		r = mb_gunzip(d, size, 256u << 20, &raw, &len, err, sizeof(err));
		free(d);
		*bytes = NULL;
		if (r) {
			cli_err("%s: %s", path, err);
			return NULL;
		}
		*bytes = d = raw;
		size = (uint32_t)len;
	}
	memcpy(&magic, d, size >= 2 ? 2 : 0);
	*swap = magic == 0x9feb;
	b = *swap ? mb_btf_open(d, size, err, sizeof(err)) : mb_btf_open_kernel(d, size, err, sizeof(err));
	if (!b)
		cli_err("%s: %s", path, err);
	return b;
}

static int min_core_btf(int argc, char **argv)
{
	const char *out;
	struct mb_btfgen *g = NULL;
	struct mb_btf *target;
	void *tbytes, *blob = NULL;
	size_t len;
	char err[512];
	int swap = 0, ret = -1, i;
	FILE *f;

	if (argc < 3)
		return cli_err("usage: minibpf gen min_core_btf VMLINUX_BTF OUT OBJ...");
	out = argv[1];
	target = open_target(argv[0], &tbytes, &swap);
	if (!target)
		goto done;
	if (!mb_btf_type_cnt(target)) {
		cli_err("%s: %s", argv[0], mb_btf_error(target));
		goto done;
	}
	g = mb_btfgen_new(target);
	if (!g) {
		cli_err("%s: %s", argv[0], strerror(errno));
		goto done;
	}
	for (i = 2; i < argc; i++) {
		uint32_t size;
		void *data = read_file(argv[i], &size);
		struct mb_elf_object *o;
		struct mb_btf_ext *ext;
		int r;

		if (!data)
			goto done;
		o = mb_elf_object_parse(data, size, argv[i], err, sizeof(err));
		free(data);
		if (!o) {
			cli_err("%s: %s", argv[i], err);
			goto done;
		}
		if (!o->btf || !o->btf_ext_data) {
			/* bpftool refuses an object without BTF; nothing to keep */
			mb_elf_object_free(o);
			cli_err("%s: no .BTF and .BTF.ext: no CO-RE relocations", argv[i]);
			goto done;
		}
		ext = mb_btf_ext_parse(o->btf, o->btf_ext_data, o->btf_ext_size, err, sizeof(err));
		r = ext ? mb_btfgen_add(g, o->btf, ext, o->big_endian, err, sizeof(err)) : -1;
		mb_btf_ext_free(ext);
		mb_elf_object_free(o);
		if (r) {
			cli_err("%s: %s", argv[i], err);
			goto done;
		}
	}
	if (mb_btfgen_write(g, swap, &blob, &len, err, sizeof(err))) {
		cli_err("%s: %s", argv[0], err);
		goto done;
	}
	f = fopen(out, "wb");
	if (!f || fwrite(blob, 1, len, f) != len || fclose(f)) {
		cli_err("%s: %s", out, strerror(errno));
		goto done;
	}
	ret = 0;
done:
	free(blob);
	mb_btfgen_free(g);
	mb_btf_free(target);
	free(tbytes);
	return ret;
}

static const struct cmd cmds[] = {
	{ "help", NULL },
	{ "min_core_btf", min_core_btf },
	{ 0 }
};

int do_gen(int argc, char **argv)
{
	return cmd_select(cmds, argc, argv, "gen", help);
}
