/* Comparing two walks of one machine (compare.c). */
#ifndef PCI_COMPARE_H
#define PCI_COMPARE_H

#include <stddef.h>

#include "pci.h"

/* 0 if a and b (both sorted) agree on what conf1 reaches; else -1 with the first difference. */
int	pci_tree_compare(const struct pci_tree *a, const struct pci_tree *b, char *why, size_t whylen);

#endif
