/*
 * The acpi report (docs/acpi.md): Genode's acpi report elements (sci_int,
 * reset, table, root_bridge, bdf, irq_override, ioapic, drhd, rmrr, routing) in
 * XML, our routing carrying trigger, polarity and the link device; and
 * the same routing as plain text lines for comparing with other tools.
 */
#ifndef ACPI_REPORT_H
#define ACPI_REPORT_H

#include <stdio.h>
#include "aml/aml.h"
#include "parse.h"

#define REPORT_TABLES_MAX	128

/*
 * A table read from memory, for Genode's <table name addr size> (the acpi
 * component notes each one; tables from files have no address and none).
 * A table noted twice (same address) is kept once.
 */
void	report_table(const char *sig, uint64_t addr, uint32_t size);

/* ns may be NULL (tables only). Returns the number of _PRTs that failed. */
int	report_xml(FILE *out, const struct acpi_info *, struct aml_ns *, FILE *err_log);

/*
 * One line per routed slot/pin, sorted by the caller if wanted:
 *   <bridge path> <bridge bdf|-> <slot> <INTA..INTD> <gsi> <level|edge> <low|high> [<link path>]
 * or "... unrouted <reason>".
 */
int	report_routing_text(FILE *out, struct aml_ns *, FILE *err_log);

/* _HID or _CID is PNP0A03/PNP0A08. */
int	acpi_is_root_bridge(struct aml_ns *, struct aml_node *dev);

#endif
