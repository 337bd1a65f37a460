/* Host mode and what it shares with the component. */
#ifndef PCI_HOST_H
#define PCI_HOST_H

#include <stdio.h>

#include "acpi_info.h"
#include "pci.h"

/*
 * `pci --dump DIR`: views of a checked-in dump on out, and when DIR holds a
 * platform.config, its policies replayed on the record (policy_replay.h).
 * 0, or 2 with the reason on stderr.
 */
int	pci_host_dump(const char *dir, FILE *out);
/* Root buses from the acpi report: root bridges (_BBN), else each MCFG window's first bus. */
void	pci_roots_from_acpi(struct pci_tree *, const struct acpi_info *);

/* Each function's ECAM page address (Genode's device_config_phys) from the MCFG windows. */
void	pci_set_ecam(struct pci_tree *, const struct acpi_info *);

#endif
