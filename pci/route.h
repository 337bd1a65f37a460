/* INTx routing from the acpi report (route.c). */
#ifndef PCI_ROUTE_H
#define PCI_ROUTE_H

#include "acpi_info.h"
#include "pci.h"

/* Route f's interrupt pin into f->intx; why not, in f->intx.how and a note. */
void	pci_route_intx(const struct acpi_info *, struct pci_tree *, struct pci_fn *f);
void	pci_route_all(const struct acpi_info *, struct pci_tree *);

#endif
