/*
 * The IGD OpRegion's size from its header (pci/opregion.c) as Genode's
 * pci_decode computes it: 8 KiB, plus a 2.1+ extended VBT behind the
 * ASLE mailbox's RVDA/RVDS. No IGD in QEMU: hand-built regions only.
 */
#include <string.h>

#include "harness.h"
#include "../../pci/opregion.h"

static uint8_t r[8192];

static void
region(unsigned major, unsigned minor, uint32_t mbox, uint64_t rvda, uint32_t rvds)
{
	memset(r, 0, sizeof r);
	memcpy(r, "IntelGraphicsMem", 16);
	r[0x16] = (uint8_t)minor;
	r[0x17] = (uint8_t)major;
	memcpy(r + 0x58, &mbox, 4);
	memcpy(r + 0x3ba, &rvda, 8);
	memcpy(r + 0x3c2, &rvds, 4);
}

TEST(opregion_extended_vbt_counted)
{
	region(2, 1, 0x1f, 0x2000, 0x1800);		/* 2.1: RVDA an offset, the VBT right after the 8 KiB */
	CHECK_INT(pci_opregion_size(r, sizeof r), 0x3800);
	region(3, 0, 0x04, 0x4000, 0x1000);		/* 3.0, a gap before the VBT */
	CHECK_INT(pci_opregion_size(r, sizeof r), 0x5000);
	region(2, 1, 0x04, 0x1000, 0x1000);		/* RVDA inside the 8 KiB: Genode adds RVDS to 8 KiB */
	CHECK_INT(pci_opregion_size(r, sizeof r), 0x3000);
}

TEST(opregion_base_size_otherwise)
{
	region(2, 0, 0x1f, 0x7f000000, 0x1800);	/* 2.0: RVDA physical, not followed */
	CHECK_INT(pci_opregion_size(r, sizeof r), 8192);
	region(2, 1, 0x1b, 0x2000, 0x1800);		/* no ASLE mailbox */
	CHECK_INT(pci_opregion_size(r, sizeof r), 8192);
	region(2, 1, 0x1f, 0, 0);			/* no raw VBT */
	CHECK_INT(pci_opregion_size(r, sizeof r), 8192);
	region(1, 0, 0x1f, 0x2000, 0x1800);
	CHECK_INT(pci_opregion_size(r, sizeof r), 8192);
	region(2, 1, 0x1f, 0x2000, 0x1800);
	r[5] = 'X';					/* not an OpRegion */
	CHECK_INT(pci_opregion_size(r, sizeof r), 0);
	CHECK_INT(pci_opregion_size(r, 0x100), 0);	/* too short for the mailbox */
	region(2, 1, 0x1f, 0xfffffffffffff000ull, 0x2000);	/* RVDA that would wrap */
	CHECK_INT(pci_opregion_size(r, sizeof r), 8192);
	region(2, 1, 0x1f, 0x2000, 0xfffff000u);	/* an RVDS of 4 GiB */
	CHECK_INT(pci_opregion_size(r, sizeof r), 8192);
}
