/* minibpf prog: show, pin, dump xlated, run, tracelog, load, loadall, attach. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "minibpf.h"

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

static void show_one(int fd)
{
	struct bpf_prog_info info;
	uint32_t *ids;
	const char *type;
	char tag[17];
	long long memlock = fdinfo_num(fd, "memlock");

	if (prog_info(fd, &info, &ids)) {
		cli_err("can't get program info: %s", strerror(errno));
		return;
	}
	type = prog_type_name(info.type);
	for (int i = 0; i < 8; i++)
		snprintf(tag + 2 * i, 3, "%02x", info.tag[i]);
	if (opt.json) {
		jw_obj();
		jw_ku("id", info.id);
		if (type)
			jw_ks("type", type);
		else
			jw_ku("type", info.type);
		if (*info.name)
			jw_ks("name", info.name);
		jw_ks("tag", tag);
		jw_kb("gpl_compatible", info.gpl_compatible);
		if (info.run_time_ns) {
			jw_ku("run_time_ns", info.run_time_ns);
			jw_ku("run_cnt", info.run_cnt);
		}
		if (info.recursion_misses)
			jw_ku("recursion_misses", info.recursion_misses);
		if (info.load_time) {
			jw_ku("loaded_at", boot_to_wall(info.load_time));
			jw_ku("uid", info.created_by_uid);
		}
		jw_ku("bytes_xlated", info.xlated_prog_len);
		jw_kb("jited", !!info.jited_prog_len);
		if (info.jited_prog_len)
			jw_ku("bytes_jited", info.jited_prog_len);
		if (memlock >= 0)
			jw_ku("bytes_memlock", memlock);
		if (info.nr_map_ids) {
			jw_key("map_ids");
			jw_arr();
			for (uint32_t i = 0; i < info.nr_map_ids; i++)
				jw_u64(ids[i]);
			jw_end_arr();
		}
		if (info.btf_id)
			jw_ku("btf_id", info.btf_id);
		jw_end_obj();
	} else {
		printf("%u: ", info.id);
		if (type)
			printf("%s  ", type);
		else
			printf("type %u  ", info.type);
		if (*info.name)
			printf("name %s  ", info.name);
		printf("tag %s%s", tag, info.gpl_compatible ? "  gpl" : "");
		if (info.run_time_ns)
			printf(" run_time_ns %llu run_cnt %llu",
			       (unsigned long long)info.run_time_ns, (unsigned long long)info.run_cnt);
		if (info.recursion_misses)
			printf(" recursion_misses %llu", (unsigned long long)info.recursion_misses);
		if (info.load_time) {
			time_t t = boot_to_wall(info.load_time);
			char buf[32];

			strftime(buf, sizeof(buf), "%FT%T%z", localtime(&t));
			printf("\n\tloaded_at %s  uid %u", buf, info.created_by_uid);
		}
		printf("\n\txlated %uB", info.xlated_prog_len);
		if (info.jited_prog_len)
			printf("  jited %uB", info.jited_prog_len);
		else
			printf("  not jited");
		if (memlock >= 0)
			printf("  memlock %lldB", memlock);
		for (uint32_t i = 0; i < info.nr_map_ids; i++)
			printf("%s%u", i ? "," : "  map_ids ", ids[i]);
		if (info.btf_id)
			printf("\n\tbtf_id %u", info.btf_id);
		putchar('\n');
	}
	free(ids);
}

static int do_show(int argc, char **argv)
{
	int fds[64], n;

	if (argc) {
		n = parse_fds(KIND_PROG, &argc, &argv, fds, 64);
		if (n < 0)
			return -1;
		if (argc)
			return usage_err("prog");
		if (opt.json && n > 1)
			jw_arr();
		for (int i = 0; i < n; i++)
			show_one(fds[i]);
		if (opt.json && n > 1)
			jw_end_arr();
		close_fds(fds, n);
	} else {
		uint32_t id = 0;

		if (opt.json)
			jw_arr();
		while (!mb_sys_get_next_id(BPF_PROG_GET_NEXT_ID, id, &id)) {
			int fd = mb_sys_get_fd_by_id(BPF_PROG_GET_FD_BY_ID, id);

			if (fd < 0)
				continue;   /* unloaded meanwhile */
			show_one(fd);
			mb_close(fd);
		}
		if (opt.json)
			jw_end_arr();
	}
	if (opt.json)
		jw_done();
	return 0;
}

static int do_pin_kind(int kind, int argc, char **argv, const char *obj)
{
	const char *path;
	int fd = parse_fd(kind, &argc, &argv), err;

	if (fd < 0)
		return -1;
	if (next_arg(&argc, &argv, &path, "FILE") || argc) {
		mb_close(fd);
		return usage_err(obj);
	}
	err = mb_sys_obj_pin(fd, path);
	mb_close(fd);
	if (err)
		return cli_err("pin at '%s': %s (is it on a bpf filesystem, and new?)",
			       path, strerror(-err));
	return 0;
}

int cmd_pin(int kind, int argc, char **argv, const char *obj);
int cmd_pin(int kind, int argc, char **argv, const char *obj)
{
	return do_pin_kind(kind, argc, argv, obj);
}

static int do_pin(int argc, char **argv)
{
	return do_pin_kind(KIND_PROG, argc, argv, "prog");
}

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

static int kallsyms_scan(struct syms *s, int want_base)
{
	char line[256], nm[128], t;
	unsigned long long a;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s", &a, &t, nm) != 3)
			continue;
		if (want_base) {
			if (!strcmp(nm, "__bpf_call_base")) {
				s->base = a;
				break;
			}
			continue;
		}
		for (uint32_t i = 0; i < s->n; i++)
			if (s->addr[i] == a && !s->name[i][0])
				snprintf(s->name[i], sizeof(s->name[i]), "%s", nm);
	}
	fclose(f);
	return 0;
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

static void json_opcodes(const struct bpf_insn *in)
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
	jw_hexbytes(&in->imm, 4);
	jw_end_obj();
}

static int do_dump(int argc, char **argv)
{
	struct bpf_prog_info info;
	struct bpf_insn *insns = NULL;
	struct syms s = { 0 };
	uint32_t len = sizeof(info), cnt, nks;
	const char *what;
	int fd, opcodes = 0, ret = -1;

	if (next_arg(&argc, &argv, &what, "'xlated'"))
		return -1;
	if (!is_prefix(what, "xlated"))
		return cli_err("only 'prog dump xlated' is supported (jited needs a disassembler for the host ISA)");
	fd = parse_fd(KIND_PROG, &argc, &argv);
	if (fd < 0)
		return -1;
	while (argc) {
		if (is_prefix(argv[0], "opcodes"))
			opcodes = 1;
		else if (!is_prefix(argv[0], "linum") && !is_prefix(argv[0], "visual")) {
			mb_close(fd);
			return usage_err("prog");
		}
		argc--, argv++;
	}
	memset(&info, 0, sizeof(info));
	if (mb_sys_obj_get_info_by_fd(fd, &info, &len))
		goto out_info;
	if (!info.xlated_prog_len) {
		cli_err("no xlated instructions (not permitted to dump them?)");
		goto out;
	}
	cnt = info.xlated_prog_len / sizeof(*insns);
	nks = info.nr_jited_ksyms;
	insns = calloc(cnt, sizeof(*insns));
	s.ksyms = calloc(nks + 1, sizeof(uint64_t));
	s.addr = calloc(cnt, sizeof(uint64_t));
	s.name = calloc(cnt, sizeof(*s.name));
	if (!insns || !s.ksyms || !s.addr || !s.name) {
		cli_err("out of memory");
		goto out;
	}
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = cnt * sizeof(*insns);
	info.xlated_prog_insns = mb_ptr(insns);
	info.nr_jited_ksyms = nks;
	info.jited_ksyms = mb_ptr(s.ksyms);
	len = sizeof(info);
	if (mb_sys_obj_get_info_by_fd(fd, &info, &len))
		goto out_info;
	if (info.xlated_prog_len / sizeof(*insns) < cnt)
		cnt = info.xlated_prog_len / sizeof(*insns);
	s.nr_ksyms = info.nr_jited_ksyms < nks ? info.nr_jited_ksyms : nks;

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

		if (opt.json) {
			jw_obj();
			jw_ks("disasm", buf);
			if (opcodes)
				json_opcodes(&insns[i]);
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
	goto out;
out_info:
	cli_err("can't get program info: %s", strerror(errno));
out:
	free(insns);
	free(s.ksyms);
	free(s.addr);
	free(s.name);
	mb_close(fd);
	return ret;
}

/* Whole file (or stdin for "-") into a malloc'd buffer. */
static void *read_all(const char *path, uint32_t *size)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	size_t cap = 4096, n = 0, r;
	char *buf = NULL, *nb;

	if (!f) {
		cli_err("open '%s': %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (!(nb = realloc(buf, cap))) {
			free(buf);
			buf = NULL;
			cli_err("out of memory reading '%s'", path);
			break;
		}
		buf = nb;
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		if (cap >= (1u << 30)) {
			free(buf);
			buf = NULL;
			cli_err("'%s' is too large", path);
			break;
		}
		cap *= 2;
	}
	if (f != stdin)
		fclose(f);
	*size = n;
	return buf;
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
	if (din && !(dbuf = read_all(din, &dsz_in)))
		goto out;
	if (cin && !(cbuf = read_all(cin, &csz_in)))
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

static int do_tracelog(int argc, char **argv)
{
	const char *tfs = mb_tracefs_path();
	char path[512], buf[4096];
	size_t n;
	FILE *f;

	(void)argv;
	if (argc)
		return usage_err("prog");
	if (!tfs)
		return cli_err("tracefs not found and could not be mounted: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/trace_pipe", tfs);
	f = fopen(path, "re");
	if (!f)
		return cli_err("open %s: %s", path, strerror(errno));
	setvbuf(stdout, NULL, _IONBF, 0);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 || (!feof(f) && errno == EINTR))
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}

/* load / loadall through the public API. */
static int load_common(int argc, char **argv, int all)
{
	const char *file, *path, *pinmaps = NULL;
	struct mb_object *obj;
	int type = -1, autoattach = 0, ret = -1, err;
	char p[4096];

	if (next_arg(&argc, &argv, &file, "OBJ") ||
	    next_arg(&argc, &argv, &path, all ? "DIR" : "PATH"))
		return -1;
	while (argc) {
		const char *k = argv[0];

		if (is_prefix(k, "autoattach")) {
			autoattach = 1;
			argc--, argv++;
			continue;
		}
		if (argc < 2)
			return usage_err("prog");
		if (is_prefix(k, "type")) {
			type = name_lookup(prog_type_name, 64, argv[1]);
			if (type < 0)
				return cli_err("unknown program type '%s'", argv[1]);
		} else if (is_prefix(k, "pinmaps")) {
			pinmaps = argv[1];
		} else if (is_prefix(k, "map")) {
			return cli_err("'map idx|name' (reusing a map) is not supported yet");
		} else {
			return usage_err("prog");
		}
		argc -= 2, argv += 2;
	}
	struct mb_open_opts oo = { .sz = sizeof(oo), .log_level = opt.debug ? 1 : 0 };
	obj = mb_object_open(file, &oo);
	if (!obj)
		return cli_err("open '%s': %s", file, mb_last_error());
	int np = mb_object_prog_count(obj);
	if (np <= 0) {
		cli_err("'%s' has no programs", file);
		goto out;
	}
	for (int i = 0; i < np && type >= 0; i++)
		mb_prog_set_type(mb_object_prog(obj, i), type, 0);
	err = mb_object_load(obj);
	for (int i = 0; i < np && opt.debug; i++) {
		const char *log = mb_prog_log(mb_object_prog(obj, i));

		if (log)
			fprintf(stderr, "%s", log);
	}
	if (err) {
		cli_err("load '%s': %s", file, mb_last_error());
		goto out;
	}
	if (all && mkdir(path, 0700) && errno != EEXIST) {
		cli_err("mkdir '%s': %s", path, strerror(errno));
		goto out;
	}
	for (int i = 0; i < (all ? np : 1); i++) {
		struct mb_program *pr = mb_object_prog(obj, i);

		if (all)
			snprintf(p, sizeof(p), "%s/%s", path, mb_prog_name(pr));
		else
			snprintf(p, sizeof(p), "%s", path);
		if (autoattach) {
			struct mb_link *l = mb_prog_attach(pr);

			if (l) {
				err = mb_link_pin(l, p);
				mb_link_destroy(l);
			} else if (errno == EOPNOTSUPP || errno == EINVAL) {
				/* as bpftool: a section without a target gets the program pinned */
				fprintf(stderr, "Note: %s; pinning the program instead\n", mb_last_error());
				err = mb_prog_pin(pr, p);
			} else {
				cli_err("attach '%s': %s", mb_prog_name(pr), mb_last_error());
				goto out;
			}
		} else {
			err = mb_prog_pin(pr, p);
		}
		if (err) {
			cli_err("pin '%s' at '%s': %s", mb_prog_name(pr), p, mb_last_error());
			goto out;
		}
	}
	if (pinmaps) {
		if (mkdir(pinmaps, 0700) && errno != EEXIST) {
			cli_err("mkdir '%s': %s", pinmaps, strerror(errno));
			goto out;
		}
		for (int i = 0; i < mb_object_map_count(obj); i++) {
			struct mb_map *m = mb_object_map(obj, i);

			struct bpf_map_info mi;
			uint32_t ml = sizeof(mi);
			const char *mn = mb_map_name(m);
			char *dot;

			/* bpffs refuses names with '.': pin "obj.data" as "obj_data", as libbpf */
			memset(&mi, 0, sizeof(mi));
			if (strchr(mn, '.') && !mb_sys_obj_get_info_by_fd(mb_map_fd(m), &mi, &ml))
				mn = mi.name;
			snprintf(p, sizeof(p), "%s/%s", pinmaps, mn);
			while ((dot = strchr(p + strlen(pinmaps) + 1, '.')))
				*dot = '_';
			if (mb_map_pin(m, p)) {
				cli_err("pin map '%s' at '%s': %s", mb_map_name(m), p, mb_last_error());
				goto out;
			}
		}
	}
	ret = 0;
out:
	mb_object_close(obj);
	return ret;
}

static int do_load(int argc, char **argv) { return load_common(argc, argv, 0); }
static int do_loadall(int argc, char **argv) { return load_common(argc, argv, 1); }

static int do_help(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr,
		"Usage: minibpf prog { show | list } [PROG]\n"
		"       minibpf prog dump xlated PROG [opcodes]\n"
		"       minibpf prog pin PROG FILE\n"
		"       minibpf prog { load | loadall } OBJ PATH [type TYPE] [pinmaps DIR] [autoattach]\n"
		"       minibpf prog run PROG [data_in FILE [data_out FILE [data_size_out L]]]\n"
		"                            [ctx_in FILE [ctx_out FILE [ctx_size_out M]]] [repeat N]\n"
		"       minibpf prog attach PROG ATTACH_TYPE MAP\n"
		"       minibpf prog detach PROG ATTACH_TYPE MAP\n"
		"       minibpf prog tracelog\n"
		"       minibpf prog help\n"
		"  PROG := { id PROG_ID | pinned FILE | tag PROG_TAG | name PROG_NAME }\n"
		"  ATTACH_TYPE := { sk_msg_verdict | sk_skb_verdict | sk_skb_stream_verdict |\n"
		"                   sk_skb_stream_parser | flow_dissector }\n");
	return 0;
}

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
	at = name_lookup(attach_type_name, 64, tname);
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

static const struct cmd cmds[] = {
	{ "show", do_show },
	{ "list", do_show },
	{ "help", do_help },
	{ "dump", do_dump },
	{ "pin", do_pin },
	{ "load", do_load },
	{ "loadall", do_loadall },
	{ "attach", do_attach },
	{ "detach", do_detach },
	{ "tracelog", do_tracelog },
	{ "run", do_run },
	{ 0 }
};

int do_prog(int argc, char **argv)
{
	return cmd_select(cmds, argc, argv, "prog");
}
