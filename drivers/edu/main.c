/*
 * edu: the IRQ test driver. Finds QEMU's edu device in core's pci_devices
 * ROM, maps BAR0 (IO_MEM), takes its interrupt (IRQ), and runs `count`
 * rounds of: raise an interrupt through the device, wait for the signal,
 * read and acknowledge the device's status, ack the session. Measures the
 * round trip. Config: <config count="200" timeout_ms="2000" probe="00:02.0"/>
 * (probe: a function whose interrupt the policy does not grant: must be denied).
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
#include "regs.h"

static int
find_edu(struct mkx_pci_device *d)
{
	struct mkx_rom rom;
	struct mkx_xml *x;
	char err[128];
	int rc;

	if (mkx_rom_open(&rom, "pci_devices"))
		return -ENOENT;
	x = mkx_xml_parse(rom.data, rom.size, err, sizeof err);
	rc = x ? mkx_devices_find(x, EDU_VENDOR, EDU_DEVICE, 0, d) : -ENOENT;
	mkx_xml_free(x);
	mkx_rom_close(&rom);
	return rc;
}

int
main(void)
{
	struct mkx_pci_device d;
	struct mkx_io_mem bar;
	struct mkx_irq irq;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long count = 200, timeout_ms = 2000;
	char why[512], probe[16] = "";
	double t0, total = 0;
	uint32_t id;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (cfg) {
		unsigned long wait_ms = 0;

		mkx_xml_attr_ulong(cfg, "wait_ms", 0, &wait_ms);	/* benchmarks: let the reference run alone */
		usleep(wait_ms * 1000);
		mkx_xml_attr_ulong(cfg, "count", 200, &count);
		mkx_xml_attr_ulong(cfg, "timeout_ms", 2000, &timeout_ms);
		if (mkx_xml_attr(cfg, "probe"))
			snprintf(probe, sizeof probe, "%s", mkx_xml_attr(cfg, "probe"));
	}
	if (probe[0]) {
		int err = mkx_irq_open(&irq, probe, why, sizeof why);

		mkx_log("IRQ of %s (not ours): %s: %s", probe, err ? strerror(-err) : "granted (BAD)", why);
		if (!err)
			mkx_exit(1);
	}
	if (find_edu(&d)) {
		mkx_error("no edu device (1234:11e8) in pci_devices");
		mkx_exit(1);
	}
	/*
	 * BAR0 first: core hands out the interrupt source itself only to a
	 * client that holds every BAR it maps (UIO maps BAR0), else it forwards.
	 */
	if (mkx_io_mem_open(&bar, d.bar[0].address, 0x1000, 0, why, sizeof why)) {
		mkx_error("BAR0 of %s denied: %s", d.name, why);
		mkx_exit(1);
	}
	if (mkx_irq_open(&irq, d.name, why, sizeof why)) {
		mkx_error("IRQ of %s denied: %s", d.name, why);
		mkx_exit(1);
	}
	id = mkx_mmio_read32(&bar, EDU_ID);
	mkx_mmio_write32(&bar, EDU_LIVENESS, 0x12345678);
	mkx_log("edu %s: id 0x%08x, liveness %s, GSI %u", d.name, id,
	    mkx_mmio_read32(&bar, EDU_LIVENESS) == ~0x12345678u ? "ok" : "WRONG", irq.gsi);
	if ((id & 0xff) != 0xed) {
		mkx_error("not an edu device");
		mkx_exit(1);
	}
	for (unsigned long i = 0; i < count; i++) {
		uint32_t status;
		int n;

		t0 = mkx_now();
		mkx_mmio_write32(&bar, EDU_IRQ_RAISE, (uint32_t)(1u << (i % 31)));
		n = mkx_irq_wait(&irq, (int)timeout_ms);
		if (n <= 0) {
			mkx_error("interrupt %lu did not arrive within %lu ms (%d)", i, timeout_ms, n);
			mkx_exit(1);
		}
		status = mkx_mmio_read32(&bar, EDU_IRQ_STATUS);
		if (status != 1u << (i % 31)) {
			mkx_error("interrupt %lu: status 0x%x, expected 0x%x", i, status, 1u << (i % 31));
			mkx_exit(1);
		}
		mkx_mmio_write32(&bar, EDU_IRQ_ACK, status);
		mkx_irq_ack(&irq);
		total += mkx_now() - t0;
	}
	mkx_log("edu: %lu interrupts raised, received and acked; round trip %.1f us (mean)", count,
	    total / count * 1e6);
	mkx_log("bench: irq session %.1f us", total / count * 1e6);
	mkx_io_mem_close(&bar);
	mkx_irq_close(&irq);
	mkx_exit(0);
}
