/*
 * PCI_Config regions against a simulated config space (issue 11 finding
 * 5): a bridge at 00:1c.0 (primary bus 0, secondary bus 3) with a device
 * 03:00.0 below it; register 0x40 reads 0x5a on 03:00.0 and 0x11 on
 * 00:00.0. Loads the table given (tables/pci_region.asl compiled), calls
 * its methods, prints one result line per check.
 *   pci_region DSDT.aml
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aml/aml.h"

static uint64_t last_addr;

static int
cfg_read(void *ctx, uint8_t space, uint64_t addr, unsigned width, uint64_t *v)
{
	unsigned bdf = (unsigned)(addr >> 16), reg = (unsigned)(addr & 0xffff);

	(void)ctx, (void)width;
	*v = 0;
	if (space != 2)
		return 0;
	last_addr = addr;
	if (bdf == (0x00 << 8 | 0x1c << 3)) {		/* the bridge 00:1c.0 */
		*v = reg == 0x0e ? 0x81 : reg == 0x18 ? 0 : reg == 0x19 ? 3 : 0;
		return 0;
	}
	if (bdf == 0x300 && reg == 0x40)
		*v = 0x5a;
	if (bdf == 0 && reg == 0x40)
		*v = 0x11;
	return 0;
}

static int
cfg_write(void *ctx, uint8_t space, uint64_t addr, unsigned width, uint64_t v)
{
	(void)ctx, (void)space, (void)addr, (void)width, (void)v;
	return 0;
}

static const struct aml_region_ops cfg_ops = { "simulated config space", cfg_read, cfg_write, NULL };

static int
call(struct aml_ns *ns, const char *path, uint64_t *v, char *err, size_t errlen)
{
	struct aml_node *n = aml_lookup(ns, path);
	struct aml_obj *r;
	int rc;

	if (!n) {
		snprintf(err, errlen, "%s not found", path);
		return -1;
	}
	rc = aml_eval(ns, n, NULL, 0, &r, err, errlen);
	if (!rc)
		*v = r && r->type == AML_INT ? r->i : ~0ull;
	return rc;
}

int
main(int argc, char **argv)
{
	static uint8_t table[1 << 16];
	char err[512];
	uint64_t v = 0;
	size_t len;
	FILE *f;
	struct aml_ns *ns;
	int rc;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: pci_region DSDT.aml\n");
		return 2;
	}
	len = fread(table, 1, sizeof table, f);
	fclose(f);
	ns = aml_ns_new(&cfg_ops, 0);
	if (!ns || aml_load_table(ns, table, len, "DSDT", err, sizeof err)) {
		printf("FAIL - acpi_pci_region_behind_bridge: load: %s\n", ns ? err : "no memory");
		printf("FAIL - acpi_pci_region_extended: not run\n");
		printf("FAIL - acpi_pci_region_far: not run\n");
		aml_ns_free(ns);
		return 1;
	}
	rc = call(ns, "\\_SB.PCI0.RP01.DEV0.RDV", &v, err, sizeof err);
	if (rc || v != 0x5a)
		printf("FAIL - acpi_pci_region_behind_bridge: read 0x%llx at %04llx (%s)\n", (unsigned long long)v,
		    (unsigned long long)(last_addr >> 16), rc ? err : "want 0x5a from 03:00.0");
	else if (call(ns, "\\_SB.PCI0.RDH", &v, err, sizeof err) || v != 0x11)
		printf("FAIL - acpi_pci_region_behind_bridge: the root bridge's own region read 0x%llx, want 0x11\n",
		    (unsigned long long)v);
	else
		printf("ok - acpi_pci_region_behind_bridge (03:00.0 through the bridge's secondary bus, 00:00.0 for the root)\n");
	rc = call(ns, "\\_SB.PCI0.RP01.DEV0.RDX", &v, err, sizeof err);
	if (rc || last_addr != (0x300ull << 16 | 0x100))
		printf("FAIL - acpi_pci_region_extended: backend saw 0x%llx, want register 0x100 of 03:00.0 (%s)\n",
		    (unsigned long long)last_addr, rc ? err : "aliased?");
	else
		printf("ok - acpi_pci_region_extended (register 0x100 reaches the backend unmasked)\n");
	rc = call(ns, "\\_SB.PCI0.RP01.DEV0.RDF", &v, err, sizeof err);
	if (!rc || !strstr(err, "beyond any configuration space"))
		printf("FAIL - acpi_pci_region_far: offset 0x10000 %s\n", rc ? err : "was accepted");
	else
		printf("ok - acpi_pci_region_far (\"%.90s\")\n", err);
	aml_ns_free(ns);
	return 0;
}
