/* minibpf map event_pipe MAP [cpu N index M] [--type NAME [--obj FILE]]:
 * stream a ring buffer's or perf event array's records until SIGINT/SIGTERM,
 * then say on stderr how many came and how many were lost. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "btf/btf.h"
#include "elf/elf_reader.h"
#include "minibpf.h"

#if MB_CMD_map && MB_EVENTS      /* the whole file (include/mb_config.h) */

static volatile sig_atomic_t stop;

static struct {
	struct mb_btf *btf;
	uint32_t tid;
	int perf;
	unsigned long long records, lost;
} ep;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* One record: typed through BTF (as map dump prints values) or hex. */
static void print_record(int cpu, const void *data, size_t size)
{
	if (opt.json) {
		jw_obj();
		if (ep.perf) {
			jw_ku("type", 9);       /* PERF_RECORD_SAMPLE, as bpftool */
			jw_ku("cpu", cpu);
		}
		jw_ku("size", size);
		/* typed: the fields only, one short line per record */
		jw_key(ep.tid ? "formatted" : "data");
		if (!ep.tid) {
			jw_hexbytes(data, size);
		} else {
			jw_raw();
			if (mb_btf_dump_value(ep.btf, ep.tid, data, size, stdout, 1))
				fputs("null", stdout);
		}
		jw_end_obj();
		jw_done();
	} else {
		if (ep.perf)
			printf("== CPU: %d =====\n", cpu);
		if (!ep.tid || mb_btf_dump_value(ep.btf, ep.tid, data, size, stdout, 0))
			print_hex(data, size);
		putchar('\n');
	}
	fflush(stdout);
}

static int on_ring(void *ctx, const void *data, size_t size)
{
	(void)ctx;
	ep.records++;
	print_record(-1, data, size);
	return 0;
}

static int on_sample(void *ctx, int cpu, const void *data, size_t size)
{
	(void)ctx;
	ep.records++;
	print_record(cpu, data, size);
	return 0;
}

static void on_lost(void *ctx, int cpu, uint64_t n)
{
	(void)ctx;
	ep.lost += n;
	if (opt.json) {
		jw_obj();
		jw_ku("type", 2);       /* PERF_RECORD_LOST */
		jw_ku("cpu", cpu);
		jw_ku("lost", n);
		jw_end_obj();
		jw_done();
	} else {
		printf("== CPU: %d =====\nlost %llu events\n", cpu, (unsigned long long)n);
	}
	fflush(stdout);
}

/* The .BTF of an object file. */
static struct mb_btf *btf_of_file(const char *path)
{
	struct mb_btf *btf = NULL;
	struct mb_elf e;
	char err[160];
	uint32_t size, sec;
	uint64_t n;
	const void *d;
	void *buf = read_file(path, &size);

	if (!buf)
		return NULL;
	if (mb_elf_open(&e, buf, size, err, sizeof(err))) {
		cli_err("%s: %s", path, err);
	} else {
		sec = mb_elf_sec_find(&e, ".BTF");
		d = sec ? mb_elf_sec_data(&e, sec, &n) : NULL;
		if (!d)
			cli_err("%s has no .BTF section (compile with -g)", path);
		else if (!(btf = mb_btf_open(d, n, err, sizeof(err))))
			cli_err("%s: BTF: %s", path, err);
		mb_elf_close(&e);
	}
	if (btf)
		mb_btf_adopt(btf, buf);     /* the reader works in place: buf lives with it */
	else
		free(buf);
	return btf;
}

/* A ring buffer has no value type, so its BTF comes from the map if it has
 * one, else from a program that uses the map. */
static uint32_t btf_id_of(const struct bpf_map_info *mi)
{
	uint32_t id = 0;

	if (mi->btf_id)
		return mi->btf_id;
	while (!mb_sys_get_next_id(BPF_PROG_GET_NEXT_ID, id, &id)) {
		struct bpf_prog_info pi;
		uint32_t maps[64], len = sizeof(pi);
		int fd = mb_sys_get_fd_by_id(BPF_PROG_GET_FD_BY_ID, id);

		if (fd < 0)
			continue;
		memset(&pi, 0, sizeof(pi));
		pi.nr_map_ids = 64;
		pi.map_ids = mb_ptr(maps);
		if (!mb_sys_obj_get_info_by_fd(fd, &pi, &len) && pi.btf_id)
			for (uint32_t i = 0; i < pi.nr_map_ids && i < 64; i++)
				if (maps[i] == mi->id) {
					mb_close(fd);
					return pi.btf_id;
				}
		mb_close(fd);
	}
	return 0;
}

static int load_type(const struct bpf_map_info *mi, const char *type, const char *obj)
{
	static const int kinds[] = { MB_BTF_KIND_STRUCT, MB_BTF_KIND_UNION, MB_BTF_KIND_TYPEDEF, -1 };
	uint32_t id = 0;
	int tid = -ENOENT;

	if (obj)
		ep.btf = btf_of_file(obj);
	else if ((id = btf_id_of(mi)))
		ep.btf = btf_by_id(id);
	if (!ep.btf)
		return obj ? -1 : cli_err("map '%s' has no BTF (nor a program using it): "
					  "give --obj FILE", mi->name);
	for (int i = 0; tid < 0 && i < 4; i++)
		tid = mb_btf_find(ep.btf, type, kinds[i]);
	if (tid < 0)
		return cli_err("no type '%s' in the BTF of %s", type, obj ? obj : "the map");
	ep.tid = (uint32_t)tid;
	return 0;
}

int do_map_event_pipe(int argc, char **argv)
{
	const char *type = NULL, *obj = NULL, *v;
	struct mb_ringbuf *rb = NULL;
	struct mb_perfbuf *pb = NULL;
	struct bpf_map_info mi;
	uint32_t cpu = 0, index = 0;
	int fd = parse_fd(KIND_MAP, &argc, &argv), have_cpu = 0, have_index = 0, ret = -1, n;

	if (fd < 0)
		return -1;
	memset(&ep, 0, sizeof(ep));
	while (argc) {
		const char *k = argv[0];

		argc--, argv++;
		if (next_arg(&argc, &argv, &v, k))
			goto out;
		if (!strcmp(k, "cpu")) {
			if (parse_u32(v, &cpu, "cpu"))
				goto out;
			have_cpu = 1;
		} else if (!strcmp(k, "index")) {
			if (parse_u32(v, &index, "index"))
				goto out;
			have_index = 1;
		} else if (!strcmp(k, "--type") || !strcmp(k, "type")) {
			type = v;
		} else if (!strcmp(k, "--obj") || !strcmp(k, "obj")) {
			obj = v;
		} else {
			usage_err("map");
			goto out;
		}
	}
	if (have_cpu != have_index) {
		cli_err("'cpu' and 'index' go together");
		goto out;
	}
	if (obj_info(fd, &mi, sizeof(mi)))
		goto out;
	ep.perf = mi.type == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
	if (!ep.perf && mi.type != BPF_MAP_TYPE_RINGBUF) {
		cli_err("map '%s' is a %s: event_pipe reads a ringbuf or perf_event_array",
			mi.name, map_type_name(mi.type) ? map_type_name(mi.type) : "map");
		goto out;
	}
	if (have_cpu && !ep.perf) {
		cli_err("'cpu' and 'index' apply to a perf_event_array only");
		goto out;
	}
	if (obj && !type) {
		cli_err("--obj needs --type NAME");
		goto out;
	}
	if (type && load_type(&mi, type, obj))
		goto out;
	if (ep.perf && have_cpu)
		pb = mb_perfbuf_new_cpu(fd, 16, (int)cpu, index, on_sample, on_lost, NULL);
	else if (ep.perf)
		pb = mb_perfbuf_new(fd, 16, on_sample, on_lost, NULL);
	else
		rb = mb_ringbuf_new(fd, on_ring, NULL);
	if (!pb && !rb) {
		cli_err("%s", mb_last_error());
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* a timeout, so a signal between the check and the wait still stops */
	while (!stop) {
		n = pb ? mb_perfbuf_poll(pb, 200) : mb_ringbuf_poll(rb, 200);
		if (n < 0 && n != -EINTR) {
			cli_err("poll: %s", strerror(-n));
			goto out;
		}
	}
	fprintf(stderr, "%llu records, %llu lost\n", ep.records, ep.lost);
	ret = 0;
out:
	mb_perfbuf_free(pb);
	mb_ringbuf_free(rb);
	mb_btf_free(ep.btf);
	ep.btf = NULL;
	mb_close(fd);
	return ret;
}

#endif /* MB_CMD_map && MB_EVENTS */
