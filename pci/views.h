/*
 * Plain-text views of the tree for people and for comparison with
 * Linux's tools (docs/platform.md has the formats). Each view is a
 * section between "--- NAME ---" and "--- end ---".
 */
#ifndef PCI_VIEWS_H
#define PCI_VIEWS_H

#include <stdio.h>

#include "pci.h"

/* Every view: lspci -n, intx, bars, buses, caps, tree, notes (the order of the output). */
void	pci_views(FILE *, const struct pci_tree *);

#endif
