/* Publish the devices report (Report session "devices"): every function, with full info. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include <mkx/log.h>
#include <mkx/report.h>

#include "component.h"
#include "devices_xml.h"

void
pci_devices_publish(const struct pci_tree *t, const struct acpi_info *ai)
{
	static struct mkx_report rep;
	char *buf = NULL, why[256] = "";
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	int err;

	(void)ai;
	if (!o)
		return;
	/* Say what the <irq> nodes mean: MSI is decided per session, by what core can deliver. */
	fprintf(o, "<!-- <irq>: the function's INTx, routed from the acpi report's _PRT with the bridge swizzle. "
	    "A Platform session's interrupt is MSI-X, else MSI (capabilities below), where core can deliver it "
	    "(an IOMMU: VFIO), else this INTx -->\n");
	pci_devices_xml(o, t, NULL, NULL, 1, "");
	if (fclose(o)) {
		free(buf);
		return;
	}
	if ((err = mkx_report_open(&rep, "devices", why, sizeof why)))
		mkx_log("devices report not published: %s", why[0] ? why : "Report session denied");
	else if ((err = mkx_report_submit(&rep, buf, len)))
		mkx_log("devices report not published: submit failed (%d)", err);
	else
		mkx_log("devices report published: %u functions, %zu bytes", t->nfn, len);
	free(buf);
}
