/* minibpf feature probe: which program types, map types and helpers this
 * kernel has. Every program probe is built to be REJECTED by the verifier
 * (it reads an uninitialised register after the interesting part), so no
 * probe is ever JIT-compiled and freed: probing hundreds of helpers does not
 * churn JIT memory (see the hazard in ARCHITECTURE.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#if MB_CMD_feature      /* the whole file (include/mb_config.h) */

static char vlog[4096];

/* Load "[call helper;] r0 = r6; exit" as TYPE. 1 if the kernel knew the type
 * (and helper), 0 if not. */
static int probe_load(uint32_t type, int helper)
{
	struct bpf_insn insns[3] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = helper },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 0, .src_reg = 6 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct mb_prog_load_args a = {
		.prog_type = type, .insns = helper >= 0 ? insns : insns + 1,
		.insn_cnt = helper >= 0 ? 3 : 2, .license = "GPL",
		.log_level = 1, .log_buf = vlog, .log_size = sizeof(vlog),
	};
	int fd;

	/* The attach types some program types insist on. */
	if (type == BPF_PROG_TYPE_CGROUP_SOCK_ADDR)
		a.expected_attach_type = BPF_CGROUP_INET4_CONNECT;
	else if (type == BPF_PROG_TYPE_CGROUP_SOCKOPT)
		a.expected_attach_type = BPF_CGROUP_GETSOCKOPT;
	else if (type == BPF_PROG_TYPE_SK_LOOKUP)
		a.expected_attach_type = BPF_SK_LOOKUP;
	else if (type == MB_BPF_PROG_TYPE_NETFILTER)
		a.expected_attach_type = MB_BPF_NETFILTER;
	else if (type == BPF_PROG_TYPE_SYSCALL)
		a.prog_flags = BPF_F_SLEEPABLE;
	vlog[0] = 0;
	fd = mb_sys_prog_load(&a);
	if (fd >= 0) {          /* should not happen; keep the result anyway */
		mb_close(fd);
		return 1;
	}
	if (helper >= 0)
		return !mb_str_find(vlog, "invalid func") && !mb_str_find(vlog, "unknown func") &&
		       !mb_str_find(vlog, "cannot use helper") && !mb_str_find(vlog, "unknown opcode");
	/* Unknown types fail with EINVAL before the verifier writes a word. */
	return fd != -EINVAL || vlog[0];
}

/* A tiny BTF blob with one type, `int`, for maps that need BTF key/value. */
static int int_btf(void)
{
	static const uint32_t blob[] = {
		0x0001eb9f, 24, 0, 16, 16, 5,          /* magic/version/flags, hdr_len, types, strings */
		1, 1u << 24, 4, 32,                    /* [1] INT 'int' size 4, 32 bits */
		0x746e6900, 0,                         /* "\0int\0" (little-endian words) */
	};
	uint32_t le = 1;
	char *log = NULL;
	int fd;

	if (!*(char *)&le)
		return -1;        /* the blob above is little-endian; skip on big-endian */
	fd = mb_sys_btf_load(blob, 24 + 16 + 5, &log);
	free(log);
	return fd;
}

static int probe_map(uint32_t type, int btf_fd)
{
	struct mb_map_create_args a = { .map_type = type, .key_size = 4, .value_size = 4,
					.max_entries = 1, .inner_map_fd = -1, .name = "probe" };
	struct mb_map_create_args inner = a;
	int fd;

	switch (type) {
	case BPF_MAP_TYPE_STACK_TRACE:
		a.value_size = 8;
		break;
	case BPF_MAP_TYPE_LPM_TRIE:
		a.key_size = 8;
		a.map_flags = BPF_F_NO_PREALLOC;
		break;
	case BPF_MAP_TYPE_CGROUP_STORAGE:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		a.key_size = sizeof(struct bpf_cgroup_storage_key);
		a.max_entries = 0;
		break;
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_BLOOM_FILTER:
		a.key_size = 0;
		break;
	case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_USER_RINGBUF:
		a.key_size = a.value_size = 0;
		a.max_entries = 4096;
		break;
	case MB_BPF_MAP_TYPE_ARENA:
		a.key_size = a.value_size = 0;
		a.map_flags = BPF_F_MMAPABLE;
		break;
	case BPF_MAP_TYPE_SK_STORAGE:
	case BPF_MAP_TYPE_INODE_STORAGE:
	case BPF_MAP_TYPE_TASK_STORAGE:
	case MB_BPF_MAP_TYPE_CGRP_STORAGE:
		a.max_entries = 0;
		a.map_flags = BPF_F_NO_PREALLOC;
		a.btf_fd = btf_fd > 0 ? btf_fd : 0;
		a.btf_key_type_id = a.btf_value_type_id = 1;
		break;
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		inner.map_type = BPF_MAP_TYPE_ARRAY;
		a.inner_map_fd = mb_sys_map_create(&inner);
		break;
	case BPF_MAP_TYPE_STRUCT_OPS:
		return -1;   /* needs a kernel struct's BTF: not probed */
	}
	fd = mb_sys_map_create(&a);
	mb_close(a.inner_map_fd);
	if (fd >= 0) {
		mb_close(fd);
		return 1;
	}
	return fd == -EINVAL || fd == -EOPNOTSUPP ? 0 : -1;
}

static void section(const char *json_name, const char *title)
{
	if (opt.json) {
		jw_key(json_name);
		jw_obj();
	} else {
		printf("%s\n", title);
	}
}

static void result(const char *kind, const char *name, int ok)
{
	char key[96];

	if (opt.json) {
		snprintf(key, sizeof(key), "have_%s_%s_type", name, kind);
		jw_kb(key, ok > 0);
	} else {
		printf("eBPF %s_type %s is %s\n", kind, name,
		       ok > 0 ? "available" : ok < 0 ? "not probed" : "NOT available");
	}
}

static int do_probe(int argc, char **argv)
{
	int helper_type = -1, btf_fd;

	/* `probe [kernel] [helpers [PROG_TYPE]]` */
	if (argc && is_prefix(argv[0], "kernel"))
		argc--, argv++;
	if (argc && is_prefix(argv[0], "helpers")) {
		helper_type = BPF_PROG_TYPE_TRACEPOINT;
		argc--, argv++;
		if (argc) {
			helper_type = name_lookup(MB_ENUM_PROG_TYPE, argv[0]);
			if (helper_type < 0)
				return cli_err("unknown program type '%s'", argv[0]);
			argc--, argv++;
		}
	}
	if (argc)
		return cli_err("usage: minibpf feature probe [kernel] [helpers [PROG_TYPE]]");
	if (opt.json)
		jw_obj();
	section("program_types", "Scanning eBPF program types...");
	for (uint32_t t = 1; t < MB_BPF_PROG_TYPE_MAX; t++)
		result("prog", prog_type_name(t), probe_load(t, -1));
	if (opt.json)
		jw_end_obj();
	else
		putchar('\n');

	btf_fd = int_btf();
	section("map_types", "Scanning eBPF map types...");
	for (uint32_t t = 1; t < MB_BPF_MAP_TYPE_MAX; t++)
		result("map", map_type_name(t), probe_map(t, btf_fd));
	mb_close(btf_fd);
	if (opt.json)
		jw_end_obj();

	if (helper_type >= 0) {
		/* One rejected load per helper id, for one program type only. */
		char key[96];
		int n = 0;

		snprintf(key, sizeof(key), "%s_available_helpers", prog_type_name(helper_type));
		if (opt.json) {
			jw_key("helpers");
			jw_obj();
			jw_key(key);
			jw_arr();
		} else {
			printf("\neBPF helpers supported for program type %s:",
			       prog_type_name(helper_type));
		}
		for (int h = 1; helper_name(h); h++) {
			if (!probe_load(helper_type, h))
				continue;
			n++;
			if (opt.json)
				jw_str(helper_name(h));
			else
				printf("\n\t- %s", helper_name(h));
		}
		if (opt.json) {
			jw_end_arr();
			jw_end_obj();
		} else {
			printf("\n(%d helpers; ids beyond this build's UAPI header not probed)\n", n);
		}
	}
	if (opt.json) {
		jw_end_obj();
		jw_done();
	}
	return 0;
}

static const char help[] =
	"Usage: minibpf feature probe [kernel] [helpers [PROG_TYPE]]\n"
	"       minibpf feature help\n"
	"  Program and map types are always probed (no probe program is ever\n"
	"  accepted by the verifier, so nothing is JIT-compiled); helpers only when\n"
	"  asked, for one program type (default tracepoint), one load per helper.\n";

static const struct cmd cmds[] = {
	{ "help", NULL },
	{ "probe", do_probe },
	{ 0 }
};

int do_feature(int argc, char **argv)
{
	return cmd_select(cmds, argc, argv, "feature", help);
}

#endif /* MB_CMD_feature */
