/*
 * Enumeration: every root bus, then depth-first through bridges. Bus
 * numbers are the firmware's, used as they are; each one is checked
 * before it is followed (inside the parent's range, not claimed by a
 * sibling, not seen before), so a broken or hostile topology is reported
 * and skipped, never looped on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pci.h"

#define DEPTH_MAX 64	/* deeper than any real hierarchy; the seen-bitmap bounds it anyway */

struct walk {
	struct pci_tree		*t;
	const struct pci_cfg	*c;
	struct seen {
		unsigned	seg;
		uint8_t		bus[32];	/* 256 bits */
	}			seen[PCI_ROOTS_MAX];
	unsigned		nseen;
};

const char *
pci_name(struct pci_addr a, char buf[16])
{
	if (a.seg)
		snprintf(buf, 16, "%04x:%02x:%02x.%u", a.seg & 0xfffff, a.bus & 0xff, a.dev & 0x1f, a.fn & 7);
	else
		snprintf(buf, 16, "%02x:%02x.%u", a.bus & 0xff, a.dev & 0x1f, a.fn & 7);
	return buf;
}

void
pci_note(struct pci_tree *t, const char *fmt, ...)
{
	va_list ap;

	if (t->nnote >= PCI_NOTES_MAX) {
		t->notes_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(t->note[t->nnote++], sizeof t->note[0], fmt, ap);
	va_end(ap);
}

int
pci_tree_add_root(struct pci_tree *t, unsigned seg, unsigned bus, unsigned bus_end, const char *name)
{
	for (unsigned i = 0; i < t->nroot; i++)
		if (t->root[i].seg == seg && t->root[i].bus == bus) {
			if (name && name[0] && !t->root[i].name[0])
				snprintf(t->root[i].name, sizeof t->root[i].name, "%s", name);
			return 0;
		}
	if (t->nroot >= PCI_ROOTS_MAX || bus > 255)
		return -ENOSPC;
	t->root[t->nroot] = (struct pci_root){ seg, bus, bus_end > 255 ? 255 : bus_end, "" };
	if (name)
		snprintf(t->root[t->nroot].name, sizeof t->root[0].name, "%s", name);
	t->nroot++;
	return 0;
}

int
pci_tree_add_peer_scan(struct pci_tree *t, unsigned seg, unsigned lo, unsigned hi)
{
	if (t->npeer_scan >= PCI_PEER_SCANS_MAX || lo > hi || hi > 255)
		return -ENOSPC;
	t->peer_scan[t->npeer_scan++] = (struct pci_peer_scan){ seg, lo, hi };
	return 0;
}

void
pci_tree_free(struct pci_tree *t)
{
	free(t->fn);
	t->fn = NULL;
	t->nfn = 0;
}

int
pci_find(const struct pci_tree *t, struct pci_addr a)
{
	for (unsigned i = 0; i < t->nfn; i++)
		if (t->fn[i].a.seg == a.seg && t->fn[i].a.bus == a.bus && t->fn[i].a.dev == a.dev &&
		    t->fn[i].a.fn == a.fn)
			return (int)i;
	return -1;
}

/* Mark (seg, bus) seen; 1 if it was seen before, -1 if there is no room to remember it. */
static int
mark_seen(struct walk *w, unsigned seg, unsigned bus)
{
	struct seen *s = NULL;
	int was;

	for (unsigned i = 0; i < w->nseen; i++)
		if (w->seen[i].seg == seg)
			s = &w->seen[i];
	if (!s) {
		if (w->nseen >= PCI_ROOTS_MAX)
			return -1;
		s = &w->seen[w->nseen++];
		memset(s, 0, sizeof *s);
		s->seg = seg;
	}
	was = s->bus[bus / 8] >> (bus % 8) & 1;
	s->bus[bus / 8] |= (uint8_t)(1u << (bus % 8));
	return was;
}

/* Read the identity and header of a present function into f. */
static void
read_header(const struct pci_cfg *c, struct pci_fn *f)
{
	struct pci_addr a = f->a;
	uint32_t id = pci_rd(c, a, 0x00, 4), cs = pci_rd(c, a, 0x04, 4), cr = pci_rd(c, a, 0x08, 4);
	uint32_t hdr = pci_rd(c, a, 0x0c, 4), intr = pci_rd(c, a, 0x3c, 4);

	f->vendor = (uint16_t)id;
	f->device = (uint16_t)(id >> 16);
	f->command = (uint16_t)cs;
	f->status = (uint16_t)(cs >> 16);
	f->rev = (uint8_t)cr;
	f->class = cr >> 8;
	f->hdr_type = (uint8_t)(hdr >> 16) & 0x7f;
	f->multifunction = (hdr >> 23) & 1;
	f->line = (uint8_t)intr;
	f->pin = (uint8_t)(intr >> 8);
	f->space = c->ops->space(c->ctx, a);
	if (f->hdr_type == 0) {
		uint32_t sub = pci_rd(c, a, 0x2c, 4);

		f->sub_vendor = (uint16_t)sub;
		f->sub_device = (uint16_t)(sub >> 16);
	} else if (f->hdr_type == 2) {
		uint32_t sub = pci_rd(c, a, 0x40, 4);

		f->sub_vendor = (uint16_t)sub;
		f->sub_device = (uint16_t)(sub >> 16);
	}
	if (f->hdr_type == 1 || f->hdr_type == 2) {
		uint32_t b = pci_rd(c, a, 0x18, 4);

		f->bridge = 1;
		f->primary = b & 0xff;
		f->secondary = (b >> 8) & 0xff;
		f->subordinate = (b >> 16) & 0xff;
	}
}

static void scan_bus(struct walk *, unsigned seg, unsigned bus, unsigned lo, unsigned hi, int parent,
    unsigned depth);

/* Is a bridge's [secondary, subordinate] one to follow? If not, say why in the notes. */
static int
bridge_ok(struct walk *w, const struct pci_fn *b, unsigned lo, unsigned hi, unsigned bus)
{
	char n[16];

	pci_name(b->a, n);
	if (b->secondary == 0 && b->subordinate == 0) {
		pci_note(w->t, "%s: bridge without bus numbers (firmware assigned none): nothing behind it scanned", n);
		return 0;
	}
	if (b->primary != bus)
		pci_note(w->t, "%s: bridge's primary bus %02x is not the bus it sits on (%02x): used as it is",
		    n, b->primary, bus);
	if (b->secondary <= bus || b->secondary > b->subordinate || b->secondary < lo || b->subordinate > hi) {
		pci_note(w->t, "%s: bridge's buses [%02x-%02x] are not inside its parent's range [%02x-%02x] "
		    "(secondary must be above %02x): skipped", n, b->secondary, b->subordinate, lo, hi, bus);
		return 0;
	}
	/* A sibling that claims any of the same buses: the first one keeps them. */
	for (unsigned i = 0; i < w->t->nfn; i++) {
		const struct pci_fn *o = &w->t->fn[i];
		char on[16];

		if (o == b || !o->bridge || !o->scanned || o->a.seg != b->a.seg || o->a.bus != b->a.bus)
			continue;
		if (b->secondary <= o->subordinate && o->secondary <= b->subordinate) {
			pci_note(w->t, "%s: bridge's buses [%02x-%02x] overlap those of %s [%02x-%02x]: skipped",
			    n, b->secondary, b->subordinate, pci_name(o->a, on), o->secondary, o->subordinate);
			return 0;
		}
	}
	return 1;
}

/* Add the function at a if it answers; its index, or -1. */
static int
add_function(struct walk *w, struct pci_addr a, int parent)
{
	struct pci_tree *t = w->t;
	struct pci_fn *f;
	uint32_t id = pci_rd(w->c, a, 0x00, 4);
	char n[16];

	if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
		return -1;
	pci_name(a, n);
	if (t->nfn >= PCI_FNS_MAX) {
		pci_note(t, "%s: more than %u functions: not recorded", n, PCI_FNS_MAX);
		return -1;
	}
	f = &t->fn[t->nfn];
	memset(f, 0, sizeof *f);
	f->a = a;
	f->parent = parent;
	read_header(w->c, f);
	if (f->hdr_type > 2)
		pci_note(t, "%s: unknown header type %u: identity only", n, f->hdr_type);
	else
		/* A CardBus bridge has one BAR: its socket/ExCA registers (lspci shows it as such). */
		pci_bars_probe(t, w->c, f, f->hdr_type == 0 ? 6 : f->hdr_type == 1 ? 2 : 1);
	pci_caps_walk(t, w->c, f);
	/* Still there? A function that went away during the walk is not reported as if it were whole. */
	if (pci_rd(w->c, a, 0x00, 4) != id) {
		pci_note(t, "%s: vanished while it was read (IDs %04x:%04x now read %08x): dropped", n,
		    id & 0xffff, id >> 16, pci_rd(w->c, a, 0x00, 4));
		return -1;
	}
	t->nfn++;
	return (int)(t->nfn - 1);
}

static void
scan_bus(struct walk *w, unsigned seg, unsigned bus, unsigned lo, unsigned hi, int parent, unsigned depth)
{
	int seen = mark_seen(w, seg, bus);

	if (seen) {
		pci_note(w->t, "bus %04x:%02x %s: skipped", seg, bus,
		    seen > 0 ? "reached a second time" : "in more segments than the walk remembers");
		return;
	}
	if (depth > DEPTH_MAX) {
		pci_note(w->t, "bus %04x:%02x: bridges nested deeper than %u: skipped", seg, bus, DEPTH_MAX);
		return;
	}
	for (unsigned dev = 0; dev < 32; dev++) {
		unsigned nfn = 1;

		for (unsigned fn = 0; fn < nfn; fn++) {
			struct pci_addr a = { seg, bus, dev, fn };
			int i = add_function(w, a, parent);
			struct pci_fn *f;

			if (i < 0)
				continue;
			f = &w->t->fn[i];
			if (fn == 0 && f->multifunction)
				nfn = 8;
			if (!f->bridge || !bridge_ok(w, f, lo, hi, bus))
				continue;
			f->scanned = 1;
			scan_bus(w, seg, f->secondary, f->secondary, f->subordinate, i, depth + 1);
		}
	}
}

/* Has the walk scanned (seg, bus), or does a bridge it followed decode it? */
static int
reached(const struct walk *w, unsigned seg, unsigned bus)
{
	for (unsigned i = 0; i < w->nseen; i++)
		if (w->seen[i].seg == seg && (w->seen[i].bus[bus / 8] >> (bus % 8) & 1))
			return 1;
	for (unsigned i = 0; i < w->t->nfn; i++) {
		const struct pci_fn *f = &w->t->fn[i];

		if (f->scanned && f->a.seg == seg && bus >= f->secondary && bus <= f->subordinate)
			return 1;
	}
	return 0;
}

/*
 * Peer root buses. Firmware need not describe every host bridge: Intel's
 * uncore devices (buses 0x3f, 0x7f, 0xff on many Xeons and desktops)
 * sit behind host bridges no ACPI root bridge names, and no bridge leads
 * to them. Linux on x86 finds them by trying every bus number it does
 * not know yet, up to the last bus the firmware gives (MCFG's): if
 * function 0 of any device there answers with a vendor ID other than 0
 * and ffff, the bus is taken as another root bus and walked. The same
 * rule here, within the ranges the caller gives (pci_tree_add_peer_scan:
 * the MCFG windows), with one more condition: a bus inside the range of
 * a bridge the walk followed belongs to that bridge, so it is never a
 * peer. Each peer bus is walked as a root of its own (up to the end of
 * its range) and is named PCI_PEER_PROBED, with a note: how it was found.
 */
static void
scan_peers(struct walk *w, const struct pci_peer_scan *ps)
{
	struct pci_tree *t = w->t;

	for (unsigned bus = ps->lo; bus <= ps->hi; bus++) {
		uint32_t v = 0;
		int err = 0;
		unsigned dev;

		if (reached(w, ps->seg, bus))
			continue;
		for (dev = 0; dev < 32; dev++) {
			err = w->c->ops->read(w->c->ctx, (struct pci_addr){ ps->seg, bus, dev, 0 }, 0, 4, &v);
			if (err || ((v & 0xffff) != 0xffff && (v & 0xffff) != 0))
				break;
		}
		if (err == -ENOENT) {
			pci_note(t, "peer bus scan %04x:[%02x-%02x]: %s config access does not reach bus %02x: "
			    "stopped there", ps->seg, ps->lo, ps->hi, w->c->ops->name, bus);
			return;
		}
		if (err || dev == 32)
			continue;
		if (pci_tree_add_root(t, ps->seg, bus, ps->hi, PCI_PEER_PROBED)) {
			pci_note(t, "bus %04x:%02x: device %02x answers, but the walk holds no more root buses (%u): "
			    "not walked", ps->seg, bus, dev, PCI_ROOTS_MAX);
			return;
		}
		pci_note(t, "bus %04x:%02x: found by probing (device %02x function 0 answers %04x:%04x), reached by "
		    "no root bridge or bridge: walked as a peer root bus", ps->seg, bus, dev, v & 0xffff, v >> 16);
		scan_bus(w, ps->seg, bus, bus, ps->hi, -1, 0);
	}
}

static int
root_cmp(const void *x, const void *y)
{
	const struct pci_root *a = x, *b = y;

	return a->seg != b->seg ? (a->seg < b->seg ? -1 : 1) : (a->bus < b->bus ? -1 : a->bus > b->bus);
}

int
pci_enumerate(struct pci_tree *t, const struct pci_cfg *c)
{
	struct walk w = { .t = t, .c = c };

	if (!t->fn && !(t->fn = calloc(PCI_FNS_MAX, sizeof *t->fn)))
		return -ENOMEM;
	t->nfn = 0;
	if (!t->nroot)
		pci_tree_add_root(t, 0, 0, 255, "");
	qsort(t->root, t->nroot, sizeof t->root[0], root_cmp);
	/* A root bridge decodes its bus up to the next root bridge's bus in the same segment. */
	for (unsigned i = 0; i + 1 < t->nroot; i++)
		if (t->root[i + 1].seg == t->root[i].seg && t->root[i].bus_end >= t->root[i + 1].bus)
			t->root[i].bus_end = t->root[i + 1].bus - 1;
	for (unsigned i = 0; i < t->nroot; i++) {
		const struct pci_root *r = &t->root[i];
		uint32_t v;

		/* A root bus no access reaches (a segment without ECAM window, conf1 beyond segment 0): say so. */
		if (c->ops->read(c->ctx, (struct pci_addr){ r->seg, r->bus, 0, 0 }, 0, 4, &v) == -ENOENT) {
			pci_note(t, "root bus %04x:%02x%s%s: %s config access does not reach it: not enumerated", r->seg,
			    r->bus, r->name[0] ? " of " : "", r->name, c->ops->name);
			continue;
		}
		scan_bus(&w, r->seg, r->bus, r->bus, r->bus_end, -1, 0);
	}
	for (unsigned i = 0; i < t->npeer_scan; i++)
		scan_peers(&w, &t->peer_scan[i]);
	return 0;
}

static int
addr_cmp(struct pci_addr a, struct pci_addr b)
{
	/* 64 bits: a domain may have 5 digits (lspci reads up to 0xfffff). */
	unsigned long long x = (unsigned long long)a.seg << 16 | a.bus << 8 | a.dev << 3 | a.fn;
	unsigned long long y = (unsigned long long)b.seg << 16 | b.bus << 8 | b.dev << 3 | b.fn;

	return x < y ? -1 : x > y;
}

void
pci_sort(struct pci_tree *t)
{
	unsigned n = t->nfn;
	int *pos;
	struct pci_fn *out;

	if (n < 2 || !(pos = malloc(n * sizeof *pos)))
		return;
	if (!(out = calloc(PCI_FNS_MAX, sizeof *out))) {
		free(pos);
		return;
	}
	/* Insertion by rank: n is small (at most PCI_FNS_MAX), and the order must be stable. */
	for (unsigned i = 0; i < n; i++) {
		unsigned rank = 0;

		for (unsigned j = 0; j < n; j++)
			if (addr_cmp(t->fn[j].a, t->fn[i].a) < 0 || (addr_cmp(t->fn[j].a, t->fn[i].a) == 0 && j < i))
				rank++;
		pos[i] = (int)rank;
	}
	for (unsigned i = 0; i < n; i++) {
		out[pos[i]] = t->fn[i];
		if (out[pos[i]].parent >= 0)
			out[pos[i]].parent = pos[out[pos[i]].parent];
	}
	free(t->fn);
	t->fn = out;
	free(pos);
}
