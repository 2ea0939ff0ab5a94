/* Private to syscall/: the bpf(2) entry point hands every call to the decoder. */
#ifndef MB_SYSCALL_TRACE_H
#define MB_SYSCALL_TRACE_H

#include "syscall/bpf_sys.h"

/* ret: the result or a negative errno; ns: time spent in the kernel. */
void mb_trace_bpf(int cmd, const union bpf_attr *attr, unsigned int size,
		  long ret, int injected, long long ns);

#endif
