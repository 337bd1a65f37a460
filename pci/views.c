/* The plain-text views (views.h). The tree must be sorted (pci_sort). */
#include "views.h"

/*
 * A function's name as lspci prints it: once any function of the machine
 * is in a domain other than 0, every line carries the domain (lspci's
 * opt_domains), not only the lines of that domain.
 */
static const char *
vname(const struct pci_tree *t, struct pci_addr a, char buf[16])
{
	for (unsigned i = 0; i < t->nfn; i++)
		if (t->fn[i].a.seg) {
			snprintf(buf, 16, "%04x:%02x:%02x.%u", a.seg & 0xfffff, a.bus & 0xff, a.dev & 0x1f, a.fn & 7);
			return buf;
		}
	return pci_name(a, buf);
}

static const char *bar_kind(const struct pci_bar *);

static void
pci_view_lspci_n(FILE *o, const struct pci_tree *t)
{
	fprintf(o, "--- lspci -n ---\n");
	for (unsigned i = 0; i < t->nfn; i++) {
		const struct pci_fn *f = &t->fn[i];
		char n[16];

		fprintf(o, "%s %04x: %04x:%04x", vname(t, f->a, n), f->class >> 8, f->vendor, f->device);
		if (f->rev)
			fprintf(o, " (rev %02x)", f->rev);
		fprintf(o, "\n");
	}
	fprintf(o, "--- end ---\n");
}

static void
pci_view_intx(FILE *o, const struct pci_tree *t)
{
	fprintf(o, "--- intx ---\n");
	for (unsigned i = 0; i < t->nfn; i++) {
		const struct pci_fn *f = &t->fn[i];
		char n[16];

		if (!f->pin || f->pin > 4)
			continue;
		if (f->intx.routed)
			fprintf(o, "%s INT%c GSI %u %s %s\n", vname(t, f->a, n), 'A' + f->pin - 1, f->intx.gsi,
			    f->intx.level ? "level" : "edge", f->intx.active_low ? "low" : "high");
		else
			fprintf(o, "%s INT%c unrouted: %s\n", vname(t, f->a, n), 'A' + f->pin - 1, f->intx.how);
	}
	fprintf(o, "--- end ---\n");
}

static void
pci_view_bars(FILE *o, const struct pci_tree *t)
{
	fprintf(o, "--- bars ---\n");
	for (unsigned i = 0; i < t->nfn; i++) {
		const struct pci_fn *f = &t->fn[i];
		char n[16];

		for (unsigned b = 0; b < 6; b++) {
			const struct pci_bar *r = &f->bar[b];

			if (r->kind == PCI_BAR_NONE || (r->unassigned && r->size))
				continue;
			/*
			 * As sysfs resource lines (start, end). A dump without sizes gives
			 * what the register says: its start (or that it has none) and kind.
			 */
			if (r->size)
				fprintf(o, "%s %u 0x%016llx 0x%016llx\n", vname(t, f->a, n), b,
				    (unsigned long long)r->start, (unsigned long long)(r->start + r->size - 1));
			else if (r->unassigned)
				fprintf(o, "%s %u unassigned size-unknown %s\n", vname(t, f->a, n), b, bar_kind(r));
			else
				fprintf(o, "%s %u 0x%016llx size-unknown %s\n", vname(t, f->a, n), b,
				    (unsigned long long)r->start, bar_kind(r));
		}
	}
	fprintf(o, "--- end ---\n");
}

static const char *
bar_kind(const struct pci_bar *b)
{
	switch (b->kind) {
	case PCI_BAR_IO: return "io";
	case PCI_BAR_MEM64: return b->prefetch ? "mem64-prefetch" : "mem64";
	case PCI_BAR_MEM32: return b->prefetch ? "mem32-prefetch" : "mem32";
	default: return "none";
	}
}

static void
pci_view_caps(FILE *o, const struct pci_tree *t)
{
	fprintf(o, "--- caps ---\n");
	for (unsigned i = 0; i < t->nfn; i++) {
		const struct pci_fn *f = &t->fn[i];
		char n[16];

		vname(t, f->a, n);
		for (unsigned c = 0; c < f->ncap; c++)
			fprintf(o, "%s [%02x] %02x %s\n", n, f->cap[c].off, f->cap[c].id, pci_cap_name(f->cap[c].id));
		for (unsigned c = 0; c < f->necap; c++)
			fprintf(o, "%s [%03x v%u] %04x %s\n", n, f->ecap[c].off, f->ecap[c].ver, f->ecap[c].id,
			    pci_ecap_name(f->ecap[c].id));
	}
	fprintf(o, "--- end ---\n");
}

static void
pci_view_buses(FILE *o, const struct pci_tree *t)
{
	fprintf(o, "--- buses ---\n");
	for (unsigned i = 0; i < t->nfn; i++) {
		const struct pci_fn *f = &t->fn[i];
		char n[16];

		if (f->bridge)
			fprintf(o, "%s primary=%02x secondary=%02x subordinate=%02x\n", vname(t, f->a, n), f->primary,
			    f->secondary, f->subordinate);
	}
	fprintf(o, "--- end ---\n");
}

static void
tree_fn(FILE *o, const struct pci_tree *t, unsigned i, unsigned depth)
{
	const struct pci_fn *f = &t->fn[i];

	fprintf(o, "%*s%02x.%u %04x:%04x [%04x]", (int)(2 * depth + 2), "", f->a.dev, f->a.fn, f->vendor,
	    f->device, f->class >> 8);
	for (unsigned b = 0; b < 6; b++) {
		const struct pci_bar *r = &f->bar[b];

		if (r->kind == PCI_BAR_NONE)
			continue;
		fprintf(o, " bar%u=%s:0x%llx+", b, bar_kind(r), (unsigned long long)r->start);
		if (r->size)
			fprintf(o, "0x%llx", (unsigned long long)r->size);
		else
			fprintf(o, "?");	/* size not known: a dump without resource lines */
		fprintf(o, "%s", r->unassigned ? "(unassigned)" : "");
	}
	if (f->bridge)
		fprintf(o, " -[%02x-%02x]%s", f->secondary, f->subordinate, f->scanned ? "" : " not followed");
	fprintf(o, "\n");
	if (!f->bridge || !f->scanned || depth > 64)
		return;
	for (unsigned j = 0; j < t->nfn; j++)
		if (t->fn[j].parent == (int)i)
			tree_fn(o, t, j, depth + 1);
}

static void
pci_view_tree(FILE *o, const struct pci_tree *t)
{
	fprintf(o, "--- tree ---\n");
	for (unsigned r = 0; r < t->nroot; r++) {
		fprintf(o, "[%04x:%02x]%s%s\n", t->root[r].seg, t->root[r].bus, t->root[r].name[0] ? " " : "",
		    t->root[r].name);
		for (unsigned i = 0; i < t->nfn; i++)
			if (t->fn[i].parent < 0 && t->fn[i].a.seg == t->root[r].seg && t->fn[i].a.bus == t->root[r].bus)
				tree_fn(o, t, i, 0);
	}
	fprintf(o, "--- end ---\n");
}

static void
pci_view_notes(FILE *o, const struct pci_tree *t)
{
	fprintf(o, "--- notes ---\n");
	for (unsigned i = 0; i < t->nnote; i++)
		fprintf(o, "%s\n", t->note[i]);
	if (t->notes_dropped)
		fprintf(o, "%u more notes dropped\n", t->notes_dropped);
	fprintf(o, "--- end ---\n");
}

void
pci_views(FILE *o, const struct pci_tree *t)
{
	pci_view_lspci_n(o, t);
	pci_view_intx(o, t);
	pci_view_bars(o, t);
	pci_view_buses(o, t);
	pci_view_caps(o, t);
	pci_view_tree(o, t);
	pci_view_notes(o, t);
}
