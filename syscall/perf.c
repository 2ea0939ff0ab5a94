/* perf_event_open(2) and the PMU facts the kprobe/uprobe attach needs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include "syscall/bpf_sys.h"
#include "syscall/internal.h"

static const char *type_name(uint32_t type, char *buf, size_t size)
{
	static const char *const names[] = {
		"HARDWARE", "SOFTWARE", "TRACEPOINT", "HW_CACHE", "RAW", "BREAKPOINT",
	};

	if (type < sizeof(names) / sizeof(names[0]))
		return names[type];
	if ((int)type == mb_pmu_type("kprobe"))
		return "kprobe";
	if ((int)type == mb_pmu_type("uprobe"))
		return "uprobe";
	snprintf(buf, size, "%u", type);
	return buf;
}

static void trace_open(const struct perf_event_attr *a, int pid, int cpu, unsigned long flags,
		       int ret)
{
	char tb[16], cfg[160], res[32];
	const char *tn = type_name(a->type, tb, sizeof(tb));
	const char *tp;

	if (a->type == PERF_TYPE_TRACEPOINT && (tp = mb_tracepoint_name((int)a->config)))
		snprintf(cfg, sizeof(cfg), "%llu<%s>", (unsigned long long)a->config, tp);
	else if (a->type == PERF_TYPE_SOFTWARE && a->config == PERF_COUNT_SW_CPU_CLOCK)
		snprintf(cfg, sizeof(cfg), "CPU_CLOCK sample_period=%llu",
			 (unsigned long long)a->sample_period);
	else if (a->type >= PERF_TYPE_MAX && a->config1)
		/* kprobe/uprobe PMU: config1 is the function or path string */
		snprintf(cfg, sizeof(cfg), "%llu name=\"%.80s\" offset=%#llx",
			 (unsigned long long)a->config,
			 (const char *)(uintptr_t)a->config1, (unsigned long long)a->config2);
	else
		snprintf(cfg, sizeof(cfg), "%llu", (unsigned long long)a->config);
	if (ret < 0)
		snprintf(res, sizeof(res), "-1 %s", mb_errno_name(-ret));
	else
		snprintf(res, sizeof(res), "%d", ret);
	mb_trace_line("perf_event_open(type=%s config=%s pid=%d cpu=%d flags=%s) = %s", tn, cfg,
		      pid, cpu, (flags & PERF_FLAG_FD_CLOEXEC) ? "CLOEXEC" : "0", res);
}

int mb_sys_perf_event_open(struct perf_event_attr *attr, int pid, int cpu, int group_fd,
			   unsigned long flags)
{
	int ret = mb_sys_fault_check();

	if (!attr->size)
		attr->size = sizeof(*attr);
	if (ret == 0) {
		ret = (int)syscall(__NR_perf_event_open, attr, pid, cpu, group_fd,
				   flags | PERF_FLAG_FD_CLOEXEC);
		ret = ret < 0 ? -errno : mb_fd_sanitize(ret);
	}
	if (mb_trace_enabled())
		trace_open(attr, pid, cpu, flags | PERF_FLAG_FD_CLOEXEC, ret);
	return ret;
}

static int perf_ioctl(int fd, unsigned long req, unsigned long arg, const char *name,
		      int prog_fd)
{
	int ret = mb_sys_fault_check();

	if (ret == 0)
		ret = ioctl(fd, req, arg) < 0 ? -errno : 0;
	if (!mb_trace_enabled())
		return ret;
	if (prog_fd >= 0)
		mb_trace_line("ioctl(%d, PERF_EVENT_IOC_%s, prog_fd=%d) = %d%s%s", fd, name,
			      prog_fd, ret < 0 ? -1 : ret, ret < 0 ? " " : "",
			      ret < 0 ? mb_errno_name(-ret) : "");
	else
		mb_trace_line("ioctl(%d, PERF_EVENT_IOC_%s, 0) = %d%s%s", fd, name,
			      ret < 0 ? -1 : ret, ret < 0 ? " " : "",
			      ret < 0 ? mb_errno_name(-ret) : "");
	return ret;
}

int mb_sys_perf_event_set_bpf(int perf_fd, int prog_fd)
{
	return perf_ioctl(perf_fd, PERF_EVENT_IOC_SET_BPF, (unsigned long)prog_fd, "SET_BPF",
			  prog_fd);
}

int mb_sys_perf_event_enable(int perf_fd)
{
	return perf_ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0, "ENABLE", -1);
}

static int pmu_file(const char *pmu, const char *file, char *buf, size_t size)
{
	char path[128];
	int n;

	if (strchr(pmu, '/') || strlen(pmu) > 32)
		return -EINVAL;
	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/%s", pmu, file);
	n = mb_read_small(path, buf, size);
	return n < 0 ? n : 0;
}

/* Cached: sysfs reads are cheap but the trace decoder asks on every open. */
int mb_pmu_type(const char *name)
{
	static int kprobe = -2, uprobe = -2;
	int *cache = !strcmp(name, "kprobe") ? &kprobe : !strcmp(name, "uprobe") ? &uprobe : NULL;
	char buf[32];
	char *end;
	long v;
	int err;

	if (cache && *cache != -2)
		return *cache;
	err = pmu_file(name, "type", buf, sizeof(buf));
	if (err == 0) {
		v = strtol(buf, &end, 10);
		err = (end == buf || v < 0 || v > 0x7fffffff) ? -EINVAL : (int)v;
	}
	if (cache && err != -EINVAL)
		*cache = err;
	return err;
}

int mb_pmu_retprobe_bit(const char *name)
{
	char buf[64];
	char *end;
	long v;
	int err = pmu_file(name, "format/retprobe", buf, sizeof(buf));

	if (err)
		return err;
	/* the file reads "config:0" */
	if (strncmp(buf, "config:", 7))
		return -EINVAL;
	v = strtol(buf + 7, &end, 10);
	if (end == buf + 7 || v < 0 || v > 63)
		return -EINVAL;
	return (int)v;
}
