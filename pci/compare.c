/*
 * Two walks of the same machine through different config access (ECAM
 * and conf1) must agree on everything conf1 can see: the functions, their
 * identity, BARs, bus numbers and the capability list below 0x100.
 */
#include <stdio.h>
#include <string.h>

#include "compare.h"

static int
same_bar(const struct pci_bar *x, const struct pci_bar *y)
{
	return x->kind == y->kind && x->start == y->start && x->size == y->size && x->prefetch == y->prefetch;
}

int
pci_tree_compare(const struct pci_tree *a, const struct pci_tree *b, char *why, size_t whylen)
{
	char n[16];

	if (a->nfn != b->nfn) {
		snprintf(why, whylen, "%u functions against %u", a->nfn, b->nfn);
		return -1;
	}
	for (unsigned i = 0; i < a->nfn; i++) {
		const struct pci_fn *x = &a->fn[i], *y = &b->fn[i];

		pci_name(x->a, n);
		if (memcmp(&x->a, &y->a, sizeof x->a)) {
			snprintf(why, whylen, "function %u is %s in one walk, not in the other", i, n);
			return -1;
		}
		if (x->vendor != y->vendor || x->device != y->device || x->class != y->class || x->rev != y->rev) {
			snprintf(why, whylen, "%s: identity differs", n);
			return -1;
		}
		for (unsigned r = 0; r < 6; r++)
			if (!same_bar(&x->bar[r], &y->bar[r])) {
				snprintf(why, whylen, "%s: BAR%u differs", n, r);
				return -1;
			}
		if (x->bridge != y->bridge || x->secondary != y->secondary || x->subordinate != y->subordinate) {
			snprintf(why, whylen, "%s: bus numbers differ", n);
			return -1;
		}
		if (x->ncap != y->ncap) {
			snprintf(why, whylen, "%s: %u capabilities against %u", n, x->ncap, y->ncap);
			return -1;
		}
		for (unsigned c = 0; c < x->ncap; c++)
			if (x->cap[c].off != y->cap[c].off || x->cap[c].id != y->cap[c].id) {
				snprintf(why, whylen, "%s: capability %u differs", n, c);
				return -1;
			}
	}
	return 0;
}
