/*
 * The platform driver's <config> policies, in Genode's vocabulary:
 *   <policy label="x" | label_prefix="x" [info="yes"] [version="1"] [dma_quota="8M"]>
 *     <device name="00:03.0"/>                      a device by name
 *     <pci class="VGA|ETHERNET|AHCI|NVME|USB|..."/>  by class alias (or class="0x0300")
 *     <pci vendor_id="0x1234" device_id="0x11e8"/>  by both IDs
 *   </policy>
 * A session gets the policy with the exact label, else the longest
 * matching prefix; no policy, no session. dma_quota: bytes of DMA buffers
 * a session may hold at once (they are charged to the platform driver's
 * RAM quantum at core, so this is what keeps one client from taking it
 * all); without it, no limit of the session's own.
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
	enum { MATCH_NAME, MATCH_CLASS, MATCH_ID } kind;
	char		name[16];
	uint32_t	class, mask;
	unsigned	vendor, device;
};

struct pci_policy {
	char		label[128], label_prefix[128];
	int		info;
	char		version[32];
	uint64_t	dma_quota;	/* 0: none */
	struct pci_policy_match match[PCI_POLICY_MATCHES_MAX];
	unsigned	nmatch;
	int		line;
};

/* Read every <policy> of conf. Returns the count, or -EINVAL with "line N: what" in why. */
int	pci_policies_read(const struct mkx_xml *conf, struct pci_policy *out, unsigned max, char *why, size_t whylen);
/* The policy for a session label (exact label first, then the longest prefix), or NULL. */
const struct pci_policy *pci_policy_for(const struct pci_policy *p, unsigned n, const char *label);
/* Does the policy give this function? */
int	pci_policy_has(const struct pci_policy *, const struct pci_fn *);

#endif
