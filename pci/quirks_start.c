/*
 * The start-up quirks on the live machine (quirks.h): every EHCI
 * (0x0c0320) and xHCI (0x0c0330) with an assigned memory BAR0 gets its
 * registers through core's IO_MEM session of that BAR for the handoff,
 * memory decode on for the moment if it was off (as Genode's platform
 * driver does around its quirks); the result is logged per function.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <mkx/io_mem.h>
#include <mkx/log.h>

#include "quirks.h"

#define EHCI_CLASS	0x0c0320u
#define XHCI_CLASS	0x0c0330u
#define HANDOFF_MS	1000	/* what both specifications give the firmware */

static uint32_t
mmio_rd(void *ctx, unsigned off)
{
	return *(volatile uint32_t *)((volatile uint8_t *)ctx + off);
}

static void
mmio_wr(void *ctx, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)((volatile uint8_t *)ctx + off) = v;
}

static void
sleep_1ms(unsigned ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void
handoff(const struct pci_cfg *c, const struct pci_fn *f)
{
	static const char *const what[] = { "no USB legacy support capability", "already OS-owned: left alone",
	    "handed over by the firmware, SMIs off", "firmware did not let go in 1 s: taken, SMIs off" };
	const struct pci_bar *b = &f->bar[0];
	struct mkx_io_mem io;
	char n[16], why[256] = "";
	uint16_t cmd = (uint16_t)pci_rd(c, f->a, 0x04, 2);
	int err, r;

	pci_name(f->a, n);
	if ((err = mkx_io_mem_open(&io, b->start, b->size, 0, why, sizeof why))) {
		mkx_log("%s: USB legacy handoff not checked: BAR0 not granted: %s", n, why[0] ? why : strerror(-err));
		return;
	}
	if (!(cmd & 2))
		pci_wr(c, f->a, 0x04, 2, cmd | 2);
	{
		struct pci_mmio m = { (void *)(uintptr_t)io.va, (size_t)b->size, mmio_rd, mmio_wr };

		r = f->class == EHCI_CLASS ? pci_ehci_handoff(c, f->a, &m, HANDOFF_MS, sleep_1ms)
		    : pci_xhci_handoff(&m, HANDOFF_MS, sleep_1ms);
	}
	if (!(cmd & 2))
		pci_wr(c, f->a, 0x04, 2, cmd);
	mkx_io_mem_close(&io);
	mkx_log("%s: %s USB legacy handoff: %s", n, f->class == EHCI_CLASS ? "EHCI" : "xHCI",
	    r < 0 ? "capability chain malformed: not touched" : what[r]);
}

void
pci_quirks_start(const struct pci_tree *t, const struct pci_cfg *c)
{
	for (unsigned i = 0; i < t->nfn; i++) {
		const struct pci_fn *f = &t->fn[i];
		const struct pci_bar *b = &f->bar[0];

		if (f->class != EHCI_CLASS && f->class != XHCI_CLASS)
			continue;
		if ((b->kind != PCI_BAR_MEM32 && b->kind != PCI_BAR_MEM64) || b->unassigned || b->size < 0x20) {
			mkx_log("%s: USB legacy handoff not checked: no assigned memory BAR0", pci_name(f->a,
			    (char[16]){ 0 }));
			continue;
		}
		handoff(c, f);
	}
}
