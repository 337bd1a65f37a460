/*
 * core's config: Genode init's <start>/<route>/<provides> vocabulary,
 * parsed into struct core_config and checked as a whole before anything
 * starts. Every error names the file and line; core refuses to start
 * rather than guess what a broken config meant.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/args.h>
#include <mkx/xml.h>
#include "core.h"

struct ctx {
	struct core_config	*cfg;
	const char		*file;
	const char		*bin_dir;
	char			*err;
	size_t			errlen;
	const struct mkx_xml	*parent_provides;	/* the config's <parent-provides>, while checking */
};

static int __attribute__((format(printf, 3, 4)))
bad(struct ctx *x, int line, const char *fmt, ...)
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
static int
get_name(struct ctx *x, const struct mkx_xml *n, const char *attr, char *dst, size_t len)
{
	const char *v = mkx_xml_attr(n, attr);

	if (!v || !*v)
		return bad(x, n->line, "<%s> needs a %s attribute", n->name, attr);
	if (strlen(v) >= len)
		return bad(x, n->line, "<%s %s=\"%.20s...\">: longer than %zu characters",
		    n->name, attr, v, len - 1);
	strcpy(dst, v);
	return 0;
}

static int
check_only(struct ctx *x, const struct mkx_xml *parent, const char *const *allowed)
{
	for (struct mkx_xml *c = parent->child; c; c = c->next) {
		const char *const *a;

		for (a = allowed; *a; a++)
			if (!strcmp(*a, c->name))
				break;
		if (!*a)
			return bad(x, c->line, "unknown element <%s> inside <%s>",
			    c->name, parent->name);
	}
	return 0;
}

/* Every attribute of n is one of known; else an error naming it (never silently dropped). */
static int
check_attrs(struct ctx *x, const struct mkx_xml *n, const char *const *known)
{
	for (char **a = n->attrs; a[0] && a[1]; a += 2) {
		const char *const *k;

		for (k = known; *k && strcmp(*k, a[0]); k++)
			;
		if (!*k)
			return bad(x, n->line, "unknown attribute %s=\"%.40s\" of <%s>", a[0], a[1], n->name);
	}
	return 0;
}

/*
 * Attributes of <config>, <start> and <default> that core does not know
 * (a newer Genode's, a deploy tool's): named in a note, not refused, as
 * they cannot widen what a child reaches. Route rules and targets stay
 * strict (check_attrs): a misspelt selector would match every label.
 */
static void
note_unknown_attrs(struct ctx *x, const struct mkx_xml *n, const char *const *known)
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
static int
copy_label(struct ctx *x, const struct mkx_xml *n, const char *attr, char *dst, size_t len)
{
	const char *l = mkx_xml_attr(n, attr);

	if (!l)
		return 0;
	/* Refused, not cut: a cut label_prefix would match more labels than it says. */
	if (strlen(l) >= len)
		return bad(x, n->line, "<%s %s=\"%.20s...\">: longer than %zu characters", n->name, attr, l, len - 1);
	strcpy(dst, l);
	return 1;
}

/* <parent [label]/>, <child name [label]/>, <any-child/>: tried in this order at runtime. */
static int
parse_target(struct ctx *x, const struct mkx_xml *r, const struct mkx_xml *t, struct route_rule *rule)
{
	static const char *const parent_attrs[] = { "label", NULL }, *const child_attrs[] = { "name", "label", NULL };
	static const char *const none[] = { NULL };
	struct route_target *tg;
	int err;

	if (rule->ntargets == ROUTE_TARGETS_MAX)
		return bad(x, t->line, "<%s> has more than %d targets", r->name, ROUTE_TARGETS_MAX);
	tg = &rule->targets[rule->ntargets++];
	tg->line = t->line;
	if (!strcmp(t->name, "child")) {
		tg->kind = ROUTE_CHILD;
		if ((err = check_attrs(x, t, child_attrs)) ||
		    (err = get_name(x, t, "name", tg->child, sizeof tg->child)))
			return err;
	} else if (!strcmp(t->name, "parent")) {
		tg->kind = ROUTE_PARENT;
		if ((err = check_attrs(x, t, parent_attrs)))
			return err;
	} else if (!strcmp(t->name, "any-child")) {
		tg->kind = ROUTE_ANY_CHILD;
		if ((err = check_attrs(x, t, none)))
			return err;
	} else
		return bad(x, t->line, "unknown route target <%s>: use <parent/>, <child name=\"...\"/> or <any-child/>",
		    t->name);
	if (t->child)
		return bad(x, t->child->line, "route target <%s> holds nothing", t->name);
	err = copy_label(x, t, "label", tg->label, sizeof tg->label);
	if (err < 0)
		return err;
	tg->has_label = err;
	return 0;
}

static int
parse_rules(struct ctx *x, const struct mkx_xml *n, struct route_rule *rules, unsigned *count)
{
	static const char *const allowed[] = { "service", "any-service", NULL };
	static const char *const attrs[] = {
		"name", "label", "label_prefix", "label_suffix", "label_last", "unscoped_label", NULL
	};
	int err = check_only(x, n, allowed);

	if (err)
		return err;
	for (struct mkx_xml *r = n->child; r; r = r->next) {
		struct route_rule *rule;

		if (*count == ROUTES_MAX)
			return bad(x, r->line, "more than %d route rules", ROUTES_MAX);
		rule = &rules[(*count)++];
		memset(rule, 0, sizeof *rule);
		rule->line = r->line;
		if ((err = check_attrs(x, r, attrs + !strcmp(r->name, "any-service"))))
			return err;
		if (!strcmp(r->name, "service") &&
		    (err = get_name(x, r, "name", rule->service, sizeof rule->service)))
			return err;
		{
			char *dst[] = { rule->label, rule->label_prefix, rule->label_suffix, rule->label_last,
			    rule->unscoped_label };

			for (unsigned i = 0; i < 5; i++) {
				if ((err = copy_label(x, r, attrs[i + 1], dst[i], sizeof rule->label)) < 0)
					return err;
				if (err)
					rule->selectors |= 1u << i;	/* SEL_LABEL ... SEL_UNSCOPED in this order */
			}
		}
		if (!r->child)
			return bad(x, r->line, "<%s> has no target: add <parent/>, <child name=\"...\"/> or <any-child/>",
			    r->name);
		for (struct mkx_xml *t = r->child; t; t = t->next)
			if ((err = parse_target(x, r, t, rule)))
				return err;
	}
	return 0;
}

/* A number attribute (negative allowed, as Genode's priority) that must be well-formed if given. */
static int
check_number(struct ctx *x, const struct mkx_xml *n, const char *attr)
{
	const char *v = mkx_xml_attr(n, attr);
	unsigned long u;

	if (v && mkx_parse_ulong(v[0] == '-' ? v + 1 : v, &u))
		return bad(x, n->line, "<%s %s=\"%.20s\">: a number, please", n->name, attr, v);
	return 0;
}

/* A number attribute core accepts and does not act on: checked, then noted. */
static int
ignored_number(struct ctx *x, const struct mkx_xml *n, const char *attr, const char *why)
{
	char what[64];

	if (!mkx_xml_attr(n, attr))
		return 0;
	if (check_number(x, n, attr))
		return -EINVAL;
	snprintf(what, sizeof what, "%s= of <%s>", attr, n->name);
	config_note(x->cfg, what, n->line, why);
	return 0;
}

/* A yes/no attribute core accepts and does not act on. */
static int
ignored_bool(struct ctx *x, const struct mkx_xml *n, const char *attr, const char *why)
{
	char what[64];

	if (!mkx_xml_attr(n, attr))
		return 0;
	if (mkx_xml_attr_bool(n, attr, 0) < 0)
		return bad(x, n->line, "<%s %s=\"%.20s\">: use yes or no", n->name, attr, mkx_xml_attr(n, attr));
	snprintf(what, sizeof what, "%s= of <%s>", attr, n->name);
	config_note(x->cfg, what, n->line, why);
	return 0;
}

static int
ignored_text(struct ctx *x, const struct mkx_xml *n, const char *attr, const char *why)
{
	char what[64];

	if (mkx_xml_attr(n, attr)) {
		snprintf(what, sizeof what, "%s= of <%s>", attr, n->name);
		config_note(x->cfg, what, n->line, why);
	}
	return 0;
}

/* ram="4M" on <start> or <default>: 0, 1 if absent, or an error. */
static int
ram_attr(struct ctx *x, const struct mkx_xml *n, unsigned long *ram)
{
	const char *v = mkx_xml_attr(n, "ram");

	if (!v)
		return 1;
	if (mkx_parse_ulong(v, ram) || !*ram)
		return bad(x, n->line, "<%s ram=\"%.20s\">: a size like 4M, please", n->name, v);
	return 0;
}

static int
parse_resource(struct ctx *x, const struct mkx_xml *n, struct start_cfg *s)
{
	static const char *const attrs[] = { "name", "quantum", NULL };
	const char *name = mkx_xml_attr(n, "name");
	int err;

	if ((err = check_attrs(x, n, attrs)))
		return err;
	if (!name)
		return bad(x, n->line, "<resource> needs a name attribute");
	if (!strcmp(name, "CPU"))
		return ignored_number(x, n, "quantum", "CPU quota: children share the CPUs as Linux schedules them");
	if (strcmp(name, "RAM"))
		return bad(x, n->line, "unknown resource \"%s\" (known: RAM, CPU)", name);
	if (s->ram_from && strcmp(s->ram_from, "<default ram>"))
		return bad(x, n->line, "<start name=\"%s\"> gives its RAM quantum twice (%s and <resource>)",
		    s->name, s->ram_from);
	if (mkx_xml_attr_ulong(n, "quantum", 0, &s->ram_quota))
		return bad(x, n->line, "<resource name=\"RAM\">: quantum must be a number like 4M, got \"%s\"",
		    mkx_xml_attr(n, "quantum") ? mkx_xml_attr(n, "quantum") : "");
	s->ram_from = "<resource name=\"RAM\">";
	return 0;
}

/* <start>'s own attributes: its name, RAM, finish= and privileged=, and Genode's that mkx only notes. */
static int
start_attrs(struct ctx *x, const struct mkx_xml *n, struct start_cfg *s)
{
	static const char *const allowed[] = {
		"binary", "config", "route", "provides", "resource", "exit", "heartbeat", "affinity", NULL
	};
	static const char *const attrs[] = {
		"name", "finish", "privileged", "ram", "caps", "priority", "managing_system", "ld", "version", NULL
	};
	int err, fin;

	memset(s, 0, sizeof *s);
	s->line = n->line;
	s->ram_quota = x->cfg->default_ram;	/* enforced where cgroup2 is there (cgroup.h) */
	s->ram_from = x->cfg->default_ram != 16ul << 20 ? "<default ram>" : NULL;
	if ((err = get_name(x, n, "name", s->name, sizeof s->name)) ||
	    (err = check_only(x, n, allowed)))
		return err;
	note_unknown_attrs(x, n, attrs);
	if ((err = ram_attr(x, n, &s->ram_quota)) < 0)
		return err;
	if (!err)
		s->ram_from = "ram=";
	if (ignored_number(x, n, "caps", "capability quota: a Linux process has no capability budget") ||
	    ignored_number(x, n, "priority", "CPU priority: children run at Linux's default priority") ||
	    ignored_bool(x, n, "managing_system", "what it grants is core's policies (<io_port>, <io_mem>, <irq>, ...)") ||
	    ignored_bool(x, n, "ld", "binaries are linked statically") ||
	    ignored_text(x, n, "version", "a changed version does not restart a child at SIGHUP"))
		return -EINVAL;
	/* A start name names a cgroup directory and is argv[0]: no path tricks, no options. */
	if (strpbrk(s->name, "/ \"") || !strcmp(s->name, "init") || !strcmp(s->name, ".") ||
	    !strcmp(s->name, "..") || s->name[0] == '-')
		return bad(x, n->line, "start name \"%s\" is not allowed (no '/', ' ', '\"'; not \"init\", "
		    "\".\" or \"..\"; not beginning with '-')", s->name);
	fin = mkx_xml_attr_bool(n, "finish", 0);
	if (fin < 0)
		return bad(x, n->line, "finish=\"%s\": use yes or no", mkx_xml_attr(n, "finish"));
	s->finish = fin;
	/*
	 * privileged="yes": the child keeps core's uid and capabilities. Only for
	 * Linux-side oracles in tests (core-services/tools/), which must see what
	 * Linux sees; core names each such child when it starts it.
	 */
	fin = mkx_xml_attr_bool(n, "privileged", 0);
	if (fin < 0)
		return bad(x, n->line, "privileged=\"%s\": use yes or no", mkx_xml_attr(n, "privileged"));
	s->privileged = fin;
	return 0;
}

/* <provides>: the services a child offers, each a <service name=".."/>. */
static int
parse_provides(struct ctx *x, const struct mkx_xml *c, struct start_cfg *s)
{
	int err;

	for (struct mkx_xml *p = c->child; p; p = p->next) {
		if (strcmp(p->name, "service"))
			return bad(x, p->line, "unknown element <%s> inside <provides>", p->name);
		if (s->nprovides == PROVIDES_MAX)
			return bad(x, p->line, "more than %d provided services", PROVIDES_MAX);
		if ((err = get_name(x, p, "name", s->provides[s->nprovides],
		    sizeof s->provides[0])))
			return err;
		/*
		 * A child may provide a service core has too (Genode's report_rom and
		 * fs_rom provide ROM): only a route naming the child reaches it.
		 */
		s->nprovides++;
	}
	return 0;
}

/* One element inside <start>: <binary>, <exit>, <heartbeat>, <affinity>, <config>, <route>, <provides>, <resource>. */
static int
start_child(struct ctx *x, struct mkx_xml *c, struct start_cfg *s)
{
	int err;

	if (!strcmp(c->name, "binary")) {
		if ((err = get_name(x, c, "name", s->binary, sizeof s->binary)))
			return err;
	} else if (!strcmp(c->name, "exit")) {
		/* Genode's <exit propagate="yes"/>: init ends with this child, as finish="yes". */
		static const char *const exit_attrs[] = { "propagate", NULL };
		int prop = mkx_xml_attr_bool(c, "propagate", 0);

		if ((err = check_attrs(x, c, exit_attrs)))
			return err;
		if (prop < 0)
			return bad(x, c->line, "<exit propagate=\"%s\">: use yes or no", mkx_xml_attr(c, "propagate"));
		s->finish |= prop;
	} else if (!strcmp(c->name, "heartbeat")) {
		config_note(x->cfg, "<heartbeat> in <start>", c->line,
		    "core watches its children by waitpid, not by heartbeats");
	} else if (!strcmp(c->name, "affinity")) {
		static const char *const aff[] = { "xpos", "ypos", "width", "height", NULL };

		if ((err = check_attrs(x, c, aff)) ||
		    check_number(x, c, "xpos") || check_number(x, c, "ypos") ||
		    check_number(x, c, "width") || check_number(x, c, "height"))
			return -EINVAL;
		config_note(x->cfg, "<affinity> in <start>", c->line, "children run on the CPUs Linux picks");
	} else if (!strcmp(c->name, "config")) {
		if (s->config)
			return bad(x, c->line, "second <config> in <start name=\"%s\">", s->name);
		s->config = mkx_xml_to_string(c, &s->config_len);
		if (!s->config)
			return bad(x, c->line, "out of memory");
	} else if (!strcmp(c->name, "route")) {
		if ((err = parse_rules(x, c, s->routes, &s->nroutes)))
			return err;
	} else if (!strcmp(c->name, "provides")) {
		if ((err = parse_provides(x, c, s)))
			return err;
	} else if ((err = parse_resource(x, c, s)))
		return err;
	return 0;
}

/* The binary a <start> runs: a plain name, found executable in bin_dir. */
static int
start_binary(struct ctx *x, const struct mkx_xml *n, struct start_cfg *s)
{
	if (strchr(s->binary, '/'))
		return bad(x, n->line, "binary \"%s\": give a name, not a path", s->binary);
	{
		char path[sizeof s->path];	/* local: gcc cannot see bin_dir is not in *cfg */

		snprintf(path, sizeof path, "%s/%s", x->bin_dir, s->binary);
		memcpy(s->path, path, sizeof path);
	}
	if (access(s->path, X_OK))
		return bad(x, n->line, "binary \"%s\" of <start name=\"%s\"> not found or not executable (%s: %s)",
		    s->binary, s->name, s->path, strerror(errno));
	return 0;
}

static int
parse_start(struct ctx *x, const struct mkx_xml *n, struct start_cfg *s)
{
	int err;

	if ((err = start_attrs(x, n, s)))
		return err;
	strcpy(s->binary, s->name);
	for (struct mkx_xml *c = n->child; c; c = c->next)
		if ((err = start_child(x, c, s)))
			return err;
	if (!s->config) {
		s->config = strdup("<config/>\n");
		s->config_len = s->config ? strlen(s->config) : 0;
	}
	return start_binary(x, n, s);
}

/*
 * The label selector of a <policy> (128 bytes each in every policy struct):
 * label= or unscoped_label= (both compare the whole session label: core's
 * policies always see it whole) into label; label_prefix= into prefix;
 * label_suffix= and label_last= into prefix too, behind a marker byte that
 * label_matches() reads (LABEL_SEL_SUFFIX, LABEL_SEL_LAST). One selector per policy.
 */
static int
policy_label(struct ctx *x, const struct mkx_xml *p, const char *service, char *label, char *prefix)
{
	static const struct { const char *attr; int to_label; char marker; } sel[] = {
		{ "label", 1, 0 }, { "unscoped_label", 1, 0 }, { "label_prefix", 0, 0 },
		{ "label_suffix", 0, LABEL_SEL_SUFFIX }, { "label_last", 0, LABEL_SEL_LAST },
	};
	const char *l = NULL, *attr = NULL;
	unsigned k = 0, n = 0;

	for (unsigned i = 0; i < sizeof sel / sizeof sel[0]; i++)
		if (mkx_xml_attr(p, sel[i].attr)) {
			l = mkx_xml_attr(p, sel[i].attr), attr = sel[i].attr, k = i;
			n++;
		}
	if (!l)
		return bad(x, p->line, "%s <policy> needs label, label_prefix, label_suffix, label_last "
		    "or unscoped_label", service);
	if (n > 1)
		return bad(x, p->line, "%s <policy>: give one label selector, not %u", service, n);
	/* Refused, not cut: a cut label_prefix would match more labels than it says. */
	if (strlen(l) >= (sel[k].marker ? 127 : 128))
		return bad(x, p->line, "%s <policy %s=\"%.20s...\">: longer than %d characters",
		    service, attr, l, sel[k].marker ? 126 : 127);
	if (strchr(l, LABEL_SEL_SUFFIX) || strchr(l, LABEL_SEL_LAST))
		return bad(x, p->line, "%s <policy %s>: control characters in a label", service, attr);
	if (sel[k].to_label)
		strcpy(label, l);
	else if (sel[k].marker)
		prefix[0] = sel[k].marker, strcpy(prefix + 1, l);
	else
		strcpy(prefix, l);
	return 0;
}

/*
 * The PCI function a <policy> names: pci="BB:DD.F" (*bdf), or
 * vendor_id= with device_id= (*bdf = -1). Returns 0, 1 if it names none,
 * or -EINVAL with the reason.
 */
static int
policy_function(struct ctx *x, const struct mkx_xml *p, int *bdf, unsigned *vendor, unsigned *device)
{
	const char *pci = mkx_xml_attr(p, "pci");
	unsigned long v;
	unsigned b;

	*bdf = -1;
	if (pci) {
		if (config_parse_bdf(pci, &b))
			return bad(x, p->line, "pci=\"%s\": expected BB:DD.F like 00:01.0", pci);
		*bdf = (int)b;
		return 0;
	}
	if (!mkx_xml_attr(p, "vendor_id"))
		return 1;
	if (mkx_xml_attr_ulong(p, "vendor_id", 0, &v) || v > 0xffff)
		return bad(x, p->line, "vendor_id must be a 16-bit number");
	*vendor = (unsigned)v;
	if (mkx_xml_attr_ulong(p, "device_id", 0, &v) || v > 0xffff)
		return bad(x, p->line, "with vendor_id, give a 16-bit device_id too");
	*device = (unsigned)v;
	return 0;
}

int
config_parse_bdf(const char *s, unsigned *bdf)
{
	unsigned b, d, f;
	char end;

	if (sscanf(s, "%x:%x.%x%c", &b, &d, &f, &end) != 3 || b > 255 || d > 31 || f > 7)
		return -EINVAL;
	*bdf = b << 8 | d << 3 | f;
	return 0;
}

static int
parse_io_port(struct ctx *x, const struct mkx_xml *n)
{
	const char *be = mkx_xml_attr(n, "backend");

	if (be && strcmp(be, "auto") && strcmp(be, "linux-ioperm") && strcmp(be, "sim"))
		return bad(x, n->line, "<io_port backend=\"%s\">: known backends are auto, linux-ioperm, sim", be);
	snprintf(x->cfg->io_port_backend, sizeof x->cfg->io_port_backend, "%s", be ? be : "auto");
	x->cfg->io_port_line = n->line;
	for (struct mkx_xml *p = n->child; p; p = p->next) {
		struct io_port_policy *pol;
		unsigned long base, size;
		int d;

		if (strcmp(p->name, "policy"))
			return bad(x, p->line, "unknown element <%s> inside <io_port>", p->name);
		if (x->cfg->nio_port == IO_PORT_POLICIES_MAX)
			return bad(x, p->line, "more than %d IO_PORT policies", IO_PORT_POLICIES_MAX);
		pol = &x->cfg->io_port[x->cfg->nio_port++];
		memset(pol, 0, sizeof *pol);
		pol->line = p->line;
		if (policy_label(x, p, "IO_PORT", pol->label, pol->label_prefix))
			return -EINVAL;
		if (mkx_xml_attr_ulong(p, "base", 0, &base) || mkx_xml_attr_ulong(p, "size", 0, &size))
			return bad(x, p->line, "IO_PORT <policy> needs numeric base and size");
		if (size == 0 || base > 0xffff || size > 0x10000 || base + size > 0x10000)
			return bad(x, p->line, "IO_PORT <policy> range 0x%lx+0x%lx is outside 0..0xffff",
			    base, size);
		d = mkx_xml_attr_bool(p, "direct", 0);
		if (d < 0)
			return bad(x, p->line, "direct=\"%s\": use yes or no", mkx_xml_attr(p, "direct"));
		if (d && base < 0xd00 && base + size > 0xcf8)
			return bad(x, p->line, "IO_PORT <policy>: direct access to 0xCF8-0xCFF is never granted "
			    "(the kernel uses that pair itself); drop direct=\"yes\", core then emulates it");
		pol->base = (unsigned)base;
		pol->size = (unsigned)size;
		pol->direct = d;
	}
	return 0;
}

/*
 * <pci_config>: config-space access per function (pci_config_policy.c).
 * <policy label=.. pci="all"|"BB:DD.F" | class="0x0300"|"VGA" |
 * vendor_id= device_id= [access="read"|"write"]/>; reads only by default.
 */
static int
parse_pci_config(struct ctx *x, const struct mkx_xml *n)
{
	for (struct mkx_xml *p = n->child; p; p = p->next) {
		struct pci_config_policy *pol;
		const char *pci, *cls, *acc;
		unsigned named;
		int fn;

		if (strcmp(p->name, "policy"))
			return bad(x, p->line, "unknown element <%s> inside <pci_config>", p->name);
		if (x->cfg->npci_config == PCI_CONFIG_POLICIES_MAX)
			return bad(x, p->line, "more than %d pci_config policies", PCI_CONFIG_POLICIES_MAX);
		pol = &x->cfg->pci_config[x->cfg->npci_config++];
		memset(pol, 0, sizeof *pol);
		pol->line = p->line;
		if (policy_label(x, p, "pci_config", pol->label, pol->label_prefix))
			return -EINVAL;
		pci = mkx_xml_attr(p, "pci");
		cls = mkx_xml_attr(p, "class");
		named = !!pci + !!cls + !!mkx_xml_attr(p, "vendor_id");
		if (named != 1)
			return bad(x, p->line, "pci_config <policy> names its functions one way: pci=\"all\", "
			    "pci=\"BB:DD.F\", class=, or vendor_id= with device_id=");
		if (pci && !strcmp(pci, "all"))
			pol->match = PCI_CONFIG_ALL;
		else if (cls) {
			pol->match = PCI_CONFIG_CLASS;
			if (pci_class_parse(cls, &pol->class, &pol->class_mask))
				return bad(x, p->line, "class=\"%s\": give 0xCC, 0xCCSS or 0xCCSSPP (hex) "
				    "or a name like VGA, ETHERNET, AHCI, NVME, USB", cls);
		} else {
			int bdf;

			fn = policy_function(x, p, &bdf, &pol->vendor, &pol->device);
			if (fn)
				return -EINVAL;
			pol->match = bdf >= 0 ? PCI_CONFIG_BDF : PCI_CONFIG_ID;
			pol->bdf = bdf >= 0 ? (unsigned)bdf : 0;
		}
		acc = mkx_xml_attr(p, "access");
		if (acc && strcmp(acc, "read") && strcmp(acc, "write"))
			return bad(x, p->line, "access=\"%s\": use read or write", acc);
		pol->write = acc && !strcmp(acc, "write");
		/* unbind="yes": core takes these functions from Linux's drivers for this label (linux/pci_unbind.c). */
		if ((pol->unbind = mkx_xml_attr_bool(p, "unbind", 0)) < 0)
			return bad(x, p->line, "pci_config <policy>: unbind takes yes or no");
	}
	return 0;
}

static int
parse_io_mem(struct ctx *x, const struct mkx_xml *n)
{
	const char *be = mkx_xml_attr(n, "backend");

	if (be && strcmp(be, "auto") && strcmp(be, "linux-sysfs") && strcmp(be, "sim"))
		return bad(x, n->line, "<io_mem backend=\"%s\">: known backends are auto, linux-sysfs, sim", be);
	snprintf(x->cfg->io_mem_backend, sizeof x->cfg->io_mem_backend, "%s", be ? be : "auto");
	for (struct mkx_xml *p = n->child; p; p = p->next) {
		struct io_mem_policy *pol;
		unsigned long v;
		int snap, trusted, fn, ecam, live;

		if (strcmp(p->name, "policy"))
			return bad(x, p->line, "unknown element <%s> inside <io_mem>", p->name);
		if (x->cfg->nio_mem == IO_MEM_POLICIES_MAX)
			return bad(x, p->line, "more than %d IO_MEM policies", IO_MEM_POLICIES_MAX);
		pol = &x->cfg->io_mem[x->cfg->nio_mem++];
		memset(pol, 0, sizeof *pol);
		pol->line = p->line;
		pol->bar = -1;
		if (policy_label(x, p, "IO_MEM", pol->label, pol->label_prefix))
			return -EINVAL;
		snap = mkx_xml_attr_bool(p, "snapshot", 0);
		trusted = mkx_xml_attr_bool(p, "trusted", 0);
		live = mkx_xml_attr_bool(p, "live", 0);
		if (snap < 0 || trusted < 0 || live < 0)
			return bad(x, p->line, "IO_MEM <policy>: snapshot, trusted and live take yes or no");
		/* ecam="yes": the machine's MCFG windows (no base/size: the firmware names them). */
		if ((ecam = mkx_xml_attr_bool(p, "ecam", 0)) < 0)
			return bad(x, p->line, "IO_MEM <policy>: ecam takes yes or no");
		if (ecam) {
			if (snap || trusted || live || mkx_xml_attr(p, "base") || mkx_xml_attr(p, "size") ||
			    mkx_xml_attr(p, "pci") || mkx_xml_attr(p, "vendor_id"))
				return bad(x, p->line, "IO_MEM <policy ecam=\"yes\">: the MCFG windows only, "
				    "without base/size, pci=, snapshot or trusted");
			pol->kind = IO_MEM_ECAM;
			continue;
		}
		fn = policy_function(x, p, &pol->bdf, &pol->vendor, &pol->device);
		if (fn < 0)
			return fn;
		if (fn == 0) {
			if (snap || trusted || live)
				return bad(x, p->line, "IO_MEM <policy>: a PCI device policy cannot be snapshot, trusted or live");
			pol->kind = IO_MEM_PCI;
			if (mkx_xml_attr(p, "bar")) {
				if (mkx_xml_attr_ulong(p, "bar", 0, &v) || v > 6)
					return bad(x, p->line, "bar must be 0..5 (6: expansion ROM)");
				pol->bar = (int)v;
			}
			continue;
		}
		if (snap + trusted + live > 1)
			return bad(x, p->line, "IO_MEM <policy>: one of snapshot, trusted or live");
		if (!snap && !trusted && !live)
			return bad(x, p->line, "IO_MEM <policy> names a PCI device (pci= or vendor_id=/device_id=), "
			    "or a range with snapshot=\"yes\", trusted=\"yes\" or live=\"yes\"");
		pol->kind = snap ? IO_MEM_SNAPSHOT : trusted ? IO_MEM_TRUSTED : IO_MEM_LIVE;
		if (mkx_xml_attr_ulong(p, "base", 0, &v))
			return bad(x, p->line, "IO_MEM range <policy> needs a numeric base");
		pol->base = v;
		if (mkx_xml_attr_ulong(p, "size", 0, &v) || v == 0 || pol->base + v < pol->base)
			return bad(x, p->line, "IO_MEM range <policy> needs a non-zero numeric size");
		pol->size = v;
	}
	return 0;
}

static int
parse_irq(struct ctx *x, const struct mkx_xml *n)
{
	const char *be = mkx_xml_attr(n, "backend");

	if (be && strcmp(be, "auto") && strcmp(be, "linux-uio") && strcmp(be, "linux-vfio") && strcmp(be, "sim"))
		return bad(x, n->line, "<irq backend=\"%s\">: known backends are auto, linux-uio, linux-vfio, sim", be);
	snprintf(x->cfg->irq_backend, sizeof x->cfg->irq_backend, "%s", be ? be : "auto");
	for (struct mkx_xml *p = n->child; p; p = p->next) {
		struct irq_policy *pol;
		int fn;

		if (strcmp(p->name, "policy"))
			return bad(x, p->line, "unknown element <%s> inside <irq>", p->name);
		if (x->cfg->nirq == IRQ_POLICIES_MAX)
			return bad(x, p->line, "more than %d IRQ policies", IRQ_POLICIES_MAX);
		pol = &x->cfg->irq[x->cfg->nirq++];
		memset(pol, 0, sizeof *pol);
		pol->line = p->line;
		if (policy_label(x, p, "IRQ", pol->label, pol->label_prefix))
			return -EINVAL;
		fn = policy_function(x, p, &pol->bdf, &pol->vendor, &pol->device);
		if (fn < 0)
			return fn;
		if (fn)
			return bad(x, p->line, "IRQ <policy> names a function: pci=\"BB:DD.F\" or vendor_id/device_id");
		if (mkx_xml_attr(p, "backend")) {	/* the mechanism for this policy's functions (docs/irq.md) */
			const char *pb = mkx_xml_attr(p, "backend");

			if (strcmp(pb, "auto") && strcmp(pb, "linux-uio") && strcmp(pb, "linux-vfio"))
				return bad(x, p->line, "IRQ <policy backend=\"%s\">: known are auto, linux-uio, linux-vfio", pb);
			snprintf(pol->backend, sizeof pol->backend, "%s", pb);
		}
	}
	return 0;
}

/*
 * <dma backend="auto|linux|sim" huge_pages="N"> <policy label=... pci=... |
 * pci="all" | vendor_id= device_id= [dma_mask_bits="28"]/> </dma>: DMA buffers
 * (service_dma.c). huge_pages: how many 2 MiB pages core reserves at start.
 */
static int
parse_dma(struct ctx *x, const struct mkx_xml *n)
{
	const char *be = mkx_xml_attr(n, "backend");
	unsigned long v;

	if (be && strcmp(be, "auto") && strcmp(be, "linux") && strcmp(be, "sim"))
		return bad(x, n->line, "<dma backend=\"%s\">: known backends are auto, linux, sim", be);
	snprintf(x->cfg->dma_backend, sizeof x->cfg->dma_backend, "%s", be ? be : "auto");
	if (mkx_xml_attr_ulong(n, "huge_pages", 0, &v) == -EINVAL || v > 4096)
		return bad(x, n->line, "<dma huge_pages=\"%s\">: a number of huge pages, at most 4096",
		    mkx_xml_attr(n, "huge_pages"));
	x->cfg->dma_huge_pages = v;
	for (struct mkx_xml *p = n->child; p; p = p->next) {
		struct dma_policy *pol;
		int fn;

		if (strcmp(p->name, "policy"))
			return bad(x, p->line, "unknown element <%s> inside <dma>", p->name);
		if (x->cfg->ndma == DMA_POLICIES_MAX)
			return bad(x, p->line, "more than %d DMA policies", DMA_POLICIES_MAX);
		pol = &x->cfg->dma[x->cfg->ndma++];
		memset(pol, 0, sizeof *pol);
		pol->line = p->line;
		if (policy_label(x, p, "DMA", pol->label, pol->label_prefix))
			return -EINVAL;
		/* pci="all": every function, for the platform driver that fronts DMA for its clients. */
		fn = mkx_xml_attr(p, "pci") && !strcmp(mkx_xml_attr(p, "pci"), "all") ? (pol->bdf = DMA_POLICY_ALL, 0)
		    : policy_function(x, p, &pol->bdf, &pol->vendor, &pol->device);
		if (fn < 0)
			return fn;
		if (fn)
			return bad(x, p->line, "DMA <policy> names a function: pci=\"BB:DD.F\" or vendor_id/device_id");
		if (mkx_xml_attr_ulong(p, "dma_mask_bits", 64, &v) == -EINVAL || v < 12 || v > 64)
			return bad(x, p->line, "dma_mask_bits must be 12..64");
		pol->mask_bits = (unsigned)v;
	}
	return 0;
}

/* The last element of a label: "a -> b -> c" -> "c". */
static const char *
label_last(const char *label)
{
	const char *p = label, *q;

	while ((q = strstr(p, " -> ")))
		p = q + 4;
	return p;
}

/*
 * <report_rom> <policy label="rom_reader -> acpi" report="acpi -> acpi"/>:
 * Genode report_rom's routing of reports to readers, served by core's ROM
 * service. core's own ROMs are never a report: a policy for them is refused.
 */
static int
parse_report_rom(struct ctx *x, const struct mkx_xml *n)
{
	static const char *const own[] = { "config", "platform_info", "pci_devices", NULL };

	for (struct mkx_xml *p = n->child; p; p = p->next) {
		struct report_rom_policy *pol;
		const char *l = mkx_xml_attr(p, "label"), *pre = mkx_xml_attr(p, "label_prefix");
		const char *rep = mkx_xml_attr(p, "report");

		if (strcmp(p->name, "policy"))
			return bad(x, p->line, "unknown element <%s> inside <report_rom>", p->name);
		if (x->cfg->nreport_rom == REPORT_ROM_POLICIES_MAX)
			return bad(x, p->line, "more than %d <report_rom> policies", REPORT_ROM_POLICIES_MAX);
		pol = &x->cfg->report_rom[x->cfg->nreport_rom++];
		memset(pol, 0, sizeof *pol);
		pol->line = p->line;
		if ((l && strlen(l) >= sizeof pol->label) || (pre && strlen(pre) >= sizeof pol->label_prefix))
			return bad(x, p->line, "<report_rom> <policy> label longer than %zu characters",
			    sizeof pol->label - 1);
		if (policy_label(x, p, "<report_rom>", pol->label, pol->label_prefix))
			return -EINVAL;
		if (!rep || !strstr(rep, " -> ") || !*label_last(rep) || strlen(rep) >= sizeof pol->report)
			return bad(x, p->line, "<report_rom> <policy> needs report=\"REPORTER -> LABEL\" "
			    "(the Report session's label, e.g. \"acpi -> acpi\")");
		strcpy(pol->report, rep);
		for (const char *const *o = own; *o && pol->label[0]; o++)
			if (!strcmp(label_last(pol->label), *o))
				return bad(x, p->line, "<report_rom> <policy label=\"%s\">: \"%s\" is core's own ROM "
				    "and cannot be a report", pol->label, *o);
	}
	return 0;
}

static int
provided_by_someone(const struct core_config *cfg, const char *service)
{
	if (core_service_find(service))
		return 1;
	for (unsigned i = 0; i < cfg->nstart; i++)
		for (unsigned j = 0; j < cfg->start[i].nprovides; j++)
			if (!strcmp(cfg->start[i].provides[j], service))
				return 1;
	return 0;
}

/* Services of Genode's core that mean nothing on mkx yet: accepted in configs, their sessions denied. */
static int
genode_core_only(const char *name)
{
	return !strcmp(name, "TRACE") || !strcmp(name, "VM");
}

/* Does the config's <parent-provides> declare service? */
static int
declared_by_parent(const struct ctx *x, const char *service)
{
	const struct mkx_xml *s;

	for (s = x->parent_provides ? x->parent_provides->child : NULL; s; s = s->next) {
		const char *name = mkx_xml_attr(s, "name");

		if (name && !strcmp(name, service))
			return 1;
	}
	return 0;
}

static const struct start_cfg *
start_named(const struct core_config *cfg, const char *name)
{
	for (unsigned j = 0; j < cfg->nstart; j++)
		if (!strcmp(cfg->start[j].name, name))
			return &cfg->start[j];
	return NULL;
}

static int
start_provides(const struct start_cfg *s, const char *service)
{
	for (unsigned k = 0; k < s->nprovides; k++)
		if (!strcmp(s->provides[k], service))
			return 1;
	return 0;
}

/* <alias name="a" child="b"/>: a route target <child name="a"/> means child b. */
static void
resolve_aliases(struct core_config *cfg, struct route_rule *rules, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned t = 0; t < rules[i].ntargets; t++)
			for (unsigned a = 0; a < cfg->nalias; a++)
				if (rules[i].targets[t].kind == ROUTE_CHILD &&
				    !strcmp(rules[i].targets[t].child, cfg->alias[a].name))
					strcpy(rules[i].targets[t].child, cfg->alias[a].child);
}

/*
 * Cross-checks that need the whole config: targets exist and offer the
 * service. A rule with one target must be served by it; with several
 * (tried in order at runtime), by at least one.
 */
static int
check_rules(struct ctx *x, const struct route_rule *rules, unsigned n, const char *owner)
{
	const struct core_config *cfg = x->cfg;

	for (unsigned i = 0; i < n; i++) {
		const struct route_rule *r = &rules[i];
		const char *svc = r->service[0] ? r->service : NULL;
		int one = r->ntargets == 1, serves = 0;

		if (svc && !provided_by_someone(cfg, svc) && !service_from_parent(svc) && !genode_core_only(svc) &&
		    !declared_by_parent(x, svc))
			return bad(x, r->line, "route for unknown service \"%s\": neither core nor any <start> provides it",
			    svc);
		for (unsigned t = 0; t < r->ntargets; t++) {
			const struct route_target *tg = &r->targets[t];
			const struct start_cfg *to;
			unsigned found = 0;

			if (tg->kind == ROUTE_PARENT) {
				if (!svc || service_from_parent(svc) || genode_core_only(svc))
					serves = 1;
				else if (declared_by_parent(x, svc)) {
					/* A sub-init's config, as Genode's drivers.config: its parent would serve it. */
					char what[96];

					snprintf(what, sizeof what, "<parent/> for %s", svc);
					config_note(x->cfg, what, tg->line, "declared in <parent-provides>, but core does not "
					    "serve it: such sessions are denied");
					serves = 1;
				} else if (one)
					return bad(x, tg->line, "route of \"%s\" sends \"%s\" to the parent, but core does not provide it",
					    owner, svc);
				continue;
			}
			if (tg->kind == ROUTE_ANY_CHILD) {
				for (unsigned j = 0; svc && j < cfg->nstart; j++)
					found += strcmp(cfg->start[j].name, owner) && start_provides(&cfg->start[j], svc);
				if (found > 1)
					return bad(x, tg->line, "<any-child/> is ambiguous for \"%s\": %u children provide it",
					    svc, found);
				if (svc && !found && one)
					return bad(x, tg->line, "route of \"%s\" sends \"%s\" to <any-child/>, but no other "
					    "<start> provides it", owner, svc);
				serves |= !svc || found;
				continue;
			}
			if (!(to = start_named(cfg, tg->child)))
				return bad(x, tg->line, "route to nowhere: there is no <start name=\"%s\">", tg->child);
			if (!strcmp(tg->child, owner))
				return bad(x, tg->line, "\"%s\" routes a service to itself", owner);
			if (svc && !start_provides(to, svc) && one)
				return bad(x, tg->line, "route sends \"%s\" to child \"%s\", which does not <provide> it",
				    svc, tg->child);
			serves |= !svc || start_provides(to, svc);
		}
		if (!serves)
			return bad(x, r->line, "route for \"%s\": none of its targets serves it", svc);
		if (svc && genode_core_only(svc))
			config_note(x->cfg, svc, r->line, "a service of Genode's core without meaning on mkx; "
			    "its sessions are denied");
	}
	return 0;
}

/* Can rule r match a session label of child name ("name" or "name -> ...")? */
static int
rule_may_match_own(const struct route_rule *r, const char *name)
{
	char own[NAME_MAX_LEN + 8];

	snprintf(own, sizeof own, "%s -> ", name);
	/* Only unscoped_label names whole labels; the other selectors may match any child's. */
	if (r->selectors & SEL_UNSCOPED)
		return !strcmp(r->unscoped_label, name) || !strncmp(r->unscoped_label, own, strlen(own));
	return 1;
}

/* Does r take every session of a child, whatever the service and label? */
static int
rule_takes_all_own(const struct route_rule *r)
{
	return !r->service[0] && (!r->selectors || (r->selectors == SEL_PREFIX && !r->label_prefix[0]));
}

/*
 * <default-route> <any-service> <child name="X"/> applies to X's own
 * sessions too, unless something takes them first: X would wait for itself
 * (its LOG, its config ROM) forever.
 */
static int
check_default_not_self(struct ctx *x)
{
	const struct core_config *cfg = x->cfg;

	for (unsigned i = 0; i < cfg->ndefault_routes; i++) {
		const struct route_rule *r = &cfg->default_routes[i];
		const struct start_cfg *s = NULL;
		int taken = 0;

		if (r->service[0] || r->targets[0].kind != ROUTE_CHILD)
			continue;
		for (unsigned j = 0; j < cfg->nstart; j++)
			if (!strcmp(cfg->start[j].name, r->targets[0].child))
				s = &cfg->start[j];
		if (!s || !rule_may_match_own(r, s->name))
			continue;
		for (unsigned j = 0; j < s->nroutes; j++)
			taken |= rule_takes_all_own(&s->routes[j]);
		for (unsigned j = 0; j < i; j++)
			taken |= rule_takes_all_own(&cfg->default_routes[j]);
		if (!taken)
			return bad(x, r->line, "<default-route> sends the sessions of \"%s\" to \"%s\" itself "
			    "(it would wait for itself forever): give <start name=\"%s\"> a <route> whose "
			    "<any-service> goes elsewhere, or use a label_prefix that is not its own",
			    s->name, s->name, s->name);
	}
	return 0;
}

/* <default caps= ram=/>: ram is every <start>'s quantum unless it gives its own. */
static int
parse_default(struct ctx *x, const struct mkx_xml *n)
{
	static const char *const attrs[] = { "caps", "ram", NULL };
	int err;

	note_unknown_attrs(x, n, attrs);
	if ((err = ignored_number(x, n, "caps", "capability quota: a Linux process has no capability budget")))
		return err;
	if (n->child)
		return bad(x, n->child->line, "<default> holds nothing");
	err = ram_attr(x, n, &x->cfg->default_ram);
	return err < 0 ? err : 0;
}

static int
parse_parent_provides(struct ctx *x, const struct mkx_xml *n)
{
	static const char *const attrs[] = { "name", NULL };

	for (struct mkx_xml *s = n->child; s; s = s->next) {
		const char *name = mkx_xml_attr(s, "name");

		if (strcmp(s->name, "service") || !name || s->child)
			return bad(x, s->line, "<parent-provides> holds only <service name=\"...\"/>");
		if (check_attrs(x, s, attrs))
			return -EINVAL;
		if (genode_core_only(name))
			config_note(x->cfg, name, s->line, "a service of Genode's core without meaning on mkx; "
			    "its sessions are denied");
		else if (!service_from_parent(name)) {
			char what[96];

			snprintf(what, sizeof what, "<parent-provides> %s", name);
			config_note(x->cfg, what, s->line, "core does not serve it: sessions sent to the parent "
			    "for it are denied (routes to it are checked)");
		}
	}
	return 0;
}

static int
parse_alias(struct ctx *x, const struct mkx_xml *n)
{
	static const char *const attrs[] = { "name", "child", NULL };
	struct config_alias *a;
	int err;

	if (x->cfg->nalias == CHILDREN_MAX)
		return bad(x, n->line, "more than %d <alias> nodes", CHILDREN_MAX);
	a = &x->cfg->alias[x->cfg->nalias++];
	a->line = n->line;
	if ((err = check_attrs(x, n, attrs)) || (err = get_name(x, n, "name", a->name, sizeof a->name)) ||
	    (err = get_name(x, n, "child", a->child, sizeof a->child)))
		return err;
	return 0;
}

/*
 * <report_files dir= device= wait_s= log= screen=>: reports (and the log)
 * stored as files too (report_files.c). Names only: core acts on them at start.
 */
static int
parse_report_files(struct ctx *x, const struct mkx_xml *n)
{
	static const char *const attrs[] = { "dir", "device", "wait_s", "log", "screen", NULL };
	struct report_files_cfg *rf = &x->cfg->report_files;
	const char *dir = mkx_xml_attr(n, "dir"), *dev = mkx_xml_attr(n, "device");
	const char *log = mkx_xml_attr(n, "log"), *screen = mkx_xml_attr(n, "screen");
	const char *wait = mkx_xml_attr(n, "wait_s");
	unsigned long w = 20;
	int err;

	if ((err = check_attrs(x, n, attrs)))
		return err;
	if (!dir || dir[0] != '/' || strlen(dir) >= sizeof rf->dir)
		return bad(x, n->line, "<report_files> needs dir=\"/absolute/path\" (at most %zu characters)",
		    sizeof rf->dir - 1);
	if (dev && ((strncmp(dev, "LABEL=", 6) && strncmp(dev, "UUID=", 5)) || strlen(dev) >= sizeof rf->device))
		return bad(x, n->line, "<report_files device=\"%.40s\">: use LABEL=name or UUID=XXXX-XXXX", dev);
	if (log && (!log[0] || strchr(log, '/') || strlen(log) >= sizeof rf->log))
		return bad(x, n->line, "<report_files log=\"%.40s\">: a file name in dir", log);
	if (screen && (screen[0] != '/' || strlen(screen) >= sizeof rf->screen))
		return bad(x, n->line, "<report_files screen=\"%.40s\">: a terminal's path", screen);
	if (wait && (mkx_parse_ulong(wait, &w) || w > 600))
		return bad(x, n->line, "<report_files wait_s=\"%.20s\">: seconds, at most 600", wait);
	strcpy(rf->dir, dir);
	if (dev)
		strcpy(rf->device, dev);
	if (log)
		strcpy(rf->log, log);
	if (screen)
		strcpy(rf->screen, screen);
	rf->wait_s = (unsigned)w;
	return 0;
}

/*
 * Init's elements that mean nothing on mkx yet: checked for their shape,
 * then named in a note. 1 if n is none of them.
 */
static int
parse_init_only(struct ctx *x, const struct mkx_xml *n)
{
	static const char *const space[] = { "width", "height", NULL };
	static const char *const report[] = {
		"ids", "requested", "provided", "session_args", "child_caps", "child_ram", "init_caps",
		"init_ram", "delay_ms", "buffer", NULL
	};
	static const char *const heartbeat[] = { "rate_ms", NULL }, *const resource[] = { "name", "preserve", NULL };
	static const char *const service[] = { "name", NULL };
	int err;

	if (!strcmp(n->name, "affinity-space")) {
		if ((err = check_attrs(x, n, space)) || (err = check_number(x, n, "width")) ||
		    (err = check_number(x, n, "height")))
			return err;
		config_note(x->cfg, "<affinity-space>", n->line, "children run on the CPUs Linux picks");
	} else if (!strcmp(n->name, "report")) {
		if ((err = check_attrs(x, n, report)) || (err = check_number(x, n, "delay_ms")) ||
		    (err = check_number(x, n, "buffer")))
			return err;
		for (unsigned i = 0; i < 8; i++)
			if (mkx_xml_attr_bool(n, report[i], 0) < 0)
				return bad(x, n->line, "<report %s=\"%s\">: use yes or no", report[i],
				    mkx_xml_attr(n, report[i]));
		config_note(x->cfg, "<report>", n->line, "init's state report: core logs its children's ends instead");
	} else if (!strcmp(n->name, "heartbeat")) {
		if ((err = check_attrs(x, n, heartbeat)) || (err = check_number(x, n, "rate_ms")))
			return err;
		config_note(x->cfg, "<heartbeat>", n->line, "core watches its children by waitpid, not by heartbeats");
	} else if (!strcmp(n->name, "resource")) {
		if ((err = check_attrs(x, n, resource)) || (err = check_number(x, n, "preserve")))
			return err;
		config_note(x->cfg, "<resource preserve>", n->line, "core keeps what it needs without a reserve");
	} else if (!strcmp(n->name, "service")) {
		/* Init's policies for its parent's sessions to its children: core has no parent. */
		if ((err = check_attrs(x, n, service)) || !mkx_xml_attr(n, "name"))
			return err ? err : bad(x, n->line, "<service> needs a name attribute");
		for (struct mkx_xml *p = n->child; p; p = p->next)
			if (strcmp(p->name, "policy") && strcmp(p->name, "default-policy"))
				return bad(x, p->line, "unknown element <%s> inside <service>", p->name);
		config_note(x->cfg, "<service> (init's policies for its parent's sessions)", n->line,
		    "core is the root: no parent asks it for sessions");
	} else
		return 1;
	return 0;
}

/* The root element: <config>, its attributes, which elements it may hold, and <default ram> first. */
static int
config_root(struct ctx *x, const struct mkx_xml *root)
{
	static const char *const allowed[] = {
		"parent-provides", "default-route", "start", "io_port", "io_mem", "irq", "dma", "report_rom", "pci_config",
		"default", "alias", "affinity-space", "report", "heartbeat", "resource", "service", "report_files", NULL
	};
	static const char *const root_attrs[] = { "verbose", "prio_levels", "ld_verbose", NULL };
	struct core_config *cfg = x->cfg;
	struct mkx_xml *n;
	int rc = 0, v;

	if (strcmp(root->name, "config"))
		return bad(x, root->line, "root element is <%s>, expected <config>", root->name);
	note_unknown_attrs(x, root, root_attrs);
	if ((rc = check_only(x, root, allowed)) ||
	    (rc = ignored_number(x, root, "prio_levels", "CPU priorities: children run at Linux's default")) ||
	    (rc = ignored_bool(x, root, "ld_verbose", "binaries are linked statically")))
		return rc;
	/* <default ram> first: it applies to every <start>, wherever it stands. */
	cfg->default_ram = 16ul << 20;	/* enough for a static component */
	for (n = mkx_xml_child(root, "default"); n && !rc; n = mkx_xml_next(n, "default"))
		rc = parse_default(x, n);
	if (rc)
		return rc;
	v = mkx_xml_attr_bool(root, "verbose", 0);
	if (v < 0)
		return bad(x, root->line, "verbose=\"%s\": use yes or no", mkx_xml_attr(root, "verbose"));
	cfg->verbose = v;
	return 0;
}

/* A <start> among the top-level elements: parsed into the next slot, its name unique. */
static int
config_start(struct ctx *x, const struct mkx_xml *n)
{
	struct core_config *cfg = x->cfg;
	int rc;

	if (cfg->nstart == CHILDREN_MAX)
		return bad(x, n->line, "more than %d <start> nodes", CHILDREN_MAX);
	rc = parse_start(x, n, &cfg->start[cfg->nstart]);
	cfg->nstart++;	/* counted even on error so config_free frees it */
	if (rc)
		return rc;
	for (unsigned i = 0; i + 1 < cfg->nstart; i++)
		if (!strcmp(cfg->start[i].name, cfg->start[cfg->nstart - 1].name))
			rc = bad(x, n->line, "duplicate <start name=\"%s\"> (first at line %d)",
			    cfg->start[i].name, cfg->start[i].line);
	return rc;
}

/* One top-level element of <config>, by its name (<default> was read first, by config_root). */
static int
config_element(struct ctx *x, struct mkx_xml *n)
{
	struct core_config *cfg = x->cfg;
	int rc = 0;

	if (!strcmp(n->name, "start"))
		rc = config_start(x, n);
	else if (!strcmp(n->name, "default-route"))
		rc = parse_rules(x, n, cfg->default_routes, &cfg->ndefault_routes);
	else if (!strcmp(n->name, "io_port"))
		rc = parse_io_port(x, n);
	else if (!strcmp(n->name, "io_mem"))
		rc = parse_io_mem(x, n);
	else if (!strcmp(n->name, "irq"))
		rc = parse_irq(x, n);
	else if (!strcmp(n->name, "dma"))
		rc = parse_dma(x, n);
	else if (!strcmp(n->name, "report_rom"))
		rc = parse_report_rom(x, n);
	else if (!strcmp(n->name, "pci_config"))
		rc = parse_pci_config(x, n);
	else if (!strcmp(n->name, "parent-provides")) {
		x->parent_provides = n;
		rc = parse_parent_provides(x, n);
	}
	else if (!strcmp(n->name, "alias"))
		rc = parse_alias(x, n);
	else if (!strcmp(n->name, "report_files"))
		rc = parse_report_files(x, n);
	else if (strcmp(n->name, "default"))
		rc = parse_init_only(x, n);
	return rc;
}

/* What holds only of the whole config: a <start> at all, and routes that lead somewhere. */
static int
config_check(struct ctx *x, const struct mkx_xml *root)
{
	struct core_config *cfg = x->cfg;
	int rc = 0;

	if (cfg->nstart == 0)
		rc = bad(x, root->line, "no <start> node: nothing to run");
	if (!rc)
		rc = check_rules(x, cfg->default_routes, cfg->ndefault_routes, "default-route");
	if (!rc)
		rc = check_default_not_self(x);
	for (unsigned i = 0; !rc && i < cfg->nstart; i++)
		rc = check_rules(x, cfg->start[i].routes, cfg->start[i].nroutes, cfg->start[i].name);
	return rc;
}

int
config_load_buf(struct core_config *cfg, const char *buf, size_t len,
    const char *file, const char *bin_dir, char *err, size_t errlen)
{
	struct ctx x = { cfg, file, bin_dir, err, errlen, NULL };
	char perr[256];
	struct mkx_xml *root, *n;
	int rc;

	memset(cfg, 0, sizeof *cfg);
	strcpy(cfg->io_port_backend, "auto");
	strcpy(cfg->io_mem_backend, "auto");
	strcpy(cfg->irq_backend, "auto");
	strcpy(cfg->dma_backend, "auto");
	if (len > CONFIG_SIZE_MAX) {
		snprintf(err, errlen, "%s: %zu bytes, more than a config may have (%u bytes, CONFIG_SIZE_MAX)",
		    file, len, CONFIG_SIZE_MAX);
		return -EINVAL;
	}
	root = mkx_xml_parse(buf, len, perr, sizeof perr);
	if (!root) {
		snprintf(err, errlen, "%s:%s", file, perr + 5);	/* "line N: .." -> "file:N: .." */
		return -EINVAL;
	}
	if ((rc = config_root(&x, root)))
		goto out;
	for (n = root->child; n && !rc; n = n->next)
		rc = config_element(&x, n);
	resolve_aliases(cfg, cfg->default_routes, cfg->ndefault_routes);
	for (unsigned i = 0; i < cfg->nstart; i++)
		resolve_aliases(cfg, cfg->start[i].routes, cfg->start[i].nroutes);
	if (!rc)
		rc = config_check(&x, root);
out:
	mkx_xml_free(root);
	if (rc)
		config_free(cfg);
	return rc;
}

int
config_load(struct core_config *cfg, const char *file, const char *bin_dir,
    char *err, size_t errlen)
{
	/* Not fopen: a FIFO put in the config's place would block core (at SIGHUP) for good. */
	int fd = fd_open_regular(file, 0);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	char *buf;
	long len;
	int rc;

	memset(cfg, 0, sizeof *cfg);
	if (!f) {
		rc = fd < 0 ? fd : -errno;
		snprintf(err, errlen, "%s: cannot open: %s", file, fd_open_strerror(rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		snprintf(err, errlen, "%s: cannot read", file);
		fclose(f);
		return -EIO;
	}
	if ((unsigned long)len > CONFIG_SIZE_MAX) {
		snprintf(err, errlen, "%s: %ld bytes, more than a config may have (%u bytes, CONFIG_SIZE_MAX)",
		    file, len, CONFIG_SIZE_MAX);
		fclose(f);
		return -EFBIG;
	}
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		snprintf(err, errlen, "%s: cannot read", file);
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	rc = config_load_buf(cfg, buf, (size_t)len, file, bin_dir, err, errlen);
	free(buf);
	return rc;
}

void
config_free(struct core_config *cfg)
{
	for (unsigned i = 0; i < cfg->nstart; i++) {
		free(cfg->start[i].config);
		cfg->start[i].config = NULL;
	}
	cfg->nstart = 0;
}
