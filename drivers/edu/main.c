/*
 * edu: the IRQ test driver. Finds QEMU's edu device in core's pci_devices
 * ROM, maps BAR0 (IO_MEM), takes its interrupt (IRQ: INTx or MSI), and
 * runs `count` rounds of: raise an interrupt through the device, wait for
 * the signal, read and acknowledge the device's status, ack the session.
 * Every round must see exactly one interrupt; afterwards an interrupt left
 * unacked must not come again, and nothing may come that was not raised.
 * Measures the round trip.
 *
 * Config:
 *   <config count="200" timeout_ms="2000" irq_type="0|1" ack="auto|rpc"
 *           name="genode|pci" ecam="0xb0000000" pci="00:03.0" probe="00:02.0">
 *     <refuse args="irq_type=1, bdf=0x10"/>   session args that must be refused
 *   </config>
 * die="yes": raise an interrupt, receive it, and die by SIGKILL with it
 * unacked (core must mask the line and give the function back).
 * native="yes" (MSI): program INFO's message into the MSI capability through
 * config access (CF8/CFC) and set MSI enable, as Genode's platform driver
 * does (native_msi.c); bad writes must be refused.
 * gsi="23": open the IRQ session by GSI alone (Genode's legacy irq_number);
 * it covers every function on that line the policy grants.
 * also_rpc="yes": after the rounds, the same rounds again acked by RPC (make bench).
 * platform="yes": the device, BAR0 and its interrupt come from a Platform
 * session (the platform driver's policy gives the device; index picks among
 * several): irq_type="0" INTx, irq_type="1" what the platform driver picks
 * (MSI where core can deliver it, else INTx).
 * stall_ms: first raise one interrupt and leave it unacked (device and
 * line) that long: on a shared line the other functions' drivers must go
 * on meanwhile.
 * name="genode" opens with Genode's args (device_config_phys from ecam=,
 * or bdf=), otherwise pci="BB:DD.F". probe: a function whose interrupt
 * the policy does not grant (must be denied). pci: which edu (default: the
 * first in the ROM).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/devices.h>
#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/irq.h>
#include <mkx/log.h>
#include <mkx/platform.h>
#include <mkx/rom.h>
#include "native_msi.h"
#include "regs.h"

static const char *const type_names[] = { "INTx", "MSI", "MSI-X" };

/* The index-th edu device, or with pci given the edu device of that name. */
static int
find_edu(struct mkx_pci_device *d, unsigned index, const char *pci)
{
	struct mkx_rom rom;
	struct mkx_xml *x;
	char err[128];
	int rc;

	if (mkx_rom_open(&rom, "pci_devices"))
		return -ENOENT;
	x = mkx_xml_parse(rom.data, rom.size, err, sizeof err);
	rc = x ? mkx_devices_find(x, EDU_VENDOR, EDU_DEVICE, index, d) : -ENOENT;
	for (unsigned i = 0; x && pci[0] && !rc && strcmp(d->name, pci); i++)
		rc = mkx_devices_find(x, EDU_VENDOR, EDU_DEVICE, i, d);
	mkx_xml_free(x);
	mkx_rom_close(&rom);
	return rc;
}

/* Every <refuse args=.../> must be refused; each refusal is logged with core's reason. */
static int
check_refusals(const struct mkx_xml *cfg)
{
	char why[512];
	int bad = 0;

	for (struct mkx_xml *r = mkx_xml_child(cfg, "refuse"); r; r = mkx_xml_next(r, "refuse")) {
		const char *args = mkx_xml_attr(r, "args");
		struct mkx_irq irq;
		int err;

		if (!args)
			continue;
		why[0] = 0;
		err = mkx_irq_open_args(&irq, args, MKX_IRQ_ACK_AUTO, why, sizeof why);
		if (!err) {
			mkx_error("IRQ session {%s}: granted, but must be refused (BAD)", args);
			mkx_irq_close(&irq);
			bad = 1;
		} else
			mkx_log("IRQ session {%s}: refused (%s): %s", args, strerror(-err), why);
	}
	return bad;
}

/* After the rounds: an unacked interrupt is not delivered again; nothing comes unraised. */
static int
check_once(struct mkx_irq *irq, struct mkx_io_mem *bar, unsigned type)
{
	int n;

	mkx_mmio_write32(bar, EDU_IRQ_RAISE, 0x40000000);
	if ((n = mkx_irq_wait(irq, 3000)) != 1) {
		mkx_error("the unacked interrupt: %d deliveries, expected 1", n);
		return 1;
	}
	/* Neither device nor line acked: a level line stays asserted; it must not be delivered again. */
	if ((n = mkx_irq_wait(irq, 300)) != 0) {
		mkx_error("an interrupt not yet acked was delivered again (%d)", n);
		return 1;
	}
	mkx_mmio_write32(bar, EDU_IRQ_ACK, mkx_mmio_read32(bar, EDU_IRQ_STATUS));
	mkx_irq_ack(irq);
	if ((n = mkx_irq_wait(irq, 300)) != 0) {
		mkx_error("%d interrupt(s) after the last ack, none raised", n);
		return 1;
	}
	mkx_log("edu: %s: an unacked interrupt was not delivered again; none came unraised", type_names[type]);
	return 0;
}

/* count rounds of raise, wait (exactly one delivery), check and ack the device, ack the line: total seconds, or -1. */
static double
rounds(struct mkx_irq *irq, struct mkx_io_mem *bar, unsigned long count, unsigned long timeout_ms)
{
	double t0, total = 0;

	for (unsigned long i = 0; i < count; i++) {
		uint32_t status;
		int n;

		t0 = mkx_now();
		mkx_mmio_write32(bar, EDU_IRQ_RAISE, (uint32_t)(1u << (i % 31)));
		n = mkx_irq_wait(irq, (int)timeout_ms);
		if (n != 1) {
			mkx_error("interrupt %lu: %d deliveries within %lu ms, expected exactly 1", i, n, timeout_ms);
			return -1;
		}
		status = mkx_mmio_read32(bar, EDU_IRQ_STATUS);
		if (status != 1u << (i % 31)) {
			mkx_error("interrupt %lu: status 0x%x, expected 0x%x", i, status, 1u << (i % 31));
			return -1;
		}
		mkx_mmio_write32(bar, EDU_IRQ_ACK, status);
		if (mkx_irq_ack(irq)) {
			mkx_error("ack %lu failed", i);
			return -1;
		}
		total += mkx_now() - t0;
	}
	return total;
}

/* The index-th edu of the Platform session's devices, acquired, BAR0 and INTx from the session. */
static int
from_platform(struct mkx_platform *p, unsigned index, int intx, struct mkx_pci_device *d, struct mkx_io_mem *bar,
    struct mkx_irq *irq)
{
	struct mkx_xml *devices;
	char why[256] = "", *xml;
	size_t len;
	int err;

	if ((err = mkx_platform_open(p, "edu", why, sizeof why)) || (err = mkx_platform_devices(p, &xml, &len))) {
		mkx_error("Platform session: %s", why[0] ? why : "devices document unreadable");
		return err ? err : -EIO;
	}
	devices = mkx_xml_parse(xml, len, why, sizeof why);
	free(xml);
	err = devices ? mkx_devices_find(devices, EDU_VENDOR, EDU_DEVICE, index, d) : -ENOENT;
	mkx_xml_free(devices);
	if (err) {
		mkx_error("no edu device in the Platform session's devices");
		return err;
	}
	if ((err = mkx_platform_acquire(p, d->name, why, sizeof why)) ||
	    (err = mkx_platform_io_mem(p, d->name, 0, bar, why, sizeof why)) ||
	    (err = (intx ? mkx_platform_irq_intx : mkx_platform_irq)(p, d->name, 0, irq, why, sizeof why))) {
		mkx_error("%s through the Platform session: %s", d->name, why);
		return err;
	}
	mkx_log("edu %s from the Platform session (%s)", d->name, irq->info.type ? "MSI" : "INTx");
	return 0;
}

/* What the config asks for (the defaults without one). */
struct edu_config {
	unsigned long	count, timeout_ms, type, ecam, index, stall_ms, gsi;
	char		probe[16], pci[16];
	const char	*ack, *naming;
};

static void
read_config(const struct mkx_xml *cfg, struct edu_config *c)
{
	unsigned long wait_ms = 0;

	*c = (struct edu_config){ .count = 200, .timeout_ms = 2000, .ack = "auto", .naming = "pci" };
	if (!cfg)
		return;
	mkx_xml_attr_ulong(cfg, "wait_ms", 0, &wait_ms);	/* benchmarks: let the reference run alone */
	usleep(wait_ms * 1000);
	mkx_xml_attr_ulong(cfg, "count", 200, &c->count);
	mkx_xml_attr_ulong(cfg, "timeout_ms", 2000, &c->timeout_ms);
	mkx_xml_attr_ulong(cfg, "irq_type", 0, &c->type);
	mkx_xml_attr_ulong(cfg, "ecam", 0, &c->ecam);
	mkx_xml_attr_ulong(cfg, "index", 0, &c->index);
	mkx_xml_attr_ulong(cfg, "stall_ms", 0, &c->stall_ms);
	mkx_xml_attr_ulong(cfg, "gsi", 0, &c->gsi);
	if (mkx_xml_attr(cfg, "ack"))
		c->ack = mkx_xml_attr(cfg, "ack");
	if (mkx_xml_attr(cfg, "name"))
		c->naming = mkx_xml_attr(cfg, "name");
	if (mkx_xml_attr(cfg, "pci"))
		snprintf(c->pci, sizeof c->pci, "%s", mkx_xml_attr(cfg, "pci"));
	if (mkx_xml_attr(cfg, "probe"))
		snprintf(c->probe, sizeof c->probe, "%s", mkx_xml_attr(cfg, "probe"));
}

/* The IRQ session's arguments in the naming the config asks for (Genode's or ours). */
static void
irq_session_args(char *args, size_t len, const struct edu_config *c, const struct mkx_pci_device *d)
{
	unsigned bdf = d->bus << 8 | d->dev << 3 | d->fn;

	if (c->gsi)	/* Genode's legacy Irq_connection: the GSI alone */
		snprintf(args, len, "irq_number=%lu, irq_trigger=1, irq_polarity=1, irq_type=0", c->gsi);
	else if (!strcmp(c->naming, "genode") && c->ecam)
		snprintf(args, len, "irq_number=%lu, irq_type=%lu, device_config_phys=0x%lx", c->type ? 1 : 0UL,
		    c->type, c->ecam + ((unsigned long)bdf << 12));
	else if (!strcmp(c->naming, "genode"))
		snprintf(args, len, "irq_number=%lu, irq_type=%lu, bdf=0x%x", c->type ? 1 : 0UL, c->type, bdf);
	else
		snprintf(args, len, "pci=\"%s\", irq_type=%lu", d->name, c->type);
}

/* A previous owner may have left an interrupt raised (edu has no reset): clear it, as a driver's init does. */
static void
clear_left_interrupt(const struct mkx_pci_device *d, struct mkx_io_mem *bar, struct mkx_irq *irq)
{
	uint32_t status = mkx_mmio_read32(bar, EDU_IRQ_STATUS);
	int n;

	if (!status)
		return;
	mkx_mmio_write32(bar, EDU_IRQ_ACK, status);
	n = mkx_irq_wait(irq, 200);
	mkx_irq_ack(irq);
	mkx_log("edu %s: status 0x%x left by a previous owner cleared (%d pending delivery)", d->name, status, n);
}

/* stall_ms: one interrupt left unacked (device and line) that long must not come again. Exits if it does. */
static void
stall_unacked(const struct mkx_pci_device *d, struct mkx_io_mem *bar, struct mkx_irq *irq,
    const struct edu_config *c)
{
	int n;

	mkx_mmio_write32(bar, EDU_IRQ_RAISE, 0x20000000);
	if ((n = mkx_irq_wait(irq, (int)c->timeout_ms)) != 1) {
		mkx_error("the stalling interrupt: %d deliveries, expected 1", n);
		mkx_exit(1);
	}
	mkx_log("edu %s: interrupt received, left unacked (device and line) for %lu ms", d->name, c->stall_ms);
	if ((n = mkx_irq_wait(irq, (int)c->stall_ms)) != 0) {
		mkx_error("the unacked interrupt was delivered again (%d)", n);
		mkx_exit(1);
	}
	mkx_mmio_write32(bar, EDU_IRQ_ACK, mkx_mmio_read32(bar, EDU_IRQ_STATUS));
	mkx_irq_ack(irq);
	mkx_log("edu %s: stall over, acked", d->name);
}

/* also_rpc (make bench): the round trip with each ack path, best of 5 each way. */
static void
bench_ack_paths(struct mkx_irq *irq, struct mkx_io_mem *bar, const struct edu_config *c)
{
	for (int rpc = 0; rpc < 2; rpc++) {
		double best = 1e9, t;

		mkx_irq_ack_by_rpc(irq, rpc);
		for (int r = 0; r < 5; r++) {
			if ((t = rounds(irq, bar, c->count / 5, c->timeout_ms)) < 0)
				mkx_exit(1);
			best = t < best ? t : best;
		}
		mkx_log("bench: irq session %s ack %s %.1f us", type_names[c->type], mkx_irq_ack_path(irq),
		    best / (c->count / 5) * 1e6);
	}
}

/* Open BAR0 and the IRQ through core's sessions (without a platform driver); exits if refused. */
static void
open_direct(const struct mkx_pci_device *d, const struct edu_config *c, struct mkx_io_mem *bar,
    struct mkx_irq *irq)
{
	char why[512], args[160];

	irq_session_args(args, sizeof args, c, d);
	/*
	 * The whole BAR, before the IRQ session: UIO's source fd maps all of
	 * it, and core hands it only to a client that holds all of it.
	 */
	if (mkx_io_mem_open(bar, d->bar[0].address, d->bar[0].size, 0, why, sizeof why)) {
		mkx_error("BAR0 of %s denied: %s", d->name, why);
		mkx_exit(1);
	}
	if (mkx_irq_open_args(irq, args, strcmp(c->ack, "rpc") ? MKX_IRQ_ACK_AUTO : MKX_IRQ_ACK_RPC, why, sizeof why)) {
		mkx_error("IRQ of %s {%s} denied: %s", d->name, args, why);
		mkx_exit(1);
	}
}

/*
 * Is it an edu (ID register, liveness register), with an MSI message for
 * an MSI session? Logs what it found; exits if not. native: program the
 * MSI capability ourselves (native_msi.c).
 */
static void
identify(const struct mkx_pci_device *d, struct mkx_io_mem *bar, struct mkx_irq *irq, const struct edu_config *c,
    int native)
{
	uint32_t id;

	id = mkx_mmio_read32(bar, EDU_ID);
	mkx_mmio_write32(bar, EDU_LIVENESS, 0x12345678);
	mkx_log("edu %s: id 0x%08x, liveness %s, %s, GSI %u, info type %u address 0x%llx value 0x%llx, ack %s",
	    d->name, id, mkx_mmio_read32(bar, EDU_LIVENESS) == ~0x12345678u ? "ok" : "WRONG", type_names[c->type],
	    irq->gsi, irq->info.info_type, (unsigned long long)irq->info.address, (unsigned long long)irq->info.value,
	    mkx_irq_ack_path(irq));
	if ((id & 0xff) != 0xed) {
		mkx_error("not an edu device");
		mkx_exit(1);
	}
	if (c->type == 1 && (irq->info.info_type != 1 || (irq->info.address & 0xfff00000) != 0xfee00000)) {
		mkx_error("MSI session without an MSI message in INFO");
		mkx_exit(1);
	}
	if (c->type == 1 && native && native_msi_program(d->bus << 8 | d->dev << 3 | d->fn, irq))
		mkx_exit(1);
}

int
main(void)
{
	struct mkx_platform platform;
	int via_platform = 0;
	struct mkx_pci_device d;
	struct mkx_io_mem bar;
	struct mkx_irq irq;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	struct edu_config c;
	char why[512];
	double total = 0;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	read_config(cfg, &c);
	if (c.type > 1) {
		mkx_error("edu has INTx and MSI only (irq_type 0 or 1)");
		mkx_exit(1);
	}
	if (c.probe[0]) {
		int err = mkx_irq_open(&irq, c.probe, why, sizeof why);

		mkx_log("IRQ of %s (not ours): %s: %s", c.probe, err ? strerror(-err) : "granted (BAD)", why);
		if (!err)
			mkx_exit(1);
	}
	if (cfg && check_refusals(cfg))
		mkx_exit(1);
	if (cfg && mkx_xml_attr_bool(cfg, "platform", 0) == 1) {
		via_platform = 1;
		if (from_platform(&platform, (unsigned)c.index, c.type == 0, &d, &bar, &irq))
			mkx_exit(1);
		c.type = irq.info.type;
	} else if (find_edu(&d, (unsigned)c.index, c.pci)) {
		mkx_error("no edu device (1234:11e8) %s in pci_devices", c.pci);
		mkx_exit(1);
	} else
		open_direct(&d, &c, &bar, &irq);
	identify(&d, &bar, &irq, &c, cfg && mkx_xml_attr_bool(cfg, "native", 0) == 1);
	clear_left_interrupt(&d, &bar, &irq);
	if (cfg && mkx_xml_attr_bool(cfg, "die", 0) == 1) {
		mkx_mmio_write32(&bar, EDU_IRQ_RAISE, 0x10000000);
		mkx_log("edu %s: %d interrupt(s) received; dying with it unacked", d.name,
		    mkx_irq_wait(&irq, (int)c.timeout_ms));
		raise(SIGKILL);
	}
	if (c.stall_ms)
		stall_unacked(&d, &bar, &irq, &c);
	if ((total = rounds(&irq, &bar, c.count, c.timeout_ms)) < 0)
		mkx_exit(1);
	if (check_once(&irq, &bar, (unsigned)c.type))
		mkx_exit(1);
	mkx_log("edu: %lu interrupts raised, received and acked; round trip %.1f us (mean)", c.count,
	    total / c.count * 1e6);
	/* Echoes (a shared UIO line, docs/irq.md) are dropped by libmkx; on a line of its own there are none. */
	mkx_log("edu: %s: %lu raised, %lu delivered, each once; ack %s; %u echoes dropped", type_names[c.type],
	    c.count, c.count, mkx_irq_ack_path(&irq), irq.echoes);
	if (irq.echoes)
		mkx_log("edu: %u wake-ups by other functions on the shared line while unacked, dropped", irq.echoes);
	if (cfg && mkx_xml_attr_bool(cfg, "also_rpc", 0) == 1)
		bench_ack_paths(&irq, &bar, &c);
	mkx_io_mem_close(&bar);
	mkx_irq_close(&irq);
	if (via_platform)
		mkx_platform_close(&platform);	/* the platform driver quiesces the device */
	mkx_exit(0);
}
