/* attach/: the public attach API (mb_prog_attach, mb_link_*) on top of the
 * attach families. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "minibpf.h"
#include "elf/model.h"
#include "attach/attach.h"
#include "syscall/bpf_sys.h"
#include "syscall/errmsg.h"

#define MAX_LINKS 256   /* perf_event: one link per CPU */

struct mb_link *mb_prog_attach(struct mb_prog *p)
{
	return mb_prog_attach_opts(p, NULL);
}

struct mb_link *mb_prog_attach_opts(struct mb_prog *p, const struct mb_attach_opts *o)
{
	struct mb_attach_opts opts = { .sz = sizeof(opts) };
	struct mb_attach_target t;
	struct mb_link *l;
	int n;

	mb_err_clear();
	if (mb_opts_copy(&opts, sizeof(opts), o, "mb_attach_opts"))
		return NULL;
	memset(&t, 0, sizeof(t));
	t.ifindex = opts.ifindex;
	t.egress = opts.egress;
	t.target_fd = opts.target_fd;
	t.pid = opts.pid;
	t.flags = opts.flags;
	t.sample_period = opts.sample_period;

	if (p->fd < 0) {
		mb_err(EINVAL, "prog '%s': not loaded", p->def->name);
		return NULL;
	}
	l = calloc(1, sizeof(*l) + MAX_LINKS * sizeof(l->info[0]));
	if (!l) {
		mb_err(ENOMEM, "out of memory");
		return NULL;
	}
	/* p->sec: the section's definition, or what mb_prog_set_type() made it */
	n = mb_attach_auto(p->fd, p->def->sec_name, p->known_sec ? &p->sec : NULL,
			   o ? &t : NULL, l->info, MAX_LINKS);
	if (n < 0) {
		free(l);
		mb_err_prefix("prog '%s' (section '%s'): ", p->def->name, p->def->sec_name);
		if (n == -EPERM) {
			char m[512];

			snprintf(m, sizeof(m), "%s", mb_last_error());
			mb_err(EPERM, "%s (%s)", m, mb_eperm_hint());
		}
		errno = -n;
		return NULL;
	}
	l->n = n;
	return l;
}

int mb_link_count(const struct mb_link *l)
{
	return l->n;
}

int mb_link_fd(const struct mb_link *l)
{
	return l->n > 0 ? l->info[0].fd : -1;
}

int mb_link_pin(struct mb_link *l, const char *path)
{
	int err;

	if (l->n != 1)
		return mb_err(EINVAL, "cannot pin %d attachments at one path %s", l->n, path);
	err = mb_link_info_pin(&l->info[0], path);
	if (err)
		return err;
	l->pinned = 1;
	return 0;
}

void mb_link_disconnect(struct mb_link *l)
{
	l->pinned = 1;
}

void mb_link_destroy(struct mb_link *l)
{
	int i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		if (l->pinned) {
			/* The pin holds the attachment (or it was disconnected): only
			 * drop our fds. */
			mb_close(l->info[i].fd);
			if (l->info[i].method == MB_LINK_STRUCT_OPS)
				mb_close(l->info[i].target_fd);
		} else {
			mb_link_info_detach(&l->info[i]);
		}
	}
	free(l);
}
