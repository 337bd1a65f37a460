/* Policies of the platform driver's config (policy.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

/* Genode's class aliases (base, sub, prog-if; a mask of 0xffff00 leaves prog-if open). */
static const struct {
	const char	*name;
	uint32_t	class, mask;
} aliases[] = {
	{ "AHCI", 0x010600, 0xffff00 }, { "AUDIO", 0x040100, 0xffff00 }, { "ETHERNET", 0x020000, 0xffff00 },
	{ "HDAUDIO", 0x040300, 0xffff00 }, { "ISABRIDGE", 0x060100, 0xffff00 }, { "NVME", 0x010802, 0xffffff },
	{ "USB", 0x0c0300, 0xffff00 }, { "USB4", 0x0c0340, 0xffffff }, { "VGA", 0x030000, 0xffffff },
	{ "WIFI", 0x028000, 0xffff00 }, { "HOSTBRIDGE", 0x060000, 0xffff00 },
};

/* A class: Genode's alias or a number (0xCC, 0xCCSS, 0xCCSSPP). 0 or -EINVAL. */
static int
pci_class_from(const char *s, uint32_t *class, uint32_t *mask)
{
	char *end;
	unsigned long v;
	size_t digits;

	for (unsigned i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (!strcmp(s, aliases[i].name)) {
			*class = aliases[i].class;
			*mask = aliases[i].mask;
			return 0;
		}
	if (strncmp(s, "0x", 2))
		return -EINVAL;
	v = strtoul(s + 2, &end, 16);
	digits = (size_t)(end - (s + 2));
	if (*end || (digits != 2 && digits != 4 && digits != 6))
		return -EINVAL;
	*class = (uint32_t)(v << (8 * (3 - digits / 2)));
	*mask = 0xffffffu << (8 * (3 - digits / 2)) & 0xffffff;
	return 0;
}

static int
read_match(const struct mkx_xml *e, struct pci_policy_match *m, char *why, size_t whylen)
{
	unsigned long v, d;

	memset(m, 0, sizeof *m);
	if (!strcmp(e->name, "device")) {
		struct pci_addr a;
		const char *n = mkx_xml_attr(e, "name");

		if (!n || pci_parse_addr(n, &a, NULL)) {
			snprintf(why, whylen, "line %d: <device name=\"BB:DD.F\"/> expected", e->line);
			return -EINVAL;
		}
		m->kind = MATCH_NAME;
		pci_name(a, m->name);
		return 0;
	}
	if (strcmp(e->name, "pci")) {
		snprintf(why, whylen, "line %d: unknown element <%s> in a <policy>", e->line, e->name);
		return -EINVAL;
	}
	if (mkx_xml_attr(e, "class")) {
		if (pci_class_from(mkx_xml_attr(e, "class"), &m->class, &m->mask)) {
			snprintf(why, whylen, "line %d: class \"%s\" is neither a Genode class name nor 0xCC[SS[PP]]",
			    e->line, mkx_xml_attr(e, "class"));
			return -EINVAL;
		}
		m->kind = MATCH_CLASS;
		return 0;
	}
	if (mkx_xml_attr_ulong(e, "vendor_id", 0, &v) || mkx_xml_attr_ulong(e, "device_id", 0, &d) ||
	    v > 0xffff || d > 0xffff) {
		snprintf(why, whylen, "line %d: <pci> needs class=, or both vendor_id= and device_id=", e->line);
		return -EINVAL;
	}
	m->kind = MATCH_ID;
	m->vendor = (unsigned)v;
	m->device = (unsigned)d;
	return 0;
}

/* A size attribute ("8M", "4096", "1G"), 0 when absent; -EINVAL when malformed or 0. */
static int
size_attr(const struct mkx_xml *x, const char *name, uint64_t *out)
{
	const char *v = mkx_xml_attr(x, name);
	unsigned long long n;
	char *end;

	*out = 0;
	if (!v)
		return 0;
	errno = 0;
	n = strtoull(v, &end, 0);
	if (errno || end == v || *v == '-')
		return -EINVAL;
	switch (*end) {
	case 'K': n <<= 10; end++; break;
	case 'M': n <<= 20; end++; break;
	case 'G': n <<= 30; end++; break;
	default: break;
	}
	if (*end || !n || n >= 1ull << 48)
		return -EINVAL;
	*out = n;
	return 0;
}

int
pci_policies_read(const struct mkx_xml *conf, struct pci_policy *out, unsigned max, char *why, size_t whylen)
{
	unsigned n = 0;

	for (const struct mkx_xml *p = conf ? mkx_xml_child(conf, "policy") : NULL; p; p = mkx_xml_next(p, "policy")) {
		struct pci_policy *pol = &out[n];
		const char *l = mkx_xml_attr(p, "label"), *lp = mkx_xml_attr(p, "label_prefix");

		if (n == max) {
			snprintf(why, whylen, "line %d: more than %u policies", p->line, max);
			return -EINVAL;
		}
		memset(pol, 0, sizeof *pol);
		pol->line = p->line;
		if (!l == !lp || strlen(l ? l : lp) >= sizeof pol->label) {
			snprintf(why, whylen, "line %d: a <policy> needs label= or label_prefix= (one, under 128 characters)",
			    p->line);
			return -EINVAL;
		}
		snprintf(l ? pol->label : pol->label_prefix, sizeof pol->label, "%s", l ? l : lp);
		if ((pol->info = mkx_xml_attr_bool(p, "info", 0)) < 0) {
			snprintf(why, whylen, "line %d: info takes yes or no", p->line);
			return -EINVAL;
		}
		snprintf(pol->version, sizeof pol->version, "%s", mkx_xml_attr(p, "version") ? mkx_xml_attr(p, "version") : "");
		if (size_attr(p, "dma_quota", &pol->dma_quota)) {
			snprintf(why, whylen, "line %d: dma_quota takes bytes (a number, K, M or G after it), above 0",
			    p->line);
			return -EINVAL;
		}
		for (const struct mkx_xml *e = p->child; e; e = e->next) {
			if (pol->nmatch == PCI_POLICY_MATCHES_MAX) {
				snprintf(why, whylen, "line %d: more than %u devices in one policy", e->line,
				    PCI_POLICY_MATCHES_MAX);
				return -EINVAL;
			}
			if (read_match(e, &pol->match[pol->nmatch], why, whylen))
				return -EINVAL;
			pol->nmatch++;
		}
		n++;
	}
	return (int)n;
}

const struct pci_policy *
pci_policy_for(const struct pci_policy *p, unsigned n, const char *label)
{
	const struct pci_policy *best = NULL;
	size_t best_len = 0;

	for (unsigned i = 0; i < n; i++) {
		if (p[i].label[0] && !strcmp(p[i].label, label))
			return &p[i];
		if (p[i].label_prefix[0] && !strncmp(p[i].label_prefix, label, strlen(p[i].label_prefix)) &&
		    strlen(p[i].label_prefix) > best_len) {
			best = &p[i];
			best_len = strlen(p[i].label_prefix);
		}
	}
	return best;
}

int
pci_policy_has(const struct pci_policy *p, const struct pci_fn *f)
{
	char n[16];

	pci_name(f->a, n);
	for (unsigned i = 0; i < p->nmatch; i++) {
		const struct pci_policy_match *m = &p->match[i];

		if ((m->kind == MATCH_NAME && !strcmp(m->name, n)) ||
		    (m->kind == MATCH_CLASS && (f->class & m->mask) == m->class) ||
		    (m->kind == MATCH_ID && f->vendor == m->vendor && f->device == m->device))
			return 1;
	}
	return 0;
}
