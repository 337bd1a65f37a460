/*
 * Start-up quirks of the platform driver (issue 24): the USB legacy
 * handoff, where the firmware still owns a USB controller (its SMM code
 * emulating a PS/2 keyboard from the USB one). Only where the BIOS
 * semaphore is still set: Linux hands every USB controller it sees over
 * at boot, and a controller the OS already owns is left alone.
 */
#ifndef PCI_QUIRKS_H
#define PCI_QUIRKS_H

#include <stddef.h>
#include <stdint.h>

#include "pci.h"

/* A function's BAR0 registers, 32-bit accesses at byte offsets below size. */
struct pci_mmio {
	void		*ctx;
	size_t		size;
	uint32_t	(*rd)(void *ctx, unsigned off);
	void		(*wr)(void *ctx, unsigned off, uint32_t v);
};

/* What a handoff found and did. */
enum pci_handoff {
	PCI_HANDOFF_NONE,	/* no USB legacy support capability */
	PCI_HANDOFF_OS_OWNED,	/* the BIOS semaphore was clear (Linux or nobody had it): nothing written */
	PCI_HANDOFF_DONE,	/* BIOS-owned; the firmware let go when asked, SMIs off */
	PCI_HANDOFF_FORCED,	/* BIOS-owned and it did not let go within timeout_ms: taken, SMIs off */
};

/*
 * EHCI: HCCPARAMS (BAR0 + 8) bits 15:8 point into config space at the
 * extended capabilities; USBLEGSUP is ID 1 there (BIOS semaphore bit 16,
 * OS semaphore bit 24), USBLEGCTLSTS the dword after it. The result or
 * -EINVAL for a capability chain that loops or points outside 0x40-0xff.
 * sleep_ms(1) between polls (NULL: no sleep, for tests).
 */
int	pci_ehci_handoff(const struct pci_cfg *, struct pci_addr, const struct pci_mmio *, unsigned timeout_ms,
	    void (*sleep_ms)(unsigned));
/*
 * xHCI: HCCPARAMS1 (BAR0 + 0x10) bits 31:16 are the first extended
 * capability in dwords from BAR0; USBLEGSUP is ID 1 (the same semaphore
 * bits), USBLEGCTLSTS after it. All in memory space.
 */
int	pci_xhci_handoff(const struct pci_mmio *, unsigned timeout_ms, void (*sleep_ms)(unsigned));

/* The handoff for every EHCI and xHCI of t through core's IO_MEM session of its BAR0; each result logged. */
void	pci_quirks_start(const struct pci_tree *t, const struct pci_cfg *);

#endif
