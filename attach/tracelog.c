/* `prog tracelog`: copy tracefs trace_pipe (bpf_printk output) to a stream. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "minibpf.h"
#include "attach/attach.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"

int mb_tracelog_stream(FILE *out, volatile int *stop)
{
	const char *tfs = mb_tracefs_path();
	char path[320], buf[4096];
	int fd, ret = 0;

	if (!tfs)
		return mb_err(errno, "tracefs is not mounted and could not be mounted: %s",
			      mb_strerror(errno));
	snprintf(path, sizeof(path), "%s/trace_pipe", tfs);
	/* Non-blocking, so *stop is seen even when nothing is printed. */
	fd = mb_sys_open(path, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0)
		return mb_err(-fd, "open %s: %s", path, mb_strerror(-fd));
	while (!(stop && *stop)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long n;

		if (poll(&p, 1, 200) < 0) {
			if (errno == EINTR)
				continue;
			ret = mb_err(errno, "poll %s: %s", path, mb_strerror(errno));
			break;
		}
		n = mb_sys_read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (n == -EAGAIN)
				continue;
			ret = mb_err((int)-n, "read %s: %s", path, mb_strerror((int)-n));
			break;
		}
		if (n > 0 && (fwrite(buf, 1, (size_t)n, out) != (size_t)n || fflush(out))) {
			ret = mb_err(EIO, "writing the trace log: %s", mb_strerror(errno));
			break;
		}
	}
	close(fd);
	return ret;
}
