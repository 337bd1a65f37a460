/*
 * edu_dma: the DMA test driver for QEMU's edu device (1234:11e8; QEMU
 * docs/specs/edu.rst). It takes two DMA buffers from core's DMA session
 * and, for each of several known patterns, has the device copy 4 KiB
 * RAM -> its internal buffer (device address 0x40000) -> RAM, then checks
 * the copy byte by byte. Bus addresses are what core hands out: physical
 * without an IOMMU, IOVAs with one; the driver does not care which.
 *
 * Under an IOMMU (fault="yes") it also points the engine at an IOVA
 * nobody mapped, both ways: the write must not land in any of its
 * buffers, and the read must not deliver its memory to the device; the
 * kernel logs the IOMMU's fault (the scenario matches that line).
 *
 * Then bad requests on the DMA session, each to be refused: size 0, more
 * than the RAM quantum, an id never handed out, a double free.
 *
 * platform="yes": the device, BAR0 and the DMA buffers come through a
 * Platform session (label "edu_dma"; the platform driver opens core's DMA
 * session with edu's 28-bit quirk). First, before acquiring, it asks for
 * DMA anyway: that must be refused. At the end it releases the device: the
 * platform driver quiesces it and only then ends the DMA session at core.
 *
 * The Platform session's ram_quota pays its DMA buffers (core moves it
 * from our RAM quantum to the platform driver's): platform_ram= bytes,
 * 6 MiB by default; a buffer costs max(4 KiB, size) of it (Genode's).
 * quota_probe="yes" (with platform="yes"): one buffer of the whole
 * ram_quota while others are held, beyond what is left of it, refused by
 * the platform driver. hold_ms=N: after the release
 * keep mapping the buffer left to core for N ms (core keeps it charged).
 *
 * One IOMMU domain per Platform session (with platform="yes", under an
 * IOMMU; scenario dma_edu_iommu):
 *  - peer="00:04.0": a second edu acquired through the same Platform
 *    session copies through the first edu's buffers (their IOVAs, which
 *    the first edu's DMA session got): it reaches them, byte by byte.
 *  - handshake="yes": the first edu's buffer gets a marker; the report
 *    "edu_ready" names its IOVA; another component (role="other") makes
 *    its own edu, in its own Platform session, write to that IOVA and
 *    reports "edu_done"; then the marker must be unchanged, byte by byte
 *    (the write faults in the IOMMU; the kernel logs it).
 *  - role="other": that other component (pci= its own edu): acquires it,
 *    opens its DMA (so the device is in its session's domain, which holds
 *    no buffer), waits for "edu_ready", writes the device's buffer to that
 *    IOVA, reports "edu_done". With irq_probe="yes" it first asks core for
 *    its edu's MSI directly (a policy grants it): core must refuse, since
 *    the device's IOMMU group is in the platform driver's domain, which no
 *    other component may join.
 *
 * Config: <config pci="00:03.0" fault="no|yes" unmapped="0xfe00000" platform="no|yes" quota_probe="no"
 *          peer="" handshake="no" role="" irq_probe="no" mask_probe=""/>
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/devices.h>
#include <mkx/dma.h>
#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/irq.h>
#include <mkx/log.h>
#include <mkx/platform.h>
#include <mkx/report.h>
#include <mkx/rom.h>
#include "regs.h"

/*
 * Bytes per transfer: the engine's buffer is 4 KiB, but QEMU 7.2's range
 * check refuses (aborts QEMU on) a transfer that ends exactly at its end.
 */
#define LEN		4088u

static struct mkx_io_mem bar;
static struct mkx_io_mem *eng = &bar;	/* the engine transfer() drives: the first edu's, or a peer's */

/* Start a transfer and poll until the engine is done (each takes ~100 ms in QEMU). 0 or -ETIMEDOUT. */
static int
transfer(uint64_t src, uint64_t dst, uint32_t cmd)
{
	mkx_mmio_write32(eng, EDU_DMA_SRC, (uint32_t)src);
	mkx_mmio_write32(eng, EDU_DMA_SRC + 4, (uint32_t)(src >> 32));
	mkx_mmio_write32(eng, EDU_DMA_DST, (uint32_t)dst);
	mkx_mmio_write32(eng, EDU_DMA_DST + 4, (uint32_t)(dst >> 32));
	mkx_mmio_write32(eng, EDU_DMA_COUNT, LEN);
	mkx_mmio_write32(eng, EDU_DMA_CMD, cmd | EDU_DMA_START);
	for (int i = 0; i < 3000; i++) {
		if (!(mkx_mmio_read32(eng, EDU_DMA_CMD) & EDU_DMA_START))
			return 0;
		usleep(1000);
	}
	return -ETIMEDOUT;
}

/* RAM at bus address src -> device -> RAM at bus address dst. */
static int
round_trip(uint64_t src, uint64_t dst)
{
	return transfer(src, EDU_DMA_BUF, EDU_DMA_TO_DEVICE) ?: transfer(EDU_DMA_BUF, dst, EDU_DMA_TO_RAM);
}

static void
fill(uint8_t *p, unsigned pattern)
{
	uint32_t x = 0x9e3779b9u * (pattern + 1);

	for (unsigned i = 0; i < LEN; i++)
		switch (pattern) {
		case 0: p[i] = (uint8_t)i; break;			/* ramp */
		case 1: p[i] = 0xa5; break;
		case 2: p[i] = (uint8_t)~i ^ (uint8_t)(i >> 8); break;
		default: x = x * 1103515245u + 12345u; p[i] = (uint8_t)(x >> 16); break;	/* pseudo-random */
		}
}

/* First index where a and b differ, or -1. */
static long
differs(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return (long)i;
	return -1;
}

static int
patterns(struct mkx_dma_buffer *src, struct mkx_dma_buffer *dst)
{
	static uint8_t want[LEN];

	for (unsigned p = 0; p < 6; p++) {
		/* Alternate the direction between the two buffers and use offsets inside them. */
		struct mkx_dma_buffer *from = p & 1 ? dst : src, *to = p & 1 ? src : dst;
		size_t off_from = (p % 3) * 0x11000, off_to = (p % 3) * 0x7000 + 0x1000;
		long bad;

		fill(want, p);
		memcpy((uint8_t *)from->va + off_from, want, LEN);
		memset((uint8_t *)to->va + off_to, 0, LEN);
		if (round_trip(from->bus + off_from, to->bus + off_to)) {
			mkx_error("edu DMA: pattern %u: the engine did not finish", p);
			return 1;
		}
		if ((bad = differs((uint8_t *)to->va + off_to, want, LEN)) >= 0) {
			mkx_error("edu DMA: pattern %u: byte %ld is 0x%02x, expected 0x%02x", p, bad,
			    ((uint8_t *)to->va + off_to)[bad], want[bad]);
			return 1;
		}
		mkx_log("edu DMA: pattern %u: %u bytes RAM 0x%" PRIx64 " -> device 0x%x -> RAM 0x%" PRIx64
		    ", equal byte by byte", p, LEN, from->bus + off_from, EDU_DMA_BUF, to->bus + off_to);
	}
	return 0;
}

/*
 * The engine pointed at an IOVA nobody mapped. Write: our buffers must be
 * untouched. Read: what the device then holds must not be our data.
 */
static int
unmapped(struct mkx_dma_buffer *a, struct mkx_dma_buffer *b, uint64_t iova)
{
	static uint8_t before_a[LEN], before_b[LEN], marker[LEN];

	fill(marker, 7);
	memcpy(a->va, marker, LEN);
	if (transfer(a->bus, EDU_DMA_BUF, EDU_DMA_TO_DEVICE))	/* the device holds the marker */
		return 1;
	memset(a->va, 0x11, LEN);
	memset(b->va, 0x22, LEN);
	memcpy(before_a, a->va, LEN);
	memcpy(before_b, b->va, LEN);
	if (transfer(EDU_DMA_BUF, iova, EDU_DMA_TO_RAM)) {
		mkx_error("edu DMA: the write to unmapped IOVA 0x%" PRIx64 " did not finish", iova);
		return 1;
	}
	if (differs(a->va, before_a, LEN) >= 0 || differs(b->va, before_b, LEN) >= 0) {
		mkx_error("edu DMA: the write to unmapped IOVA 0x%" PRIx64 " changed a buffer of ours", iova);
		return 1;
	}
	mkx_log("edu DMA: device -> unmapped IOVA 0x%" PRIx64 ": finished in the device, reached none of our "
	    "buffers", iova);
	/*
	 * The device holds 0x33s; our marker sits in a buffer it could read;
	 * the engine reads the unmapped IOVA instead, and we read back what
	 * the device then holds.
	 */
	memset(a->va, 0x33, LEN);
	if (transfer(a->bus, EDU_DMA_BUF, EDU_DMA_TO_DEVICE))
		return 1;
	memcpy(b->va, marker, LEN);
	if (transfer(iova, EDU_DMA_BUF, EDU_DMA_TO_DEVICE) || transfer(EDU_DMA_BUF, a->bus, EDU_DMA_TO_RAM))
		return 1;
	if (differs(a->va, marker, LEN) < 0) {
		mkx_error("edu DMA: the read of unmapped IOVA 0x%" PRIx64 " delivered our marker", iova);
		return 1;
	}
	mkx_log("edu DMA: unmapped IOVA 0x%" PRIx64 " -> device: the device got no data of ours (first "
	    "byte 0x%02x)", iova, ((uint8_t *)a->va)[0]);
	return 0;
}

/*
 * A second edu of the same Platform session copies 4 KiB from buffer a to
 * buffer b, both allocated for the first edu: one IOMMU domain per
 * Platform session, so it reaches them at the IOVAs the first one's
 * session handed out.
 */
static int
peer(struct mkx_platform *p, const char *name, const char *first, struct mkx_dma_buffer *a, struct mkx_dma_buffer *b)
{
	static uint8_t want[LEN];
	struct mkx_io_mem peer_bar;
	struct mkx_dma peer_dma;
	char why[512];
	long bad;

	if (mkx_platform_acquire(p, name, why, sizeof why) || mkx_platform_io_mem(p, name, 0, &peer_bar, why, sizeof why) ||
	    mkx_dma_open_platform(&peer_dma, p, name, why, sizeof why)) {	/* its DMA: it joins the session's domain */
		mkx_error("peer %s through the Platform session: %s", name, why);
		return 1;
	}
	fill(want, 4);
	memcpy(a->va, want, LEN);
	memset((uint8_t *)b->va + 0x1000, 0, LEN);
	eng = &peer_bar;
	bad = round_trip(a->bus, b->bus + 0x1000) ? -2 : differs((uint8_t *)b->va + 0x1000, want, LEN);
	eng = &bar;
	if (bad != -1) {
		mkx_error("edu DMA: peer %s through the buffers of %s: %s %ld", name, first,
		    bad == -2 ? "the engine did not finish" : "differs at byte", bad);
		return 1;
	}
	mkx_log("edu DMA: %s (same Platform session, %s) copied %u bytes IOVA 0x%" PRIx64 " -> device -> IOVA 0x%"
	    PRIx64 ", buffers %u and %u of %s: equal byte by byte", name, peer_dma.info.iommu ? "IOMMU" : "no IOMMU",
	    LEN, a->bus, b->bus + 0x1000, a->id, b->id, first);
	mkx_dma_close(&peer_dma);
	mkx_io_mem_close(&peer_bar);
	mkx_platform_release(p, name);
	return 0;
}

/*
 * mask_probe="00:04.0": a second edu whose DMA limit (core's policy for it)
 * no huge page can meet: its ALLOC must be refused with the reason, and
 * nothing else in the session changes.
 */
static int
mask_probe(struct mkx_platform *p, const char *name)
{
	struct mkx_dma_buffer c;
	struct mkx_dma low;
	char why[512];
	int err;

	if (mkx_platform_acquire(p, name, why, sizeof why) || mkx_dma_open_platform(&low, p, name, why, sizeof why)) {
		mkx_error("mask probe %s through the Platform session: %s", name, why);
		return 1;
	}
	err = mkx_dma_alloc(&low, 4096, &c, why, sizeof why);
	mkx_log("DMA refusal: above %s's DMA mask 0x%" PRIx64 ": %s: %s", name, low.info.mask,
	    err ? strerror(-err) : "granted (BAD)", why);
	if (!err)
		mkx_dma_free(&low, &c, why, sizeof why);
	mkx_dma_close(&low);
	mkx_platform_release(p, name);
	return !err;
}

/* ROM name, once its report is there (up to 60 s): its root node, or NULL. */
static struct mkx_xml *
wait_report(const char *name)
{
	struct mkx_rom rom;
	struct mkx_xml *x;
	char err[128];

	for (int i = 0; i < 240; i++) {	/* each try that finds nothing is one line in core's log */
		if (!mkx_rom_try_open(&rom, name)) {
			x = mkx_xml_parse(rom.data, rom.size, err, sizeof err);
			mkx_rom_close(&rom);
			return x;
		}
		usleep(250000);
	}
	mkx_error("no report \"%s\" within 60 s", name);
	return NULL;
}

static int
report(const char *name, const char *doc)
{
	struct mkx_report r;
	char why[256];

	if (mkx_report_open(&r, name, why, sizeof why) || mkx_report_submit(&r, doc, strlen(doc))) {
		mkx_error("report \"%s\": %s", name, why);
		return 1;
	}
	return 0;	/* left open: core keeps the report while its session lives */
}

/*
 * Buffer a of the first edu gets a marker; another component's edu, in
 * another Platform session (another IOMMU domain), writes to a's IOVA;
 * the marker must be unchanged.
 */
static int
handshake(const char *first, struct mkx_dma_buffer *a)
{
	static uint8_t marker[LEN];
	struct mkx_xml *done;
	char doc[96];
	long bad;

	fill(marker, 7);
	memcpy(a->va, marker, LEN);
	snprintf(doc, sizeof doc, "<ready iova=\"0x%" PRIx64 "\" size=\"%u\"/>", a->bus, LEN);
	if (report("edu_ready", doc) || !(done = wait_report("edu_done")))
		return 1;
	mkx_xml_free(done);
	if ((bad = differs(a->va, marker, LEN)) >= 0) {
		mkx_error("edu DMA: buffer %u of %s at IOVA 0x%" PRIx64 " changed at byte %ld (0x%02x) after another "
		    "session's device wrote there", a->id, first, a->bus, bad, ((uint8_t *)a->va)[bad]);
		return 1;
	}
	mkx_log("edu DMA: buffer %u of %s at IOVA 0x%" PRIx64 " after another Platform session's device wrote to "
	    "that IOVA: unchanged, %u bytes byte by byte", a->id, first, a->bus, LEN);
	return 0;
}

/*
 * core's IRQ session of our edu, asked for directly (MSI: through VFIO).
 * The device's IOMMU group is in the platform driver's domain: refused.
 */
static int
irq_probe(const char *pci)
{
	struct mkx_irq irq;
	char args[64], why[256] = "";
	int err;

	snprintf(args, sizeof args, "pci=\"%s\", irq_type=1", pci);
	err = mkx_irq_open_args(&irq, args, MKX_IRQ_ACK_AUTO, why, sizeof why);
	mkx_log("IRQ refusal: %s's MSI from core directly, its group in the platform driver's domain: %s: %s", pci,
	    err ? strerror(-err) : "granted (BAD)", why);
	if (!err)
		mkx_irq_close(&irq);
	return !err;
}

/* role="other": our own edu, our own Platform session, writes to the IOVA the first session reported. */
static int
other(const char *pci, int probe)
{
	struct mkx_platform p;
	struct mkx_dma dma;
	struct mkx_xml *ready;
	unsigned long iova = 0;
	char why[512] = "";

	if (mkx_platform_open(&p, "edu_other", why, sizeof why) || mkx_platform_acquire(&p, pci, why, sizeof why) ||
	    mkx_platform_io_mem(&p, pci, 0, &bar, why, sizeof why) || mkx_dma_open_platform(&dma, &p, pci, why, sizeof why)) {
		mkx_error("%s through the Platform session: %s", pci, why);
		return 1;
	}
	if (probe && irq_probe(pci))
		return 1;
	if (!(ready = wait_report("edu_ready")))
		return 1;
	mkx_xml_attr_ulong(ready, "iova", 0, &iova);
	mkx_xml_free(ready);
	if (!iova) {
		mkx_error("report edu_ready names no IOVA");
		return 1;
	}
	mkx_log("edu_other: %s (another Platform session, %s, no buffer of its own): device -> IOVA 0x%lx, "
	    "where the first session's buffer is", pci, dma.info.iommu ? "IOMMU" : "no IOMMU", iova);
	if (transfer(EDU_DMA_BUF, iova, EDU_DMA_TO_RAM)) {
		mkx_error("edu_other: the write to IOVA 0x%lx did not finish", iova);
		return 1;
	}
	mkx_log("edu_other: the write to IOVA 0x%lx finished in the device", iova);
	if (report("edu_done", "<done/>"))
		return 1;
	mkx_dma_close(&dma);
	mkx_io_mem_close(&bar);
	mkx_platform_release(&p, pci);
	mkx_platform_close(&p);
	return 0;
}

/*
 * Through the Platform session, its ram_quota (6M by default) is reached
 * with the two buffers and the small one of the refusals: one more must be
 * refused by the platform driver.
 */
static int quota_probe;
static unsigned long platform_ram = 6ul << 20;
static unsigned long hold_ms;	/* after the release, keep mapping a buffer this long (then exit) */

static int
refusals(struct mkx_dma *dma)
{
	struct mkx_dma_buffer b, extra;
	char why[512];
	uint64_t bus;
	int err, bad = 0;

	err = mkx_dma_alloc(dma, 0, &b, why, sizeof why);
	mkx_log("DMA refusal: size 0: %s: %s", err ? strerror(-err) : "granted (BAD)", why);
	bad |= !err;
	err = mkx_dma_alloc(dma, 1ul << 30, &b, why, sizeof why);
	mkx_log("DMA refusal: 1 GiB: %s: %s", err ? strerror(-err) : "granted (BAD)", why);
	bad |= !err;
	err = mkx_dma_addr(dma, 0x7fffffff, &bus, why, sizeof why);
	mkx_log("DMA refusal: dma_addr of an id never handed out: %s: %s", err ? strerror(-err) : "granted (BAD)", why);
	bad |= !err;
	if (mkx_dma_alloc(dma, 4096, &extra, why, sizeof why)) {
		mkx_error("DMA: a small buffer after the refusals: %s", why);
		return 1;
	}
	if (quota_probe) {	/* buffers are held: the whole ram_quota is more than is left of it */
		err = mkx_dma_alloc(dma, platform_ram, &b, why, sizeof why);
		mkx_log("DMA refusal: beyond the session's ram_quota: %s: %s", err ? strerror(-err) : "granted (BAD)", why);
		bad |= !err;
	}
	mkx_dma_free(dma, &extra, why, sizeof why);
	err = mkx_dma_free_id(dma, extra.id, why, sizeof why);
	mkx_log("DMA refusal: double free: %s: %s", err ? strerror(-err) : "granted (BAD)", why);
	bad |= !err;
	return bad;
}

/* edu from core's pci_devices ROM, BAR0 and the DMA session straight from core. */
static int
from_core(const char *pci, struct mkx_dma *dma)
{
	struct mkx_pci_device d;
	struct mkx_rom devs;
	struct mkx_xml *x;
	char why[512], err[128];

	if (mkx_rom_open(&devs, "pci_devices") || !(x = mkx_xml_parse(devs.data, devs.size, err, sizeof err))) {
		mkx_error("no pci_devices ROM");
		return -ENOENT;
	}
	for (unsigned i = 0; !mkx_devices_find(x, EDU_VENDOR, EDU_DEVICE, i, &d) && strcmp(d.name, pci); i++)
		;
	if (strcmp(d.name, pci)) {
		mkx_error("no edu device at %s", pci);
		return -ENOENT;
	}
	if (mkx_io_mem_open(&bar, d.bar[0].address, 0x1000, 0, why, sizeof why)) {
		mkx_error("BAR0 of %s: %s", pci, why);
		return -EPERM;
	}
	if (mkx_dma_open(dma, pci, why, sizeof why)) {
		mkx_error("DMA session for %s: %s", pci, why);
		return -EPERM;
	}
	return 0;
}

/* The edu named pci from the Platform session: DMA refused before acquiring, granted after. */
static int
from_platform(struct mkx_platform *p, const char *pci, struct mkx_dma *dma)
{
	struct mkx_pci_device d;
	struct mkx_xml *devices;
	char why[512] = "", *xml;
	size_t len;
	int err;

	if ((err = mkx_platform_open_ram(p, "edu_dma", platform_ram, why, sizeof why)) ||
	    (err = mkx_platform_devices(p, &xml, &len))) {
		mkx_error("Platform session: %s", why[0] ? why : "devices document unreadable");
		return err ? err : -EIO;
	}
	devices = mkx_xml_parse(xml, len, why, sizeof why);
	free(xml);
	for (unsigned i = 0; devices && !mkx_devices_find(devices, EDU_VENDOR, EDU_DEVICE, i, &d) && strcmp(d.name, pci);
	    i++)
		;
	mkx_xml_free(devices);
	if (!devices || strcmp(d.name, pci)) {
		mkx_error("no edu %s in the Platform session's devices", pci);
		return -ENOENT;
	}
	err = mkx_dma_open_platform(dma, p, pci, why, sizeof why);
	mkx_log("DMA refusal: %s not acquired: %s: %s", pci, err ? strerror(-err) : "granted (BAD)", why);
	if (!err)
		return -EPROTO;
	if ((err = mkx_platform_acquire(p, pci, why, sizeof why)) ||
	    (err = mkx_platform_io_mem(p, pci, 0, &bar, why, sizeof why)) ||
	    (err = mkx_dma_open_platform(dma, p, pci, why, sizeof why))) {
		mkx_error("%s through the Platform session: %s", pci, why);
		return err;
	}
	mkx_log("edu DMA %s: acquired; BAR0 and DMA buffers through the Platform session", pci);
	return 0;
}

int
main(void)
{
	struct mkx_dma_buffer a, b;
	struct mkx_dma dma;
	struct mkx_platform platform;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long iova = 0xfe00000;
	char why[512], pci[16] = "00:03.0", peer_pci[16] = "", low_pci[16] = "";
	const char *fault = "no";
	int via_platform = 0, shake = 0;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom))) {
		if (mkx_xml_attr(cfg, "pci"))
			snprintf(pci, sizeof pci, "%s", mkx_xml_attr(cfg, "pci"));
		if (mkx_xml_attr(cfg, "fault"))
			fault = mkx_xml_attr(cfg, "fault");
		mkx_xml_attr_ulong(cfg, "unmapped", iova, &iova);
		via_platform = mkx_xml_attr_bool(cfg, "platform", 0) == 1;
		quota_probe = mkx_xml_attr_bool(cfg, "quota_probe", 0) == 1;
		mkx_xml_attr_ulong(cfg, "platform_ram", platform_ram, &platform_ram);
		mkx_xml_attr_ulong(cfg, "hold_ms", 0, &hold_ms);
		if (mkx_xml_attr(cfg, "peer"))
			snprintf(peer_pci, sizeof peer_pci, "%s", mkx_xml_attr(cfg, "peer"));
		if (mkx_xml_attr(cfg, "mask_probe"))
			snprintf(low_pci, sizeof low_pci, "%s", mkx_xml_attr(cfg, "mask_probe"));
		shake = mkx_xml_attr_bool(cfg, "handshake", 0) == 1;
		if (mkx_xml_attr(cfg, "role") && !strcmp(mkx_xml_attr(cfg, "role"), "other"))
			mkx_exit(other(pci, mkx_xml_attr_bool(cfg, "irq_probe", 0) == 1));
	}
	if (via_platform ? from_platform(&platform, pci, &dma) : from_core(pci, &dma))
		mkx_exit(1);
	if (mkx_dma_alloc(&dma, 0x30000, &a, why, sizeof why) || mkx_dma_alloc(&dma, 0x30000, &b, why, sizeof why)) {
		mkx_error("DMA buffers: %s", why);
		mkx_exit(1);
	}
	mkx_log("edu DMA %s: %s, DMA mask 0x%" PRIx64 "; buffers %u at 0x%" PRIx64 " and %u at 0x%" PRIx64
	    " (%zu bytes each)", pci, dma.info.iommu ? "IOVAs (IOMMU)" : "physical addresses (no IOMMU)",
	    dma.info.mask, a.id, a.bus, b.id, b.bus, a.size);
	if (a.bus + a.size - 1 > dma.info.mask || b.bus + b.size - 1 > dma.info.mask) {
		mkx_error("a buffer lies above the DMA mask");
		mkx_exit(1);
	}
	if (patterns(&a, &b))
		mkx_exit(1);
	mkx_log("edu DMA: 6 patterns RAM -> device -> RAM through %s, all equal",
	    dma.info.iommu ? "the IOMMU" : "physical addresses");
	if (!strcmp(fault, "yes") && unmapped(&a, &b, iova))
		mkx_exit(1);
	if (via_platform && peer_pci[0] && peer(&platform, peer_pci, pci, &a, &b))
		mkx_exit(1);
	if (via_platform && low_pci[0] && mask_probe(&platform, low_pci))
		mkx_exit(1);
	if (via_platform && shake && handshake(pci, &a))
		mkx_exit(1);
	if (refusals(&dma))
		mkx_exit(1);
	mkx_dma_free(&dma, &a, why, sizeof why);
	mkx_log("edu DMA: done; buffer %u left for core to free at the session's end", b.id);
	mkx_dma_close(&dma);
	mkx_io_mem_close(&bar);
	if (via_platform) {	/* quiesced by the platform driver, then its DMA session at core ends */
		mkx_platform_release(&platform, pci);
		mkx_platform_close(&platform);
		/*
		 * Still mapping buffer b: core cannot take it back, so it keeps it
		 * charged (to the platform driver, paid by our donation) until we
		 * exit. hold_ms makes sure core looks while we still hold it.
		 */
		if (hold_ms) {
			mkx_log("edu DMA: released; buffer %u still mapped for %lu ms", b.id, hold_ms);
			usleep(hold_ms * 1000);
		}
	}
	mkx_exit(0);
}
