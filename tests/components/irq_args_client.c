/*
 * Test component for core's IRQ service on the sim back end with
 * Genode's arguments (issue 12): for each <session args=... count=.../>
 * it opens an IRQ session through libmkx, checks INFO against expect=
 * ("legacy" or "msi": then an MSI message 0xfee..... must be there), acks
 * by RPC to start (the sim raises one interrupt per unmask; MSI needs no
 * ack, so the RPC ack drives the sim), and takes count interrupts, each
 * exactly once. Each <refuse args=.../> must be refused. Exit 0 if all held.
 */
#include <stdio.h>
#include <string.h>

#include <mkx/env.h>
#include <mkx/irq.h>
#include <mkx/log.h>
#include <mkx/rom.h>

static int
run_session(const struct mkx_xml *n)
{
	const char *args = mkx_xml_attr(n, "args"), *expect = mkx_xml_attr(n, "expect");
	unsigned long count = 100;
	struct mkx_irq irq;
	char why[512];
	int msi = expect && !strcmp(expect, "msi"), err;

	mkx_xml_attr_ulong(n, "count", 100, &count);
	if ((err = mkx_irq_open_args(&irq, args ? args : "", MKX_IRQ_ACK_RPC, why, sizeof why))) {
		mkx_error("{%s}: refused: %s", args, why);
		return 1;
	}
	if (msi != (irq.info.info_type == 1) || (msi && (irq.info.address & 0xfff00000) != 0xfee00000)) {
		mkx_error("{%s}: INFO type %u address 0x%llx, expected %s", args, irq.info.info_type,
		    (unsigned long long)irq.info.address, msi ? "an MSI message" : "INVALID (legacy)");
		return 1;
	}
	mkx_irq_ack(&irq);
	for (unsigned long i = 0; i < count; i++) {
		int got = mkx_irq_wait(&irq, 3000);

		if (got != 1) {
			mkx_error("{%s}: interrupt %lu: %d deliveries, expected 1", args, i, got);
			return 1;
		}
		mkx_irq_ack(&irq);
	}
	mkx_log("{%s}: %lu interrupts, each once; INFO type %u address 0x%llx value 0x%llx, GSI %u, %s", args, count,
	    irq.info.info_type, (unsigned long long)irq.info.address, (unsigned long long)irq.info.value, irq.gsi,
	    irq.direct ? "source fd" : "forwarded by core");
	mkx_irq_close(&irq);
	return 0;
}

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	int bad = 0;

	if (mkx_env_init())
		return 1;
	if (!(cfg = mkx_config(&rom))) {
		mkx_error("no config");
		mkx_exit(1);
	}
	for (struct mkx_xml *n = mkx_xml_child(cfg, "refuse"); n; n = mkx_xml_next(n, "refuse")) {
		struct mkx_irq irq;
		char why[512];
		int err = mkx_irq_open_args(&irq, mkx_xml_attr(n, "args") ? mkx_xml_attr(n, "args") : "",
		    MKX_IRQ_ACK_AUTO, why, sizeof why);

		if (!err) {
			mkx_error("{%s}: granted, must be refused", mkx_xml_attr(n, "args"));
			mkx_irq_close(&irq);
			bad = 1;
		} else
			mkx_log("{%s}: refused: %s", mkx_xml_attr(n, "args"), why);
	}
	for (struct mkx_xml *n = mkx_xml_child(cfg, "session"); n; n = mkx_xml_next(n, "session"))
		bad |= run_session(n);
	mkx_xml_free(cfg);	/* LeakSanitizer checks the host tests */
	mkx_rom_close(&rom);
	mkx_exit(bad);
}
