/* Enabling a function for its driver and quiescing it afterwards (quiesce.c). */
#ifndef PCI_QUIESCE_H
#define PCI_QUIESCE_H

#include <stdint.h>

#include "pci.h"

/* Decode for its BARs and bus mastering on; the command register as read back. 0 or -errno. */
int	pci_fn_enable(const struct pci_cfg *, const struct pci_fn *, uint16_t *cmd);
/* Bus mastering and decode off, INTx disabled, MSI/MSI-X off; the command register read back. */
int	pci_fn_quiesce(const struct pci_cfg *, const struct pci_fn *, uint16_t *cmd);

#endif
