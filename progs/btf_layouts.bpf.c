// SPDX-License-Identifier: GPL-2.0
/* Fixture for tests/test_btf_dump.c: types whose C the BTF dumper must get
 * right: packing, holes, bitfields, enums of 1, 2 and 8 bytes (signed and
 * not), forward declarations and pointer cycles, function pointers,
 * multi-dimensional arrays, qualifiers, anonymous members. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum lay_byte { LB_A = 1, LB_B = 200 } __attribute__((packed));
enum lay_short { LS_A = -1, LS_B = 300 } __attribute__((packed));
enum lay_big { LG_A = 1, LG_B = 0x100000000ULL };
enum lay_neg64 { LN_A = -5, LN_B = 0x100000000LL };

struct lay_packed { char c; int i; long l; } __attribute__((packed));
struct lay_aligned { char c; int i __attribute__((aligned(16))); short s; };
struct lay_bits {
	unsigned a : 3, b : 7;
	unsigned long long c : 40;
	char d;
	int : 0;
	unsigned e : 1;
	short f : 9;
};
struct lay_fwd;
struct lay_cycle_b;
struct lay_list { struct lay_list *next; struct lay_fwd *opaque; struct lay_cycle_b *b; };
struct lay_cycle_a { struct lay_cycle_b *b; int v; };
struct lay_cycle_b { struct lay_cycle_a a; long w; };
typedef int (*lay_cb)(struct lay_list *, const char *, ...);
typedef struct { int x, y; } lay_point;
union lay_u { int i; char c[5]; lay_point p; };
struct lay_holes { char a; long b __attribute__((aligned(32))); char c; } __attribute__((aligned(64)));

struct lay_all {
	enum lay_byte eb;
	char after_eb;
	enum lay_short es;
	enum lay_big big;
	enum lay_neg64 neg;
	struct lay_packed p;
	char after_p;
	struct lay_aligned al;
	struct lay_bits bits;
	struct lay_list list;
	struct lay_cycle_b cyc;
	lay_cb cb;
	int (*fns[3])(void);
	void (*(*ret_fn)(int))(long);
	int grid[2][3][4];
	const volatile int cv;
	int *const cp;
	const char *const *strs;
	char (*parr)[8];
	union lay_u u;
	struct { int ax; union { short s; char c; }; } anon;
	union { int ui; float f; };
	struct lay_holes holes;
	double d;
	_Bool flag;
	char tail;
};

struct lay_all lay_all;

SEC("xdp")
int lay_prog(struct xdp_md *ctx)
{
	return lay_all.tail ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
