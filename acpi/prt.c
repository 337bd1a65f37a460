/*
 * _PRT (ACPI 6.4 6.2.13): a package of {Address, Pin, Source, SourceIndex}
 * packages. Source is 0 (SourceIndex is then the GSI) or a reference to a
 * PCI interrupt link device, printed as its absolute path.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "prt.h"

struct walk_ctx {
	struct aml_ns	*ns;
	FILE		*out, *err_log;
	int		errors;
};

static int
seg_is(const struct aml_node *n, const char *s)
{
	uint32_t v = aml_node_name(n);

	return !memcmp(&v, s, 4);
}

/* Format one entry; returns 0, or -EINVAL with why when it is not an entry. */
static int
entry(struct aml_obj *e, const char *prt, char *line, size_t len, char *why, size_t whylen)
{
	struct aml_obj *addr, *pin, *src, *idx;
	char source[256];

	if (e->type != AML_PKG || e->pkg.n < 4) {
		snprintf(why, whylen, "entry is a %s, not a 4-element Package",
		    e->type == AML_PKG ? "short Package" : "non-Package");
		return -EINVAL;
	}
	addr = e->pkg.e[0], pin = e->pkg.e[1], src = e->pkg.e[2], idx = e->pkg.e[3];
	if (addr->type != AML_INT || pin->type != AML_INT || idx->type != AML_INT) {
		snprintf(why, whylen, "Address, Pin and SourceIndex must be Integers");
		return -EINVAL;
	}
	if (src->type == AML_INT)
		snprintf(source, sizeof source, "%llu", (unsigned long long)src->i);
	else if (src->type == AML_NAMEREF) {
		if (!aml_nameref_node(src)) {
			snprintf(why, whylen, "Source %s does not exist", src->nref.path);
			return -EINVAL;
		}
		aml_path(src->nref.node, source, sizeof source);
	} else if (src->type == AML_REF && src->ref.kind == REF_NODE)
		aml_path(src->ref.node, source, sizeof source);
	else if (src->type == AML_STR)
		snprintf(source, sizeof source, "%s", src->s.p);
	else {
		snprintf(why, whylen, "Source is a %d object", src->type);
		return -EINVAL;
	}
	snprintf(line, len, "%s 0x%08llX %llu %s %llu", prt, (unsigned long long)addr->i,
	    (unsigned long long)pin->i, source, (unsigned long long)idx->i);
	return 0;
}

static void
one_prt(struct aml_node *n, void *arg)
{
	struct walk_ctx *w = arg;
	char path[256], err[1024], line[600], why[256];
	struct aml_obj *r;

	if (!seg_is(n, "_PRT"))
		return;
	aml_path(n, path, sizeof path);
	if (aml_eval(w->ns, n, NULL, 0, &r, err, sizeof err)) {
		fprintf(w->out, "%s ERROR %s\n", path, err);
		fprintf(w->err_log, "acpi: %s\n", err);
		w->errors++;
		return;
	}
	if (!r || r->type != AML_PKG) {
		fprintf(w->out, "%s ERROR returns a %s, not a Package\n", path, r ? "non-Package" : "nothing");
		fprintf(w->err_log, "acpi: %s: does not return a Package\n", path);
		w->errors++;
		return;
	}
	if (r->pkg.n == 0) {
		fprintf(w->out, "%s EMPTY\n", path);
		return;
	}
	for (uint32_t i = 0; i < r->pkg.n; i++) {
		if (entry(r->pkg.e[i], path, line, sizeof line, why, sizeof why)) {
			fprintf(w->err_log, "acpi: %s entry %u: %s; skipped\n", path, i, why);
			continue;
		}
		fprintf(w->out, "%s\n", line);
	}
}

/* Tell the firmware the interrupt model (ACPI 6.4 5.8.1), if it asks. */
static void
call_pic(struct aml_ns *ns, int pic, FILE *err_log)
{
	struct aml_node *picm = aml_lookup(ns, "\\_PIC");
	struct aml_obj *arg, *r;
	char err[512];

	if (!picm)
		return;
	arg = aml_int(ns, (uint64_t)pic);
	if (aml_eval(ns, picm, &arg, 1, &r, err, sizeof err))
		fprintf(err_log, "acpi: \\_PIC(%d): %s\n", pic, err);
}

int
prt_list(struct aml_ns *ns, int pic, FILE *out, FILE *err_log)
{
	struct walk_ctx w = { ns, out, err_log, 0 };

	call_pic(ns, pic, err_log);
	aml_walk(ns, one_prt, &w);
	return w.errors;
}

struct route_ctx {
	struct aml_ns	*ns;
	void		(*fn)(const struct prt_route *, void *);
	void		*arg;
	FILE		*err_log;
	int		errors;
};

/*
 * Every interrupt a resource template names (IRQ masks and Extended
 * Interrupt lists), in order, into out[max]; their number (may exceed max).
 * For the reason of an unrouted link: what _PRS offers.
 */
static unsigned
template_irqs(const struct aml_obj *b, uint32_t *out, unsigned max)
{
	const uint8_t *p = b->b.p;
	uint32_t n = b->b.len;
	unsigned k = 0;

	for (uint32_t o = 0; o < n;) {
		uint8_t tag = p[o];

		if (!(tag & 0x80)) {
			unsigned type = (tag >> 3) & 0xf, len = tag & 7;

			if (o + 1 + len > n || type == 0xf)
				break;
			if (type == 0x4 && len >= 2)
				for (unsigned i = 0; i < 16; i++)
					if ((p[o + 1] | p[o + 2] << 8) >> i & 1 && k++ < max)
						out[k - 1] = i;
			o += 1 + len;
		} else {
			uint32_t len;

			if (o + 3 > n)
				break;
			len = (uint32_t)(p[o + 1] | p[o + 2] << 8);
			if (o + 3 + len > n)
				break;
			if (tag == 0x89 && len >= 2)
				for (unsigned i = 0; i < p[o + 4] && 5 + 4 * i + 4 <= 3 + len; i++)
					if (k++ < max)
						out[k - 1] = (uint32_t)(p[o + 5 + 4 * i] | p[o + 6 + 4 * i] << 8 |
						    p[o + 7 + 4 * i] << 16 | (uint32_t)p[o + 8 + 4 * i] << 24);
			o += 3 + len;
		}
	}
	return k;
}

/* " (_PRS: 5 10 11)" for a link's reason, or "" without a usable _PRS. */
static void
possible_irqs(struct aml_ns *ns, struct aml_node *link, char *s, size_t len)
{
	struct aml_obj *prs;
	char err[256];
	uint32_t irq[16];
	unsigned n;
	size_t used;

	s[0] = 0;
	if (aml_eval_path(ns, link, "_PRS", &prs, err, sizeof err) || !prs || prs->type != AML_BUF)
		return;
	n = template_irqs(prs, irq, 16);
	used = (size_t)snprintf(s, len, " (_PRS:");
	for (unsigned i = 0; i < n && i < 16 && used < len; i++)
		used += (size_t)snprintf(s + used, len - used, " %u", irq[i]);
	if (used < len)
		snprintf(s + used, len - used, "%s)", n > 16 ? " ..." : n ? "" : " none");
}

/* The first interrupt of a _CRS resource template, with trigger and polarity. */
static int
crs_irq(const struct aml_obj *b, struct prt_route *r)
{
	const uint8_t *p = b->b.p;
	uint32_t n = b->b.len;

	for (uint32_t o = 0; o < n;) {
		uint8_t tag = p[o];

		if (!(tag & 0x80)) {			/* small resource: type in bits 6:3, length 2:0 */
			unsigned type = (tag >> 3) & 0xf, len = tag & 7;

			if (o + 1 + len > n)
				break;
			if (type == 0x4 && len >= 2) {	/* IRQ: 16-bit mask, optional flags */
				uint16_t mask = (uint16_t)(p[o + 1] | p[o + 2] << 8);
				uint8_t flags = len >= 3 ? p[o + 3] : 0x01;	/* default: edge, high */

				if (!mask)
					return -EINVAL;
				r->gsi = (uint32_t)__builtin_ctz(mask);
				r->level = !(flags & 0x01);
				r->active_low = !!(flags & 0x08);
				return 0;
			}
			if (type == 0xf)		/* end tag */
				break;
			o += 1 + len;
		} else {				/* large resource: 16-bit length */
			uint32_t len;

			if (o + 3 > n)
				break;
			len = (uint32_t)(p[o + 1] | p[o + 2] << 8);
			if (o + 3 + len > n)
				break;
			if (tag == 0x89 && len >= 6 && p[o + 4] >= 1) {	/* Extended Interrupt */
				uint8_t flags = p[o + 3];

				r->gsi = (uint32_t)(p[o + 5] | p[o + 6] << 8 | p[o + 7] << 16 | (uint32_t)p[o + 8] << 24);
				r->level = !(flags & 0x02);
				r->active_low = !!(flags & 0x04);
				return 0;
			}
			o += 3 + len;
		}
	}
	return -ENOENT;
}

/*
 * A link device's current interrupt. As Linux reads a link (its ACPI
 * PCI link driver): a link whose _STA says "not enabled" (bit 1 clear)
 * has no interrupt whatever _CRS says, and a _CRS interrupt of 0 is no
 * interrupt either (QEMU's PIIX links return Interrupt {0} while disabled;
 * no PCI interrupt is ever GSI 0, the timer's). Such a link is reported
 * unrouted with why and what _PRS offers, never as GSI 0: it gets an IRQ
 * only once someone enables it (_SRS), on mkx today the Linux kernel
 * underneath when it enables a function behind it (docs/acpi.md).
 */
static void
route_link(struct aml_ns *ns, struct prt_route *r)
{
	struct aml_obj *crs, *sta;
	char err[512], prs[80];
	int rc = aml_eval_path(ns, r->link, "_STA", &sta, err, sizeof err);

	if (rc == 0 && sta && sta->type == AML_INT && !(sta->i & 2)) {
		possible_irqs(ns, r->link, prs, sizeof prs);
		snprintf(r->err, sizeof r->err, "link disabled (_STA 0x%llx: not enabled), no IRQ allocated%s",
		    (unsigned long long)sta->i, prs);
		return;
	}
	rc = aml_eval_path(ns, r->link, "_CRS", &crs, err, sizeof err);
	if (rc == -ENOENT)
		snprintf(r->err, sizeof r->err, "link has no _CRS");
	else if (rc)
		snprintf(r->err, sizeof r->err, "_CRS: %.180s", err);
	else if (!crs || crs->type != AML_BUF)
		snprintf(r->err, sizeof r->err, "_CRS is not a Buffer");
	else if (crs_irq(crs, r)) {
		possible_irqs(ns, r->link, prs, sizeof prs);
		snprintf(r->err, sizeof r->err, "link disabled (_CRS holds no interrupt), no IRQ allocated%s", prs);
	} else if (r->gsi == 0) {
		possible_irqs(ns, r->link, prs, sizeof prs);
		snprintf(r->err, sizeof r->err, "link disabled (_CRS gives interrupt 0), no IRQ allocated%s", prs);
	} else
		r->ok = 1;
}

/*
 * A Source given as a String names the link device: absolute, or
 * relative to the _PRT's device without searching upwards (as ACPICA's
 * AcpiGetHandle, which Linux uses for it, resolves it).
 */
static struct aml_node *
source_by_string(struct aml_ns *ns, struct aml_node *prt, const char *s)
{
	struct aml_node *n = aml_node_parent(prt);
	char seg[5];

	if (*s == '\\')
		return aml_lookup(ns, s);
	for (; *s == '^'; s++)
		if (!n || !(n = aml_node_parent(n)))
			return NULL;
	while (n && *s) {
		size_t l = strcspn(s, ".");

		if (l == 0 || l > 4)
			return NULL;
		memset(seg, '_', 4);		/* "LNK" is the segment LNK_ */
		memcpy(seg, s, l);
		seg[4] = 0;
		n = aml_node_child(n, seg);
		s += l + (s[l] == '.');
	}
	return n;
}

static void
route_prt(struct aml_node *n, void *arg)
{
	struct route_ctx *w = arg;
	char path[256], err[1024];
	struct aml_obj *res;

	if (!seg_is(n, "_PRT"))
		return;
	aml_path(n, path, sizeof path);
	if (aml_eval(w->ns, n, NULL, 0, &res, err, sizeof err) || !res || res->type != AML_PKG) {
		fprintf(w->err_log, "acpi: %s: %s\n", path, err[0] ? err : "does not return a Package");
		w->errors++;
		return;
	}
	for (uint32_t i = 0; i < res->pkg.n; i++) {
		struct aml_obj *e = res->pkg.e[i], *src;
		struct prt_route r = { .prt = n };

		if (e->type != AML_PKG || e->pkg.n < 4 || e->pkg.e[0]->type != AML_INT ||
		    e->pkg.e[1]->type != AML_INT || e->pkg.e[3]->type != AML_INT)
			continue;
		r.address = (uint32_t)e->pkg.e[0]->i;
		r.pin = (unsigned)e->pkg.e[1]->i;
		src = e->pkg.e[2];
		if (src->type == AML_INT) {
			r.gsi = (uint32_t)e->pkg.e[3]->i;
			r.level = 1;			/* PCI INTx: level, active low (PCI 3.0 2.2.6) */
			r.active_low = 1;
			r.ok = 1;
		} else {
			r.link = src->type == AML_NAMEREF ? aml_nameref_node(src)
			    : src->type == AML_REF && src->ref.kind == REF_NODE ? src->ref.node
			    : src->type == AML_STR ? source_by_string(w->ns, n, src->s.p) : NULL;
			if (!r.link && src->type == AML_STR)
				snprintf(r.err, sizeof r.err, "Source \"%.100s\" names no device", src->s.p);
			else if (!r.link)
				snprintf(r.err, sizeof r.err, "Source is not a device");
			else
				route_link(w->ns, &r);
		}
		w->fn(&r, w->arg);
	}
}

int
prt_routes(struct aml_ns *ns, int pic, void (*fn)(const struct prt_route *, void *), void *arg, FILE *err_log)
{
	struct route_ctx w = { ns, fn, arg, err_log, 0 };

	call_pic(ns, pic, err_log);
	aml_walk(ns, route_prt, &w);
	return w.errors;
}
