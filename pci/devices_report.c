/*
 * Publish the devices report (Report session "devices") as Genode's
 * pci_decode writes it (devices_xml.c), with what pci_decode reads besides
 * config space: core's platform_info (<kernel acpi msi>) and the acpi
 * report (overrides, RMRRs, IOAPICs, DRHDs, the SCI). The start-up
 * quirks (quirks_start.c) run first.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include <mkx/log.h>
#include <mkx/report.h>
#include <mkx/rom.h>

#include "component.h"
#include "devices_xml.h"
#include "opregion.h"
#include "quirks.h"

/* A ROM parsed, or NULL (not there, or not XML: said in the log). */
static struct mkx_xml *
rom_xml(const char *name)
{
	struct mkx_rom rom;
	struct mkx_xml *x;
	char err[160] = "";

	if (mkx_rom_try_open(&rom, name))
		return NULL;
	x = mkx_xml_parse(rom.data, rom.size, err, sizeof err);
	if (!x)
		mkx_log("devices report: ROM %s unreadable: %s", name, err);
	mkx_rom_close(&rom);
	return x;
}

static int report_msi;

int
pci_report_msi(void)
{
	return report_msi;
}

void
pci_devices_publish(const struct pci_tree *t, const struct pci_cfg *cfg)
{
	static struct mkx_report rep;
	struct mkx_xml *info = rom_xml("platform_info"), *acpi = rom_xml("acpi");
	const struct mkx_xml *kernel = info ? mkx_xml_child(info, "kernel") : NULL;
	struct pci_report_in in = { cfg, 0, 0, acpi, 0 };
	char *buf = NULL, why[256] = "";
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	int err;

	/*
	 * The platform's start-up quirks (USB legacy handoff) before anything
	 * is published: as Genode's platform driver applies them to every
	 * device before it serves one.
	 */
	pci_quirks_start(t, cfg);
	/* pci_decode: without <kernel acpi="true"> no overrides, without msi="true" no MSI. */
	in.acpi = kernel && mkx_xml_attr_bool(kernel, "acpi", 0) == 1;
	in.msi = kernel && mkx_xml_attr_bool(kernel, "msi", 0) == 1;
	report_msi = in.msi;
	for (unsigned i = 0; i < t->nfn; i++) {
		uint32_t asls = pci_igd_opregion(&t->fn[i], cfg);

		if (asls && asls != 0xffffffffu)	/* pci_decode maps the OpRegion to size it */
			in.opregion_size = pci_opregion_size_live(asls);
	}
	if (o) {
		pci_devices_report(o, t, &in);
		if (fclose(o)) {
			free(buf);
			buf = NULL;
		}
	}
	mkx_xml_free(info);
	mkx_xml_free(acpi);
	if (!buf)
		return;
	if ((err = mkx_report_open(&rep, "devices", why, sizeof why)))
		mkx_log("devices report not published: %s", why[0] ? why : "Report session denied");
	else if ((err = mkx_report_submit(&rep, buf, len)))
		mkx_log("devices report not published: submit failed (%d)", err);
	else
		mkx_log("devices report published: %u functions, %zu bytes (platform_info: acpi %s, msi %s)", t->nfn,
		    len, in.acpi ? "yes" : "no", in.msi ? "yes" : "no");
	free(buf);
}
