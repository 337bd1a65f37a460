/*
 * irq_bench: make bench's interrupt round trip through the IRQ session,
 * the same loop as the references (core-services/tools/raw_uio.c,
 * raw_vfio.c) run before core in the same boot: count rounds of raise,
 * wait (exactly one delivery), ack the device, ack the session; the time
 * is the best of 5 parts of count/5 rounds, as theirs.
 *
 * Beside the time it counts context switches per round: of itself and of
 * core (its parent), from /proc/PID/status before and after the loop.
 * That is Linux-specific and reads another process's /proc, which a
 * driver must not do; so the loop lives in this bench component and not
 * in drivers/edu or drivers/msix_e1000e, whose own loops are tests.
 *
 * Config:
 *   <config device="edu" irq_type="0|1" count="500" also_rpc="yes" wait_ms="0"/>
 *   <config device="e1000e" count="500" vectors="1"/>   MSI-X vector 0 (RXQ0 through ICS), as raw_vfio msix;
 *       vectors="4": one session per vector 0-3, the four queue causes routed to them (IVAR), raised
 *       round-robin, each waited for on its own vector's fd (the NVMe way: a vector per queue)
 * also_rpc: after the loop with the session's own ack path, the same loop
 *   acked by RPC.
 * syscall_window="K" (K >= 1): after each timed loop, 100 more rounds,
 *   not timed, between the markers close(0x7fff0000 + K) and
 *   dup(0x7fff0100 + K) (K + 1 for the RPC loop), which
 *   core-services/tools/irq_syscalls (run before core) turns into a
 *   window of the kernel's syscall tracer; it prints the calls of every
 *   process in the window ("bench: syscalls window K: ...").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/devices.h>
#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/irq.h>
#include <mkx/log.h>
#include <mkx/rom.h>
#include "../../core-services/tools/phases.h"
#include "../../core-services/tools/switches.h"
#include "../../drivers/edu/regs.h"
#include "../../drivers/msix_e1000e/regs.h"

#define TIMEOUT_MS 3000
#define VECTORS_MAX 4
#define MARK_START	0x7fff0000u	/* as core-services/tools/irq_syscalls.c */
#define MARK_STOP	0x7fff0100u
#define COUNTED_ROUNDS	100

static const uint32_t msix_cause[VECTORS_MAX] = { E1000E_ICR_RXQ0, E1000E_ICR_RXQ1, E1000E_ICR_TXQ0, E1000E_ICR_TXQ1 };
static struct mkx_irq irqs[VECTORS_MAX];
static unsigned long nvec = 1;
/* Where a round's time goes, step by step, named as raw_vfio names its steps. */
static struct phases ph;
static const char *const step_names[] = { "sleep", "raise", "wait", "device", "ack", "re-arm" };

static const char *const type_names[] = { "INTx", "MSI", "MSI-X" };


/* One round on the edu: raise, wait, check and ack the device, ack the session. 0 or -1. */
static int
edu_round(struct mkx_irq *irq, struct mkx_io_mem *bar, unsigned long i)
{
	uint32_t status;
	int n;

	mkx_mmio_write32(bar, EDU_IRQ_RAISE, (uint32_t)(1u << (i % 31)));
	phases_step(&ph, 1);
	if ((n = mkx_irq_wait(irq, TIMEOUT_MS)) != 1) {
		mkx_error("interrupt %lu: %d deliveries within %d ms, expected exactly 1", i, n, TIMEOUT_MS);
		return -1;
	}
	phases_step(&ph, 2);
	if ((status = mkx_mmio_read32(bar, EDU_IRQ_STATUS)) != 1u << (i % 31)) {
		mkx_error("interrupt %lu: status 0x%x, expected 0x%x", i, status, 1u << (i % 31));
		return -1;
	}
	mkx_mmio_write32(bar, EDU_IRQ_ACK, status);
	phases_step(&ph, 3);
	if (mkx_irq_ack(irq)) {
		mkx_error("ack %lu failed", i);
		return -1;
	}
	phases_step(&ph, 4);
	return 0;
}

/*
 * One round on the e1000e, as raw_vfio's msix_loop: vector i % nvec (its
 * queue cause raised, waited for on that vector's own fd). 2 ms apart
 * (QEMU's throttling), the sleep not timed.
 */
static int
msix_round(struct mkx_irq *irq, struct mkx_io_mem *bar, unsigned long i)
{
	unsigned v = (unsigned)(i % nvec);
	int n;

	(void)irq;
	mkx_mmio_write32(bar, E1000E_ICS, msix_cause[v]);
	phases_step(&ph, 1);
	if ((n = mkx_irq_wait(&irqs[v], TIMEOUT_MS)) != 1) {
		mkx_error("MSI-X raise %lu on vector %u: %d deliveries within %d ms, expected exactly 1", i, v, n,
		    TIMEOUT_MS);
		return -1;
	}
	phases_step(&ph, 2);
	phases_step(&ph, 3);
	mkx_irq_ack(&irqs[v]);
	phases_step(&ph, 4);
	mkx_mmio_write32(bar, E1000E_IMS, msix_cause[v]);	/* re-arm the cause EIAC masked */
	phases_step(&ph, 5);
	return 0;
}

/*
 * COUNTED_ROUNDS more rounds, not timed, inside syscall window k (see the
 * top). The window's own figures come from the tracer's daemon.
 */
static int
counted(struct mkx_irq *irq, struct mkx_io_mem *bar, int msix, unsigned long k, const char *label)
{
	if (!k)
		return 0;
	close((int)(MARK_START + k));	/* EBADF: only the tracer's trigger sees it */
	for (unsigned long i = 0; i < COUNTED_ROUNDS; i++) {
		if (msix)
			usleep(2000);
		if ((msix ? msix_round : edu_round)(irq, bar, i))
			return -1;
	}
	if (dup((int)(MARK_STOP + k)) >= 0)	/* EBADF, as the close above */
		return -1;
	mkx_log("bench: irq syscall window %lu: %s, %d rounds", k, label, COUNTED_ROUNDS);
	usleep(300000);	/* the tracer's daemon reads the window while tracing is off */
	return 0;
}

/*
 * count rounds, best of 5 parts; prints the time and the switches per
 * round of this process and core (the parent) over the whole loop.
 */
static int
loop(struct mkx_irq *irq, struct mkx_io_mem *bar, int msix, unsigned long count, const char *label)
{
	struct switches me0, me1, core0, core1;
	double best = 1e9, total = 0, t0;
	char mine[48], cores[48], steps[192];
	pid_t core = getppid();

	if (switches_read(0, &me0) || switches_read(core, &core0)) {
		mkx_error("no context switch counts in /proc/self/status or /proc/%d/status (core)", (int)core);
		return -1;
	}
	phases_start(&ph, msix ? 6 : 5);
	for (unsigned long i = 0; i < count; i++) {
		if (i && i % (count / 5) == 0) {
			best = total < best ? total : best;
			total = 0;
		}
		phases_round(&ph);
		if (msix)
			usleep(2000);
		phases_step(&ph, 0);
		t0 = mkx_now();
		if ((msix ? msix_round : edu_round)(irq, bar, i))
			return -1;
		total += mkx_now() - t0;
	}
	if (switches_read(0, &me1) || switches_read(core, &core1)) {
		mkx_error("no context switch counts after the loop (core %d)", (int)core);
		return -1;
	}
	best = total < best ? total : best;
	switches_per_round(mine, sizeof mine, &me0, &me1, count);
	switches_per_round(cores, sizeof cores, &core0, &core1, count);
	mkx_log("bench: irq %s %.1f us", label, best / (double)(count / 5) * 1e6);
	mkx_log("bench: irq switches %s: total %.2f per round (driver %s, core %s)", label,
	    switches_total(&me0, &me1, count) + switches_total(&core0, &core1, count), mine, cores);
	phases_format(steps, sizeof steps, &ph, step_names);
	mkx_log("bench: irq phases %s: %s", label, steps);
	return 0;
}

static void
msix_setup(struct mkx_io_mem *bar)
{
	/* Core reset the function when it took it (VFIO); QEMU's e1000e raises link status change 500 ms later. */
	for (int t = 0; t < 300 && !(mkx_mmio_read32(bar, E1000E_STATUS) & E1000E_STATUS_LU); t++)
		usleep(10000);
	usleep(100000);
	mkx_mmio_write32(bar, E1000E_IMC, ~0u);
	for (unsigned v = 0; v < 5; v++)
		mkx_mmio_write32(bar, E1000E_EITR(v), 0);
	uint32_t ivar = 0, all = 0;

	for (unsigned v = 0; v < nvec; v++) {
		ivar |= E1000E_IVAR_ENTRY(v, v);	/* queue cause v -> vector v */
		all |= msix_cause[v];
	}
	mkx_mmio_write32(bar, E1000E_IVAR, ivar);
	mkx_mmio_write32(bar, E1000E_EIAC, all);
	(void)mkx_mmio_read32(bar, E1000E_ICR);
	mkx_mmio_write32(bar, E1000E_ICR, ~0u);
	mkx_mmio_write32(bar, E1000E_IMS, all);
}

int
main(void)
{
	struct mkx_pci_device d;
	struct mkx_io_mem bar;
	struct mkx_irq *irq = &irqs[0];
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long count = 500, type = 0, wait_ms = 0, window = 0;
	int msix = 0, also_rpc = 0, extra;
	char why[512], args[128], label[96];
	uint32_t left;

	if (mkx_env_init())
		return 1;
	if (!(cfg = mkx_config(&rom))) {
		mkx_error("no config");
		mkx_exit(1);
	}
	mkx_xml_attr_ulong(cfg, "count", 500, &count);
	mkx_xml_attr_ulong(cfg, "irq_type", 0, &type);
	mkx_xml_attr_ulong(cfg, "wait_ms", 0, &wait_ms);
	mkx_xml_attr_ulong(cfg, "vectors", 1, &nvec);
	mkx_xml_attr_ulong(cfg, "syscall_window", 0, &window);
	also_rpc = mkx_xml_attr_bool(cfg, "also_rpc", 0) == 1;
	if (mkx_xml_attr(cfg, "device") && !strcmp(mkx_xml_attr(cfg, "device"), "e1000e"))
		msix = 1, type = 2;
	else if (mkx_xml_attr(cfg, "device") && strcmp(mkx_xml_attr(cfg, "device"), "edu")) {
		mkx_error("device=\"%s\": edu or e1000e", mkx_xml_attr(cfg, "device"));
		mkx_exit(1);
	}
	if (count < 5 || (!msix && type > 1) || nvec < 1 || nvec > VECTORS_MAX || (!msix && nvec != 1) ||
	    window > 0xfe) {
		mkx_error("count must be >= 5 (is %lu), irq_type 0 or 1 on the edu (is %lu), vectors 1..%d and only on "
		    "the e1000e (is %lu), syscall_window 0..254 (is %lu)", count, type, VECTORS_MAX, nvec, window);
		mkx_exit(1);
	}
	usleep((useconds_t)(wait_ms * 1000));	/* let the reference or the previous loop run alone */
	if (mkx_devices_rom_find(msix ? E1000E_VENDOR : EDU_VENDOR, msix ? E1000E_DEVICE : EDU_DEVICE, 0, &d)) {
		mkx_error("no %s in pci_devices", msix ? "e1000e (8086:10d3)" : "edu (1234:11e8)");
		mkx_exit(1);
	}
	/* The whole BAR first: UIO's source fd maps all of it, and core hands it only to a holder of all of it. */
	if (mkx_io_mem_open(&bar, d.bar[0].address, d.bar[0].size, 0, why, sizeof why)) {
		mkx_error("BAR0 of %s denied: %s", d.name, why);
		mkx_exit(1);
	}
	for (unsigned v = 0; v < nvec; v++) {
		if (msix)
			snprintf(args, sizeof args, "irq_type=2, pci=\"%s\", vector=%u", d.name, v);
		else
			snprintf(args, sizeof args, "pci=\"%s\", irq_type=%lu", d.name, type);
		if (mkx_irq_open_args(&irqs[v], args, MKX_IRQ_ACK_AUTO, why, sizeof why)) {
			mkx_error("IRQ session {%s} denied: %s", args, why);
			mkx_exit(1);
		}
	}
	mkx_log("irq_bench %s: %s%s, ack %s, %lu rounds, core is pid %d", d.name, type_names[type],
	    nvec > 1 ? " (one session per vector)" : "", mkx_irq_ack_path(irq), count, (int)getppid());
	if (msix)
		msix_setup(&bar);
	else if ((left = mkx_mmio_read32(&bar, EDU_IRQ_STATUS))) {	/* a previous owner's interrupt (edu has no reset) */
		mkx_mmio_write32(&bar, EDU_IRQ_ACK, left);
		mkx_irq_wait(irq, 200);
		mkx_irq_ack(irq);
	}
	if (msix && nvec > 1)
		snprintf(label, sizeof label, "session MSI-X %lu vectors", nvec);
	else if (msix)
		snprintf(label, sizeof label, "session MSI-X");
	else
		snprintf(label, sizeof label, "session %s ack %s", type_names[type], mkx_irq_ack_path(irq));
	if (loop(irq, &bar, msix, count, label) || counted(irq, &bar, msix, window, label))
		mkx_exit(1);
	if (also_rpc) {
		mkx_irq_ack_by_rpc(irq, 1);
		snprintf(label, sizeof label, "session %s ack %s", type_names[type], mkx_irq_ack_path(irq));
		if (loop(irq, &bar, msix, count, label) || counted(irq, &bar, msix, window ? window + 1 : 0, label))
			mkx_exit(1);
	}
	/*
	 * Nothing may come unraised. For MSI-X this wait also lets QEMU's
	 * throttling timer of the last raise expire while MSI-X is still
	 * enabled: QEMU 7.2 aborts (assertion in e1000e_intrmgr_on_msix_throttling_timer)
	 * when it fires after the session's close disabled MSI-X (seen once in make bench).
	 */
	for (unsigned v = 0; v < nvec; v++)
		if ((extra = mkx_irq_wait(&irqs[v], v ? 0 : 200)) != 0) {
			mkx_error("after the last raise, vector %u: %d (interrupts, or -errno), expected none", v, extra);
			mkx_exit(1);
		}
	if (msix)
		mkx_mmio_write32(&bar, E1000E_IMC, ~0u);
	for (unsigned v = 0; v < nvec; v++)
		mkx_irq_close(&irqs[v]);
	mkx_io_mem_close(&bar);
	mkx_exit(0);
}
