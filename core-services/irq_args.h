/*
 * The IRQ session's arguments, Genode's and ours (irq_args.c):
 *   pci="BB:DD.F"                 ours: the function by name
 *   device_config_phys=0x...      Genode's: the function's ECAM page
 *   bdf=0x...                     Genode's routing id bus<<8|dev<<3|fn (0x10000: none)
 *   irq_number=N                  Genode's: legacy: the GSI; MSI/MSI-X: a handle only
 *   irq_type=0|1|2                Genode's: legacy, MSI, MSI-X
 *   irq_trigger=0|1|2, irq_polarity=0|1|2   Genode's: unchanged, level/high, edge/low
 *   vector=N                      ours: the MSI-X table entry (default 0)
 *   domain=N                      ours: the owner's IOMMU domain (VFIO; docs/dma.md)
 */
#ifndef IRQ_ARGS_H
#define IRQ_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "irq_backend.h"

#define IRQ_BDF_NONE	0x10000u	/* Genode's invalid bdf */

struct irq_args {
	int		has_pci;		/* pci= given: bdf */
	unsigned	pci_bdf;
	int		has_config_phys;
	uint64_t	config_phys;
	unsigned	rid;			/* bdf=, IRQ_BDF_NONE if absent */
	int		has_number;
	unsigned long	number;
	enum irq_type	type;
	unsigned	trigger, polarity;
	unsigned	vector;
	int		has_domain;
	unsigned	domain;
};

/*
 * Parse and check the arguments on their own (not against the machine).
 * 0, or -EINVAL with why naming the bad argument.
 */
int	irq_args_parse(const char *args, struct irq_args *, char *why, size_t whylen);

#endif
