/*
 * Test driver for Platform sessions (the platform driver, pci/): lists its
 * devices document, tries a device outside its policy, acquires its
 * device (waiting while another driver holds it), maps BAR0 through the
 * session and checks QEMU edu's identification and liveness registers,
 * then releases it, or dies by SIGKILL holding it.
 * With irq_rounds="N" it also takes the device's INTx through the session
 * and raises N edu interrupts (0x60), each to be delivered once and acked
 * (status 0x24, acknowledge 0x64).
 * <config device="00:03.0" foreign="00:04.0" delay_ms="0" hold_ms="0" die="no" wait_ms="20000"
 *         irq_rounds="0" kind="edu|e1000e" release_keep="no"/>
 * kind="plain": no device-specific check (any device with a BAR0).
 * reset_check="OFF:VALUE" (hex): then write VALUE to BAR0+OFF, read it back,
 * unmap, release, acquire again and read OFF: an independent look at
 * whether the release reset the device (a register the reset clears).
 * release_keep="yes": release the device right after the check but keep
 * BAR0 mapped (a client breaking its promise): the platform driver must
 * refuse the device to others while the mapping lives.
 * kind="e1000e": instead of edu's registers, compare STATUS through the I/O BAR (an IO_PORT
 * session handed over by the platform driver) with STATUS through BAR0.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/log.h>
#include <mkx/platform.h>
#include <mkx/rom.h>

/*
 * An e1000e's I/O BAR through the session: the IOADDR/IODATA window
 * (BAR2 offsets 0 and 4) must read the same STATUS register (0x08) as
 * BAR0's MMIO.
 */
static int
e1000e_io(struct mkx_platform *p, const char *dev, struct mkx_io_mem *bar)
{
	struct mkx_io_port io;
	char why[256] = "";
	uint32_t via_io = 0, via_mmio;
	int err;

	if ((err = mkx_platform_io_port(p, dev, 0, &io, why, sizeof why))) {
		mkx_error("I/O port resource 0 of %s: %s", dev, why);
		return err;
	}
	if ((err = mkx_io_port_out(&io, io.base, 4, 0x08)) || (err = mkx_io_port_in(&io, io.base + 4, 4, &via_io))) {
		mkx_error("IOADDR/IODATA: %s", strerror(-err));
		mkx_io_port_close(&io);
		return err;
	}
	via_mmio = mkx_mmio_read32(bar, 0x08);
	mkx_log("%s: I/O BAR 0x%x+0x%x through the platform session: STATUS via IOADDR/IODATA 0x%08x, via MMIO "
	    "0x%08x: %s", dev, io.base, io.size, via_io, via_mmio, via_io == via_mmio ? "equal" : "DIFFERENT");
	mkx_io_port_close(&io);
	return via_io == via_mmio ? 0 : -EIO;
}

/* edu's interrupt through the platform session: raise, wait, clear, ack; each delivered once. */
static int
irq_rounds(struct mkx_platform *p, const char *dev, struct mkx_io_mem *bar, unsigned long rounds)
{
	struct mkx_irq irq;
	char why[256] = "";
	unsigned long got = 0;
	int err;

	if ((err = mkx_platform_irq(p, dev, 0, &irq, why, sizeof why))) {
		mkx_error("IRQ of %s: %s", dev, why);
		return err;
	}
	for (unsigned long i = 0; i < rounds; i++) {
		uint32_t status;

		mkx_mmio_write32(bar, 0x60, 1u << (i % 8));
		if (mkx_irq_wait(&irq, 2000) < 1)
			break;
		status = mkx_mmio_read32(bar, 0x24);
		mkx_mmio_write32(bar, 0x64, status);
		mkx_irq_ack(&irq);
		got++;
		if (mkx_irq_wait(&irq, 0) > 0) {	/* nothing more may come for this round */
			mkx_error("round %lu: an interrupt delivered twice", i);
			break;
		}
	}
	mkx_log("INTx of %s through the platform session (GSI %u, ack %s): %lu raised, %lu delivered, each once",
	    dev, irq.gsi, mkx_irq_ack_path(&irq), rounds, got);
	mkx_irq_close(&irq);
	return got == rounds ? 0 : -EIO;
}

/*
 * Did the release reset the device? A register it takes and a reset
 * clears, written before the release and read after acquiring again.
 */
static int
reset_check(struct mkx_platform *p, const char *dev, struct mkx_io_mem *bar, const char *spec)
{
	unsigned long off, val;
	uint32_t before, after;
	char why[256] = "", *end;
	int err;

	off = strtoul(spec, &end, 16);
	if (*end != ':' || (val = strtoul(end + 1, &end, 16), *end) || off % 4 ||
	    off + 4 > bar->ds.length - bar->ds.page_offset) {
		mkx_error("reset_check=\"%s\": not OFF:VALUE (hex, OFF a 4-aligned offset in BAR0)", spec);
		return -EINVAL;
	}
	mkx_mmio_write32(bar, off, (uint32_t)val);
	before = mkx_mmio_read32(bar, off);
	mkx_io_mem_close(bar);
	if ((err = mkx_platform_release(p, dev)) || (err = mkx_platform_acquire(p, dev, why, sizeof why)) ||
	    (err = mkx_platform_io_mem(p, dev, 0, bar, why, sizeof why))) {
		mkx_error("release and acquire %s again: %s", dev, why[0] ? why : strerror(-err));
		return err;
	}
	after = mkx_mmio_read32(bar, off);
	mkx_log("%s BAR0+0x%lx: wrote 0x%08lx, read 0x%08x; after release and acquire again 0x%08x: %s", dev, off,
	    val, before, after, before != (uint32_t)val ? "register did not take the value" :
	    after == (uint32_t)val ? "kept (not reset)" : "cleared by the reset");
	return 0;
}

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	struct mkx_platform p;
	struct mkx_io_mem bar, none;
	char dev[16] = "00:03.0", foreign[16] = "", why[256] = "", names[256] = "", *xml;
	unsigned long delay_ms = 0, hold_ms = 0, wait_ms = 20000, waited = 0, rounds = 0;
	int die = 0, err, e1000e = 0, keep = 0;
	char busy_why[256] = "", rcheck[64] = "";
	int plain = 0;
	size_t len, used = 0;
	uint32_t id, live;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom))) {
		if (mkx_xml_attr(cfg, "device"))
			snprintf(dev, sizeof dev, "%s", mkx_xml_attr(cfg, "device"));
		if (mkx_xml_attr(cfg, "foreign"))
			snprintf(foreign, sizeof foreign, "%s", mkx_xml_attr(cfg, "foreign"));
		mkx_xml_attr_ulong(cfg, "delay_ms", 0, &delay_ms);
		mkx_xml_attr_ulong(cfg, "hold_ms", 0, &hold_ms);
		mkx_xml_attr_ulong(cfg, "wait_ms", 20000, &wait_ms);
		mkx_xml_attr_ulong(cfg, "irq_rounds", 0, &rounds);
		die = mkx_xml_attr_bool(cfg, "die", 0) == 1;
		keep = mkx_xml_attr_bool(cfg, "release_keep", 0) == 1;
		e1000e = mkx_xml_attr(cfg, "kind") && !strcmp(mkx_xml_attr(cfg, "kind"), "e1000e");
		plain = mkx_xml_attr(cfg, "kind") && !strcmp(mkx_xml_attr(cfg, "kind"), "plain");
		if (mkx_xml_attr(cfg, "reset_check"))
			snprintf(rcheck, sizeof rcheck, "%s", mkx_xml_attr(cfg, "reset_check"));
		mkx_xml_free(cfg);
	}
	if ((err = mkx_platform_open(&p, "drv", why, sizeof why))) {
		mkx_error("Platform session: %s", why);
		mkx_exit(1);
	}
	if ((err = mkx_platform_devices(&p, &xml, &len))) {
		mkx_error("devices document: %s", strerror(-err));
		mkx_exit(1);
	}
	for (const char *q = xml; (q = strstr(q, "<device name=\"")) && used < sizeof names - 16; q++)
		used += (size_t)snprintf(names + used, sizeof names - used, "%s%.7s", used ? " " : "", q + 14);
	mkx_log("devices document: %s (%zu bytes, %s)", names, len, strstr(xml, "phys_addr=") ? "with addresses" :
	    "without addresses");
	free(xml);
	if (foreign[0]) {
		err = mkx_platform_acquire(&p, foreign, why, sizeof why);
		mkx_log("acquire %s %s: %s", foreign, err ? "refused" : "GRANTED", err ? why : "outside the policy!");
		if (!err)
			mkx_exit(1);
	}
	usleep((useconds_t)delay_ms * 1000);
	while ((err = mkx_platform_acquire(&p, dev, why, sizeof why)) == -EBUSY && waited < wait_ms) {
		if (strcmp(busy_why, why)) {	/* each new reason once */
			mkx_log("acquire %s busy: %s; waiting", dev, why);
			snprintf(busy_why, sizeof busy_why, "%s", why);
		}
		usleep(100000);
		waited += 100;
	}
	if (err) {
		mkx_error("acquire %s: %s", dev, why);
		mkx_exit(1);
	}
	if ((err = mkx_platform_io_mem(&p, dev, 0, &bar, why, sizeof why))) {
		mkx_error("%s memory resource 0: %s", dev, why);
		mkx_exit(1);
	}
	if (e1000e || plain) {
		err = e1000e ? e1000e_io(&p, dev, &bar) : 0;
		if (plain)
			mkx_log("acquired %s: BAR0 through the platform session (%llu bytes): first register 0x%08x", dev,
			    (unsigned long long)bar.ds.length, mkx_mmio_read32(&bar, 0x00));
		if (!err && rcheck[0])
			err = reset_check(&p, dev, &bar, rcheck);
		mkx_exit(err ? 1 : 0);
	}
	id = mkx_mmio_read32(&bar, 0x00);
	mkx_mmio_write32(&bar, 0x04, 0x12345678);
	live = mkx_mmio_read32(&bar, 0x04);
	mkx_log("acquired %s: BAR0 through the platform session: ident 0x%08x, liveness %s", dev, id,
	    live == ~0x12345678u ? "ok" : "WRONG");
	err = mkx_platform_io_mem(&p, dev, 1, &none, why, sizeof why);
	mkx_log("memory resource 1 of %s: %s", dev, err ? why : "granted?!");
	if (rounds && irq_rounds(&p, dev, &bar, rounds))
		mkx_exit(1);
	if (keep) {
		err = mkx_platform_release(&p, dev);
		/* The mapping stays; what it reads depends on what the release left decoding. */
		mkx_log("released %s%s, BAR0 still mapped: reads 0x%08x", dev, err ? " (refused?!)" : "",
		    mkx_mmio_read32(&bar, 0x00));
	}
	usleep((useconds_t)hold_ms * 1000);
	if (die) {
		mkx_log("dying by SIGKILL while %s %s", keep ? "still mapping BAR0 of" : "holding", dev);
		kill(getpid(), SIGKILL);
	}
	mkx_io_mem_close(&bar);
	mkx_platform_release(&p, dev);
	mkx_platform_close(&p);
	mkx_log("released %s", dev);
	mkx_exit(id == 0x010000ed && live == ~0x12345678u ? 0 : 1);
}
