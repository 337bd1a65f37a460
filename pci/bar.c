/*
 * BAR decoding and sizing: write all ones, read what sticks, write the
 * firmware's value back. Memory and I/O decode are off during the probe
 * (a half-written BAR could otherwise claim some other device's
 * addresses) and the command register is restored after it.
 *
 * An access that cannot size (a dump without resource lines answers the
 * sizing write with -ENODATA) gets the register decoded as lspci does
 * it: address and kind from the register, size 0 meaning "not known",
 * never a size guessed from the address bits.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pci.h"

#define CMD_DECODE	0x3	/* I/O space, memory space */

/* Write v to a BAR register and read what sticks, then restore orig. 0 or -errno. */
static int
probe_reg(struct pci_tree *t, const struct pci_cfg *c, struct pci_addr a, unsigned off, uint32_t orig,
    uint32_t *mask)
{
	int err = pci_wr(c, a, off, 4, 0xffffffffu);

	t->probe_writes++;
	if (err)
		return err;
	*mask = pci_rd(c, a, off, 4);
	t->probe_writes++;
	return pci_wr(c, a, off, 4, orig);
}

/*
 * The register as it is, without sizing: address and kind; size 0 (not
 * known). A register reading 0 is not reported: implemented-but-unassigned
 * and not implemented look the same without sizing (lspci skips it too).
 */
static void
decode_only(struct pci_tree *t, const struct pci_cfg *c, struct pci_fn *f, unsigned *i, unsigned nbars,
    uint32_t orig, const char *n)
{
	struct pci_bar *b = &f->bar[*i];

	if (orig == 0)
		return;
	if (orig & 1) {
		b->kind = PCI_BAR_IO;
		b->start = orig & 0xfffffffcu;
	} else {
		unsigned type = (orig >> 1) & 3;

		b->kind = PCI_BAR_MEM32;
		b->prefetch = (orig >> 3) & 1;
		b->start = orig & 0xfffffff0u;
		if (type == 2 && *i + 1 < nbars) {
			b->kind = PCI_BAR_MEM64;
			b->start |= (uint64_t)pci_rd(c, f->a, 0x10 + 4 * (*i + 1), 4) << 32;
			f->bar[*i + 1].kind = PCI_BAR_NONE;
		} else if (type == 2) {
			pci_note(t, "%s: BAR%u is 64-bit but is the last BAR: taken as 32-bit", n, *i);
		}
	}
	b->size = 0;
	if (b->start == 0) {
		b->unassigned = 1;
		/* Genode's pci_decode reports such a BAR at address 0 and warns ("invalid base address"). */
		pci_note(t, "%s: %s BAR%u has no address (0): left unassigned by the firmware; Genode's pci_decode "
		    "would report it at 0 with an 'invalid base address' warning", n,
		    b->kind == PCI_BAR_IO ? "I/O" : "memory", *i);
	}
	if (b->kind == PCI_BAR_MEM64)
		(*i)++;
}

static void
size_bar(struct pci_tree *t, const struct pci_cfg *c, struct pci_fn *f, unsigned *i, unsigned nbars)
{
	struct pci_bar *b = &f->bar[*i];
	unsigned off = 0x10 + 4 * *i;
	uint32_t orig = pci_rd(c, f->a, off, 4), mask, hi = 0, hmask = 0;
	uint64_t m64;
	char n[16];
	int err;

	pci_name(f->a, n);
	if (orig == 0xffffffffu) {
		pci_note(t, "%s: BAR%u reads all ones: not decoded", n, *i);
		return;
	}
	if ((err = probe_reg(t, c, f->a, off, orig, &mask)) == -ENODATA) {
		decode_only(t, c, f, i, nbars, orig, n);
		return;
	}
	if (err) {
		pci_note(t, "%s: BAR%u not sized: config write refused (%d)", n, *i, err);
		return;
	}
	if (mask == 0)
		return;		/* not implemented */
	if (mask == 0xffffffffu) {
		pci_note(t, "%s: BAR%u sizes to all ones (no type bits): ignored", n, *i);
		return;
	}
	if (orig & 1) {
		uint32_t m = mask & 0xfffffffcu;

		/* Many I/O BARs implement only the low 16 address bits. */
		if (!(m & 0xffff0000u))
			m |= 0xffff0000u;
		b->kind = PCI_BAR_IO;
		b->start = orig & 0xfffffffcu;
		b->size = (uint32_t)(~m + 1);
	} else {
		unsigned type = (orig >> 1) & 3;

		b->prefetch = (orig >> 3) & 1;
		m64 = 0xffffffff00000000ull | (mask & 0xfffffff0u);
		b->start = orig & 0xfffffff0u;
		b->kind = PCI_BAR_MEM32;
		if (type == 2) {
			if (*i + 1 >= nbars) {
				pci_note(t, "%s: BAR%u is 64-bit but is the last BAR: taken as 32-bit", n, *i);
			} else {
				hi = pci_rd(c, f->a, off + 4, 4);
				if ((err = probe_reg(t, c, f->a, off + 4, hi, &hmask))) {
					pci_note(t, "%s: BAR%u upper half not sized: config write refused (%d)", n, *i, err);
					hmask = 0xffffffffu;
				}
				b->kind = PCI_BAR_MEM64;
				b->start |= (uint64_t)hi << 32;
				m64 = (uint64_t)hmask << 32 | (mask & 0xfffffff0u);
				f->bar[*i + 1].kind = PCI_BAR_NONE;	/* the upper half is part of this one */
			}
		} else if (type == 3) {
			pci_note(t, "%s: BAR%u has the reserved memory type 3: taken as 32-bit", n, *i);
		}
		b->size = ~m64 + 1;
	}
	if (b->size == 0 || (b->size & (b->size - 1))) {
		pci_note(t, "%s: BAR%u sizes to 0x%llx, not a power of two: ignored", n, *i,
		    (unsigned long long)b->size);
		memset(b, 0, sizeof *b);
	} else if (b->start == 0) {
		b->unassigned = 1;
		/* Genode's pci_decode reports such a BAR at address 0 and warns ("invalid base address"). */
		pci_note(t, "%s: BAR%u (%s, 0x%llx bytes) was left unassigned by the firmware; Genode's pci_decode "
		    "would report it at 0 with an 'invalid base address' warning", n, *i,
		    b->kind == PCI_BAR_IO ? "I/O" : "memory", (unsigned long long)b->size);
	}
	if (b->kind == PCI_BAR_MEM64)
		(*i)++;
}

void
pci_bars_probe(struct pci_tree *t, const struct pci_cfg *c, struct pci_fn *f, unsigned nbars)
{
	uint16_t cmd;
	int off = 0;

	if (!nbars)
		return;
	cmd = (uint16_t)pci_rd(c, f->a, 0x04, 2);
	if (cmd != 0xffff && (cmd & CMD_DECODE)) {
		off = !pci_wr(c, f->a, 0x04, 2, cmd & ~CMD_DECODE);
		t->probe_writes++;
	}
	for (unsigned i = 0; i < nbars; i++)
		size_bar(t, c, f, &i, nbars);
	if (off) {
		pci_wr(c, f->a, 0x04, 2, cmd);
		t->probe_writes++;
	}
}
