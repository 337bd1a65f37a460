/*
 * nvme: an NVMe driver on a Platform session (BAR0, the interrupt and DMA
 * buffers through the platform driver; no core session of its own),
 * serving Block sessions (mkx/block.h) to several clients at once.
 *
 * Each client's data buffer is a DMA buffer of this driver's Platform
 * session whose fd the client maps: the controller reads and writes the
 * client's data where the client put it, nothing is copied. The driver
 * checks every request the client queues (blocks inside the namespace,
 * the data inside the buffer and aligned, no overlap with the client's
 * other requests in flight, writes only under a writeable policy) before
 * the device sees an address.
 *
 * Config:
 *   <config pci="00:04.0" queue_depth="32" dma_quota="16M" timeout_ms="10000" reset_after="0" queues="0">
 *     <policy label_prefix="block_tester" namespace="1" writeable="yes"/>
 *     <policy label="hostile -> ro" namespace="1" writeable="no"/>
 *   </config>
 *   policy: label, label_prefix or label_suffix against the session label;
 *     the first that matches decides (none matches: refused). namespace
 *     is the NSID.
 *   queue_depth: requests of one session in flight at the device.
 *   dma_quota: the Platform session's ram_quota, which pays the queues'
 *     buffer and every client's data buffer (2 MiB huge pages each).
 *   timeout_ms: an I/O command older than this resets the controller.
 *   queues: I/O queue pairs (0, the default: one per CPU the driver may
 *     run on, sched_getaffinity; at most NVME_QP_MAX, and what the
 *     controller grants). Under MSI-X each pair completes on its own
 *     vector n (the Platform session's interrupt index n: its own IRQ
 *     session and eventfd, nothing between the device and us; vectors.c),
 *     the admin queue on 0; with INTx or MSI, or if not every pair gets a
 *     vector, all on vector 0. Commands are spread over them by slot.
 *     The driver is one thread: the pairs give the controller parallel
 *     queues, they do not make submission per CPU.
 *   reset_after: test hook: reset the controller once after that many
 *     I/O commands were submitted (0: never), exercising the same path.
 *   acquire_ms: how long to retry while another session (a previous
 *     instance, killed) still holds the controller (default 10000).
 *   stamps_ms: every that many ms with I/O, log where the serving loop's
 *     time went per I/O (0, the default: never).
 *   spin_us: with INTx and one command in flight, look for its
 *     completion that long before sleeping, the controller's interrupt
 *     masked meanwhile (see spin; 0, the default: sleep at once).
 *   wait_rom: wait until this ROM exists before taking the controller (a
 *     second instance that must come after the first: scenario nvme_kill).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mkx/args.h>
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
#include <mkx/stamps.h>
#include <mkx/xml.h>
#include "../common/block_hw.h"
#include "../common/block_service.h"
#include "nvme.h"
#include "vectors.h"

static struct drv {
	struct nvme		ctrl;
	struct mkx_platform	platform;
	struct mkx_io_mem	bar;
	struct mkx_irq		irq;
	struct mkx_dma		dma;
	struct mkx_xml		*cfg;
	char			pci[16];
	unsigned long		timeout_ms, reset_after, acquire_ms, queues, stamps_ms, spin_us;
	uint64_t		spin_ticks;
	int			intx_masked;	/* INTMS set while spinning (INTx only) */
	uint64_t		interrupts, logged;	/* commands when the per-pair counters were last logged */
	struct blk_unit		units[NVME_NS_MAX];
	struct nvme_sqe		cmd[BLK_SLOTS_MAX];	/* each slot's command, for a resubmit after a reset */
	struct blk_device	blk;
} drv;

/* stamps_ms (see stamps_log) */
enum { ST_LOOP, ST_SLEEP, ST_IRQ, ST_REAP, ST_SERVE, ST_SIGNAL, ST_SPIN };
static struct stamps st;
static uint64_t st_io, st_bytes, st_wakes, st_irq_wakes, st_kick_wakes, st_depth, st_nowait;
static struct rusage st_ru;
static double st_t;

/* The device side of a checked Block request: its command in slot's SQ entry, PRP list and DSM range. */
static int
submit(void *ctx, unsigned slot, const struct blk_cmd *b)
{
	struct nvme_sqe *cmd = &drv.cmd[slot];
	struct nvme_dsm_range *range;
	uint64_t bus;

	(void)ctx;
	st_bytes += b->len;
	memset(cmd, 0, sizeof *cmd);
	cmd->nsid = b->unit->id;
	switch (b->op) {
	case MKX_BLOCK_SYNC:
		cmd->opc = NVM_FLUSH;
		break;
	case MKX_BLOCK_TRIM:
		range = nvme_dsm_range(&drv.ctrl, slot, &bus);
		*range = (struct nvme_dsm_range){ .nlb = b->count, .slba = b->block };
		cmd->opc = NVM_DSM;
		cmd->prp1 = bus;
		cmd->cdw10 = 0;		/* one range */
		cmd->cdw11 = DSM_AD;
		break;
	default:
		cmd->opc = b->op == MKX_BLOCK_READ ? NVM_READ : NVM_WRITE;
		nvme_prp(&drv.ctrl, slot, b->bus, b->len, cmd);
		cmd->cdw10 = (uint32_t)b->block;
		cmd->cdw11 = (uint32_t)(b->block >> 32);
		cmd->cdw12 = b->count - 1;
	}
	return nvme_submit(&drv.ctrl, slot, cmd);
}

static void
complete(void *ctx, unsigned cid, uint16_t status)
{
	int failed = CQE_SC(status) || CQE_SCT(status);

	(void)ctx;
	if (failed && cid < BLK_SLOTS_MAX)
		mkx_error("nvme: opcode 0x%02x (slot %u) failed: status type %u code 0x%02x", drv.cmd[cid].opc, cid,
		    CQE_SCT(status), CQE_SC(status));
	blk_done(cid, failed ? -EIO : 0);
}

/* After a reset the queues are empty: resubmit what was in flight, fail what was tried too often. */
static void
resubmit(void)
{
	for (unsigned i = 0; i < drv.blk.slots; i++)
		if (blk_busy(i, NULL) && (!blk_retry(i) || nvme_submit(&drv.ctrl, i, &drv.cmd[i])))
			blk_done(i, -EIO);
}

static void
reset(const char *reason)
{
	char why[256] = "";
	int err;

	mkx_log("nvme: %s: resetting the controller (%u commands in flight)", reason, blk_inflight());
	if ((err = nvme_reset(&drv.ctrl, why, sizeof why))) {
		mkx_error("nvme: reset failed: %s", why);
		mkx_exit(1);
	}
	resubmit();
	mkx_log("nvme: controller reset done (%llu so far), %u commands resubmitted",
	    (unsigned long long)drv.ctrl.resets, blk_inflight());
	blk_signal_all();
}

/* Controller fatal status, or the oldest command past its time: a reset, not a hang. */
static void
watchdog(void)
{
	static int reset_done;
	char reason[96];
	double age;

	if (nvme_csts(&drv.ctrl) & CSTS_CFS) {
		reset("controller fatal status (CSTS.CFS)");
		return;
	}
	for (unsigned i = 0; i < drv.blk.slots; i++)
		if (blk_busy(i, &age) && age * 1e3 > drv.timeout_ms) {
			snprintf(reason, sizeof reason, "command in slot %u took more than %lu ms", i, drv.timeout_ms);
			reset(reason);
			return;
		}
	if (drv.reset_after && !reset_done && blk_submitted() >= drv.reset_after && blk_inflight()) {
		reset_done = 1;
		snprintf(reason, sizeof reason, "test hook reset_after=%lu", drv.reset_after);
		reset(reason);
	}
}

/* When the device is idle after new commands: the commands each I/O queue pair carried since the start. */
static void
log_pairs(void)
{
	char line[256];
	size_t at = 0;

	if (blk_inflight() || blk_submitted() == drv.logged)
		return;
	drv.logged = blk_submitted();
	nvme_vectors_log(drv.interrupts);
	for (unsigned q = 0; q < drv.ctrl.nqp && at < sizeof line; q++)
		at += (size_t)snprintf(line + at, sizeof line - at, "%s pair %u: %llu", q ? "," : "", q + 1,
		    (unsigned long long)drv.ctrl.qp[q].commands);
	mkx_log("nvme: I/O commands per queue pair since the start:%s", line);
}

/*
 * stamps_ms="N" in the config: every N ms with I/O, where the loop's time
 * went per I/O (the steps of serve below, TSC stamps) and how often it
 * woke, with the window's mean request size and depth, so that a
 * window of one benchmark pattern can be told (make bench's block rows).
 */

static void
stamps_log(void)
{
	uint64_t io = blk_submitted() - st_io;
	struct rusage ru;

	if (!io)
		return;
	getrusage(RUSAGE_SELF, &ru);
	mkx_log("nvme: stamps: %llu I/O of %llu B, depth %.1f; per I/O us: loop %.1f sleep %.1f irq %.1f reap %.1f "
	    "serve %.1f (after a kick) %.1f (after a completion), spin %.1f; wakes %.2f (irq %.2f, kick %.2f), "
	    "no wait %.2f; switches %.2f+%.2f", (unsigned long long)io,
	    (unsigned long long)(st_bytes / io), (double)st_depth / (double)(st_wakes ? st_wakes : 1),
	    stamps_us(&st, ST_LOOP, io), stamps_us(&st, ST_SLEEP, io), stamps_us(&st, ST_IRQ, io),
	    stamps_us(&st, ST_REAP, io), stamps_us(&st, ST_SERVE, io), stamps_us(&st, ST_SIGNAL, io),
	    stamps_us(&st, ST_SPIN, io), (double)st_wakes / (double)io,
	    (double)st_irq_wakes / (double)io, (double)st_kick_wakes / (double)io, (double)st_nowait / (double)io,
	    (double)(ru.ru_nvcsw - st_ru.ru_nvcsw) / (double)io, (double)(ru.ru_nivcsw - st_ru.ru_nivcsw) / (double)io);
	st_io = blk_submitted();
	st_bytes = st_wakes = st_irq_wakes = st_kick_wakes = st_depth = st_nowait = 0;
	st_ru = ru;
	stamps_start(&st);
}

static void
stamps_tick(void)
{
	if (!drv.stamps_ms || blk_now() - st_t < drv.stamps_ms / 1e3)
		return;
	st_t = blk_now();
	stamps_log();
}

/*
 * Session requests and calls: when the parent has one for us, when the
 * loop was idle, and at least every DISPATCH_S while I/O keeps it busy
 * (a call on an open session wakes nobody: libmkx does not lend us its
 * sockets). Not on every turn: mkx_server_dispatch(0) costs five system
 * calls, make bench measured 25 us of them per turn, two turns per I/O
 * at depth 1.
 */
#define DISPATCH_S	0.005

/* spin_us: TSC ticks per microsecond, measured over 10 ms. */
static void
spin_calibrate(void)
{
	double t0 = mkx_now();
	uint64_t c0 = stamps_tsc();

	if (!drv.spin_us)
		return;
	usleep(10000);
	drv.spin_ticks = (uint64_t)((double)(stamps_tsc() - c0) / ((mkx_now() - t0) * 1e6) * (double)drv.spin_us);
}

/* INTx masked at the controller (INTMS) while the driver spins: see spin. */
static void
intx_mask(int mask)
{
	if (drv.irq.info.type != 0 || drv.intx_masked == mask)
		return;
	nvme_intx_mask(&drv.ctrl, mask);
	drv.intx_masked = mask;
}

/*
 * A completion within spin_us of going to sleep: looked for on the CPU
 * rather than waited for, with INTx only. The controller's interrupt is
 * masked (INTMS) while we spin, so a completion found raises none, and
 * none needs core's unmask (two process switches and a config read and
 * write per interrupt); unmasked again (INTMC) before the driver sleeps.
 * (With MSI-X the interrupt would still come and wake us for nothing:
 * make bench measured no gain there.) 1 if a completion queue has an entry.
 */
static int
spin(void)
{
	uint64_t end = stamps_tsc() + drv.spin_ticks;

	intx_mask(1);
	do
		for (unsigned q = 0; q < drv.ctrl.nqp; q++) {
			struct nvme_qp *qp = &drv.ctrl.qp[q];

			if (CQE_PHASE(qp->cq[qp->cq_head].status) == qp->cq_phase)
				return 1;
		}
	while (stamps_tsc() < end && (__builtin_ia32_pause(), 1));
	return 0;
}

/* A turn without a wait (a client queued work without a kick): nothing seen ready. */
static int
no_poll(struct pollfd *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i].revents = 0;
	return 0;
}

/* Interrupts, completions, the clients' requests, the watchdog; until core is gone. */
static void
serve(void)
{
	struct pollfd p[2 + BLK_CLIENTS_MAX + NVME_QP_MAX] = { 0 };
	double last_watch = blk_now(), last_dispatch = 0;
	int idle = 1, irq, found, sleep_ok;

	spin_calibrate();
	stamps_start(&st);
	getrusage(RUSAGE_SELF, &st_ru);
	for (;;) {
		unsigned n, nv;
		int rc;

		if (idle || p[1].revents || blk_now() - last_dispatch >= DISPATCH_S) {
			if (mkx_server_dispatch(0) == -ECONNRESET)
				return;
			last_dispatch = blk_now();
		}
		p[0] = (struct pollfd){ .fd = drv.irq.fd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = mkx_parent_fd(), .events = POLLIN };
		n = 2 + blk_poll_fds(p + 2, BLK_CLIENTS_MAX);
		nv = n;	/* the pairs' own vectors after the clients' fds */
		n += nvme_vectors_fds(p + n);
		stamps_step(&st, ST_LOOP);
		sleep_ok = blk_may_sleep();
		/*
		 * INTx only (MSI and MSI-X gain nothing: measured), one command only
		 * (with more an interrupt reaps several at once; spinning halved depth 32).
		 */
		found = sleep_ok && drv.spin_ticks && drv.irq.info.type == 0 && blk_inflight() == 1 && spin();
		if (sleep_ok && !found)
			intx_mask(0);
		stamps_step(&st, ST_SPIN);
		rc = sleep_ok ? poll(p, n, found ? 0 : 5) : no_poll(p, n);
		blk_awake();
		stamps_step(&st, ST_SLEEP);
		idle = sleep_ok && !found && rc == 0;
		st_nowait += !sleep_ok;
		st_wakes++;
		st_depth += blk_inflight();
		irq = rc > 0 && p[0].revents;
		for (unsigned i = nv; i < n && rc > 0; i++)
			irq |= p[i].revents != 0;
		st_irq_wakes += irq;
		st_kick_wakes += rc > 0 && nv > 2 && p[2].revents;
		if (rc > 0 && p[0].revents && (rc = mkx_irq_wait(&drv.irq, 0)) > 0)
			drv.interrupts += (uint64_t)rc;
		nvme_vectors_count(p + nv);
		stamps_step(&st, ST_IRQ);
		nvme_reap(&drv.ctrl, complete, NULL);
		if (drv.irq.info.type == 0 && drv.irq.unacked)
			mkx_irq_ack(&drv.irq);
		stamps_step(&st, ST_REAP);
		blk_serve(p + 2, nv - 2);
		stamps_step(&st, irq || found ? ST_SIGNAL : ST_SERVE);
		if (blk_now() - last_watch > 0.1) {
			last_watch = blk_now();
			watchdog();
			log_pairs();
			stamps_tick();
		}
	}
}

/* The controller from the Platform session, BAR0, its interrupt, the DMA session; retrying while busy. */
static int
acquire(unsigned long dma_quota)
{
	const struct blk_hw hw = { &drv.platform, &drv.bar, &drv.irq, &drv.dma, drv.pci, sizeof drv.pci };

	return blk_hw_acquire(&hw, "nvme", "NVMe controller (class 01:08)", 0x010800, 0xffff00, 0, dma_quota,
	    drv.acquire_ms);
}

/* The config's numbers; exits on one that is not. */
static void
read_config(unsigned long *depth, unsigned long *dma_quota)
{
	drv.timeout_ms = 10000;
	drv.acquire_ms = 10000;
	if (!drv.cfg)
		return;
	if (mkx_xml_attr(drv.cfg, "pci"))
		snprintf(drv.pci, sizeof drv.pci, "%s", mkx_xml_attr(drv.cfg, "pci"));
	if (mkx_xml_attr_ulong(drv.cfg, "queue_depth", 32, depth) == -EINVAL || *depth < 1 || *depth > NVME_SLOTS ||
	    mkx_xml_attr_ulong(drv.cfg, "dma_quota", 16ul << 20, dma_quota) == -EINVAL ||
	    mkx_xml_attr_ulong(drv.cfg, "timeout_ms", 10000, &drv.timeout_ms) == -EINVAL ||
	    mkx_xml_attr_ulong(drv.cfg, "reset_after", 0, &drv.reset_after) == -EINVAL ||
	    mkx_xml_attr_ulong(drv.cfg, "acquire_ms", 10000, &drv.acquire_ms) == -EINVAL ||
	    mkx_xml_attr_ulong(drv.cfg, "queues", 0, &drv.queues) == -EINVAL ||
	    mkx_xml_attr_ulong(drv.cfg, "stamps_ms", 0, &drv.stamps_ms) == -EINVAL ||
	    mkx_xml_attr_ulong(drv.cfg, "spin_us", 0, &drv.spin_us) == -EINVAL) {
		mkx_error("nvme: config: queue_depth (1..%d), dma_quota, timeout_ms, reset_after, acquire_ms, queues, "
		    "stamps_ms and spin_us are numbers", NVME_SLOTS);
		mkx_exit(1);
	}
	if (mkx_xml_attr(drv.cfg, "wait_rom")) {
		struct mkx_rom other;

		while (mkx_rom_try_open(&other, mkx_xml_attr(drv.cfg, "wait_rom")))
			usleep(200000);
		mkx_rom_close(&other);
		mkx_log("nvme: ROM \"%s\" present: taking the controller", mkx_xml_attr(drv.cfg, "wait_rom"));
	}
}

static void
log_controller(const struct mkx_dma_buffer *mem)
{
	mkx_log("nvme %s: \"%s\" serial \"%s\" firmware \"%s\", NVMe %u.%u, %u active namespace(s) of %u, %zu KiB per "
	    "command, trim %s, write cache %s; %u I/O queue pair(s) of %u entries, depth %u per session; interrupts %s; "
	    "queues at "
	    "bus 0x%llx (%s)", drv.pci, drv.ctrl.mn, drv.ctrl.sn, drv.ctrl.fr, drv.ctrl.version >> 16,
	    (drv.ctrl.version >> 8) & 0xff, drv.ctrl.nns, drv.ctrl.nn, drv.ctrl.max_bytes >> 10,
	    drv.ctrl.dsm ? "yes" : "no", drv.ctrl.vwc ? "yes" : "no", drv.ctrl.nqp, drv.ctrl.io_entries, drv.blk.depth,
	    drv.irq.info.type == 2 ? "MSI-X" : drv.irq.info.type ? "MSI" : "INTx", (unsigned long long)mem->bus,
	    drv.dma.info.iommu ? "IOVA" : "physical");
	for (unsigned i = 0; i < drv.ctrl.nns; i++)
		mkx_log("nvme: namespace %u: %llu blocks of %u bytes (%llu MiB)", drv.ctrl.ns[i].nsid,
		    (unsigned long long)drv.ctrl.ns[i].blocks, 1u << drv.ctrl.ns[i].block_log2,
		    (unsigned long long)(drv.ctrl.ns[i].blocks << drv.ctrl.ns[i].block_log2 >> 20));
}

int
main(void)
{
	unsigned long depth = 32, dma_quota = 16ul << 20;
	struct mkx_dma_buffer mem;
	struct mkx_rom rom;
	char why[512];
	int err;

	if (mkx_env_init())
		return 1;
	drv.cfg = mkx_config(&rom);
	read_config(&depth, &dma_quota);
	if (acquire(dma_quota))
		mkx_exit(1);
	/* A whole huge page, so that no client's buffer shares its dataspace (block_service.c). */
	if (mkx_dma_alloc(&drv.dma, 2ul << 20, &mem, why, sizeof why)) {
		mkx_error("nvme: DMA buffer for the queues: %s", why);
		mkx_exit(1);
	}
	if (!drv.queues) {
		cpu_set_t cpus;

		drv.queues = sched_getaffinity(0, sizeof cpus, &cpus) ? 1 : (unsigned long)CPU_COUNT(&cpus);
	}
	if ((err = nvme_init(&drv.ctrl, &drv.bar, &mem, (unsigned)drv.queues,
	    nvme_vectors_open(&drv.platform, drv.pci, &drv.irq, (unsigned)drv.queues), why, sizeof why))) {
		mkx_error("nvme: controller %s: %s", drv.pci, why);
		mkx_exit(1);
	}
	for (unsigned i = 0; i < drv.ctrl.nns; i++)
		drv.units[i] = (struct blk_unit){ .id = drv.ctrl.ns[i].nsid, .blocks = drv.ctrl.ns[i].blocks,
		    .block_log2 = drv.ctrl.ns[i].block_log2 };
	drv.blk = (struct blk_device){ .name = "nvme", .unit_attr = "namespace", .units = drv.units,
	    .nunits = drv.ctrl.nns, .slots = drv.ctrl.io_entries - 1 < NVME_SLOTS ? drv.ctrl.io_entries - 1 : NVME_SLOTS,
	    .depth = (unsigned)depth, .max_bytes = drv.ctrl.max_bytes, .can_trim = drv.ctrl.dsm, .dma = &drv.dma,
	    .cfg = drv.cfg, .submit = submit };
	if (drv.irq.info.type == 0)
		nvme_intx_mask(&drv.ctrl, 0);
	if ((err = blk_service_start(&drv.blk))) {
		mkx_error("nvme: announce Block: %s", strerror(-err));
		mkx_exit(1);
	}
	log_controller(&mem);
	serve();
	nvme_shutdown(&drv.ctrl);
	mkx_exit(0);
}
