/*
 * PCI class names as Genode's platform driver knows them (its
 * pci_class_code_alias in repos/os/src/driver/platform/pci.cc), one table
 * for every reader of a class= attribute in mkx: core's <pci_config>
 * policies and the platform driver's <pci class=> policies.
 *
 * A function's class has one alias at most (Genode: the first table entry
 * whose base class, subclass and prog-if match, wildcards allowed; "ALL"
 * when none does), and a policy's class="NAME" gives the functions whose
 * alias is exactly NAME (case matters, as in Genode). Ours on top: the
 * name HOSTBRIDGE (0x06/0x00), and numbers 0xCC, 0xCCSS, 0xCCSSPP giving
 * the base class, with the subclass, with the prog-if.
 */
#ifndef MKX_PCI_CLASS_H
#define MKX_PCI_CLASS_H

#include <stdint.h>

/* A parsed alias: class = MKX_PCI_CLASS_ALIAS | table index, mask = 0. */
#define MKX_PCI_CLASS_ALIAS	0x1000000u

/* A class= value: 0 with (class, mask) for mkx_pci_class_match, or -EINVAL. */
int		mkx_pci_class_parse(const char *s, uint32_t *class, uint32_t *mask);
/* Does a function's class match what mkx_pci_class_parse gave? */
int		mkx_pci_class_match(uint32_t class, uint32_t mask, uint32_t fn_class);
/* "AHCI, AUDIO, ..." : every name mkx_pci_class_parse takes, for messages. */
const char	*mkx_pci_class_names(void);

#endif
