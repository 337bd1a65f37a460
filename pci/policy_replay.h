/*
 * Offline replay of the platform driver's policies (policy_replay.c): what
 * each <policy> of a config would give on a recorded machine, and what the
 * platform driver would refuse there and why. docs/platform.md has the
 * text form.
 */
#ifndef PCI_POLICY_REPLAY_H
#define PCI_POLICY_REPLAY_H

#include <stdio.h>

#include <mkx/xml.h>

#include "pci.h"

/*
 * Print the "--- policies ---" section for conf's policies on t (sorted,
 * routed). 0, or -EINVAL with why (a policy the platform driver would
 * refuse to read: the same words as pci_policies_read's).
 */
int	pci_policy_replay(FILE *, const struct pci_tree *, const struct mkx_xml *conf, char *why, size_t whylen);

#endif
