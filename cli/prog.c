/* minibpf prog: show, pin, dump xlated, run, tracelog, load, loadall, attach. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "minibpf.h"
#include "btf/btf.h"     /* func protos and source lines in dump xlated */
#include "elf/sec.h"     /* type TYPE by section name, as bpftool takes it */

/* info with map_ids filled (malloc'd into *ids, caller frees). */
static int prog_info(int fd, struct bpf_prog_info *info, uint32_t **ids)
{
	uint32_t len = sizeof(*info), n;
	int err;

	memset(info, 0, sizeof(*info));
	*ids = NULL;
	err = mb_sys_obj_get_info_by_fd(fd, info, &len);
	if (err || !info->nr_map_ids)
		return err;
	n = info->nr_map_ids;
	*ids = calloc(n, sizeof(uint32_t));
	if (!*ids)
		return -ENOMEM;
	memset(info, 0, sizeof(*info));
	info->nr_map_ids = n;
	info->map_ids = mb_ptr(*ids);
	len = sizeof(*info);
	err = mb_sys_obj_get_info_by_fd(fd, info, &len);
	if (info->nr_map_ids > n)       /* maps added meanwhile: show what fits */
		info->nr_map_ids = n;
	return err;
}

/* CLOCK_BOOTTIME nanoseconds (load_time) as wall-clock seconds. */
static time_t boot_to_wall(uint64_t ns)
{
	struct timespec rt, bt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	int64_t d = (int64_t)(rt.tv_sec - bt.tv_sec) * 1000000000 + rt.tv_nsec - bt.tv_nsec;

	return (time_t)((d + (int64_t)ns) / 1000000000);
}

/* "loaded_at" in UTC by the civil-from-days algorithm: localtime() would link
 * musl's time zone code, gmtime_r() part of it. */
static void print_utc(long long t)
{
	long long days = t / 86400, s = t % 86400, era, y;
	unsigned doe, yoe, doy, mp, d, m;

	if (s < 0) {
		s += 86400;
		days--;
	}
	days += 719468;         /* 1970-01-01 counted from 0000-03-01 */
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = (unsigned)(days - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	printf("\n\tloaded_at %04lld-%02u-%02uT%02lld:%02lld:%02lld+0000", y, m, d, s / 3600,
	       s / 60 % 60, s % 60);
}

static void show_one(int fd)
{
	struct bpf_prog_info info;
	uint32_t *ids;
	char tag[17];
	long long memlock = fdinfo_num(fd, "memlock");

	if (prog_info(fd, &info, &ids)) {
		cli_err("can't get program info: %s", strerror(errno));
		return;
	}
	for (int i = 0; i < 8; i++)
		snprintf(tag + 2 * i, 3, "%02x", info.tag[i]);
	if (opt.json)
		jw_obj();
	kv_u("id", "%llu: ", info.id);
	kv_type("type", "%s  ", MB_ENUM_PROG_TYPE, info.type);
	if (*info.name)
		kv_s("name", "name %s  ", info.name);
	kv_s("tag", "tag %s", tag);
	if (opt.json)
		jw_kb("gpl_compatible", info.gpl_compatible);
	else if (info.gpl_compatible)
		fputs("  gpl", stdout);
	if (info.run_time_ns) {
		kv_u("run_time_ns", " run_time_ns %llu", info.run_time_ns);
		kv_u("run_cnt", " run_cnt %llu", info.run_cnt);
	}
	if (info.recursion_misses)
		kv_u("recursion_misses", " recursion_misses %llu", info.recursion_misses);
	if (info.load_time) {
		time_t t = boot_to_wall(info.load_time);

		if (opt.json)
			jw_ku("loaded_at", t);
		else
			print_utc(t);
		kv_u("uid", "  uid %llu", info.created_by_uid);
	}
	kv_u("bytes_xlated", "\n\txlated %lluB", info.xlated_prog_len);
	if (opt.json)
		jw_kb("jited", !!info.jited_prog_len);
	if (info.jited_prog_len)
		kv_u("bytes_jited", "  jited %lluB", info.jited_prog_len);
	else if (!opt.json)
		fputs("  not jited", stdout);
	if (memlock >= 0)
		kv_u("bytes_memlock", "  memlock %lluB", memlock);
	if (info.nr_map_ids && opt.json) {
		jw_key("map_ids");
		jw_arr();
	}
	for (uint32_t i = 0; i < info.nr_map_ids; i++)
		if (opt.json)
			jw_u64(ids[i]);
		else
			printf("%s%u", i ? "," : "  map_ids ", ids[i]);
	if (info.nr_map_ids && opt.json)
		jw_end_arr();
	if (info.btf_id)
		kv_u("btf_id", "\n\tbtf_id %llu", info.btf_id);
	if (opt.json)
		jw_end_obj();
	else
		putchar('\n');
	free(ids);
}

static int do_show(int argc, char **argv)
{
	return show_objs(KIND_PROG, argc, argv, show_one, "prog");
}

static int do_pin(int argc, char **argv)
{
	return pin_obj(KIND_PROG, argc, argv, "prog");
}

#if MB_EXTRA_CMDS     /* prog dump, prog run (include/mb_config.h) */
/* Call target names from /proc/kallsyms, as bpftool resolves them. */
struct syms {
	uint64_t base;            /* __bpf_call_base */
	uint64_t *ksyms;          /* jited_ksyms: subprog addresses */
	uint32_t nr_ksyms;
	uint32_t n;
	uint64_t *addr;
	char (*name)[128];
	char tmp[160];
};

static uint64_t call_addr(struct syms *s, const struct bpf_insn *in)
{
	if (in->src_reg == BPF_PSEUDO_CALL && (uint32_t)in->imm < s->nr_ksyms)
		return s->ksyms[in->imm];
	return s->base + (int64_t)in->imm;
}

static int sym_base(void *ctx, uint64_t a, const char *nm)
{
	struct syms *s = ctx;

	if (strcmp(nm, "__bpf_call_base"))
		return 0;
	s->base = a;
	return 1;
}

static int sym_names(void *ctx, uint64_t a, const char *nm)
{
	struct syms *s = ctx;

	for (uint32_t i = 0; i < s->n; i++)
		if (s->addr[i] == a && !s->name[i][0])
			snprintf(s->name[i], sizeof(s->name[i]), "%s", nm);
	return 0;
}

static int kallsyms_scan(struct syms *s, int want_base)
{
	return mb_kallsyms_scan(want_base ? sym_base : sym_names, s);
}

static const char *call_name(void *ctx, const struct bpf_insn *in)
{
	struct syms *s = ctx;
	uint64_t a = call_addr(s, in);
	const char *nm = NULL;

	for (uint32_t i = 0; i < s->n; i++)
		if (s->addr[i] == a && s->name[i][0])
			nm = s->name[i];
	if (in->src_reg == BPF_PSEUDO_CALL) {
		if (!s->nr_ksyms)
			snprintf(s->tmp, sizeof(s->tmp), "%+d", in->off);
		else if (nm)
			snprintf(s->tmp, sizeof(s->tmp), "%+d#%s", in->off, nm);
		else
			snprintf(s->tmp, sizeof(s->tmp), "%+d#0x%llx", in->off, (unsigned long long)a);
	} else if (nm) {
		snprintf(s->tmp, sizeof(s->tmp), "%s", nm);
	} else {
		snprintf(s->tmp, sizeof(s->tmp), "%#llx", (unsigned long long)a);
	}
	return s->tmp;
}

/* A 16-byte ld_imm64 shows imm and the whole second slot, as bpftool. */
static void json_opcodes(const struct bpf_insn *in, int wide)
{
	char tmp[8];

	jw_key("opcodes");
	jw_obj();
	snprintf(tmp, sizeof(tmp), "0x%02x", in->code);
	jw_ks("code", tmp);
	snprintf(tmp, sizeof(tmp), "0x%x", in->src_reg);
	jw_ks("src_reg", tmp);
	snprintf(tmp, sizeof(tmp), "0x%x", in->dst_reg);
	jw_ks("dst_reg", tmp);
	jw_key("off");
	jw_hexbytes(&in->off, 2);
	jw_key("imm");
	jw_hexbytes(&in->imm, wide ? 12 : 4);
	jw_end_obj();
}

/* A type as bpftool prints it in a function prototype ("struct foo * "). */
static int type_str(const struct mb_btf *btf, uint32_t id, char *b, int pos, int size, int depth);

static int func_str(const struct mb_btf *btf, const struct mb_btf_type *proto, const char *name,
		    char *b, int pos, int size, int depth)
{
	const struct mb_btf_param *pa = mb_btf_extra(proto);

	pos = type_str(btf, proto->size_or_type, b, pos, size, depth);
	pos += snprintf(b + pos, size - pos, "%s(", name);
	for (unsigned i = 0; i < mb_btf_vlen(proto) && pos < size; i++) {
		if (i)
			pos += snprintf(b + pos, size - pos, ", ");
		if (!pa[i].type) {
			pos += snprintf(b + pos, size - pos, "...");
			continue;
		}
		pos = type_str(btf, pa[i].type, b, pos, size, depth);
		if (pa[i].name_off)
			pos += snprintf(b + pos, size - pos, "%s", mb_btf_str(btf, pa[i].name_off));
		else if (pos && b[pos - 1] == ' ')
			b[--pos] = 0;
	}
	if (pos < size)
		pos += snprintf(b + pos, size - pos, ")");
	return pos < size ? pos : size - 1;
}

static int type_str(const struct mb_btf *btf, uint32_t id, char *b, int pos, int size, int depth)
{
	static const char pre[][10] = {
		[MB_BTF_KIND_STRUCT] = "struct ", [MB_BTF_KIND_UNION] = "union ",
		[MB_BTF_KIND_ENUM] = "enum ", [MB_BTF_KIND_ENUM64] = "enum ",
		[MB_BTF_KIND_VOLATILE] = "volatile ", [MB_BTF_KIND_CONST] = "const ",
		[MB_BTF_KIND_RESTRICT] = "restrict ",
	};
	const struct mb_btf_type *t = mb_btf_type_by_id(btf, id);
	unsigned k = t ? mb_btf_kind(t) : 0;

	if (pos >= size - 1 || depth > 16)
		return pos;
	if (!t) {
		pos += snprintf(b + pos, size - pos, "void ");
	} else if (k == MB_BTF_KIND_PTR) {
		pos = type_str(btf, t->size_or_type, b, pos, size, depth + 1);
		pos += snprintf(b + pos, size - pos, "* ");
	} else if (k >= MB_BTF_KIND_VOLATILE && k <= MB_BTF_KIND_RESTRICT) {
		pos += snprintf(b + pos, size - pos, "%s", pre[k]);
		pos = type_str(btf, t->size_or_type, b, pos, size, depth + 1);
	} else if (k == MB_BTF_KIND_FUNC_PROTO) {
		pos = func_str(btf, t, "", b, pos, size, depth + 1);
	} else if (k == MB_BTF_KIND_ARRAY) {
		const struct mb_btf_array *a = mb_btf_extra(t);

		pos = type_str(btf, a->type, b, pos, size, depth + 1);
		pos += snprintf(b + pos, size - pos, "[%u]", a->nelems);
	} else {
		pos += snprintf(b + pos, size - pos, "%s%s ", k < sizeof(pre) / sizeof(pre[0]) ?
				pre[k] : "", mb_btf_str(btf, t->name_off));
	}
	return pos < size ? pos : size - 1;
}

/* "int handle(void * ctx)" for a FUNC, "" if it is not one. */
static void proto_str(const struct mb_btf *btf, uint32_t id, char *b, int size)
{
	const struct mb_btf_type *f = mb_btf_type_by_id(btf, id);
	const struct mb_btf_type *p = f ? mb_btf_type_by_id(btf, f->size_or_type) : NULL;

	b[0] = 0;
	if (f && p && mb_btf_kind(f) == MB_BTF_KIND_FUNC && mb_btf_kind(p) == MB_BTF_KIND_FUNC_PROTO)
		func_str(btf, p, mb_btf_str(btf, f->name_off), b, 0, size, 0);
}

/* "; source line" before an instruction, as bpftool prints line_info. */
static void print_src(const struct mb_btf *btf, const struct bpf_line_info *l, int linum)
{
	const char *line = mb_btf_str(btf, l->line_off), *file = mb_btf_str(btf, l->file_name_off);

	while (*line == ' ' || *line == '\t' || *line == '\n')
		line++;
	if (opt.json) {
		jw_ks("src", line);
		if (linum) {
			jw_ks("file", file);
			if (l->line_col >> 10)
				jw_ku("line_num", l->line_col >> 10);
			if (l->line_col & 0x3ff)
				jw_ku("line_col", l->line_col & 0x3ff);
		}
	} else if (linum) {
		printf("; %s [file:%s line_num:%u line_col:%u]\n", line, file, l->line_col >> 10,
		       l->line_col & 0x3ff);
	} else {
		printf("; %s\n", line);
	}
}

static int do_dump(int argc, char **argv)
{
	struct bpf_prog_info info;
	struct bpf_insn *insns = NULL;
	struct bpf_func_info *fi = NULL;
	struct bpf_line_info *li = NULL;
	struct mb_btf *btf = NULL;
	struct syms s = { 0 };
	uint32_t cnt, nks, nfi, nli, fk = 0, lk = 0;
	const char *what;
	int fd, opcodes = 0, linum = 0, ret = -1;

	if (next_arg(&argc, &argv, &what, "'xlated'"))
		return -1;
	if (!is_prefix(what, "xlated"))
		return cli_err("only 'prog dump xlated' is supported (jited needs a disassembler for the host ISA)");
	fd = parse_fd(KIND_PROG, &argc, &argv);
	if (fd < 0)
		return -1;
	for (; argc; argc--, argv++) {
		if (is_prefix(argv[0], "opcodes"))
			opcodes = 1;
		else if (is_prefix(argv[0], "linum"))
			linum = 1;
		else if (!is_prefix(argv[0], "visual")) {
			mb_close(fd);
			return usage_err("prog");
		}
	}
	if (obj_info(fd, &info, sizeof(info)))
		goto out;
	if (!info.xlated_prog_len) {
		cli_err("no xlated instructions (not permitted to dump them?)");
		goto out;
	}
	cnt = info.xlated_prog_len / sizeof(*insns);
	nks = info.nr_jited_ksyms;
	nfi = info.func_info_rec_size == sizeof(*fi) ? info.nr_func_info : 0;
	nli = info.line_info_rec_size == sizeof(*li) ? info.nr_line_info : 0;
	insns = calloc(cnt, sizeof(*insns));
	s.ksyms = calloc(nks + 1, sizeof(uint64_t));
	s.addr = calloc(cnt, sizeof(uint64_t));
	s.name = calloc(cnt, sizeof(*s.name));
	fi = calloc(nfi + 1, sizeof(*fi));
	li = calloc(nli + 1, sizeof(*li));
	if (!insns || !s.ksyms || !s.addr || !s.name || !fi || !li) {
		cli_err("out of memory");
		goto out;
	}
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = cnt * sizeof(*insns);
	info.xlated_prog_insns = mb_ptr(insns);
	info.nr_jited_ksyms = nks;
	info.jited_ksyms = mb_ptr(s.ksyms);
	info.nr_func_info = nfi;
	info.func_info_rec_size = sizeof(*fi);
	info.func_info = mb_ptr(fi);
	info.nr_line_info = nli;
	info.line_info_rec_size = sizeof(*li);
	info.line_info = mb_ptr(li);
	if (mb_sys_obj_get_info_by_fd(fd, &info, &(uint32_t){ sizeof(info) })) {
		cli_err("can't get program info: %s", strerror(errno));
		goto out;
	}
	if (info.xlated_prog_len / sizeof(*insns) < cnt)
		cnt = info.xlated_prog_len / sizeof(*insns);
	s.nr_ksyms = info.nr_jited_ksyms < nks ? info.nr_jited_ksyms : nks;
	nfi = info.nr_func_info < nfi ? info.nr_func_info : nfi;
	nli = info.nr_line_info < nli ? info.nr_line_info : nli;
	if (info.btf_id && (nfi || nli))
		btf = btf_by_id(info.btf_id);
	if (!btf)
		nfi = nli = 0;

	kallsyms_scan(&s, 1);
	for (uint32_t i = 0; i < cnt; i++)
		if (BPF_CLASS(insns[i].code) == BPF_JMP && BPF_OP(insns[i].code) == BPF_CALL)
			s.addr[s.n++] = call_addr(&s, &insns[i]);
	if (s.n)
		kallsyms_scan(&s, 0);

	if (opt.json)
		jw_arr();
	for (uint32_t i = 0; i < cnt;) {
		char buf[256];
		int k = disasm_insn(&insns[i], cnt - i, buf, sizeof(buf), call_name, &s);

		if (opt.json)
			jw_obj();
		if (fk < nfi && fi[fk].insn_off == i) {
			char proto[256];

			proto_str(btf, fi[fk++].type_id, proto, sizeof(proto));
			if (*proto)
				kv_s("proto", "%s:\n", proto);
		}
		while (lk < nli && li[lk].insn_off < i)
			lk++;
		if (lk < nli && li[lk].insn_off == i)
			print_src(btf, &li[lk++], linum);
		if (opt.json) {
			jw_ks("disasm", buf);
			if (opcodes)
				json_opcodes(&insns[i], k > 1 && i + 1 < cnt);
			jw_end_obj();
		} else {
			printf("%4u: %s\n", i, buf);
			if (opcodes) {
				printf("       ");
				print_hex(&insns[i], 8 * (k > 1 && i + 1 < cnt ? 2 : 1));
				putchar('\n');
			}
		}
		i += k;
	}
	if (opt.json) {
		jw_end_arr();
		jw_done();
	}
	ret = 0;
out:
	mb_btf_free(btf);
	free(insns);
	free(fi);
	free(li);
	free(s.ksyms);
	free(s.addr);
	free(s.name);
	mb_close(fd);
	return ret;
}

static int write_out(const char *path, const void *p, uint32_t n)
{
	FILE *f;

	if (!strcmp(path, "-")) {
		print_hex(p, n);
		putchar('\n');
		return 0;
	}
	f = fopen(path, "we");
	if (!f || fwrite(p, 1, n, f) != n) {
		cli_err("write '%s': %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f) ? cli_err("write '%s': %s", path, strerror(errno)) : 0;
}

static int do_run(int argc, char **argv)
{
	const char *din = NULL, *dout = NULL, *cin = NULL, *cout = NULL;
	uint32_t dsz_in = 0, dsz_out = 0, csz_in = 0, csz_out = 0, repeat = 1;
	uint32_t retval = 0, dur = 0;
	void *dbuf = NULL, *cbuf = NULL, *odbuf = NULL, *ocbuf = NULL;
	int fd = parse_fd(KIND_PROG, &argc, &argv), ret = -1, err;

	if (fd < 0)
		return -1;
	while (argc >= 2) {
		const char *k = argv[0], *v = argv[1];

		if (is_prefix(k, "data_in")) din = v;
		else if (is_prefix(k, "data_out")) dout = v;
		else if (is_prefix(k, "data_size_out")) dsz_out = strtoul(v, NULL, 0);
		else if (is_prefix(k, "ctx_in")) cin = v;
		else if (is_prefix(k, "ctx_out")) cout = v;
		else if (is_prefix(k, "ctx_size_out")) csz_out = strtoul(v, NULL, 0);
		else if (is_prefix(k, "repeat")) repeat = strtoul(v, NULL, 0);
		else break;
		argc -= 2, argv += 2;
	}
	if (argc) {
		usage_err("prog");
		goto out;
	}
	if (din && !(dbuf = read_file(din, &dsz_in)))
		goto out;
	if (cin && !(cbuf = read_file(cin, &csz_in)))
		goto out;
	if (dout) {
		if (!dsz_out)
			dsz_out = dsz_in + 256;   /* room for a grown packet */
		if (!(odbuf = calloc(1, dsz_out)))
			goto out;
	}
	if (cout) {
		if (!csz_out)
			csz_out = csz_in ? csz_in : 256;
		if (!(ocbuf = calloc(1, csz_out)))
			goto out;
	}
	err = mb_sys_prog_test_run(fd, dbuf, dsz_in, odbuf, odbuf ? &dsz_out : NULL,
				   cbuf, csz_in, ocbuf, ocbuf ? &csz_out : NULL,
				   repeat, 0, &retval, &dur);
	if (err) {
		cli_err("test run: %s%s", strerror(-err), err == -ENOSPC ?
			" (output larger than data_size_out/ctx_size_out)" : "");
		goto out;
	}
	if ((dout && write_out(dout, odbuf, dsz_out)) || (cout && write_out(cout, ocbuf, csz_out)))
		goto out;
	if (opt.json) {
		jw_obj();
		jw_ku("retval", retval);
		jw_ku("duration", dur);
		jw_end_obj();
		jw_done();
	} else {
		printf("Return value: %u, duration%s: %uns\n", retval,
		       repeat > 1 ? " (average)" : "", dur);
	}
	ret = 0;
out:
	free(dbuf);
	free(cbuf);
	free(odbuf);
	free(ocbuf);
	mb_close(fd);
	return ret;
}

#endif /* MB_EXTRA_CMDS */

static volatile int tracelog_stop;

static void tracelog_sig(int sig)
{
	(void)sig;
	tracelog_stop = 1;
}

/* Until SIGINT/SIGTERM, then exit 0. read(2), not stdio: each line must
 * appear as the kernel prints it, not once 4 KB have piled up. */
static int do_tracelog(int argc, char **argv)
{
	(void)argv;
	if (argc)
		return usage_err("prog");
	signal(SIGINT, tracelog_sig);
	signal(SIGTERM, tracelog_sig);
	if (mb_tracelog_stream(stdout, &tracelog_stop))
		return cli_err("%s", mb_last_error());
	return 0;
}

/* load / loadall through the public API (include/minibpf.h) only. */
/* DIR/NAME into out[size]: 0, or -1 when it does not fit. Not snprintf:
 * 256 programs made that a tenth of loadall's user time. */
static int path_join(char *out, size_t size, const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);

	if (d + 1 + n >= size)
		return -1;
	memcpy(out, dir, d);
	out[d] = '/';
	memcpy(out + d + 1, name, n + 1);
	return 0;
}

#define MAX_REUSE 16

/* prog { load | loadall } OBJ PATH [type TYPE] [pinmaps DIR] [autoattach]
 * [map { idx N | name NAME } MAP]... */
struct load_args {
	const char *file, *path, *pinmaps;
	int all, type, autoattach, nreuse;
	uint32_t expected;      /* the expected attach type that goes with type */
	struct load_reuse { const char *name; uint32_t idx; int fd; } reuse[MAX_REUSE];
};

/* 0, or -1 with the error printed; the reuse fds opened are in a. */
static int load_parse(struct load_args *a, int argc, char **argv)
{
	if (next_arg(&argc, &argv, &a->file, "OBJ") ||
	    next_arg(&argc, &argv, &a->path, a->all ? "DIR" : "PATH"))
		return -1;
	while (argc) {
		const char *k = argv[0];

		if (is_prefix(k, "autoattach")) {
			a->autoattach = 1;
			argc--, argv++;
			continue;
		}
		if (argc < 2)
			return usage_err("prog");
		if (is_prefix(k, "type")) {
			struct mb_sec_def d;

			/* the kernel's name (socket_filter) or, as bpftool, a
			 * section name (socket, kprobe, xdp, cgroup/skb) */
			a->type = name_lookup(MB_ENUM_PROG_TYPE, argv[1]);
			if (a->type < 0 && !mb_sec_lookup(argv[1], &d)) {
				a->type = (int)d.prog_type;
				a->expected = d.expected_attach_type;
			}
			if (a->type < 0)
				return cli_err("unknown program type '%s'", argv[1]);
		} else if (is_prefix(k, "pinmaps")) {
			a->pinmaps = argv[1];
		} else if (is_prefix(k, "map") && argc >= 3 && a->nreuse < MAX_REUSE) {
			/* map { idx N | name NAME } MAP: reuse an existing map */
			struct load_reuse *r = &a->reuse[a->nreuse];

			r->name = NULL;
			if (is_prefix(argv[1], "idx")) {
				if (parse_u32(argv[2], &r->idx, "map index"))
					return -1;
			} else if (is_prefix(argv[1], "name")) {
				r->name = argv[2];
			} else {
				return usage_err("prog");
			}
			argc -= 3, argv += 3;
			r->fd = parse_fd(KIND_MAP, &argc, &argv);
			if (r->fd < 0)
				return -1;
			a->nreuse++;
			continue;
		} else {
			return usage_err("prog");
		}
		argc -= 2, argv += 2;
	}
	return 0;
}

/* The maps given with `map ... MAP` stand in for the object's own. */
static int reuse_maps(struct mb_object *obj, const struct load_args *a)
{
	for (int i = 0; i < a->nreuse; i++) {
		const char *name = a->reuse[i].name;
		uint32_t idx = a->reuse[i].idx;
		struct mb_map *m = name ? mb_object_map_by_name(obj, name) :
				   idx < (uint32_t)mb_object_map_count(obj) ? mb_object_map(obj, idx) :
				   NULL;

		if (!m)
			return name ? cli_err("'%s' has no map '%s'", a->file, name) :
				      cli_err("'%s' has no map with index %u", a->file, idx);
		if (mb_map_reuse_fd(m, a->reuse[i].fd))
			return cli_err("%s", mb_last_error());
	}
	return 0;
}

/* Open, apply the arguments, load: the object, or NULL with the error
 * printed (and nothing left). */
static struct mb_object *load_object(const struct load_args *a)
{
	struct mb_open_opts oo = { .sz = sizeof(oo), .log_level = opt.debug ? 1 : 0,
				   .btf_path = opt.btf_path };
	struct mb_object *obj = mb_object_open(a->file, &oo);
	int np, err;

	if (!obj) {
		cli_err("open '%s': %s", a->file, mb_last_error());
		return NULL;
	}
	np = mb_object_prog_count(obj);
	/* loadall of an object with only maps (or only BTF) creates them, for
	 * pinmaps, as bpftool does; load needs a program to pin at PATH */
	if (np <= 0 && !a->all) {
		cli_err("'%s' has no programs (loadall creates its maps)", a->file);
		goto fail;
	}
	if (reuse_maps(obj, a))
		goto fail;
	for (int i = 0; i < np && a->type >= 0; i++)
		if (mb_prog_set_type(mb_object_prog(obj, i), (uint32_t)a->type, a->expected)) {
			cli_err("%s", mb_last_error());
			goto fail;
		}
	err = mb_object_load(obj);
	for (int i = 0; i < np && opt.debug; i++) {
		const char *log = mb_prog_log(mb_object_prog(obj, i));

		if (log)
			fprintf(stderr, "%s", log);
	}
	if (!err)
		return obj;
	cli_err("load '%s': %s", a->file, mb_last_error());
fail:
	mb_object_close(obj);
	return NULL;
}

/* Pin PR at PATH: with autoattach its link where there is one. */
static int pin_prog(struct mb_prog *pr, const char *path, int autoattach)
{
	struct mb_link *l = autoattach ? mb_prog_attach(pr) : NULL;
	int err;

	if (!autoattach) {
		err = mb_prog_pin(pr, path);
	} else if (l && mb_link_count(l) > 1) {
		/* perf_event: one link per CPU, no single path to pin them at */
		fprintf(stderr, "Note: prog '%s': %d attachments (one per CPU) cannot "
			"be pinned at one path; pinning the program instead\n",
			mb_prog_name(pr), mb_link_count(l));
		mb_link_destroy(l);
		err = mb_prog_pin(pr, path);
	} else if (l) {
		err = mb_link_pin(l, path);
		mb_link_destroy(l);
	} else if (errno == EOPNOTSUPP || errno == EDESTADDRREQ || errno == EINVAL) {
		/* as bpftool: a section without a target gets the program pinned */
		fprintf(stderr, "Note: %s; pinning the program instead\n", mb_last_error());
		err = mb_prog_pin(pr, path);
	} else {
		return cli_err("attach '%s': %s", mb_prog_name(pr), mb_last_error());
	}
	if (err)
		return cli_err("pin '%s' at '%s': %s", mb_prog_name(pr), path, mb_last_error());
	return 0;
}

/* What a load made that a rollback undoes. */
struct load_state {
	char stage[4096];       /* loadall: the staging directory, "" when none */
	int maps_published;     /* pinmaps DIR outside the program tree: published */
	int stop;               /* SIGINT/SIGTERM/SIGHUP came: roll back, then die of it */
};

static const int stop_sigs[] = { SIGINT, SIGTERM, SIGHUP };

/* The signals stay blocked through a load and are looked for between its
 * steps: no handler, so nothing runs in signal context. */
static int stop_pending(struct load_state *st)
{
	sigset_t p;

	if (!st->stop && !sigpending(&p))
		for (unsigned i = 0; i < sizeof(stop_sigs) / sizeof(stop_sigs[0]); i++)
			if (sigismember(&p, stop_sigs[i]))
				st->stop = stop_sigs[i];
	return st->stop;
}

/* MAPDIR inside DIR (or DIR itself): the part after DIR ("", "/maps"), else NULL. */
static const char *under(const char *mapdir, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(mapdir, dir, n) || (mapdir[n] && mapdir[n] != '/'))
		return NULL;
	return mapdir + n;
}

/* DIR is not vacant (mb_stage_vacant's V: 0, or -errno when it cannot be
 * looked at) */
static int taken(const char *dir, int v)
{
	if (v < 0)
		return cli_err("'%s': %s", dir, mb_pin_why(v, dir));
	return cli_err("'%s' exists and is not empty: a load publishes a whole directory and "
		       "never adds to one (remove it, or pick another)", dir);
}

/* pinmaps: into the staged tree when MAPDIR is in it (its directories made
 * there), else published on its own now, just before the program tree. */
static int load_pin_maps(struct mb_object *obj, const struct load_args *a, struct load_state *st)
{
	const char *rest = st->stage[0] ? under(a->pinmaps, a->path) : NULL;
	char p[4096];
	int err;

	if (rest) {
		if (path_join(p, sizeof(p), st->stage, rest + (*rest == '/')))
			return cli_err("pinmaps path '%s' is too long", a->pinmaps);
		for (char *c = p + strlen(st->stage) + 1; (c = strchr(c, '/')); *c++ = '/') {
			*c = 0;
			err = mb_sys_mkdir(p, 0700);
			if (err && err != -EEXIST)
				return cli_err("mkdir '%s': %s", p, strerror(-err));
		}
	} else if ((err = mb_stage_vacant(a->pinmaps)) != 1) {
		return taken(a->pinmaps, err);
	}
	if (mb_object_pin_maps(obj, rest ? p : a->pinmaps))
		return cli_err("%s", mb_last_error());
	st->maps_published = !rest;
	return 0;
}

/* Pin (or attach and pin) the programs that were loaded (not the SEC("?...")
 * ones): all of them into a staging directory that is then renamed to DIR,
 * or the first at PATH, one pin. The maps' tree is published before that
 * last step. */
static int load_pin(struct mb_object *obj, const struct load_args *a, struct load_state *st)
{
	int n = mb_object_prog_count(obj), loaded = 0, err;
	char p[4096];

	for (int i = 0; i < n; i++)
		loaded += mb_prog_fd(mb_object_prog(obj, i)) >= 0;
	if (!loaded && !a->all)
		return cli_err("'%s': no program was loaded to pin at '%s' (all are SEC(\"?...\"))",
			       a->file, a->path);
	if (loaded && a->all) {
		if (mb_is_bpffs(a->path) == 0)
			return cli_err("'%s' is not on a bpf filesystem (mount -t bpf bpf /sys/fs/bpf)",
				       a->path);
		err = mb_stage_vacant(a->path);
		if (err != 1)
			return taken(a->path, err);
		err = mb_stage_path(a->path, p, sizeof(p));
		if (!err)
			err = mb_sys_mkdir(p, 0700);
		if (err)
			return cli_err("staging directory for '%s': %s", a->path, strerror(-err));
		memcpy(st->stage, p, sizeof(p));
	}
	for (int i = 0; a->all && i < n; i++) {       /* load: its one pin comes last */
		struct mb_prog *pr = mb_object_prog(obj, i);

		if (mb_prog_fd(pr) < 0)
			continue;
		if (stop_pending(st))
			return -1;
		if (path_join(p, sizeof(p), st->stage, mb_prog_name(pr)))
			return cli_err("pin path for '%s' under '%s' is too long", mb_prog_name(pr),
				       a->path);
		if (pin_prog(pr, p, a->autoattach))
			return -1;
	}
	if (a->pinmaps && (stop_pending(st) || load_pin_maps(obj, a, st)))
		return -1;
	if (stop_pending(st))
		return -1;
	if (!a->all) {
		for (int i = 0; i < n; i++)
			if (mb_prog_fd(mb_object_prog(obj, i)) >= 0)
				return pin_prog(mb_object_prog(obj, i), a->path, a->autoattach);
		return 0;
	}
	if (!st->stage[0])
		return 0;
	err = mb_stage_publish(st->stage, a->path);
	if (err == -EEXIST)
		return cli_err("'%s' exists: it appeared during this load (another load?); "
			       "nothing of this one is left", a->path);
	if (err)
		return cli_err("rename '%s' to '%s': %s", st->stage, a->path, strerror(-err));
	st->stage[0] = 0;
	return 0;
}

/* A failed or interrupted load leaves nothing: the staged tree goes (its
 * link pins with it, which detaches them), and a maps' tree it published. */
static void load_rollback(const struct load_args *a, struct load_state *st)
{
	if (st->stage[0])
		mb_pin_tree_remove(st->stage);
	if (st->maps_published)
		mb_pin_tree_remove(a->pinmaps);
}

/* Stale staging directories beside PATH (their loader died): removed. */
static void note_removed(void *ctx, const char *path)
{
	(void)ctx;
	fprintf(stderr, "Note: removed '%s', left by a load that was killed\n", path);
}

void sweep_beside(const char *path)
{
	char dir[4096];
	size_t n = strlen(path);

	if (n >= sizeof(dir))
		return;
	memcpy(dir, path, n + 1);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = 0;
	while (n && dir[n - 1] != '/')
		n--;
	if (n > 1)
		n--;
	if (!n)
		strcpy(dir, ".");
	else
		dir[n] = 0;
	mb_stage_sweep(dir, 0, note_removed, NULL);
}

/* A loaded object the process exits with (see load_common). */
static struct mb_object *volatile loaded_obj;

static int load_common(int argc, char **argv, int all)
{
	struct load_args a = { .all = all, .type = -1 };
	struct load_state st = { .stage = "" };
	struct mb_object *obj = NULL;
	sigset_t block, old;
	int ret = -1;

	sigemptyset(&block);
	for (unsigned i = 0; i < sizeof(stop_sigs) / sizeof(stop_sigs[0]); i++)
		sigaddset(&block, stop_sigs[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (!load_parse(&a, argc, argv)) {
		sweep_beside(a.path);
		if (a.pinmaps)
			sweep_beside(a.pinmaps);
		obj = load_object(&a);
	}
	if (obj) {
		ret = load_pin(obj, &a, &st);
		if (ret) {
			load_rollback(&a, &st);
			mb_object_close(obj);
		} else {
			/* Everything that must outlive us is pinned and the
			 * process exits next: the kernel closes the fds and
			 * frees the memory, which saves the teardown's
			 * syscalls. Kept reachable here. */
			loaded_obj = obj;
		}
	}
	while (a.nreuse--)
		mb_close(a.reuse[a.nreuse].fd);
	/* Interrupted: rolled back, now die of the signal (it is delivered
	 * when unblocked). A signal after the publish finds the load done. */
	if (ret && stop_pending(&st)) {
		cli_err("%s during the load: rolled back, nothing of it is left",
			st.stop == SIGINT ? "SIGINT" : st.stop == SIGTERM ? "SIGTERM" : "SIGHUP");
		fflush(NULL);
		signal(st.stop, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	return ret;
}

static void print_removed(void *ctx, const char *path)
{
	(*(int *)ctx)++;
	if (opt.json)
		jw_str(path);
	else
		printf("removed %s\n", path);
}

/* prog cleanup [DIR]: the staging directories of loads that died, anywhere
 * under DIR (default: the bpffs mount). */
static int do_cleanup(int argc, char **argv)
{
	const char *dir = argc ? argv[0] : mb_bpffs_path();
	int n = 0, err;

	if (argc > 1)
		return usage_err("prog");
	if (!dir)
		return cli_err("no bpf filesystem: %s", strerror(errno));
	if (opt.json)
		jw_arr();
	err = mb_pin_cleanup(dir, print_removed, &n);
	if (opt.json) {
		jw_end_arr();
		jw_done();
	}
	if (err < 0)
		return cli_err("cleanup '%s': %s", dir, err == -ENOENT && !access(dir, F_OK) ?
			       "no /proc to tell live loaders from dead ones" : strerror(-err));
	if (!opt.json)
		printf("%d staging director%s removed under %s\n", n, n == 1 ? "y" : "ies", dir);
	return 0;
}

static int do_load(int argc, char **argv) { return load_common(argc, argv, 0); }
static int do_loadall(int argc, char **argv) { return load_common(argc, argv, 1); }

static const char help[] =
	"Usage: minibpf prog { show | list } [PROG]\n"
#if MB_EXTRA_CMDS
	"       minibpf prog dump xlated PROG [opcodes] [linum]\n"
#endif
	"       minibpf prog pin PROG FILE\n"
	"       minibpf prog { load | loadall } OBJ PATH [type TYPE] [pinmaps DIR] [autoattach]\n"
	"                    [map { idx IDX | name NAME } MAP]...\n"
#if MB_EXTRA_CMDS
	"       minibpf prog run PROG [data_in FILE [data_out FILE [data_size_out L]]]\n"
	"                            [ctx_in FILE [ctx_out FILE [ctx_size_out M]]] [repeat N]\n"
	"       minibpf prog attach PROG ATTACH_TYPE MAP\n"
	"       minibpf prog detach PROG ATTACH_TYPE MAP\n"
#endif
	"       minibpf prog tracelog\n"
	"       minibpf prog cleanup [DIR]\n"
	"       minibpf prog help\n"
	"  PROG := { id PROG_ID | pinned FILE | tag PROG_TAG | name PROG_NAME }\n"
	"  MAP := { id MAP_ID | pinned FILE | name MAP_NAME }\n"
#if MB_EXTRA_CMDS
	"  ATTACH_TYPE := { sk_msg_verdict | sk_skb_verdict | sk_skb_stream_verdict |\n"
	"                   sk_skb_stream_parser | flow_dissector }\n"
#endif
	;

#if MB_EXTRA_CMDS
/* prog attach/detach PROG TYPE MAP: BPF_PROG_ATTACH to a sockmap (or netns
 * for flow_dissector, where MAP is ignored). */
static int attach_detach(int argc, char **argv, int detach)
{
	const char *tname;
	int pfd, tfd = -1, at, err;

	pfd = parse_fd(KIND_PROG, &argc, &argv);
	if (pfd < 0)
		return -1;
	if (next_arg(&argc, &argv, &tname, "ATTACH_TYPE"))
		goto fail;
	at = name_lookup(MB_ENUM_ATTACH_TYPE, tname);
	if (at < 0 && !strcmp(tname, "stream_verdict"))
		at = BPF_SK_SKB_STREAM_VERDICT;
	if (at < 0 && !strcmp(tname, "stream_parser"))
		at = BPF_SK_SKB_STREAM_PARSER;
	if (at < 0) {
		cli_err("unknown attach type '%s'; see 'minibpf prog help'", tname);
		goto fail;
	}
	if (at == BPF_FLOW_DISSECTOR) {
		tfd = 0;    /* the current netns */
	} else {
		tfd = parse_fd(KIND_MAP, &argc, &argv);
		if (tfd < 0)
			goto fail;
	}
	err = detach ? mb_sys_prog_detach(pfd, tfd, at) : mb_sys_prog_attach(pfd, tfd, at, 0);
	if (tfd > 0)
		mb_close(tfd);
	mb_close(pfd);
	if (err)
		return cli_err("%s: %s", detach ? "detach" : "attach", strerror(-err));
	return 0;
fail:
	mb_close(pfd);
	return -1;
}

static int do_attach(int argc, char **argv) { return attach_detach(argc, argv, 0); }
static int do_detach(int argc, char **argv) { return attach_detach(argc, argv, 1); }
#endif /* MB_EXTRA_CMDS */

static const struct cmd cmds[] = {
	{ "show", do_show },
	{ "list", do_show },
	{ "help", NULL },
	{ "pin", do_pin },
	{ "load", do_load },
	{ "loadall", do_loadall },
	{ "tracelog", do_tracelog },
	{ "cleanup", do_cleanup },
#if MB_EXTRA_CMDS
	{ "dump", do_dump },
	{ "attach", do_attach },
	{ "detach", do_detach },
	{ "run", do_run },
#endif
	{ 0 }
};

int do_prog(int argc, char **argv)
{
	return cmd_select(cmds, argc, argv, "prog", help);
}
