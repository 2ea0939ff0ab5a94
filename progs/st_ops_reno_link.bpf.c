/* st_ops_reno.bpf.c as a SEC(".struct_ops.link") map: registered by a
 * BPF_LINK_CREATE, unregistered when the link goes. */
#define ST_OPS_SEC ".struct_ops.link"
#define ST_OPS_VAR mb_reno_link
#define ST_OPS_NAME "mb_reno_link"
#include "st_ops_reno.bpf.c"
