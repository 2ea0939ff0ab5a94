/* loader/: struct_ops maps (libbpf's SEC(".struct_ops") / SEC(".struct_ops.link")
 * variables). The object declares `struct tcp_congestion_ops x = {...}` with
 * its own idea of the struct; the kernel wants a value laid out as its
 * `struct bpf_struct_ops_tcp_congestion_ops { common; data; }`. Members are
 * matched by name, data copied to the kernel's offsets, each function
 * pointer gets the fd of its program, which is loaded with attach_btf_id =
 * the kernel struct and expected_attach_type = the member's index. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/internal.h"
#include "syscall/errmsg.h"

static int is_func_ptr(const struct mb_btf *btf, uint32_t type)
{
	int id = mb_btf_resolve(btf, type);
	const struct mb_btf_type *t = id > 0 ? mb_btf_type_by_id(btf, (uint32_t)id) : NULL;

	if (!t || mb_btf_kind(t) != MB_BTF_KIND_PTR)
		return 0;
	id = mb_btf_resolve(btf, t->size_or_type);
	t = id > 0 ? mb_btf_type_by_id(btf, (uint32_t)id) : NULL;
	return t && mb_btf_kind(t) == MB_BTF_KIND_FUNC_PROTO;
}

static int is_ptr(const struct mb_btf *btf, uint32_t type)
{
	int id = mb_btf_resolve(btf, type);
	const struct mb_btf_type *t = id > 0 ? mb_btf_type_by_id(btf, (uint32_t)id) : NULL;

	return t && mb_btf_kind(t) == MB_BTF_KIND_PTR;
}

static int nonzero(const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		if (*c++)
			return 1;
	return 0;
}

static const struct mb_elf_st_ptr *st_ptr_at(const struct mb_elf_object *e, uint32_t map,
					     uint32_t off)
{
	uint32_t i;

	for (i = 0; i < e->nst_ptrs; i++)
		if (e->st_ptrs[i].map == map && e->st_ptrs[i].offset == off)
			return &e->st_ptrs[i];
	return NULL;
}

/* One object member MI of map M into the kernel value (data part at DOFF
 * of VALUE, kernel struct KID). */
static int put_member(struct mb_object *obj, struct mb_map *m, const struct mb_btf *kb,
		      uint32_t kid, const char *tname, uint32_t doff,
		      const struct mb_btf_member_info *om)
{
	const struct mb_btf *ob = obj->elf->btf;
	const struct mb_elf_map *d = m->def;
	uint32_t ooff = om->bit_offset / 8, map = (uint32_t)(m - obj->maps);
	const struct mb_elf_st_ptr *sp = st_ptr_at(obj->elf, map, ooff);
	struct mb_btf_member_info km;
	int64_t osize, ksize;
	int ki;

	osize = mb_btf_type_size(ob, om->type);
	if (om->bitfield_size || om->bit_offset % 8 || osize < 0 || ooff + osize > d->value_size)
		return mb_err(EINVAL, "struct_ops map '%s': member '%s' of struct %s is a bitfield or has no size: not supported",
			      d->name, om->name, tname);
	ki = mb_btf_member_find(kb, kid, om->name, &km);
	if (ki < 0) {
		/* libbpf's rule: a member the kernel lacks may stay zero */
		if (sp || nonzero((char *)d->init_data + ooff, (size_t)osize))
			return mb_err(ENOENT, "struct_ops map '%s': the kernel's struct %s has no member '%s' (set in the object)",
				      d->name, tname, om->name);
		return 0;
	}
	if (km.bitfield_size || km.bit_offset % 8)
		return mb_err(EINVAL, "struct_ops map '%s': member '%s' is a bitfield in the kernel's struct %s: not supported",
			      d->name, om->name, tname);
	if (is_func_ptr(kb, km.type)) {
		struct mb_prog *p;

		if (!is_ptr(ob, om->type))
			return mb_err(EINVAL, "struct_ops map '%s': member '%s' is a function pointer in the kernel's struct %s but not in the object's",
				      d->name, om->name, tname);
		if (!sp) {
			if (nonzero((char *)d->init_data + ooff, 8))
				return mb_err(EINVAL, "struct_ops map '%s': member '%s' holds a value that is no program of this object",
					      d->name, om->name);
			return 0;
		}
		p = &obj->progs[sp->prog];
		/* one program, one place: the kernel checks it at load */
		if (p->st_btf_id && (p->st_btf_id != kid || p->sec.expected_attach_type != (uint32_t)ki))
			return mb_err(EINVAL, "struct_ops map '%s': prog '%s' is already used for another member than '%s'",
				      d->name, p->def->name, om->name);
		p->st_btf_id = kid;
		p->sec.expected_attach_type = (uint32_t)ki;
		m->st_slots[m->nst_slots].off = doff + km.bit_offset / 8;
		m->st_slots[m->nst_slots++].prog = sp->prog;
		return 0;
	}
	if (sp)
		return mb_err(EINVAL, "struct_ops map '%s': member '%s' holds prog '%s' but is no function pointer in the kernel's struct %s",
			      d->name, om->name, obj->progs[sp->prog].def->name, tname);
	ksize = mb_btf_type_size(kb, km.type);
	if (ksize != osize || is_ptr(kb, km.type) != is_ptr(ob, om->type))
		return mb_err(EINVAL, "struct_ops map '%s': member '%s' is %lld bytes%s in the object but %lld bytes%s in the kernel's struct %s",
			      d->name, om->name, (long long)osize, is_ptr(ob, om->type) ? " (a pointer)" : "",
			      (long long)ksize, is_ptr(kb, km.type) ? " (a pointer)" : "", tname);
	memcpy((char *)m->st_value + doff + km.bit_offset / 8, (char *)d->init_data + ooff,
	       (size_t)osize);
	return 0;
}

static int prepare_map(struct mb_object *obj, struct mb_map *m)
{
	const struct mb_btf *ob = obj->elf->btf;
	struct mb_elf_map *d = m->def;
	const struct mb_btf_type *t = ob ? mb_btf_type_by_id(ob, d->st_type_id) : NULL;
	const char *tname = t ? mb_btf_str(ob, t->name_off) : "";
	struct mb_btf_member_info mi;
	struct mb_btf *kb;
	char wname[160];
	int kid, wid, err;
	int64_t wsize;
	uint32_t i, doff;

	if (!t || !*tname)
		return mb_err(EINVAL, "struct_ops map '%s': its struct has no name in the object's BTF",
			      d->name);
	kb = mb_kern_btf(obj);
	if (!kb) {
		/* (mb_err with mb_last_error() as an argument would format the
		 * message into itself) */
		err = errno ? errno : EINVAL;
		mb_err_prefix("struct_ops map '%s': ", d->name);
		return -err;
	}
	kid = mb_btf_find(kb, tname, MB_BTF_KIND_STRUCT);
	snprintf(wname, sizeof(wname), "bpf_struct_ops_%s", tname);
	wid = kid > 0 ? mb_btf_find(kb, wname, MB_BTF_KIND_STRUCT) : -ENOENT;
	if (kid < 0 || wid < 0)
		return mb_err(ESRCH, "struct_ops map '%s': the kernel has no struct_ops type '%s' (%s)",
			      d->name, tname, kid < 0 ? "no such struct in its BTF" : wname);
	if (mb_btf_member_find(kb, (uint32_t)wid, "data", &mi) < 0 ||
	    mb_btf_resolve(kb, mi.type) != kid || mi.bit_offset % 8 ||
	    (wsize = mb_btf_type_size(kb, (uint32_t)wid)) <= 0 || wsize > (1 << 20))
		return mb_err(EINVAL, "struct_ops map '%s': the kernel's %s has no member 'data' of struct %s",
			      d->name, wname, tname);
	free(m->st_value);
	free(m->st_slots);
	m->nst_slots = 0;
	m->st_value = calloc(1, (size_t)wsize);
	m->st_slots = calloc(mb_btf_vlen(t) + 1, sizeof(*m->st_slots));
	if (!m->st_value || !m->st_slots)
		return mb_err(ENOMEM, "out of memory");
	doff = mi.bit_offset / 8;
	for (i = 0; mb_btf_member(ob, d->st_type_id, i, &mi) == 0; i++) {
		err = put_member(obj, m, kb, (uint32_t)kid, tname, doff, &mi);
		if (err)
			return err;
	}
	d->value_size = (uint32_t)wsize;
	d->btf_vmlinux_value_type_id = (uint32_t)wid;
	return 0;
}

int mb_struct_ops_prepare(struct mb_object *obj)
{
	uint32_t i;
	int err;

	for (i = 0; i < obj->nmaps; i++) {
		if (obj->maps[i].def->origin != MB_MAP_STRUCT_OPS)
			continue;
		err = prepare_map(obj, &obj->maps[i]);
		if (err)
			return err;
	}
	/* libbpf (1.4+) skips a struct_ops program no map uses: the kernel
	 * cannot load it without the member it implements. */
	for (i = 0; i < obj->nprogs; i++) {
		struct mb_prog *p = &obj->progs[i];

		if (p->autoload && p->sec.kind == MB_ATTACH_STRUCT_OPS && !p->st_btf_id) {
			p->autoload = 0;
			mb_pr(MB_INFO, "minibpf: %s: prog '%s' is used by no struct_ops map: not loaded\n",
			      obj->name, p->def->name);
		}
	}
	return 0;
}

int mb_struct_ops_fill(struct mb_object *obj)
{
	uint32_t i, k;

	for (i = 0; i < obj->nmaps; i++) {
		struct mb_map *m = &obj->maps[i];

		for (k = 0; k < m->nst_slots; k++) {
			const struct mb_prog *p = &obj->progs[m->st_slots[k].prog];
			unsigned long fd = (unsigned long)p->fd;

			if (p->fd < 0)
				return mb_err(EINVAL, "struct_ops map '%s': prog '%s' is not loaded (autoload off?)",
					      m->def->name, p->def->name);
			/* the kernel reads an unsigned long there */
			memcpy((char *)m->st_value + m->st_slots[k].off, &fd, sizeof(fd));
		}
	}
	return 0;
}
