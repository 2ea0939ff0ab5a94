#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/object.h"

#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define CALL (BPF_JMP | BPF_CALL)

struct linker {
	const struct mb_elf_object *obj;
	struct mb_elf_linked *out;
	uint32_t cap_insns, cap_segs, cap_patches;
	char *err;
	size_t errlen;
};

static int fail(struct linker *l, int ret, const char *fmt, ...)
{
	va_list ap;

	if (l->err && l->errlen) {
		va_start(ap, fmt);
		vsnprintf(l->err, l->errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static int grow(void *arrp, uint32_t *cap, uint32_t need, size_t elsz)
{
	void **arr = arrp;
	size_t ncap;
	void *a;

	if (need <= *cap)
		return 0;
	ncap = *cap ? (size_t)*cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	if (ncap > UINT32_MAX / 2)
		return -E2BIG;
	a = realloc(*arr, ncap * elsz);
	if (!a)
		return -ENOMEM;
	*arr = a;
	*cap = (uint32_t)ncap;
	return 0;
}

/* The first relocation at or after (text, insn): relocs are sorted so.
 * Only with relocations (no arithmetic on a NULL table). */
static const struct mb_elf_reloc *reloc_from(const struct mb_elf_object *obj, uint32_t text,
					     uint32_t insn)
{
	uint32_t lo = 0, hi = obj->nrelocs;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct mb_elf_reloc *r = &obj->relocs[mid];

		if (r->text < text || (r->text == text && r->insn < insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	return obj->relocs + lo;
}

static int func_at(const struct mb_elf_object *obj, uint32_t text, uint32_t insn)
{
	uint32_t i;

	for (i = 0; i < obj->nfuncs; i++) {
		const struct mb_elf_func *f = &obj->funcs[i];

		if (f->text == text && insn >= f->insn_off && insn - f->insn_off < f->insn_cnt)
			return (int)i;
	}
	return -1;
}

/* Append function fi; returns the segment index or a negative errno. */
static int append(struct linker *l, uint32_t fi)
{
	const struct mb_elf_func *f = &l->obj->funcs[fi];
	struct mb_elf_linked *o = l->out;
	struct mb_elf_segment *s;

	if (f->insn_cnt > UINT32_MAX / 4 - o->insn_cnt ||
	    grow(&o->insns, &l->cap_insns, o->insn_cnt + f->insn_cnt, sizeof(*o->insns)) ||
	    grow(&o->segs, &l->cap_segs, o->nsegs + 1, sizeof(*o->segs)))
		return fail(l, -ENOMEM, "out of memory");
	memcpy(o->insns + o->insn_cnt, l->obj->texts[f->text].insns + f->insn_off,
	       f->insn_cnt * sizeof(*o->insns));
	s = &o->segs[o->nsegs];
	s->text = f->text;
	s->src_off = f->insn_off;
	s->dst_off = o->insn_cnt;
	s->cnt = f->insn_cnt;
	s->func = fi;
	o->insn_cnt += f->insn_cnt;
	return (int)o->nsegs++;
}

/* Destination index of (text, insn), appending its function if needed
 * (*added: its new segment, else -1). */
static int64_t resolve(struct linker *l, uint32_t text, uint32_t insn, const char *from,
		       uint32_t from_insn, int *added)
{
	int fi = func_at(l->obj, text, insn), s;
	uint32_t i;

	*added = -1;
	if (fi < 0)
		return fail(l, -EINVAL, "%s: insn %u: call or callback target insn %u of section '%s' is in no function",
			    from, from_insn, insn, l->obj->texts[text].name);
	for (i = 0; i < l->out->nsegs; i++)
		if (l->out->segs[i].func == (uint32_t)fi)
			break;
	if (i < l->out->nsegs) {
		s = (int)i;
	} else {
		s = append(l, (uint32_t)fi);
		if (s < 0)
			return s;
		*added = s;
	}
	return (int64_t)l->out->segs[s].dst_off + (insn - l->obj->funcs[fi].insn_off);
}

static int add_patch(struct linker *l, uint32_t insn, enum mb_elf_patch_kind kind, uint32_t index,
		     uint32_t offset)
{
	struct mb_elf_linked *o = l->out;
	struct mb_elf_patch *p;

	if (grow(&o->patches, &l->cap_patches, o->npatches + 1, sizeof(*o->patches)))
		return fail(l, -ENOMEM, "out of memory");
	p = &o->patches[o->npatches++];
	p->insn = insn;
	p->kind = kind;
	p->index = index;
	p->offset = offset;
	return 0;
}

/* Deeper call chains than this are refused here; the kernel refuses more
 * than 8 frames anyway, and the recursion must stay bounded on hostile input. */
#define MAX_CHAIN 64

/* Link segment si. A subprogram is appended where it is first referenced and
 * linked at once, depth-first, before the rest of the caller (libbpf's
 * order: the same object gets the same xlated code and program tag). */
static int link_segment(struct linker *l, uint32_t si, unsigned depth)
{
	const struct mb_elf_object *obj = l->obj;
	const struct mb_elf_segment seg = l->out->segs[si];
	const char *fname = obj->funcs[seg.func].name;
	/* one search per segment, then a cursor that follows the insns */
	const struct mb_elf_reloc *rc = NULL, *rend = NULL;
	uint32_t j;

	if (obj->nrelocs) {
		rc = reloc_from(obj, seg.text, seg.src_off);
		rend = obj->relocs + obj->nrelocs;
	}
	for (j = 0; j < seg.cnt; j++) {
		uint32_t src = seg.src_off + j, dst = seg.dst_off + j;
		const struct mb_elf_reloc *r = NULL;
		struct bpf_insn in = l->out->insns[dst];
		int ldimm = in.code == LD_IMM64 && j + 1 < seg.cnt;
		uint32_t ttext = seg.text;
		int64_t target = -1, dest;
		int ret = 0, added;

		while (rc < rend && rc->text == seg.text && rc->insn < src)
			rc++;
		if (rc < rend && rc->text == seg.text && rc->insn == src)
			r = rc;
		if (r) {
			switch (r->kind) {
			case MB_RELOC_MAP:
				ret = add_patch(l, dst, MB_PATCH_MAP_FD, r->index, 0);
				break;
			case MB_RELOC_DATA:
				ret = add_patch(l, dst, MB_PATCH_MAP_VALUE, r->index, r->offset);
				break;
			case MB_RELOC_EXTERN:
				ret = add_patch(l, dst, MB_PATCH_EXTERN, r->index, 0);
				break;
			case MB_RELOC_CALL:
			case MB_RELOC_FUNC:
				ttext = r->index;
				target = r->offset;
				break;
			}
		} else if ((in.code == CALL && in.src_reg == BPF_PSEUDO_CALL) ||
			   (ldimm && in.src_reg == BPF_PSEUDO_FUNC)) {
			/* pc-relative, inside this section, no relocation */
			target = (int64_t)src + in.imm + 1;
			if (target < 0 || target >= obj->texts[seg.text].insn_cnt)
				return fail(l, -EINVAL, "func '%s': insn %u: call target %lld is outside section '%s'",
					    fname, j, (long long)target, obj->texts[seg.text].name);
		}
		if (ret)
			return ret;
		if (target >= 0) {
			dest = resolve(l, ttext, (uint32_t)target, fname, j, &added);
			if (dest < 0)
				return (int)dest;
			/* resolve() may have moved the array. */
			l->out->insns[dst].imm = (int32_t)(dest - (dst + 1));
			if (in.code == LD_IMM64) {
				if (!ldimm)
					return fail(l, -EINVAL, "func '%s': insn %u: truncated ld_imm64", fname, j);
				l->out->insns[dst].src_reg = BPF_PSEUDO_FUNC;
				l->out->insns[dst + 1].imm = 0;
			} else {
				l->out->insns[dst].src_reg = BPF_PSEUDO_CALL;
			}
			if (added >= 0 && depth >= MAX_CHAIN)
				return fail(l, -E2BIG, "func '%s': insn %u: call chain deeper than %u functions",
					    fname, j, MAX_CHAIN);
			if (added >= 0 && (ret = link_segment(l, (uint32_t)added, depth + 1)))
				return ret;
		}
		if (ldimm)
			j++;
	}
	return 0;
}

int mb_elf_prog_link(const struct mb_elf_object *obj, uint32_t prog, struct mb_elf_linked *out,
		     char *err, size_t errlen)
{
	struct linker l = { .obj = obj, .out = out, .err = err, .errlen = errlen };
	int ret;

	memset(out, 0, sizeof(*out));
	if (prog >= obj->nprogs)
		return fail(&l, -ENOENT, "no program %u (the object has %u)", prog, obj->nprogs);
	ret = append(&l, obj->progs[prog].func);
	if (ret >= 0)
		ret = link_segment(&l, (uint32_t)ret, 0);
	if (ret < 0) {
		if (err && errlen > 1) {
			char tmp[512];

			snprintf(tmp, sizeof(tmp), "%s", err);
			snprintf(err, errlen, "prog '%s': %s", obj->progs[prog].name, tmp);
		}
		mb_elf_linked_free(out);
		errno = -ret;
		return ret;
	}
	return 0;
}

void mb_elf_linked_free(struct mb_elf_linked *l)
{
	free(l->insns);
	free(l->patches);
	free(l->segs);
	memset(l, 0, sizeof(*l));
}
