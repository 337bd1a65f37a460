/* The platform driver's parts that run only as a component of core. */
#ifndef PCI_COMPONENT_H
#define PCI_COMPONENT_H

#include <mkx/xml.h>

#include "acpi_info.h"
#include "pci.h"

/* devices_report.c: the "devices" report (Genode's format) of every function. */
void	pci_devices_publish(const struct pci_tree *, const struct pci_cfg *);
/* devices_report.c: platform_info said msi="true" (sessions number interrupts as the report does). */
int	pci_report_msi(void);
/* platform.c: serve Platform sessions by the <policy> nodes of conf. Returns when core ends us. */
void	pci_serve(struct pci_tree *, const struct pci_cfg *, struct mkx_xml *conf);

#endif
