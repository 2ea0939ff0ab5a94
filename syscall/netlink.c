/* rtnetlink, only what XDP and tc attachment need: IFLA_XDP on a link, the
 * clsact qdisc, and cls_bpf filters in direct-action mode. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "mb_config.h"
#include "syscall/bpf_sys.h"
#include "syscall/internal.h"
#include "syscall/netlink.h"

#if MB_NET

struct nl_req {
	struct nlmsghdr nh;
	union {
		struct ifinfomsg ifi;
		struct tcmsg tc;
	} u;
	char attrs[256];
};

static char nl_errmsg[128];

const char *mb_nl_errmsg(void)
{
	return nl_errmsg;
}

static struct nlattr *nla_put(struct nl_req *r, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));
	size_t total = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(NLA_HDRLEN + len);

	if (total > sizeof(*r))
		return NULL;    /* our own requests are small: cannot happen */
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = (uint32_t)total;
	return a;
}

static void nla_end(struct nl_req *r, struct nlattr *nest)
{
	nest->nla_len = (uint16_t)((char *)r + r->nh.nlmsg_len - (char *)nest);
}

/* The extack message of an error reply, if the kernel sent one. */
static void read_extack(const struct nlmsghdr *nh, size_t len)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	while (off + NLA_HDRLEN <= len) {
		const struct nlattr *a = (const struct nlattr *)((const char *)nh + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > len)
			return;
		if (a->nla_type == NLMSGERR_ATTR_MSG) {
			size_t n = a->nla_len - NLA_HDRLEN;

			if (n >= sizeof(nl_errmsg))
				n = sizeof(nl_errmsg) - 1;
			memcpy(nl_errmsg, (const char *)a + NLA_HDRLEN, n);
			nl_errmsg[n] = '\0';
			return;
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/* Send R, wait for the ack. With cb, each reply message is passed to it. */
static int nl_talk(struct nl_req *r, const char *what,
		   int (*cb)(const struct nlmsghdr *nh, void *ctx), void *ctx)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	union {
		struct nlmsghdr nh;
		char b[4096];
	} buf;
	int one = 1, fd, ret = mb_sys_fault_check(), done = 0;

	nl_errmsg[0] = '\0';
	if (ret)
		goto out;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	fd = mb_fd_sanitize(fd);
	if (fd < 0) {
		ret = fd;
		goto out;
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = 1;
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		goto close;
	}
	while (!done) {
		ssize_t n = recv(fd, buf.b, sizeof(buf.b), 0);
		struct nlmsghdr *nh;
		size_t len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		len = (size_t)n;
		for (nh = &buf.nh; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_seq != 1)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
					ret = -EPROTO;
				} else {
					ret = e->error;
					if (ret)
						read_extack(nh, nh->nlmsg_len);
				}
				done = 1;
				break;
			}
			if (nh->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (cb && (ret = cb(nh, ctx)) < 0) {
				done = 1;
				break;
			}
		}
		if (n == 0)
			break;
	}
close:
	close(fd);
out:
	mb_trace_line("netlink(%s) = %d%s%s%s%s", what, ret < 0 ? -1 : 0, ret < 0 ? " " : "",
		      ret < 0 ? mb_errno_name(-ret) : "", nl_errmsg[0] ? " " : "", nl_errmsg);
	return ret < 0 ? ret : 0;
}

static void req_init(struct nl_req *r, uint16_t type, uint16_t flags, size_t hdr)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = (uint32_t)NLMSG_LENGTH(hdr);
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = flags;
}

int mb_nl_xdp_set(int ifindex, int prog_fd, uint32_t flags)
{
	struct nl_req r;
	struct nlattr *nest;
	char what[96];
	int32_t fd = prog_fd;

	req_init(&r, RTM_SETLINK, 0, sizeof(r.u.ifi));
	r.u.ifi.ifi_family = AF_UNSPEC;
	r.u.ifi.ifi_index = ifindex;
	nest = nla_put(&r, IFLA_XDP | NLA_F_NESTED, NULL, 0);
	nla_put(&r, IFLA_XDP_FD, &fd, sizeof(fd));
	if (flags)
		nla_put(&r, IFLA_XDP_FLAGS, &flags, sizeof(flags));
	nla_end(&r, nest);
	snprintf(what, sizeof(what), "RTM_SETLINK ifindex=%d IFLA_XDP fd=%d flags=%#x", ifindex,
		 prog_fd, flags);
	return nl_talk(&r, what, NULL, NULL);
}

struct xdp_q {
	int ifindex;
	uint32_t id;
	uint8_t mode;
};

static int xdp_cb(const struct nlmsghdr *nh, void *ctx)
{
	struct xdp_q *q = ctx;
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	const struct nlattr *a;
	size_t off, len = nh->nlmsg_len;

	if (nh->nlmsg_type != RTM_NEWLINK || len < NLMSG_LENGTH(sizeof(*ifi)) ||
	    ifi->ifi_index != q->ifindex)
		return 0;
	for (off = NLMSG_LENGTH(sizeof(*ifi)); off + NLA_HDRLEN <= len;
	     off += NLA_ALIGN(a->nla_len)) {
		size_t in;

		a = (const struct nlattr *)((const char *)nh + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > len)
			return -EPROTO;
		if ((a->nla_type & NLA_TYPE_MASK) != IFLA_XDP)
			continue;
		for (in = NLA_HDRLEN; in + NLA_HDRLEN <= a->nla_len;) {
			const struct nlattr *x = (const struct nlattr *)((const char *)a + in);
			const char *v = (const char *)x + NLA_HDRLEN;

			if (x->nla_len < NLA_HDRLEN || in + x->nla_len > a->nla_len)
				return -EPROTO;
			if (x->nla_type == IFLA_XDP_ATTACHED && x->nla_len >= NLA_HDRLEN + 1)
				q->mode = (uint8_t)v[0];
			else if (x->nla_type == IFLA_XDP_PROG_ID && x->nla_len >= NLA_HDRLEN + 4)
				memcpy(&q->id, v, 4);
			in += NLA_ALIGN(x->nla_len);
		}
	}
	return 0;
}

int mb_nl_xdp_query(int ifindex, uint32_t *prog_id, uint8_t *attach_mode)
{
	struct xdp_q q = { .ifindex = ifindex };
	struct nl_req r;
	char what[64];
	int err;

	req_init(&r, RTM_GETLINK, 0, sizeof(r.u.ifi));
	r.u.ifi.ifi_family = AF_UNSPEC;
	r.u.ifi.ifi_index = ifindex;
	snprintf(what, sizeof(what), "RTM_GETLINK ifindex=%d", ifindex);
	err = nl_talk(&r, what, xdp_cb, &q);
	if (err)
		return err;
	if (prog_id)
		*prog_id = q.id;
	if (attach_mode)
		*attach_mode = q.mode;
	return 0;
}

int mb_nl_clsact(int ifindex, int add)
{
	struct nl_req r;
	char what[64];
	int err;

	req_init(&r, add ? RTM_NEWQDISC : RTM_DELQDISC, add ? NLM_F_CREATE | NLM_F_EXCL : 0,
		 sizeof(r.u.tc));
	r.u.tc.tcm_family = AF_UNSPEC;
	r.u.tc.tcm_ifindex = ifindex;
	r.u.tc.tcm_handle = TC_H_MAKE(TC_H_CLSACT, 0);
	r.u.tc.tcm_parent = TC_H_CLSACT;
	nla_put(&r, TCA_KIND, "clsact", sizeof("clsact"));
	snprintf(what, sizeof(what), "%s ifindex=%d clsact", add ? "RTM_NEWQDISC" : "RTM_DELQDISC",
		 ifindex);
	err = nl_talk(&r, what, NULL, NULL);
	return add && err == -EEXIST ? 0 : err;
}

static void tc_filter_msg(struct nl_req *r, uint16_t type, uint16_t flags, int ifindex,
			  int egress, uint32_t priority, uint32_t handle)
{
	req_init(r, type, flags, sizeof(r->u.tc));
	r->u.tc.tcm_family = AF_UNSPEC;
	r->u.tc.tcm_ifindex = ifindex;
	r->u.tc.tcm_handle = handle;
	r->u.tc.tcm_parent = TC_H_MAKE(TC_H_CLSACT, egress ? TC_H_MIN_EGRESS : TC_H_MIN_INGRESS);
	r->u.tc.tcm_info = TC_H_MAKE(priority << 16, htons(ETH_P_ALL));
	nla_put(r, TCA_KIND, "bpf", sizeof("bpf"));
}

int mb_nl_tc_filter_add(int ifindex, int egress, int prog_fd, const char *name,
			uint32_t priority, uint32_t handle)
{
	uint32_t fd = (uint32_t)prog_fd, fl = TCA_BPF_FLAG_ACT_DIRECT;
	struct nl_req r;
	struct nlattr *nest;
	char what[128];

	tc_filter_msg(&r, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, ifindex, egress, priority,
		      handle);
	nest = nla_put(&r, TCA_OPTIONS | NLA_F_NESTED, NULL, 0);
	nla_put(&r, TCA_BPF_FD, &fd, sizeof(fd));
	if (name)
		nla_put(&r, TCA_BPF_NAME, name, strnlen(name, 64) + 1);
	nla_put(&r, TCA_BPF_FLAGS, &fl, sizeof(fl));
	nla_end(&r, nest);
	snprintf(what, sizeof(what), "RTM_NEWTFILTER ifindex=%d %s bpf fd=%d prio=%u handle=%u da",
		 ifindex, egress ? "egress" : "ingress", prog_fd, priority, handle);
	return nl_talk(&r, what, NULL, NULL);
}

int mb_nl_tc_filter_del(int ifindex, int egress, uint32_t priority, uint32_t handle)
{
	struct nl_req r;
	char what[96];

	tc_filter_msg(&r, RTM_DELTFILTER, 0, ifindex, egress, priority, handle);
	snprintf(what, sizeof(what), "RTM_DELTFILTER ifindex=%d %s prio=%u handle=%u", ifindex,
		 egress ? "egress" : "ingress", priority, handle);
	return nl_talk(&r, what, NULL, NULL);
}

#else /* MB_NET */

/* Built without netlink (MB_NET=0): XDP and tc attach through bpf_link
 * only (XDP links are 5.9+, tcx 6.6+). */
const char *mb_nl_errmsg(void)
{
	return "built without netlink (MB_NET=0)";
}

int mb_nl_xdp_set(int ifindex, int prog_fd, uint32_t flags)
{
	(void)ifindex; (void)prog_fd; (void)flags;
	return -EOPNOTSUPP;
}

int mb_nl_xdp_query(int ifindex, uint32_t *prog_id, uint8_t *attach_mode)
{
	(void)ifindex; (void)prog_id; (void)attach_mode;
	return -EOPNOTSUPP;
}

int mb_nl_clsact(int ifindex, int add)
{
	(void)ifindex; (void)add;
	return -EOPNOTSUPP;
}

int mb_nl_tc_filter_add(int ifindex, int egress, int prog_fd, const char *name,
			uint32_t priority, uint32_t handle)
{
	(void)ifindex; (void)egress; (void)prog_fd; (void)name; (void)priority; (void)handle;
	return -EOPNOTSUPP;
}

int mb_nl_tc_filter_del(int ifindex, int egress, uint32_t priority, uint32_t handle)
{
	(void)ifindex; (void)egress; (void)priority; (void)handle;
	return -EOPNOTSUPP;
}
#endif /* MB_NET */
