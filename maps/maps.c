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

/* Number of possible CPUs: "0-3,5" style list in sysfs (1 without the
 * file); a failed read is a negative errno. */
static long possible_cpus(void)
{
	static uint32_t cached;     /* fixed until reboot: read once */
	char buf[256];
	uint32_t n = 0;
	char *p = buf;
	int r;

	if (cached)
		return cached;
	r = mb_read_small("/sys/devices/system/cpu/possible", buf, sizeof(buf));
	if (r == -ENOENT)
		return 1;
	if (r < 0)
		return r;
	while (*p >= '0' && *p <= '9') {
		unsigned long a = strtoul(p, &p, 10), b = a;

		if (*p == '-')
			b = strtoul(p + 1, &p, 10);
		if (b >= a && b - a < 65536)
			n += b - a + 1;
		if (*p != ',')
			break;
		p++;
	}
	cached = n ? n : 1;
	return cached;
}

static int mmapable = 1;

static int create_one(const struct mb_object *obj, const struct mb_elf_map *d, int inner_fd,
		      int use_btf)
{
	struct mb_map_create_args a = {
		.map_type = d->type,
		.key_size = d->key_size,
		.value_size = d->value_size,
		.max_entries = d->max_entries,
		.map_flags = d->map_flags,
		.inner_map_fd = inner_fd,
		.numa_node = d->numa_node,
		.name = d->kname,
		.map_extra = d->map_extra,
	};
	int fd;

	/* libbpf's defaults, which objects written for it rely on: maps of
	 * maps and prog arrays hold 4-byte fds, and a perf event array with no
	 * size gets one slot per possible CPU. */
	switch (d->type) {
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
	case BPF_MAP_TYPE_PROG_ARRAY:
		if (!a.value_size)
			a.value_size = 4;
		break;
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
		if (!a.key_size)
			a.key_size = 4;
		if (!a.value_size)
			a.value_size = 4;
		if (!a.max_entries)
			a.max_entries = (uint32_t)possible_cpus();   /* checked by create_map */
		break;
	}
	if (use_btf && obj->btf_fd > 0 && d->btf_value_type_id) {
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
	long cpus = d->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && !d->max_entries ? possible_cpus() : 1;

	if (cpus < 0)
		return mb_err((int)-cpus, "map '%s': the number of CPUs: /sys/devices/system/cpu/possible: %s",
			      d->name, strerror((int)-cpus));
	if (d->inner) {
		inner_fd = create_one(obj, d->inner, 0, 1);
		if (inner_fd < 0)
			return mb_err(-inner_fd, "map '%s': creating its inner map template: %s",
				      d->name, strerror(-inner_fd));
	}
	fd = create_one(obj, d, inner_fd, 1);
	err = fd < 0 ? -fd : 0;   /* mb_sys_* return -errno; errno may be stale */
	if (inner_fd > 0)
		close(inner_fd);    /* the kernel keeps what it needs of the template */
	if (fd < 0)
		return mb_err(err, "map '%s': BPF_MAP_CREATE failed: %s", d->name, strerror(-fd));
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
			      path, strerror(-err));
	if (info.type != d->type || info.key_size != d->key_size ||
	    info.value_size != d->value_size || info.max_entries != d->max_entries ||
	    info.map_flags != d->map_flags)
		return mb_err(EINVAL,
			      "map '%s': the map pinned at %s differs (type %u key %u value %u entries %u flags 0x%x; the object wants %u %u %u %u 0x%x): remove the pin or fix the object",
			      d->name, path, info.type, info.key_size, info.value_size,
			      info.max_entries, info.map_flags, d->type, d->key_size, d->value_size,
			      d->max_entries, d->map_flags);
	return 0;
}

static int fill_data(const struct mb_elf_map *d, int fd)
{
	uint32_t zero = 0;
	int err;

	if (!d->init_data)
		return 0;
	err = mb_sys_map_update(fd, &zero, d->init_data, BPF_ANY);
	if (err)
		return mb_err(-err, "map '%s': writing its initial data: %s", d->name, strerror(-err));
	if (d->freeze) {
		err = mb_sys_map_freeze(fd);
		if (err)
			return mb_err(-err, "map '%s': BPF_MAP_FREEZE failed: %s", d->name,
				      strerror(-err));
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
				      strerror(-fd));
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
			return mb_err(-err, "map '%s': pinning at %s: %s", d->name, path, strerror(-err));
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
			      strerror(errno));
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
				      in->slot, strerror(-err));
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
