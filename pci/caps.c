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
 * The VFs of a PF whose VF Enable is set (SR-IOV 1.1, 3.3): VF i has the
 * routing ID of the PF + First VF Offset + i * VF Stride, the PF's
 * segment, the VF device ID. Its BAR n is the capability's VF BAR n (a
 * 64-bit one takes two registers) + i * the size of one VF's BAR. That
 * size is the sizing answer of the VF BAR register, which is not asked
 * here (a sizing write moves the enabled VFs' decoding); a record gives it
 * (Linux's resource 7 + n is it times TotalVFs, t->iov_size). Without it a
 * VF's BAR is VF 0's base + i * unknown: only VF 0's address is given.
 * A note per VF, at most 8; VFs are not walked (their config space reads
 * 0xffff as vendor ID).
 */
#define VFS_LISTED 8
static void
list_vfs(struct pci_tree *t, const struct pci_cfg *c, const struct pci_fn *f, const char *n, unsigned off,
    unsigned num, unsigned total, unsigned first, unsigned stride, unsigned vfdev)
{
	static const char *const kinds[] = { "mem32", "mem32-below-1M", "mem64", "reserved" };
	unsigned rid = f->a.bus << 8 | f->a.dev << 3 | f->a.fn;
	uint64_t base[6] = { 0 }, size[6] = { 0 };
	const char *kind[6] = { 0 };
	int pref[6] = { 0 };

	for (unsigned b = 0; b < 6; b++) {
		uint32_t v = pci_rd(c, f->a, off + 0x24 + 4 * b, 4);
		uint64_t tot;

		if (!v || v == 0xffffffffu)
			continue;
		kind[b] = kinds[(v >> 1) & 3];
		pref[b] = (v >> 3) & 1;
		base[b] = v & ~0xfull;
		if (((v >> 1) & 3) == 2 && b < 5)
			base[b] |= (uint64_t)pci_rd(c, f->a, off + 0x24 + 4 * (b + 1), 4) << 32;
		if (t->iov_size && total && !t->iov_size(t->iov_ctx, f->a, b, &tot))
			size[b] = tot / total;
		if (((v >> 1) & 3) == 2)
			b++;
	}
	pci_note(t, "%s: SR-IOV VFs enabled: %u, device ID %04x%s", n, num, vfdev,
	    num > VFS_LISTED ? " (the first 8 listed)" : "");
	for (unsigned i = 0; i < num && i < VFS_LISTED; i++) {
		unsigned r = rid + first + i * stride;
		struct pci_addr a = { f->a.seg, (r >> 8) & 0xff, (r >> 3) & 0x1f, r & 7 };
		char line[160], vn[16];
		size_t k;

		if (r > 0xffff) {
			pci_note(t, "%s: VF %u: routing ID 0x%x beyond bus ff: not listed", n, i, r);
			break;
		}
		k = (size_t)snprintf(line, sizeof line, "%s: VF %u %s:", n, i, pci_name(a, vn));
		for (unsigned b = 0; b < 6 && k < sizeof line; b++) {
			if (!kind[b])
				continue;
			if (size[b])
				k += (size_t)snprintf(line + k, sizeof line - k, " BAR%u %s%s 0x%llx+0x%llx", b, kind[b],
				    pref[b] ? "-prefetch" : "", (unsigned long long)(base[b] + i * size[b]),
				    (unsigned long long)size[b]);
			else if (i == 0)
				k += (size_t)snprintf(line + k, sizeof line - k, " BAR%u %s%s 0x%llx+?", b, kind[b],
				    pref[b] ? "-prefetch" : "", (unsigned long long)base[b]);
			else
				k += (size_t)snprintf(line + k, sizeof line - k, " BAR%u ?", b);
		}
		pci_note(t, "%s", line);
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
		if ((pci_rd(c, f->a, off + 0x08, 2) & 1) && num && off + 0x3c <= 4096)
			list_vfs(t, c, f, n, off, num, vfs >> 16, where & 0xffff, where >> 16, dev >> 16);
	} else if (id == 0x000e && off + 8 <= 4096) {
		pci_note(t, "%s: ARI at 0x%03x: next function %u", n, off, (pci_rd(c, f->a, off + 4, 2) >> 8) & 0xff);
	}
}

/*
 * Enhanced Allocation (PCI Express Base 4.0, 7.8.5): fixed resources a
 * function has instead of (or beside) BARs. A note for the capability
 * (its entry count; a bridge's fixed secondary and subordinate bus), and
 * one per entry with the values lspci -vvv prints: BAR equivalent
 * indicator, primary and secondary properties, enable, writable, base and
 * max offset (the two low bits of the max offset are ones; bit 1 of each
 * says a second dword holds bits 63:32). Entries stay inside the 256-byte
 * header space; one that would leave it ends the decoding with a note.
 */
static void
decode_ea(struct pci_tree *t, const struct pci_cfg *c, struct pci_fn *f, const char *n, unsigned off)
{
	uint32_t h = pci_rd(c, f->a, off, 4);
	unsigned num = (h >> 16) & 0x3f, at = off + 4;

	if (f->hdr_type == 1) {
		uint32_t b = pci_rd(c, f->a, off + 4, 4);

		pci_note(t, "%s: Enhanced Allocation at 0x%02x: %u entr%s, fixed secondary bus %02x, fixed subordinate "
		    "bus %02x", n, off, num, num == 1 ? "y" : "ies", b & 0xff, (b >> 8) & 0xff);
		at += 4;
	} else {
		pci_note(t, "%s: Enhanced Allocation at 0x%02x: %u entr%s", n, off, num, num == 1 ? "y" : "ies");
	}
	for (unsigned e = 0; e < num; e++) {
		uint32_t d = at + 4 <= 256 ? pci_rd(c, f->a, at, 4) : 0xffffffffu;
		unsigned size = d & 7, k = 1;
		uint64_t base = 0, max = 0;

		if (at + 4 > 256 || at + 4 + 4 * size > 256) {
			pci_note(t, "%s: Enhanced Allocation entry %u at 0x%02x runs past the header space: decoding ends",
			    n, e, at);
			return;
		}
		if (size >= 1)
			base = pci_rd(c, f->a, at + 4 * k++, 4);
		if (size >= 2)
			max = pci_rd(c, f->a, at + 4 * k++, 4);
		if ((base & 2) && k <= size)
			base |= (uint64_t)pci_rd(c, f->a, at + 4 * k++, 4) << 32;
		if ((max & 2) && k <= size)
			max |= (uint64_t)pci_rd(c, f->a, at + 4 * k++, 4) << 32;
		/* An entry of fewer than two dwords has no base or no max offset: said, not made up. */
		char bs[24] = "none", ms[24] = "none";

		if (size >= 1)
			snprintf(bs, sizeof bs, "0x%llx", (unsigned long long)(base & ~3ull));
		if (size >= 2)
			snprintf(ms, sizeof ms, "0x%llx", (unsigned long long)(max | 3));
		pci_note(t, "%s: EA entry %u at 0x%02x: BEI %u, primary %02x, secondary %02x, %s, %s, base %s, "
		    "max offset %s", n, e, at, (d >> 4) & 0xf, (d >> 8) & 0xff, (d >> 16) & 0xff,
		    d >> 31 ? "enabled" : "disabled", (d >> 30) & 1 ? "writable" : "not writable", bs, ms);
		at += 4 + 4 * size;
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
	for (unsigned i = 0; i < f->ncap; i++)
		if (f->cap[i].id == 0x14)
			decode_ea(t, c, f, n, f->cap[i].off);
	/* Extended capabilities exist on PCI Express functions, and only ECAM reaches them. */
	for (unsigned i = 0; i < f->ncap; i++)
		if (f->cap[i].id == 0x10 && f->space >= 4096) {
			walk_ext(t, c, f, n);
			break;
		}
}
