// A program in a section name no SEC() table knows (tests/test_cli.c): it
// loads only when the user gives its type (prog load ... type socket).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("minibpf_filter")
int drop_all(struct __sk_buff *skb)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
