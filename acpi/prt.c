/*
 * _PRT (ACPI 6.4 6.2.13): a package of {Address, Pin, Source, SourceIndex}
 * packages. Source is 0 (SourceIndex is then the GSI) or a reference to a
 * PCI interrupt link device, printed as its absolute path.
 */
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

/* Format one entry; returns 0, or -1 with why when it is not an entry. */
static int
entry(struct aml_obj *e, const char *prt, char *line, size_t len, char *why, size_t whylen)
{
	struct aml_obj *addr, *pin, *src, *idx;
	char source[256];

	if (e->type != AML_PKG || e->pkg.n < 4) {
		snprintf(why, whylen, "entry is a %s, not a 4-element Package",
		    e->type == AML_PKG ? "short Package" : "non-Package");
		return -1;
	}
	addr = e->pkg.e[0], pin = e->pkg.e[1], src = e->pkg.e[2], idx = e->pkg.e[3];
	if (addr->type != AML_INT || pin->type != AML_INT || idx->type != AML_INT) {
		snprintf(why, whylen, "Address, Pin and SourceIndex must be Integers");
		return -1;
	}
	if (src->type == AML_INT)
		snprintf(source, sizeof source, "%llu", (unsigned long long)src->i);
	else if (src->type == AML_NAMEREF) {
		if (!aml_nameref_node(src)) {
			snprintf(why, whylen, "Source %s does not exist", src->nref.path);
			return -1;
		}
		aml_path(src->nref.node, source, sizeof source);
	} else if (src->type == AML_REF && src->ref.kind == REF_NODE)
		aml_path(src->ref.node, source, sizeof source);
	else if (src->type == AML_STR)
		snprintf(source, sizeof source, "%s", src->s.p);
	else {
		snprintf(why, whylen, "Source is a %d object", src->type);
		return -1;
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

int
prt_list(struct aml_ns *ns, int pic, FILE *out, FILE *err_log)
{
	struct walk_ctx w = { ns, out, err_log, 0 };
	struct aml_node *picm = aml_lookup(ns, "\\_PIC");
	char err[512];

	if (picm) {
		struct aml_obj *arg = aml_int(ns, (uint64_t)pic), *r;

		if (aml_eval(ns, picm, &arg, 1, &r, err, sizeof err))
			fprintf(err_log, "acpi: \\_PIC(%d): %s\n", pic, err);
	}
	aml_walk(ns, one_prt, &w);
	return w.errors;
}
