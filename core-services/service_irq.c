/*
 * core's IRQ service: interrupts of a PCI function by policy (label and
 * function), one session per function, delivered as an eventfd signal per
 * interrupt; the line stays masked until the client acks. Mechanism:
 * irq_backend.h (UIO today).
 */
#define _GNU_SOURCE
#include <errno.h>
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
	unsigned	bdf;
	void		*line;
	int		fd;		/* the backend's event fd, watched by the loop */
	int		sigfd;		/* the client's eventfd, when core forwards */
	int		given_fd;	/* the source fd handed to the client */
	uint32_t	gsi;
	unsigned long	count;
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

static void
on_interrupt(void *arg)
{
	struct irq_session *s = arg;
	const struct irq_backend *be = &irq_uio;
	uint64_t one = 1;
	int n = be->event(s->line);

	if (n < 0)
		return;
	s->count++;
	if (s->sigfd >= 0 && write(s->sigfd, &one, sizeof one) != sizeof one)
		core_log("IRQ \"%s\": cannot signal the client", s->label);
}

static int
policy_allows(const char *label, unsigned bdf, char *why, size_t whylen)
{
	unsigned vendor = 0, device = 0;
	int known = irq_uio.identify(bdf, &vendor, &device) == 0, any = 0;

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
	err = irq_uio.attach(bdf, &s->line, &s->fd, &s->gsi, why, whylen);
	if (err) {
		free(s);
		return err;
	}
	active[slot] = s;
	core_log("IRQ \"%s\": %s (GSI %u) granted through %s", label, pci, s->gsi, irq_uio.name);
	*state = s;
	return 0;
}

static int
irq_call(void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	struct irq_session *s = state;
	uint32_t info[2];

	switch (req->hdr.op) {
	case MKX_IRQ_SIGH:	/* core forwards: watch the source from now on */
		if (req->hdr.nfds != 1)
			return -EINVAL;
		if (s->sigfd < 0 && loop_watch(s->fd, on_interrupt, s))
			return -ENOSPC;
		if (s->sigfd >= 0)
			close(s->sigfd);
		s->sigfd = mkx_msg_take_fd(req, 0);
		return 0;
	case MKX_IRQ_FD: {	/* the client waits on the source itself */
		int fd = irq_uio.client_fd ? irq_uio.client_fd(s->line) : -ENOTSUP;

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
		return irq_uio.unmask(s->line);
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
	irq_uio.detach(s->line);
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
