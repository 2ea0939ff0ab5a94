/* Private to syscall/: what its files share and nothing above sees. */
#ifndef MB_SYSCALL_INTERNAL_H
#define MB_SYSCALL_INTERNAL_H

#include "syscall/bpf_sys.h"

/* bpf.c: call once right before each syscall. Counts it; returns 0, or the
 * negative errno to fail with instead of making the call (then trace it as
 * injected). close is neither counted nor failed: no caller can undo a
 * failed cleanup (mb_sys_munmap counts, but unmaps even then). */
int mb_sys_fault_check(void);

/* trace.c: the bpf(2) entry point hands every call to the decoder.
 * ret: the result or a negative errno; ns: time spent in the kernel. */
#if MB_TRACE
void mb_trace_bpf(int cmd, const union bpf_attr *attr, unsigned int size,
		  long ret, int injected, long long ns);
#else
static inline void mb_trace_bpf(int cmd, const union bpf_attr *attr, unsigned int size,
				long ret, int injected, long long ns)
{
	(void)cmd; (void)attr; (void)size; (void)ret; (void)injected; (void)ns;
}
#endif

/* names.c: entry N of a list of NUL-separated names (ends with an empty
 * one), or NULL. */
const char *mb_names_nth(const char *list, uint32_t n);

/* fs.c: the name last looked up for tracepoint ID (for perf.c's trace
 * lines), or NULL. */
const char *mb_tracepoint_name(int id);

#endif
