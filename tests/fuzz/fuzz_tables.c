/*
 * libFuzzer target for the table parsers: the input is taken as one
 * table (MCFG, APIC, FACP, DMAR, HPET, RSDT/XSDT by its signature), as
 * a memory area to search for the RSDP, and as the report's input.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../acpi/parse.h"
#include "../../acpi/report.h"
#include "../../acpi/tables.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_info ai;
	static FILE *null;
	uint64_t addrs[64];
	char why[256];
	int x;
	uint8_t rev;

	if (!null)
		null = fopen("/dev/null", "w");
	memset(&ai, 0, sizeof ai);
	acpi_parse_table(&ai, data, size, why, sizeof why);
	table_check(data, size, why, sizeof why);
	acpi_root_entries(data, size, 0, addrs, 64, why, sizeof why);
	acpi_root_entries(data, size, 1, addrs, 64, why, sizeof why);
	acpi_find_rsdp(data, size, 0xe0000, &x, &rev);
	report_xml(null, &ai, NULL, null);
	return 0;
}
