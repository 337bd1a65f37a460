/*
 * The platform driver's policies applied to a recorded machine, offline:
 * per policy the functions it gives (pci_policy_has, as the live driver
 * decides), each one's resources as a session would get them (memory
 * BARs in io_mem's order, I/O BARs in io_port's, the interrupt in irq's
 * order: MSI-X, MSI, INTx), and what the live driver refuses on that
 * machine whatever the session does: unassigned BARs, an interrupt when
 * the function has neither MSI nor a routed pin. Also what a config gets
 * wrong: entries that match nothing in the record, functions two policies
 * give (one session holds a function at a time), functions no policy
 * gives. Decisions that core takes at run time (its own <io_mem>/<irq>
 * policies, MSI only behind an IOMMU) are said, not guessed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "policy_replay.h"

#define CAP_MSI		0x05
#define CAP_MSIX	0x11

static int
has_cap(const struct pci_fn *f, unsigned id)
{
	for (unsigned c = 0; c < f->ncap; c++)
		if (f->cap[c].id == id)
			return 1;
	return 0;
}

/* 'label="x" label_prefix="y"' or 'default-policy', and the line. */
static const char *
selector(const struct pci_policy *p, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	if (p->is_default)
		n += (size_t)snprintf(buf, len, "default-policy");
	if (p->has_label && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%slabel=\"%s\"", n ? " " : "", p->label);
	if (p->has_prefix && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%slabel_prefix=\"%s\"", n ? " " : "", p->label_prefix);
	if (p->has_suffix && n < len)
		snprintf(buf + n, len - n, "%slabel_suffix=\"%s\"", n ? " " : "", p->label_suffix);
	return buf;
}

/* A config element as written: <NAME a="v" ...> (line N). */
static void
element(FILE *o, const struct mkx_xml *e)
{
	fprintf(o, "<%s", e->name);
	for (char **a = e->attrs; a && a[0] && a[1]; a += 2)
		fprintf(o, " %s=\"%s\"", a[0], a[1]);
	fprintf(o, "/> (line %d)", e->line);
}

/* One given function: its resources as a session gets them, and its refusals. */
static void
resources(FILE *o, const struct pci_fn *f)
{
	const char *kinds[] = { "none", "mem32", "mem64", "io" };
	unsigned nmem = 0, nio = 0;
	char n[16];

	pci_name(f->a, n);
	for (unsigned b = 0; b < 6; b++) {
		const struct pci_bar *r = &f->bar[b];

		if (r->kind == PCI_BAR_NONE)
			continue;
		if (r->unassigned) {
			fprintf(o, "  refused %s BAR%u: unassigned (the firmware left it no address): not handed out\n", n, b);
			continue;
		}
		fprintf(o, "  %s %s %u BAR%u %s%s 0x%llx+", r->kind == PCI_BAR_IO ? "io" : "mem", n,
		    r->kind == PCI_BAR_IO ? nio++ : nmem++, b, kinds[r->kind], r->prefetch ? "-prefetch" : "",
		    (unsigned long long)r->start);
		if (r->size)
			fprintf(o, "0x%llx\n", (unsigned long long)r->size);
		else
			fprintf(o, "size-unknown (the record has no resource lines for it)\n");
	}
	/* irq(): MSI-X, else MSI, else a routed pin; core refuses MSI without an IOMMU, then the next is tried. */
	{
		char line[400] = "";
		size_t k = 0;

		if (has_cap(f, CAP_MSIX))
			k += (size_t)snprintf(line + k, sizeof line - k, "MSI-X");
		if (has_cap(f, CAP_MSI))
			k += (size_t)snprintf(line + k, sizeof line - k, "%sMSI", k ? ", else " : "");
		if (f->pin && f->pin <= 4 && f->intx.routed)
			snprintf(line + k, sizeof line - k, "%sINT%c GSI %u %s %s", k ? ", else " : "", 'A' + f->pin - 1,
			    f->intx.gsi, f->intx.level ? "level" : "edge", f->intx.active_low ? "low" : "high");
		if (line[0])
			fprintf(o, "  irq %s %s\n", n, line);
		if (!f->pin)
			; /* no pin: nothing more to say (MSI only, or no interrupt at all: below) */
		else if (f->pin > 4 || !f->intx.routed)
			fprintf(o, "  %s %s irq INT%c: unrouted: %s\n", line[0] ? "fallback-refused" : "refused", n,
			    f->pin <= 4 ? 'A' + f->pin - 1 : '?', f->intx.how);
		if (!line[0] && !f->pin)
			fprintf(o, "  refused %s irq: no MSI/MSI-X and no interrupt pin\n", n);
	}
}

/* Does the match entry m give any function of t? */
static int
match_hits(const struct pci_tree *t, const struct pci_policy_match *m)
{
	struct pci_policy one;

	memset(&one, 0, sizeof one);
	one.match[0] = *m;
	one.nmatch = 1;
	for (unsigned i = 0; i < t->nfn; i++)
		if (pci_policy_has(&one, &t->fn[i]))
			return 1;
	return 0;
}

int
pci_policy_replay(FILE *o, const struct pci_tree *t, const struct mkx_xml *conf, char *why, size_t whylen)
{
	static struct pci_policy pol[PCI_POLICIES_MAX];
	const struct mkx_xml *pe = conf ? conf->child : NULL;
	char sel[420], sel2[420], n[16];
	int np = pci_policies_read(conf, pol, PCI_POLICIES_MAX, why, whylen);

	if (np < 0)
		return -EINVAL;
	fprintf(o, "--- policies ---\n");
	if (!np)
		fprintf(o, "no <policy> and no <default-policy>: every Platform session is refused\n");
	for (int p = 0; p < np; p++) {
		const struct pci_policy *P = &pol[p];
		unsigned given = 0, k = 0;

		/* The config element of this policy (pci_policies_read keeps the document's order). */
		while (pe && strcmp(pe->name, "policy") && strcmp(pe->name, "default-policy"))
			pe = pe->next;
		for (unsigned i = 0; i < t->nfn; i++)
			given += (unsigned)pci_policy_has(P, &t->fn[i]);
		fprintf(o, "policy %s (line %d): %u function%s\n", selector(P, sel, sizeof sel), P->line, given,
		    given == 1 ? "" : "s");
		for (unsigned i = 0; i < t->nfn; i++) {
			const struct pci_fn *f = &t->fn[i];

			if (!pci_policy_has(P, f))
				continue;
			fprintf(o, "  gets %s %04x:%04x [%04x]\n", pci_name(f->a, n), f->vendor, f->device, f->class >> 8);
			resources(o, f);
			for (int q = 0; q < np; q++)
				if (q != p && pci_policy_has(&pol[q], f))
					fprintf(o, "  shared %s also given by policy %s (line %d): one session holds it at a "
					    "time\n", n, selector(&pol[q], sel2, sizeof sel2), pol[q].line);
		}
		/* Entries that give nothing here: a typo, or a device this machine does not have. */
		for (const struct mkx_xml *e = pe ? pe->child : NULL; e && k < P->nmatch; e = e->next, k++)
			if (!match_hits(t, &P->match[k])) {
				fprintf(o, "  unmatched ");
				element(o, e);
				fprintf(o, ": %s\n", P->match[k].kind == MATCH_NAME ? "no function of the record has this "
				    "name (a non-PCI device comes from the devices ROM, not replayed here)" :
				    "matches no function of the record");
			}
		if (pe)
			pe = pe->next;
	}
	for (unsigned i = 0; i < t->nfn; i++) {
		int any = 0;

		for (int p = 0; p < np && !any; p++)
			any = pci_policy_has(&pol[p], &t->fn[i]);
		if (!any)
			fprintf(o, "no-policy %s %04x:%04x [%04x]: no policy gives it (a session asking for it: \"not in the "
			    "policy\")\n", pci_name(t->fn[i].a, n), t->fn[i].vendor, t->fn[i].device, t->fn[i].class >> 8);
	}
	fprintf(o, "core decides at run time: each BAR and interrupt against its own <io_mem>/<irq> policies; "
	    "MSI and MSI-X only with an IOMMU (else the next interrupt kind)\n");
	fprintf(o, "--- end ---\n");
	return 0;
}
