/* loader/: object BTF into the kernel, then each program: link, patch map
 * fds, attach its .BTF.ext records, BPF_PROG_LOAD with the verifier log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/internal.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"

int mb_load_btf(struct mb_object *obj);
int mb_load_prog(struct mb_object *obj, struct mb_prog *p);

static const char *log_tail(const char *log)
{
	/* The verifier's reason is at the end: show the last few lines. */
	const char *p;
	int lines = 0;

	if (!log)
		return "";
	p = log + strlen(log);
	while (p > log && lines < 8)
		if (*--p == '\n' && p[1])
			lines++;
	return p == log ? p : p + 1;
}

int mb_load_btf(struct mb_object *obj)
{
	char *log = NULL;
	int fd;

	fd = mb_extern_prepare(obj);
	if (fd) {
		int e = mb_kern_check(obj);   /* the cause when a BTF read failed */

		return e ? e : fd;
	}
	if (!obj->elf->btf)
		return 0;
	fd = mb_btf_load_obj(obj, &log);
	if (fd < 0) {
		/* As libbpf does: without BTF the programs still load, only
		 * without source lines in verifier logs and typed map dumps. */
		mb_pr(MB_WARN, "minibpf: warning: %s: the kernel rejected the object's BTF (%s), loading without it%s%s\n",
			obj->name, mb_strerror(-fd), log && *log ? "; its log ends:\n" : "", log_tail(log));
		free(log);
		return 0;
	}
	free(log);
	mb_trace_name_fd(fd, "btf", obj->name);
	obj->btf_fd = fd;
	return 0;
}

struct ext_out {
	void *rec;
	uint32_t cnt, cap, rec_size;
};

static int ext_push(struct ext_out *o, const void *rec)
{
	if (o->cnt == o->cap) {
		uint32_t cap = o->cap ? o->cap * 2 : 16;
		void *n = realloc(o->rec, (size_t)cap * o->rec_size);

		if (!n)
			return -ENOMEM;
		o->rec = n;
		o->cap = cap;
	}
	memcpy((char *)o->rec + (size_t)o->cnt++ * o->rec_size, rec, o->rec_size);
	return 0;
}

/* LLVM writes each section's .BTF.ext records sorted by instruction. Then a
 * program finds its records by binary search, not by a scan of the whole
 * section: with hundreds of programs in one section those scans were most of
 * the loader's own time. Checked once per object; unsorted input is scanned. */
static int ext_sorted(const struct mb_btf_ext *ext)
{
	const struct mb_btf_ext_sec *es;
	uint32_t i, k;

	for (i = 0; (es = mb_btf_ext_sec_at(ext, i)); i++) {
		for (k = 1; k < es->nr_func; k++)
			if (es->func[k].insn_off < es->func[k - 1].insn_off)
				return -1;
		for (k = 1; k < es->nr_line; k++)
			if (es->line[k].insn_off < es->line[k - 1].insn_off)
				return -1;
	}
	return 1;
}

/* The first of n records (stride bytes apart, insn_off first) at or after
 * instruction `at` if they are sorted, else 0. */
static uint32_t ext_first(const void *rec, uint32_t n, size_t stride, uint32_t at, int sorted)
{
	uint32_t lo = 0, hi = n, mid, off;

	while (sorted > 0 && lo < hi) {
		mid = lo + (hi - lo) / 2;
		memcpy(&off, (const char *)rec + (size_t)mid * stride, sizeof(off));
		if (off / 8 < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Collect func_info and line_info for the linked program: the records of each
 * segment's section that fall inside it, moved to the segment's place. */
static int collect_ext(struct mb_object *obj, const struct mb_elf_linked *l,
		       struct ext_out *fi, struct ext_out *li)
{
	uint32_t s, k;

	if (!obj->ext_sorted)
		obj->ext_sorted = ext_sorted(obj->ext);

	fi->rec_size = sizeof(struct bpf_func_info);
	li->rec_size = sizeof(struct bpf_line_info);
	for (s = 0; s < l->nsegs; s++) {
		const struct mb_elf_segment *g = &l->segs[s];
		const struct mb_btf_ext_sec *es;

		es = mb_btf_ext_sec(obj->ext, obj->elf->texts[g->text].name);
		if (!es)
			continue;
		k = ext_first(es->func, es->nr_func, sizeof(*es->func), g->src_off, obj->ext_sorted);
		for (; k < es->nr_func; k++) {
			uint32_t at = es->func[k].insn_off / 8;
			struct bpf_func_info r;

			if (at >= g->src_off + g->cnt && obj->ext_sorted > 0)
				break;
			if (at < g->src_off || at >= g->src_off + g->cnt)
				continue;
			r.insn_off = g->dst_off + at - g->src_off;
			r.type_id = es->func[k].type_id;
			if (ext_push(fi, &r))
				return -ENOMEM;
		}
		k = ext_first(es->line, es->nr_line, sizeof(*es->line), g->src_off, obj->ext_sorted);
		for (; k < es->nr_line; k++) {
			uint32_t at = es->line[k].insn_off / 8;
			struct bpf_line_info r;

			if (at >= g->src_off + g->cnt && obj->ext_sorted > 0)
				break;
			if (at < g->src_off || at >= g->src_off + g->cnt)
				continue;
			r.insn_off = g->dst_off + at - g->src_off;
			r.file_name_off = es->line[k].file_name_off;
			r.line_off = es->line[k].line_off;
			r.line_col = es->line[k].line_col;
			if (ext_push(li, &r))
				return -ENOMEM;
		}
	}
	return 0;
}

static int patch(struct mb_object *obj, struct mb_prog *p, struct mb_elf_linked *l)
{
	uint32_t i;

	for (i = 0; i < l->npatches; i++) {
		const struct mb_elf_patch *pt = &l->patches[i];
		struct bpf_insn *insn = &l->insns[pt->insn];

		switch (pt->kind) {
		case MB_PATCH_MAP_FD:
		case MB_PATCH_MAP_VALUE:
			if (pt->index >= obj->nmaps || obj->maps[pt->index].fd < 0)
				return mb_err(EINVAL, "prog '%s': insn %u: map #%u was not created",
					      p->def->name, pt->insn, pt->index);
			insn[0].imm = obj->maps[pt->index].fd;
			if (pt->kind == MB_PATCH_MAP_FD) {
				insn[0].src_reg = BPF_PSEUDO_MAP_FD;
			} else {
				insn[0].src_reg = BPF_PSEUDO_MAP_VALUE;
				insn[1].imm = pt->offset;
			}
			break;
		case MB_PATCH_EXTERN: {
			int r = mb_extern_patch(obj, p, l, pt);

			if (r < 0)
				return r;
			break;
		}
		}
	}
	return 0;
}

/* Like libbpf, keep the object's read-only data (every .rodata* map, not
 * .kconfig) with every program even when the program does not use it:
 * bpftool reads bpf_metadata_* variables from it. */
static int bind_rodata(const struct mb_object *obj, const struct mb_prog *p)
{
	uint32_t i;
	int err;

	for (i = 0; i < obj->nmaps; i++) {
		const struct mb_map *m = &obj->maps[i];

		if (m->def->origin != MB_MAP_DATA || !m->def->freeze || m->fd < 0)
			continue;
		err = mb_sys_prog_bind_map(p->fd, m->fd);
		/* Kernels before 5.10 lack the command: nothing is lost but metadata. */
		if (err && err != -EINVAL && err != -ENOSYS)
			return mb_err(-err, "prog '%s': binding map '%s': %s", p->def->name,
				      m->def->name, mb_strerror(-err));
		if (err)
			return 0;
	}
	return 0;
}


int mb_load_prog(struct mb_object *obj, struct mb_prog *p)
{
	struct mb_elf_linked l;
	struct ext_out fi = { 0 }, li = { 0 };
	struct mb_prog_load_args a;
	char err[512];
	int fd, r;

	memset(&l, 0, sizeof(l));
	r = mb_elf_prog_link(obj->elf, p->def - obj->elf->progs, &l, err, sizeof(err));
	if (r)
		return mb_err(-r, "%s", err);
	r = mb_core_relocate(obj, p, &l);
	if (!r)
		r = patch(obj, p, &l);
	if (r)
		goto out;
	/* func_info/line_info came with BTF FUNC (5.0) */
	if (obj->ext && obj->btf_fd >= 0 && !(obj->btf_lacks & MB_BTF_LACK_FUNC) &&
	    collect_ext(obj, &l, &fi, &li)) {
		r = mb_err(ENOMEM, "out of memory");
		goto out;
	}
	memset(&a, 0, sizeof(a));
	a.prog_type = p->sec.prog_type;
	a.expected_attach_type = p->sec.expected_attach_type;
	a.insns = l.insns;
	a.insn_cnt = l.insn_cnt;
	a.license = obj->elf->license ? obj->elf->license : "";
	a.kern_version = obj->elf->kern_version;
	a.prog_flags = obj->prog_flags;
	if (p->sec.flags & MB_SEC_SLEEPABLE)
		a.prog_flags |= BPF_F_SLEEPABLE;
	if (p->sec.flags & MB_SEC_XDP_FRAGS)
		a.prog_flags |= BPF_F_XDP_HAS_FRAGS;
	a.name = p->def->name;
	r = mb_prog_attach_btf_id(obj, p, &a.attach_btf_id);
	if (!r)
		r = mb_kern_check(obj);
	if (r)
		goto out;
	if (fi.cnt && obj->btf_fd >= 0) {
		a.prog_btf_fd = obj->btf_fd;
		a.func_info = fi.rec;
		a.func_info_cnt = fi.cnt;
		a.func_info_rec_size = fi.rec_size;
		a.line_info = li.rec;
		a.line_info_cnt = li.cnt;
		a.line_info_rec_size = li.rec_size;
	}
	a.log_level = obj->log_level;
	free(p->log);
	p->log = NULL;
	fd = mb_prog_load_log(&a, &p->log);
	if (fd < 0) {
		const char *why = mb_core_explain(obj, p->log, err, sizeof(err));

		r = mb_err(-fd, "prog '%s' (section '%s'): BPF_PROG_LOAD failed: %s%s%s%s%s%s%s%s",
			   p->def->name, p->def->sec_name, mb_strerror(-fd),
			   fd == -EPERM ? " (" : "", fd == -EPERM ? mb_eperm_hint() : "",
			   fd == -EPERM ? ")" : "", why ? "\n" : "", why ? why : "",
			   p->log && *p->log ? "\nverifier log (end):\n" : "", log_tail(p->log));
		goto out;
	}
	mb_trace_name_fd(fd, "prog", p->def->name);
	p->fd = fd;
	r = bind_rodata(obj, p);
out:
	/* a failure after a failed read of the kernel BTF: that read is the
	 * cause, not the type it made look missing */
	if (r) {
		int e = mb_kern_check(obj);

		if (e)
			r = e;
	}
	free(fi.rec);
	free(li.rec);
	mb_elf_linked_free(&l);
	return r;
}
