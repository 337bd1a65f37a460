/*
 * AHCI HBA bring-up and command slots (see ahci.h), written from the
 * Serial ATA AHCI specification: GHC.AE, an HBA reset (GHC.HR), then per
 * implemented port: stop (PxCMD.ST, then FRE, waiting for CR and FR), the
 * command list and received-FIS area, FRE on, device detection (PxSSTS.DET)
 * and its signature (PxSIG), ST on.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/bench.h>
#include "ahci.h"

/* Layout of the driver's DMA buffer */
#define OFF_IDENT	0x0000
#define OFF_PORT(p)	(0x1000u + (unsigned)(p) * 0x4000u)
#define OFF_CL		0x0000		/* in a port's area: the command list, 1 KiB */
#define OFF_FIS		0x0400		/* received FIS, 256 bytes */
#define OFF_CT(s)	(0x0800u + (unsigned)(s) * 0x100u)	/* command tables, 128-byte aligned */
#define OFF_RANGES(p)	(OFF_PORT(AHCI_PORTS) + (unsigned)(p) * 512u)	/* each port's DSM range block */
#define MEM_NEEDED	OFF_RANGES(AHCI_PORTS)

static uint32_t
rd(struct ahci *h, unsigned reg)
{
	return mkx_mmio_read32(h->abar, reg);
}

static void
wr(struct ahci *h, unsigned reg, uint32_t v)
{
	mkx_mmio_write32(h->abar, reg, v);
}

/* Wait until (reg & mask) == want, up to ms. */
static int
wait_reg(struct ahci *h, unsigned reg, uint32_t mask, uint32_t want, unsigned ms)
{
	double t0 = mkx_now();

	while ((rd(h, reg) & mask) != want)
		if ((mkx_now() - t0) * 1e3 > ms)
			return -ETIMEDOUT;
		else
			usleep(1000);
	return 0;
}

/* ST off (wait for CR), FRE off (wait for FR). */
static int
port_stop(struct ahci *h, unsigned p)
{
	wr(h, PORT(p) + PX_CMD, rd(h, PORT(p) + PX_CMD) & ~PXCMD_ST);
	if (wait_reg(h, PORT(p) + PX_CMD, PXCMD_CR, 0, 500))
		return -ETIMEDOUT;
	wr(h, PORT(p) + PX_CMD, rd(h, PORT(p) + PX_CMD) & ~PXCMD_FRE);
	return wait_reg(h, PORT(p) + PX_CMD, PXCMD_FR, 0, 500);
}

static void
port_start(struct ahci *h, unsigned p)
{
	wr(h, PORT(p) + PX_SERR, ~0u);
	wr(h, PORT(p) + PX_IS, ~0u);
	wr(h, PORT(p) + PX_CMD, rd(h, PORT(p) + PX_CMD) | PXCMD_FRE);
	wr(h, PORT(p) + PX_CMD, rd(h, PORT(p) + PX_CMD) | PXCMD_ST);
	wr(h, PORT(p) + PX_IE, PXIE_ALL);
}

int
ahci_issue(struct ahci *h, unsigned p, unsigned slot, uint8_t command, uint64_t lba, uint32_t count, uint64_t bus,
    size_t len)
{
	struct ahci_port *pt = &h->port[p];
	struct ahci_cmd_table *t = pt->ct[slot];
	uint8_t *f = t->cfis;
	int lba_cmd = command == ATA_READ_DMA_EXT || command == ATA_WRITE_DMA_EXT, queued = lba_cmd && pt->ncq;
	int out = command == ATA_WRITE_DMA_EXT || command == ATA_DSM;	/* data from memory to the device */

	if (slot >= h->slots || pt->issued & (1u << slot))
		return -EBUSY;
	if (queued ? pt->nonq != 0 : pt->issued != 0)
		return -EAGAIN;
	memset(f, 0, sizeof t->cfis);
	f[0] = FIS_H2D;
	f[1] = FIS_H2D_C;
	f[2] = !queued ? command : command == ATA_READ_DMA_EXT ? ATA_READ_FPDMA : ATA_WRITE_FPDMA;
	for (unsigned i = 0; i < 3; i++) {
		f[4 + i] = (uint8_t)(lba >> (8 * i));
		f[8 + i] = (uint8_t)(lba >> (8 * (i + 3)));
	}
	f[7] = lba_cmd || command == ATA_DSM ? ATA_DEV_LBA : 0;
	if (command == ATA_DSM)
		f[3] = DSM_TRIM;
	if (queued) {
		/* FPDMA QUEUED: the sector count in the features fields, the tag (= slot) in count 7:3 */
		f[3] = (uint8_t)count;
		f[11] = (uint8_t)(count >> 8);
		f[12] = (uint8_t)(slot << 3);
	} else {
		f[12] = (uint8_t)count;
		f[13] = (uint8_t)(count >> 8);
	}
	pt->cl[slot].prdtl = len ? 1 : 0;
	if (len) {
		t->prd[0].dba = bus;
		t->prd[0].dbc = (uint32_t)(len - 1);
	}
	pt->cl[slot].flags = (uint16_t)(5 | (out ? CH_WRITE : 0));
	pt->cl[slot].prdbc = 0;
	pt->issued |= 1u << slot;
	if (!queued)
		pt->nonq |= 1u << slot;
	if (h->hold_next) {	/* the test hook: the HBA is never told, so the command hangs until the watchdog */
		h->hold_next = 0;
		pt->held |= 1u << slot;
		return 0;
	}
	atomic_thread_fence(memory_order_seq_cst);	/* the table before the HBA is told */
	if (queued)
		wr(h, PORT(p) + PX_SACT, 1u << slot);	/* SActive before CI (AHCI 5.3.x) */
	wr(h, PORT(p) + PX_CI, 1u << slot);
	return 0;
}

unsigned
ahci_reap(struct ahci *h, unsigned p, void (*done)(void *, unsigned, unsigned, int), void *ctx)
{
	struct ahci_port *pt = &h->port[p];
	uint32_t is = rd(h, PORT(p) + PX_IS), finished, failed = 0;
	unsigned n = 0;

	wr(h, PORT(p) + PX_IS, is);
	if (is & PXIS_TFES) {
		/* The port stopped on an error: restart it; what it had issued fails. */
		failed = pt->issued;
		port_stop(h, p);
		port_start(h, p);
	}
	/* A queued command is done when the device's Set Device Bits FIS cleared its SActive bit. */
	finished = failed ? failed : pt->issued & ~pt->held & ~rd(h, PORT(p) + PX_CI) & ~rd(h, PORT(p) + PX_SACT);
	atomic_thread_fence(memory_order_acquire);
	for (unsigned s = 0; s < AHCI_SLOTS; s++)
		if (finished & (1u << s)) {
			pt->issued &= ~(1u << s);
			pt->nonq &= ~(1u << s);
			n++;
			done(ctx, p, s, !failed);
		}
	return n;
}

int
ahci_trim(struct ahci *h, unsigned p, unsigned slot, uint64_t lba, uint32_t count)
{
	struct ahci_port *pt = &h->port[p];
	unsigned n = 0;

	if (!pt->trim || !count || count > AHCI_TRIM_MAX)
		return -EINVAL;
	if (slot >= h->slots || pt->issued & (1u << slot))
		return -EBUSY;
	if (pt->issued)
		return -EAGAIN;	/* non-queued: the range block is free once the port is idle */
	memset(pt->ranges, 0, 512);
	for (; count; n++) {
		uint32_t k = count > DSM_RANGE_MAX ? DSM_RANGE_MAX : count;

		pt->ranges[n] = (lba & 0xffffffffffffull) | (uint64_t)k << 48;	/* little-endian, as the disk reads it */
		lba += k;
		count -= k;
	}
	return ahci_issue(h, p, slot, ATA_DSM, 0, 1, pt->ranges_bus, 512);
}

uint32_t
ahci_restart(struct ahci *h, unsigned p)
{
	struct ahci_port *pt = &h->port[p];
	uint32_t was = pt->issued;

	if (port_stop(h, p)) {
		/* The engine does not stop: COMRESET (PxSCTL.DET = 1 for at least 1 ms, then 0), then wait for the phy. */
		wr(h, PORT(p) + PX_CMD, rd(h, PORT(p) + PX_CMD) & ~(PXCMD_ST | PXCMD_FRE));
		wr(h, PORT(p) + PX_SCTL, (rd(h, PORT(p) + PX_SCTL) & ~0xfu) | 1);
		usleep(2000);
		wr(h, PORT(p) + PX_SCTL, rd(h, PORT(p) + PX_SCTL) & ~0xfu);
		wait_reg(h, PORT(p) + PX_SSTS, 0xf, 3, 1000);
		wait_reg(h, PORT(p) + PX_TFD, TFD_BSY | TFD_DRQ, 0, 1000);
	}
	pt->issued = pt->nonq = pt->held = 0;
	port_start(h, p);
	return was;
}

void
ahci_ack(struct ahci *h)
{
	wr(h, HBA_IS, rd(h, HBA_IS));
}

/* IDENTIFY DEVICE in slot 0, polled: the disk's size and model. */
static int
identify(struct ahci *h, unsigned p)
{
	struct ahci_port *pt = &h->port[p];
	uint16_t *id = h->ident;
	double t0 = mkx_now();

	memset(id, 0, 512);
	ahci_issue(h, p, 0, ATA_IDENTIFY, 0, 0, h->ident_bus, 512);
	while (rd(h, PORT(p) + PX_CI) & 1)
		if (mkx_now() - t0 > 2 || rd(h, PORT(p) + PX_IS) & PXIS_TFES)
			return -EIO;
		else
			usleep(100);
	pt->issued = pt->nonq = 0;
	wr(h, PORT(p) + PX_IS, ~0u);
	pt->ncq = h->cap & CAP_SNCQ && id[ID_SATA_CAP] & (1u << 8);
	pt->ncq_depth = pt->ncq ? (id[ID_QUEUE_DEPTH] & 0x1f) + 1u : 1;
	pt->trim = id[ID_DSM] & 1;
	if (id[ID_CMDSET2] & (1u << 10))
		pt->blocks = id[ID_LBA48] | (uint64_t)id[ID_LBA48 + 1] << 16 | (uint64_t)id[ID_LBA48 + 2] << 32 |
		    (uint64_t)id[ID_LBA48 + 3] << 48;
	else
		pt->blocks = id[ID_LBA28] | (uint64_t)id[ID_LBA28 + 1] << 16;
	for (unsigned i = 0; i < 20; i++) {
		pt->model[2 * i] = (char)(id[ID_MODEL + i] >> 8);
		pt->model[2 * i + 1] = (char)id[ID_MODEL + i];
	}
	pt->model[40] = 0;
	for (int i = 39; i >= 0 && pt->model[i] == ' '; i--)
		pt->model[i] = 0;
	return 0;
}

/* One implemented port: its memory, FRE, the device's presence and kind; an ATA disk is started and identified. */
static void
port_init(struct ahci *h, unsigned p)
{
	struct ahci_port *pt = &h->port[p];
	uint64_t base = h->mem.bus + OFF_PORT(p);
	uint8_t *va = (uint8_t *)h->mem.va + OFF_PORT(p);
	uint32_t sig;

	pt->no = p;
	if (port_stop(h, p))
		return;
	pt->cl = (struct ahci_cmd_header *)(va + OFF_CL);
	pt->ranges = (uint64_t *)((uint8_t *)h->mem.va + OFF_RANGES(p));
	pt->ranges_bus = h->mem.bus + OFF_RANGES(p);
	memset(pt->cl, 0, 1024);
	for (unsigned s = 0; s < AHCI_SLOTS; s++) {
		pt->ct[s] = (struct ahci_cmd_table *)(va + OFF_CT(s));
		pt->ct_bus[s] = base + OFF_CT(s);
		pt->cl[s].ctba = pt->ct_bus[s];
	}
	wr(h, PORT(p) + PX_CLB, (uint32_t)(base + OFF_CL));
	wr(h, PORT(p) + PX_CLBU, (uint32_t)((base + OFF_CL) >> 32));
	wr(h, PORT(p) + PX_FB, (uint32_t)(base + OFF_FIS));
	wr(h, PORT(p) + PX_FBU, (uint32_t)((base + OFF_FIS) >> 32));
	wr(h, PORT(p) + PX_SERR, ~0u);
	wr(h, PORT(p) + PX_IS, ~0u);
	wr(h, PORT(p) + PX_CMD, rd(h, PORT(p) + PX_CMD) | PXCMD_FRE);
	if (SSTS_DET(rd(h, PORT(p) + PX_SSTS)) != 3)
		return;
	if (wait_reg(h, PORT(p) + PX_TFD, TFD_BSY | TFD_DRQ, 0, 1000))
		return;
	sig = rd(h, PORT(p) + PX_SIG);
	if (sig == SIG_ATAPI) {
		pt->atapi = 1;
		return;
	}
	if (sig != SIG_ATA)
		return;
	port_start(h, p);
	pt->present = !identify(h, p) && pt->blocks;
}

int
ahci_init(struct ahci *h, struct mkx_io_mem *abar, const struct mkx_dma_buffer *mem, char *why, size_t whylen)
{
	if (mem->size < MEM_NEEDED) {
		snprintf(why, whylen, "DMA buffer of %zu bytes, need %u", mem->size, MEM_NEEDED);
		return -ENOSPC;
	}
	memset(h, 0, sizeof *h);
	h->abar = abar;
	h->mem = *mem;
	h->ident = (uint16_t *)((uint8_t *)mem->va + OFF_IDENT);
	h->ident_bus = mem->bus + OFF_IDENT;
	h->cap = rd(h, HBA_CAP);
	if (h->cap == ~0u) {
		snprintf(why, whylen, "CAP reads all ones: no HBA behind the ABAR");
		return -ENODEV;
	}
	if (!(h->cap & CAP_S64A) && mem->bus + mem->size > (1ull << 32)) {
		snprintf(why, whylen, "the HBA has 32-bit addresses only and our buffer is at 0x%llx",
		    (unsigned long long)mem->bus);
		return -ERANGE;
	}
	wr(h, HBA_GHC, GHC_AE);
	wr(h, HBA_GHC, GHC_AE | GHC_HR);
	if (wait_reg(h, HBA_GHC, GHC_HR, 0, 1000)) {
		snprintf(why, whylen, "HBA reset (GHC.HR) not done after 1 s");
		return -ETIMEDOUT;
	}
	wr(h, HBA_GHC, GHC_AE);
	h->version = rd(h, HBA_VS);
	h->pi = rd(h, HBA_PI);
	h->slots = CAP_NCS(h->cap) + 1;
	for (unsigned p = 0; p < AHCI_PORTS; p++)
		if (h->pi & (1u << p))
			port_init(h, p);
	wr(h, HBA_IS, ~0u);
	wr(h, HBA_GHC, GHC_AE | GHC_IE);
	return 0;
}
