/*
 * The ROM-fed platform driver (binary `platform`), Genode's
 * repos/os/src/driver/platform in its composition: it enumerates nothing
 * itself; its devices come from its "devices" ROM (pci_decode's report
 * routed by core's <report_rom>, or a hand-written file: non-PCI devices
 * such as ps2 are devices like any other), and it serves Platform sessions
 * by the <policy> nodes of its config (policy.c: Genode's label scoring,
 * <default-policy>, device names of any kind, class aliases).
 *
 * Genode's session semantics: each session's devices document is dynamic
 * (SIGH: an eventfd signalled whenever it changes, used="true|false" per
 * device); a client waiting for a busy device blocks on that signal
 * (mkx_platform_acquire_wait) instead of retrying; ACQUIRE_ANY is
 * acquire_single_device and device_by_type; a new config (core re-delivers
 * the config ROM after a reload) re-selects every session's policy and
 * releases the devices that no longer match, and their sessions are
 * signalled.
 *
 * Resources are core's sessions opened by the platform driver: IO_MEM of an
 * <io_mem> range (its dataspace fd goes to the client), IRQ (a PCI device's
 * MSI by its <pci-config address>, else INTx by the function, a non-PCI
 * device's by its number: core says whether it can serve it) and IO_PORT
 * of an <io_port_range> (the session socket goes to the client).
 *
 * Config space of the PCI devices it hands out through core's conf1
 * emulation (core lets it reach only the functions its <pci_config> names):
 * back to D0 and bus master on at acquire; quiesce, reset (FLR or
 * D3hot/D0) and D3hot at release. DMA buffers through core's DMA session
 * of an acquired PCI device, as `pci` serves them (platform_session.c has
 * what both do alike). Without config access, devices are handed out as
 * they are and DMA is refused.
 *
 * A released device goes to another component only once nothing of it is
 * held elsewhere (core's HOLDERS) and the one it was released from has
 * exited (core's RUNNING): Linux cannot revoke what that one got.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/log.h>
#include <mkx/platform.h>
#include <mkx/rom.h>
#include <mkx/server.h>

#include "conf1_port.h"
#include "platform_rom.h"
#include "platform_session.h"
#include "policy.h"

struct rsession {
	struct ps_session c;		/* label, refusals logged, DMA (platform_session.h) */
	struct rsession	*next;
	int		pol;		/* index into policies, -1: none matches (any more) */
	int		sigfd;		/* the client's eventfd, -1 */
};

struct rheld {
	struct rsession		*owner;
	struct mkx_io_mem	mem[PROM_RES_MAX];
	int			mem_open[PROM_RES_MAX];
	/*
	 * The component it was released from, while that may still run: Linux
	 * cannot revoke what it got (a mapping, the IRQ and IO_PORT sessions'
	 * sockets), so no other component gets the device until core says it
	 * has exited (RUNNING). Its document says used="true" meanwhile.
	 */
	char			last[64];
	int			pending;
	/* A PCI device's function as its config space says (read at its first acquire, through core). */
	struct pci_fn		fn;
	int			fn_read;
	struct pci_dma		dma;	/* core's DMA session of the function, for its owner's buffers */
};

static struct prom_set devs;
static struct rheld held[PROM_DEVICES_MAX];
static struct pci_policy policies[PCI_POLICIES_MAX];
static unsigned npolicies;
static struct rsession *sessions;
static struct pci_cfg cfg;	/* conf1 through core: ops NULL if core granted none */

static int
dev_in(const struct pci_policy *p, const struct prom_dev *d)
{
	struct pci_fn f;

	if (pci_policy_has_name(p, d->name))
		return 1;
	if (!d->pci)
		return 0;
	/* A PCI device by its IDs and class (its name may be anything in a hand-written ROM). */
	memset(&f, 0, sizeof f);
	f.a = (struct pci_addr){ .bus = d->bus, .dev = d->dev, .fn = d->fn };
	f.vendor = (uint16_t)d->vendor, f.device = (uint16_t)d->device, f.class = d->class;
	return pci_policy_has(p, &f);
}

static const struct pci_policy *
pol_of(const struct rsession *s)
{
	return s->pol >= 0 ? &policies[s->pol] : NULL;
}

static int
sees(const struct rsession *s, unsigned i)
{
	return s->pol >= 0 && dev_in(pol_of(s), &devs.dev[i]);
}

static void
signal_session(struct rsession *s)
{
	uint64_t one = 1;

	if (s->sigfd >= 0 && write(s->sigfd, &one, sizeof one) != sizeof one)
		mkx_log("could not signal \"%s\": its eventfd is full", s->c.label);
}

/* Every session whose document lists device i sees its used= change. */
static void
signal_device(unsigned i)
{
	for (struct rsession *s = sessions; s; s = s->next)
		if (sees(s, i))
			signal_session(s);
}

/*
 * Has the component device i was last released from exited (core reaped
 * it and killed every process of its uid)? 1 yes, 0 it still runs, -errno
 * core cannot be asked (no IO_MEM session of ours to ask on: fails closed).
 */
static int
last_exited(unsigned i)
{
	struct mkx_io_mem tmp, *on = NULL;
	int ex;

	/* RUNNING is answered on any IO_MEM session: one we hold, else one opened for the question. */
	for (unsigned d = 0; !on && d < devs.n; d++)
		for (unsigned m = 0; !on && m < devs.dev[d].nmem; m++)
			if (held[d].mem_open[m])
				on = &held[d].mem[m];
	for (unsigned d = 0; !on && d < devs.n; d++)
		for (unsigned m = 0; !on && m < devs.dev[d].nmem; m++)
			if (!mkx_io_mem_open(&tmp, devs.dev[d].mem[m].addr, devs.dev[d].mem[m].size, 0, NULL, 0))
				on = &tmp;
	if (!on)
		return -ENOENT;
	ex = ps_exited(on, held[i].last);
	if (on == &tmp)
		mkx_io_mem_close(&tmp);
	return ex;
}

/* Every device whose last owner has exited since is free again: its sessions see used="false". */
static void
poll_exits(void)
{
	for (unsigned i = 0; i < devs.n; i++)
		if (held[i].pending && !held[i].owner && last_exited(i) == 1) {
			mkx_log("%s: \"%s\", which had it last, has exited: it may be handed on", devs.dev[i].name,
			    held[i].last);
			held[i].pending = 0;
			signal_device(i);
		}
}

/*
 * A PCI device's function for config work, read at its first use: header
 * type, command, status and capabilities through core, its BARs from the
 * devices ROM. NULL for a non-PCI device or without config access.
 */
static const struct pci_fn *
fn_of(unsigned i)
{
	static struct pci_tree notes;	/* the capability walk's notes: not kept */
	const struct prom_dev *d = &devs.dev[i];
	struct pci_fn *f = &held[i].fn;

	if (!cfg.ops || !d->pci)
		return NULL;
	if (held[i].fn_read)
		return f;
	memset(f, 0, sizeof *f);
	f->a = (struct pci_addr){ 0, d->bus, d->dev, d->fn };
	f->vendor = (uint16_t)d->vendor, f->device = (uint16_t)d->device, f->class = d->class;
	f->space = 256;
	f->hdr_type = (uint8_t)(pci_rd(&cfg, f->a, 0x0e, 1) & 0x7f);
	f->bridge = f->hdr_type != 0;
	f->command = (uint16_t)pci_rd(&cfg, f->a, 0x04, 2);
	f->status = (uint16_t)pci_rd(&cfg, f->a, 0x06, 2);
	for (unsigned m = 0; m < d->nmem; m++)
		if (d->mem[m].pci_bar >= 0 && d->mem[m].pci_bar < 6)
			f->bar[d->mem[m].pci_bar] = (struct pci_bar){ d->mem[m].addr + d->mem[m].size > (1ull << 32) ?
			    PCI_BAR_MEM64 : PCI_BAR_MEM32, d->mem[m].wc, d->mem[m].addr, d->mem[m].size, 0 };
	for (unsigned p = 0; p < d->nport; p++)
		if (d->port[p].pci_bar >= 0 && d->port[p].pci_bar < 6)
			f->bar[d->port[p].pci_bar] = (struct pci_bar){ PCI_BAR_IO, 0, d->port[p].addr, d->port[p].size, 0 };
	pci_caps_walk(&notes, &cfg, f);
	notes.nnote = 0;
	held[i].fn_read = 1;
	return f;
}

static void
release(unsigned i, const char *how)
{
	struct rheld *h = &held[i];
	const struct pci_fn *f = fn_of(i);
	uint16_t cmd = 0;

	/* Quiet first (bus master, decode, interrupts off), then its mappings go, then its own state. */
	if (f)
		ps_fn_quiesce(&cfg, f, devs.dev[i].name, h->owner->c.label, how, h->dma.open, 0, &cmd);
	ps_pending_close();
	for (unsigned m = 0; m < PROM_RES_MAX; m++)
		if (h->mem_open[m]) {
			mkx_io_mem_close(&h->mem[m]);
			h->mem_open[m] = 0;
		}
	if (f) {
		ps_fn_reset(&cfg, f, devs.dev[i].name, h->owner->c.label, 0, &cmd);
		/* Only with bus master off may core free the buffers; else they stay allocated. */
		if (!(cmd & 0x4))
			pci_dma_close(&h->dma, &h->owner->c.dma.freed);
		else if (h->dma.open)
			mkx_log("%s: bus master still on: its DMA buffers stay allocated (core's session kept)",
			    devs.dev[i].name);
	} else
		mkx_log("%s released by \"%s\" (%s)%s", devs.dev[i].name, h->owner->c.label, how,
		    devs.dev[i].pci ? ": no config access, not quiesced" : "");
	ps_component_of(h->owner->c.label, h->last, sizeof h->last);
	h->pending = 1;
	h->owner = NULL;
	signal_device(i);
}

static int
find_seen(struct rsession *s, const char *name, size_t len, char *why, size_t whylen)
{
	struct prom_dev *d;

	if (!len || strnlen(name, len) == len) {
		snprintf(why, whylen, "not a device name");
		return -EINVAL;
	}
	d = prom_find(&devs, name);
	if (!d || !sees(s, (unsigned)(d - devs.dev))) {
		snprintf(why, whylen, "%.60s is not in the policy of \"%.120s\"%s", name, s->c.label,
		    !d ? ": no such device" : s->pol < 0 ? ": no policy matches it any more" : "");
		return -EPERM;
	}
	return (int)(d - devs.dev);
}

static int
find_acquired(struct rsession *s, const char *name, size_t len, char *why, size_t whylen)
{
	int i = find_seen(s, name, len, why, whylen);

	if (i >= 0 && held[i].owner != s) {
		snprintf(why, whylen, "%s is not acquired by this session", devs.dev[i].name);
		return -EPERM;
	}
	return i;
}

/* Genode's session ROM (Device::generate): resources with addresses only for info="yes". */
static void
doc_device(FILE *o, const struct prom_dev *d, int used, int info)
{
	fprintf(o, "  <device name=\"%s\" type=\"%s\" used=\"%s\">\n", d->name, d->type, used ? "true" : "false");
	for (unsigned m = 0; m < d->nmem; m++) {
		fprintf(o, "    <io_mem index=\"%u\"", m);
		if (d->mem[m].pci_bar >= 0)
			fprintf(o, " pci_bar=\"%d\"", d->mem[m].pci_bar);
		if (info)
			fprintf(o, " phys_addr=\"0x%" PRIx64 "\" size=\"0x%" PRIx64 "\"%s", d->mem[m].addr, d->mem[m].size,
			    d->mem[m].wc ? " wc=\"true\"" : "");
		fprintf(o, "/>\n");
	}
	for (unsigned q = 0; q < d->nirq; q++) {
		fprintf(o, "    <irq index=\"%u\"", q);
		if (info)
			fprintf(o, " number=\"%u\"", d->irq[q].number);
		fprintf(o, "/>\n");
	}
	for (unsigned p = 0; p < d->nport; p++) {
		fprintf(o, "    <io_port_range index=\"%u\"", p);
		if (d->port[p].pci_bar >= 0)
			fprintf(o, " pci_bar=\"%d\"", d->port[p].pci_bar);
		if (info)
			fprintf(o, " phys_addr=\"0x%" PRIx64 "\" size=\"0x%" PRIx64 "\"", d->port[p].addr, d->port[p].size);
		fprintf(o, "/>\n");
	}
	if (d->pci)
		fprintf(o, "    <pci-config vendor_id=\"0x%x\" device_id=\"0x%x\" class=\"0x%x\" revision=\"0x%x\" "
		    "sub_vendor_id=\"0x%x\" sub_device_id=\"0x%x\" bus=\"0x%x\" device=\"0x%x\" function=\"0x%x\"/>\n",
		    d->vendor, d->device, d->class, d->rev, d->sub_vendor, d->sub_device, d->bus, d->dev, d->fn);
	fprintf(o, "  </device>\n");
}

static int
devices_doc(struct rsession *s, struct mkx_reply *r)
{
	const struct pci_policy *p = pol_of(s);
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);

	if (!o)
		return -ENOMEM;
	if (p && p->version[0])
		fprintf(o, "<devices version=\"%s\">\n", p->version);
	else
		fprintf(o, "<devices>\n");
	for (unsigned i = 0; i < devs.n; i++)
		if (sees(s, i))
			doc_device(o, &devs.dev[i], held[i].owner != NULL || held[i].pending, p->info);
	fprintf(o, "</devices>\n");
	if (fclose(o)) {
		free(buf);
		return -ENOMEM;
	}
	return ps_doc_reply(buf, len, r);
}

/*
 * HOLDERS (core looks in its children's /proc), asked on an IO_MEM session
 * of the device's first memory range: does a component other than the
 * acquiring one still map or hold something of it? A device without
 * memory ranges (ps2's ports) cannot be asked: its IO_PORT and IRQ
 * sessions are sockets, which RUNNING covers.
 */
static int
holders(struct rsession *s, unsigned i, char *why, size_t whylen)
{
	const struct prom_dev *d = &devs.dev[i];
	struct mkx_io_mem tmp;
	char cwhy[256] = "";
	int err;

	if (!d->nmem)
		return 0;
	if ((err = mkx_io_mem_open(&tmp, d->mem[0].addr, d->mem[0].size, 0, cwhy, sizeof cwhy))) {
		mkx_log("%s: cannot ask core who still holds it (io_mem 0: %s)", d->name, cwhy[0] ? cwhy : strerror(-err));
		return 0;
	}
	err = ps_holders(&tmp, d->name, s->c.label, held[i].last, why, whylen);
	mkx_io_mem_close(&tmp);
	return err;
}

static int
acquire(struct rsession *s, int i, char *why, size_t whylen)
{
	const struct pci_fn *f;
	char comp[64];
	uint16_t cmd;
	int ex;

	if (held[i].owner == s)
		return 0;
	if (held[i].owner) {
		snprintf(why, whylen, "%s is held by \"%.150s\"", devs.dev[i].name, held[i].owner->c.label);
		return -EBUSY;
	}
	if ((ex = ps_dma_kept_check(&held[i].dma, devs.dev[i].name, why, whylen)))
		return ex;
	ps_component_of(s->c.label, comp, sizeof comp);
	/* Another component than the one it last went to: only once that one has exited. */
	if (held[i].pending && strcmp(comp, held[i].last)) {
		if ((ex = last_exited((unsigned)i)) != 1) {
			snprintf(why, whylen, ex == 0 ? "%s was released by \"%s\", which still runs; Linux cannot revoke "
			    "what it may still hold: acquire again once it has exited" : "%s was released by \"%s\"; core "
			    "cannot be asked whether that still runs (no IO_MEM session): not handed on", devs.dev[i].name,
			    held[i].last);
			return -EBUSY;
		}
		held[i].pending = 0;
	}
	if ((ex = holders(s, (unsigned)i, why, whylen)))
		return ex;
	if ((f = fn_of((unsigned)i)) && (ex = ps_fn_acquire(&cfg, f, devs.dev[i].name, s->c.label, &cmd))) {
		snprintf(why, whylen, "%s did not come back to D0 with its header restored: not handed out",
		    devs.dev[i].name);
		return ex;
	}
	held[i].pending = 0;
	held[i].owner = s;
	if (!f)
		mkx_log("%s acquired by \"%s\"%s", devs.dev[i].name, s->c.label,
		    devs.dev[i].pci ? ": no config access, bus master as it is" : "");
	signal_device((unsigned)i);
	return 0;
}

/* acquire_single_device (type ""): the session's one device; device_by_type: its first free one of type. */
static int
acquire_any(void *st, const char *type, size_t len, struct mkx_reply *r, char *why, size_t whylen)
{
	struct rsession *s = st;
	int found = -1, n = 0, err;

	if (!len || strnlen(type, len) == len) {
		snprintf(why, whylen, "not a device type");
		return -EINVAL;
	}
	for (unsigned i = 0; i < devs.n; i++) {
		if (!sees(s, i) || (type[0] && strcmp(devs.dev[i].type, type)))
			continue;
		n++;
		if (found < 0 || (held[found].owner && held[found].owner != s && !held[i].owner))
			found = (int)i;
	}
	if (!type[0] && n != 1) {
		snprintf(why, whylen, "acquire_single_device: the policy of \"%.120s\" gives %d devices, not one",
		    s->c.label, n);
		return n ? -EINVAL : -ENOENT;
	}
	if (found < 0) {
		snprintf(why, whylen, "no device of type \"%.40s\" in the policy of \"%.120s\"", type, s->c.label);
		return -ENOENT;
	}
	if ((err = acquire(s, found, why, whylen)))
		return err;
	r->len = (size_t)snprintf((char *)r->payload, MKX_PAYLOAD_MAX, "%s", devs.dev[found].name) + 1;
	return 0;
}

static int
io_mem(struct rsession *s, const struct mkx_platform_res *q, struct mkx_reply *r, char *why, size_t whylen)
{
	int i = find_acquired(s, q->name, sizeof q->name, why, whylen), err;
	const struct prom_range *m;
	struct rheld *h;
	char cwhy[256] = "";

	if (i < 0)
		return i;
	if (q->index >= devs.dev[i].nmem) {
		snprintf(why, whylen, "%s has no memory resource %u", devs.dev[i].name, q->index);
		return -ENOENT;
	}
	m = &devs.dev[i].mem[q->index];
	if (!m->addr) {		/* pci_decode writes a BAR the firmware left unassigned at 0 */
		snprintf(why, whylen, "%s io_mem %u is at address 0 (a BAR the firmware left unassigned): not handed out",
		    devs.dev[i].name, q->index);
		return -ENXIO;
	}
	h = &held[i];
	if ((err = ps_io_mem_give(&h->mem[q->index], &h->mem_open[q->index], m->addr, m->size,
	    (q->flags & MKX_PLATFORM_WC) && m->wc, r, cwhy, sizeof cwhy)))
		snprintf(why, whylen, "core refused %s io_mem %u (0x%" PRIx64 "+0x%" PRIx64 "): %s", devs.dev[i].name,
		    q->index, m->addr, m->size, cwhy[0] ? cwhy : strerror(-err));
	return err;
}

/*
 * Interrupt index N beyond the devices ROM's <irq> nodes (Genode's
 * pci_decode reports one per function): MSI-X vector N of the PCI
 * function, if its table has one (ps_irq_index_check), as the pci
 * component hands it: one session per vector, each its own eventfd. No
 * INTx fallback: a line has no second index.
 */
static int
msix_vector(struct rsession *s, unsigned i, const struct mkx_platform_res *q, struct mkx_reply *r, char *why,
    size_t whylen)
{
	const struct prom_dev *d = &devs.dev[i];
	const struct pci_fn *f = fn_of(i);
	struct mkx_session sess;
	char args[192], cwhy[256] = "";
	int err;

	if (!d->pci || !q->index || !f) {
		snprintf(why, whylen, "%s has no interrupt %u%s", d->name, q->index,
		    d->pci && q->index ? " (no config access to read its MSI-X table)" : "");
		return -ENOENT;
	}
	if ((err = ps_irq_index_check(&cfg, f, d->name, q->index, !!(q->flags & MKX_PLATFORM_INTX), why, whylen)))
		return err;
	if (d->cfg_addr)
		snprintf(args, sizeof args, "ram_quota=6K, irq_number=%u, irq_type=2, device_config_phys=0x%" PRIx64
		    ", vector=%u, domain=%u", d->nirq ? d->irq[0].number : 1u, d->cfg_addr, q->index, s->c.dma.id);
	else
		snprintf(args, sizeof args, "ram_quota=6K, pci=\"%02x:%02x.%x\", irq_type=2, vector=%u, domain=%u", d->bus,
		    d->dev, d->fn, q->index, s->c.dma.id);
	if ((err = mkx_session_open(&sess, "IRQ", args, cwhy, sizeof cwhy))) {
		snprintf(why, whylen, "core refused %s's IRQ session (%s): %s", d->name, args,
		    cwhy[0] ? cwhy : strerror(-err));
		return err;
	}
	mkx_log("%s: IRQ session (%s) handed to \"%s\"", d->name, args, s->c.label);
	ps_session_give(&sess, r);
	return 0;
}

/* An IRQ or IO_PORT session the platform driver opens at core; its socket goes to the client. */
static int
core_session(struct rsession *s, uint16_t op, const struct mkx_platform_res *q, struct mkx_reply *r, char *why,
    size_t whylen)
{
	int i = find_acquired(s, q->name, sizeof q->name, why, whylen), err;
	const struct prom_dev *d;
	struct mkx_session sess;
	char args[160], cwhy[256] = "";

	if (i < 0)
		return i;
	d = &devs.dev[i];
	if (op == MKX_PLATFORM_IO_PORT) {
		if (q->index >= d->nport) {
			snprintf(why, whylen, "%s has no I/O port resource %u", d->name, q->index);
			return -ENOENT;
		}
		if (!d->port[q->index].addr && d->port[q->index].pci_bar >= 0) {	/* an I/O BAR left at 0 */
			snprintf(why, whylen, "%s io_port_range %u is at port 0 (a BAR the firmware left unassigned): "
			    "not handed out", d->name, q->index);
			return -ENXIO;
		}
		snprintf(args, sizeof args, "ram_quota=6K, io_port_base=0x%" PRIx64 ", io_port_size=0x%" PRIx64,
		    d->port[q->index].addr, d->port[q->index].size);
	} else {
		const struct prom_irq *irq;

		if (q->index >= d->nirq)
			return msix_vector(s, (unsigned)i, q, r, why, whylen);
		irq = &d->irq[q->index];
		/* domain=: under VFIO the IRQ's group joins the session's IOMMU domain, as its DMA does. */
		if (d->pci && irq->type[0] && d->cfg_addr && !(q->flags & MKX_PLATFORM_INTX))
			snprintf(args, sizeof args, "ram_quota=6K, irq_number=%u, irq_type=%d, device_config_phys=0x%" PRIx64
			    ", domain=%u", irq->number, strcmp(irq->type, "msi") ? 2 : 1, d->cfg_addr, s->c.dma.id);
		else if (d->pci)
			snprintf(args, sizeof args, "ram_quota=6K, pci=\"%02x:%02x.%x\", irq_type=0, domain=%u", d->bus, d->dev,
			    d->fn, s->c.dma.id);
		else
			snprintf(args, sizeof args, "ram_quota=6K, irq_number=%u", irq->number);
	}
	err = mkx_session_open(&sess, op == MKX_PLATFORM_IO_PORT ? "IO_PORT" : "IRQ", args, cwhy, sizeof cwhy);
	/* MSI refused (core needs an IOMMU for it): the function's INTx, as the pci component falls back. */
	if (err && op == MKX_PLATFORM_IRQ && strstr(args, "device_config_phys")) {
		mkx_log("%s: MSI refused: %s; trying INTx", d->name, cwhy);
		snprintf(args, sizeof args, "ram_quota=6K, pci=\"%02x:%02x.%x\", irq_type=0, domain=%u", d->bus, d->dev, d->fn,
		    s->c.dma.id);
		err = mkx_session_open(&sess, "IRQ", args, cwhy, sizeof cwhy);
	}
	if (err) {
		snprintf(why, whylen, "core refused %s's %s session (%s): %s", d->name,
		    op == MKX_PLATFORM_IO_PORT ? "IO_PORT" : "IRQ", args, cwhy[0] ? cwhy : strerror(-err));
		return err;
	}
	mkx_log("%s: %s session (%s) handed to \"%s\"", d->name, op == MKX_PLATFORM_IO_PORT ? "IO_PORT" : "IRQ", args,
	    s->c.label);
	ps_session_give(&sess, r);
	return 0;
}

static int
p_open(void *ctx, const char *label, const char *args, void **state, char *why, size_t whylen)
{
	const struct pci_policy *pol;
	struct rsession *s;
	int err;

	(void)ctx;
	if (!(s = ps_open(sizeof *s, policies, npolicies, label, args, &pol, &err, why, whylen)))
		return err;
	s->pol = (int)(pol - policies);
	s->sigfd = -1;
	s->next = sessions;
	sessions = s;
	*state = s;
	mkx_log("Platform session of \"%s\" (policy line %d)", label, pol->line);
	return 0;
}

static int
op_devices(void *st, struct mkx_reply *r, char *why, size_t whylen)
{
	struct rsession *s = st;

	if (s->pol >= 0)
		return devices_doc(s, r);
	snprintf(why, whylen, "no policy matches \"%.150s\" any more", s->c.label);
	return -EPERM;
}

static int
op_sigh(void *st, int fd)
{
	struct rsession *s = st;

	if (s->sigfd >= 0)
		close(s->sigfd);
	s->sigfd = fd;
	return 0;
}

static int
op_acquire(void *st, const char *name, size_t len, char *why, size_t whylen)
{
	int i = find_seen(st, name, len, why, whylen);

	return i < 0 ? i : acquire(st, i, why, whylen);
}

static int
op_release(void *st, const char *name, size_t len, char *why, size_t whylen)
{
	int i = find_acquired(st, name, len, why, whylen);

	if (i < 0)
		return i;
	release((unsigned)i, "released");
	return 0;
}

static int
op_resource(void *st, uint16_t op, const struct mkx_platform_res *q, struct mkx_reply *r, char *why, size_t whylen)
{
	return op == MKX_PLATFORM_IO_MEM ? io_mem(st, q, r, why, whylen) : core_session(st, op, q, r, why, whylen);
}

/*
 * DMA buffers of an acquired PCI device through core's DMA session of it,
 * as the pci component serves them. Only with config access: the buffers
 * may be freed only after bus master is off, which we must be able to do.
 */
static int
op_dma(void *st, uint16_t op, const struct mkx_platform_dma *q, struct mkx_reply *r, char *why, size_t whylen)
{
	struct rsession *s = st;
	int i = find_seen(s, q->name, sizeof q->name, why, whylen);
	const struct pci_fn *f;
	uint64_t used = 0;

	if (i < 0)
		return i;
	if (held[i].owner != s) {
		snprintf(why, whylen, "DMA for %s refused: not acquired by this session", devs.dev[i].name);
		return -EPERM;
	}
	if (!(f = fn_of((unsigned)i))) {
		snprintf(why, whylen, "DMA for %s refused: %s", devs.dev[i].name, devs.dev[i].pci ? "no config access "
		    "(bus master could not be turned off before core frees the buffers)" : "not a PCI device");
		return -EPERM;
	}
	for (unsigned j = 0; j < devs.n; j++)
		if (held[j].owner == s)
			used += held[j].dma.bytes;
	return ps_dma(&s->c.dma, pol_of(s)->dma_quota, used, &held[i].dma, f, s->c.label, op, q, r, why, whylen);
}

static int
p_call(void *ctx, void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	static const struct ps_ops ops = {
		.devices = op_devices, .sigh = op_sigh, .acquire = op_acquire, .acquire_any = acquire_any,
		.release = op_release, .resource = op_resource, .dma = op_dma,
	};
	struct rsession *s = state;

	(void)ctx;
	return ps_call(&ops, &s->c, req, r);
}

static void
p_close(void *ctx, void *state)
{
	struct rsession *s = state;

	(void)ctx;
	for (struct rsession **pp = &sessions; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	for (unsigned i = 0; i < devs.n; i++)
		if (held[i].owner == s)
			release(i, "session closed: the client released it or is gone");
	mkx_log("Platform session of \"%s\" closed", s->c.label);
	pci_dma_freed_drop(&s->c.dma.freed);
	if (s->sigfd >= 0)
		close(s->sigfd);
	free(s);
}

/*
 * A new config: every session's policy chosen again by its label, and
 * each device a session holds that its (new) policy no longer gives is
 * released from it, as Genode's platform driver does on a config update.
 */
static void
apply_config(const struct mkx_xml *conf)
{
	static struct pci_policy fresh[PCI_POLICIES_MAX];
	char why[256] = "";
	int n = pci_policies_read(conf, fresh, PCI_POLICIES_MAX, why, sizeof why);

	if (n < 0) {
		mkx_log("new config refused, keeping the policies: %s", why);
		return;
	}
	memcpy(policies, fresh, sizeof fresh);
	npolicies = (unsigned)n;
	mkx_log("config updated: %u policies", npolicies);
	for (struct rsession *s = sessions; s; s = s->next) {
		const struct pci_policy *p = pci_policy_for(policies, npolicies, s->c.label);

		s->pol = p ? (int)(p - policies) : -1;
		for (unsigned i = 0; i < devs.n; i++)
			if (held[i].owner == s && !sees(s, i)) {
				mkx_log("%s no longer in the policy of \"%s\" (%s)", devs.dev[i].name, s->c.label,
				    p ? "its new policy does not give it" : "no policy matches it any more");
				release(i, "the new config does not give it");
			}
		signal_session(s);	/* its document may have changed either way */
	}
}

static int
readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return fd >= 0 && poll(&p, 1, 0) == 1;
}

static volatile sig_atomic_t stopping;

/*
 * Stopped by core (SIGTERM to every child at once): nothing of ours needs
 * undoing (no config access, so nothing to quiesce; core ends our sessions
 * and the clients' with us), and we may be blocked in a question to core,
 * which no longer answers while its children go: exit at once.
 */
static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
	_exit(0);
}

/* The devices ROM, waiting for it to be published (a report); 0, or -errno logged. */
static int
read_devices(unsigned long wait_ms)
{
	struct mkx_rom rom;
	struct mkx_xml *x;
	unsigned long waited = 0;
	char why[256] = "";
	int err;

	while (mkx_rom_try_open(&rom, "devices")) {
		if (waited >= wait_ms) {
			mkx_error("no \"devices\" ROM within %lu ms", wait_ms);
			return -ENOENT;
		}
		usleep(100000);
		waited += 100;
	}
	x = mkx_xml_parse(rom.data, rom.size, why, sizeof why);
	err = x ? prom_read(x, &devs, why, sizeof why) : -EINVAL;
	if (err)
		mkx_error("devices ROM: %s", why);
	mkx_xml_free(x);
	mkx_rom_close(&rom);
	return err;
}

int
platform_rom_component(void)
{
	static struct mkx_service svc = { .name = "Platform", .open = p_open, .call = p_call, .close = p_close };
	struct mkx_rom cfg_rom;
	struct mkx_xml *conf;
	unsigned long wait_ms = 30000;
	char why[256] = "";
	int n, err;

	if (mkx_env_init())
		return 1;
	if (!(conf = mkx_config(&cfg_rom)))
		mkx_exit(1);
	mkx_xml_attr_ulong(conf, "devices_wait_ms", 30000, &wait_ms);
	if (read_devices(wait_ms))
		mkx_exit(1);
	if ((n = pci_policies_read(conf, policies, PCI_POLICIES_MAX, why, sizeof why)) < 0) {
		mkx_error("config: %s", why);
		mkx_exit(1);
	}
	npolicies = (unsigned)n;
	mkx_xml_free(conf);
	{
		unsigned pci = 0;

		for (unsigned i = 0; i < devs.n; i++)
			pci += devs.dev[i].pci;
		mkx_log("devices ROM: %u devices (%u PCI, %u other)", devs.n, pci, devs.n - pci);
	}
	/*
	 * Config space of the functions it hands out, through core's conf1
	 * emulation, which lets it reach only the functions core's <pci_config>
	 * names for it. Without it, devices are handed out as they are. A
	 * pci_decode that walked over conf1 may still hold the pair a moment
	 * after its report: up to 2 s while core says busy.
	 */
	if ((err = pci_conf1_open(&cfg, 0, 20, why, sizeof why))) {
		cfg.ops = NULL;
		mkx_log("no config access (IO_PORT 0xcf8-0xcff: %s): no bus master at acquire, no quiesce or reset "
		    "at release", why[0] ? why : strerror(-err));
	} else
		mkx_log("config access: conf1 through core (the functions core's <pci_config> names for us)");
	if ((err = mkx_server_announce(&svc))) {
		mkx_error("cannot announce \"Platform\": %s", strerror(-err));
		mkx_exit(1);
	}
	mkx_log("serving Platform: %u policies", npolicies);
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_term }, NULL);
	while (!stopping && mkx_server_dispatch(100) != -ECONNRESET) {
		poll_exits();	/* at most one question per pending device per turn (100 ms) */
		/* core re-delivers our config ROM on a reload (Genode: a config update). */
		if (readable(cfg_rom.sigfd)) {
			if (mkx_rom_update(&cfg_rom))
				continue;
			if (!(conf = mkx_xml_parse(cfg_rom.data, cfg_rom.size, why, sizeof why))) {
				mkx_log("new config unreadable, keeping the policies: %s", why);
				continue;
			}
			apply_config(conf);
			mkx_xml_free(conf);
		}
	}
	mkx_exit(0);
}
