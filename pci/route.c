/*
 * Legacy interrupt routing (INTx). Each _PRT routes one bus: a root
 * bridge's _PRT its root bus, the _PRT of a device below it the secondary
 * bus of the bridge that device is. The acpi report says which device
 * (<prt>: root bridge segment and bus, then the _ADR of each device on the
 * way down); that chain is followed here through the enumerated bridges,
 * since only config space knows their secondary buses.
 *
 * A function's pin is then routed from its own bus upwards: the first bus
 * with a _PRT gives the entry for (slot, pin); each bridge without a _PRT
 * on the way swizzles the pin to its own slot on the bus above (PCI-to-PCI
 * Bridge spec 1.2, 9.1: pin + device number, mod 4). Trigger and polarity
 * come with the entry (the acpi component resolved link devices through
 * _CRS). Without any _PRT (no ACPI): the firmware's Interrupt Line with
 * the MADT's overrides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"

#define TIES_MAX (ACPI_PRTS_MAX + ACPI_ROUTES_MAX)

/* A _PRT tied to the bus it routes. */
struct tie {
	unsigned	seg, bus;
	const char	*bridge;	/* ACPI path of the _PRT's device */
	unsigned	bdf;		/* reports without <prt>: the <routing bridge_bdf> it came from */
	int		from_prt;	/* 1: a <prt> chain; 0: bridge_bdf of a report without <prt> */
};

struct ties {
	struct tie	t[TIES_MAX];
	unsigned	n;
	int		of_route[ACPI_ROUTES_MAX];	/* index into t, -1: entry not used */
};

static int
is_root_bus(const struct pci_tree *t, unsigned seg, unsigned bus)
{
	for (unsigned i = 0; i < t->nroot; i++)
		if (t->root[i].seg == seg && t->root[i].bus == bus)
			return 1;
	return 0;
}

static int
tie_of_bus(const struct ties *ts, unsigned seg, unsigned bus)
{
	for (unsigned i = 0; i < ts->n; i++)
		if (ts->t[i].seg == seg && ts->t[i].bus == bus)
			return (int)i;
	return -1;
}

/* Follow a <prt> chain to the bus its _PRT routes: 0 with *bus, or -1 with why. */
static int
follow(const struct pci_tree *t, const struct acpi_prt *p, unsigned *bus, char *why, size_t len)
{
	unsigned b = p->bus;
	char n[16];

	if (!is_root_bus(t, p->seg, p->bus)) {
		snprintf(why, len, "its root bus %04x:%02x was not enumerated", p->seg, p->bus);
		return -1;
	}
	for (unsigned i = 0; i < p->nadr; i++) {
		struct pci_addr a = { p->seg, b, p->adr[i] >> 16, p->adr[i] & 7 };
		int k = pci_find(t, a);
		const struct pci_fn *f = k >= 0 ? &t->fn[k] : NULL;

		pci_name(a, n);
		if (!f) {
			snprintf(why, len, "_ADR 0x%x (step %u): no function at %s", p->adr[i], i + 1, n);
			return -1;
		}
		if (!f->bridge) {
			snprintf(why, len, "_ADR 0x%x (step %u): %s is not a bridge (header type %u)", p->adr[i], i + 1, n,
			    f->hdr_type);
			return -1;
		}
		/* Only buses the walk followed: numbers checked in range, no loop, no sibling's bus. */
		if (!f->scanned) {
			snprintf(why, len, "_ADR 0x%x (step %u): bridge %s has no usable bus numbers "
			    "(secondary %02x, subordinate %02x)", p->adr[i], i + 1, n, f->secondary, f->subordinate);
			return -1;
		}
		b = f->secondary;
	}
	*bus = b;
	return 0;
}

static int
add_tie(struct pci_tree *t, struct ties *ts, struct tie x)
{
	int k = tie_of_bus(ts, x.seg, x.bus);

	if (k >= 0) {
		pci_note(t, "%s._PRT also routes bus %04x:%02x, which %s._PRT routes: only the first is used",
		    x.bridge, x.seg, x.bus, ts->t[k].bridge);
		return -1;
	}
	if (ts->n >= TIES_MAX)
		return -1;
	ts->t[ts->n] = x;
	return (int)ts->n++;
}

/* Reports without <prt> (older acpi components, hand-written ones): the entry's bridge_bdf. */
static int
tie_by_bdf(struct pci_tree *t, struct ties *ts, const struct acpi_route *r)
{
	unsigned bus = r->bridge_bdf >> 8;
	struct pci_addr a = { 0, bus, (r->bridge_bdf >> 3) & 0x1f, r->bridge_bdf & 7 };
	int k;

	for (unsigned i = 0; i < ts->n; i++)
		if (!ts->t[i].from_prt && ts->t[i].bdf == r->bridge_bdf && !strcmp(ts->t[i].bridge, r->bridge))
			return (int)i;
	/* bus << 8 is Genode's bridge_bdf of a root bridge; device 0 there is the host bridge. */
	if ((r->bridge_bdf & 0xff) == 0 && is_root_bus(t, 0, bus))
		return add_tie(t, ts, (struct tie){ 0, bus, r->bridge, r->bridge_bdf, 0 });
	k = pci_find(t, a);
	if (k >= 0 && t->fn[k].bridge && t->fn[k].scanned)
		return add_tie(t, ts, (struct tie){ 0, t->fn[k].secondary, r->bridge, r->bridge_bdf, 0 });
	return -1;
}

static void
tie_all(const struct acpi_info *ai, struct pci_tree *t, struct ties *ts)
{
	int prt_tie[ACPI_PRTS_MAX];

	ts->n = 0;
	if (ai->nprt_dropped)
		pci_note(t, "%u <prt>s beyond the first %u not read: their _PRTs are not used", ai->nprt_dropped,
		    ACPI_PRTS_MAX);
	for (unsigned i = 0; i < ai->nprt; i++) {
		const struct acpi_prt *p = &ai->prt[i];
		char why[200];
		unsigned bus;

		prt_tie[i] = -1;
		if (p->error[0])
			pci_note(t, "%s%s not used: %s", p->bridge[0] ? p->bridge : "a <prt>", p->bridge[0] ? "._PRT" : "",
			    p->error);
		else if (follow(t, p, &bus, why, sizeof why))
			pci_note(t, "%s._PRT not used: %s", p->bridge, why);
		else
			prt_tie[i] = add_tie(t, ts, (struct tie){ p->seg, bus, p->bridge, 0, 1 });
	}
	for (unsigned i = 0; i < ai->nroute; i++) {
		const struct acpi_route *r = &ai->route[i];
		int described = 0;

		ts->of_route[i] = -1;
		for (unsigned k = 0; k < ai->nprt && !described; k++)
			if (!strcmp(ai->prt[k].bridge, r->bridge)) {
				described = 1;
				ts->of_route[i] = prt_tie[k];
			}
		/* Reports with <prt>s describe every _PRT: bridge_bdf is for reports without any. */
		if (!described && r->has_bdf && !ai->nprt && !ai->nprt_dropped)
			ts->of_route[i] = tie_by_bdf(t, ts, r);
	}
}

static const struct acpi_route *
prt_entry(const struct acpi_info *ai, const struct ties *ts, int tie, unsigned slot, unsigned pin)
{
	for (unsigned i = 0; i < ai->nroute; i++)
		if (ts->of_route[i] == tie && ai->route[i].device == slot && ai->route[i].pin == pin)
			return &ai->route[i];
	return NULL;
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

static void
route_intx(const struct acpi_info *ai, const struct ties *ts, struct pci_tree *t, struct pci_fn *f)
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
	if (!ai->nroute && !ai->nprt) {
		route_line(ai, f);
		return;
	}
	pin = f->pin - 1u;
	/* Parents are bridges the walk followed, each on a lower bus: 64 hops is beyond any real depth. */
	while (hops++ < 64) {
		int k = tie_of_bus(ts, cur->a.seg, cur->a.bus);
		const struct pci_fn *up = cur->parent >= 0 ? &t->fn[cur->parent] : NULL;
		const struct acpi_route *r;

		if (k >= 0) {
			if (!(r = prt_entry(ai, ts, k, cur->a.dev, pin))) {
				snprintf(x->how, sizeof x->how, "%.60s._PRT has no entry for slot %u INT%c", ts->t[k].bridge,
				    cur->a.dev, 'A' + pin);
				break;
			}
			/* The entry is there, but its link gave no interrupt: the acpi component's reason. */
			if (ai->route_why[r - ai->route].unrouted) {
				const struct acpi_route_why *y = &ai->route_why[r - ai->route];
				char sw[40] = "";

				if (cur != f)
					snprintf(sw, sizeof sw, "swizzled to %s INT%c, ", pci_name(cur->a, n), 'A' + pin);
				snprintf(x->how, sizeof x->how, "%s%.60s._PRT slot %u INT%c%s%.60s: %.120s", sw, r->bridge,
				    cur->a.dev, 'A' + pin, y->link[0] ? " link " : "", y->link, y->reason);
				break;
			}
			x->routed = 1;
			x->gsi = r->gsi;
			x->level = r->level;
			x->active_low = r->active_low;
			if (cur == f)
				snprintf(x->how, sizeof x->how, "_PRT %.60s slot %u INT%c", r->bridge, cur->a.dev, 'A' + pin);
			else
				snprintf(x->how, sizeof x->how, "swizzled to %s INT%c, _PRT %.60s", pci_name(cur->a, n),
				    'A' + pin, r->bridge);
			return;
		}
		if (!up) {
			snprintf(x->how, sizeof x->how, "no _PRT routes root bus %04x:%02x", cur->a.seg, cur->a.bus);
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
	struct ties *ts = calloc(1, sizeof *ts);

	if (!ts) {
		pci_note(t, "no memory for interrupt routing: INTx not routed");
		return;
	}
	tie_all(ai, t, ts);
	for (unsigned i = 0; i < t->nfn; i++)
		route_intx(ai, ts, t, &t->fn[i]);
	free(ts);
}
