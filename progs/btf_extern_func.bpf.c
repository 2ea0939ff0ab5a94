// Fixture: BTF the kernel rejects. An extern function (defined in another
// object, for a linker) is a FUNC of extern linkage, which BPF_BTF_LOAD
// refuses ("Invalid func linkage") after logging every type before it.
// Its only caller is SEC("?..."), so the object still loads, without BTF.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int defined_elsewhere(int x);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} vals SEC(".maps");

SEC("?socket")
int calls_extern(struct __sk_buff *skb)
{
	return defined_elsewhere(skb->len);
}

char LICENSE[] SEC("license") = "GPL";
