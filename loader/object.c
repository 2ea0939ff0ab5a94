/* loader/: open an object, load it all or nothing, hand out its programs and
 * maps. The ELF and BTF parsing is in elf/ and btf/; maps/ creates maps. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/internal.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"

/* An object file bigger than this is refused before it is read. */
#define MAX_OBJECT_SIZE (256u << 20)
/* The byte order this library was built for (gcc and clang both say). */
#define HOST_BIG_ENDIAN (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)

void mb_trace(FILE *out)
{
	mb_trace_set(out);
}

static char *dup_or(const char *s, const char *dflt)
{
	return strdup(s ? s : dflt);
}

struct mb_object *mb_object_open_mem(const void *data, size_t size,
				     const struct mb_open_opts *opts)
{
	struct mb_open_opts o = { .sz = sizeof(o) };
	const char *name;
	struct mb_object *obj;
	char err[512];
	uint32_t i;

	mb_err_clear();
	if (mb_opts_copy(&o, sizeof(o), opts, "mb_open_opts"))
		return NULL;
	name = o.object_name ? o.object_name : "object";
	obj = calloc(1, sizeof(*obj));
	if (!obj) {
		mb_err(ENOMEM, "out of memory");
		return NULL;
	}
	obj->btf_fd = -1;
	obj->elf = mb_elf_object_parse(data, size, name, err, sizeof(err));
	if (!obj->elf) {
		int e = errno ? errno : EINVAL;

		free(obj);
		mb_err(e, "%s", err);
		return NULL;
	}
	obj->name = dup_or(o.object_name ? NULL : obj->elf->obj_name, name);
	obj->pin_root = dup_or(o.pin_root, "/sys/fs/bpf");
	obj->btf_path = o.btf_path ? strdup(o.btf_path) : NULL;
	obj->log_level = o.log_level;
	obj->prog_flags = o.prog_flags;
	obj->nmaps = obj->elf->nmaps;
	obj->nprogs = obj->elf->nprogs;
	obj->maps = calloc(obj->nmaps + 1, sizeof(*obj->maps));
	obj->progs = calloc(obj->nprogs + 1, sizeof(*obj->progs));
	if (!obj->name || !obj->pin_root || !obj->maps || !obj->progs) {
		mb_object_close(obj);
		mb_err(ENOMEM, "out of memory");
		return NULL;
	}
	if (obj->elf->btf && obj->elf->btf_ext_data) {
		obj->ext = mb_btf_ext_parse(obj->elf->btf, obj->elf->btf_ext_data,
					    obj->elf->btf_ext_size, err, sizeof(err));
		if (!obj->ext) {
			int e = errno ? errno : EINVAL;

			mb_object_close(obj);
			mb_err(e, "%s: %s", name, err);   /* err names .BTF.ext */
			return NULL;
		}
	}
	for (i = 0; i < obj->nmaps; i++) {
		obj->maps[i].obj = obj;
		obj->maps[i].def = &obj->elf->maps[i];
		obj->maps[i].fd = -1;
	}
	for (i = 0; i < obj->nprogs; i++) {
		struct mb_prog *p = &obj->progs[i];

		p->obj = obj;
		p->def = &obj->elf->progs[i];
		p->fd = -1;
		p->sec = p->def->sec;
		/* SEC("?..."), also of a name the table does not know */
		p->autoload = p->def->sec_name[0] != '?';
		p->known_sec = p->def->known_sec;
	}
	return obj;
}

struct mb_object *mb_object_open(const char *path, const struct mb_open_opts *o)
{
	struct mb_open_opts opts = { .sz = sizeof(opts) };
	struct mb_object *obj = NULL;
	char name[64];
	const char *base;
	struct stat st;
	size_t len, got = 0;
	void *buf = NULL;
	int fd, e;

	mb_err_clear();
	if (mb_opts_copy(&opts, sizeof(opts), o, "mb_open_opts"))
		return NULL;
	fd = mb_sys_open(path, O_RDONLY, 0);
	if (fd < 0) {
		mb_err(-fd, "cannot open %s: %s", path, mb_strerror(-fd));
		return NULL;
	}
	if (mb_sys_fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		mb_err(EINVAL, "%s: not a regular file", path);
		goto out;
	}
	if ((unsigned long long)st.st_size > MAX_OBJECT_SIZE) {
		mb_err(EFBIG, "%s: %lld bytes is too big for a BPF object (limit %u MiB)", path,
		       (long long)st.st_size, MAX_OBJECT_SIZE >> 20);
		goto out;
	}
	len = st.st_size;
	buf = malloc(len ? len : 1);
	if (!buf) {
		mb_err(ENOMEM, "out of memory reading %s", path);
		goto out;
	}
	while (got < len) {
		long n = mb_sys_read(fd, (char *)buf + got, len - got);

		if (n <= 0) {
			mb_err(n ? (int)-n : EIO, "%s: read failed", path);
			goto out;
		}
		got += n;
	}
	if (!opts.object_name) {
		/* libbpf's object name: the file name up to its first '.' */
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(base, "."), base);
		opts.object_name = name;
	}
	obj = mb_object_open_mem(buf, len, &opts);
out:
	e = errno;
	free(buf);
	mb_close(fd);
	errno = e;
	return obj;
}

const char *mb_object_name(const struct mb_object *obj) { return obj->name; }
int mb_object_prog_count(const struct mb_object *obj) { return obj->nprogs; }
int mb_object_map_count(const struct mb_object *obj) { return obj->nmaps; }

struct mb_prog *mb_object_prog(const struct mb_object *obj, int i)
{
	return i >= 0 && (uint32_t)i < obj->nprogs ? &obj->progs[i] : NULL;
}

struct mb_map *mb_object_map(const struct mb_object *obj, int i)
{
	return i >= 0 && (uint32_t)i < obj->nmaps ? &obj->maps[i] : NULL;
}

struct mb_prog *mb_object_prog_by_name(const struct mb_object *obj, const char *name)
{
	return mb_object_prog(obj, mb_elf_object_prog_find(obj->elf, name));
}

struct mb_map *mb_object_map_by_name(const struct mb_object *obj, const char *name)
{
	uint32_t i;

	for (i = 0; i < obj->nmaps; i++)
		if (!strcmp(obj->maps[i].def->name, name) || !strcmp(obj->maps[i].def->kname, name))
			return &obj->maps[i];
	return NULL;
}

const char *mb_prog_name(const struct mb_prog *p) { return p->def->name; }
const char *mb_prog_section(const struct mb_prog *p) { return p->def->sec_name; }
uint32_t mb_prog_type(const struct mb_prog *p) { return p->sec.prog_type; }
uint32_t mb_prog_expected_attach_type(const struct mb_prog *p) { return p->sec.expected_attach_type; }
int mb_prog_fd(const struct mb_prog *p) { return p->fd; }
const char *mb_prog_log(const struct mb_prog *p) { return p->log; }
/* What a program is loaded as is fixed once it is. */
static int prog_settable(const struct mb_prog *p, const char *what)
{
	if (p->obj->loaded)
		return mb_err(EBUSY, "prog '%s': cannot set %s: the object is already loaded",
			      p->def->name, what);
	return 0;
}

int mb_prog_set_autoload(struct mb_prog *p, int load)
{
	int err = prog_settable(p, "autoload");

	if (!err)
		p->autoload = !!load;
	return err;
}

int mb_prog_set_type(struct mb_prog *p, uint32_t type, uint32_t expected)
{
	int err = prog_settable(p, "the program type");

	if (err)
		return err;
	/* Another type than the section's: attach the way that type does
	 * (the section's target, if any, no longer applies). */
	if ((!p->known_sec || p->sec.prog_type != type) && mb_sec_for_type(type, expected, &p->sec)) {
		memset(&p->sec, 0, sizeof(p->sec));
		p->sec.kind = MB_ATTACH_OTHER;
	}
	p->sec.prog_type = type;
	p->sec.expected_attach_type = expected;
	p->known_sec = 1;
	return 0;
}

int mb_prog_pin(struct mb_prog *p, const char *path)
{
	int err;

	if (p->fd < 0)
		return mb_err(EINVAL, "prog '%s': not loaded", p->def->name);
	err = mb_sys_obj_pin(p->fd, path);
	if (err)
		return mb_err(-err, "prog '%s': pinning at %s: %s", p->def->name, path,
			      mb_pin_why(err, path));
	return 0;
}

const char *mb_map_name(const struct mb_map *m) { return m->def->name; }
int mb_map_fd(const struct mb_map *m) { return m->fd; }
uint32_t mb_map_type(const struct mb_map *m) { return m->def->type; }
uint32_t mb_map_max_entries(const struct mb_map *m) { return m->def->max_entries; }

int mb_map_pin(struct mb_map *m, const char *path)
{
	int err;

	if (m->fd < 0)
		return mb_err(EINVAL, "map '%s': not created", m->def->name);
	err = mb_sys_obj_pin(m->fd, path);
	if (err)
		return mb_err(-err, "map '%s': pinning at %s: %s", m->def->name, path,
			      mb_pin_why(err, path));
	return 0;
}

/* DIR/NAME for map M, NAME the kernel's name (libbpf's "obj.data" for
 * global data) with its dots made '_': bpffs refuses them. */
static int map_pin_path(const struct mb_map *m, const char *dir, char *out, size_t size)
{
	const char *name = strchr(m->def->name, '.') ? m->def->kname : m->def->name;
	size_t d = strlen(dir);
	char *c;

	if ((size_t)snprintf(out, size, "%s/%s", dir, name) >= size)
		return mb_err(ENAMETOOLONG, "map '%s': pin path under '%s' is too long",
			      m->def->name, dir);
	for (c = out + d + 1; (c = strchr(c, '.')); )
		*c = '_';
	return 0;
}

/* Every map at DIR/NAME; all or nothing. */
static int pin_maps_in(struct mb_object *obj, const char *dir)
{
	char path[4096];
	uint32_t i, k;
	int made, err;

	err = mb_sys_mkdir(dir, 0700);
	made = !err;
	if (err && err != -EEXIST)
		return mb_err(-err, "mkdir '%s': %s", dir, mb_strerror(-err));
	err = 0;
	for (i = 0; i < obj->nmaps && !err; i++) {
		err = map_pin_path(&obj->maps[i], dir, path, sizeof(path));
		if (!err)
			err = mb_map_pin(&obj->maps[i], path);
	}
	if (!err)
		return 0;
	/* all or nothing: the pins made before the failing one go again
	 * (cleanup stays out of fault injection: it must not fail itself) */
	for (k = 0; k + 1 < i; k++)
		if (!map_pin_path(&obj->maps[k], dir, path, sizeof(path)))
			unlink(path);
	if (made)
		rmdir(dir);
	errno = -err;
	return err;
}

int mb_object_pin_maps(struct mb_object *obj, const char *dir)
{
	char stage[4096];
	int err;

	mb_err_clear();
	if (!obj->loaded)
		return mb_err(EINVAL, "object '%s': not loaded", obj->name);
	/* an existing tree is added to pin by pin; a new one is staged and
	 * appears whole, with one rename, or not at all */
	if (mb_is_bpffs(dir) != 1 || mb_stage_vacant(dir) != 1 ||
	    mb_stage_path(dir, stage, sizeof(stage)))
		return pin_maps_in(obj, dir);
	err = pin_maps_in(obj, stage);
	if (err)
		return err;
	err = mb_stage_publish(stage, dir);
	if (err) {
		mb_pin_tree_remove(stage);
		return mb_err(-err, "publishing the maps at '%s': %s", dir,
			      err == -EEXIST ? "it exists and is not empty (never replaced)" :
			      mb_strerror(-err));
	}
	return 0;
}

int mb_map_set_initial_value(struct mb_map *m, const void *data, size_t size)
{
	if (m->def->origin != MB_MAP_DATA || !m->def->init_data)
		return mb_err(EINVAL, "map '%s': not a global data map", m->def->name);
	if (m->obj->loaded)
		return mb_err(EBUSY, "map '%s': the object is already loaded", m->def->name);
	if (size != m->def->value_size)
		return mb_err(EINVAL, "map '%s': initial value is %zu bytes, the section has %u",
			      m->def->name, size, m->def->value_size);
	memcpy(m->def->init_data, data, size);
	return 0;
}

void *mb_map_initial_value(struct mb_map *m, size_t *size)
{
	if (m->def->origin != MB_MAP_DATA || m->obj->loaded)
		return NULL;
	if (size)
		*size = m->def->value_size;
	return m->def->init_data;
}

void *mb_map_mmap(struct mb_map *m, size_t *size)
{
	const struct mb_elf_map *d = m->def;
	long page = getpagesize();
	uint64_t len = ((uint64_t)d->value_size + 7) / 8 * 8 * d->max_entries;
	int r;

	if (!m->mmaped) {
		if (m->fd < 0 || d->type != BPF_MAP_TYPE_ARRAY || !len) {
			mb_err(EINVAL, "map '%s': only a loaded array can be mapped", d->name);
			return NULL;
		}
		len = (len + (uint64_t)page - 1) / (uint64_t)page * (uint64_t)page;
		/* a frozen map refuses writable mappings (EPERM) */
		r = mb_sys_mmap(m->fd, (size_t)len, PROT_READ | (d->freeze ? 0 : PROT_WRITE), 0,
				&m->mmaped);
		if (r) {
			m->mmaped = NULL;
			mb_err(-r, "map '%s': mmap: %s%s", d->name, mb_strerror(-r),
			       r == -EINVAL ? " (not created BPF_F_MMAPABLE)" : "");
			return NULL;
		}
		m->mmap_len = (size_t)len;
	}
	if (size)
		*size = m->mmap_len;
	return m->mmaped;
}

void *mb_object_global(struct mb_object *obj, const char *name, size_t *size)
{
	/* the variables' offsets: in the DATASECs as fixed for loading */
	const struct mb_btf *btf = obj->elf->btf_edit ? mb_btf_edit_view(obj->elf->btf_edit) : NULL;
	uint32_t id, n = btf ? mb_btf_type_cnt(btf) : 0;

	for (id = 1; id < n && !obj->loaded; id++) {
		const struct mb_btf_type *t = mb_btf_type_by_id(btf, id);
		const struct mb_btf_var_secinfo *v;
		struct mb_map *m;
		uint32_t k;

		if (!t || mb_btf_kind(t) != MB_BTF_KIND_DATASEC)
			continue;
		m = mb_object_map_by_name(obj, mb_btf_str(btf, t->name_off));
		if (!m || m->def->origin != MB_MAP_DATA || !m->def->init_data)
			continue;
		v = mb_btf_extra(t);
		for (k = 0; k < mb_btf_vlen(t); k++) {
			const struct mb_btf_type *var = mb_btf_type_by_id(btf, v[k].type);

			if (!var || strcmp(mb_btf_str(btf, var->name_off), name))
				continue;
			if (v[k].offset > m->def->value_size ||
			    v[k].size > m->def->value_size - v[k].offset)
				break;
			if (size)
				*size = v[k].size;
			return (char *)m->def->init_data + v[k].offset;
		}
	}
	mb_err(obj->loaded ? EBUSY : ENOENT, "no global variable '%s'%s", name,
	       obj->loaded ? " (the object is already loaded)" : "");
	return NULL;
}

static void close_progs(struct mb_object *obj)
{
	uint32_t i;

	for (i = 0; i < obj->nprogs; i++) {
		if (obj->progs[i].fd >= 0) {
			mb_trace_forget(obj->progs[i].fd);
			close(obj->progs[i].fd);
		}
		obj->progs[i].fd = -1;
	}
}

void mb_object_close(struct mb_object *obj)
{
	uint32_t i;

	if (!obj)
		return;
	close_progs(obj);
	mb_kern_free(obj);
	for (i = 0; obj->maps && i < obj->nmaps; i++)
		if (obj->maps[i].mmaped)
			mb_sys_munmap(obj->maps[i].mmaped, obj->maps[i].mmap_len);
	if (obj->maps)
		mb_maps_close(obj, 0);
	if (obj->btf_fd >= 0)
		close(obj->btf_fd);
	for (i = 0; obj->progs && i < obj->nprogs; i++)
		free(obj->progs[i].log);
	for (i = 0; obj->maps && i < obj->nmaps; i++) {
		free(obj->maps[i].st_value);
		free(obj->maps[i].st_slots);
	}
	free(obj->progs);
	free(obj->maps);
	mb_btf_ext_free(obj->ext);
	mb_elf_object_free(obj->elf);
	free(obj->name);
	free(obj->pin_root);
	free(obj->btf_path);
	free(obj);
}

/* In loader/load.c */
int mb_load_btf(struct mb_object *obj);
int mb_load_prog(struct mb_object *obj, struct mb_prog *p);

int mb_object_load(struct mb_object *obj)
{
	uint32_t i;
	int err;

	mb_err_clear();
	if (obj->loaded)
		return mb_err(EBUSY, "object '%s' is already loaded", obj->name);
	/* Instructions could be swapped, but not the data sections, the
	 * BTF-described values or the compiler's layout assumptions: an object
	 * of the other byte order would load and run wrong (libbpf refuses it
	 * too). Before any syscall. */
	if (obj->elf->big_endian != HOST_BIG_ENDIAN)
		return mb_err(ENOEXEC, "object '%s' is %s-endian but this host is %s-endian: "
			      "build it for this host (clang -target %s)", obj->name,
			      obj->elf->big_endian ? "big" : "little", HOST_BIG_ENDIAN ? "big" : "little",
			      HOST_BIG_ENDIAN ? "bpfeb" : "bpfel");
	for (i = 0; i < obj->nprogs; i++) {
		struct mb_prog *p = &obj->progs[i];

		if (p->autoload && !p->known_sec)
			return mb_err(EINVAL,
				      "prog '%s': section '%s' names no program type minibpf knows: rename the section or give the type",
				      p->def->name, p->def->sec_name);
	}
	err = mb_load_btf(obj);
	if (err)
		return err;
	err = mb_struct_ops_prepare(obj);
	if (err)
		goto fail;
	err = mb_maps_create(obj);
	if (err)
		goto fail;
	for (i = 0; i < obj->nprogs; i++) {
		if (!obj->progs[i].autoload)
			continue;
		err = mb_load_prog(obj, &obj->progs[i]);
		if (err)
			goto fail;
	}
	err = mb_maps_init_slots(obj);
	if (!err)
		err = mb_struct_ops_fill(obj);
	if (err)
		goto fail;
	mb_kern_free(obj);
	obj->loaded = 1;
	return 0;
fail:
	mb_kern_free(obj);
	close_progs(obj);
	mb_maps_close(obj, 1);
	if (obj->btf_fd >= 0) {
		close(obj->btf_fd);
		obj->btf_fd = -1;
	}
	return err;
}
