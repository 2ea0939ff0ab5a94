/* Build options: what this build of minibpf contains. Each is 1 (built in)
 * unless the build says otherwise: `make MB_TRACE=0 ...` passes -DMB_TRACE=0,
 * and the code it guards is then not compiled at all (see `make help`,
 * README "Build options"). `minibpf version` prints the list. Every layer
 * may read this file; it includes nothing. */
#ifndef MB_CONFIG_H
#define MB_CONFIG_H

#ifndef MB_TRACE         /* --trace: the strace-like decoder of every syscall */
#define MB_TRACE 1
#endif
#ifndef MB_DISASM        /* prog dump xlated, check's listings: the disassembler */
#define MB_DISASM 1
#endif
#ifndef MB_JSON          /* -j/--json and -p/--pretty output */
#define MB_JSON 1
#endif
#ifndef MB_BTF_DUMP      /* map dump by BTF type, btf dump format c */
#define MB_BTF_DUMP 1
#endif
#ifndef MB_CORE          /* CO-RE relocations and everything that reads kernel BTF */
#define MB_CORE 1
#endif
#ifndef MB_FEATURE       /* feature probe */
#define MB_FEATURE 1
#endif
#ifndef MB_CONFIG_GZ     /* the DEFLATE decoder: /proc/config.gz, gzip'd --btf */
#define MB_CONFIG_GZ 1
#endif
#ifndef MB_NET           /* netlink: XDP and tc attach by netlink, net show */
#define MB_NET 1
#endif
#ifndef MB_EVENTS        /* ring and perf buffer readers, map event_pipe */
#define MB_EVENTS 1
#endif
#ifndef MB_UPROBE        /* uprobe attach and its reader of the probed binary */
#define MB_UPROBE 1
#endif
#ifndef MB_EXTERN        /* externs: .kconfig values, .ksyms, kfunc calls */
#define MB_EXTERN 1
#endif
#ifndef MB_EXTRA_CMDS    /* the CLI's hand tools: prog dump/run/attach/detach,
			    map create/freeze/getnext and the queue/stack ops */
#define MB_EXTRA_CMDS 1
#endif

/* The CLI's top-level objects (make MB_CMDS="prog map link"). */
#ifndef MB_CMD_prog
#define MB_CMD_prog 1
#endif
#ifndef MB_CMD_map
#define MB_CMD_map 1
#endif
#ifndef MB_CMD_link
#define MB_CMD_link 1
#endif
#ifndef MB_CMD_struct_ops
#define MB_CMD_struct_ops 1
#endif
#ifndef MB_CMD_btf
#define MB_CMD_btf 1
#endif
#ifndef MB_CMD_net
#define MB_CMD_net 1
#endif
#ifndef MB_CMD_cgroup
#define MB_CMD_cgroup 1
#endif
#ifndef MB_CMD_feature
#define MB_CMD_feature 1
#endif
#ifndef MB_CMD_obj
#define MB_CMD_obj 1
#endif
#ifndef MB_CMD_check
#define MB_CMD_check 1
#endif
#ifndef MB_CMD_gen
#define MB_CMD_gen 1
#endif

/* Objects that cannot work without an option. */
#if !MB_NET
#undef MB_CMD_net
#define MB_CMD_net 0
#endif
#if !MB_FEATURE
#undef MB_CMD_feature
#define MB_CMD_feature 0
#endif
#if !MB_CORE      /* struct_ops needs the kernel's BTF */
#undef MB_CMD_struct_ops
#define MB_CMD_struct_ops 0
#endif

#endif
