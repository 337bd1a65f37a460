/*
 * Platform sessions (mkx/platform.h): each client sees the devices its
 * policy gives it, acquires them one session at a time, gets their MMIO
 * as the dataspace fds of the platform driver's own IO_MEM sessions at
 * core, and loses them quiesced when it releases them or dies.
 */
#define _GNU_SOURCE
#include <errno.h>
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
#include <mkx/rpc.h>
#include <mkx/server.h>

#include "component.h"
#include "devices_xml.h"
#include "platform_dma.h"
#include "platform_session.h"
#include "policy.h"
#include "quiesce.h"

struct psession {
	struct ps_session	c;	/* label, refusals logged, DMA (platform_session.h) */
	const struct pci_policy	*pol;
};

/*
 * What an acquired function holds: its owner, the platform driver's IO_MEM
 * sessions of its BARs and its DMA session at core (buffers the owner
 * allocated).
 */
struct held {
	struct psession		*owner;
	struct mkx_io_mem	bar[6];
	int			bar_open[6];
	struct pci_dma		dma;
	char			last[192];	/* the label of its last owner, "" if none yet */
};

static struct pci_tree *tree;
static const struct pci_cfg *cfg;
static struct pci_policy policies[PCI_POLICIES_MAX];
static unsigned npolicies;
static struct held *held;	/* one per function of the tree */

static int
wanted(const struct pci_fn *f, void *arg)
{
	return pci_policy_has(arg, f);
}

/* Is the function acquired by a session (any)? */
static int
in_use(const struct pci_fn *f, void *arg)
{
	(void)arg;
	return held[f - tree->fn].owner != NULL;
}

/* The function named by a request payload, if it is in the session's policy; else why not. */
static int
lookup(struct psession *s, const char *name, size_t len, char *why, size_t whylen)
{
	struct pci_addr a;
	char n[16];
	int i;

	if (!len || strnlen(name, len) == len || pci_parse_addr(name, &a, NULL)) {
		snprintf(why, whylen, "not a device name (BB:DD.F)");
		return -EINVAL;
	}
	pci_name(a, n);
	i = pci_find(tree, a);
	if (i < 0 || !pci_policy_has(s->pol, &tree->fn[i])) {
		snprintf(why, whylen, "%s is not in the policy of \"%.150s\" (line %d)%s", n, s->c.label, s->pol->line,
		    i < 0 ? ": no such device" : "");
		return -EPERM;
	}
	return i;
}

/* lookup, and the device must be acquired by this session: its index, or -errno with why. */
static int
lookup_acquired(struct psession *s, const char *name, size_t len, char *why, size_t whylen)
{
	char n[16];
	int i = lookup(s, name, len, why, whylen);

	if (i >= 0 && held[i].owner != s) {
		snprintf(why, whylen, "%s is not acquired by this session", pci_name(tree->fn[i].a, n));
		return -EPERM;
	}
	return i;
}

static void
release(int i, const char *how, int quiet)
{
	struct held *h = &held[i];
	const struct pci_fn *f = &tree->fn[i];
	char n[16];
	uint16_t cmd = 0;

	pci_name(f->a, n);
	ps_fn_quiesce(cfg, f, n, h->owner->c.label, how, h->dma.open, quiet, &cmd);
	ps_pending_close();
	for (unsigned b = 0; b < 6; b++)
		if (h->bar_open[b]) {
			mkx_io_mem_close(&h->bar[b]);
			h->bar_open[b] = 0;
		}
	ps_fn_reset(cfg, f, n, h->owner->c.label, quiet, &cmd);
	/* If bus master would not go off, keep core's session: its buffers stay allocated rather than reused. */
	if (!(cmd & 0x4))
		pci_dma_close(&h->dma, &h->owner->c.dma.freed);
	else if (h->dma.open && !quiet)
		mkx_log("%s: bus master still on: its DMA buffers stay allocated (core's session kept)", n);
	snprintf(h->last, sizeof h->last, "%s", h->owner->c.label);
	h->owner = NULL;
}

/*
 * RUNNING: the component we last handed the function to may keep what it
 * got where /proc does not show it (a BAR fd in flight in a socket it
 * keeps) and no one can take it back; so the function stays its own until
 * core says it has exited (core killed every process of its uid then).
 * Fails closed: if core will not answer, the function is not handed on.
 */
static int
running_check(int i, struct mkx_io_mem *m, const char *comp, char *why, size_t whylen)
{
	char n[16];
	int ex;

	pci_name(tree->fn[i].a, n);
	if (!m) {
		snprintf(why, whylen, "%s was handed to \"%.60s\"; without an IO_MEM session of one of its memory BARs "
		    "core cannot be asked whether that still runs: not handed on", n, comp);
		return -EBUSY;
	}
	if ((ex = ps_exited(m, comp)) < 0) {
		snprintf(why, whylen, "%s was handed to \"%.60s\"; core does not say whether it still runs (%s): "
		    "not handed on", n, comp, strerror(-ex));
		return -EBUSY;
	}
	if (!ex) {
		snprintf(why, whylen, "%s was handed to \"%.60s\", which still runs; Linux cannot revoke what it may "
		    "still hold: acquire again once it has exited", n, comp);
		return -EBUSY;
	}
	mkx_log("%s: \"%s\", which had it last, has exited (core killed every process of its uid): it may be "
	    "handed on", n, comp);
	held[i].last[0] = 0;
	return 0;
}

/*
 * Linux cannot take back what a released function's last owner got: its
 * BAR mappings and fds, its UIO fd, the sessions' sockets. Before the
 * function goes to another component, ask core (on an IO_MEM session of
 * one of its memory BARs) whether any component but us still holds
 * something of it (HOLDERS), and whether the component that had it last
 * still runs (RUNNING); if so, refuse. The same component may have it
 * again at any time.
 */
static int
still_held(struct psession *s, int i, char *why, size_t whylen)
{
	const struct pci_fn *f = &tree->fn[i];
	struct mkx_io_mem tmp, *m = NULL;
	char n[16], cwhy[256] = "", comp[64] = "";
	int err, other;

	pci_name(f->a, n);
	if (held[i].last[0])
		ps_component_of(held[i].last, comp, sizeof comp);
	other = comp[0] && !ps_same_component(s->c.label, comp);
	for (unsigned b = 0; b < 6 && !m; b++) {
		const struct pci_bar *bar = &f->bar[b];

		if (bar->kind == PCI_BAR_NONE || bar->kind == PCI_BAR_IO || bar->unassigned)
			continue;
		if (held[i].bar_open[b])
			m = &held[i].bar[b];
		else if (!(err = mkx_io_mem_open(&tmp, bar->start, bar->size, 0, cwhy, sizeof cwhy)))
			m = &tmp;
		else {
			mkx_log("%s: cannot ask core who still holds it (BAR%u: %s)", n, b, cwhy);
			break;
		}
	}
	err = m ? ps_holders(m, n, s->c.label, held[i].last, why, whylen) : 0;
	if (!err && other)
		err = running_check(i, m, comp, why, whylen);
	if (m == &tmp)
		mkx_io_mem_close(&tmp);
	return err;
}

static int
p_open(void *ctx, const char *label, const char *args, void **state, char *why, size_t whylen)
{
	const struct pci_policy *pol;
	struct psession *s;
	int err;

	(void)ctx;
	if (!(s = ps_open(sizeof *s, policies, npolicies, label, args, &pol, &err, why, whylen)))
		return err;
	s->pol = pol;
	*state = s;
	mkx_log("Platform session of \"%s\" (policy line %d): ram_quota %lu KiB for its DMA buffers", label, pol->line,
	    (unsigned long)(s->c.dma.ram_quota >> 10));
	return 0;
}

static int
devices_doc(struct psession *s, struct mkx_reply *r)
{
	char attrs[64] = "", *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);

	if (!o)
		return -ENOMEM;
	if (s->pol->version[0])
		snprintf(attrs, sizeof attrs, "version=\"%.40s\"", s->pol->version);
	{
		/* Genode's session ROM: used="true" for a device any session holds. */
		struct pci_session_view v = { wanted, in_use, (void *)s->pol, s->pol->info, pci_report_msi(), attrs };

		pci_session_devices_xml(o, tree, &v);
	}
	if (fclose(o)) {
		free(buf);
		return -ENOMEM;
	}
	return ps_doc_reply(buf, len, r);
}

static int
io_mem(struct psession *s, const struct mkx_platform_res *q, struct mkx_reply *r, char *why, size_t whylen)
{
	int i = lookup_acquired(s, q->name, sizeof q->name, why, whylen);
	unsigned nth = 0;
	char n[16], cwhy[256] = "";

	if (i < 0)
		return i;
	pci_name(tree->fn[i].a, n);
	for (unsigned b = 0; b < 6; b++) {
		const struct pci_bar *bar = &tree->fn[i].bar[b];
		int err;

		if (bar->kind == PCI_BAR_NONE || bar->kind == PCI_BAR_IO || bar->unassigned || nth++ != q->index)
			continue;
		/* Write-combining only where it cannot reorder register accesses: prefetchable BARs. */
		if ((err = ps_io_mem_give(&held[i].bar[b], &held[i].bar_open[b], bar->start, bar->size,
		    (q->flags & MKX_PLATFORM_WC) && bar->prefetch, r, cwhy, sizeof cwhy)))
			snprintf(why, whylen, "core refused %s BAR%u: %s", n, b, cwhy);
		return err;
	}
	snprintf(why, whylen, "%s has no memory resource %u", n, q->index);
	return -ENOENT;
}

/* The function's capability of that ID, or NULL. */
static const struct pci_cap *
cap_of(const struct pci_fn *f, unsigned id)
{
	for (unsigned c = 0; c < f->ncap; c++)
		if (f->cap[c].id == id)
			return &f->cap[c];
	return NULL;
}

/*
 * Interrupt index q->index of the function as an IRQ session the platform
 * driver opens at core (its <irq> policy must grant the function). Index
 * 0: MSI-X vector 0 if the function has MSI-X, else MSI, else INTx, each
 * refused one (core refuses MSI without an IOMMU, naming why) falling back
 * to the next. Index N > 0: MSI-X vector N only (a queue's own vector),
 * within the table (ps_irq_index_check); no fallback, as INTx has no
 * second line. The session socket goes to the client, which waits on its
 * vector's eventfd itself: neither we nor core are on the interrupt path.
 */
static int
irq(struct psession *s, const struct mkx_platform_res *q, struct mkx_reply *r, char *why, size_t whylen)
{
	static const char *const kinds[] = { "INTx", "MSI", "MSI-X" };
	int i = lookup_acquired(s, q->name, sizeof q->name, why, whylen), err = -ENOENT;
	const struct pci_fn *f;
	struct mkx_session sess;
	char n[16], args[160], cwhy[256] = "", tried[512] = "";
	int type;

	if (i < 0)
		return i;
	f = &tree->fn[i];
	pci_name(f->a, n);
	if ((err = ps_irq_index_check(cfg, f, n, q->index, !!(q->flags & MKX_PLATFORM_INTX), why, whylen)))
		return err;
	err = -ENOENT;
	for (type = (q->flags & MKX_PLATFORM_INTX) ? 0 : 2; type >= (q->index ? 2 : 0); type--) {
		if (type == 2 && !cap_of(f, 0x11))
			continue;
		if (type == 1 && !cap_of(f, 0x05))
			continue;
		if (type == 0 && (!f->pin || !f->intx.routed))
			continue;
		if (type && f->ecam)	/* Genode's way to name the function: its ECAM page */
			snprintf(args, sizeof args, "ram_quota=6K, irq_number=1, irq_type=%d, device_config_phys=0x%llx, "
			    "domain=%u", type, (unsigned long long)f->ecam, s->c.dma.id);
		else	/* domain=: under VFIO the IRQ's group joins the session's IOMMU domain, as its DMA does */
			snprintf(args, sizeof args, "ram_quota=6K, pci=\"%s\", irq_type=%d, domain=%u", n, type, s->c.dma.id);
		if (q->index)	/* MSI-X table entry N: core enabled every vector at the first session */
			snprintf(args + strlen(args), sizeof args - strlen(args), ", vector=%u", q->index);
		if (!(err = mkx_session_open(&sess, "IRQ", args, cwhy, sizeof cwhy)))
			break;
		snprintf(tried + strlen(tried), sizeof tried - strlen(tried), "%s%s refused: %.150s",
		    tried[0] ? "; " : "", kinds[type], cwhy);
	}
	if (err) {
		snprintf(why, whylen, "no interrupt %u for %s%s%s", q->index, n,
		    tried[0] ? ": " : " (no MSI/MSI-X, no routed pin)", tried);
		return err;
	}
	if (tried[0])
		mkx_log("%s: %s", n, tried);
	if (q->index)
		mkx_log("%s: IRQ session (MSI-X vector %u) handed to \"%s\"", n, q->index, s->c.label);
	else
		mkx_log("%s: IRQ session (%s%s) handed to \"%s\"", n, kinds[type], type ? "" : ", routed from _PRT",
		    s->c.label);
	ps_session_give(&sess, r);	/* ours is closed once it is sent: the client holds the session */
	return 0;
}

/* The device's idx-th I/O BAR as an IO_PORT session the platform driver opens at core; its socket goes on. */
static int
io_port(struct psession *s, const struct mkx_platform_res *q, struct mkx_reply *r, char *why, size_t whylen)
{
	int i = lookup_acquired(s, q->name, sizeof q->name, why, whylen), err;
	unsigned nth = 0;
	struct mkx_session sess;
	char n[16], args[128], cwhy[256] = "";

	if (i < 0)
		return i;
	pci_name(tree->fn[i].a, n);
	for (unsigned b = 0; b < 6; b++) {
		const struct pci_bar *bar = &tree->fn[i].bar[b];

		if (bar->kind != PCI_BAR_IO || bar->unassigned || nth++ != q->index)
			continue;
		snprintf(args, sizeof args, "ram_quota=6K, io_port_base=0x%llx, io_port_size=0x%llx",
		    (unsigned long long)bar->start, (unsigned long long)bar->size);
		if ((err = mkx_session_open(&sess, "IO_PORT", args, cwhy, sizeof cwhy))) {
			snprintf(why, whylen, "core refused %s BAR%u (I/O): %s", n, b, cwhy);
			return err;
		}
		mkx_log("%s: IO_PORT session of BAR%u (0x%llx+0x%llx) handed to \"%s\"", n, b,
		    (unsigned long long)bar->start, (unsigned long long)bar->size, s->c.label);
		ps_session_give(&sess, r);
		return 0;
	}
	snprintf(why, whylen, "%s has no I/O port resource %u", n, q->index);
	return -ENOENT;
}

/* DMA buffers of an acquired device, through core's DMA session of it. */
static int
dma(struct psession *s, uint16_t op, const struct mkx_platform_dma *q, struct mkx_reply *r, char *why, size_t whylen)
{
	int i = lookup(s, q->name, sizeof q->name, why, whylen);
	uint64_t used = 0;
	char n[16];

	if (i < 0)
		return i;
	if (held[i].owner != s) {
		snprintf(why, whylen, "DMA for %s refused: not acquired by this session", pci_name(tree->fn[i].a, n));
		return -EPERM;
	}
	for (unsigned j = 0; j < tree->nfn; j++)
		if (held[j].owner == s)
			used += held[j].dma.bytes;
	return ps_dma(&s->c.dma, s->pol->dma_quota, used, &held[i].dma, &tree->fn[i], s->c.label, op, q, r, why, whylen);
}

static int
op_devices(void *st, struct mkx_reply *r, char *why, size_t whylen)
{
	(void)why, (void)whylen;
	return devices_doc(st, r);
}

static int
op_acquire(void *st, const char *name, size_t len, char *why, size_t whylen)
{
	struct psession *s = st;
	char n[16];
	uint16_t cmd;
	int i, err;

	if ((i = lookup(s, name, len, why, whylen)) < 0)
		return i;
	pci_name(tree->fn[i].a, n);
	if (held[i].owner && held[i].owner != s) {
		snprintf(why, whylen, "%s is held by \"%.150s\"", n, held[i].owner->c.label);
		return -EBUSY;
	}
	if (held[i].owner == s)
		return 0;
	if ((err = ps_dma_kept_check(&held[i].dma, n, why, whylen)))
		return err;
	if ((err = still_held(s, i, why, whylen)))
		return err;
	if ((err = ps_fn_acquire(cfg, &tree->fn[i], n, s->c.label, &cmd))) {
		snprintf(why, whylen, "%s did not come back to D0 with its header restored: not handed out", n);
		return err;
	}
	held[i].owner = s;
	return 0;
}

static int
op_release(void *st, const char *name, size_t len, char *why, size_t whylen)
{
	int i = lookup_acquired(st, name, len, why, whylen);

	if (i < 0)
		return i;
	release(i, "released", 0);
	return 0;
}

static int
op_resource(void *st, uint16_t op, const struct mkx_platform_res *q, struct mkx_reply *r, char *why, size_t whylen)
{
	if (op == MKX_PLATFORM_IO_MEM)
		return io_mem(st, q, r, why, whylen);
	return op == MKX_PLATFORM_IRQ ? irq(st, q, r, why, whylen) : io_port(st, q, r, why, whylen);
}

static int
op_dma(void *st, uint16_t op, const struct mkx_platform_dma *q, struct mkx_reply *r, char *why, size_t whylen)
{
	return dma(st, op, q, r, why, whylen);
}

static int
p_call(void *ctx, void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	static const struct ps_ops ops = {
		.devices = op_devices, .acquire = op_acquire, .release = op_release, .resource = op_resource,
		.dma = op_dma,
	};
	struct psession *s = state;

	(void)ctx;
	return ps_call(&ops, &s->c, req, r);
}

static void
p_close(void *ctx, void *state)
{
	struct psession *s = state;

	(void)ctx;
	for (unsigned i = 0; i < tree->nfn; i++)
		if (held[i].owner == s)
			release((int)i, "session closed: the client released it or is gone", 0);
	mkx_log("Platform session of \"%s\" closed", s->c.label);
	pci_dma_freed_drop(&s->c.dma.freed);
	free(s);
}

static volatile sig_atomic_t stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

void
pci_serve(struct pci_tree *t, const struct pci_cfg *c, struct mkx_xml *conf)
{
	static struct mkx_service svc = {
		.name = "Platform", .open = p_open, .call = p_call, .close = p_close,
	};
	char why[256] = "";
	int n, err;

	tree = t;
	cfg = c;
	n = pci_policies_read(conf, policies, PCI_POLICIES_MAX, why, sizeof why);
	if (n < 0) {
		mkx_error("config: %s", why);
		mkx_exit(1);
	}
	npolicies = (unsigned)n;
	if (!npolicies) {
		mkx_log("no <policy>: no Platform sessions to serve");
		return;
	}
	if (!(held = calloc(t->nfn ? t->nfn : 1, sizeof *held))) {
		mkx_error("out of memory");
		mkx_exit(1);
	}
	if ((err = mkx_server_announce(&svc))) {
		mkx_error("cannot announce \"Platform\": %s", strerror(-err));
		mkx_exit(1);
	}
	mkx_log("serving Platform: %u policies", npolicies);
	/*
	 * Stopped (core ends the composition with SIGTERM to every child at
	 * once): quiesce what we handed out before our DMA sessions at core end
	 * with our exit, so buffers are freed after bus master off, as at a
	 * release. No SA_RESTART: the signal ends the poll; the timeout covers
	 * one that arrives just before it. Quietly: core does not serve our LOG
	 * session while it waits for its children to go; core's own DMA log
	 * shows the command register as we left it (INTx Disable set, which
	 * only our quiesce sets).
	 */
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_term }, NULL);
	while (!stopping && mkx_server_dispatch(200) != -ECONNRESET)
		;
	/*
	 * Every device quiet first: core waits a second after SIGTERM, and the
	 * resets (100 ms and more each for FLR) may not all fit. Killed half way,
	 * we leave bus master off everywhere, which is what core's DMA session
	 * end checks before it frees.
	 */
	for (unsigned i = 0; i < tree->nfn; i++)
		if (held[i].owner) {
			uint16_t cmd;

			pci_fn_quiesce(cfg, &tree->fn[i], &cmd);
		}
	for (unsigned i = 0; i < tree->nfn; i++)
		if (held[i].owner)
			release((int)i, "the platform driver is stopped", 1);
}
