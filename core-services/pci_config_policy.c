/*
 * The config-space policy (<pci_config> in core's config): which PCI
 * functions a session label may reach through config access, and whether
 * it may write. It is one predicate over (label, function), so every
 * access path asks the same question: the CF8/CFC emulation of
 * service_io_port.c today, ECAM grants (IO_MEM) later. A function no
 * policy names is absent for that label (reads give all ones); a write
 * also needs that no other component holds a BAR, the IRQ or the DMA
 * session of the function, since a config write can move a BAR, turn off
 * its decoding or bus mastering, or mask its interrupt under its holder.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/pci_class.h>

#include "core.h"

/*
 * class= takes the one class-alias table of mkx (mkx/pci_class.h), which
 * the platform driver's <pci class=> uses too: Genode's names, or 0xCC,
 * 0xCCSS, 0xCCSSPP.
 */
int
pci_class_parse(const char *s, uint32_t *class, uint32_t *mask)
{
	return mkx_pci_class_parse(s, class, mask);
}

static int
policy_names(const struct pci_config_policy *p, unsigned bdf, pci_ident_fn ident,
    struct pci_fn_ident *id, int *have_id)
{
	switch (p->match) {
	case PCI_CONFIG_ALL:
		return 1;
	case PCI_CONFIG_BDF:
		return p->bdf == bdf;
	default:
		break;
	}
	if (!*have_id)
		*have_id = ident && ident(bdf, id) == 0 ? 1 : -1;
	if (*have_id < 0)
		return 0;	/* absent or unreadable: nothing to match a class or ID against */
	if (p->match == PCI_CONFIG_CLASS)
		return mkx_pci_class_match(p->class, p->class_mask, id->class);
	return id->vendor == p->vendor && id->device == p->device;
}

enum pci_config_access
pci_config_access(const struct core_config *cfg, const char *label, unsigned bdf, pci_ident_fn ident)
{
	enum pci_config_access best = PCI_CONFIG_NONE;
	struct pci_fn_ident id;
	int have_id = 0;

	for (unsigned i = 0; i < cfg->npci_config && best != PCI_CONFIG_WRITE; i++) {
		const struct pci_config_policy *p = &cfg->pci_config[i];

		if (!label_matches(p->label, p->label_prefix, label) ||
		    !policy_names(p, bdf, ident, &id, &have_id))
			continue;
		if (p->write)
			best = PCI_CONFIG_WRITE;
		else
			best = PCI_CONFIG_READ;
	}
	return best;
}

int
pci_config_may_write(const struct core_config *cfg, const struct child *client, const char *label,
    unsigned bdf, pci_ident_fn ident, char *why, size_t whylen)
{
	enum pci_config_access a = pci_config_access(cfg, label, bdf, ident);
	const char *holder;

	if (a != PCI_CONFIG_WRITE) {
		snprintf(why, whylen, "the <pci_config> policy grants %s", a == PCI_CONFIG_READ ?
		    "reads only" : "no access to this function");
		return -EPERM;
	}
	holder = io_mem_function_holder(bdf, client);
	if (holder) {
		snprintf(why, whylen, "\"%s\" holds a BAR of this function", holder);
		return -EPERM;
	}
	holder = irq_function_holder(bdf, client);
	if (holder) {
		snprintf(why, whylen, "\"%s\" holds the IRQ of this function", holder);
		return -EPERM;
	}
	/*
	 * A DMA holder's device reaches memory core gave it by bus address: a
	 * write could move its BARs, turn bus mastering off under it or on
	 * again after core turned it off, or aim its MSI elsewhere.
	 */
	holder = dma_function_holder(bdf, client);
	if (holder) {
		snprintf(why, whylen, "\"%s\" holds the DMA session of this function", holder);
		return -EPERM;
	}
	return 0;
}

const struct pci_config_policy *
pci_config_unbind_policy(const struct core_config *cfg, unsigned bdf, pci_ident_fn ident)
{
	struct pci_fn_ident id;
	int have_id = 0;

	for (unsigned i = 0; i < cfg->npci_config; i++)
		if (cfg->pci_config[i].unbind && policy_names(&cfg->pci_config[i], bdf, ident, &id, &have_id))
			return &cfg->pci_config[i];
	return NULL;
}
