/* minibpf map: show, dump, lookup, update, delete, getnext, pin, create, freeze. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "minibpf.h"
#include "btf/btf.h"

#if MB_CMD_map      /* the whole file (include/mb_config.h) */

/* The map's BTF, when it has typed values: printed through btf/. */
static struct mb_btf *btf;
static uint32_t key_tid, val_tid;

static void btf_load(const struct bpf_map_info *mi)
{
	/* without typed dumps (MB_BTF_DUMP=0) values print in hex: no BTF to fetch */
	if (!MB_BTF_DUMP || !mi->btf_id || !mi->btf_value_type_id)
		return;
	btf = btf_by_id(mi->btf_id);
	key_tid = mi->btf_key_type_id;
	val_tid = mi->btf_value_type_id;
}

static void btf_unload(void)
{
	mb_btf_free(btf);
	btf = NULL;
}

/* A typed value (JSON with -j) or hex if BTF cannot print it. */
static void typed(uint32_t tid, const void *p, uint32_t n)
{
	if (opt.json) {
		jw_raw();
		if (mb_btf_dump_value(btf, tid, p, n, stdout, 1))
			fputs("null", stdout);
		return;
	}
	if (!tid || mb_btf_dump_value(btf, tid, p, n, stdout, 0))
		print_hex(p, n);
}

static int map_info(int fd, struct bpf_map_info *info)
{
	return obj_info(fd, info, sizeof(*info));
}

static int per_cpu(uint32_t t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

static uint32_t value_bytes(const struct bpf_map_info *i)
{
	/* per-CPU: one value per possible CPU, each padded to 8 bytes */
	return per_cpu(i->type) ? ((i->value_size + 7) & ~7u) * mb_num_possible_cpus() :
				  i->value_size;
}

static void show_one(int fd)
{
	struct bpf_map_info info;
	long long memlock = fdinfo_num(fd, "memlock"), frozen = fdinfo_num(fd, "frozen") > 0;

	if (map_info(fd, &info))
		return;
	if (opt.json)
		jw_obj();
	kv_u("id", "%llu: ", info.id);
	kv_type("type", "%s  ", MB_ENUM_MAP_TYPE, info.type);
	if (*info.name)
		kv_s("name", "name %s  ", info.name);
	kv_u("flags", "flags 0x%llx", info.map_flags);
	kv_u("bytes_key", "\n\tkey %lluB", info.key_size);
	kv_u("bytes_value", "  value %lluB", info.value_size);
	kv_u("max_entries", "  max_entries %llu", info.max_entries);
	if (memlock >= 0)
		kv_u("bytes_memlock", "  memlock %lluB", memlock);
	if (!opt.json && (info.btf_id || frozen))
		fputs("\n\t", stdout);
	kv_u("frozen", NULL, frozen);
	if (info.btf_id)
		kv_u("btf_id", "btf_id %llu", info.btf_id);
	if (frozen && !opt.json)
		printf("%sfrozen", info.btf_id ? "  " : "");
	if (opt.json)
		jw_end_obj();
	else
		putchar('\n');
}

static int do_show(int argc, char **argv)
{
	return show_objs(KIND_MAP, argc, argv, show_one, "map");
}

static void hex_line(const char *label, const void *p, uint32_t n, char sepc)
{
	printf("%s:%c", label, sepc);
	print_hex(p, n);
}

/* "value": ..., or "values": [{"cpu": N, "value": ...}] for per-CPU maps;
 * typed through BTF when tid is set. */
static void json_values(const struct bpf_map_info *i, const void *value, uint32_t tid)
{
	uint32_t step = (i->value_size + 7) & ~7u;
	int pc = per_cpu(i->type);

	jw_key(pc ? "values" : "value");
	if (pc)
		jw_arr();
	for (int c = 0; c < (pc ? mb_num_possible_cpus() : 1); c++) {
		const char *v = (const char *)value + c * step;

		if (pc) {
			jw_obj();
			jw_ku("cpu", c);
			jw_key("value");
		}
		if (tid)
			typed(tid, v, i->value_size);
		else
			jw_hexbytes(v, i->value_size);
		if (pc)
			jw_end_obj();
	}
	if (pc)
		jw_end_arr();
}

/* One entry, in bpftool's layout. value NULL: key only; no key for queues. */
static void print_entry(const struct bpf_map_info *i, const void *key, const void *value)
{
	uint32_t step = (i->value_size + 7) & ~7u;

	if (opt.json) {
		jw_obj();
		if (i->key_size) {
			jw_key("key");
			jw_hexbytes(key, i->key_size);
		}
		if (value)
			json_values(i, value, 0);
		if (btf && value) {
			jw_key("formatted");
			jw_obj();
			if (key_tid) {
				jw_key("key");
				typed(key_tid, key, i->key_size);
			}
			json_values(i, value, val_tid);
			jw_end_obj();
		}
		jw_end_obj();
		return;
	}
	if (btf && value) {
		fputs("key: ", stdout);
		if (key_tid)
			typed(key_tid, key, i->key_size);
		else
			print_hex(key, i->key_size);
		for (int c = 0; c < (per_cpu(i->type) ? mb_num_possible_cpus() : 1); c++) {
			if (per_cpu(i->type))
				printf("\nvalue (CPU %02d): ", c);
			else
				fputs("  value: ", stdout);
			typed(val_tid, (const char *)value + c * step, i->value_size);
		}
		putchar('\n');
		return;
	}
	if (!per_cpu(i->type)) {
		int brk = i->key_size > 16 || i->value_size > 16;
		int one = i->key_size + i->value_size <= 24 && !brk;

		if (i->key_size)
			hex_line("key", key, i->key_size, brk ? '\n' : ' ');
		if (value) {
			if (i->key_size)
				fputs(one ? "  " : "\n", stdout);
			hex_line("value", value, i->value_size, brk ? '\n' : ' ');
		}
		putchar('\n');
		return;
	}
	hex_line("key", key, i->key_size, '\n');
	putchar('\n');
	for (int c = 0; c < mb_num_possible_cpus(); c++) {
		printf("value (CPU %02d):%c", c, i->value_size > 16 ? '\n' : ' ');
		print_hex((const char *)value + c * step, i->value_size);
		putchar('\n');
	}
}

static int open_map(int *argc, char ***argv, struct bpf_map_info *info)
{
	int fd = parse_fd(KIND_MAP, argc, argv);

	if (fd < 0)
		return -1;
	if (map_info(fd, info)) {
		mb_close(fd);
		return -1;
	}
	return fd;
}

static int do_dump(int argc, char **argv)
{
	struct bpf_map_info info;
	unsigned char *key, *next, *val;
	int fd = open_map(&argc, &argv, &info), n = 0, err;
	const void *prev = NULL;

	if (fd < 0)
		return -1;
	if (argc) {
		mb_close(fd);
		return usage_err("map");
	}
	btf_load(&info);
	key = calloc(1, info.key_size + 1);
	next = calloc(1, info.key_size + 1);
	val = calloc(1, value_bytes(&info) + 1);
	if (!key || !next || !val) {
		err = cli_err("out of memory");
		goto out;
	}
	if (opt.json)
		jw_arr();
	while (!(err = mb_sys_map_get_next_key(fd, prev, next))) {
		memcpy(key, next, info.key_size);
		prev = key;
		err = mb_sys_map_lookup(fd, key, val, 0);
		if (err == -ENOENT)
			continue;       /* deleted meanwhile */
		if (err) {
			if (!opt.json)
				printf("Error: lookup: %s\n", strerror(-err));
			continue;
		}
		print_entry(&info, key, info.value_size ? val : NULL);
		n++;
	}
	if (opt.json) {
		jw_end_arr();
		jw_done();
	} else {
		printf("Found %d element%s\n", n, n == 1 ? "" : "s");
	}
	err = err == -ENOENT ? 0 : cli_err("get next key: %s", strerror(-err));
out:
	btf_unload();
	free(key);
	free(next);
	free(val);
	mb_close(fd);
	return err;
}

/* Bytes for a key or value: "hex 01 02", "0x01 2 3" (one byte per token) or
 * typed "u32 5" / "u64 5 6" / "s16 -1" (host order, each token one item).
 * Consumes tokens until n bytes are filled. */
static int parse_bytes(int *argc, char ***argv, void *out, uint32_t n, const char *what)
{
	unsigned char *b = out;
	int base = 0, width = 1, sgn = 0;

	if (*argc && is_prefix(**argv, "hex") && strlen(**argv) == 3) {
		base = 16;
		(*argc)--, (*argv)++;
	} else if (*argc && (**argv)[0] && strchr("us", (**argv)[0]) &&
		   strspn(**argv + 1, "0123456789") == strlen(**argv + 1) && (**argv)[1]) {
		int bits = atoi(**argv + 1);

		if (bits != 8 && bits != 16 && bits != 32 && bits != 64)
			return cli_err("%s: type '%s' must be u8/u16/u32/u64 or s8..s64", what, **argv);
		width = bits / 8;
		sgn = (**argv)[0] == 's';
		if (n % width)
			return cli_err("%s: %u bytes is not a whole number of %s", what, n, **argv);
		(*argc)--, (*argv)++;
	}
	for (uint32_t i = 0; i < n; i += width) {
		char *end;
		unsigned long long v;

		if (!*argc)
			return cli_err("%s: %u byte%s expected, got %u", what, n, n == 1 ? "" : "s", i);
		errno = 0;
		v = sgn ? (unsigned long long)strtoll(**argv, &end, 0) : strtoull(**argv, &end, base);
		if (*end || !***argv || errno ||
		    (width < 8 && !sgn && v >> (width * 8)) ||
		    (width < 8 && sgn && ((long long)v < -(1LL << (width * 8 - 1)) ||
					  (long long)v >= 1LL << (width * 8 - 1))))
			return cli_err("%s: can't parse '%s' as %d-byte %s", what, **argv, width,
				       sgn ? "signed integer" : "unsigned integer");
		if (width == 1) b[i] = v;
		else if (width == 2) { uint16_t x = v; memcpy(b + i, &x, 2); }
		else if (width == 4) { uint32_t x = v; memcpy(b + i, &x, 4); }
		else memcpy(b + i, &v, 8);
		(*argc)--, (*argv)++;
	}
	return 0;
}

static int fd_valued(uint32_t t)
{
	return t == BPF_MAP_TYPE_PROG_ARRAY || t == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
	       t == BPF_MAP_TYPE_HASH_OF_MAPS || t == BPF_MAP_TYPE_PERF_EVENT_ARRAY ||
	       t == BPF_MAP_TYPE_SOCKMAP || t == BPF_MAP_TYPE_SOCKHASH ||
	       t == BPF_MAP_TYPE_CGROUP_ARRAY;
}

/* `map OP MAP [key ...] [value ...] [any|exist|noexist]`. */
static int elem_op(int argc, char **argv, char op)
{
	struct bpf_map_info info;
	unsigned char *key = NULL, *val = NULL, *next = NULL;
	int fd = open_map(&argc, &argv, &info), err = -1, has_key = 0, vfd = -1;
	const void *kp;
	uint64_t flags = BPF_ANY;
	uint32_t vb;

	if (fd < 0)
		return -1;
	vb = value_bytes(&info);
	key = calloc(1, info.key_size + 1);
	next = calloc(1, info.key_size + 1);
	val = calloc(1, vb + 1);
	if (!key || !val || !next) {
		cli_err("out of memory");
		goto out;
	}
	while (argc) {
		if (is_prefix(argv[0], "key") && !has_key) {
			argc--, argv++;
			if (parse_bytes(&argc, &argv, key, info.key_size, "key"))
				goto out;
			has_key = 1;
		} else if (is_prefix(argv[0], "value") && op == 'u') {
			argc--, argv++;
			if (fd_valued(info.type) && argc &&
			    (!strcmp(argv[0], "id") || !strcmp(argv[0], "pinned") ||
			     !strcmp(argv[0], "name"))) {
				vfd = parse_fd(info.type == BPF_MAP_TYPE_PROG_ARRAY ? KIND_PROG :
					       KIND_MAP, &argc, &argv);
				if (vfd < 0)
					goto out;
				memcpy(val, &vfd, 4);
			} else if (parse_bytes(&argc, &argv, val, info.value_size, "value")) {
				goto out;
			}
			/* one value for every CPU, as bpftool does */
			for (int c = 1; per_cpu(info.type) && c < mb_num_possible_cpus(); c++)
				memcpy(val + c * ((info.value_size + 7) & ~7u), val, info.value_size);
		} else if (op == 'u' && !strcmp(argv[0], "any")) {
			flags = BPF_ANY, argc--, argv++;
		} else if (op == 'u' && !strcmp(argv[0], "exist")) {
			flags = BPF_EXIST, argc--, argv++;
		} else if (op == 'u' && !strcmp(argv[0], "noexist")) {
			flags = BPF_NOEXIST, argc--, argv++;
		} else {
			usage_err("map");
			goto out;
		}
	}
	if (!has_key && op != 'n' && info.key_size) {
		cli_err("'key' expected");
		goto out;
	}
	kp = info.key_size ? key : NULL;   /* queue/stack: no key at all */
	switch (op) {
	case 'l':
	case 'p':
		btf_load(&info);
		err = op == 'p' ? mb_sys_map_lookup_and_delete(fd, kp, val) :
				  mb_sys_map_lookup(fd, kp, val, 0);
		if (err == -ENOENT) {
			cli_err(info.key_size ? "key not found" : "the map is empty");
			goto out;
		}
		if (!err)
			print_entry(&info, key, val);
		break;
	case 'u':
		err = mb_sys_map_update(fd, kp, val, flags);
		break;
	case 'd':
		err = mb_sys_map_delete(fd, kp);
		break;
	case 'n':
		err = mb_sys_map_get_next_key(fd, has_key ? key : NULL, next);
		if (err == -ENOENT) {
			cli_err("no next key");
			goto out;
		}
		if (err)
			break;
		if (opt.json) {
			jw_obj();
			jw_key("key");
			if (has_key)
				jw_hexbytes(key, info.key_size);
			else
				jw_null();
			jw_key("next_key");
			jw_hexbytes(next, info.key_size);
			jw_end_obj();
		} else {
			if (has_key)
				hex_line("key", key, info.key_size, '\n');
			else
				printf("key: None");
			hex_line("\nnext key", next, info.key_size, '\n');
			putchar('\n');
		}
		break;
	}
	if (err) {
		cli_err("%s failed: %s", op == 'l' ? "lookup" : op == 'u' ? "update" :
			op == 'd' ? "delete" : op == 'p' ? "pop" : "get next key", strerror(-err));
		err = -1;
	} else if (opt.json && (op == 'l' || op == 'n' || op == 'p')) {
		jw_done();
	}
out:
	btf_unload();
	mb_close(vfd);
	free(key);
	free(val);
	free(next);
	mb_close(fd);
	return err;
}

static int do_lookup(int argc, char **argv) { return elem_op(argc, argv, 'l'); }
static int do_update(int argc, char **argv) { return elem_op(argc, argv, 'u'); }
static int do_delete(int argc, char **argv) { return elem_op(argc, argv, 'd'); }
#if MB_EXTRA_CMDS     /* map getnext/freeze/create, the queue and stack ops */
static int do_getnext(int argc, char **argv) { return elem_op(argc, argv, 'n'); }
static int do_pop(int argc, char **argv) { return elem_op(argc, argv, 'p'); }
#endif

static int do_pin(int argc, char **argv) { return pin_obj(KIND_MAP, argc, argv, "map"); }

#if MB_EXTRA_CMDS
static int do_freeze(int argc, char **argv)
{
	int fd = parse_only_fd(KIND_MAP, argc, argv, "map"), err;

	if (fd < 0)
		return -1;
	err = mb_sys_map_freeze(fd);
	mb_close(fd);
	return err ? cli_err("freeze: %s", strerror(-err)) : 0;
}

static int do_create(int argc, char **argv)
{
	struct mb_map_create_args a = { .inner_map_fd = -1 };
	const char *file;
	int fd, err, have = 0;

	if (next_arg(&argc, &argv, &file, "FILE"))
		return -1;
	while (argc) {
		const char *k = argv[0], *v = argc > 1 ? argv[1] : NULL;
		char *end = (char *)"";
		unsigned long n = 0;

		if (!v)
			return usage_err("map");
		if (is_prefix(k, "inner_map")) {
			argc--, argv++;
			mb_close(a.inner_map_fd);
			a.inner_map_fd = parse_fd(KIND_MAP, &argc, &argv);
			if (a.inner_map_fd < 0)
				return -1;
			continue;
		}
		if (!is_prefix(k, "type") && !is_prefix(k, "name")) {
			n = strtoul(v, &end, 0);
			if (*end || !*v) {
				mb_close(a.inner_map_fd);
				return cli_err("can't parse %s '%s'", k, v);
			}
		}
		if (is_prefix(k, "type")) {
			int t = name_lookup(MB_ENUM_MAP_TYPE, v);

			if (t < 0) {
				mb_close(a.inner_map_fd);
				return cli_err("unknown map type '%s'", v);
			}
			a.map_type = t, have |= 1;
		} else if (is_prefix(k, "key")) {
			a.key_size = n, have |= 2;
		} else if (is_prefix(k, "value")) {
			a.value_size = n, have |= 4;
		} else if (is_prefix(k, "entries")) {
			a.max_entries = n, have |= 8;
		} else if (is_prefix(k, "name")) {
			a.name = v, have |= 16;
		} else if (is_prefix(k, "flags")) {
			a.map_flags = n;
		} else {
			mb_close(a.inner_map_fd);
			return usage_err("map");
		}
		argc -= 2, argv += 2;
	}
	if ((have & 31) != 31) {
		mb_close(a.inner_map_fd);
		return cli_err("map create needs type, key, value, entries and name");
	}
	fd = mb_sys_map_create(&a);
	mb_close(a.inner_map_fd);
	if (fd < 0)
		return cli_err("map create: %s", strerror(-fd));
	sweep_beside(file);
	err = mb_sys_obj_pin(fd, file);
	mb_close(fd);
	return err ? cli_err("pin at '%s': %s", file, strerror(-err)) : 0;
}
#endif /* MB_EXTRA_CMDS */

static const char help[] =
	"Usage: minibpf map { show | list } [MAP]\n"
#if MB_EXTRA_CMDS
	"       minibpf map create FILE type TYPE key KEY_SIZE value VALUE_SIZE \\\n"
	"                   entries MAX_ENTRIES name NAME [flags FLAGS] [inner_map MAP]\n"
#endif
	"       minibpf map dump MAP\n"
	"       minibpf map update MAP [key DATA] [value VALUE] [UPDATE_FLAGS]\n"
	"       minibpf map lookup MAP [key DATA]\n"
#if MB_EXTRA_CMDS
	"       minibpf map getnext MAP [key DATA]\n"
#endif
	"       minibpf map delete MAP key DATA\n"
	"       minibpf map pin MAP FILE\n"
#if MB_EXTRA_CMDS
	"       minibpf map freeze MAP\n"
	"       minibpf map { push | enqueue } MAP value VALUE\n"
	"       minibpf map { pop | dequeue | peek } MAP\n"
#endif
	"       minibpf map event_pipe MAP [cpu N index M] [--type NAME [--obj FILE]]\n"
	"       minibpf map help\n"
	"  MAP := { id MAP_ID | pinned FILE | name MAP_NAME }\n"
	"  DATA := { [hex] BYTES | {u8|u16|u32|u64|s8|s16|s32|s64} NUMBERS }\n"
	"  VALUE := { DATA | MAP | PROG }\n"
	"  UPDATE_FLAGS := { any | exist | noexist }\n";

static const struct cmd cmds[] = {
	{ "show", do_show },
	{ "list", do_show },
	{ "help", NULL },
	{ "dump", do_dump },
	{ "update", do_update },
	{ "lookup", do_lookup },
	{ "delete", do_delete },
	{ "pin", do_pin },
#if MB_EXTRA_CMDS
	{ "getnext", do_getnext },
	{ "create", do_create },
	{ "freeze", do_freeze },
	{ "push", do_update },
	{ "enqueue", do_update },
	{ "pop", do_pop },
	{ "dequeue", do_pop },
	{ "peek", do_lookup },
#endif
#if MB_EVENTS
	{ "event_pipe", do_map_event_pipe },
#endif
	{ 0 }
};

int do_map(int argc, char **argv)
{
	return cmd_select(cmds, argc, argv, "map", help);
}

#endif /* MB_CMD_map */
