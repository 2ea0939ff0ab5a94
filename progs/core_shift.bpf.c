// SPDX-License-Identifier: GPL-2.0
/* CO-RE fixture for tests/test_core.c, resolved against a small target BTF
 * the test assembles by hand (types that are not in any kernel). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct mb_core_s {
	int a;
	unsigned int flag:3;
	long b;
	short arr[4];
} __attribute__((preserve_access_index));

struct mb_core_s___flav {
	int gone;
} __attribute__((preserve_access_index));

enum mb_core_e { MB_E_ONE = 1, MB_E_TWO = 2 };

unsigned long long res[12];

SEC("raw_tp/sys_enter")
int core_shift(void *ctx)
{
	struct mb_core_s *s = (void *)bpf_get_current_task();
	struct mb_core_s___flav *f = (void *)s;

	res[0] = BPF_CORE_READ(s, b);
	res[1] = bpf_core_field_offset(s->b);
	res[2] = bpf_core_field_size(s->b);
	res[3] = BPF_CORE_READ_BITFIELD_PROBED(s, flag);
	res[4] = bpf_core_field_exists(f->gone);
	res[5] = bpf_core_type_size(struct mb_core_s);
	res[6] = bpf_core_enum_value(enum mb_core_e, MB_E_TWO);
	res[7] = bpf_core_field_offset(s->arr[2]);
	res[8] = bpf_core_type_exists(struct mb_core_s___flav);
	res[9] = __builtin_preserve_field_info(s->a, BPF_FIELD_SIGNED);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
