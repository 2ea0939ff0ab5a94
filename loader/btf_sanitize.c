/* loader/: load the object's BTF; only when the kernel rejects it, probe
 * which BTF kinds it lacks (one tiny BPF_BTF_LOAD each) and load a sanitized
 * copy, as libbpf does. A kernel that takes the BTF pays nothing extra. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/internal.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"

#define K(kind, vlen) ((uint32_t)MB_BTF_KIND_##kind << 24 | (vlen))
#define INT_4 1, K(INT, 0), 4, 32           /* [1] int "int" */
/* Strings: 1 "int", 5 "x", 7 ".data", 13 "tag". */
static const char probe_strs[] = "\0int\0x\0.data\0tag";

/* One probe per MB_BTF_LACK_* bit, in bit order: types only what it tests. */
static const uint32_t probe_func[] = {
	INT_4, 0, K(FUNC_PROTO, 1), 1, 5, 1, 5, K(FUNC, 0), 2 };
static const uint32_t probe_datasec[] = {
	INT_4, 5, K(VAR, 0), 1, 1, 7, K(DATASEC, 1), 4, 2, 0, 4 };
static const uint32_t probe_gfunc[] = {
	INT_4, 0, K(FUNC_PROTO, 1), 1, 5, 1, 5, K(FUNC, 1), 2 };
static const uint32_t probe_float[] = { 5, K(FLOAT, 0), 4 };
static const uint32_t probe_decl_tag[] = {
	INT_4, 5, K(VAR, 0), 1, 1, 13, K(DECL_TAG, 0), 2, (uint32_t)-1 };
static const uint32_t probe_type_tag[] = {
	INT_4, 13, K(TYPE_TAG, 0), 1, 0, K(PTR, 0), 2 };
static const uint32_t probe_enum64[] = { 5, K(ENUM64, 1), 8, 13, 0, 1 };

static const struct { const uint32_t *w; uint32_t n; } probes[] = {
	{ probe_func, sizeof(probe_func) }, { probe_datasec, sizeof(probe_datasec) },
	{ probe_gfunc, sizeof(probe_gfunc) }, { probe_float, sizeof(probe_float) },
	{ probe_decl_tag, sizeof(probe_decl_tag) }, { probe_type_tag, sizeof(probe_type_tag) },
	{ probe_enum64, sizeof(probe_enum64) },
};

/* Does the kernel take probe i? 1 yes, 0 no (EINVAL), negative errno if
 * probing itself failed (no privilege, no memory): then sanitize nothing. */
static int probe(unsigned i)
{
	uint32_t buf[32];   /* header, the biggest probe (56 bytes), strings */
	uint32_t n = probes[i].n;
	uint16_t magic = 0xeb9f;
	int fd;

	memcpy(buf, &magic, 2);
	((uint8_t *)buf)[2] = 1;   /* version */
	((uint8_t *)buf)[3] = 0;
	buf[1] = 24;
	buf[2] = 0;
	buf[3] = n;
	buf[4] = n;
	buf[5] = sizeof(probe_strs);
	memcpy(buf + 6, probes[i].w, n);
	memcpy((char *)(buf + 6) + n, probe_strs, sizeof(probe_strs));
	fd = mb_sys_btf_load(buf, 24 + n + sizeof(probe_strs), NULL);
	if (fd >= 0)
		close(fd);
	return fd >= 0 ? 1 : fd == -EINVAL ? 0 : fd;
}

unsigned mb_btf_probe_lacks(void)
{
	unsigned i, lacks = 0;
	int r;

	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		r = probe(i);
		if (r < 0)
			return 0;
		if (!r)
			lacks |= 1u << i;
	}
	return lacks;
}

int mb_btf_load_obj(struct mb_object *obj, char **log)
{
	const char *env = getenv("MINIBPF_BTF_LACKS");
	int lacks = env ? mb_btf_lacks_parse(env) : 0;
	uint32_t size;
	const void *raw = mb_btf_edit_bytes(obj->elf->btf_edit, &size);
	struct mb_btf_edit *copy;
	char err[256];
	int fd;

	obj->btf_lacks = 0;
	if (lacks < 0) {
		mb_pr(MB_WARN, "minibpf: warning: MINIBPF_BTF_LACKS='%s': unknown name (known: func, datasec, global_func, float, decl_tag, type_tag, enum64, all)\n",
			env);
		lacks = 0;
	}
	if (!lacks) {
		fd = mb_sys_btf_load(raw, size, log);
		/* EINVAL is the kernel's word for a kind it does not know */
		if (fd != -EINVAL || !(lacks = (int)mb_btf_probe_lacks()))
			return fd;
		free(*log);
		*log = NULL;
	}
	/* a copy: the object keeps what this kernel's sanitizing changed */
	copy = mb_btf_edit_new(mb_btf_edit_view(obj->elf->btf_edit), err, sizeof(err));
	if (!copy || mb_btf_edit_sanitize(copy, (unsigned)lacks, err, sizeof(err))) {
		mb_btf_edit_free(copy);
		mb_pr(MB_WARN, "minibpf: warning: %s: sanitizing the BTF: %s\n", obj->name, err);
		return -EINVAL;
	}
	raw = mb_btf_edit_bytes(copy, &size);
	fd = mb_sys_btf_load(raw, size, log);
	mb_btf_edit_free(copy);
	if (fd >= 0)
		obj->btf_lacks = (unsigned)lacks;
	return fd;
}
