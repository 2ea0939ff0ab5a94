/* minibpf obj dump: what an object file holds, without touching the kernel
 * (works on a big-endian object on a little-endian host and vice versa). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "elf/object.h"

#if MB_CMD_obj      /* the whole file (include/mb_config.h) */

static const char *reloc_desc(const struct mb_elf_object *o, const struct mb_elf_reloc *r,
			      char *buf, size_t len)
{
	switch (r->kind) {
	case MB_RELOC_MAP:
		snprintf(buf, len, "map %s", r->index < o->nmaps ? o->maps[r->index].name : "?");
		break;
	case MB_RELOC_DATA:
		snprintf(buf, len, "data %s+%u", r->index < o->nmaps ? o->maps[r->index].name : "?",
			 r->offset);
		break;
	case MB_RELOC_CALL:
	case MB_RELOC_FUNC:
		snprintf(buf, len, "%s %s+%u", r->kind == MB_RELOC_CALL ? "call" : "func",
			 r->index < o->ntexts ? o->texts[r->index].name : "?", r->offset);
		break;
	case MB_RELOC_EXTERN:
		snprintf(buf, len, "extern %s",
			 r->index < o->nexterns ? o->externs[r->index].name : "?");
		break;
	default:
		snprintf(buf, len, "kind %d", r->kind);
	}
	return buf;
}

static void dump_prog(const struct mb_elf_object *o, const struct mb_elf_prog *p)
{
	uint32_t ri = 0;

	if (opt.json) {
		jw_obj();
		jw_ks("name", p->name);
		jw_ks("section", p->sec_name);
		jw_ku("insn_cnt", p->insn_cnt);
		jw_key("insns");
		jw_arr();
	} else {
		printf("\nprog %s  section %s  insns %u\n", p->name, p->sec_name, p->insn_cnt);
	}
	for (uint32_t i = 0; i < p->insn_cnt;) {
		char buf[256], rb[160];
		const char *rel = NULL;
		uint32_t at = p->insn_off + i;
		int k = disasm_insn(&p->insns[i], p->insn_cnt - i, buf, sizeof(buf), NULL, NULL);

		while (ri < o->nrelocs && (o->relocs[ri].text < p->text ||
		       (o->relocs[ri].text == p->text && o->relocs[ri].insn < at)))
			ri++;
		if (ri < o->nrelocs && o->relocs[ri].text == p->text && o->relocs[ri].insn == at)
			rel = reloc_desc(o, &o->relocs[ri], rb, sizeof(rb));
		if (opt.json) {
			jw_obj();
			jw_ku("insn", i);
			jw_ks("disasm", buf);
			if (rel)
				jw_ks("reloc", rel);
			jw_end_obj();
		} else {
			printf("%4u: %s%s%s\n", i, buf, rel ? "\t; " : "", rel ? rel : "");
		}
		i += k;
	}
	if (opt.json) {
		jw_end_arr();
		jw_end_obj();
	}
}

static int do_dump(int argc, char **argv)
{
	const char *path;
	struct mb_elf_object *o;
	char err[256];
	uint32_t size;
	void *data;

	if (next_arg(&argc, &argv, &path, "OBJ") || argc)
		return cli_err("usage: minibpf obj dump OBJ");
	data = read_file(path, &size);
	if (!data)
		return -1;
	o = mb_elf_object_parse(data, size, path, err, sizeof(err));
	free(data);
	if (!o)
		return cli_err("%s: %s", path, err);
	if (opt.json) {
		jw_obj();
		jw_ks("name", o->obj_name);
		jw_ks("byte_order", o->big_endian ? "big" : "little");
		if (o->license)
			jw_ks("license", o->license);
		jw_key("maps");
		jw_arr();
	} else {
		printf("object %s  %s-endian  license %s", o->obj_name, o->big_endian ? "big" : "little",
		       o->license ? o->license : "(none)");
		if (o->has_version)
			printf("  kern_version 0x%x", o->kern_version);
		printf("\n");
	}
	for (uint32_t i = 0; i < o->nmaps; i++) {
		const struct mb_elf_map *m = &o->maps[i];
		const char *t = map_type_name(m->type);

		if (opt.json) {
			jw_obj();
			jw_ks("name", m->name);
			jw_ks("kernel_name", m->kname);
			if (t)
				jw_ks("type", t);
			else
				jw_ku("type", m->type);
			jw_ku("bytes_key", m->key_size);
			jw_ku("bytes_value", m->value_size);
			jw_ku("max_entries", m->max_entries);
			jw_ku("flags", m->map_flags);
			jw_end_obj();
		} else {
			printf("map %s (%s)  %s  key %uB  value %uB  max_entries %u  flags 0x%x\n",
			       m->name, m->kname, t ? t : "?", m->key_size, m->value_size,
			       m->max_entries, m->map_flags);
		}
	}
	if (opt.json) {
		jw_end_arr();
		jw_key("programs");
		jw_arr();
	}
	for (uint32_t i = 0; i < o->nprogs; i++)
		dump_prog(o, &o->progs[i]);
	if (opt.json) {
		jw_end_arr();
		jw_end_obj();
		jw_done();
	}
	mb_elf_object_free(o);
	return 0;
}

static const char help[] =
	"Usage: minibpf obj dump OBJ\n"
	"       minibpf obj help\n"
	"  Programs (disassembled, with their relocations) and maps of a BPF\n"
	"  object file, in either byte order. No bpf(2) call is made.\n";

static const struct cmd cmds[] = {
	{ "help", NULL },
	{ "dump", do_dump },
	{ 0 }
};

int do_obj(int argc, char **argv)
{
	return cmd_select(cmds, argc, argv, "obj", help);
}

#endif /* MB_CMD_obj */
