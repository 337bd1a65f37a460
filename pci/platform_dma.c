/* DMA buffers through the Platform session: forwarded to core's DMA session (see platform_dma.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/dma.h>
#include <mkx/log.h>
#include <mkx/rpc.h>

#include "platform_dma.h"

/*
 * Devices that address less than 64 bits and do not say so anywhere a
 * driver could read it: core's policy may narrow further, never wider.
 */
static const struct {
	uint16_t	vendor, device;
	unsigned	bits;
	const char	*why;
} quirks[] = {
	{ 0x1234, 0x11e8, 28, "QEMU's edu masks DMA addresses to 28 bits" },
};

/* The quirk's reason, with its bits in *bits; NULL and 64 bits for a device without one. */
static const char *
quirk(const struct pci_fn *f, unsigned *bits)
{
	*bits = 64;
	for (size_t i = 0; i < sizeof quirks / sizeof quirks[0]; i++)
		if (f->vendor == quirks[i].vendor && f->device == quirks[i].device) {
			*bits = quirks[i].bits;
			return quirks[i].why;
		}
	return NULL;
}

static int
open_core(struct pci_dma *d, const struct pci_fn *f, const char *label, unsigned domain, char *why, size_t whylen)
{
	unsigned bits;
	const char *because = quirk(f, &bits);
	char n[16], args[128], cwhy[256] = "";
	int err;

	pci_name(f->a, n);
	/* One IOMMU domain per Platform session (Genode's): its devices reach its buffers, no other's. */
	snprintf(args, sizeof args, "ram_quota=8K, pci=\"%s\", domain=%u", n, domain);
	if (bits < 64)
		snprintf(args + strlen(args), sizeof args - strlen(args), ", dma_mask_bits=%u", bits);
	if ((err = mkx_session_open(&d->s, "DMA", args, cwhy, sizeof cwhy))) {
		snprintf(why, whylen, "core refused the DMA session of %s: %.200s", n, cwhy);
		return err;
	}
	d->open = 1;
	mkx_log("%s: DMA session at core for \"%s\", DMA mask %u bits%s%s; domain=%u (the Platform session's)", n,
	    label, bits, because ? ": " : "", because ? because : "", domain);
	return 0;
}

/*
 * A buffer core just handed out, within the session's room? Else it goes
 * back to core at once (the device was never told its address) and the
 * client gets -EDQUOT.
 */
/*
 * Buffer id of size bytes to fr: counted until core says it released it.
 * If fr cannot grow, the buffer is counted as live forever rather than
 * forgotten (d keeps it): the session's room shrinks, nobody else's.
 */
/*
 * A freed buffer counts as the whole dataspace it lay in (core keeps the
 * dataspace, not the buffer: the client may still map it), once per
 * dataspace, until core says it released it (pci_dma_settle).
 */
static void
freed_count(struct pci_dma_freed *fr)
{
	fr->bytes = 0;
	for (unsigned i = 0; i < fr->n; i++) {
		unsigned j;

		for (j = 0; j < i && fr->buf[j].chunk != fr->buf[i].chunk; j++)
			;
		if (j == i)
			fr->bytes += fr->buf[i].chunk_size;
	}
}

static void
freed_add(struct pci_dma_freed *fr, const struct pci_dma_buf *b)
{
	if (fr->n == fr->room) {
		unsigned room = fr->room ? 2 * fr->room : 16;
		void *more = realloc(fr->buf, room * sizeof *fr->buf);

		if (!more) {
			mkx_log("DMA: no memory to track freed buffer %u: it counts against its session for good", b->id);
			fr->bytes += b->chunk_size;
			return;
		}
		fr->buf = more;
		fr->room = room;
	}
	fr->buf[fr->n++] = *b;
	freed_count(fr);
}

void
pci_dma_freed_drop(struct pci_dma_freed *fr)
{
	free(fr->buf);
	*fr = (struct pci_dma_freed){ 0 };
}

/*
 * A buffer core handed out: counted against the session (its size, Genode's
 * max(4 KiB, size)), or given back and refused if it exceeds room, if
 * core now holds more than PCI_DMA_SLACK beyond the device's buffers, or
 * if the table is full. 0 or -EDQUOT with why.
 */
static int
account(struct pci_dma *d, struct pci_dma_freed *fr, const struct mkx_msg *m, uint64_t room, char *why, size_t whylen)
{
	static struct mkx_msg back;
	struct mkx_dma_buffer_msg b;
	struct pci_dma_buf nb;
	int full = d->nbuf == d->room;

	memcpy(&b, m->payload, sizeof b);
	nb = (struct pci_dma_buf){ .id = b.id, .chunk = b.chunk, .size = b.size, .chunk_size = b.map_size };
	if (full && d->room < PCI_DMA_BUFFERS_MAX) {
		unsigned more_room = d->room ? 2 * d->room : 16;
		struct pci_dma_buf *more = realloc(d->buf, more_room * sizeof *more);

		if (more) {
			d->buf = more;
			d->room = more_room;
			full = 0;
		}
	}
	if (b.size <= room && !full && b.held <= d->bytes + b.size + PCI_DMA_SLACK) {
		d->buf[d->nbuf++] = nb;
		d->bytes += b.size;
		return 0;
	}
	/* Core keeps it while our copy of its file is open (the caller closes it): counted until core says. */
	if (!mkx_session_call(&d->s, MKX_DMA_FREE, &b.id, sizeof b.id, NULL, 0, &back))
		freed_add(fr, &nb);
	mkx_msg_close_fds(&back);
	if (full)
		snprintf(why, whylen, "more than %u DMA buffers of one device", d->room);
	else if (b.size > room)
		snprintf(why, whylen, "core's DMA buffer of %llu bytes exceeds the %llu bytes left of "
		    "the session's ram_quota (or the policy's dma_quota)", (unsigned long long)b.size,
		    (unsigned long long)room);
	else
		snprintf(why, whylen, "the device's %llu bytes of DMA buffers are scattered over %llu bytes of huge pages "
		    "(more than %llu bytes beyond them): free some or ask for larger buffers",
		    (unsigned long long)(d->bytes + b.size), (unsigned long long)b.held,
		    (unsigned long long)PCI_DMA_SLACK);
	return -EDQUOT;
}

/* Freed at core: from d's live buffers to fr, still counted (core may keep it). */
static void
forget(struct pci_dma *d, struct pci_dma_freed *fr, uint32_t id)
{
	for (unsigned i = 0; i < d->nbuf; i++)
		if (d->buf[i].id == id) {
			freed_add(fr, &d->buf[i]);
			d->bytes -= d->buf[i].size;
			d->buf[i] = d->buf[--d->nbuf];
			return;
		}
}

int
pci_dma_settle(struct pci_dma *d, struct pci_dma_freed *fr, const struct pci_fn *f, const char *label,
    unsigned domain, char *why, size_t whylen)
{
	static struct mkx_msg m;
	uint32_t ids[MKX_DMA_KEPT_MAX];
	int err;

	if (!fr->n)
		return 0;
	if (!d->open && (err = open_core(d, f, label, domain, why, whylen)))
		return err;
	for (unsigned at = 0; at < fr->n;) {
		unsigned n = fr->n - at < MKX_DMA_KEPT_MAX ? fr->n - at : MKX_DMA_KEPT_MAX, left = at;

		for (unsigned i = 0; i < n; i++)
			ids[i] = fr->buf[at + i].id;
		if ((err = mkx_session_call(&d->s, MKX_DMA_KEPT, ids, n * sizeof ids[0], NULL, 0, &m)) ||
		    m.hdr.len != n) {
			snprintf(why, whylen, "core cannot say which freed DMA buffers it still keeps: %s",
			    err ? strerror(-err) : "malformed reply");
			mkx_msg_close_fds(&m);
			return err ? err : -EBADMSG;
		}
		/* Those core released leave; the rest move down over them, in order. */
		for (unsigned i = 0; i < n; i++)
			if (m.payload[i])
				fr->buf[left++] = fr->buf[at + i];
		memmove(&fr->buf[left], &fr->buf[at + n], (fr->n - at - n) * sizeof *fr->buf);
		fr->n -= at + n - left;
		at = left;
	}
	freed_count(fr);
	return 0;
}

int
pci_dma_forward(struct pci_dma *d, struct pci_dma_freed *fr, const struct pci_fn *f, const char *label,
    unsigned domain, uint64_t room, uint16_t op, const struct mkx_platform_dma *q, struct mkx_reply *r,
    char *why, size_t whylen)
{
	static struct mkx_msg m;
	struct mkx_dma_alloc_req alloc = { .size = q->size, .cache = q->cache };
	int err;

	if (!d->open && (err = open_core(d, f, label, domain, why, whylen)))
		return err;
	if (op == MKX_PLATFORM_DMA_ALLOC && q->size > room) {	/* core would round up, never down: ask it not at all */
		snprintf(why, whylen, "a DMA buffer of %llu bytes exceeds the %llu bytes left of the session's DMA quota",
		    (unsigned long long)q->size, (unsigned long long)room);
		return -EDQUOT;
	}
	switch (op) {
	case MKX_PLATFORM_DMA_ALLOC:
		err = mkx_session_call(&d->s, MKX_DMA_ALLOC, &alloc, sizeof alloc, NULL, 0, &m);
		break;
	case MKX_PLATFORM_DMA_ADDR:
		err = mkx_session_call(&d->s, MKX_DMA_ADDR, &q->id, sizeof q->id, NULL, 0, &m);
		break;
	case MKX_PLATFORM_DMA_FREE:
		err = mkx_session_call(&d->s, MKX_DMA_FREE, &q->id, sizeof q->id, NULL, 0, &m);
		break;
	case MKX_PLATFORM_DMA_INFO:
		err = mkx_session_call(&d->s, MKX_DMA_INFO, NULL, 0, NULL, 0, &m);
		break;
	default:
		return -ENOSYS;
	}
	if (err == -ECONNRESET) {
		snprintf(why, whylen, "core's DMA session is gone");
		return err;
	}
	if (err) {	/* core's reason, passed on as it is */
		snprintf(why, whylen, "%.*s", (int)strnlen((const char *)m.payload, m.hdr.len), (const char *)m.payload);
		mkx_msg_close_fds(&m);
		return err;
	}
	if (m.hdr.len > sizeof r->payload || m.hdr.nfds > 1 ||
	    (op == MKX_PLATFORM_DMA_ALLOC && m.hdr.len != sizeof(struct mkx_dma_buffer_msg))) {
		mkx_msg_close_fds(&m);
		snprintf(why, whylen, "malformed reply from core");
		return -EBADMSG;
	}
	if (op == MKX_PLATFORM_DMA_ALLOC && (err = account(d, fr, &m, room, why, whylen))) {
		mkx_msg_close_fds(&m);
		return err;
	}
	if (op == MKX_PLATFORM_DMA_FREE)
		forget(d, fr, q->id);
	memcpy(r->payload, m.payload, m.hdr.len);
	r->len = m.hdr.len;
	if (m.hdr.nfds) {	/* the buffer's dataspace: sent on, then ours is closed (platform.c) */
		r->fds[0] = mkx_msg_take_fd(&m, 0);
		r->nfds = 1;
	}
	return 0;
}

void
pci_dma_close(struct pci_dma *d, struct pci_dma_freed *fr)
{
	if (!d->open)
		return;
	/* core frees them at its session's end, or keeps those a process still holds: counted until it says. */
	for (unsigned i = 0; i < d->nbuf; i++)
		freed_add(fr, &d->buf[i]);
	mkx_session_close(&d->s);
	free(d->buf);
	d->buf = NULL;
	d->open = 0;
	d->nbuf = d->room = 0;
	d->bytes = 0;
}
