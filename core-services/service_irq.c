/*
 * core's IRQ service: interrupts of a PCI function by policy (label and
 * function): its INTx line (one session per function) or one of its
 * MSI/MSI-X vectors (one session per vector), delivered as an fd readable
 * per interrupt; a line stays masked until the client acks. Args:
 * irq_args.h; mechanism per function: linux/irq_select.c (UIO or VFIO), behind
 * irq_backend.h. docs/irq.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mkx/args.h>
#include <mkx/irq.h>
#include "core.h"
#include "irq_args.h"
#include "irq_backend.h"
#include "irq_select.h"

#define EXTRA_LINES_MAX	7

struct irq_session;

/* Another function's line in a session by GSI (irq_number alone): core forwards and unmasks all. */
struct irq_extra {
	struct irq_session	*s;
	const struct irq_backend *be;
	unsigned		bdf;
	void			*line;
	int			fd;
};

struct irq_session {
	const struct irq_backend *be;
	unsigned	bdf;
	void		*line;
	int		fd;		/* the backend's event fd, watched by the loop */
	int		sigfd;		/* the client's eventfd, when core forwards */
	int		given_fd;	/* the source fd handed to the client */
	int		ack_efd;	/* UIO: core's end of the ack socket pair, or -1 */
	int		ack_given;	/* the ack fd handed to the client, or -1 */
	uint32_t	gsi;
	struct irq_request rq;
	struct irq_line_info info;
	unsigned long	acks_async;	/* acks that came through the ack socket */
	unsigned long	count;
	unsigned	dropped;	/* signals the client's full eventfd did not take */
	unsigned	forward_logged;
	const struct child *client;
	char		label[192];
	struct irq_extra extra[EXTRA_LINES_MAX];	/* a GSI session's other functions */
	unsigned	nextra;
};

/*
 * Room for as many IRQ sessions as core has sessions at all (every one
 * could be an IRQ session): the table cannot fill before core's session
 * table, itself bounded per child. A client may hold at most
 * IRQ_SESSIONS_PER_CLIENT (each is a kernel line, an eventfd, fds): one
 * client cannot take the interrupts of the others (issue 22: 16 slots
 * served all of core, and one client could take them all).
 */
#define IRQ_SESSIONS_MAX	CORE_SESSIONS_MAX
#define IRQ_SESSIONS_PER_CLIENT	16

static struct irq_session *active[IRQ_SESSIONS_MAX];

static const char *const type_names[] = { "INTx", "MSI", "MSI-X" };

int
irq_config_write_check(unsigned bdf, unsigned reg, unsigned width, uint32_t value, char *why, size_t whylen)
{
	for (unsigned i = 0; i < IRQ_SESSIONS_MAX; i++) {
		struct irq_session *s = active[i];
		int err;

		if (!s || s->bdf != bdf || s->rq.type == IRQ_TYPE_LEGACY || !s->be->config_write_check)
			continue;
		if ((err = s->be->config_write_check(s->line, reg, width, value, why, whylen)))
			return err;
	}
	return 0;
}

/* 1 if session s holds function bdf (its own line or, for a GSI session, another). */
static int
holds(const struct irq_session *s, unsigned bdf)
{
	if (s->bdf == bdf)
		return 1;
	for (unsigned k = 0; k < s->nextra; k++)
		if (s->extra[k].bdf == bdf)
			return 1;
	return 0;
}

const char *
irq_function_holder(unsigned bdf, const struct child *except)
{
	for (unsigned i = 0; i < IRQ_SESSIONS_MAX; i++)
		if (active[i] && holds(active[i], bdf) && active[i]->client != except)
			return active[i]->label;
	return NULL;
}

/*
 * Forwarding: core reads the source and signals the client's eventfd.
 * The eventfd is the client's file, so core writes it only in
 * non-blocking mode (set at SIGH; a client that clears the flag again
 * loses forwarding): a full counter costs the client that signal, never
 * core its loop.
 */
static void unwatch_sources(struct irq_session *s);

static void
forward(struct irq_session *s, int n)
{
	uint64_t one = 1;
	int fl;

	if (n < 0 || s->sigfd < 0)
		return;
	s->count++;
	fl = fcntl(s->sigfd, F_GETFL);
	if (fl < 0 || !(fl & O_NONBLOCK)) {
		core_log("IRQ \"%s\": the signal eventfd was made blocking; core stops forwarding", s->label);
		unwatch_sources(s);
		close(s->sigfd);
		s->sigfd = -1;
		return;
	}
	if (write(s->sigfd, &one, sizeof one) != sizeof one && s->dropped++ < 8)
		core_log("IRQ \"%s\": cannot signal the client (%s); interrupt dropped%s", s->label,
		    strerror(errno), s->dropped == 8 ? " (further drops not logged)" : "");
}

static void
on_interrupt(void *arg)
{
	struct irq_session *s = arg;

	forward(s, s->be->event(s->line));
}

static void
on_extra_interrupt(void *arg)
{
	struct irq_extra *x = arg;

	forward(x->s, x->be->event(x->line));
}

/* Watch every source of s (SIGH). 0 or -ENOSPC. */
static int
watch_sources(struct irq_session *s)
{
	if (loop_watch(s->fd, on_interrupt, s))
		return -ENOSPC;
	for (unsigned k = 0; k < s->nextra; k++)
		if (loop_watch(s->extra[k].fd, on_extra_interrupt, &s->extra[k])) {
			unwatch_sources(s);
			return -ENOSPC;
		}
	return 0;
}

static void
unwatch_sources(struct irq_session *s)
{
	loop_unwatch(s->fd);
	for (unsigned k = 0; k < s->nextra; k++)
		loop_unwatch(s->extra[k].fd);
}

/* Unmask every line of s: 0 or the first error. */
static int
unmask_all(struct irq_session *s)
{
	int err = s->be->unmask(s->line);

	for (unsigned k = 0; k < s->nextra; k++) {
		int e = s->extra[k].be->unmask(s->extra[k].line);

		if (!err)
			err = e;
	}
	return err;
}

/*
 * The source fd reaches more than the interrupt when the backend lets its
 * holder map memory (UIO maps of the function's BARs). Hand it out only
 * to a client that holds all of that through IO_MEM; 0 if it may have it.
 */
static int
source_fd_reaches_more(struct irq_session *s, char *what, size_t len)
{
	uint64_t base[8], size[8];
	int n = s->be->client_fd_reach ? s->be->client_fd_reach(s->line, base, size, 8) : 0;

	if (n < 0) {
		snprintf(what, len, "what the fd maps cannot be read (%s)", strerror(-n));
		return 1;
	}
	for (int i = 0; i < n; i++)
		if (!io_mem_client_holds(s->client, base[i], size[i])) {
			snprintf(what, len, "the fd maps 0x%llx-0x%llx, which this client does not hold",
			    (unsigned long long)base[i], (unsigned long long)(base[i] + size[i] - 1));
			return 1;
		}
	if (n > 0)
		core_log("IRQ \"%s\": source fd handed out; it maps %d range(s) from 0x%llx, all held by this client",
		    s->label, n, (unsigned long long)base[0]);
	return 0;
}

/*
 * Who answers questions about the machine (a function's IDs, which
 * function an ECAM address names): the sim for tests, else Linux's sysfs
 * and MCFG, whichever mechanism then takes the interrupt.
 */
static const struct irq_backend *
machine(void)
{
	return !strcmp(core_cfg->irq_backend, "sim") ? &irq_sim : &irq_vfio;
}

/* The policy that grants label the interrupts of bdf, or NULL with why. */
static const struct irq_policy *
policy_allows(const char *label, unsigned bdf, char *why, size_t whylen)
{
	unsigned vendor = 0, device = 0;
	int known = machine()->identify(bdf, &vendor, &device) == 0, any = 0;

	for (unsigned i = 0; i < core_cfg->nirq; i++) {
		const struct irq_policy *p = &core_cfg->irq[i];

		if (!label_matches(p->label, p->label_prefix, label))
			continue;
		any = 1;
		if (p->bdf >= 0 ? (unsigned)p->bdf == bdf : known && p->vendor == vendor && p->device == device)
			return p;
	}
	snprintf(why, whylen, "the interrupt of %02x:%02x.%u is outside the policy (%s)", bdf >> 8,
	    (bdf >> 3) & 0x1f, bdf & 7, any ? "policies for this label name other functions"
	    : "no IRQ policy matches this label");
	return NULL;
}

/* The mechanism the config asks for this function: its policy's backend=, else <irq backend=> (sim: always). */
static const char *
mechanism(const struct irq_policy *p)
{
	return p && p->backend[0] && strcmp(core_cfg->irq_backend, "sim") ? p->backend : core_cfg->irq_backend;
}

/*
 * Which function the args name: pci=, device_config_phys (through the
 * machine's ECAM windows) or bdf=, all agreeing. 0 or -errno with why.
 */
static int
resolve_function(const struct irq_args *a, unsigned *bdf, char *why, size_t whylen)
{
	unsigned v, d;

	if (a->has_config_phys) {
		int rc = machine()->ecam_function ? machine()->ecam_function(a->config_phys, bdf) : -ENOENT;

		if (rc) {
			snprintf(why, whylen, rc == -ENODEV ? "device_config_phys=0x%llx: no PCI function there"
			    : "device_config_phys=0x%llx is not in an ECAM window of the MCFG table",
			    (unsigned long long)a->config_phys);
			return rc == -ENODEV ? -ENODEV : -EINVAL;
		}
		if ((a->has_pci && a->pci_bdf != *bdf) || (a->rid != IRQ_BDF_NONE && a->rid != *bdf)) {
			snprintf(why, whylen, "device_config_phys=0x%llx is %02x:%02x.%u, not the function pci=/bdf= name",
			    (unsigned long long)a->config_phys, *bdf >> 8, (*bdf >> 3) & 0x1f, *bdf & 7);
			return -EINVAL;
		}
	} else if (a->has_pci)
		*bdf = a->pci_bdf;
	else if (a->rid != IRQ_BDF_NONE)
		*bdf = a->rid;
	else {
		snprintf(why, whylen, "IRQ session: no function named");
		return -EINVAL;
	}
	if (machine()->identify(*bdf, &v, &d)) {
		snprintf(why, whylen, "there is no PCI function %02x:%02x.%u", *bdf >> 8, (*bdf >> 3) & 0x1f, *bdf & 7);
		return -ENODEV;
	}
	return 0;
}

/* Take one function's INTx line or MSI/MSI-X vector through the mechanism irq_select picks. */
static int
attach_one(const char *mech, const struct irq_request *rq, const struct irq_backend **bep, void **line, int *fd,
    struct irq_line_info *info, char *why, size_t whylen)
{
	const struct irq_backend *be = irq_select(mech, rq, why, whylen);

	memset(info, 0, sizeof *info);
	if (!(*bep = be))
		return rq->type == IRQ_TYPE_LEGACY ? -ENODEV : -ENOTSUP;
	if (be->attach_request)
		return be->attach_request(rq, line, fd, info, why, whylen);
	if (rq->type == IRQ_TYPE_LEGACY)
		return be->attach(rq->bdf, line, fd, &info->gsi, why, whylen);
	snprintf(why, whylen, "%s has no MSI", be->name);
	return -ENOTSUP;
}

/*
 * A legacy session by GSI alone (Genode's irq_number without a function):
 * every function the label's policies grant, free, and on that GSI. Linux
 * tells a function's GSI only once it is enabled, so core takes each
 * candidate and keeps those on the line. Several functions: core forwards
 * and unmasks them together.
 */
static int
open_by_gsi(struct irq_session *s, const char *label, unsigned long gsi, char *why, size_t whylen)
{
	unsigned fns[256], granted = 0;
	int n = machine()->functions ? machine()->functions(fns, 256) : 0;
	char scratch[256];

	for (int i = 0; i < n; i++) {
		struct irq_request rq = { .bdf = fns[i], .type = IRQ_TYPE_LEGACY, .owner = s->client };
		const struct irq_backend *be;
		struct irq_line_info info;
		const struct irq_policy *pol;
		void *line;
		int fd;

		if (!(pol = policy_allows(label, fns[i], scratch, sizeof scratch)))
			continue;
		granted++;
		if (irq_function_holder(fns[i], NULL) ||
		    attach_one(mechanism(pol), &rq, &be, &line, &fd, &info, scratch, sizeof scratch))
			continue;
		if (info.gsi != gsi || (s->line && s->nextra == EXTRA_LINES_MAX)) {
			be->detach(line);
			continue;
		}
		if (!s->line) {
			s->be = be;
			s->line = line;
			s->fd = fd;
			s->bdf = fns[i];
			s->info = info;
			s->rq = rq;
		} else
			s->extra[s->nextra++] = (struct irq_extra){ .s = s, .be = be, .bdf = fns[i], .line = line, .fd = fd };
	}
	if (!s->line) {
		snprintf(why, whylen, "GSI %lu: no free function the IRQ policy grants to this label is on it "
		    "(%u function(s) granted)", gsi, granted);
		return -EPERM;
	}
	return 0;
}

/*
 * A free slot in core's table for a new session of client: refused while
 * another session holds the function's interrupts in another mode, or the
 * same vector (-EBUSY), or when the client or the table is full (-EAGAIN).
 * The slot, or -errno with why filled in.
 */
static int
free_slot(struct child *client, const char *label, const struct irq_args *a, int by_gsi, unsigned bdf,
    char *why, size_t whylen)
{
	unsigned slot = IRQ_SESSIONS_MAX, mine = 0;

	for (unsigned i = 0; i < IRQ_SESSIONS_MAX; i++) {
		const struct irq_session *o = active[i];

		if (o && o->client == client)
			mine++;

		if (!by_gsi && o && holds(o, bdf) && (o->rq.type != a->type || o->rq.vector == a->vector)) {
			char pci[16];

			snprintf(pci, sizeof pci, "%02x:%02x.%u", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
			if (o->rq.type != a->type)
				snprintf(why, whylen, "the interrupts of %s are held as %s by \"%s\"", pci,
				    type_names[o->rq.type], o->label);
			else
				snprintf(why, whylen, "the %s%s of %s is held by \"%s\"", type_names[a->type],
				    a->type == IRQ_TYPE_MSIX ? " vector" : "", pci, o->label);
			return -EBUSY;
		}
		if (!o && slot == IRQ_SESSIONS_MAX)
			slot = i;
	}
	if (mine >= IRQ_SESSIONS_PER_CLIENT) {
		snprintf(why, whylen, "\"%s\" holds %u IRQ sessions, the most one client may hold", label, mine);
		return -EAGAIN;
	}
	if (slot == IRQ_SESSIONS_MAX) {
		snprintf(why, whylen, "core's table of %d IRQ sessions is full", IRQ_SESSIONS_MAX);
		return -EAGAIN;
	}
	return (int)slot;
}

/* What was granted, to whom and through which back end, in core's log. */
static void
log_grant(const struct irq_session *s, const char *label, const struct irq_args *a, int by_gsi)
{
	char pci[16];

	snprintf(pci, sizeof pci, "%02x:%02x.%u", s->bdf >> 8, (s->bdf >> 3) & 0x1f, s->bdf & 7);
	if (by_gsi) {
		char more[96] = "";

		for (unsigned k = 0; k < s->nextra; k++)
			snprintf(more + strlen(more), sizeof more - strlen(more), ", %02x:%02x.%u",
			    s->extra[k].bdf >> 8, (s->extra[k].bdf >> 3) & 0x1f, s->extra[k].bdf & 7);
		core_log("IRQ \"%s\": GSI %u: %s%s granted through %s%s", label, s->gsi, pci, more, s->be->name,
		    s->nextra ? " (core forwards and unmasks them together)" : "");
	} else if (a->type == IRQ_TYPE_LEGACY)
		core_log("IRQ \"%s\": %s (GSI %u) granted through %s", label, pci, s->gsi, s->be->name);
	else
		core_log("IRQ \"%s\": %s %s vector %u granted through %s, message 0x%llx/0x%x", label, pci,
		    type_names[a->type], a->vector, s->be->name, (unsigned long long)s->info.msi_address,
		    s->info.msi_value);
}

static int
irq_open(struct child *client, const char *label, const char *args, void **state, char *why, size_t whylen)
{
	unsigned bdf = 0, slot;
	struct irq_session *s;
	struct irq_args a;
	const struct irq_policy *pol = NULL;
	int err, by_gsi;

	if ((err = irq_args_parse(args, &a, why, whylen)))
		return err;
	by_gsi = a.type == IRQ_TYPE_LEGACY && a.has_number && !a.has_pci && !a.has_config_phys &&
	    a.rid == IRQ_BDF_NONE;
	if (!by_gsi) {
		if ((err = resolve_function(&a, &bdf, why, whylen)))
			return err;
		if (!(pol = policy_allows(label, bdf, why, whylen)))
			return -EPERM;
	}
	if ((err = free_slot(client, label, &a, by_gsi, bdf, why, whylen)) < 0)
		return err;
	slot = (unsigned)err;
	s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->client = client;
	s->sigfd = -1;
	s->given_fd = -1;
	s->ack_efd = -1;
	s->ack_given = -1;
	snprintf(s->label, sizeof s->label, "%s", label);
	if (by_gsi)
		err = open_by_gsi(s, label, a.number, why, whylen);
	else {
		s->bdf = bdf;
		s->rq = (struct irq_request){ .bdf = bdf, .type = a.type, .vector = a.vector, .owner = client,
		    .has_domain = a.has_domain, .domain = a.domain };
		err = attach_one(mechanism(pol), &s->rq, &s->be, &s->line, &s->fd, &s->info, why, whylen);
	}
	if (err) {
		free(s);
		return err;
	}
	s->gsi = s->info.gsi;
	active[slot] = s;
	log_grant(s, label, &a, by_gsi);
	*state = s;
	return 0;
}

/*
 * The asynchronous ack (UIO): the client wrote its end of the ack socket
 * pair and went back to waiting; core unmasks without a reply. A socket
 * pair, not an eventfd: a shared eventfd would share its open file (and
 * O_NONBLOCK) with the client, which could make core's read block; core
 * reads its own end with MSG_DONTWAIT, whatever the client does.
 *
 * One recvmmsg takes every ack queued (up to ACKS_PER_TURN) and they make
 * one unmask: the system calls of an ack on core's side are the loop's
 * poll, this recvmmsg and the config write (uio_unmask: read and write of
 * the command register), nothing else (make bench counts them). Before,
 * a recvmsg per ack plus one more that found the queue empty. More acks
 * than ACKS_PER_TURN leave the socket readable: the next turn takes them,
 * so a client that floods its ack socket gets one unmask per turn and
 * never more of core than one turn of the loop.
 */
#define ACKS_PER_TURN	16

static void
on_ack(void *arg)
{
	/* Room for SCM_RIGHTS's most (253) per message: nothing truncated, so no fd is closed inside the call. */
	static union {
		char b[CMSG_SPACE(sizeof(int) * 253)];
		struct cmsghdr align;
	} ctl[ACKS_PER_TURN];
	static char buf[ACKS_PER_TURN][16];
	struct mmsghdr m[ACKS_PER_TURN];
	struct iovec iov[ACKS_PER_TURN];
	struct irq_session *s = arg;
	int n;

	for (unsigned i = 0; i < ACKS_PER_TURN; i++) {
		iov[i] = (struct iovec){ .iov_base = buf[i], .iov_len = sizeof buf[i] };
		m[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1, .msg_control = ctl[i].b,
		    .msg_controllen = sizeof ctl[i].b } };
	}
	n = recvmmsg(s->ack_efd, m, ACKS_PER_TURN, MSG_DONTWAIT | MSG_CMSG_CLOEXEC, NULL);
	if (n <= 0)
		return;
	/* fds a client sent along: closed as foreign ones (fd_check.c), never inside the receive. */
	for (int i = 0; i < n; i++)
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m[i].msg_hdr); c; c = CMSG_NXTHDR(&m[i].msg_hdr, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
				for (size_t k = 0; k < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); k++) {
					int fd;

					memcpy(&fd, CMSG_DATA(c) + k * sizeof fd, sizeof fd);
					fd_close_foreign(fd);
				}
	s->acks_async += (unsigned long)n;
	unmask_all(s);
}

/* MKX_IRQ_ACK_FD: the kernel's unmask eventfd (VFIO), else a socket core watches (UIO). */
static int
ack_fd(struct irq_session *s, struct mkx_reply *r)
{
	uint32_t how = MKX_IRQ_ACK_BY_KERNEL;
	int fd = s->be->ack_fd && !s->nextra ? s->be->ack_fd(s->line) : -ENOTSUP;

	if (fd == -ENOTSUP && s->rq.type == IRQ_TYPE_LEGACY) {
		int sp[2];

		if (s->ack_efd >= 0)
			return -EBUSY;	/* one ack channel per session */
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sp))
			return -errno;
		if (loop_watch(sp[0], on_ack, s)) {
			close(sp[0]);
			close(sp[1]);
			return -ENOSPC;
		}
		s->ack_efd = sp[0];
		fd = sp[1];
		how = MKX_IRQ_ACK_BY_CORE;
	}
	if (fd < 0)
		return fd == -ENOTSUP ? -ENOSYS : fd;
	if (s->ack_given >= 0)
		close(s->ack_given);
	s->ack_given = fd;	/* closed with the session, after the reply took its copy */
	r->fds[0] = fd;
	r->nfds = 1;
	memcpy(r->payload, &how, sizeof how);
	r->len = sizeof how;
	return 0;
}

static int
irq_call(void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	struct irq_session *s = state;
	struct mkx_irq_info_msg info;

	switch (req->hdr.op) {
	case MKX_IRQ_SIGH: {	/* core forwards: watch the source from now on */
		int fd;

		if (req->hdr.nfds != 1 || !fd_is_eventfd(req->fds[0]))
			return -EINVAL;	/* a pipe or socket could block core or fill up */
		if (s->given_fd >= 0)
			return -EBUSY;	/* the client holds the source: core must not read a file it shares */
		fd = req->fds[0];
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
			return -errno;
		if (s->sigfd < 0 && watch_sources(s))
			return -ENOSPC;
		if (s->sigfd >= 0)
			close(s->sigfd);
		s->sigfd = mkx_msg_take_fd(req, 0);
		return 0;
	}
	case MKX_IRQ_FD: {	/* the client waits on the source itself */
		char what[128];
		int fd;

		if (s->nextra)
			return -ENOSYS;	/* several sources: core forwards them to one eventfd */
		if (s->sigfd >= 0)
			return -EBUSY;	/* core forwards already: it reads the source */
		if (source_fd_reaches_more(s, what, sizeof what)) {
			if (!s->forward_logged++)
				core_log("IRQ \"%s\": interrupts forwarded by core, source fd not handed out: %s",
				    s->label, what);
			return -ENOSYS;	/* the client library falls back to SIGH */
		}
		fd = s->be->client_fd ? s->be->client_fd(s->line) : -ENOTSUP;

		if (fd < 0)
			return fd == -ENOTSUP ? -ENOSYS : fd;
		if (s->given_fd >= 0)
			close(s->given_fd);
		s->given_fd = fd;	/* closed with the session, after the reply took its copy */
		r->fds[0] = fd;
		r->nfds = 1;
		memcpy(r->payload, &s->be->client_fd_format, sizeof(uint32_t));
		r->len = sizeof(uint32_t);
		return 0;
	}
	case MKX_IRQ_ACK:
		return unmask_all(s);
	case MKX_IRQ_ACK_FD:
		return ack_fd(s, r);
	case MKX_IRQ_INFO:	/* Genode's Info {type, address, value}, after version 1's gsi and type */
		memset(&info, 0, sizeof info);
		info.gsi = s->gsi;
		info.type = s->rq.type;
		if (s->rq.type != IRQ_TYPE_LEGACY) {
			uint64_t address = s->info.msi_address;
			uint32_t value = s->info.msi_value;

			/* What the device holds now: the kernel may have moved the vector since the open. */
			if (s->be->msi_message)
				s->be->msi_message(s->line, &address, &value);
			info.info_type = 1;
			info.flags = MKX_IRQ_INFO_NO_ACK;
			info.address = address;
			info.value = value;
		}
		memcpy(r->payload, &info, sizeof info);
		r->len = sizeof info;
		return 0;
	default:
		return -ENOSYS;
	}
}

static void
irq_close(void *state)
{
	struct irq_session *s = state;

	if (s->sigfd >= 0) {
		unwatch_sources(s);
		close(s->sigfd);
	}
	if (s->given_fd >= 0)
		close(s->given_fd);
	if (s->ack_efd >= 0) {
		loop_unwatch(s->ack_efd);
		fd_close_foreign(s->ack_efd);	/* with what the client still queued in it */
	}
	if (s->ack_given >= 0)
		close(s->ack_given);
	s->be->detach(s->line);
	for (unsigned k = 0; k < s->nextra; k++)
		s->extra[k].be->detach(s->extra[k].line);
	for (unsigned i = 0; i < IRQ_SESSIONS_MAX; i++)
		if (active[i] == s)
			active[i] = NULL;
	if (s->sigfd >= 0 || s->count)
		core_log("IRQ \"%s\": released after %lu interrupts forwarded by core", s->label, s->count);
	else if (s->acks_async)
		core_log("IRQ \"%s\": released (delivered directly to the client; %lu acks through the ack socket)",
		    s->label, s->acks_async);
	else
		core_log("IRQ \"%s\": released (delivered directly to the client)", s->label);
	free(s);
}

const struct core_service service_irq = {
	.name = "IRQ", .open = irq_open, .call = irq_call, .close = irq_close,
};
