/* minibpf struct_ops: register, show/list, dump, unregister, as bpftool. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "minibpf.h"
#include "btf/btf.h"
#include "cli/cli.h"

#if MB_CMD_struct_ops      /* the whole file (include/mb_config.h) */

#define PFX "bpf_struct_ops_"

static struct mb_btf *kbtf;

/* The kernel's BTF (--btf FILE or /sys/kernel/btf/vmlinux), read once:
 * it names a map's struct_ops type and prints its value. */
static struct mb_btf *kern_btf(void)
{
	const char *path = opt.btf_path ? opt.btf_path : "/sys/kernel/btf/vmlinux";
	char err[128];
	uint32_t size;
	void *buf;

	if (kbtf)
		return kbtf;
	buf = read_file(path, &size);
	if (!buf)
		return NULL;
	kbtf = mb_btf_open(buf, size, err, sizeof(err));
	if (!kbtf) {
		free(buf);
		cli_err("kernel BTF %s: %s", path, err);
		return NULL;
	}
	mb_btf_adopt(kbtf, buf);
	return kbtf;
}

/* "tcp_congestion_ops" for a map whose value is bpf_struct_ops_tcp_congestion_ops. */
static const char *kern_name(const struct bpf_map_info *mi)
{
	struct mb_btf *kb = kern_btf();
	const struct mb_btf_type *t = kb ? mb_btf_type_by_id(kb, mi->btf_vmlinux_value_type_id) : NULL;
	const char *n = t ? mb_btf_str(kb, t->name_off) : "";

	return strncmp(n, PFX, sizeof(PFX) - 1) ? "?" : n + sizeof(PFX) - 1;
}

/* FN on FD if it is a struct_ops map (closes FD); -1 if FN failed. */
static int one(int fd, int (*fn)(int fd, const struct bpf_map_info *mi), int *found)
{
	struct bpf_map_info mi;
	int ret = 0;

	if (!obj_info(fd, &mi, sizeof(mi)) && mi.type == BPF_MAP_TYPE_STRUCT_OPS) {
		++*found;
		ret = fn(fd, &mi);
	}
	mb_close(fd);
	return ret ? -1 : 0;
}

/* FN on each struct_ops map that `[id ID | name NAME | pinned FILE]`
 * selects (all without one); an error if a selector matches none. */
static int each(int argc, char **argv, int need, int (*fn)(int fd, const struct bpf_map_info *mi))
{
	int fds[64], n, i, found = 0, ret = 0;
	uint32_t id = 0;

	if (!argc && !need) {
		while (!mb_sys_get_next_id(BPF_MAP_GET_NEXT_ID, id, &id))
			if ((i = mb_sys_get_fd_by_id(BPF_MAP_GET_FD_BY_ID, id)) >= 0)
				ret |= one(i, fn, &found);
		return ret;
	}
	n = parse_fds(KIND_MAP, &argc, &argv, fds, 64);
	if (n < 0)
		return -1;
	if (argc) {
		close_fds(fds, n);
		return cli_err("unexpected '%s'", argv[0]);
	}
	for (i = 0; i < n; i++)
		ret |= one(fds[i], fn, &found);
	return found ? ret : cli_err("no struct_ops map matches");
}

static void head(const struct bpf_map_info *mi)
{
	if (opt.json) {
		jw_ku("id", mi->id);
		jw_ks("name", mi->name);
		jw_ks("kernel_struct_ops", kern_name(mi));
	} else {
		printf("%u: %-15s %-32s\n", mi->id, mi->name, kern_name(mi));
	}
}

static int show_one(int fd, const struct bpf_map_info *mi)
{
	(void)fd;
	if (opt.json)
		jw_obj();
	head(mi);
	if (opt.json)
		jw_end_obj();
	return 0;
}

/* The value (bpf_struct_ops_<name>: its state, refcount and the struct, the
 * function pointers holding program ids) by member name. */
static int dump_one(int fd, const struct bpf_map_info *mi)
{
	uint32_t zero = 0;
	void *v = calloc(1, mi->value_size ? mi->value_size : 1);
	int err = v ? mb_sys_map_lookup(fd, &zero, v, 0) : -ENOMEM;

	if (err) {
		free(v);
		return cli_err("struct_ops map %u (%s): lookup: %s", mi->id, mi->name, strerror(-err));
	}
	if (opt.json) {
		jw_obj();
		head(mi);
		jw_key("value");
		jw_raw();
		if (!kern_btf() || mb_btf_dump_value(kbtf, mi->btf_vmlinux_value_type_id, v,
						      mi->value_size, stdout, 1))
			fputs("null", stdout);
		jw_end_obj();
	} else {
		head(mi);
		if (!kern_btf() || mb_btf_dump_value(kbtf, mi->btf_vmlinux_value_type_id, v,
						      mi->value_size, stdout, 0))
			print_hex(v, mi->value_size);
		printf("\n");
	}
	free(v);
	return 0;
}

static int list(int argc, char **argv, int (*fn)(int, const struct bpf_map_info *))
{
	int ret;

	if (opt.json)
		jw_arr();
	ret = each(argc, argv, 0, fn);
	if (opt.json) {
		jw_end_arr();
		jw_done();
	}
	return ret;
}

static int do_show(int argc, char **argv) { return list(argc, argv, show_one); }
static int do_dump(int argc, char **argv) { return list(argc, argv, dump_one); }

/* A .struct_ops.link map: detach every link that registers it (a pin of
 * the link stays, defunct, until removed). A .struct_ops map: delete key 0. */
static int unregister_one(int fd, const struct bpf_map_info *mi)
{
	uint32_t id = 0, zero = 0, w[32], len;
	int lfd, n = 0, err = 0;

	if (!(mi->map_flags & MB_BPF_F_LINK)) {
		err = mb_sys_map_delete(fd, &zero);
		if (err)
			return cli_err("unregister struct_ops map %u (%s): %s%s", mi->id, mi->name,
				       strerror(-err), err == -ENOENT ? " (not registered)" : "");
	}
	while ((mi->map_flags & MB_BPF_F_LINK) && !mb_sys_get_next_id(BPF_LINK_GET_NEXT_ID, id, &id)) {
		lfd = mb_sys_get_fd_by_id(BPF_LINK_GET_FD_BY_ID, id);
		if (lfd < 0)
			continue;
		/* bpf_link_info: type, id, prog_id, pad, then struct_ops.map_id (6.4) */
		memset(w, 0, sizeof(w));
		len = sizeof(w);
		if (!mb_sys_obj_get_info_by_fd(lfd, w, &len) && w[0] == BPF_LINK_TYPE_STRUCT_OPS &&
		    w[4] == mi->id) {
			err = mb_sys_link_detach(lfd);
			if (err)
				cli_err("unregister struct_ops map %u (%s): detaching link %u: %s", mi->id,
					mi->name, id, strerror(-err));
			n += !err;
		}
		mb_close(lfd);
	}
	if ((mi->map_flags & MB_BPF_F_LINK) && !n)
		return err ? -1 : cli_err("unregister struct_ops map %u (%s): no link registers it",
					  mi->id, mi->name);
	if (!opt.json)
		fprintf(stderr, "Unregistered %s %s id %u\n", kern_name(mi), mi->name, mi->id);
	return 0;
}

static int do_unregister(int argc, char **argv)
{
	int ret = each(argc, argv, 1, unregister_one);

	if (opt.json && !ret) {
		jw_null();
		jw_done();
	}
	return ret;
}

/* Register one map; a link goes to LINKDIR/NAME when given. Without it the
 * link fd is closed at exit, which unregisters the map again: bpftool does
 * the same (a note says so). */
static int register_one(struct mb_map *m, const char *linkdir)
{
	struct bpf_map_info mi;
	struct mb_link *l = mb_map_attach_struct_ops(m);
	char path[4096];
	int link = mb_map_type(m) == BPF_MAP_TYPE_STRUCT_OPS && l && mb_link_fd(l) >= 0;

	if (!l)
		return cli_err("register '%s': %s", mb_map_name(m), mb_last_error());
	if (obj_info(mb_map_fd(m), &mi, sizeof(mi))) {
		mb_link_destroy(l);
		return -1;
	}
	if (link && linkdir) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", linkdir, mb_map_name(m)) >= sizeof(path) ||
		    mb_link_pin(l, path)) {
			cli_err("register '%s': pin link at %s/%s: %s", mb_map_name(m), linkdir,
				mb_map_name(m), mb_last_error());
			mb_link_destroy(l);
			return -1;
		}
	} else if (link) {
		fprintf(stderr, "Note: '%s' is a .struct_ops.link map and no LINK_DIR was given: "
			"its link closes when minibpf exits, which unregisters it\n", mb_map_name(m));
	}
	if (!opt.json)
		fprintf(stderr, "Registered %s %s id %u\n", kern_name(&mi), mi.name, mi.id);
	mb_link_disconnect(l);
	mb_link_destroy(l);
	return 0;
}

static int do_register(int argc, char **argv)
{
	struct mb_open_opts oo = { .sz = sizeof(oo), .log_level = opt.debug ? 1 : 0,
				   .btf_path = opt.btf_path };
	const char *file, *linkdir = NULL;
	struct mb_object *obj;
	int i, n = 0, ret = 0;

	if (next_arg(&argc, &argv, &file, "OBJ"))
		return -1;
	if (argc)
		next_arg(&argc, &argv, &linkdir, "LINK_DIR");
	if (argc)
		return cli_err("unexpected '%s'", argv[0]);
	obj = mb_object_open(file, &oo);
	if (!obj)
		return cli_err("open '%s': %s", file, mb_last_error());
	if (mb_object_load(obj)) {
		ret = cli_err("load '%s': %s", file, mb_last_error());
		goto out;
	}
	if (linkdir && mkdir(linkdir, 0700) && errno != EEXIST) {
		ret = cli_err("mkdir '%s': %s", linkdir, strerror(errno));
		goto out;
	}
	for (i = 0; i < mb_object_map_count(obj); i++) {
		struct mb_map *m = mb_object_map(obj, i);

		if (mb_map_type(m) != BPF_MAP_TYPE_STRUCT_OPS)
			continue;
		n++;
		if (register_one(m, linkdir))
			ret = -1;
	}
	if (!n)
		ret = cli_err("'%s' has no struct_ops map (SEC(\".struct_ops\") or SEC(\".struct_ops.link\"))",
			      file);
	if (opt.json && !ret) {
		jw_null();
		jw_done();
	}
out:
	mb_object_close(obj);
	return ret;
}

static const char help[] =
	"Usage: minibpf struct_ops { show | list } [STRUCT_OPS_MAP]\n"
	"       minibpf struct_ops dump [STRUCT_OPS_MAP]\n"
	"       minibpf struct_ops register OBJ [LINK_DIR]\n"
	"       minibpf struct_ops unregister STRUCT_OPS_MAP\n"
	"       minibpf struct_ops help\n"
	"  STRUCT_OPS_MAP := { id STRUCT_OPS_MAP_ID | name STRUCT_OPS_MAP_NAME | pinned FILE }\n";

static const struct cmd cmds[] = {
	{ "help", NULL },
	{ "show", do_show },
	{ "list", do_show },
	{ "dump", do_dump },
	{ "register", do_register },
	{ "unregister", do_unregister },
	{ 0 }
};

int do_struct_ops(int argc, char **argv)
{
	int ret = cmd_select(cmds, argc, argv, "struct_ops", help);

	mb_btf_free(kbtf);
	kbtf = NULL;
	return ret;
}

#endif /* MB_CMD_struct_ops */
