/* setsockopt(2) for the socket attach types (SO_ATTACH_BPF and friends). */
#include <errno.h>
#include <sys/socket.h>

#include "syscall/bpf_sys.h"
#include "syscall/internal.h"

int mb_sys_sock_prog(int sock, int opt, int prog_fd)
{
	const char *name = opt == SO_ATTACH_BPF ? "SO_ATTACH_BPF" :
			   opt == SO_DETACH_BPF ? "SO_DETACH_BPF" :
			   opt == SO_ATTACH_REUSEPORT_EBPF ? "SO_ATTACH_REUSEPORT_EBPF" :
			   opt == SO_DETACH_REUSEPORT_BPF ? "SO_DETACH_REUSEPORT_BPF" : "?";
	int ret = mb_sys_fault_check();

	if (ret == 0)
		ret = setsockopt(sock, SOL_SOCKET, opt, &prog_fd, sizeof(prog_fd)) ? -errno : 0;
	mb_trace_line("setsockopt(%d, SOL_SOCKET, %s, prog_fd=%d) = %d%s%s", sock, name, prog_fd,
		      ret < 0 ? -1 : 0, ret < 0 ? " " : "", ret < 0 ? mb_errno_name(-ret) : "");
	return ret;
}
