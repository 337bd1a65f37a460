/*
 * OpRegion header fields (see opregion.h): signature "IntelGraphicsMem"
 * at 0, version at 0x14 (minor 0x16, major 0x17), the supported
 * mailboxes at 0x58 (bit 2: mailbox 3, ASLE), RVDA (64 bit) at 0x3ba and
 * RVDS (32 bit) at 0x3c2 in the ASLE mailbox. The region to map covers
 * both the 8 KiB and the raw VBT.
 */
#include <string.h>

#include <mkx/io_mem.h>
#include <mkx/log.h>

#include "opregion.h"

static uint64_t
le(const volatile uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

uint64_t
pci_opregion_size(const volatile uint8_t *r, size_t len)
{
	static const char sig[] = "IntelGraphicsMem";
	unsigned major, minor;
	uint64_t rvda, rvds, end;

	if (len < 0x3c6)
		return 0;
	for (unsigned i = 0; i < 16; i++)
		if (r[i] != (uint8_t)sig[i])
			return 0;
	minor = r[0x16];
	major = r[0x17];
	rvda = le(r + 0x3ba, 8);
	rvds = le(r + 0x3c2, 4);
	if (!(le(r + 0x58, 4) & 4) || major < 2 || !rvda || !rvds || (major == 2 && minor < 1))
		return PCI_OPREGION_BASE_SIZE;
	/* As Genode's pci_decode sizes it: up to RVDA if that is beyond 8 KiB, then RVDS more (covers the VBT). */
	end = rvda > PCI_OPREGION_BASE_SIZE ? rvda : PCI_OPREGION_BASE_SIZE;
	/* Firmware's numbers: a region past 16 MiB is not believed (and end + rvds cannot wrap). */
	if (end > PCI_OPREGION_MAX || rvds > PCI_OPREGION_MAX - end)
		return PCI_OPREGION_BASE_SIZE;
	return end + rvds;
}

uint64_t
pci_opregion_size_live(uint32_t asls)
{
	struct mkx_io_mem m;
	char why[256] = "";
	uint64_t size;

	if (mkx_io_mem_open(&m, asls, PCI_OPREGION_BASE_SIZE, 0, why, sizeof why)) {
		mkx_log("IGD OpRegion at 0x%x: not read (%s): reported as %u bytes", asls, why, PCI_OPREGION_BASE_SIZE);
		return PCI_OPREGION_BASE_SIZE;
	}
	size = pci_opregion_size((const volatile uint8_t *)m.va, PCI_OPREGION_BASE_SIZE);
	mkx_io_mem_close(&m);
	if (!size) {
		mkx_log("IGD OpRegion at 0x%x: no OpRegion signature there: reported as %u bytes", asls,
		    PCI_OPREGION_BASE_SIZE);
		return PCI_OPREGION_BASE_SIZE;
	}
	mkx_log("IGD OpRegion at 0x%x: %llu bytes", asls, (unsigned long long)size);
	return size;
}
