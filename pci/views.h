/*
 * Plain-text views of the tree for people and for comparison with
 * Linux's tools (docs/platform.md has the formats). Each view is a
 * section between "--- NAME ---" and "--- end ---".
 */
#ifndef PCI_VIEWS_H
#define PCI_VIEWS_H

#include <stdio.h>

#include "pci.h"

void	pci_view_lspci_n(FILE *, const struct pci_tree *);	/* --- lspci -n --- */
void	pci_view_intx(FILE *, const struct pci_tree *);		/* --- intx --- */
void	pci_view_bars(FILE *, const struct pci_tree *);		/* --- bars --- */
void	pci_view_caps(FILE *, const struct pci_tree *);		/* --- caps --- */
void	pci_view_buses(FILE *, const struct pci_tree *);	/* --- buses --- */
void	pci_view_tree(FILE *, const struct pci_tree *);		/* --- tree --- */
void	pci_view_notes(FILE *, const struct pci_tree *);	/* --- notes --- */
/* All of them, in that order. */
void	pci_views(FILE *, const struct pci_tree *);

#endif
