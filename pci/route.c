/*
 * Legacy interrupt routing (INTx): the _PRT entry of the function's slot
 * and pin on the bus it sits on; where that bus's bridge has no _PRT, the
 * standard swizzle (pin + device number, mod 4) moves the interrupt to
 * the bridge's own slot on the bus above, until a bus with a _PRT is
 * reached. Trigger and polarity come with the _PRT entry (the acpi
 * component resolved link devices through _CRS). Without any _PRT (no
 * ACPI), the firmware's Interrupt Line with the MADT's overrides.
 */
#include <stdio.h>

#include "route.h"

static const struct acpi_route *
prt_entry(const struct acpi_info *ai, unsigned bridge_bdf, unsigned slot, unsigned pin, int *bus_has_prt)
{
	for (unsigned i = 0; i < ai->nroute; i++) {
		const struct acpi_route *r = &ai->route[i];

		if (!r->has_bdf || r->bridge_bdf != bridge_bdf)
			continue;
		*bus_has_prt = 1;
		if (r->device == slot && r->pin == pin)
			return r;
	}
	return NULL;
}

static int
is_root(const struct acpi_info *ai, unsigned seg, unsigned bus)
{
	for (unsigned i = 0; i < ai->nroot; i++)
		if (ai->root[i].seg == seg && ai->root[i].bus == bus)
			return 1;
	return ai->nroot == 0 && bus == 0;
}

/* No _PRT: Interrupt Line, with the MADT override for that ISA IRQ if there is one. */
static void
route_line(const struct acpi_info *ai, struct pci_fn *f)
{
	struct pci_intx *x = &f->intx;
	unsigned flags = 0;

	if (f->line == 0 || f->line == 0xff) {
		snprintf(x->how, sizeof x->how, "no _PRT and no Interrupt Line");
		return;
	}
	x->gsi = f->line;
	for (unsigned i = 0; i < ai->novr; i++)
		if (ai->ovr[i].irq == f->line) {
			x->gsi = ai->ovr[i].gsi;
			flags = ai->ovr[i].flags;
		}
	/* MPS INTI flags: polarity bits 0-1 (3 = low), trigger bits 2-3 (3 = level); 0 = ISA's edge/high. */
	x->active_low = (flags & 3) == 3;
	x->level = ((flags >> 2) & 3) == 3;
	x->routed = 1;
	snprintf(x->how, sizeof x->how, "Interrupt Line %u (no _PRT)", f->line);
}

void
pci_route_intx(const struct acpi_info *ai, struct pci_tree *t, struct pci_fn *f)
{
	struct pci_intx *x = &f->intx;
	const struct pci_fn *cur = f;
	unsigned pin, hops = 0;
	char n[16];

	if (!f->pin)
		return;
	if (f->pin > 4) {
		snprintf(x->how, sizeof x->how, "Interrupt Pin register reads %u", f->pin);
		pci_note(t, "%s: Interrupt Pin %u is not INTA-INTD: not routed", pci_name(f->a, n), f->pin);
		return;
	}
	if (!ai->nroute) {
		route_line(ai, f);
		return;
	}
	pin = f->pin - 1u;
	while (hops++ < 64) {
		int has_prt = 0;
		const struct acpi_route *r;
		const struct pci_fn *up = cur->parent >= 0 ? &t->fn[cur->parent] : NULL;
		unsigned key;

		if (up)
			key = up->a.bus << 8 | up->a.dev << 3 | up->a.fn;
		else if (is_root(ai, cur->a.seg, cur->a.bus))
			key = cur->a.bus << 8;
		else {
			snprintf(x->how, sizeof x->how, "bus %02x is no root bus the acpi report names", cur->a.bus);
			break;
		}
		if (cur->a.seg == 0 && (r = prt_entry(ai, key, cur->a.dev, pin, &has_prt))) {
			x->routed = 1;
			x->gsi = r->gsi;
			x->level = r->level;
			x->active_low = r->active_low;
			if (cur == f)
				snprintf(x->how, sizeof x->how, "_PRT %s slot %u INT%c", r->bridge, cur->a.dev, 'A' + pin);
			else
				snprintf(x->how, sizeof x->how, "swizzled to %s INT%c, _PRT %s", pci_name(cur->a, n),
				    'A' + pin, r->bridge);
			return;
		}
		if (has_prt || !up) {
			snprintf(x->how, sizeof x->how, "no _PRT entry for slot %u INT%c below %s", cur->a.dev, 'A' + pin,
			    up ? pci_name(up->a, n) : "the root bridge");
			break;
		}
		/* A bridge without _PRT: the interrupt appears at the bridge's own slot, pin rotated. */
		pin = (pin + cur->a.dev) % 4;
		cur = up;
	}
	pci_note(t, "%s: INT%c not routed: %s", pci_name(f->a, n), 'A' + f->pin - 1, x->how);
}

void
pci_route_all(const struct acpi_info *ai, struct pci_tree *t)
{
	for (unsigned i = 0; i < t->nfn; i++)
		pci_route_intx(ai, t, &t->fn[i]);
}
