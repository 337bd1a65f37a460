/* INTx routing from the acpi report (route.c). */
#ifndef PCI_ROUTE_H
#define PCI_ROUTE_H

#include "acpi_info.h"
#include "pci.h"

/*
 * Tie each _PRT of the report to the bus it routes (following its <prt>
 * chain through t's bridges), then route every function's interrupt pin
 * into f->intx; why not, in f->intx.how and a note. A _PRT whose chain
 * does not resolve is a note and not used.
 */
void	pci_route_all(const struct acpi_info *, struct pci_tree *);

#endif
