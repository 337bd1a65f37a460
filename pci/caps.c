/*
 * Capability lists. Both are linked lists the device itself provides, so
 * each step is checked: the pointer must lie in the area it may point
 * into, no offset is visited twice (a loop ends the walk with a note),
 * and the number of steps is bounded by what fits.
 */
#include <stdio.h>

#include "pci.h"

const char *
pci_cap_name(unsigned id)
{
	switch (id) {
	case 0x01: return "Power Management";
	case 0x02: return "AGP";
	case 0x03: return "VPD";
	case 0x04: return "Slot ID";
	case 0x05: return "MSI";
	case 0x06: return "CompactPCI hot-swap";
	case 0x07: return "PCI-X";
	case 0x08: return "HyperTransport";
	case 0x09: return "Vendor Specific";
	case 0x0a: return "Debug port";
	case 0x0b: return "CompactPCI central resource control";
	case 0x0c: return "PCI Hot-plug";
	case 0x0d: return "Subsystem";
	case 0x0e: return "AGP3";
	case 0x0f: return "Secure device";
	case 0x10: return "Express";
	case 0x11: return "MSI-X";
	case 0x12: return "SATA HBA";
	case 0x13: return "PCI Advanced Features";
	case 0x14: return "Enhanced Allocation";
	case 0x15: return "Flattening Portal Bridge";
	default: return "unknown";
	}
}

const char *
pci_ecap_name(unsigned id)
{
	switch (id) {
	case 0x0001: return "Advanced Error Reporting";
	case 0x0002: return "Virtual Channel";
	case 0x0003: return "Device Serial Number";
	case 0x0004: return "Power Budgeting";
	case 0x0005: return "Root Complex Link";
	case 0x000b: return "Vendor Specific";
	case 0x000d: return "Access Control Services";
	case 0x000e: return "Alternative Routing-ID Interpretation";
	case 0x000f: return "Address Translation Service";
	case 0x0010: return "Single Root I/O Virtualization";
	case 0x0013: return "Page Request Interface";
	case 0x0015: return "Resizable BAR";
	case 0x0017: return "Transaction Processing Hints";
	case 0x0018: return "Latency Tolerance Reporting";
	case 0x0019: return "Secondary PCI Express";
	case 0x001b: return "Process Address Space ID";
	case 0x001e: return "L1 PM Substates";
	case 0x0023: return "Designated Vendor-Specific";
	default: return "unknown";
	}
}

static void
walk_std(struct pci_tree *t, const struct pci_cfg *c, struct pci_fn *f, const char *n)
{
	uint8_t seen[256 / 32] = { 0 };	/* one bit per dword of the header space */
	unsigned ptr = pci_rd(c, f->a, f->hdr_type == 2 ? 0x14 : 0x34, 1) & 0xfc;

	for (unsigned steps = 0; ptr; steps++) {
		uint32_t h;

		if (ptr < 0x40) {
			pci_note(t, "%s: capability pointer 0x%02x points into the header: list ends", n, ptr);
			return;
		}
		if (seen[ptr / 32] >> (ptr / 4 % 8) & 1) {
			pci_note(t, "%s: capability list loops back to 0x%02x: list ends", n, ptr);
			return;
		}
		seen[ptr / 32] |= (uint8_t)(1u << (ptr / 4 % 8));
		h = pci_rd(c, f->a, ptr, 2);
		if (h == 0xffff) {
			pci_note(t, "%s: capability at 0x%02x reads all ones: list ends", n, ptr);
			return;
		}
		/* ID 0xff is no capability: the list is broken there (lspci: "<chain broken>"). */
		if ((h & 0xff) == 0xff) {
			pci_note(t, "%s: capability at 0x%02x has ID ff: list broken there, ends", n, ptr);
			return;
		}
		if (f->ncap < PCI_CAPS_MAX)
			f->cap[f->ncap++] = (struct pci_cap){ (uint16_t)ptr, (uint16_t)(h & 0xff), 0 };
		ptr = (h >> 8) & 0xfc;
	}
}

/*
 * What a report needs from two extended capabilities, as a note (the
 * values lspci -vvv prints): SR-IOV's VF counts, offset, stride and VF
 * device ID (where the VFs would appear), ARI's next function number.
 */
static void
decode_ext(struct pci_tree *t, const struct pci_cfg *c, struct pci_fn *f, const char *n, unsigned id,
    unsigned off)
{
	if (id == 0x0010 && off + 0x1c <= 4096) {
		uint32_t vfs = pci_rd(c, f->a, off + 0x0c, 4), num = pci_rd(c, f->a, off + 0x10, 2);
		uint32_t where = pci_rd(c, f->a, off + 0x14, 4), dev = pci_rd(c, f->a, off + 0x18, 4);

		pci_note(t, "%s: SR-IOV at 0x%03x: initial VFs %u, total VFs %u, enabled VFs %u, VF offset %u, "
		    "stride %u, VF device ID %04x", n, off, vfs & 0xffff, vfs >> 16, num, where & 0xffff, where >> 16,
		    dev >> 16);
	} else if (id == 0x000e && off + 8 <= 4096) {
		pci_note(t, "%s: ARI at 0x%03x: next function %u", n, off, (pci_rd(c, f->a, off + 4, 2) >> 8) & 0xff);
	}
}

static void
walk_ext(struct pci_tree *t, const struct pci_cfg *c, struct pci_fn *f, const char *n)
{
	uint8_t seen[4096 / 32] = { 0 };
	unsigned off = 0x100;

	for (;;) {
		uint32_t h = pci_rd(c, f->a, off, 4);

		if (h == 0xffffffffu) {
			if (off != 0x100)
				pci_note(t, "%s: extended capability at 0x%03x reads all ones: list ends", n, off);
			return;
		}
		if (h == 0)
			return;		/* no (further) extended capabilities */
		seen[off / 32] |= (uint8_t)(1u << (off / 4 % 8));
		decode_ext(t, c, f, n, h & 0xffff, off);
		if (f->necap < PCI_ECAPS_MAX)
			f->ecap[f->necap++] = (struct pci_cap){ (uint16_t)off, (uint16_t)(h & 0xffff),
			    (uint8_t)((h >> 16) & 0xf) };
		else {
			pci_note(t, "%s: more than %u extended capabilities: the rest not recorded", n, PCI_ECAPS_MAX);
			return;
		}
		off = (h >> 20) & 0xffc;
		if (!off)
			return;
		if (off < 0x100) {
			pci_note(t, "%s: extended capability pointer 0x%03x points below 0x100: list ends", n, off);
			return;
		}
		if (seen[off / 32] >> (off / 4 % 8) & 1) {
			pci_note(t, "%s: extended capability list loops back to 0x%03x: list ends", n, off);
			return;
		}
	}
}

void
pci_caps_walk(struct pci_tree *t, const struct pci_cfg *c, struct pci_fn *f)
{
	char n[16];

	pci_name(f->a, n);
	if (!(f->status & 0x10))
		return;
	walk_std(t, c, f, n);
	/* Extended capabilities exist on PCI Express functions, and only ECAM reaches them. */
	for (unsigned i = 0; i < f->ncap; i++)
		if (f->cap[i].id == 0x10 && f->space >= 4096) {
			walk_ext(t, c, f, n);
			break;
		}
}
