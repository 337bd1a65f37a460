/*
 * core's IRQ service: interrupts of a PCI function by policy (label and
 * function), one session per function, delivered as an eventfd signal per
 * interrupt; the line stays masked until the client acks. Mechanism:
 * irq_backend.h (UIO today).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/args.h>
#include <mkx/irq.h>
#include "core.h"
#include "irq_backend.h"

struct irq_session {
	const struct irq_backend *be;
	unsigned	bdf;
	void		*line;
	int		fd;		/* the backend's event fd, watched by the loop */
	int		sigfd;		/* the client's eventfd, when core forwards */
	int		given_fd;	/* the source fd handed to the client */
	uint32_t	gsi;
	unsigned long	count;
	unsigned	dropped;	/* signals the client's full eventfd did not take */
	unsigned	forward_logged;
	const struct child *client;
	char		label[192];
};

static struct irq_session *active[16];

const char *
irq_function_holder(unsigned bdf, const struct child *except)
{
	for (unsigned i = 0; i < 16; i++)
		if (active[i] && active[i]->bdf == bdf && active[i]->client != except)
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
static void
on_interrupt(void *arg)
{
	struct irq_session *s = arg;
	const struct irq_backend *be = s->be;
	uint64_t one = 1;
	int n = be->event(s->line), fl;

	if (n < 0 || s->sigfd < 0)
		return;
	s->count++;
	fl = fcntl(s->sigfd, F_GETFL);
	if (fl < 0 || !(fl & O_NONBLOCK)) {
		core_log("IRQ \"%s\": the signal eventfd was made blocking; core stops forwarding", s->label);
		loop_unwatch(s->fd);
		close(s->sigfd);
		s->sigfd = -1;
		return;
	}
	if (write(s->sigfd, &one, sizeof one) != sizeof one && s->dropped++ < 8)
		core_log("IRQ \"%s\": cannot signal the client (%s); interrupt dropped%s", s->label,
		    strerror(errno), s->dropped == 8 ? " (further drops not logged)" : "");
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

/* The mechanism <irq backend=...> asks for: the sim for tests, else UIO. */
static const struct irq_backend *
backend(void)
{
	return !strcmp(core_cfg->irq_backend, "sim") ? &irq_sim : &irq_uio;
}

static int
policy_allows(const char *label, unsigned bdf, char *why, size_t whylen)
{
	unsigned vendor = 0, device = 0;
	int known = backend()->identify(bdf, &vendor, &device) == 0, any = 0;

	for (unsigned i = 0; i < core_cfg->nirq; i++) {
		const struct irq_policy *p = &core_cfg->irq[i];

		if (!label_matches(p->label, p->label_prefix, label))
			continue;
		any = 1;
		if (p->bdf >= 0 ? (unsigned)p->bdf == bdf : known && p->vendor == vendor && p->device == device)
			return 1;
	}
	snprintf(why, whylen, "the interrupt of %02x:%02x.%u is outside the policy (%s)", bdf >> 8,
	    (bdf >> 3) & 0x1f, bdf & 7, any ? "policies for this label name other functions"
	    : "no IRQ policy matches this label");
	return 0;
}

static int
irq_open(struct child *client, const char *label, const char *args, void **state, char *why, size_t whylen)
{
	char pci[32];
	unsigned bdf, slot = 16;
	struct irq_session *s;
	int err;

	if (mkx_arg_string(args, "pci", pci, sizeof pci) || parse_bdf(pci, &bdf)) {
		snprintf(why, whylen, "IRQ session needs pci=\"BB:DD.F\" (got \"%.60s\")", args);
		return -EINVAL;
	}
	if (!policy_allows(label, bdf, why, whylen))
		return -EPERM;
	for (unsigned i = 0; i < 16; i++) {
		if (active[i] && active[i]->bdf == bdf) {
			snprintf(why, whylen, "the interrupt of %s is held by \"%s\"", pci, active[i]->label);
			return -EBUSY;
		}
		if (!active[i] && slot == 16)
			slot = i;
	}
	if (slot == 16) {
		snprintf(why, whylen, "core serves 16 IRQ sessions at most");
		return -EAGAIN;
	}
	s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->bdf = bdf;
	s->client = client;
	s->sigfd = -1;
	s->given_fd = -1;
	snprintf(s->label, sizeof s->label, "%s", label);
	s->be = backend();
	err = s->be->attach(bdf, &s->line, &s->fd, &s->gsi, why, whylen);
	if (err) {
		free(s);
		return err;
	}
	active[slot] = s;
	core_log("IRQ \"%s\": %s (GSI %u) granted through %s", label, pci, s->gsi, s->be->name);
	*state = s;
	return 0;
}

static int
irq_call(void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	struct irq_session *s = state;
	uint32_t info[2];

	switch (req->hdr.op) {
	case MKX_IRQ_SIGH: {	/* core forwards: watch the source from now on */
		int fd;

		if (req->hdr.nfds != 1 || !fd_is_eventfd(req->fds[0]))
			return -EINVAL;	/* a pipe or socket could block core or fill up */
		fd = req->fds[0];
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
			return -errno;
		if (s->sigfd < 0 && loop_watch(s->fd, on_interrupt, s))
			return -ENOSPC;
		if (s->sigfd >= 0)
			close(s->sigfd);
		s->sigfd = mkx_msg_take_fd(req, 0);
		return 0;
	}
	case MKX_IRQ_FD: {	/* the client waits on the source itself */
		char what[128];
		int fd;

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
		return 0;
	}
	case MKX_IRQ_ACK:
		return s->be->unmask(s->line);
	case MKX_IRQ_INFO:
		info[0] = s->gsi;
		info[1] = 0;
		memcpy(r->payload, info, sizeof info);
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
		loop_unwatch(s->fd);
		close(s->sigfd);
	}
	if (s->given_fd >= 0)
		close(s->given_fd);
	s->be->detach(s->line);
	for (unsigned i = 0; i < 16; i++)
		if (active[i] == s)
			active[i] = NULL;
	if (s->sigfd >= 0 || s->count)
		core_log("IRQ \"%s\": released after %lu interrupts forwarded by core", s->label, s->count);
	else
		core_log("IRQ \"%s\": released (delivered directly to the client)", s->label);
	free(s);
}

const struct core_service service_irq = {
	.name = "IRQ", .open = irq_open, .call = irq_call, .close = irq_close,
};
