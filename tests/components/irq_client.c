/*
 * Test component for core's IRQ service on the sim back end: optionally
 * takes an IO_MEM grant (<config bar_base= bar_size=>), opens the IRQ
 * session of pci=, acks once to start (the sim device raises an interrupt
 * per unmask, as a busy device would), then waits and acks count times.
 * Logs how the interrupts came (the source fd itself or forwarded by
 * core) and exits 0 if all count arrived, one per ack, the way expect=
 * ("direct" or "forwarded") says.
 */
#include <stdio.h>
#include <string.h>

#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/irq.h>
#include <mkx/log.h>
#include <mkx/rom.h>

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	struct mkx_io_mem mem;
	struct mkx_irq irq;
	char pci[16] = "00:01.0", expect[16] = "forwarded", why[512];
	unsigned long count = 200, timeout = 3000, bar_base = 0, bar_size = 0, got = 0, extra = 0;
	int err;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (cfg) {
		if (mkx_xml_attr(cfg, "pci"))
			snprintf(pci, sizeof pci, "%s", mkx_xml_attr(cfg, "pci"));
		if (mkx_xml_attr(cfg, "expect"))
			snprintf(expect, sizeof expect, "%s", mkx_xml_attr(cfg, "expect"));
		mkx_xml_attr_ulong(cfg, "count", 200, &count);
		mkx_xml_attr_ulong(cfg, "timeout_ms", 3000, &timeout);
		mkx_xml_attr_ulong(cfg, "bar_base", 0, &bar_base);
		mkx_xml_attr_ulong(cfg, "bar_size", 0, &bar_size);
	}
	mkx_xml_free(cfg);
	if (bar_size && (err = mkx_io_mem_open(&mem, bar_base, bar_size, 0, why, sizeof why))) {
		mkx_error("IO_MEM 0x%lx+0x%lx denied: %s", bar_base, bar_size, why);
		mkx_exit(1);
	}
	if ((err = mkx_irq_open(&irq, pci, why, sizeof why))) {
		mkx_error("IRQ %s denied: %s", pci, why);
		mkx_exit(1);
	}
	mkx_log("IRQ %s (GSI %u): %s", pci, irq.gsi, irq.direct ? "direct" : "forwarded");
	if (mkx_irq_ack(&irq))
		mkx_exit(1);
	while (got < count) {
		int n = mkx_irq_wait(&irq, (int)timeout);

		if (n <= 0) {
			mkx_error("after %lu interrupts: %s", got, n ? strerror(-n) : "timeout");
			break;
		}
		got++;
		extra += (unsigned long)(n - 1);	/* more than one per ack: a double delivery */
		if (mkx_irq_ack(&irq))
			break;
	}
	mkx_log("%lu interrupts, %lu extra, %s", got, extra, irq.direct ? "direct" : "forwarded");
	mkx_irq_close(&irq);
	mkx_exit(got == count && !extra && !strcmp(expect, irq.direct ? "direct" : "forwarded") ? 0 : 1);
}
