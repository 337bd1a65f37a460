/* The session handling both platform drivers share (see platform_session.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/args.h>
#include <mkx/log.h>
#include <mkx/platform.h>

#include "platform_session.h"
#include "quiesce.h"
#include "reset.h"

static void ps_dma_session_init(struct ps_dma_session *sd, uint64_t ram_quota);

void *
ps_open(size_t size, const struct pci_policy *p, unsigned n, const char *label, const char *args,
    const struct pci_policy **pol, int *err, char *why, size_t whylen)
{
	struct ps_session *s;
	unsigned long ram;

	if (!(*pol = pci_policy_for(p, n, label))) {
		snprintf(why, whylen, "no policy for \"%s\"", label);
		mkx_log("Platform session of \"%s\" denied: no policy matches", label);
		*err = -EPERM;
		return NULL;
	}
	if (!(s = calloc(1, size))) {
		*err = -ENOMEM;
		return NULL;
	}
	snprintf(s->label, sizeof s->label, "%s", label);
	/*
	 * core moved the session's ram_quota from the client's RAM quantum to
	 * ours (session quota donation): what we charge at core for the
	 * client's DMA buffers is paid by it, not by our own quantum.
	 */
	if (mkx_arg_ulong(args, "ram_quota", &ram))
		ram = 0;
	ps_dma_session_init(&s->dma, ram);
	return s;
}

static int pending_fd = -1;

static void
ps_pending_keep(const struct mkx_reply *r)
{
	if (r->nfds)
		pending_fd = r->fds[0];
}

void
ps_pending_close(void)
{
	if (pending_fd >= 0)
		close(pending_fd);
	pending_fd = -1;
}

int
ps_doc_reply(char *buf, size_t len, struct mkx_reply *r)
{
	uint64_t size = len;
	int fd = memfd_create("devices", MFD_CLOEXEC);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return -EIO;
	}
	free(buf);
	memcpy(r->payload, &size, 8);
	r->len = 8;
	r->fds[0] = fd;	/* closed after the reply went out (ps_pending_keep) */
	r->nfds = 1;
	return 0;
}

static int
ps_call_end(const char *label, unsigned *logged, int err, const char *why, struct mkx_reply *r)
{
	ps_pending_keep(r);
	if (!err || !why[0])
		return err;
	if (*logged < 8 && ++*logged)
		mkx_log("\"%s\": %s%s", label, why, *logged == 8 ? " (further refusals not logged)" : "");
	r->len = (size_t)snprintf((char *)r->payload, MKX_PAYLOAD_MAX, "%s", why) + 1;
	return err;
}

int
ps_io_mem_give(struct mkx_io_mem *m, int *open, uint64_t addr, uint64_t size, int wc, struct mkx_reply *r,
    char *cwhy, size_t cwhylen)
{
	int err;

	if (!*open) {
		if ((err = mkx_io_mem_open(m, addr, size, wc, cwhy, cwhylen)))
			return err;
		*open = 1;
	}
	memcpy(r->payload, &m->ds, sizeof m->ds);
	r->len = sizeof m->ds;
	r->fds[0] = dup(m->fd);
	r->nfds = r->fds[0] >= 0;
	return r->nfds ? 0 : -errno;
}

int
ps_irq_index_check(const struct pci_cfg *c, const struct pci_fn *f, const char *dev, unsigned index, int intx,
    char *why, size_t whylen)
{
	unsigned entries = 0;

	if (!index)
		return 0;
	if (intx) {
		snprintf(why, whylen, "%s: INTx is one line: interrupt index 0 only (asked for %u)", dev, index);
		return -ENOENT;
	}
	for (unsigned k = 0; k < f->ncap; k++)
		if (f->cap[k].id == 0x11) {
			uint32_t ctl = pci_rd(c, f->a, f->cap[k].off + 2u, 2);

			/* all ones: config space did not answer, so the table size is not known */
			entries = ctl == 0xffff ? 0 : (ctl & 0x7ffu) + 1;
		}
	if (!entries) {
		snprintf(why, whylen, "%s has no MSI-X table to read: one interrupt (index 0: MSI, one message at core, "
		    "or INTx), asked for index %u", dev, index);
		return -ENOENT;
	}
	if (index >= entries) {
		snprintf(why, whylen, "%s has %u MSI-X vector%s (its table size): no interrupt index %u", dev, entries,
		    entries == 1 ? "" : "s", index);
		return -ENOENT;
	}
	return 0;
}

void
ps_session_give(struct mkx_session *sess, struct mkx_reply *r)
{
	r->fds[0] = sess->sock;
	r->nfds = 1;
}

int
ps_same_component(const char *label, const char *name)
{
	size_t l = strlen(name);

	return name[0] && !strncmp(label, name, l) && (!label[l] || !strncmp(label + l, " -> ", 4));
}

void
ps_component_of(const char *label, char *name, size_t len)
{
	const char *arrow = strstr(label, " -> ");
	size_t l = arrow ? (size_t)(arrow - label) : strlen(label);

	snprintf(name, len, "%.*s", (int)(l < len ? l : len - 1), label);
}

int
ps_holders(struct mkx_io_mem *m, const char *dev, const char *label, const char *last, char *why, size_t whylen)
{
	struct mkx_io_mem_holder h;
	const char *file;
	int err, mapped, was_last;

	if ((err = mkx_io_mem_holder(m, &h)) == -EBUSY) {
		/* core's look at /proc is bounded in time and did not finish: that is not "nobody". */
		snprintf(why, whylen, "core could not finish its look at who still holds %s (a component with very "
		    "many fds?): acquire again", dev);
		return -EBUSY;
	}
	if (err) {
		mkx_log("%s: core did not say who still holds it: %s", dev, strerror(-err));
		return 0;
	}
	if (!h.pid || ps_same_component(label, h.name))
		return 0;
	file = strrchr(h.what, '/') ? strrchr(h.what, '/') + 1 : h.what;
	mapped = strncmp(h.what, "fd", 2) != 0;
	was_last = last[0] && ps_same_component(last, h.name);
	/* The last owner keeps it until it exits (RUNNING); another holder only while it holds. */
	snprintf(why, whylen, "%s is still %s by \"%.40s\" (pid %d) after %s released it (%.40s); Linux cannot "
	    "revoke %s: acquire again when it has %s", dev, mapped ? "mapped" : "held", h.name, (int)h.pid,
	    was_last ? "it" : "its owner", file, mapped ? "a mapping" : "an fd",
	    was_last ? "exited" : mapped ? "unmapped or exited" : "closed or exited");
	return -EBUSY;
}

int
ps_exited(struct mkx_io_mem *m, const char *comp)
{
	int32_t pid = 0;
	int err = mkx_io_mem_running(m, comp, &pid);

	return err ? err : pid == 0;
}

int
ps_fn_acquire(const struct pci_cfg *c, const struct pci_fn *f, const char *dev, const char *label, uint16_t *cmd)
{
	char line[200] = "";
	int was = 0, err = pci_fn_unpark(c, f, &pci_reset_spec, &was, line, sizeof line);

	if (was || err)
		mkx_log("%s for \"%s\": %s%s", dev, label, line, err ? " (error): not handed out" : "");
	/* A function not back in D0 with its header verified may not decode its BARs: not enabled, not given. */
	if (err)
		return err;
	pci_fn_enable(c, f, cmd);
	mkx_log("%s acquired by \"%s\": command 0x%04x (bus master %s)", dev, label, *cmd, *cmd & 0x4 ? "on" : "OFF");
	return err;
}

void
ps_fn_quiesce(const struct pci_cfg *c, const struct pci_fn *f, const char *dev, const char *label, const char *how,
    int dma, int quiet, uint16_t *cmd)
{
	/*
	 * Bus master off (read back) first: only then may core free the DMA
	 * buffers. The platform driver is the one that turns it off; core's
	 * DMA session end finds it off, checks that and frees.
	 */
	pci_fn_quiesce(c, f, cmd);
	if (!quiet)
		mkx_log("%s released by \"%s\" (%s): quiesced, command 0x%04x (bus master %s, INTx %s)%s", dev, label, how,
		    *cmd, *cmd & 0x4 ? "ON" : "off", *cmd & 0x400 ? "disabled" : "enabled",
		    dma && !(*cmd & 0x4) ? "; its DMA session at core ends now" : "");
}

void
ps_fn_reset(const struct pci_cfg *c, const struct pci_fn *f, const char *dev, const char *label, int quiet,
    uint16_t *cmd)
{
	enum pci_reset_method method;
	char line[320], park[160];
	int err, perr;

	/*
	 * The device's own state (rings, queues its driver programmed): FLR or
	 * D3hot/D0 where the function has one, the firmware's header written
	 * back. Before core frees the DMA buffers too: a device that ignored
	 * bus master off is reset before its memory goes. Then D3hot (power),
	 * as Genode's platform driver leaves a device nobody holds.
	 */
	err = pci_fn_reset(c, f, &pci_reset_spec, &method, line, sizeof line);
	if (!quiet)
		mkx_log("%s reset after \"%s\": %s%s", dev, label, line, err ? " (error)" : "");
	/* Not after a failed reset: its header may not be back, D0 at the next acquire could not restore it. */
	perr = err ? -EIO : pci_fn_park(c, f, &pci_reset_spec, park, sizeof park);
	if (!quiet && !err)
		mkx_log("%s power: %s%s", dev, park, perr ? ", left in D0" : "");
	if (method != PCI_RESET_NONE)
		*cmd = (uint16_t)pci_rd(c, f->a, 0x04, 2);
}

/* The request to the driver's op; a name's or type's bounds are the op's to check (lookup, find_seen). */
static int
ps_dispatch(const struct ps_ops *o, void *s, struct mkx_msg *req, struct mkx_reply *r, char *why, size_t whylen)
{
	const char *name = (const char *)req->payload;
	uint16_t op = req->hdr.op;

	switch (op) {
	case MKX_PLATFORM_DEVICES:
		return o->devices(s, r, why, whylen);
	case MKX_PLATFORM_SIGH:
		if (!o->sigh)
			return -ENOSYS;
		return req->hdr.nfds == 1 ? o->sigh(s, mkx_msg_take_fd(req, 0)) : -EINVAL;
	case MKX_PLATFORM_ACQUIRE:
		return o->acquire(s, name, req->hdr.len, why, whylen);
	case MKX_PLATFORM_ACQUIRE_ANY:
		return o->acquire_any ? o->acquire_any(s, name, req->hdr.len, r, why, whylen) : -ENOSYS;
	case MKX_PLATFORM_RELEASE:
		return o->release(s, name, req->hdr.len, why, whylen);
	case MKX_PLATFORM_IO_MEM:
	case MKX_PLATFORM_IRQ:
	case MKX_PLATFORM_IO_PORT:
		if (req->hdr.len != sizeof(struct mkx_platform_res))
			return -EINVAL;
		return o->resource(s, op, (const struct mkx_platform_res *)req->payload, r, why, whylen);
	case MKX_PLATFORM_DMA_ALLOC:
	case MKX_PLATFORM_DMA_ADDR:
	case MKX_PLATFORM_DMA_FREE:
	case MKX_PLATFORM_DMA_INFO:
		if (req->hdr.len != sizeof(struct mkx_platform_dma))
			return -EINVAL;
		return o->dma(s, op, (const struct mkx_platform_dma *)req->payload, r, why, whylen);
	default:
		return -ENOSYS;
	}
}

int
ps_call(const struct ps_ops *o, struct ps_session *s, struct mkx_msg *req, struct mkx_reply *r)
{
	char why[400] = "";
	int err;

	ps_pending_close();
	err = ps_dispatch(o, s, req, r, why, sizeof why);
	return ps_call_end(s->label, &s->refusals_logged, err, why, r);
}

static void
ps_dma_session_init(struct ps_dma_session *sd, uint64_t ram_quota)
{
	static unsigned ids;

	memset(sd, 0, sizeof *sd);
	sd->id = ++ids;
	sd->ram_quota = ram_quota;
}

/* Bytes of DMA buffers the session may still take; limit says which limit, for a refusal. */
static uint64_t
dma_room(const struct ps_dma_session *sd, uint64_t dma_quota, uint64_t used, char *limit, size_t len)
{
	uint64_t quota = sd->ram_quota;

	if (dma_quota && dma_quota < quota) {
		quota = dma_quota;
		snprintf(limit, len, "the policy's dma_quota of %llu bytes (the session's ram_quota is %llu)",
		    (unsigned long long)quota, (unsigned long long)sd->ram_quota);
	} else
		snprintf(limit, len, "the session's ram_quota of %llu bytes", (unsigned long long)quota);
	used += sd->freed.bytes;	/* until core has really released them */
	if (sd->freed.bytes)
		snprintf(limit + strlen(limit), len - strlen(limit), ", %llu bytes of it in freed buffers core still "
		    "keeps", (unsigned long long)sd->freed.bytes);
	return used < quota ? quota - used : 0;
}

int
ps_dma_kept_check(const struct pci_dma *d, const char *name, char *why, size_t whylen)
{
	if (!d->open)
		return 0;
	snprintf(why, whylen, "%s: its bus master would not go off at its last release, so core's DMA session with "
	    "the last owner's buffers is kept: not handed out again", name);
	return -EBUSY;
}

int
ps_dma(struct ps_dma_session *sd, uint64_t dma_quota, uint64_t used, struct pci_dma *d, const struct pci_fn *f,
    const char *label, uint16_t op, const struct mkx_platform_dma *q, struct mkx_reply *r, char *why, size_t whylen)
{
	char limit[256];
	uint64_t room;
	int err;

	/* What core released since is room again; what it still keeps is not. */
	if (op == MKX_PLATFORM_DMA_ALLOC && sd->freed.n &&
	    (err = pci_dma_settle(d, &sd->freed, f, label, sd->id, why, whylen)))
		return err;
	room = dma_room(sd, dma_quota, used, limit, sizeof limit);
	/* Core would round up, never down: a request above what is left is not asked at all. */
	if (op == MKX_PLATFORM_DMA_ALLOC && q->size > room) {
		snprintf(why, whylen, "a DMA buffer of %llu bytes exceeds the %llu bytes left of %s",
		    (unsigned long long)q->size, (unsigned long long)room, limit);
		return -EDQUOT;
	}
	return pci_dma_forward(d, &sd->freed, f, label, sd->id, room, op, q, r, why, whylen);
}
