// Linker fixture (tests/test_elf.c): a call chain of 70 functions, deeper
// than the linker follows (64) and far deeper than the kernel allows (8
// frames): refused with a clear error, never a deep recursion.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline int f70(int x) { return x + (int)bpf_get_prandom_u32(); }
static __noinline int f69(int x) { return f70(x + 1); }
static __noinline int f68(int x) { return f69(x + 1); }
static __noinline int f67(int x) { return f68(x + 1); }
static __noinline int f66(int x) { return f67(x + 1); }
static __noinline int f65(int x) { return f66(x + 1); }
static __noinline int f64(int x) { return f65(x + 1); }
static __noinline int f63(int x) { return f64(x + 1); }
static __noinline int f62(int x) { return f63(x + 1); }
static __noinline int f61(int x) { return f62(x + 1); }
static __noinline int f60(int x) { return f61(x + 1); }
static __noinline int f59(int x) { return f60(x + 1); }
static __noinline int f58(int x) { return f59(x + 1); }
static __noinline int f57(int x) { return f58(x + 1); }
static __noinline int f56(int x) { return f57(x + 1); }
static __noinline int f55(int x) { return f56(x + 1); }
static __noinline int f54(int x) { return f55(x + 1); }
static __noinline int f53(int x) { return f54(x + 1); }
static __noinline int f52(int x) { return f53(x + 1); }
static __noinline int f51(int x) { return f52(x + 1); }
static __noinline int f50(int x) { return f51(x + 1); }
static __noinline int f49(int x) { return f50(x + 1); }
static __noinline int f48(int x) { return f49(x + 1); }
static __noinline int f47(int x) { return f48(x + 1); }
static __noinline int f46(int x) { return f47(x + 1); }
static __noinline int f45(int x) { return f46(x + 1); }
static __noinline int f44(int x) { return f45(x + 1); }
static __noinline int f43(int x) { return f44(x + 1); }
static __noinline int f42(int x) { return f43(x + 1); }
static __noinline int f41(int x) { return f42(x + 1); }
static __noinline int f40(int x) { return f41(x + 1); }
static __noinline int f39(int x) { return f40(x + 1); }
static __noinline int f38(int x) { return f39(x + 1); }
static __noinline int f37(int x) { return f38(x + 1); }
static __noinline int f36(int x) { return f37(x + 1); }
static __noinline int f35(int x) { return f36(x + 1); }
static __noinline int f34(int x) { return f35(x + 1); }
static __noinline int f33(int x) { return f34(x + 1); }
static __noinline int f32(int x) { return f33(x + 1); }
static __noinline int f31(int x) { return f32(x + 1); }
static __noinline int f30(int x) { return f31(x + 1); }
static __noinline int f29(int x) { return f30(x + 1); }
static __noinline int f28(int x) { return f29(x + 1); }
static __noinline int f27(int x) { return f28(x + 1); }
static __noinline int f26(int x) { return f27(x + 1); }
static __noinline int f25(int x) { return f26(x + 1); }
static __noinline int f24(int x) { return f25(x + 1); }
static __noinline int f23(int x) { return f24(x + 1); }
static __noinline int f22(int x) { return f23(x + 1); }
static __noinline int f21(int x) { return f22(x + 1); }
static __noinline int f20(int x) { return f21(x + 1); }
static __noinline int f19(int x) { return f20(x + 1); }
static __noinline int f18(int x) { return f19(x + 1); }
static __noinline int f17(int x) { return f18(x + 1); }
static __noinline int f16(int x) { return f17(x + 1); }
static __noinline int f15(int x) { return f16(x + 1); }
static __noinline int f14(int x) { return f15(x + 1); }
static __noinline int f13(int x) { return f14(x + 1); }
static __noinline int f12(int x) { return f13(x + 1); }
static __noinline int f11(int x) { return f12(x + 1); }
static __noinline int f10(int x) { return f11(x + 1); }
static __noinline int f9(int x) { return f10(x + 1); }
static __noinline int f8(int x) { return f9(x + 1); }
static __noinline int f7(int x) { return f8(x + 1); }
static __noinline int f6(int x) { return f7(x + 1); }
static __noinline int f5(int x) { return f6(x + 1); }
static __noinline int f4(int x) { return f5(x + 1); }
static __noinline int f3(int x) { return f4(x + 1); }
static __noinline int f2(int x) { return f3(x + 1); }
static __noinline int f1(int x) { return f2(x + 1); }

SEC("socket")
int deep(void *ctx)
{
	return f1(0);
}

char LICENSE[] SEC("license") = "GPL";
