/*
 * pci/cfg_conf1.c's walk snapshot and the walk's "still there?" read
 * (pci/enum.c reads a function's IDs again after its BARs were probed):
 * after a write or a probe to the function its IDs come from the device,
 * not from a fetch made before the write, even where that fetch was
 * triggered by another dword after the IDs had been read. A function
 * that went away while its BARs were probed then reads all ones.
 * Config requests here are a fake over one function's 256 bytes.
 */
#include <string.h>

#include "../../pci/cfg.h"

#include "harness.h"

static uint32_t space[64];
static unsigned fetches;

static int
range_read(void *ctx, unsigned bdf, unsigned off, void *buf, unsigned len)
{
	(void)ctx;
	(void)bdf;
	fetches++;
	memcpy(buf, (const char *)space + off, len);
	return 0;
}

static int
write_back(void *ctx, unsigned bdf, unsigned off, unsigned width, uint32_t v, uint32_t *back)
{
	(void)ctx;
	(void)bdf;
	memcpy((char *)space + off, &v, width);
	*back = space[off / 4];
	return 0;
}

static int
probe(void *ctx, unsigned bdf, unsigned off, uint32_t v, uint32_t restore, uint32_t *back)
{
	(void)ctx;
	(void)bdf;
	(void)v;
	*back = 0xfffff000u;		/* a 4 KiB memory BAR's mask */
	space[off / 4] = restore;
	return 0;
}

static const struct pci_addr fn = { 0, 0, 3, 0 };

/* One function with a memory BAR, walked: IDs, command (the dword read twice), decode off. */
static void
start(struct pci_conf1 *c1, struct pci_cfg *c)
{
	memset(space, 0, sizeof space);
	space[0] = 0x100e8086;
	space[1] = 0x00000107;
	space[3] = 0x00000000;
	space[4] = 0xfebc0000;
	*c1 = (struct pci_conf1){ .range_read = range_read, .write_back = write_back, .probe = probe, .walk = 1 };
	*c = (struct pci_cfg){ &pci_cfg_conf1, c1 };
	fetches = 0;
	CHECK_INT(pci_rd(c, fn, 0x00, 4), 0x100e8086);
	CHECK_INT(pci_rd(c, fn, 0x04, 4), 0x107);
	CHECK_INT(pci_rd(c, fn, 0x04, 2), 0x107);		/* read again: a fetch, IDs in it too */
	CHECK_INT(fetches, 2);
	CHECK_INT(pci_wr(c, fn, 0x04, 2, 0x104), 0);
}

TEST(conf1_still_there_after_a_write_reads_the_device)
{
	struct pci_conf1 c1;
	struct pci_cfg c;

	start(&c1, &c);
	CHECK_INT(pci_wr(&c, fn, 0x04, 2, 0x107), 0);
	memset(space, 0xff, sizeof space);			/* the function went away */
	CHECK_INT(pci_rd(&c, fn, 0x00, 4), 0xffffffffu);
}

TEST(conf1_still_there_after_a_probe_reads_the_device)
{
	struct pci_conf1 c1;
	struct pci_cfg c;
	uint32_t orig;

	start(&c1, &c);
	orig = pci_rd(&c, fn, 0x10, 4);
	CHECK_INT(orig, 0xfebc0000u);
	CHECK_INT(pci_wr(&c, fn, 0x10, 4, 0xffffffffu), 0);	/* pci/bar.c's probe */
	CHECK_INT(pci_rd(&c, fn, 0x10, 4), 0xfffff000u);
	CHECK_INT(pci_wr(&c, fn, 0x10, 4, orig), 0);
	memset(space, 0xff, sizeof space);
	CHECK_INT(pci_rd(&c, fn, 0x00, 4), 0xffffffffu);
}

TEST(conf1_still_there_costs_one_fetch)
{
	struct pci_conf1 c1;
	struct pci_cfg c;

	start(&c1, &c);
	CHECK_INT(fetches, 2);
	CHECK_INT(pci_rd(&c, fn, 0x00, 4), 0x100e8086);		/* the device's answer, fetched */
	CHECK_INT(fetches, 3);
	CHECK_INT(pci_rd(&c, fn, 0x08, 4), 0);			/* the rest of that fetch serves on */
	CHECK_INT(fetches, 3);
}
