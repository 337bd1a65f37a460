/*
 * The USB legacy handoff (pci/quirks.c): EHCI on simulated config space
 * (pci/sim.c models the firmware: its semaphore drops when the OS one is
 * set, or never with bios_stuck), xHCI on a fake BAR0 that models the
 * same in memory space. Also what must not happen: a controller already
 * OS-owned (Linux did the handoff at boot) gets no write at all.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "../../pci/quirks.h"
#include "../../pci/sim.h"

static struct pci_sim sim;
static const struct pci_cfg cfg = { &pci_cfg_sim, &sim };
static const struct pci_addr ehci_at = { 0, 0, 0x1d, 0 };

/* A fake BAR0: 4 KiB of registers; the xHCI's USBLEGSUP at xecp modelled as firmware. */
struct bar {
	uint32_t	r[1024];
	unsigned	xecp;		/* 0: no firmware model */
	int		stuck;
	unsigned	writes;
};

static uint32_t
rd(void *ctx, unsigned off)
{
	return ((struct bar *)ctx)->r[off / 4];
}

static void
wr(void *ctx, unsigned off, uint32_t v)
{
	struct bar *b = ctx;

	b->writes++;
	b->r[off / 4] = v;
	if (b->xecp && off == b->xecp && (v & 1u << 24) && !b->stuck)
		b->r[off / 4] &= ~(1u << 16);
}

static struct bar bar;
static const struct pci_mmio mmio = { &bar, sizeof bar.r, rd, wr };

/* An EHCI at 00:1d.0: HCCPARAMS' EECP 0x68; USBLEGSUP there with the given semaphores, SMIs enabled. */
static struct pci_sim_fn *
ehci(uint32_t legsup)
{
	static const uint8_t id[] = { 0x86, 0x80, 0x26, 0x1e, 0x06, 0x00, 0x00, 0x00, 0x00, 0x20, 0x03, 0x0c };
	struct pci_sim_fn *f;

	pci_sim_free(&sim);
	pci_sim_init(&sim);
	f = pci_sim_add(&sim, ehci_at, id, sizeof id);
	memcpy(f->cfg + 0x68, &legsup, 4);
	memcpy(f->cfg + 0x6c, &(uint32_t){ 0x0000e03f }, 4);
	f->usb_legsup = 0x68;
	memset(&bar, 0, sizeof bar);
	bar.r[0x08 / 4] = 0x00006800;	/* HCCPARAMS: EECP 0x68 */
	return f;
}

static uint32_t
cfg32(const struct pci_sim_fn *f, unsigned off)
{
	uint32_t v;

	memcpy(&v, f->cfg + off, 4);
	return v;
}

TEST(ehci_bios_owned_handed_over)
{
	struct pci_sim_fn *f = ehci(0x00010001);	/* ID 1, next 0, BIOS-owned */

	CHECK_INT(pci_ehci_handoff(&cfg, ehci_at, &mmio, 1000, NULL), PCI_HANDOFF_DONE);
	CHECK_INT(cfg32(f, 0x68), 0x01000001);		/* OS-owned, the BIOS let go */
	CHECK_INT(cfg32(f, 0x6c), 0);			/* SMIs off */
}

TEST(ehci_already_os_owned_left_alone)
{
	struct pci_sim_fn *f = ehci(0x01000001);	/* Linux did it at boot */
	unsigned long w = sim.writes;

	CHECK_INT(pci_ehci_handoff(&cfg, ehci_at, &mmio, 1000, NULL), PCI_HANDOFF_OS_OWNED);
	CHECK_INT(sim.writes, w);
	CHECK_INT(cfg32(f, 0x6c), 0x0000e03f);
}

TEST(ehci_stuck_firmware_overruled)
{
	struct pci_sim_fn *f = ehci(0x00010001);

	f->bios_stuck = 1;
	CHECK_INT(pci_ehci_handoff(&cfg, ehci_at, &mmio, 5, NULL), PCI_HANDOFF_FORCED);
	CHECK_INT(cfg32(f, 0x68), 0x01000001);
	CHECK_INT(cfg32(f, 0x6c), 0);
}

TEST(ehci_chain_walked_and_bad_pointer_refused)
{
	struct pci_sim_fn *f = ehci(0x00007001);	/* ID 1 but no BIOS: a chain to walk first */

	memcpy(f->cfg + 0x68, &(uint32_t){ 0x00007002 }, 4);	/* another ID, next 0x70 */
	memcpy(f->cfg + 0x70, &(uint32_t){ 0x00010001 }, 4);	/* USBLEGSUP, BIOS-owned */
	memcpy(f->cfg + 0x74, &(uint32_t){ 0x0000e03f }, 4);
	f->usb_legsup = 0x70;
	CHECK_INT(pci_ehci_handoff(&cfg, ehci_at, &mmio, 1000, NULL), PCI_HANDOFF_DONE);
	CHECK_INT(cfg32(f, 0x70), 0x01000001);
	CHECK_INT(cfg32(f, 0x74), 0);
	f = ehci(0x00000001);
	bar.r[0x08 / 4] = 0x00002000;	/* EECP 0x20: inside the header */
	CHECK_INT(pci_ehci_handoff(&cfg, ehci_at, &mmio, 1000, NULL), -EINVAL);
	bar.r[0x08 / 4] = 0;		/* no extended capabilities */
	CHECK_INT(pci_ehci_handoff(&cfg, ehci_at, &mmio, 1000, NULL), PCI_HANDOFF_NONE);
}

/* An xHCI: HCCPARAMS1's xECP 0x500/4; a Supported Protocol capability there, USBLEGSUP after it at 0x510. */
static void
xhci(uint32_t legsup)
{
	memset(&bar, 0, sizeof bar);
	bar.r[0x10 / 4] = (0x500 / 4) << 16;
	bar.r[0x500 / 4] = 0x02000402;		/* Supported Protocol, next 4 dwords */
	bar.r[0x510 / 4] = legsup;
	bar.r[0x514 / 4] = 0xe000e011;		/* SMI enables and pending events */
	bar.xecp = 0x510;
}

TEST(xhci_bios_owned_handed_over)
{
	xhci(0x00010001);
	CHECK_INT(pci_xhci_handoff(&mmio, 1000, NULL), PCI_HANDOFF_DONE);
	CHECK_INT(bar.r[0x510 / 4], 0x01000001);
	CHECK_INT(bar.r[0x514 / 4], 0xe0000000);	/* enables off, events written 1 (cleared) */
	xhci(0x00010001);
	bar.stuck = 1;
	CHECK_INT(pci_xhci_handoff(&mmio, 5, NULL), PCI_HANDOFF_FORCED);
	CHECK_INT(bar.r[0x510 / 4], 0x01000001);
}

TEST(xhci_os_owned_or_without_capability_untouched)
{
	xhci(0x01000001);
	CHECK_INT(pci_xhci_handoff(&mmio, 1000, NULL), PCI_HANDOFF_OS_OWNED);
	CHECK_INT(bar.writes, 0);
	xhci(0x00000002);			/* like QEMU's qemu-xhci: protocol capabilities only */
	bar.r[0x500 / 4] = 0x02000402;
	CHECK_INT(pci_xhci_handoff(&mmio, 1000, NULL), PCI_HANDOFF_NONE);
	bar.r[0x510 / 4] = 0x00000402;		/* a next pointer that leaves a BAR of 0x600 bytes */
	bar.r[0x520 / 4] = 0x0000ff02;
	CHECK_INT(pci_xhci_handoff(&(struct pci_mmio){ &bar, 0x600, rd, wr }, 1000, NULL), -EINVAL);
	CHECK_INT(bar.writes, 0);
}
