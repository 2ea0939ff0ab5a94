/* minibpf check: the verifier's structural rules on an object file, without
 * the kernel (check/check.c), and the control-flow graph as Graphviz dot. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "check/check.h"
#include "cli/cli.h"
#include "elf/object.h"

#if MB_CMD_check      /* the whole file (include/mb_config.h) */

struct chk {
	struct mb_elf_object *o;
	struct mb_btf_ext *ext;
	unsigned flags;
	uint32_t errors, notes;
};

/* The source line of linked insn d, from .BTF.ext line info; NULL if none. */
static const char *src_line(struct chk *c, const struct mb_elf_linked *l, uint32_t d,
			    const char **file, uint32_t *line)
{
	const struct mb_btf_line_info *best = NULL;

	for (uint32_t s = 0; c->ext && s < l->nsegs; s++) {
		const struct mb_elf_segment *g = &l->segs[s];
		const struct mb_btf_ext_sec *es;
		uint32_t src;

		if (d < g->dst_off || d >= g->dst_off + g->cnt)
			continue;
		es = mb_btf_ext_sec(c->ext, c->o->texts[g->text].name);
		src = g->src_off + d - g->dst_off;
		for (uint32_t k = 0; es && k < es->nr_line; k++) {
			uint32_t at = es->line[k].insn_off / 8;

			if (at >= g->src_off && at <= src && (!best || at >= best->insn_off / 8))
				best = &es->line[k];
		}
		break;
	}
	if (!best)
		return NULL;
	*file = mb_btf_str(c->o->btf, best->file_name_off);
	*line = best->line_col >> 10;
	return mb_btf_str(c->o->btf, best->line_off);
}

static void finding(struct chk *c, const struct mb_elf_prog *p, const struct mb_elf_linked *l,
		    const struct mb_check_finding *f)
{
	const char *file = NULL, *src = NULL, *sev = f->error ? "error" : "note";
	char dis[256] = "";
	uint32_t line = 0;

	if (f->insn < l->insn_cnt) {
		disasm_insn(&l->insns[f->insn], l->insn_cnt - f->insn, dis, sizeof(dis), NULL, NULL);
		src = src_line(c, l, f->insn, &file, &line);
	}
	if (opt.json) {
		jw_obj();
		jw_ku("insn", f->insn);
		jw_ks("severity", sev);
		jw_ks("message", f->msg);
		jw_ks("disasm", dis);
		if (src) {
			jw_ks("source", src);
			jw_ks("file", file ? file : "");
			jw_ku("line", line);
		}
		jw_end_obj();
		return;
	}
	printf("%s: insn %u: %s: %s\n", p->name, f->insn, sev, f->msg);
	if (*dis)
		printf("\t%u: %s\n", f->insn, dis);
	if (src && *src)
		printf("\t; %s @ %s:%u\n", src, file ? file : "?", line);
}

static int check_prog(struct chk *c, uint32_t pi)
{
	const struct mb_elf_prog *p = &c->o->progs[pi];
	struct mb_check_report r = { 0 };
	struct mb_check_finding lf = { 0, 1, "" };
	struct mb_elf_linked l;
	int ret;

	ret = mb_check_prog(c->o, pi, c->flags, &l, &r, lf.msg, sizeof(lf.msg));
	if (ret == -ENOMEM)
		return cli_err("%s", lf.msg);
	if (ret < 0) {
		r.f = &lf;         /* relocations that do not resolve: one error */
		r.n = r.errors = 1;
	}
	if (opt.json) {
		jw_obj();
		jw_ks("name", p->name);
		jw_ks("section", p->sec_name);
		jw_ku("insn_cnt", l.insn_cnt);
		jw_ku("subprogs", r.nsub);
		if (r.sub_stack)
			jw_ku("stack_depth", r.sub_stack[0]);
		jw_key("findings");
		jw_arr();
	}
	for (uint32_t i = 0; i < r.n; i++)
		finding(c, p, &l, &r.f[i]);
	if (opt.json) {
		jw_end_arr();
		jw_end_obj();
	}
	c->errors += r.errors;
	c->notes += r.n - r.errors;
	if (r.f != &lf)
		mb_check_report_free(&r);
	mb_elf_linked_free(&l);
	return 0;
}

static void dot_str(const char *s)
{
	for (; *s; s++)
		printf("%s%c", *s == '"' || *s == '\\' ? "\\" : "", *s);
}

/* The graph the verifier walks: basic blocks, fall-through and jump edges
 * labelled with the condition, calls dashed; what the walk never reaches
 * grey. */
static void print_cfg(const struct mb_elf_prog *p, const struct mb_elf_linked *l,
		      const struct mb_check_report *r)
{
	uint32_t start, end, k, last, sub = 0, cnt = l->insn_cnt;
	char dis[256];

	printf("digraph \"%s\" {\n\tnode [shape=box fontname=monospace];\n", p->name);
	for (start = 0; start < cnt; start = end) {
		const struct bpf_insn *in;
		int cond = 0, step;

		for (end = start + 1; end < cnt && !(r->mark[end] & MB_CHECK_LEADER); end++)
			;
		if (sub < r->nsub && start == r->sub_start[sub])
			printf("%s\tsubgraph cluster_%u {\n\t\tlabel=\"%s @%u\";\n", sub ? "\t}\n" : "",
			       sub, sub ? "subprog" : p->name, start), sub++;
		printf("\t\tb%u [label=\"", start);
		for (k = last = start; k < end; k += step) {
			last = k;
			step = disasm_insn(&l->insns[k], cnt - k, dis, sizeof(dis), NULL, NULL);
			printf("%u: ", k);
			dot_str(dis);
			printf("\\l");
		}
		printf("\"%s];\n", r->mark[start] & MB_CHECK_REACHED ? "" : " color=grey fontcolor=grey");
		in = &l->insns[last];
		disasm_insn(in, cnt - last, dis, sizeof(dis), NULL, NULL);
		if (in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL)
			printf("\t\tb%u -> b%lld [style=dashed label=\"call\"];\n", start,
			       (long long)last + in->imm + 1);
		if (in->code == (BPF_JMP | BPF_EXIT))
			continue;
		if ((BPF_CLASS(in->code) == BPF_JMP || BPF_CLASS(in->code) == BPF_JMP32) &&
		    BPF_OP(in->code) != BPF_CALL) {
			int64_t t = (int64_t)last + 1 + (in->code == (BPF_JMP32 | BPF_JA) ? in->imm : in->off);
			char *c = strstr(dis, "if "), *g = strstr(dis, " goto");

			if (g)
				*g = 0;
			printf("\t\tb%u -> b%lld [label=\"", start, (long long)t);
			dot_str(c ? c + 3 : "");
			printf("\"];\n");
			if (BPF_OP(in->code) == BPF_JA)
				continue;
			cond = 1;
		}
		if (end < cnt && (sub >= r->nsub || end < r->sub_start[sub]))
			printf("\t\tb%u -> b%u%s;\n", start, end, cond ? " [label=\"else\"]" : "");
	}
	printf("\t}\n}\n");
}

static int do_check(int argc, char **argv)
{
	struct chk c = { 0 };
	const char *path = NULL, *prog = NULL, *cfg = NULL;
	uint32_t size, n = 0;
	char err[256];
	void *data;
	int ret = 0;

	for (; argc; argc--, argv++) {
		if (!strcmp(argv[0], "--strict"))
			c.flags |= MB_CHECK_STRICT;
		else if (!strcmp(argv[0], "--cfg") && argc > 1 && !cfg)
			cfg = *++argv, argc--;
		else if (argv[0][0] == '-' && argv[0][1])
			return cli_err("usage: minibpf check [--strict] OBJ [PROG] | --cfg PROG OBJ");
		else if (!path && !(cfg && prog))
			path = argv[0];
		else if (!prog && !cfg)
			prog = argv[0];
		else
			return cli_err("usage: minibpf check [--strict] OBJ [PROG] | --cfg PROG OBJ");
	}
	if (!path)
		return cli_err("usage: minibpf check [--strict] OBJ [PROG] | --cfg PROG OBJ");
	data = read_file(path, &size);
	if (!data)
		return -1;
	c.o = mb_elf_object_parse(data, size, path, err, sizeof(err));
	free(data);
	if (!c.o)
		return cli_err("%s: %s", path, err);
	if (c.o->btf && c.o->btf_ext_data) {
		/* load refuses an object whose .BTF.ext does not parse: so does check */
		c.ext = mb_btf_ext_parse(c.o->btf, c.o->btf_ext_data, c.o->btf_ext_size, err, sizeof(err));
		if (!c.ext) {
			mb_elf_object_free(c.o);
			return cli_err("%s: %s", path, err);
		}
	}
	if (cfg || prog) {
		int pi = mb_elf_object_prog_find(c.o, cfg ? cfg : prog);
		struct mb_check_report r;
		struct mb_elf_linked l;

		if (pi < 0) {
			ret = cli_err("%s: no program '%s'", path, cfg ? cfg : prog);
		} else if (!cfg) {
			if (opt.json)
				jw_arr();
			ret = check_prog(&c, (uint32_t)pi);
			n = 1;
		} else if (mb_check_prog(c.o, (uint32_t)pi, c.flags, &l, &r, err, sizeof(err)) < 0) {
			ret = cli_err("%s", err);
		} else {
			print_cfg(&c.o->progs[pi], &l, &r);
			mb_check_report_free(&r);
			mb_elf_linked_free(&l);
		}
	} else {
		if (opt.json)
			jw_arr();
		for (; n < c.o->nprogs && !ret; n++)
			ret = check_prog(&c, n);
	}
	if (!cfg && !ret) {
		if (opt.json) {
			jw_end_arr();
			jw_done();
		} else {
			printf("%s: %u program%s, %u error%s, %u note%s\n", path, n, n == 1 ? "" : "s",
			       c.errors, c.errors == 1 ? "" : "s", c.notes, c.notes == 1 ? "" : "s");
		}
	}
	mb_btf_ext_free(c.ext);
	mb_elf_object_free(c.o);
	return ret ? ret : c.errors ? -1 : 0;
}

static const char help[] =
	"Usage: minibpf check [--strict] OBJ [PROG]\n"
	"       minibpf check --cfg PROG OBJ\n"
	"  The kernel verifier's structural rules on each program of OBJ (linked\n"
	"  with its subprograms as `prog load` links it), without the kernel and\n"
	"  in either byte order: opcodes and reserved fields, registers, ld_imm64\n"
	"  pairs, jumps, unreachable code, loops (notes; errors with --strict,\n"
	"  the rule before 5.3 and for unprivileged loaders), frames, stack,\n"
	"  registers read before written, stack offsets, division by zero,\n"
	"  4096/1M insns. An error only where the kernel refuses the program\n"
	"  on every path; exit status 1 if there is one. --cfg prints the\n"
	"  control-flow graph as Graphviz dot.\n";

int do_check_cmd(int argc, char **argv)
{
	if (!argc || !strcmp(argv[0], "help")) {
		fputs(help, stderr);
		return argc ? 0 : -1;
	}
	return do_check(argc, argv);
}

#endif /* MB_CMD_check */
