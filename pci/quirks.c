/*
 * The USB legacy handoff (see quirks.h), from the EHCI specification
 * (appendix C, "Extended Capabilities": USBLEGSUP/USBLEGCTLSTS in config
 * space) and the xHCI specification (7.1, "USB Legacy Support
 * Capability": the same semaphores in memory space). The OS asks by
 * setting its semaphore; the firmware answers by clearing its own. A
 * firmware that never answers is overruled (its semaphore cleared), as an
 * OS must to drive the controller at all. Then the legacy SMIs are
 * switched off, so that SMM code no longer touches the controller.
 */
#include <errno.h>

#include "quirks.h"

#define LEGSUP_ID	1
#define BIOS_OWNED	(1u << 16)
#define OS_OWNED	(1u << 24)
/* xHCI USBLEGCTLSTS: the SMI enables (USB, host system error, OS ownership, PCI command, BAR) and the RW1C events. */
#define XHCI_SMI_ENABLES	0x0000e011u
#define XHCI_SMI_EVENTS		0xe0000000u

/* Poll until the BIOS semaphore is clear: 1 if it cleared, 0 after timeout_ms. */
static int
bios_lets_go(uint32_t (*sem)(const void *), const void *arg, unsigned timeout_ms, void (*sleep_ms)(unsigned))
{
	for (unsigned t = 0; t <= timeout_ms; t++) {
		if (!(sem(arg) & BIOS_OWNED))
			return 1;
		if (sleep_ms)
			sleep_ms(1);
	}
	return 0;
}

struct ehci_at {
	const struct pci_cfg	*c;
	struct pci_addr		a;
	unsigned		off;
};

static uint32_t
ehci_sem(const void *arg)
{
	const struct ehci_at *e = arg;

	return pci_rd(e->c, e->a, e->off, 4);
}

int
pci_ehci_handoff(const struct pci_cfg *c, struct pci_addr a, const struct pci_mmio *m, unsigned timeout_ms,
    void (*sleep_ms)(unsigned))
{
	unsigned eecp = m->size >= 0x0c ? (m->rd(m->ctx, 0x08) >> 8) & 0xff : 0;
	int forced;

	for (unsigned hops = 0; eecp; hops++) {
		uint32_t v;

		if (eecp < 0x40 || eecp > 0xf8 || (eecp & 3) || hops == 48)
			return -EINVAL;
		v = pci_rd(c, a, eecp, 4);
		if ((v & 0xff) != LEGSUP_ID) {
			eecp = (v >> 8) & 0xff;
			continue;
		}
		if (!(v & BIOS_OWNED))
			return PCI_HANDOFF_OS_OWNED;
		pci_wr(c, a, eecp + 3, 1, 1);	/* the OS semaphore byte alone: the BIOS one is not ours to write */
		forced = !bios_lets_go(ehci_sem, &(struct ehci_at){ c, a, eecp }, timeout_ms, sleep_ms);
		if (forced)
			pci_wr(c, a, eecp + 2, 1, 0);
		pci_wr(c, a, eecp + 4, 4, 0);	/* every SMI enable off; the event bits are cleared by writing 1 (not done) */
		return forced ? PCI_HANDOFF_FORCED : PCI_HANDOFF_DONE;
	}
	return PCI_HANDOFF_NONE;
}

struct xhci_at {
	const struct pci_mmio	*m;
	unsigned		off;
};

static uint32_t
xhci_sem(const void *arg)
{
	const struct xhci_at *x = arg;

	return x->m->rd(x->m->ctx, x->off);
}

int
pci_xhci_handoff(const struct pci_mmio *m, unsigned timeout_ms, void (*sleep_ms)(unsigned))
{
	unsigned off = m->size >= 0x14 ? (m->rd(m->ctx, 0x10) >> 16) << 2 : 0;
	int forced;

	for (unsigned hops = 0; off; hops++) {
		uint32_t v, next;

		if (off + 8 > m->size || hops == 256)
			return -EINVAL;
		v = m->rd(m->ctx, off);
		if ((v & 0xff) != LEGSUP_ID) {
			next = ((v >> 8) & 0xff) << 2;
			off = next ? off + next : 0;
			continue;
		}
		if (!(v & BIOS_OWNED))
			return PCI_HANDOFF_OS_OWNED;
		m->wr(m->ctx, off, v | OS_OWNED);
		forced = !bios_lets_go(xhci_sem, &(struct xhci_at){ m, off }, timeout_ms, sleep_ms);
		if (forced)
			m->wr(m->ctx, off, (m->rd(m->ctx, off) & ~BIOS_OWNED) | OS_OWNED);
		v = m->rd(m->ctx, off + 4);
		m->wr(m->ctx, off + 4, (v & ~XHCI_SMI_ENABLES) | XHCI_SMI_EVENTS);
		return forced ? PCI_HANDOFF_FORCED : PCI_HANDOFF_DONE;
	}
	return PCI_HANDOFF_NONE;
}
