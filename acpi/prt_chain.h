/*
 * Where a _PRT's device sits on PCI, as far as ACPI can say it: the root
 * bridge it is below (its _SEG and _BBN) and the _ADR of each device from
 * that root bridge down to the _PRT's device. The bus numbers behind the
 * bridges on the way live in config space, which the acpi component does
 * not walk: the platform driver follows the chain there (docs/acpi.md).
 */
#ifndef ACPI_PRT_CHAIN_H
#define ACPI_PRT_CHAIN_H

#include <stdint.h>

#include "aml/aml.h"

#define PRT_CHAIN_MAX 16	/* devices below the root bridge; deeper is reported, not followed */

struct prt_chain {
	struct aml_node	*root;			/* the nearest root bridge at or above the device */
	unsigned	seg, bus;		/* its _SEG (default 0) and _BBN (default 0) */
	unsigned	n;			/* devices from the root bridge (exclusive) down */
	struct aml_node	*dev[PRT_CHAIN_MAX];
	uint32_t	adr[PRT_CHAIN_MAX];	/* their _ADR: device << 16 | function */
};

/*
 * The chain of dev (the _PRT's parent). 0, or -EINVAL with why naming the
 * device and what is wrong (not below a root bridge, a device on the way
 * without _ADR, an _ADR that names no single function, _SEG/_BBN broken).
 */
int	prt_chain(struct aml_ns *, struct aml_node *dev, struct prt_chain *, char *why, size_t whylen);

/* _SEG and _BBN of a root bridge (absent: 0). 0, or -EINVAL with why. */
int	acpi_root_bridge_numbers(struct aml_ns *, struct aml_node *root, unsigned *seg, unsigned *bus, char *why,
	    size_t whylen);

#endif
