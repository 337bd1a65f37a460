/*
 * The Intel IGD's OpRegion (ASLS, config 0xfc): how much of memory it
 * spans, from its header (Intel's "IGD OpRegion" specification): 8 KiB,
 * and, from version 2.1 on, a raw VBT the ASLE mailbox places behind it
 * (RVDA: its offset from the OpRegion, RVDS: its size).
 */
#ifndef PCI_OPREGION_H
#define PCI_OPREGION_H

#include <stddef.h>
#include <stdint.h>

#define PCI_OPREGION_BASE_SIZE	8192u
#define PCI_OPREGION_MAX	(16u << 20)	/* larger sizes from firmware are not believed */

/*
 * The OpRegion's extent from its first 8 KiB (r, len bytes): 8192, or
 * max(8192, RVDA) + RVDS for an extended VBT (as Genode's pci_decode);
 * 0 if r is no OpRegion (signature) or short.
 * A 2.0 RVDA (a physical address, not an offset) is not followed: 8192.
 */
uint64_t pci_opregion_size(const volatile uint8_t *r, size_t len);

/* The same on the live machine through core's IO_MEM session of [asls, +8 KiB): 8192 if not granted (logged). */
uint64_t pci_opregion_size_live(uint32_t asls);

#endif
