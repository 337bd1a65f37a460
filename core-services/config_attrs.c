/*
 * The config reader's attribute checks: names, numbers, yes/no, labels,
 * attributes and elements a node may have. Every refusal names the file
 * and line (config_bad); what core accepts without acting on it is named
 * in a note (config_notes.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mkx/args.h>

#include <mkx/xml.h>
#include "config_parse.h"

int __attribute__((format(printf, 3, 4)))
config_bad(struct config_ctx *x, int line, const char *fmt, ...)
{
	int n = snprintf(x->err, x->errlen, "%s:%d: ", x->file, line);
	va_list ap;

	if (n >= 0 && (size_t)n < x->errlen) {
		va_start(ap, fmt);
		vsnprintf(x->err + n, x->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Copy a name attribute, checking it is present, non-empty and fits. */
int
config_get_name(struct config_ctx *x, const struct mkx_xml *n, const char *attr, char *dst, size_t len)
{
	const char *v = mkx_xml_attr(n, attr);

	if (!v || !*v)
		return config_bad(x, n->line, "<%s> needs a %s attribute", n->name, attr);
	if (strlen(v) >= len)
		return config_bad(x, n->line, "<%s %s=\"%.20s...\">: longer than %zu characters",
		    n->name, attr, v, len - 1);
	strcpy(dst, v);
	return 0;
}

int
config_check_only(struct config_ctx *x, const struct mkx_xml *parent, const char *const *allowed)
{
	for (struct mkx_xml *c = parent->child; c; c = c->next) {
		const char *const *a;

		for (a = allowed; *a; a++)
			if (!strcmp(*a, c->name))
				break;
		if (!*a)
			return config_bad(x, c->line, "unknown element <%s> inside <%s>",
			    c->name, parent->name);
	}
	return 0;
}

int
config_known(const struct mkx_xml *c, const char *const *allowed)
{
	for (const char *const *a = allowed; *a; a++)
		if (!strcmp(*a, c->name))
			return 1;
	return 0;
}

/*
 * Elements of parent that are none of allowed: a warning each. Genode's
 * init ignores what it does not know in <config> and <start> (a misspelt
 * <strat> is a child never started, <bniary> leaves the start name as the
 * binary); nothing there widens what a child reaches.
 */
void
config_warn_unknown_elements(struct config_ctx *x, const struct mkx_xml *parent, const char *const *allowed)
{
	for (struct mkx_xml *c = parent->child; c; c = c->next) {
		char what[64];

		if (config_known(c, allowed))
			continue;
		snprintf(what, sizeof what, "<%.24s> inside <%.24s>", c->name, parent->name);
		config_warn(x->cfg, what, c->line, "%d: warning: unknown element <%s> inside <%s>: ignored, as "
		    "Genode's init ignores it", c->line, c->name, parent->name);
	}
}

/* Every attribute of n is one of known; else an error naming it (never silently dropped). */
int
config_check_attrs(struct config_ctx *x, const struct mkx_xml *n, const char *const *known)
{
	for (char **a = n->attrs; a[0] && a[1]; a += 2) {
		const char *const *k;

		for (k = known; *k && strcmp(*k, a[0]); k++)
			;
		if (!*k)
			return config_bad(x, n->line, "unknown attribute %s=\"%.40s\" of <%s>", a[0], a[1], n->name);
	}
	return 0;
}

/*
 * Attributes of <config>, <start> and <default> that core does not know
 * (a newer Genode's, a deploy tool's): named in a note, not refused, as
 * they cannot widen what a child reaches. Route rules and targets stay
 * strict (check_attrs): a misspelt selector would match every label.
 */
void
config_note_unknown(struct config_ctx *x, const struct mkx_xml *n, const char *const *known)
{
	for (char **a = n->attrs; a[0] && a[1]; a += 2) {
		const char *const *k;
		char what[64];

		for (k = known; *k && strcmp(*k, a[0]); k++)
			;
		if (*k)
			continue;
		snprintf(what, sizeof what, "%.30s= of <%s>", a[0], n->name);
		config_note(x->cfg, what, n->line, "not in init's vocabulary as core knows it (misspelt?)");
	}
}

/* A label attribute of a route rule or target: copied whole or refused, never cut. */
int
config_copy_label(struct config_ctx *x, const struct mkx_xml *n, const char *attr, char *dst, size_t len)
{
	const char *l = mkx_xml_attr(n, attr);

	if (!l)
		return 0;
	/* Refused, not cut: a cut label_prefix would match more labels than it says. */
	if (strlen(l) >= len)
		return config_bad(x, n->line, "<%s %s=\"%.20s...\">: longer than %zu characters", n->name, attr, l, len - 1);
	strcpy(dst, l);
	return 1;
}

/* A number attribute (negative allowed, as Genode's priority) that must be well-formed if given. */
int
config_check_number(struct config_ctx *x, const struct mkx_xml *n, const char *attr)
{
	const char *v = mkx_xml_attr(n, attr);
	unsigned long u;

	if (v && mkx_parse_ulong(v[0] == '-' ? v + 1 : v, &u))
		return config_bad(x, n->line, "<%s %s=\"%.20s\">: a number, please", n->name, attr, v);
	return 0;
}

/* A number attribute core accepts and does not act on: checked, then noted. */
int
config_ignored_number(struct config_ctx *x, const struct mkx_xml *n, const char *attr, const char *why)
{
	char what[64];

	if (!mkx_xml_attr(n, attr))
		return 0;
	if (config_check_number(x, n, attr))
		return -EINVAL;
	snprintf(what, sizeof what, "%s= of <%s>", attr, n->name);
	config_note(x->cfg, what, n->line, why);
	return 0;
}

/* A yes/no attribute core accepts and does not act on. */
int
config_ignored_bool(struct config_ctx *x, const struct mkx_xml *n, const char *attr, const char *why)
{
	char what[64];

	if (!mkx_xml_attr(n, attr))
		return 0;
	if (mkx_xml_attr_bool(n, attr, 0) < 0)
		return config_bad(x, n->line, "<%s %s=\"%.20s\">: use yes or no", n->name, attr, mkx_xml_attr(n, attr));
	snprintf(what, sizeof what, "%s= of <%s>", attr, n->name);
	config_note(x->cfg, what, n->line, why);
	return 0;
}

int
config_ignored_text(struct config_ctx *x, const struct mkx_xml *n, const char *attr, const char *why)
{
	char what[64];

	if (mkx_xml_attr(n, attr)) {
		snprintf(what, sizeof what, "%s= of <%s>", attr, n->name);
		config_note(x->cfg, what, n->line, why);
	}
	return 0;
}

/* ram="4M" on <start> or <default>: 0, 1 if absent, or an error. */
int
config_ram_attr(struct config_ctx *x, const struct mkx_xml *n, unsigned long *ram)
{
	const char *v = mkx_xml_attr(n, "ram");

	if (!v)
		return 1;
	if (mkx_parse_ulong(v, ram) || !*ram)
		return config_bad(x, n->line, "<%s ram=\"%.20s\">: a size like 4M, please", n->name, v);
	return 0;
}
