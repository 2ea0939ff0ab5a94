/* mmap(2), munmap(2) and epoll: how ring buffers and perf buffers reach user
 * space. Like every wrapper here: counted for fault injection, one --trace
 * line each, negative errno on failure.
 *
 *   mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 5<map:events>, 0) = 0x7f3a2c1000
 *   epoll_wait(6, 8, 100) = 1
 */
#include <errno.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>

#include "syscall/bpf_sys.h"
#include "syscall/internal.h"

static void trace_ret(char *res, size_t n, int ret)
{
	if (ret < 0)
		snprintf(res, n, "-1 %s", mb_errno_name(-ret));
	else
		snprintf(res, n, "%d", ret);
}

int mb_sys_mmap(int fd, size_t len, int prot, uint64_t off, void **out)
{
	int ret = mb_sys_fault_check();
	void *p = MAP_FAILED;
	char fb[96];

	/* off_t is 32-bit on 32-bit userspace without _FILE_OFFSET_BITS=64:
	 * the offsets here are a few pages, so refuse rather than truncate. */
	if (ret == 0 && (off_t)off != (int64_t)off)
		ret = -EOVERFLOW;
	if (ret == 0) {
		p = mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)off);
		ret = p == MAP_FAILED ? -errno : 0;
	}
	*out = ret ? NULL : p;
	if (mb_trace_enabled()) {
		char res[32];

		if (ret)
			trace_ret(res, sizeof(res), ret);
		else
			snprintf(res, sizeof(res), "%p", p);
		mb_trace_line("mmap(NULL, %zu, %s, MAP_SHARED, %s, %llu) = %s", len,
			      prot == (PROT_READ | PROT_WRITE) ? "PROT_READ|PROT_WRITE" :
			      prot == PROT_READ ? "PROT_READ" : "PROT_?",
			      mb_trace_fd_format(fd, fb, sizeof(fb)), (unsigned long long)off, res);
	}
	if (ret)
		errno = -ret;
	return ret;
}

int mb_sys_munmap(void *addr, size_t len)
{
	int ret;

	if (!addr)
		return 0;
	ret = mb_sys_fault_check();
	/* An injected failure still unmaps: teardown must leave nothing. */
	if (munmap(addr, len) && !ret)
		ret = -errno;
	if (mb_trace_enabled()) {
		char res[32];

		trace_ret(res, sizeof(res), ret);
		mb_trace_line("munmap(%p, %zu) = %s", addr, len, res);
	}
	return ret;
}

int mb_sys_epoll_create(void)
{
	int ret = mb_sys_fault_check();
	char res[32];

	if (ret == 0) {
		ret = epoll_create1(EPOLL_CLOEXEC);
		ret = ret < 0 ? -errno : mb_fd_sanitize(ret);
	}
	if (mb_trace_enabled()) {
		trace_ret(res, sizeof(res), ret);
		mb_trace_line("epoll_create1(EPOLL_CLOEXEC) = %s", res);
	}
	return ret;
}

int mb_sys_epoll_add(int epfd, int fd, uint64_t data)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = data };
	int ret = mb_sys_fault_check();
	char res[32], fb[96];

	if (ret == 0)
		ret = epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
	if (mb_trace_enabled()) {
		trace_ret(res, sizeof(res), ret);
		mb_trace_line("epoll_ctl(%d, EPOLL_CTL_ADD, %s, EPOLLIN data=%llu) = %s", epfd,
			      mb_trace_fd_format(fd, fb, sizeof(fb)), (unsigned long long)data, res);
	}
	return ret;
}

int mb_sys_epoll_wait(int epfd, uint64_t *data, int max, int timeout_ms)
{
	struct epoll_event ev[16];
	int ret = mb_sys_fault_check();
	char res[32];

	if (max > 16)
		max = 16;
	if (ret == 0) {
		ret = epoll_wait(epfd, ev, max, timeout_ms);
		ret = ret < 0 ? -errno : ret;
	}
	for (int i = 0; i < ret; i++)
		data[i] = ev[i].data.u64;
	if (mb_trace_enabled()) {
		trace_ret(res, sizeof(res), ret);
		mb_trace_line("epoll_wait(%d, %d, %d) = %s", epfd, max, timeout_ms, res);
	}
	return ret;
}
