/*
 * conf1 through core (conf1_port.c): the IO_PORT session of 0xCF8-0xCFF,
 * which core emulates and polices per function by <pci_config>, with its
 * config requests (one request per access, a range of dwords per read).
 * Both platform drivers use it: `pci` to walk where there is no ECAM,
 * `platform` for the functions it hands out (bus master, quiesce, reset).
 */
#ifndef PCI_CONF1_PORT_H
#define PCI_CONF1_PORT_H

#include "cfg.h"

/*
 * Open it, trying `tries` times 100 ms apart while another component
 * (acpi, just after its report) still holds it. walk: 1 for an
 * enumeration (reads from snapshots until pci_conf1_walk_done). 0, or
 * -errno with why.
 */
int	pci_conf1_open(struct pci_cfg *cfg, int walk, unsigned tries, char *why, size_t whylen);
/* The enumeration is over: every read is its own request from now on. */
void	pci_conf1_walk_done(void);
void	pci_conf1_close(void);

#endif
