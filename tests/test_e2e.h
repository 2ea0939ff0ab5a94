/* Shared helpers of the end-to-end tests (test_e2e_*.c): compiled fixtures
 * (progs/e2e_*.bpf.c) loaded through the public API, shell, cgroups, netns. */
#ifndef TEST_E2E_H
#define TEST_E2E_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "minibpf.h"
#include "lib_file.h"

#define E2E_OBJ(name) MB_BUILD_DIR "/progs/" name ".bpf.o"

/* Open a fixture and keep only the programs named in ONLY (comma-separated,
 * NULL: all), so each test loads just what it uses. */
static inline struct mb_object *e2e_open(const char *path, const char *only)
{
	struct mb_object *obj = mb_object_open(path, NULL);
	int i;

	if (!obj)
		return NULL;
	for (i = 0; only && i < mb_object_prog_count(obj); i++) {
		struct mb_prog *p = mb_object_prog(obj, i);
		const char *n = mb_prog_name(p), *s = only;
		size_t len = strlen(n);
		int keep = 0;

		while (s && *s) {
			if (!strncmp(s, n, len) && (s[len] == ',' || !s[len]))
				keep = 1;
			s = strchr(s, ',');
			if (s)
				s++;
		}
		mb_prog_set_autoload(p, keep);
	}
	return obj;
}

static inline uint64_t e2e_count(struct mb_object *obj, const char *map, uint32_t key)
{
	uint64_t v = 0;

	if (mb_map_lookup_elem(mb_object_map_by_name(obj, map), &key, sizeof(key), &v, sizeof(v), 0))
		return (uint64_t)-1;
	return v;
}

/* Run a shell command, stdout+stderr into out. Exit status or -1. */
static inline int e2e_run(char *out, size_t olen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline int e2e_run(char *out, size_t olen, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	size_t n = 0;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 8, fmt, ap);
	va_end(ap);
	strcat(cmd, " 2>&1");
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out && olen) {
		n = fread(out, 1, olen - 1, p);
		out[n] = 0;
	} else {
		char sink[1024];

		while (fread(sink, 1, sizeof(sink), p) > 0)
			;
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline int e2e_cgroup2_root(char *out, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024], mnt[512];
	int ret = -1;

	while (f && fgets(line, sizeof(line), f)) {
		if (strstr(line, " - cgroup2 ") &&
		    sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1 && strlen(mnt) < size) {
			strcpy(out, mnt);
			ret = 0;
			break;
		}
	}
	if (f)
		fclose(f);
	return ret;
}

/* Run fn in a child moved into the cgroup DIR; its exit status. */
static inline int e2e_in_cgroup(const char *dir, int (*fn)(void *), void *arg)
{
	char path[600], pid[16];
	pid_t c = fork();
	int st, fd;

	if (c == 0) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		snprintf(pid, sizeof(pid), "%d", getpid());
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, pid, strlen(pid)) < 0)
			_exit(100);
		close(fd);
		_exit(fn(arg));
	}
	if (c < 0 || waitpid(c, &st, 0) != c)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline int e2e_enter_ns(const char *name)
{
	char path[64];
	int fd, err;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	return err;
}

/* Two network namespaces joined by a veth pair: veth0 (ip_a, MAC
 * 02:00:00:00:MAC:01) in A, veth1 (ip_b, ...:MAC:02) in B, static neighbours,
 * no IPv6 chatter (router solicitations) to disturb packet counts. sa is a UDP
 * socket bound in A (port), sb one in B to send from. Leaves the caller in A.
 * Returns 0, or the number of the step that failed. */
struct e2e_veth {
	char a[32], b[32], ip_a[16];
	int ifa, ifb;   /* veth0 in A, veth1 in B */
	int sa, sb;
	int port;
};

static inline int e2e_veth_up(struct e2e_veth *v, const char *tag, const char *ip_a,
			      const char *ip_b, int mac)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);

	v->sa = v->sb = -1;
	snprintf(v->a, sizeof(v->a), "%sa_%d", tag, getpid());
	snprintf(v->b, sizeof(v->b), "%sb_%d", tag, getpid());
	snprintf(v->ip_a, sizeof(v->ip_a), "%s", ip_a);
	if (test_sh("ip netns add %s && ip netns add %s", v->a, v->b))
		return 1;
	if (test_sh("for n in %s %s; do ip netns exec $n sysctl -qw "
		   "net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 "
		   "|| exit 1; done", v->a, v->b))
		return 2;
	if (test_sh("ip -n %s link add veth0 address 02:00:00:00:%02x:01 type veth peer name "
		   "veth1 address 02:00:00:00:%02x:02 netns %s", v->a, mac, mac, v->b))
		return 3;
	if (test_sh("ip -n %s addr add %s/24 dev veth0 && ip -n %s link set veth0 up && "
		   "ip -n %s link set lo up && ip -n %s neigh add %s lladdr 02:00:00:00:%02x:02 dev veth0",
		   v->a, ip_a, v->a, v->a, v->a, ip_b, mac))
		return 4;
	if (test_sh("ip -n %s addr add %s/24 dev veth1 && ip -n %s link set veth1 up && "
		   "ip -n %s neigh add %s lladdr 02:00:00:00:%02x:01 dev veth1",
		   v->b, ip_b, v->b, v->b, ip_a, mac))
		return 5;
	if (e2e_enter_ns(v->b))
		return 6;
	v->sb = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	v->ifb = (int)if_nametoindex("veth1");
	if (v->sb < 0 || v->ifb <= 0 || e2e_enter_ns(v->a))
		return 7;
	v->sa = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, ip_a, &sin.sin_addr);
	if (v->sa < 0 || bind(v->sa, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(v->sa, (struct sockaddr *)&sin, &len))
		return 8;
	v->port = ntohs(sin.sin_port);
	v->ifa = (int)if_nametoindex("veth0");
	return v->ifa > 0 ? 0 : 9;
}

static inline void e2e_veth_down(struct e2e_veth *v)
{
	if (v->sa >= 0)
		close(v->sa);
	if (v->sb >= 0)
		close(v->sb);
	v->sa = v->sb = -1;
	test_sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null", v->a, v->b);
}

/* Send n datagrams (payload MSG) from B to A; how many arrived (the last
 * one's payload into LAST when given). */
static inline int e2e_b_to_a(struct e2e_veth *v, int n, const char *msg, char *last, size_t lastsz)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(v->port) };
	char buf[64];
	int i, got = 0;
	ssize_t r;

	inet_pton(AF_INET, v->ip_a, &to.sin_addr);
	for (i = 0; i < n; i++)
		sendto(v->sb, msg, strlen(msg), 0, (struct sockaddr *)&to, sizeof(to));
	for (;;) {
		struct pollfd p = { .fd = v->sa, .events = POLLIN };

		if (poll(&p, 1, 300) <= 0)
			break;
		r = recv(v->sa, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (r >= 0) {
			got++;
			buf[r] = 0;
			if (last)
				snprintf(last, lastsz, "%s", buf);
		}
	}
	return got;
}

#endif
