/* Policies of the platform driver's config (policy.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/pci_class.h>

#include "policy.h"

/* Genode trims spaces (only ' ') around labels and selector values before comparing. */
static void
trimmed(const char *s, const char **start, size_t *len)
{
	size_t n;

	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	*start = s;
	*len = n;
}

static int
read_match(const struct mkx_xml *e, struct pci_policy_match *m, char *why, size_t whylen)
{
	unsigned long v, d;
	const char *cls = mkx_xml_attr(e, "class");
	int vid = !!mkx_xml_attr(e, "vendor_id"), did = !!mkx_xml_attr(e, "device_id");

	memset(m, 0, sizeof *m);
	if (!strcmp(e->name, "device")) {
		const char *n = mkx_xml_attr(e, "name");

		if (!n || !n[0] || strlen(n) >= sizeof m->name) {
			snprintf(why, whylen, "line %d: <device name=\"...\"/> expected (a name of 1 to %zu characters)",
			    e->line, sizeof m->name - 1);
			return -EINVAL;
		}
		m->kind = MATCH_NAME;
		snprintf(m->name, sizeof m->name, "%s", n);
		return 0;
	}
	if (strcmp(e->name, "pci")) {
		snprintf(why, whylen, "line %d: unknown element <%s> in a <policy>", e->line, e->name);
		return -EINVAL;
	}
	m->kind = MATCH_PCI;
	if (cls) {
		if (mkx_pci_class_parse(cls, &m->class, &m->mask)) {
			snprintf(why, whylen, "line %d: class \"%s\" is neither a Genode class name (%s) nor 0xCC[SS[PP]]",
			    e->line, cls, mkx_pci_class_names());
			return -EINVAL;
		}
		m->has_class = 1;
	}
	if (vid || did) {
		if (mkx_xml_attr_ulong(e, "vendor_id", 0, &v) || mkx_xml_attr_ulong(e, "device_id", 0, &d) ||
		    v > 0xffff || d > 0xffff) {
			snprintf(why, whylen, "line %d: <pci> needs class=, or both vendor_id= and device_id=", e->line);
			return -EINVAL;
		}
		m->has_ids = 1;
		m->vendor = (unsigned)v;
		m->device = (unsigned)d;
	}
	if (!m->has_class && !m->has_ids) {
		snprintf(why, whylen, "line %d: <pci> needs class=, or both vendor_id= and device_id=", e->line);
		return -EINVAL;
	}
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

/* One label selector: present?, its value trimmed. 0 or -EINVAL (too long). */
static int
selector(const struct mkx_xml *p, const char *attr, int *has, char *out, size_t outlen)
{
	const char *v = mkx_xml_attr(p, attr), *s;
	size_t n;

	*has = !!v;
	if (!v)
		return 0;
	trimmed(v, &s, &n);
	if (n >= outlen)
		return -EINVAL;
	snprintf(out, outlen, "%.*s", (int)n, s);
	return 0;
}

static int
read_policy(const struct mkx_xml *p, struct pci_policy *pol, char *why, size_t whylen)
{
	memset(pol, 0, sizeof *pol);
	pol->line = p->line;
	pol->is_default = !strcmp(p->name, "default-policy");
	if (selector(p, "label", &pol->has_label, pol->label, sizeof pol->label) ||
	    selector(p, "label_prefix", &pol->has_prefix, pol->label_prefix, sizeof pol->label_prefix) ||
	    selector(p, "label_suffix", &pol->has_suffix, pol->label_suffix, sizeof pol->label_suffix)) {
		snprintf(why, whylen, "line %d: label=, label_prefix= and label_suffix= take under 128 characters",
		    p->line);
		return -EINVAL;
	}
	/* Genode ignores a <policy> without any selector (it never matches): say so instead. */
	if (!pol->is_default && !pol->has_label && !pol->has_prefix && !pol->has_suffix) {
		snprintf(why, whylen, "line %d: a <policy> needs label=, label_prefix= or label_suffix= "
		    "(<default-policy> is the one for every other label)", p->line);
		return -EINVAL;
	}
	if ((pol->info = mkx_xml_attr_bool(p, "info", 0)) < 0) {
		snprintf(why, whylen, "line %d: info takes yes or no", p->line);
		return -EINVAL;
	}
	snprintf(pol->version, sizeof pol->version, "%s", mkx_xml_attr(p, "version") ? mkx_xml_attr(p, "version") : "");
	if (size_attr(p, "dma_quota", &pol->dma_quota)) {
		snprintf(why, whylen, "line %d: dma_quota takes bytes (a number, K, M or G after it), above 0", p->line);
		return -EINVAL;
	}
	for (const struct mkx_xml *e = p->child; e; e = e->next) {
		if (pol->nmatch == PCI_POLICY_MATCHES_MAX) {
			snprintf(why, whylen, "line %d: more than %u devices in one policy", e->line, PCI_POLICY_MATCHES_MAX);
			return -EINVAL;
		}
		if (read_match(e, &pol->match[pol->nmatch], why, whylen))
			return -EINVAL;
		pol->nmatch++;
	}
	return 0;
}

int
pci_policies_read(const struct mkx_xml *conf, struct pci_policy *out, unsigned max, char *why, size_t whylen)
{
	unsigned n = 0, defaults = 0;

	for (const struct mkx_xml *p = conf ? conf->child : NULL; p; p = p->next) {
		if (strcmp(p->name, "policy") && strcmp(p->name, "default-policy"))
			continue;
		if (n == max) {
			snprintf(why, whylen, "line %d: more than %u policies", p->line, max);
			return -EINVAL;
		}
		if (!strcmp(p->name, "default-policy") && defaults++) {
			snprintf(why, whylen, "line %d: a second <default-policy> (Genode uses the first only)", p->line);
			return -EINVAL;
		}
		if (read_policy(p, &out[n], why, whylen))
			return -EINVAL;
		n++;
	}
	return (int)n;
}

/*
 * Genode's Node_label_score: how well a policy's selectors match a label.
 * prefix/suffix: matched characters + 1, 0 when the selector is present
 * and does not match (a conflict).
 */
struct score {
	int	label, prefix, suffix;		/* selector present */
	int	label_ok;
	size_t	prefix_len, suffix_len;
};

static struct score
score_of(const struct pci_policy *p, const char *label)
{
	struct score s = { p->has_label, p->has_prefix, p->has_suffix, 0, 0, 0 };
	const char *l;
	size_t n, k;

	trimmed(label, &l, &n);
	if (s.label)
		s.label_ok = strlen(p->label) == n && !strncmp(p->label, l, n);
	k = strlen(p->label_prefix);
	if (s.prefix && k <= n && !strncmp(p->label_prefix, l, k))
		s.prefix_len = k + 1;
	k = strlen(p->label_suffix);
	if (s.suffix && k <= n && !strncmp(p->label_suffix, l + n - k, k))
		s.suffix_len = k + 1;
	return s;
}

static int
conflict(const struct score *s)
{
	return (s->label && !s->label_ok) || (s->prefix && !s->prefix_len) || (s->suffix && !s->suffix_len);
}

/* Genode's Node_label_score::stronger: is a strictly better than b? */
static int
stronger(const struct score *a, const struct score *b)
{
	if (!(a->label || a->prefix || a->suffix) || conflict(a))
		return 0;
	if (conflict(b))
		return 1;
	if (a->label != b->label)
		return a->label;
	if (b->label)
		return 0;	/* both exact: equally good */
	if (a->prefix != b->prefix)
		return a->prefix;
	if (a->prefix && a->prefix_len != b->prefix_len)
		return a->prefix_len > b->prefix_len;
	if (a->suffix != b->suffix)
		return a->suffix;
	if (a->suffix && a->suffix_len != b->suffix_len)
		return a->suffix_len > b->suffix_len;
	return 0;
}

const struct pci_policy *
pci_policy_for(const struct pci_policy *p, unsigned n, const char *label)
{
	/* Genode starts from a score that is a conflict (nothing present): any non-conflicting policy beats it. */
	struct score best = { 1, 0, 0, 0, 0, 0 }, s;
	const struct pci_policy *found = NULL, *fallback = NULL;

	for (unsigned i = 0; i < n; i++) {
		if (p[i].is_default) {
			if (!fallback)
				fallback = &p[i];
			continue;
		}
		s = score_of(&p[i], label);
		if (stronger(&s, &best)) {
			best = s;
			found = &p[i];
		}
	}
	return found ? found : fallback;
}

int
pci_policy_has_name(const struct pci_policy *p, const char *name)
{
	for (unsigned i = 0; i < p->nmatch; i++)
		if (p->match[i].kind == MATCH_NAME && !strcmp(p->match[i].name, name))
			return 1;
	return 0;
}

int
pci_policy_has(const struct pci_policy *p, const struct pci_fn *f)
{
	char n[16];

	if (pci_policy_has_name(p, pci_name(f->a, n)))
		return 1;
	for (unsigned i = 0; i < p->nmatch; i++) {
		const struct pci_policy_match *m = &p->match[i];

		if (m->kind != MATCH_PCI)
			continue;
		/* Genode: the class alias matches, or both IDs do. */
		if ((m->has_class && mkx_pci_class_match(m->class, m->mask, f->class)) ||
		    (m->has_ids && f->vendor == m->vendor && f->device == m->device))
			return 1;
	}
	return 0;
}
