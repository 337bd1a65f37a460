/*
 * core's RMRR lookup (core-services/linux/dmar_rmrr.c) on a hand-built
 * DMAR table: which ranges core identity-maps into a function's VFIO
 * container (dma_vfio.c maps exactly what this returns). QEMU's
 * intel-iommu has no RMRR, so no real one is exercised anywhere.
 */
#include <errno.h>
#include <string.h>

#include "harness.h"
#include "../../core-services/linux/dmar_rmrr.h"

static uint8_t tbl[512];
static size_t len;

static void
put(size_t at, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		tbl[at + i] = (uint8_t)(v >> 8 * i);
}

/* An RMRR of segment seg for [base, end], its scope one (bus, dev, fn) path, or two steps if dev2 >= 0. */
static void
rmrr(unsigned seg, uint64_t base, uint64_t end, unsigned bus, unsigned dev, unsigned fn, int dev2)
{
	size_t at = len, slen = dev2 >= 0 ? 10 : 8;

	put(at, 1, 2);
	put(at + 2, 24 + slen, 2);
	put(at + 6, seg, 2);
	put(at + 8, base, 8);
	put(at + 16, end, 8);
	tbl[at + 24] = 1;		/* PCI endpoint */
	tbl[at + 25] = (uint8_t)slen;
	tbl[at + 29] = (uint8_t)bus;
	tbl[at + 30] = (uint8_t)dev;
	tbl[at + 31] = (uint8_t)fn;
	if (dev2 >= 0) {
		tbl[at + 32] = (uint8_t)dev2;
		tbl[at + 33] = 0;
	}
	len += 24 + slen;
}

static void
build(void)
{
	memset(tbl, 0, sizeof tbl);
	memcpy(tbl, "DMAR", 4);
	len = 48;
	/* A DRHD with INCLUDE_PCI_ALL and no scope first: skipped. */
	put(len, 0, 2);
	put(len + 2, 16, 2);
	tbl[len + 4] = 1;
	put(len + 8, 0xfed91000, 8);
	len += 16;
	rmrr(0, 0xab000000, 0xab01ffff, 0, 0x14, 0, -1);	/* xHCI: USB legacy emulation */
	rmrr(0, 0xad000000, 0xaf7fffff, 0, 0x02, 0, -1);	/* IGD: stolen memory */
	rmrr(0, 0xab100000, 0xab100fff, 0, 0x14, 0, -1);	/* a second one for xHCI */
	rmrr(1, 0xac000000, 0xac000fff, 0, 0x14, 0, -1);	/* segment 1: not core's 00:14.0 */
	rmrr(0, 0xa0000000, 0xa0000fff, 0, 0x1c, 0, 0);		/* behind root port 1c.0: two steps */
	rmrr(0, 0xa1000000, 0xa1000fff, 3, 0x00, 0, -1);	/* bus 3: 03:00.0 */
	put(4, len, 4);
}

TEST(dmar_rmrr_ranges_of_a_function)
{
	struct rmrr_range r[4];
	unsigned multi = 99;

	build();
	CHECK_INT(dmar_rmrr_parse(tbl, len, 0x14 << 3, r, 4, &multi), 2);
	CHECK(r[0].base == 0xab000000 && r[0].end == 0xab01ffff);
	CHECK(r[1].base == 0xab100000 && r[1].end == 0xab100fff);
	CHECK_INT(multi, 1);
	CHECK_INT(dmar_rmrr_parse(tbl, len, 0x02 << 3, r, 4, &multi), 1);
	CHECK(r[0].base == 0xad000000 && r[0].end == 0xaf7fffff);
	CHECK_INT(dmar_rmrr_parse(tbl, len, 3 << 8, r, 4, &multi), 1);
	CHECK(r[0].base == 0xa1000000);
	CHECK_INT(dmar_rmrr_parse(tbl, len, 0x1f << 3, r, 4, &multi), 0);
	CHECK_INT(dmar_rmrr_parse(tbl, len, 0x14 << 3 | 1, r, 4, &multi), 0);
	/* More than fit: counted, max written. */
	CHECK_INT(dmar_rmrr_parse(tbl, len, 0x14 << 3, r, 1, &multi), 2);
}

TEST(dmar_rmrr_malformed_refused)
{
	struct rmrr_range r[4];
	unsigned multi;

	build();
	CHECK_INT(dmar_rmrr_parse(tbl, 40, 0x14 << 3, r, 4, &multi), -EINVAL);
	tbl[0] = 'X';
	CHECK_INT(dmar_rmrr_parse(tbl, len, 0x14 << 3, r, 4, &multi), -EINVAL);
	build();
	put(64 + 2, 0x400, 2);		/* the first RMRR's length leaves the table */
	CHECK_INT(dmar_rmrr_parse(tbl, len, 0x14 << 3, r, 4, &multi), -EINVAL);
	build();
	tbl[64 + 25] = 200;		/* its scope's length leaves the structure */
	CHECK_INT(dmar_rmrr_parse(tbl, len, 0x14 << 3, r, 4, &multi), -EINVAL);
	/* Ranges a broken firmware gives: limit below base, unaligned base or limit: not mapped, the rest is. */
	build();
	rmrr(0, 0xab200000, 0xab1fffff, 0, 0x14, 0, -1);
	rmrr(0, 0xab300800, 0xab300fff, 0, 0x14, 0, -1);
	rmrr(0, 0xab400000, 0xab400ffe, 0, 0x14, 0, -1);
	put(4, len, 4);
	CHECK_INT(dmar_rmrr_parse(tbl, len, 0x14 << 3, r, 4, &multi), 2);
	CHECK(r[0].base == 0xab000000 && r[1].base == 0xab100000);
}
