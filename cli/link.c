/* minibpf link: show, pin, detach. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#if MB_CMD_link      /* the whole file (include/mb_config.h) */

/* struct bpf_link_info with the per-type union as raw words: the 6.1 header
 * lacks the newer members (perf_event 6.6, tcx 6.6, netkit 6.7, sockmap 6.10),
 * and their layouts are kernel ABI. */
struct link_info {
	uint32_t type, id, prog_id, pad;
	union {
		uint64_t q[24];
		uint32_t w[48];
	} u;
};

enum { PE_UPROBE = 1, PE_URETPROBE, PE_KPROBE, PE_KRETPROBE, PE_TRACEPOINT, PE_EVENT };

static int get_info(int fd, struct link_info *li, char *name, uint32_t nlen)
{
	uint32_t len = sizeof(*li), t;

	memset(li, 0, sizeof(*li));
	if (mb_sys_obj_get_info_by_fd(fd, li, &len))
		return -1;
	t = li->type;
	name[0] = 0;
	/* Second call with a buffer for the name the type carries. */
	if (t == BPF_LINK_TYPE_RAW_TRACEPOINT || t == BPF_LINK_TYPE_ITER) {
		memset(&li->u, 0, sizeof(li->u));
		li->u.q[0] = mb_ptr(name);
		li->u.w[2] = nlen;
	} else if (t == BPF_LINK_TYPE_PERF_EVENT && li->u.w[0] != PE_EVENT) {
		uint32_t pt = li->u.w[0];

		memset(&li->u, 0, sizeof(li->u));
		li->u.w[0] = pt;
		li->u.q[1] = mb_ptr(name);
		li->u.w[4] = nlen;
	} else {
		return 0;
	}
	len = sizeof(*li);
	if (mb_sys_obj_get_info_by_fd(fd, li, &len))
		return -1;
	name[nlen - 1] = 0;
	return 0;
}

/* Detail fields: json key or plain "key value  ". */
static void field_u(const char *k, uint64_t v)
{
	if (opt.json)
		jw_ku(k, v);
	else
		printf("%s %llu  ", k, (unsigned long long)v);
}

static void field_s(const char *k, const char *s)
{
	if (opt.json)
		jw_ks(k, s);
	else
		printf("%s '%s'  ", k, s);
}

static void kv_attach(uint32_t at)
{
	kv_type("attach_type", "attach_type %s  ", MB_ENUM_ATTACH_TYPE, at);
}

/* Before 6.6 the kernel fills in no perf_event details (its perf link has no
 * fill_link_info, the union stays zero): the program's type still says which
 * kind of event the link holds. */
static const char *pe_kind_of_prog(uint32_t prog_id)
{
	struct bpf_prog_info pi;
	uint32_t len = sizeof(pi);
	int fd = mb_sys_get_fd_by_id(BPF_PROG_GET_FD_BY_ID, prog_id), err;

	if (fd < 0)
		return "unknown";
	memset(&pi, 0, sizeof(pi));
	err = mb_sys_obj_get_info_by_fd(fd, &pi, &len);
	mb_close(fd);
	if (err)
		return "unknown";
	switch (pi.type) {
	case BPF_PROG_TYPE_TRACEPOINT: return "tracepoint";
	case BPF_PROG_TYPE_PERF_EVENT: return "event";
	case BPF_PROG_TYPE_KPROBE: return "kprobe|uprobe";
	}
	return "unknown";
}

static void show_one(int fd)
{
	static const char *const pe_names[] = { "unspec", "uprobe", "uretprobe", "kprobe",
						"kretprobe", "tracepoint", "event" };
	struct link_info li;
	char name[256];
	uint32_t *w;

	if (get_info(fd, &li, name, sizeof(name))) {
		cli_err("can't get link info: %s", strerror(errno));
		return;
	}
	w = li.u.w;
	if (opt.json)
		jw_obj();
	kv_u("id", "%llu: ", li.id);
	kv_type("type", "%s  ", MB_ENUM_LINK_TYPE, li.type);
	kv_u("prog_id", "prog %llu\n\t", li.prog_id);
	switch (li.type) {
	case BPF_LINK_TYPE_RAW_TRACEPOINT:
		field_s("tp", name);
		break;
	case BPF_LINK_TYPE_ITER:
		field_s("target_name", name);
		break;
	case BPF_LINK_TYPE_TRACING:
		kv_attach(w[0]);
		field_u("target_obj_id", w[1]);
		field_u("target_btf_id", w[2]);
		break;
	case BPF_LINK_TYPE_CGROUP:
		field_u("cgroup_id", li.u.q[0]);
		kv_attach(w[2]);
		break;
	case BPF_LINK_TYPE_NETNS:
		field_u("netns_ino", w[0]);
		kv_attach(w[1]);
		break;
	case BPF_LINK_TYPE_XDP:
		field_u("ifindex", w[0]);
		break;
	case 11: /* tcx */
	case 13: /* netkit */
		field_u("ifindex", w[0]);
		kv_attach(w[1]);
		break;
	case 14: /* sockmap */
		field_u("map_id", w[0]);
		kv_attach(w[1]);
		break;
	case 10: /* netfilter */
		field_u("pf", w[0]);
		field_u("hook", w[1]);
		field_u("prio", (int32_t)w[2]);
		field_u("flags", w[3]);
		break;
	case BPF_LINK_TYPE_KPROBE_MULTI:
		field_u("func_cnt", w[2]);
		break;
	case 12: /* uprobe_multi */
		field_u("func_cnt", w[9]);
		field_u("pid", w[11]);
		break;
	case BPF_LINK_TYPE_PERF_EVENT:
		if (!w[0]) {
			field_s("event_type", pe_kind_of_prog(li.prog_id));
			if (!opt.json)
				printf("(from the program type: this kernel reports no details, 6.6 does)");
		} else if (w[0] < 7) {
			field_s("event_type", pe_names[w[0]]);
		}
		if (w[0] == PE_TRACEPOINT) {
			field_s("tracepoint", name);
		} else if (w[0] == PE_UPROBE || w[0] == PE_URETPROBE) {
			field_s("file", name);
			field_u("offset", w[5]);
		} else if (w[0] == PE_KPROBE || w[0] == PE_KRETPROBE) {
			field_s("func", name);
			field_u("offset", w[5]);
			field_u("missed", li.u.q[4]);
		} else if (w[0] == PE_EVENT) {
			field_u("event_config", li.u.q[1]);
			field_u("event_type_id", w[4]);
		}
		break;
	}
	if (opt.json)
		jw_end_obj();
	else
		putchar('\n');
}

static int do_show(int argc, char **argv)
{
	return show_objs(KIND_LINK, argc, argv, show_one, "link");
}

static int do_pin(int argc, char **argv) { return pin_obj(KIND_LINK, argc, argv, "link"); }

static int do_detach(int argc, char **argv)
{
	int fd = parse_only_fd(KIND_LINK, argc, argv, "link"), err;

	if (fd < 0)
		return -1;
	err = mb_sys_link_detach(fd);
	mb_close(fd);
	return err ? cli_err("detach: %s", strerror(-err)) : 0;
}

static const char help[] =
	"Usage: minibpf link { show | list } [LINK]\n"
	"       minibpf link pin LINK FILE\n"
	"       minibpf link detach LINK\n"
	"       minibpf link help\n"
	"  LINK := { id LINK_ID | pinned FILE }\n";

static const struct cmd cmds[] = {
	{ "show", do_show },
	{ "list", do_show },
	{ "help", NULL },
	{ "pin", do_pin },
	{ "detach", do_detach },
	{ 0 }
};

int do_link(int argc, char **argv)
{
	return cmd_select(cmds, argc, argv, "link", help);
}

#endif /* MB_CMD_link */
