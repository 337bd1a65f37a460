/*
 * Test component: orders two components that must not touch config space at
 * the same time. <config after="devices" from="acpi" to="system"
 * wait_ms="60000"/>: waits until ROM `after` is published (a report of the
 * first component, e.g. our platform driver's devices report, written when
 * its walk is done), then publishes ROM `from` unchanged as report `to` (the
 * second component's input, e.g. Genode's pci_decode's "system" ROM) and
 * stays until it is stopped, so the report stays.
 * Why: our platform driver sizes BARs (decode off, all ones written) over
 * CF8/CFC while pci_decode reads the same BARs over ECAM; run side by side,
 * pci_decode read a BAR in the middle of a sizing probe (0xfffff000).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/report.h>
#include <mkx/rom.h>

/* Open ROM name once it is published, at most wait_ms. */
static int
rom_wait(struct mkx_rom *rom, const char *name, unsigned long wait_ms)
{
	unsigned long waited = 0;

	while (mkx_rom_try_open(rom, name)) {
		if (waited >= wait_ms) {
			mkx_error("ROM %s: not there after %lu ms", name, wait_ms);
			return -1;
		}
		usleep(50000);
		waited += 50;
	}
	return 0;
}

int
main(void)
{
	struct mkx_rom cfg_rom, after, from;
	struct mkx_report rep;
	struct mkx_xml *cfg;
	const char *a, *f, *t;
	unsigned long wait_ms = 60000;
	char why[256];

	if (mkx_env_init())
		return 1;
	if (!(cfg = mkx_config(&cfg_rom)) || !(a = mkx_xml_attr(cfg, "after")) || !(f = mkx_xml_attr(cfg, "from")) ||
	    !(t = mkx_xml_attr(cfg, "to"))) {
		mkx_error("config needs after=, from= and to=");
		return 1;
	}
	mkx_xml_attr_ulong(cfg, "wait_ms", 60000, &wait_ms);
	if (rom_wait(&after, a, wait_ms) || rom_wait(&from, f, wait_ms))
		return 1;
	mkx_rom_close(&after);
	if (mkx_report_open(&rep, t, why, sizeof why)) {
		mkx_error("Report \"%s\" denied: %s", t, why);
		return 1;
	}
	if (mkx_report_submit(&rep, from.data, from.size)) {
		mkx_error("Report \"%s\": submit failed", t);
		return 1;
	}
	mkx_log("ROM %s published: %s (%zu bytes) relayed as report %s", a, f, from.size, t);
	mkx_rom_close(&from);
	for (;;)
		pause();
}
