/* maps/: create the maps an object declares, or reuse the ones pinned by name,
 * then fill global data and freeze .rodata. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf/btf.h"
#include "elf/model.h"
#include "maps/maps.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"

/* LIBBPF_PIN_BY_NAME in BTF map definitions. */
#define PIN_BY_NAME 1

/* Number of possible CPUs: "0-3,5" style list in sysfs. Read once: it is
 * fixed at boot, and per-CPU map calls check their buffers against it. */
static int count_cpu(void *ctx, unsigned cpu)
{
	(void)cpu;
	++*(uint32_t *)ctx;
	return 0;
}

static uint32_t possible_cpus(void)
{
	static _Atomic uint32_t cached;     /* any thread may ask */
	char buf[256];
	uint32_t n = 0;

	if (cached)
		return cached;
	/* a failed read counts one CPU, uncached, as before (the API has no error) */
	if (mb_read_small("/sys/devices/system/cpu/possible", buf, sizeof(buf)) < 0 ||
	    mb_cpu_list_each(buf, count_cpu, &n) || !n)
		return 1;
	cached = n;
	return cached;
}

int mb_num_possible_cpus(void)
{
	return (int)possible_cpus();
}

/* libbpf's defaults, which objects written for it rely on: maps of maps and
 * prog arrays hold 4-byte fds, a perf event array 4-byte keys and values. */
static uint32_t key_size_of(const struct mb_elf_map *d)
{
	return !d->key_size && d->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY ? 4 : d->key_size;
}

static uint32_t value_size_of(const struct mb_elf_map *d)
{
	switch (d->type) {
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
		return d->value_size ? d->value_size : 4;
	}
	return d->value_size;
}

static int mmapable = 1;

/* The max_entries the kernel gets. A ring buffer's size must be a power-of-2
 * multiple of the page size (which the build host cannot know: 64 KB on some
 * arm64 kernels): round up as libbpf does, so objects written for it load.
 * A size too large to round is passed on for the kernel to refuse. */
static uint32_t kernel_max_entries(const struct mb_elf_map *d)
{
	uint64_t page = (uint64_t)getpagesize(), sz = d->max_entries, m;

	if ((d->type != BPF_MAP_TYPE_RINGBUF && d->type != BPF_MAP_TYPE_USER_RINGBUF) || !sz ||
	    !page)
		return d->max_entries;
	for (m = page; m < sz; m <<= 1)
		;
	return m <= UINT32_MAX ? (uint32_t)m : d->max_entries;
}

static int create_one(const struct mb_object *obj, const struct mb_elf_map *d, int inner_fd,
		      int use_btf)
{
	struct mb_map_create_args a = {
		.map_type = d->type,
		.key_size = key_size_of(d),
		.value_size = value_size_of(d),
		.max_entries = kernel_max_entries(d),
		.map_flags = d->map_flags,
		.inner_map_fd = inner_fd,
		.numa_node = d->numa_node,
		.name = d->kname,
		.map_extra = d->map_extra,
	};
	int fd;

	/* as libbpf: a perf event array with no size gets a slot per CPU */
	if (d->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && !a.max_entries)
		a.max_entries = possible_cpus();
	if (d->btf_vmlinux_value_type_id) {
		/* struct_ops: a kernel type, but the kernel wants the object's
		 * BTF too (and no btf_value_type_id) */
		a.btf_fd = obj->btf_fd > 0 ? obj->btf_fd : 0;
		a.btf_vmlinux_value_type_id = d->btf_vmlinux_value_type_id;
	} else if (use_btf && obj->btf_fd > 0 && d->btf_value_type_id) {
		a.btf_fd = obj->btf_fd;
		a.btf_key_type_id = d->btf_key_type_id;
		a.btf_value_type_id = d->btf_value_type_id;
	} else if (use_btf && obj->btf_fd > 0 && d->origin == MB_MAP_DATA) {
		/* Global data: the value is the section's DATASEC (as libbpf
		 * does), so dumps show each variable by name. */
		int id = mb_btf_find(obj->elf->btf, d->name, MB_BTF_KIND_DATASEC);

		if (id > 0) {
			a.btf_fd = obj->btf_fd;
			a.btf_value_type_id = id;
		}
	}
	/* Global data is mmap-able, as libbpf makes it (5.5+), so user space
	 * can read and write variables in place. */
	if (d->origin == MB_MAP_DATA && mmapable)
		a.map_flags |= BPF_F_MMAPABLE;
	fd = mb_sys_map_create(&a);
	if (fd == -EINVAL && (a.map_flags & BPF_F_MMAPABLE) && !(d->map_flags & BPF_F_MMAPABLE)) {
		mmapable = 0;       /* an older kernel: create them plain */
		return create_one(obj, d, inner_fd, use_btf);
	}
	/* Some map types take no BTF key/value types (perf event arrays say
	 * ENOTSUPP, older kernels EINVAL): libbpf retries without them, and so
	 * do we. Only the typed dump of the map is lost. */
	if ((fd == -EINVAL || fd == -524 /* ENOTSUPP */ || fd == -EOPNOTSUPP) && a.btf_fd &&
	    (a.btf_key_type_id || a.btf_value_type_id))
		return create_one(obj, d, inner_fd, 0);
	return fd;
}

static int create_map(const struct mb_object *obj, const struct mb_elf_map *d)
{
	int inner_fd = 0, fd, err;

	if (d->inner) {
		inner_fd = create_one(obj, d->inner, 0, 1);
		if (inner_fd < 0)
			return mb_err(-inner_fd, "map '%s': creating its inner map template: %s",
				      d->name, mb_strerror(-inner_fd));
	}
	fd = create_one(obj, d, inner_fd, 1);
	err = fd < 0 ? -fd : 0;   /* mb_sys_* return -errno; errno may be stale */
	if (inner_fd > 0)
		close(inner_fd);    /* the kernel keeps what it needs of the template */
	if (fd < 0)
		return mb_err(err, "map '%s': BPF_MAP_CREATE failed: %s", d->name, mb_strerror(-fd));
	mb_trace_name_fd(fd, "map", d->name);
	return fd;
}

/* A pinned map may stand in for ours only if it has the same shape. */
static int check_compatible(const struct mb_elf_map *d, int fd, const char *path)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	int err;

	memset(&info, 0, sizeof(info));
	err = mb_sys_obj_get_info_by_fd(fd, &info, &len);
	if (err)
		return mb_err(-err, "map '%s': cannot inspect the map pinned at %s: %s", d->name,
			      path, mb_strerror(-err));
	if (info.type != d->type || info.key_size != d->key_size ||
	    info.value_size != d->value_size || info.max_entries != kernel_max_entries(d) ||
	    info.map_flags != d->map_flags)
		return mb_err(EINVAL,
			      "map '%s': the map pinned at %s differs (type %u key %u value %u entries %u flags 0x%x; the object wants %u %u %u %u 0x%x): remove the pin or fix the object",
			      d->name, path, info.type, info.key_size, info.value_size,
			      info.max_entries, info.map_flags, d->type, d->key_size, d->value_size,
			      kernel_max_entries(d), d->map_flags);
	return 0;
}

static int fill_data(const struct mb_elf_map *d, int fd)
{
	uint32_t zero = 0;
	int err;

	if (!d->init_data || d->origin == MB_MAP_STRUCT_OPS)
		return 0;   /* struct_ops: the value is written to register it */
	err = mb_sys_map_update(fd, &zero, d->init_data, BPF_ANY);
	if (err)
		return mb_err(-err, "map '%s': writing its initial data: %s", d->name, mb_strerror(-err));
	if (d->freeze) {
		err = mb_sys_map_freeze(fd);
		if (err)
			return mb_err(-err, "map '%s': BPF_MAP_FREEZE failed: %s", d->name,
				      mb_strerror(-err));
	}
	return 0;
}

static int setup_map(struct mb_object *obj, struct mb_map *m)
{
	const struct mb_elf_map *d = m->def;
	char path[4096];
	int fd, err;

	if (m->reused && m->fd >= 0)
		return 0;       /* given by mb_map_reuse_fd() */
	if (d->pinning == PIN_BY_NAME) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", obj->pin_root, d->name) >= sizeof(path))
			return mb_err(ENAMETOOLONG, "map '%s': pin path too long", d->name);
		fd = mb_sys_obj_get(path, 0);
		if (fd >= 0) {
			err = check_compatible(d, fd, path);
			if (err) {
				close(fd);
				return err;
			}
			mb_trace_name_fd(fd, "map", d->name);
			m->fd = fd;
			m->reused = 1;
			return 0;
		}
		if (fd != -ENOENT)
			return mb_err(-fd, "map '%s': opening the pin %s: %s", d->name, path,
				      mb_strerror(-fd));
	} else if (d->pinning) {
		return mb_err(EINVAL, "map '%s': unsupported pinning type %u", d->name, d->pinning);
	}

	fd = create_map(obj, d);
	if (fd < 0)
		return fd;
	m->fd = fd;
	err = fill_data(d, fd);
	if (err)
		return err;
	if (d->pinning == PIN_BY_NAME) {
		err = mb_sys_obj_pin(fd, path);
		if (err == -EEXIST) {
			/* Another loader pinned the same name in between: use theirs. */
			int other = mb_sys_obj_get(path, 0);

			if (other >= 0 && !check_compatible(d, other, path)) {
				close(m->fd);
				m->fd = other;
				m->reused = 1;
				return 0;
			}
			mb_close(other);
		}
		if (err)
			return mb_err(-err, "map '%s': pinning at %s: %s", d->name, path,
				      mb_pin_why(err, path));
		m->pin_path = strdup(path);
		if (!m->pin_path)
			return mb_err(ENOMEM, "out of memory");
	}
	return 0;
}

int mb_map_reuse_fd(struct mb_map *m, int fd)
{
	char what[32];
	int nfd, err;

	if (m->obj->loaded)
		return mb_err(EBUSY, "map '%s': the object is already loaded", m->def->name);
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0)
		return mb_err(errno, "map '%s': cannot duplicate fd %d: %s", m->def->name, fd,
			      mb_strerror(errno));
	snprintf(what, sizeof(what), "fd %d", fd);
	err = check_compatible(m->def, nfd, what);
	if (err) {
		close(nfd);
		return err;
	}
	mb_close(m->fd);
	mb_trace_name_fd(nfd, "map", m->def->name);
	m->fd = nfd;
	m->reused = 1;
	return 0;
}

int mb_maps_create(struct mb_object *obj)
{
	uint32_t i;
	int err;

	for (i = 0; i < obj->nmaps; i++) {
		err = setup_map(obj, &obj->maps[i]);
		if (err) {
			mb_maps_close(obj, 1);
			return err;
		}
	}
	return 0;
}

int mb_maps_init_slots(struct mb_object *obj)
{
	const struct mb_elf_object *e = obj->elf;
	uint32_t i;

	for (i = 0; i < e->ninits; i++) {
		const struct mb_elf_map_init *in = &e->inits[i];
		struct mb_map *outer = &obj->maps[in->map];
		int fd, err;

		if (in->kind == MB_INIT_MAP)
			fd = obj->maps[in->target].fd;
		else
			fd = obj->progs[in->target].fd;
		if (fd < 0)
			return mb_err(EINVAL, "map '%s': slot %u refers to '%s', which was not loaded",
				      outer->def->name, in->slot,
				      in->kind == MB_INIT_MAP ? obj->maps[in->target].def->name
							      : obj->progs[in->target].def->name);
		err = mb_sys_map_update(outer->fd, &in->slot, &fd, BPF_ANY);
		if (err)
			return mb_err(-err, "map '%s': setting slot %u: %s", outer->def->name,
				      in->slot, mb_strerror(-err));
	}
	return 0;
}

void mb_maps_close(struct mb_object *obj, int unpin)
{
	uint32_t i;

	for (i = 0; i < obj->nmaps; i++) {
		struct mb_map *m = &obj->maps[i];

		if (m->pin_path) {
			if (unpin)
				unlink(m->pin_path);
			free(m->pin_path);
			m->pin_path = NULL;
		}
		if (m->fd >= 0) {
			mb_trace_forget(m->fd);
			close(m->fd);
			m->fd = -1;
		}
		m->reused = 0;
	}
}

/* ---- the public element API (include/minibpf.h) --------------------------- */

uint32_t mb_map_key_size(const struct mb_map *m) { return key_size_of(m->def); }
uint32_t mb_map_value_size(const struct mb_map *m) { return value_size_of(m->def); }

static int per_cpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

size_t mb_map_value_size_user(const struct mb_map *m)
{
	size_t v = value_size_of(m->def);

	return per_cpu(m->def->type) ? ((v + 7) & ~(size_t)7) * possible_cpus() : v;
}

/* As libbpf: a created map, and the caller's buffers of the map's sizes. */
static int check_op(const struct mb_map *m, size_t key_sz, const size_t *value_sz)
{
	if (m->fd < 0)
		return mb_err(EINVAL, "map '%s': not created (load the object first)", m->def->name);
	if (key_sz != key_size_of(m->def))
		return mb_err(EINVAL, "map '%s': key is %zu bytes, the map's are %u", m->def->name,
			      key_sz, key_size_of(m->def));
	if (!value_sz || *value_sz == mb_map_value_size_user(m))
		return 0;
	if (per_cpu(m->def->type))
		return mb_err(EINVAL, "map '%s': value buffer is %zu bytes, this per-CPU map needs %zu (%u possible CPUs, each value padded to 8 bytes)",
			      m->def->name, *value_sz, mb_map_value_size_user(m), possible_cpus());
	return mb_err(EINVAL, "map '%s': value is %zu bytes, the map's are %zu", m->def->name,
		      *value_sz, mb_map_value_size_user(m));
}

/* The kernel's error, with a message naming the map. */
static int op_err(const struct mb_map *m, int err, const char *what)
{
	return err ? mb_err(-err, "map '%s': %s: %s", m->def->name, what, mb_strerror(-err)) : 0;
}

int mb_map_lookup_elem(const struct mb_map *m, const void *key, size_t key_sz, void *value,
		       size_t value_sz, uint64_t flags)
{
	int err = check_op(m, key_sz, &value_sz);

	return err ? err : op_err(m, mb_sys_map_lookup(m->fd, key, value, flags), "lookup");
}

int mb_map_update_elem(const struct mb_map *m, const void *key, size_t key_sz,
		       const void *value, size_t value_sz, uint64_t flags)
{
	int err = check_op(m, key_sz, &value_sz);

	return err ? err : op_err(m, mb_sys_map_update(m->fd, key, value, flags), "update");
}

int mb_map_delete_elem(const struct mb_map *m, const void *key, size_t key_sz, uint64_t flags)
{
	int err = check_op(m, key_sz, NULL);

	/* the kernel defines no flags for BPF_MAP_DELETE_ELEM from user space:
	 * refuse them rather than drop them silently */
	if (!err && flags)
		err = mb_err(EINVAL, "map '%s': delete takes no flags (0x%llx given)",
			     m->def->name, (unsigned long long)flags);
	return err ? err : op_err(m, mb_sys_map_delete(m->fd, key), "delete");
}

int mb_map_get_next_key(const struct mb_map *m, const void *key, void *next_key, size_t key_sz)
{
	int err = check_op(m, key_sz, NULL);

	return err ? err : op_err(m, mb_sys_map_get_next_key(m->fd, key, next_key), "next key");
}
