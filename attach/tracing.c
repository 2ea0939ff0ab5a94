/* Tracing attachments: tracepoints, raw tracepoints, BTF-typed tracing,
 * iterators, kprobes, uprobes and perf events. Tracepoints and probes are perf
 * events; a bpf_link of type BPF_PERF_EVENT (5.15+) ties the program to one. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include "mb_config.h"
#include "attach/attach.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"

static void info_init(struct mb_link_info *out, int prog_fd)
{
	memset(out, 0, sizeof(*out));
	out->fd = -1;
	out->prog_fd = prog_fd;
}

/* Ties prog to the perf event PFD (consumed) and describes it in OUT. */
static int perf_attach(int prog_fd, int pfd, const char *what, struct mb_link_info *out)
{
	struct mb_link_create_args la = { .prog_fd = prog_fd, .target_fd = pfd,
					  .attach_type = BPF_PERF_EVENT };
	int fd, err;

	fd = mb_sys_link_create(&la);
	if (fd >= 0) {
		/* the link holds the perf event; our fd is not needed any more */
		close(pfd);
		out->fd = fd;
		out->method = MB_LINK_FD;
		out->attach_type = BPF_PERF_EVENT;
		return 0;
	}
	if (fd != -EINVAL && fd != -EOPNOTSUPP) {
		close(pfd);
		return mb_err(-fd, "%s: attach: %s", what, mb_strerror(-fd));
	}
	/* Before 5.15 there is no perf link: the perf event fd is the attachment. */
	err = mb_sys_perf_event_set_bpf(pfd, prog_fd);
	if (!err)
		err = mb_sys_perf_event_enable(pfd);
	if (err) {
		close(pfd);
		return mb_err(-err, "%s: PERF_EVENT_IOC_SET_BPF: %s", what, mb_strerror(-err));
	}
	mb_pr(MB_WARN, "minibpf: warning: %s: kernel has no perf bpf_link, attached through "
		"the perf event; it cannot be pinned\n", what);
	out->fd = pfd;
	out->method = MB_LINK_PERF;
	return 0;
}

int mb_attach_tracepoint(int prog_fd, const char *category, const char *name,
			 struct mb_link_info *out)
{
	struct perf_event_attr attr;
	char what[160];
	int id, pfd;

	info_init(out, prog_fd);
	snprintf(what, sizeof(what), "tracepoint %s/%s", category ? category : "?",
		 name ? name : "?");
	id = mb_tracepoint_id(category, name);
	if (id == -ENOENT)
		return mb_err(ENOENT, "%s: no such tracepoint (see %s/events/%s/)", what,
			      mb_tracefs_path() ? mb_tracefs_path() : "tracefs", category ? category : "");
	if (id < 0)
		return mb_err(-id, "%s: reading its id from tracefs: %s", what, mb_strerror(-id));
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = (uint64_t)id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	pfd = mb_sys_perf_event_open(&attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return mb_err(-pfd, "%s: perf_event_open: %s", what, mb_strerror(-pfd));
	return perf_attach(prog_fd, pfd, what, out);
}

int mb_attach_raw_tracepoint(int prog_fd, const char *name, struct mb_link_info *out)
{
	int fd;

	info_init(out, prog_fd);
	fd = mb_sys_raw_tracepoint_open(name, prog_fd);
	if (fd < 0)
		return mb_err(-fd, "raw_tracepoint %s: %s%s", name, mb_strerror(-fd),
			      fd == -ENOENT ? " (no such tracepoint)" : "");
	out->fd = fd;
	out->method = MB_LINK_FD;
	return 0;
}

/* ENOTSUPP at attach: the kernel cannot put a trampoline into the target
 * (arm64 reaches kernel functions through ftrace direct calls, from 6.4) */
#ifdef __aarch64__
#define MB_NO_TRAMPOLINE " (no BPF trampoline into kernel functions: arm64 has them from 6.4)"
#else
#define MB_NO_TRAMPOLINE " (no BPF trampoline into this target on this kernel)"
#endif

int mb_attach_tracing(int prog_fd, uint32_t attach_type, struct mb_link_info *out)
{
	int fd;

	info_init(out, prog_fd);
	/* With no name, RAW_TRACEPOINT_OPEN attaches by the program's own
	 * attach_btf_id (5.5+); it serves tp_btf, fentry/fexit/fmod_ret, lsm, freplace. */
	fd = mb_sys_raw_tracepoint_open(NULL, prog_fd);
	if (fd < 0)
		return mb_err(-fd, "attach %s program: %s%s",
			      attach_type == BPF_LSM_MAC ? "lsm" : "tracing", mb_strerror(-fd),
			      fd == -EPERM ? " (refused by this kernel)" :
			      fd == -MB_ENOTSUPP ? MB_NO_TRAMPOLINE : "");
	out->fd = fd;
	out->method = MB_LINK_FD;
	out->attach_type = attach_type;
	return 0;
}

int mb_attach_iter(int prog_fd, int map_fd, struct mb_link_info *out)
{
	struct mb_link_create_args la = { .prog_fd = prog_fd, .attach_type = BPF_TRACE_ITER,
					  .iter_info_map_fd = map_fd > 0 ? (uint32_t)map_fd : 0 };
	int fd;

	info_init(out, prog_fd);
	fd = mb_sys_link_create(&la);
	if (fd < 0)
		return mb_err(-fd, "attach iterator: %s", mb_strerror(-fd));
	out->fd = fd;
	out->method = MB_LINK_FD;
	out->attach_type = BPF_TRACE_ITER;
	return 0;
}

/* Before 4.17 probes are defined in tracefs and opened as tracepoints of the
 * "minibpf" group. Returns the perf event fd with the event name in OUT. */
static int probe_tracefs(int uprobe, int retprobe, const char *target, uint64_t offset,
			 int pid, struct mb_link_info *out, const char *what)
{
	const char *file = uprobe ? "uprobe_events" : "kprobe_events";
	static unsigned int seq;
	struct perf_event_attr attr;
	char line[512];
	int id, pfd, err;

	if (strpbrk(target, " \t\n:") && !uprobe)
		return mb_err(EINVAL, "%s: bad function name", what);
	if (strpbrk(target, " \t\n"))
		return mb_err(EINVAL, "%s: tracefs probes cannot name a path with spaces", what);
	snprintf(out->probe, sizeof(out->probe), "mb_%d_%u", (int)getpid(), seq++);
	if (uprobe)
		snprintf(line, sizeof(line), "%c:minibpf/%s %s:%#llx", retprobe ? 'r' : 'p',
			 out->probe, target, (unsigned long long)offset);
	else
		snprintf(line, sizeof(line), "%c:minibpf/%s %s+%llu", retprobe ? 'r' : 'p',
			 out->probe, target, (unsigned long long)offset);
	err = mb_tracefs_write(file, line);
	if (err == -ENOENT && !uprobe)
		return mb_err(EOPNOTSUPP, "%s: kernel has no kprobe support (CONFIG_KPROBES)", what);
	if (err == -ENOENT)
		return mb_err(EOPNOTSUPP, "%s: kernel has no uprobe support (CONFIG_UPROBE_EVENTS)",
			      what);
	if (err)
		return mb_err(-err, "%s: adding the probe to tracefs %s: %s", what, file,
			      mb_strerror(-err));
	out->probe_kind = uprobe ? 2 : 1;
	id = mb_tracepoint_id("minibpf", out->probe);
	if (id < 0) {
		pfd = mb_err(-id, "%s: id of the tracefs probe: %s", what, mb_strerror(-id));
		goto remove;
	}
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = (uint64_t)id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	pfd = mb_sys_perf_event_open(&attr, pid < 0 ? -1 : pid, pid < 0 ? 0 : -1, -1,
				     PERF_FLAG_FD_CLOEXEC);
	if (pfd >= 0)
		return pfd;
	pfd = mb_err(-pfd, "%s: perf_event_open: %s", what, mb_strerror(-pfd));
remove:
	snprintf(line, sizeof(line), "-:minibpf/%s", out->probe);
	mb_tracefs_write(file, line);
	out->probe_kind = 0;
	out->probe[0] = '\0';
	return pfd;
}

int mb_attach_probe_tracefs(int prog_fd, int uprobe, int retprobe, const char *target,
			    uint64_t offset, int pid, struct mb_link_info *out)
{
	char what[256];
	int pfd, err;

	info_init(out, prog_fd);
	snprintf(what, sizeof(what), "%s %s+%#llx (tracefs)",
		 uprobe ? (retprobe ? "uretprobe" : "uprobe") : (retprobe ? "kretprobe" : "kprobe"),
		 target ? target : "?", (unsigned long long)offset);
	if (!target || !target[0])
		return mb_err(EINVAL, "%s: no target named", what);
	pfd = probe_tracefs(uprobe, retprobe, target, offset, pid, out, what);
	if (pfd < 0)
		return pfd;
	err = perf_attach(prog_fd, pfd, what, out);
	if (err)
		mb_link_info_detach(out);       /* removes the tracefs event */
	return err;
}

/* A kprobe or uprobe through its PMU (4.17+). pid -1 probes every process. */
static int probe_open(const char *pmu, int retprobe, const char *name, uint64_t offset,
		      int pid, const char *what)
{
	struct perf_event_attr attr;
	int type, bit = 0, pfd;

	type = mb_pmu_type(pmu);
	if (type < 0)
		return -ENODEV;         /* no PMU: the caller falls back to tracefs */
	if (retprobe) {
		bit = mb_pmu_retprobe_bit(pmu);
		if (bit < 0)
			return mb_err(-bit, "%s: cannot read the %s PMU retprobe bit", what, pmu);
	}
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = (uint32_t)type;
	attr.config = retprobe ? 1ULL << bit : 0;
	attr.config1 = mb_ptr(name);    /* kprobe_func / uprobe_path */
	attr.config2 = offset;          /* probe_offset */
	attr.sample_period = 1;
	pfd = mb_sys_perf_event_open(&attr, pid < 0 ? -1 : pid, pid < 0 ? 0 : -1, -1,
				     PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return mb_err(-pfd, "%s: perf_event_open: %s%s", what, mb_strerror(-pfd),
			      pfd == -ENOENT ? " (no such function or file)" : "");
	return pfd;
}

int mb_attach_kprobe(int prog_fd, int retprobe, const char *func, uint64_t offset,
		     struct mb_link_info *out)
{
	char what[160];
	int pfd;

	info_init(out, prog_fd);
	snprintf(what, sizeof(what), "%s %s+%#llx", retprobe ? "kretprobe" : "kprobe",
		 func ? func : "?", (unsigned long long)offset);
	if (!func || !func[0])
		return mb_err(EINVAL, "%s: no function named", what);
	pfd = probe_open("kprobe", retprobe, func, offset, -1, what);
	if (pfd == -ENODEV)
		return mb_attach_probe_tracefs(prog_fd, 0, retprobe, func, offset, -1, out);
	if (pfd < 0)
		return pfd;
	return perf_attach(prog_fd, pfd, what, out);
}

#if MB_UPROBE     /* up to mb_attach_uprobe's end (include/mb_config.h) */
#if defined(__x86_64__)
#define MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define MULTIARCH "aarch64-linux-gnu"
#elif defined(__s390x__)
#define MULTIARCH "s390x-linux-gnu"
#elif defined(__arm__)
#define MULTIARCH "arm-linux-gnueabihf"
#else
#define MULTIARCH "."
#endif

/* "libc.so.6" -> "/lib/x86_64-linux-gnu/libc.so.6", as libbpf does for names
 * without a '/': a uprobe needs a real file. */
static const char *find_lib(const char *name, char *buf, size_t size)
{
	static const char *const dirs[] = {
		"/lib/" MULTIARCH, "/usr/lib/" MULTIARCH, "/lib64", "/usr/lib64", "/lib", "/usr/lib",
	};
	size_t i;

	if (strchr(name, '/'))
		return name;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, size, "%s/%s", dirs[i], name);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	return name;
}

int mb_attach_uprobe(int prog_fd, int retprobe, const char *path, const char *func,
		     uint64_t offset, int pid, struct mb_link_info *out)
{
	char lib[512];

	char what[256], sym[128];
	const char *plus;
	int64_t off = 0;
	int pfd;

	info_init(out, prog_fd);
	snprintf(what, sizeof(what), "%s %s:%s+%#llx", retprobe ? "uretprobe" : "uprobe",
		 path ? path : "?", func ? func : "", (unsigned long long)offset);
	if (!path || !path[0])
		return mb_err(EINVAL, "%s: no binary named", what);
	path = find_lib(path, lib, sizeof(lib));
	if (func && func[0]) {
		/* "sym+0x10": the offset is relative to the symbol */
		plus = strchr(func, '+');
		if (plus) {
			char *end;
			unsigned long long add = strtoull(plus + 1, &end, 0);

			if (end == plus + 1 || *end)
				return mb_err(EINVAL, "%s: bad offset after '+'", what);
			offset += add;
		}
		if ((size_t)(plus ? plus - func : (long)strlen(func)) >= sizeof(sym))
			return mb_err(ENAMETOOLONG, "%s: symbol name too long", what);
		snprintf(sym, sizeof(sym), "%.*s", (int)(plus ? plus - func : (long)strlen(func)),
			 func);
		off = mb_uprobe_sym_offset(path, sym);
		if (off < 0)
			return (int)off;
	}
	pfd = probe_open("uprobe", retprobe, path, (uint64_t)off + offset, pid, what);
	if (pfd == -ENODEV)
		return mb_attach_probe_tracefs(prog_fd, 1, retprobe, path, (uint64_t)off + offset,
					       pid, out);
	if (pfd < 0)
		return pfd;
	return perf_attach(prog_fd, pfd, what, out);
}
#else
int mb_attach_uprobe(int prog_fd, int retprobe, const char *path, const char *func,
		     uint64_t offset, int pid, struct mb_link_info *out)
{
	(void)offset;
	(void)pid;
	info_init(out, prog_fd);
	return mb_err(EOPNOTSUPP, "%s %s:%s: this minibpf is built without uprobes (MB_UPROBE=0)",
		      retprobe ? "uretprobe" : "uprobe", path ? path : "?", func ? func : "");
}
#endif /* MB_UPROBE */

/* Online CPUs from "0-3,5" in sysfs; CPU -1 asks one past the highest.
 * Without sysfs: 0..n-1, n the CPUs this process may run on (what musl's
 * sysconf counts; sysconf would link its whole limits table). */
struct cpu_seen { long cpu, top; int member; };

static int cpu_seen(void *ctx, unsigned c)
{
	struct cpu_seen *s = ctx;

	s->member |= (long)c == s->cpu;
	if ((long)c >= s->top)
		s->top = (long)c + 1;
	return 0;
}

static long cpu_online(long cpu)
{
	static char buf[256];
	struct cpu_seen s = { 0, 0, 0 };
	long top;

	if (!buf[0] && mb_read_small("/sys/devices/system/cpu/online", buf, sizeof(buf)) <= 0) {
		cpu_set_t set;

		top = sched_getaffinity(0, sizeof(set), &set) ? 1 : CPU_COUNT(&set);
		return cpu < 0 ? top : cpu < top;
	}
	s.cpu = cpu;
	mb_cpu_list_each(buf, cpu_seen, &s);    /* a malformed tail: what parsed */
	return cpu < 0 ? s.top : s.member;
}

int mb_attach_perf_event(int prog_fd, uint64_t sample_period, struct mb_link_info *out,
			 int max)
{
	long ncpu = cpu_online(-1);
	int cpu, n = 0, err;

	if (ncpu < 1)
		ncpu = 1;
	for (cpu = 0; cpu < ncpu && n < max; cpu++) {
		struct perf_event_attr attr;
		char what[64];
		int pfd;

		if (!cpu_online(cpu))
			continue;
		snprintf(what, sizeof(what), "perf_event cpu-clock cpu %d", cpu);
		memset(&attr, 0, sizeof(attr));
		attr.size = sizeof(attr);
		attr.type = PERF_TYPE_SOFTWARE;
		attr.config = PERF_COUNT_SW_CPU_CLOCK;
		attr.sample_period = sample_period ? sample_period : 1000000;  /* 1 ms */
		pfd = mb_sys_perf_event_open(&attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
		if (pfd < 0) {
			err = mb_err(-pfd, "%s: perf_event_open: %s", what, mb_strerror(-pfd));
			goto fail;
		}
		info_init(&out[n], prog_fd);
		err = perf_attach(prog_fd, pfd, what, &out[n]);
		if (err)
			goto fail;
		n++;
	}
	if (n == 0)
		return mb_err(ENODEV, "perf_event: no online CPU (or no room: max %d)", max);
	return n;
fail:
	while (n > 0)
		mb_link_info_detach(&out[--n]);
	return err;
}
