/*
 * ahci: an AHCI (SATA) driver on a Platform session (the ABAR, the
 * interrupt and DMA buffers through the platform driver), serving Block
 * sessions (mkx/block.h, drivers/common/block_service.c) for its ATA disks:
 * one unit per port with a disk; a port with no device or an ATAPI device
 * is reported and left alone. Reads and writes as READ/WRITE FPDMA QUEUED
 * (NCQ) where the HBA and the disk have it, else READ/WRITE DMA EXT; FLUSH
 * CACHE EXT for SYNC; TRIM as DATA SET MANAGEMENT where every disk served
 * has it (IDENTIFY word 169 bit 0). A command older than timeout_ms
 * restarts its port; what the port had issued is tried again (at most
 * BLK_TRIES_MAX times in all), then failed with -EIO.
 *
 * Config:
 *   <config pci="00:05.0" queue_depth="32" dma_quota="16M" abar="0" acquire_ms="10000" timeout_ms="10000"
 *           hang_after="0">
 *     <policy label="block_tester -> tester" port="0" writeable="yes"/>
 *   </config>
 *   abar: which memory resource of the function is the ABAR (BAR5; the
 *   index counts memory BARs only, as the platform driver does).
 *   acquire_ms: how long to retry while another session holds the HBA;
 *   wait_rom: wait until this ROM exists before taking it (a second
 *   instance that must come after the first: scenario ahci_kill).
 *   hang_after: test hook: once, the command after that many is never
 *   shown to the HBA (as a lost command would be): the watchdog's path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/block.h>
#include <mkx/devices.h>
#include <mkx/dma.h>
#include <mkx/env.h>
#include <mkx/irq.h>
#include <mkx/log.h>
#include <mkx/platform.h>
#include <mkx/rom.h>
#include <mkx/server.h>
#include <mkx/xml.h>
#include "../common/block_hw.h"
#include "../common/block_service.h"
#include "ahci.h"

static struct drv {
	struct ahci		hba;
	struct mkx_platform	platform;
	struct mkx_io_mem	abar;
	struct mkx_irq		irq;
	struct mkx_dma		dma;
	struct mkx_xml		*cfg;
	char			pci[16];
	unsigned long		abar_index, acquire_ms, timeout_ms, hang_after;
	uint64_t		interrupts, restarts;
	int			hung;				/* the test hook has been used */
	struct blk_cmd		cmd[BLK_SLOTS_MAX];		/* each service slot's command, for a retry */
	struct blk_unit		units[AHCI_PORTS];
	int			svc_slot[AHCI_PORTS][AHCI_SLOTS];	/* the Block service's slot of each command */
	struct blk_device	blk;
} drv;

/* A checked Block request on a free command slot of its port. */
static int
submit(void *ctx, unsigned slot, const struct blk_cmd *b)
{
	unsigned p = b->unit->id, s, limit;
	const struct ahci_port *pt = &drv.hba.port[p];
	uint8_t command = b->op == MKX_BLOCK_READ ? ATA_READ_DMA_EXT : b->op == MKX_BLOCK_WRITE ? ATA_WRITE_DMA_EXT :
	    b->op == MKX_BLOCK_TRIM ? ATA_DSM : ATA_FLUSH_CACHE_EXT;

	(void)ctx;
	/* On an NCQ port the tag is the slot: at most the disk's queue depth of them. */
	limit = pt->ncq && pt->ncq_depth < drv.hba.slots ? pt->ncq_depth : drv.hba.slots;
	for (s = 0; s < limit && pt->issued & (1u << s); s++)
		;
	if (s == limit)
		return -EAGAIN;
	drv.svc_slot[p][s] = (int)slot;
	drv.cmd[slot] = *b;
	if (drv.hang_after && !drv.hung && blk_submitted() >= drv.hang_after) {
		drv.hung = 1;
		drv.hba.hold_next = 1;
		mkx_log("ahci: test hook hang_after=%lu: port %u slot %u is not shown to the HBA", drv.hang_after, p, s);
	}
	if (command == ATA_DSM)
		return ahci_trim(&drv.hba, p, s, b->block, b->count);
	if (command == ATA_FLUSH_CACHE_EXT)
		return ahci_issue(&drv.hba, p, s, command, 0, 0, 0, 0);
	return ahci_issue(&drv.hba, p, s, command, b->block, b->count, b->bus, b->len);
}

static void
complete(void *ctx, unsigned port, unsigned slot, int ok)
{
	(void)ctx;
	if (!ok)
		mkx_error("ahci: port %u: command slot %u failed (task file error)", port, slot);
	blk_done((unsigned)drv.svc_slot[port][slot], ok ? 0 : -EIO);
}

/* A command of port older than timeout_ms: restart the port, try again what it had issued (or fail it). */
static void
watchdog(unsigned p)
{
	const struct ahci_port *pt = &drv.hba.port[p];
	unsigned retried = 0, failed = 0;
	int s, old[AHCI_SLOTS];
	uint32_t was;
	double age = 0;

	for (s = 0; s < AHCI_SLOTS; s++)
		if (pt->issued & (1u << s) && blk_busy((unsigned)drv.svc_slot[p][s], &age) && age * 1e3 > drv.timeout_ms)
			break;
	if (s == AHCI_SLOTS)
		return;
	was = ahci_restart(&drv.hba, p);
	drv.restarts++;
	/* The old slot -> service slot map: a retry takes a new HBA slot and writes it. */
	memcpy(old, drv.svc_slot[p], sizeof old);
	for (unsigned k = 0; k < AHCI_SLOTS; k++) {
		unsigned id = (unsigned)old[k];

		if (!(was & (1u << k)))
			continue;
		if (blk_retry(id) && !submit(NULL, id, &drv.cmd[id]))
			retried++;
		else {
			blk_done(id, -EIO);
			failed++;
		}
	}
	mkx_log("ahci: port %u: command in slot %d timed out (%.1f s old): port restarted (%llu so far), %u commands "
	    "tried again, %u failed", p, s, age, (unsigned long long)drv.restarts, retried, failed);
	blk_signal_all();
}

/*
 * Session requests and calls: when the parent has one for us, when the
 * loop was idle, and at least every DISPATCH_S while I/O keeps it busy
 * (a call on an open session wakes nobody: libmkx does not lend us its
 * sockets). Not on every turn: mkx_server_dispatch(0) is five system
 * calls (nvme's loop measured 50 us per I/O of them at depth 1).
 */
#define DISPATCH_S	0.005

/* Interrupts, completions, the clients' requests, the watchdog; until core is gone. */
static void
serve(void)
{
	struct pollfd p[2 + BLK_CLIENTS_MAX] = { 0 };
	double last_watch = blk_now(), last_dispatch = 0;
	int idle = 1, sleep_ok;

	for (;;) {
		unsigned n;
		int rc;

		if (idle || p[1].revents || blk_now() - last_dispatch >= DISPATCH_S) {
			if (mkx_server_dispatch(0) == -ECONNRESET)
				return;
			last_dispatch = blk_now();
		}
		p[0] = (struct pollfd){ .fd = drv.irq.fd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = mkx_parent_fd(), .events = POLLIN };
		n = 2 + blk_poll_fds(p + 2, BLK_CLIENTS_MAX);
		rc = 0;
		if ((sleep_ok = blk_may_sleep()))
			rc = poll(p, n, 5);
		else	/* a client queued work without a kick: no wait, nothing seen ready */
			for (unsigned i = 0; i < n; i++)
				p[i].revents = 0;
		blk_awake();
		idle = sleep_ok && rc == 0;
		if (rc > 0 && p[0].revents && (rc = mkx_irq_wait(&drv.irq, 0)) > 0)
			drv.interrupts += (uint64_t)rc;
		for (unsigned i = 0; i < drv.blk.nunits; i++)
			ahci_reap(&drv.hba, drv.units[i].id, complete, NULL);
		ahci_ack(&drv.hba);
		if (drv.irq.info.type == 0 && drv.irq.unacked)
			mkx_irq_ack(&drv.irq);
		blk_serve(p + 2, n - 2);
		if (blk_now() - last_watch > 0.1) {
			last_watch = blk_now();
			for (unsigned i = 0; i < drv.blk.nunits; i++)
				watchdog(drv.units[i].id);
		}
	}
}

/* The HBA from the Platform session, its ABAR, its interrupt, the DMA session; retrying while busy. */
static int
acquire(unsigned long dma_quota)
{
	const struct blk_hw hw = { &drv.platform, &drv.abar, &drv.irq, &drv.dma, drv.pci, sizeof drv.pci };

	return blk_hw_acquire(&hw, "ahci", "AHCI controller (class 01:06:01)", 0x010601, 0xffffff,
	    (unsigned)drv.abar_index, dma_quota, drv.acquire_ms);
}

/* Each port: an ATA disk becomes a unit; no device, ATAPI or anything else is reported and left alone. */
static unsigned
ports(void)
{
	unsigned n = 0;

	for (unsigned p = 0; p < AHCI_PORTS; p++) {
		const struct ahci_port *pt = &drv.hba.port[p];

		if (!(drv.hba.pi & (1u << p)))
			continue;
		if (pt->present) {
			drv.units[n++] = (struct blk_unit){ .id = p, .blocks = pt->blocks, .block_log2 = 9 };
			mkx_log("ahci: port %u: ATA disk \"%s\", %llu blocks of 512 bytes (%llu MiB), %s", p, pt->model,
			    (unsigned long long)pt->blocks, (unsigned long long)(pt->blocks >> 11),
			    pt->ncq ? "NCQ" : "no NCQ");
			if (pt->ncq)
				mkx_log("ahci: port %u: NCQ queue depth %u", p, pt->ncq_depth);
		} else if (pt->atapi)
			mkx_log("ahci: port %u: ATAPI device: not served, left alone", p);
	}
	return n;
}

/* Does every disk served have TRIM? (The Block session's trim flag is the device's, not a port's.) */
static int
trim_all(unsigned nunits)
{
	int all = nunits > 0;

	for (unsigned i = 0; i < nunits; i++)
		all = all && drv.hba.port[drv.units[i].id].trim;
	mkx_log("ahci: trim (DATA SET MANAGEMENT) %s", all ? "on every disk: offered" : "not on every disk: not offered");
	return all;
}

int
main(void)
{
	unsigned long depth = 32, dma_quota = 16ul << 20;
	struct mkx_dma_buffer mem;
	struct mkx_rom rom;
	char why[512];
	unsigned n;
	int err;

	if (mkx_env_init())
		return 1;
	drv.acquire_ms = 10000;
	drv.timeout_ms = 10000;
	if ((drv.cfg = mkx_config(&rom))) {
		if (mkx_xml_attr(drv.cfg, "pci"))
			snprintf(drv.pci, sizeof drv.pci, "%s", mkx_xml_attr(drv.cfg, "pci"));
		if (mkx_xml_attr_ulong(drv.cfg, "queue_depth", 32, &depth) == -EINVAL || depth < 1 ||
		    mkx_xml_attr_ulong(drv.cfg, "dma_quota", 16ul << 20, &dma_quota) == -EINVAL ||
		    mkx_xml_attr_ulong(drv.cfg, "abar", 0, &drv.abar_index) == -EINVAL ||
		    mkx_xml_attr_ulong(drv.cfg, "acquire_ms", 10000, &drv.acquire_ms) == -EINVAL ||
		    mkx_xml_attr_ulong(drv.cfg, "timeout_ms", 10000, &drv.timeout_ms) == -EINVAL ||
		    mkx_xml_attr_ulong(drv.cfg, "hang_after", 0, &drv.hang_after) == -EINVAL) {
			mkx_error("ahci: config: queue_depth, dma_quota, abar, acquire_ms, timeout_ms and hang_after are "
			    "numbers");
			mkx_exit(1);
		}
	}
	if (drv.cfg && mkx_xml_attr(drv.cfg, "wait_rom")) {
		struct mkx_rom other;

		while (mkx_rom_try_open(&other, mkx_xml_attr(drv.cfg, "wait_rom")))
			usleep(200000);
		mkx_rom_close(&other);
		mkx_log("ahci: ROM \"%s\" present: taking the HBA", mkx_xml_attr(drv.cfg, "wait_rom"));
	}
	if (acquire(dma_quota))
		mkx_exit(1);
	/* A whole huge page, so that no client's buffer shares its dataspace (block_service.c). */
	if (mkx_dma_alloc(&drv.dma, 2ul << 20, &mem, why, sizeof why)) {
		mkx_error("ahci: DMA buffer for the command lists: %s", why);
		mkx_exit(1);
	}
	if ((err = ahci_init(&drv.hba, &drv.abar, &mem, why, sizeof why))) {
		mkx_error("ahci: HBA %s: %s", drv.pci, why);
		mkx_exit(1);
	}
	mkx_log("ahci %s: AHCI %u.%u, %u command slots, ports implemented 0x%x; interrupts %s; command lists at "
	    "bus 0x%llx (%s)", drv.pci, drv.hba.version >> 16, (drv.hba.version >> 8) & 0xff, drv.hba.slots,
	    drv.hba.pi, drv.irq.info.type == 2 ? "MSI-X" : drv.irq.info.type ? "MSI" : "INTx",
	    (unsigned long long)mem.bus, drv.dma.info.iommu ? "IOVA" : "physical");
	n = ports();
	drv.blk = (struct blk_device){ .name = "ahci", .unit_attr = "port", .units = drv.units, .nunits = n,
	    .slots = BLK_SLOTS_MAX, .depth = (unsigned)depth, .max_bytes = PRD_MAX, .can_trim = trim_all(n),
	    .max_trim_blocks = AHCI_TRIM_MAX, .dma = &drv.dma,
	    .cfg = drv.cfg, .submit = submit };
	if ((err = blk_service_start(&drv.blk))) {
		mkx_error("ahci: announce Block: %s", strerror(-err));
		mkx_exit(1);
	}
	serve();
	mkx_exit(0);
}
