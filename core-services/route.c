/*
 * Session routing, resolved when a session is requested, as Genode's
 * sandbox does it: the child's own <route> first, then <default-route>;
 * the first rule whose service and label selectors match decides, and of
 * its targets the first that serves the service takes the session. When
 * none does, a <service name> rule denies it and an <any-service> rule
 * lets the next matching rule try (Genode's route_model.h). A target that
 * names a child that does not exist or does not provide the service is
 * passed over here, never refused earlier (config_routes.c warns of it).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config_parse.h"
#include "nested.h"

/* The last element of a label: "a -> b -> c" -> "c". */
static const char *
last_element(const char *label)
{
	const char *p = label, *q;

	while ((q = strstr(p, " -> ")))
		p = q + 4;
	return p;
}

/* The label as child s gave it: "s -> x" -> "x"; NULL if not scoped by s's name. */
static const char *
scoped(const struct start_cfg *s, const char *label)
{
	size_t n = strlen(s->name);

	if (strncmp(label, s->name, n) || strncmp(label + n, " -> ", 4))
		return NULL;
	return label + n + 4;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return k <= n && !strcmp(s + n - k, suffix);
}

/*
 * Genode init's matching: unscoped_label compares the whole label and
 * label_last its last element (each alone decides, in that order);
 * label, label_prefix and label_suffix compare the label as the child
 * gave it, without "name -> ", and must all hold.
 */
static int
route_rule_matches(const struct route_rule *r, const struct start_cfg *s,
    const char *service, const char *label)
{
	const char *own;

	if (r->service[0] && strcmp(r->service, service))
		return 0;
	if (r->selectors & SEL_UNSCOPED)
		return !strcmp(r->unscoped_label, label);
	if (r->selectors & SEL_LAST)
		return !strcmp(r->label_last, last_element(label));
	if (!r->selectors)
		return 1;
	if (!(own = scoped(s, label)))
		return 0;
	if ((r->selectors & SEL_LABEL) && strcmp(r->label, own))
		return 0;
	if ((r->selectors & SEL_PREFIX) && strncmp(r->label_prefix, own, strlen(r->label_prefix)))
		return 0;
	if ((r->selectors & SEL_SUFFIX) && !has_suffix(own, r->label_suffix))
		return 0;
	return 1;
}

/*
 * The first matching rule from position *at on, before end (the child's
 * own rules, then the default ones, counted as one list); *at is left
 * after it.
 */
static const struct route_rule *
route_find(const struct core_config *cfg, const struct start_cfg *s,
    const char *service, const char *label, unsigned *at, unsigned end)
{
	for (; *at < end; (*at)++) {
		const struct route_rule *r = *at < s->nroutes ? &s->routes[*at] : &cfg->default_routes[*at - s->nroutes];

		if (route_rule_matches(r, s, service, label)) {
			(*at)++;
			return r;
		}
	}
	return NULL;
}

static int
provides(const struct start_cfg *s, const char *service)
{
	for (unsigned i = 0; i < s->nprovides; i++)
		if (!strcmp(s->provides[i], service))
			return 1;
	return 0;
}

/*
 * The label the server sees: label= replaces it; identity= replaces all
 * but its last element ("" leaves the last element alone), as Genode's
 * sandbox rewrites it; else it goes on unchanged.
 */
static int
target_label_out(const struct route_target *t, const char *label, char *out, size_t len)
{
	int n;

	if (t->has_label == TARGET_IDENTITY)
		n = t->label[0] ? snprintf(out, len, "%s -> %s", t->label, last_element(label))
		    : snprintf(out, len, "%s", last_element(label));
	else
		n = snprintf(out, len, "%s", t->has_label ? t->label : label);
	return n >= 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

/*
 * The targets of rule r in order: 0 and *server (NULL: core) for the
 * first that serves, -ENOENT if none does, another -errno to deny now.
 */
static int
rule_resolve(const struct core_config *cfg, const struct start_cfg *s, const struct route_rule *r,
    const char *service, const char *label, int parent_any, const struct start_cfg **server,
    char *label_out, size_t label_len, char *why, size_t whylen)
{
	for (unsigned i = 0; i < r->ntargets; i++) {
		const struct route_target *t = &r->targets[i];
		const struct start_cfg *to = NULL;
		unsigned found = 0;

		/* core's parent serves what core serves; a nested init's parent decides at its own level. */
		if (t->kind == ROUTE_PARENT && !parent_any && service_from_parent(service) != 2)
			continue;
		for (unsigned j = 0; t->kind != ROUTE_PARENT && j < cfg->nstart; j++) {
			const struct start_cfg *c = &cfg->start[j];

			/* by name: a child's own <start> is a copy of its config's (nested_init.c) */
			if (t->kind == ROUTE_CHILD ? strcmp(c->name, t->child) : !strcmp(c->name, s->name) ||
			    !provides(c, service))
				continue;
			to = c;
			found++;
		}
		/* A child's own session never goes to itself: it would wait for itself. */
		if (t->kind == ROUTE_CHILD && (!to || !strcmp(to->name, s->name) || !provides(to, service)))
			continue;
		if (t->kind == ROUTE_ANY_CHILD && found > 1) {
			snprintf(why, whylen, "<any-child/> (line %d) is ambiguous for \"%s\": %u children provide it",
			    t->line, service, found);
			return -EPERM;
		}
		if (t->kind == ROUTE_ANY_CHILD && !to)
			continue;
		if (target_label_out(t, label, label_out, label_len)) {
			snprintf(why, whylen, "label too long");
			return -ENAMETOOLONG;
		}
		*server = to;
		return 0;
	}
	return -ENOENT;
}

int
route_resolve(const struct core_config *cfg, const struct start_cfg *s, const char *service,
    const char *label, const struct start_cfg **server, char *label_out, size_t label_len,
    char *why, size_t whylen)
{
	return route_resolve_level(cfg, s, service, label, 0, server, label_out, label_len, why, whylen);
}

int
route_resolve_level(const struct core_config *cfg, const struct start_cfg *s, const char *service,
    const char *label, int parent_any, const struct start_cfg **server, char *label_out, size_t label_len,
    char *why, size_t whylen)
{
	const struct route_rule *r, *next;
	unsigned at = 0, end;
	int rc;

	r = route_find(cfg, s, service, label, &at, s->nroutes + cfg->ndefault_routes);
	if (!r) {
		snprintf(why, whylen, "no route for service \"%s\" (label \"%s\") in the config of \"%s\"",
		    service, label, s->name);
		return -EPERM;
	}
	/*
	 * A specific rule that serves nothing denies; a wildcard one lets the
	 * next matching rule of the same list try: a child's own <route> does
	 * not fall through to <default-route> (Genode's init reads one of them).
	 */
	end = at <= s->nroutes ? s->nroutes : s->nroutes + cfg->ndefault_routes;
	while ((rc = rule_resolve(cfg, s, r, service, label, parent_any, server, label_out, label_len, why,
	    whylen)) == -ENOENT &&
	    !r->service[0] && (next = route_find(cfg, s, service, label, &at, end)))
		r = next;
	if (rc != -ENOENT)
		return rc;
	if (r->ntargets == 1 && r->targets[0].kind == ROUTE_PARENT)
		snprintf(why, whylen, "core provides no service \"%s\" (route at line %d)", service, r->line);
	else
		snprintf(why, whylen, "the route at line %d for \"%s\" (label \"%s\") names no target that "
		    "serves it", r->line, service, label);
	return -ENOENT;
}

/*
 * Genode's PD, CPU and RM sessions are what every Linux process has by
 * itself (an address space, threads, mappings); RAM, SIGNAL and CAP are
 * their names in older Genode configs. They are accepted wherever a
 * config names them and never requested on mkx.
 */
int
service_from_parent(const char *name)
{
	static const char *const natural[] = { "PD", "CPU", "RM", "RAM", "SIGNAL", "CAP", NULL };

	if (core_service_find(name))
		return 2;
	for (const char *const *n = natural; *n; n++)
		if (!strcmp(*n, name))
			return 1;
	return 0;
}

/* The last element of a label ("a -> b -> c": "c"). */
static const char *
label_last_element(const char *label)
{
	const char *last = label;

	for (const char *p = label; (p = strstr(p, " -> ")); p += 4)
		last = p + 4;
	return last;
}

int
label_matches(const char *exact, const char *prefix, const char *label)
{
	size_t n, m;

	if (exact && exact[0])
		return !strcmp(exact, label);
	if (!prefix)
		return 0;
	switch (prefix[0]) {
	case LABEL_SEL_SUFFIX:
		n = strlen(prefix + 1), m = strlen(label);
		return m >= n && !strcmp(label + m - n, prefix + 1);
	case LABEL_SEL_LAST:
		return !strcmp(label_last_element(label), prefix + 1);
	default:
		return !strncmp(prefix, label, strlen(prefix));
	}
}
