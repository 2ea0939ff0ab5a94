/* Attach a program the way its SEC() name says. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"

/* Syscall entry points carry an arch prefix since 4.17 (pt_regs wrappers). */
#if defined(__x86_64__)
#define SYS_PREFIX "__x64_sys_"
#elif defined(__aarch64__)
#define SYS_PREFIX "__arm64_sys_"
#elif defined(__s390x__)
#define SYS_PREFIX "__s390x_sys_"
#elif defined(__i386__)
#define SYS_PREFIX "__ia32_sys_"
#elif defined(__riscv)
#define SYS_PREFIX "__riscv_sys_"
#else
#define SYS_PREFIX "sys_"
#endif

/* "name+off" -> name in buf, offset in *off. */
static int split_off(const char *s, char *buf, size_t size, uint64_t *off)
{
	const char *plus = strchr(s, '+');
	size_t len = plus ? (size_t)(plus - s) : strlen(s);
	char *end;

	*off = 0;
	if (len == 0 || len >= size)
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (plus) {
		*off = strtoull(plus + 1, &end, 0);
		if (end == plus + 1 || *end)
			return -EINVAL;
	}
	return 0;
}

static int need(const char *sec, const char *what)
{
	return mb_err(EDESTADDRREQ, "section '%s' does not name its target: attach it to %s", sec, what);
}

int mb_attach_auto(int prog_fd, const char *sec, const struct mb_sec_def *def,
		   const struct mb_attach_target *t, struct mb_link_info *out, int max)
{
	static const struct mb_attach_target none;
	struct mb_sec_def d;
	char name[256], path[4096];
	const char *colon;
	uint64_t off;
	int err, fd;

	if (max < 1)
		return mb_err(EINVAL, "section '%s': no room for the link", sec);
	if (!t)
		t = &none;
	if (!def)
		return mb_err(ENOENT, "section '%s': unknown section name, cannot tell how to "
			      "attach it", sec);
	d = *def;
	fd = t->target_fd;
	switch (d.kind) {
	case MB_ATTACH_KPROBE:
	case MB_ATTACH_KRETPROBE:
		if (!d.target)
			return need(sec, "a kernel function (kprobe/FUNC)");
		if (split_off(d.target, name, sizeof(name), &off))
			return mb_err(EINVAL, "section '%s': expected FUNC or FUNC+OFFSET", sec);
		err = mb_attach_kprobe(prog_fd, d.kind == MB_ATTACH_KRETPROBE, name, off, out);
		break;
	case MB_ATTACH_KSYSCALL:
	case MB_ATTACH_KRETSYSCALL:
		if (!d.target)
			return need(sec, "a system call (ksyscall/NAME)");
		if (strlen(d.target) + sizeof(SYS_PREFIX) > sizeof(name))
			return mb_err(EINVAL, "section '%s': name too long", sec);
		snprintf(name, sizeof(name), SYS_PREFIX "%s", d.target);
		err = mb_attach_kprobe(prog_fd, d.kind == MB_ATTACH_KRETSYSCALL, name, 0, out);
		break;
	case MB_ATTACH_UPROBE:
	case MB_ATTACH_URETPROBE:
		if (!d.target)
			return need(sec, "a binary and function (uprobe/PATH:FUNC)");
		colon = strchr(d.target, ':');
		if (!colon || colon == d.target || (size_t)(colon - d.target) >= sizeof(path) ||
		    !colon[1])
			return mb_err(EINVAL, "section '%s': expected uprobe/PATH:FUNC[+OFFSET]", sec);
		memcpy(path, d.target, (size_t)(colon - d.target));
		path[colon - d.target] = '\0';
		/* a bare number is an offset into the file */
		if (colon[1] >= '0' && colon[1] <= '9') {
			char *end;

			off = strtoull(colon + 1, &end, 0);
			if (*end)
				return mb_err(EINVAL, "section '%s': bad offset", sec);
			err = mb_attach_uprobe(prog_fd, d.kind == MB_ATTACH_URETPROBE, path, NULL,
					       off, t->pid ? t->pid : -1, out);
		} else {
			err = mb_attach_uprobe(prog_fd, d.kind == MB_ATTACH_URETPROBE, path,
					       colon + 1, 0, t->pid ? t->pid : -1, out);
		}
		break;
	case MB_ATTACH_TRACEPOINT: {
		const char *slash;

		if (!(d.flags & MB_SEC_AUTO))
			return need(sec, "a tracepoint (tracepoint/CATEGORY/NAME)");
		slash = strchr(d.target, '/');
		if ((size_t)(slash - d.target) >= sizeof(name))
			return mb_err(EINVAL, "section '%s': category too long", sec);
		memcpy(name, d.target, (size_t)(slash - d.target));
		name[slash - d.target] = '\0';
		err = mb_attach_tracepoint(prog_fd, name, slash + 1, out);
		break;
	}
	case MB_ATTACH_RAW_TP:
		if (!d.target)
			return need(sec, "a tracepoint (raw_tp/NAME)");
		err = mb_attach_raw_tracepoint(prog_fd, d.target, out);
		break;
	case MB_ATTACH_TRACING:
	case MB_ATTACH_LSM:
	case MB_ATTACH_FREPLACE:
		err = mb_attach_tracing(prog_fd, d.expected_attach_type, out);
		break;
	case MB_ATTACH_ITER:
		err = mb_attach_iter(prog_fd, fd, out);
		break;
	case MB_ATTACH_PERF_EVENT:
		return mb_attach_perf_event(prog_fd, t->sample_period, out, max);
	case MB_ATTACH_XDP:
		if (t->ifindex <= 0)
			return need(sec, "a network interface");
		err = mb_attach_xdp(prog_fd, t->ifindex, t->flags, out);
		break;
	case MB_ATTACH_TC:
		if (t->ifindex <= 0)
			return need(sec, "a network interface");
		err = mb_attach_tc(prog_fd, t->ifindex, t->egress, out);
		break;
	case MB_ATTACH_TCX:
		if (t->ifindex <= 0)
			return need(sec, "a network interface");
		err = mb_attach_tc(prog_fd, t->ifindex,
				   d.expected_attach_type == MB_BPF_TCX_EGRESS, out);
		break;
	case MB_ATTACH_CGROUP:
		if (fd <= 0)
			return need(sec, "a cgroup (an fd of its directory)");
		err = mb_attach_cgroup(prog_fd, fd, d.expected_attach_type, t->flags, out);
		break;
	case MB_ATTACH_SOCKMAP:
		if (fd <= 0)
			return need(sec, "a sockmap or sockhash");
		err = mb_attach_sockmap(prog_fd, fd, d.expected_attach_type, out);
		break;
	case MB_ATTACH_NETNS:
		err = mb_attach_netns(prog_fd, fd > 0 ? fd : -1, d.expected_attach_type, out);
		break;
	case MB_ATTACH_SOCKET:
		if (fd <= 0)
			return need(sec, "a socket");
		err = mb_attach_socket(prog_fd, fd, out);
		break;
	case MB_ATTACH_REUSEPORT:
		if (fd <= 0)
			return need(sec, "a SO_REUSEPORT socket");
		err = mb_attach_reuseport(prog_fd, fd, out);
		break;
	case MB_ATTACH_STRUCT_OPS:
		return mb_err(EOPNOTSUPP, "section '%s': struct_ops programs attach through their "
			      "struct_ops map (mb_map_attach_struct_ops, struct_ops register)", sec);
	case MB_ATTACH_NONE:
		return mb_err(EOPNOTSUPP, "section '%s': %s programs are not attached to a hook "
			      "(they run from another program, a map or test_run)", sec,
			      d.pattern);
	default:
		return mb_err(EOPNOTSUPP, "section '%s': minibpf cannot attach %s programs yet", sec,
			      d.pattern);
	}
	return err < 0 ? err : 1;
}
