/* attach/: registering a struct_ops map. The value (built at load, program
 * fds in it) goes in with BPF_MAP_UPDATE_ELEM key 0: for a .struct_ops map
 * that registers it, until BPF_MAP_DELETE_ELEM; a .struct_ops.link map
 * (BPF_F_LINK, 6.3) is registered by BPF_LINK_CREATE and stays while the
 * link does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "minibpf.h"
#include "elf/model.h"
#include "attach/attach.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"

struct mb_link *mb_map_attach_struct_ops(struct mb_map *m)
{
	const struct mb_elf_map *d = m->def;
	struct mb_link_create_args a;
	struct mb_link_info *li;
	struct mb_link *l;
	uint32_t zero = 0;
	int err, fd;

	mb_err_clear();
	if (d->type != BPF_MAP_TYPE_STRUCT_OPS || !m->st_value || m->fd < 0) {
		mb_err(EINVAL, "map '%s': not a loaded struct_ops map", d->name);
		return NULL;
	}
	l = calloc(1, sizeof(*l) + sizeof(l->info[0]));
	if (!l) {
		mb_err(ENOMEM, "out of memory");
		return NULL;
	}
	li = &l->info[0];
	li->fd = -1;
	err = mb_sys_map_update(m->fd, &zero, m->st_value, BPF_ANY);
	if (err) {
		/* EEXIST: the subsystem has one of that name (tcp: the CA name) */
		mb_err(-err, "struct_ops map '%s': BPF_MAP_UPDATE_ELEM failed: %s%s", d->name,
		       mb_strerror(-err), err == -EEXIST ? " (one of that name is registered already)" :
		       err == -EBUSY ? " (this map is registered already)" :
		       err == -EINVAL ? " (refused by the subsystem: the kernel log says why)" : "");
		goto fail;
	}
	if (d->map_flags & MB_BPF_F_LINK) {
		memset(&a, 0, sizeof(a));
		a.prog_fd = m->fd;   /* link_create.map_fd shares the slot */
		a.attach_type = MB_BPF_STRUCT_OPS;
		fd = mb_sys_link_create(&a);
		if (fd < 0) {
			mb_err(-fd, "struct_ops map '%s': BPF_LINK_CREATE failed: %s", d->name,
			       mb_strerror(-fd));
			goto fail;
		}
		mb_trace_name_fd(fd, "link", d->name);
		li->fd = fd;
		li->method = MB_LINK_FD;
	} else {
		/* no link: "detach" deletes the element, through our own fd
		 * of the map so that it works after the object is closed */
		fd = mb_sys_dup(m->fd);
		if (fd < 0) {
			mb_sys_map_delete(m->fd, &zero);
			mb_err(-fd, "struct_ops map '%s': dup: %s", d->name, mb_strerror(-fd));
			goto fail;
		}
		li->target_fd = fd;
		li->method = MB_LINK_STRUCT_OPS;
	}
	l->n = 1;
	return l;
fail:
	free(l);
	errno = -err ? -err : errno;
	return NULL;
}
