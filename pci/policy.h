/*
 * The platform driver's <config> policies, in Genode's vocabulary and with
 * Genode's selection (repos/os/include/os/session_policy.h):
 *   <policy label="x" label_prefix="x" label_suffix="x"   any of the three, at least one
 *           [info="yes"] [version="1"] [dma_quota="8M"]>
 *     <device name="00:03.0"/>                      a device by name (any name: "ps2" too)
 *     <pci class="VGA|ETHERNET|AHCI|NVME|USB|..."/>  by class alias (mkx/pci_class.h; or class="0x0300")
 *     <pci vendor_id="0x1234" device_id="0x11e8"/>  by both IDs
 *   </policy>
 *   <default-policy ...> ... </default-policy>      when no <policy> matches
 * Selection as Genode's with_matching_policy: a policy whose present
 * selectors do not all match (the label equal to label=, starting with
 * label_prefix=, ending with label_suffix=; label and values with white
 * space trimmed) is out; of the rest, one with label= beats one without,
 * then one with a prefix beats one without and the longer prefix wins, then
 * the same for the suffix; on a tie the first in the config. No policy:
 * <default-policy>; none either: no session. dma_quota: bytes of DMA
 * buffers a session may hold at once (they are charged to the platform
 * driver's RAM quantum at core, so this is what keeps one client from
 * taking it all); without it, no limit of the session's own.
 */
#ifndef PCI_POLICY_H
#define PCI_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include <mkx/xml.h>

#include "pci.h"

#define PCI_POLICIES_MAX	16
#define PCI_POLICY_MATCHES_MAX	16

struct pci_policy_match {
	enum { MATCH_NAME, MATCH_PCI } kind;
	char		name[64];
	int		has_class, has_ids;	/* <pci>: class=, and/or both IDs (either matching is enough) */
	uint32_t	class, mask;		/* mkx_pci_class_parse's */
	unsigned	vendor, device;
};

struct pci_policy {
	int		is_default;	/* <default-policy> */
	int		has_label, has_prefix, has_suffix;
	char		label[128], label_prefix[128], label_suffix[128];	/* trimmed */
	int		info;
	char		version[32];
	uint64_t	dma_quota;	/* 0: none */
	struct pci_policy_match match[PCI_POLICY_MATCHES_MAX];
	unsigned	nmatch;
	int		line;
};

/*
 * Read every <policy> and the <default-policy> (at most one) of conf.
 * Returns the count, or -EINVAL with "line N: what" in why.
 */
int	pci_policies_read(const struct mkx_xml *conf, struct pci_policy *out, unsigned max, char *why, size_t whylen);
/* The policy for a session label by Genode's score, else the <default-policy>, else NULL. */
const struct pci_policy *pci_policy_for(const struct pci_policy *p, unsigned n, const char *label);
/* Does the policy give this function? */
int	pci_policy_has(const struct pci_policy *, const struct pci_fn *);
/* Does the policy give a device of this name (<device name>; a non-PCI device by its name)? */
int	pci_policy_has_name(const struct pci_policy *, const char *name);

#endif
