/*
 * <route> and <default-route>: their rules and targets as read, and the
 * checks that need the whole config (targets that exist and serve the
 * service). Where a session goes at runtime is route.c's job.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mkx/xml.h>
#include "config_parse.h"

/* <parent [label]/>, <child name [label]/>, <any-child/>: tried in this order at runtime. */
static int
parse_target(struct config_ctx *x, const struct mkx_xml *r, const struct mkx_xml *t, struct route_rule *rule)
{
	static const char *const parent_attrs[] = { "label", NULL }, *const child_attrs[] = { "name", "label", NULL };
	static const char *const none[] = { NULL };
	struct route_target *tg;
	int err;

	if (rule->ntargets == ROUTE_TARGETS_MAX)
		return config_bad(x, t->line, "<%s> has more than %d targets", r->name, ROUTE_TARGETS_MAX);
	tg = &rule->targets[rule->ntargets++];
	tg->line = t->line;
	if (!strcmp(t->name, "child")) {
		tg->kind = ROUTE_CHILD;
		if ((err = config_check_attrs(x, t, child_attrs)) ||
		    (err = config_get_name(x, t, "name", tg->child, sizeof tg->child)))
			return err;
	} else if (!strcmp(t->name, "parent")) {
		tg->kind = ROUTE_PARENT;
		if ((err = config_check_attrs(x, t, parent_attrs)))
			return err;
	} else if (!strcmp(t->name, "any-child")) {
		tg->kind = ROUTE_ANY_CHILD;
		if ((err = config_check_attrs(x, t, none)))
			return err;
	} else
		return config_bad(x, t->line, "unknown route target <%s>: use <parent/>, <child name=\"...\"/> or <any-child/>",
		    t->name);
	if (t->child)
		return config_bad(x, t->child->line, "route target <%s> holds nothing", t->name);
	err = config_copy_label(x, t, "label", tg->label, sizeof tg->label);
	if (err < 0)
		return err;
	tg->has_label = err;
	return 0;
}

int
config_parse_rules(struct config_ctx *x, const struct mkx_xml *n, struct route_rule *rules, unsigned *count)
{
	static const char *const allowed[] = { "service", "any-service", NULL };
	static const char *const attrs[] = {
		"name", "label", "label_prefix", "label_suffix", "label_last", "unscoped_label", NULL
	};
	int err = config_check_only(x, n, allowed);

	if (err)
		return err;
	for (struct mkx_xml *r = n->child; r; r = r->next) {
		struct route_rule *rule;

		if (*count == ROUTES_MAX)
			return config_bad(x, r->line, "more than %d route rules", ROUTES_MAX);
		rule = &rules[(*count)++];
		memset(rule, 0, sizeof *rule);
		rule->line = r->line;
		if ((err = config_check_attrs(x, r, attrs + !strcmp(r->name, "any-service"))))
			return err;
		if (!strcmp(r->name, "service") &&
		    (err = config_get_name(x, r, "name", rule->service, sizeof rule->service)))
			return err;
		{
			char *dst[] = { rule->label, rule->label_prefix, rule->label_suffix, rule->label_last,
			    rule->unscoped_label };

			for (unsigned i = 0; i < 5; i++) {
				if ((err = config_copy_label(x, r, attrs[i + 1], dst[i], sizeof rule->label)) < 0)
					return err;
				if (err)
					rule->selectors |= 1u << i;	/* SEL_LABEL ... SEL_UNSCOPED in this order */
			}
		}
		if (!r->child)
			return config_bad(x, r->line, "<%s> has no target: add <parent/>, <child name=\"...\"/> or <any-child/>",
			    r->name);
		for (struct mkx_xml *t = r->child; t; t = t->next)
			if ((err = parse_target(x, r, t, rule)))
				return err;
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
int
config_genode_core_only(const char *name)
{
	return !strcmp(name, "TRACE") || !strcmp(name, "VM");
}

/* Does the config's <parent-provides> declare service? */
static int
declared_by_parent(const struct config_ctx *x, const char *service)
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
void
config_resolve_aliases(struct core_config *cfg, struct route_rule *rules, unsigned n)
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
int
config_check_rules(struct config_ctx *x, const struct route_rule *rules, unsigned n, const char *owner)
{
	const struct core_config *cfg = x->cfg;

	for (unsigned i = 0; i < n; i++) {
		const struct route_rule *r = &rules[i];
		const char *svc = r->service[0] ? r->service : NULL;
		int one = r->ntargets == 1, serves = 0;

		if (svc && !provided_by_someone(cfg, svc) && !service_from_parent(svc) && !config_genode_core_only(svc) &&
		    !declared_by_parent(x, svc))
			return config_bad(x, r->line, "route for unknown service \"%s\": neither core nor any <start> provides it",
			    svc);
		for (unsigned t = 0; t < r->ntargets; t++) {
			const struct route_target *tg = &r->targets[t];
			const struct start_cfg *to;
			unsigned found = 0;

			if (tg->kind == ROUTE_PARENT) {
				if (!svc || service_from_parent(svc) || config_genode_core_only(svc))
					serves = 1;
				else if (declared_by_parent(x, svc)) {
					/* A sub-init's config, as Genode's drivers.config: its parent would serve it. */
					char what[96];

					snprintf(what, sizeof what, "<parent/> for %s", svc);
					config_note(x->cfg, what, tg->line, "declared in <parent-provides>, but core does not "
					    "serve it: such sessions are denied");
					serves = 1;
				} else if (one)
					return config_bad(x, tg->line, "route of \"%s\" sends \"%s\" to the parent, but core does not provide it",
					    owner, svc);
				continue;
			}
			if (tg->kind == ROUTE_ANY_CHILD) {
				for (unsigned j = 0; svc && j < cfg->nstart; j++)
					found += strcmp(cfg->start[j].name, owner) && start_provides(&cfg->start[j], svc);
				if (found > 1)
					return config_bad(x, tg->line, "<any-child/> is ambiguous for \"%s\": %u children provide it",
					    svc, found);
				if (svc && !found && one)
					return config_bad(x, tg->line, "route of \"%s\" sends \"%s\" to <any-child/>, but no other "
					    "<start> provides it", owner, svc);
				serves |= !svc || found;
				continue;
			}
			if (!(to = start_named(cfg, tg->child)))
				return config_bad(x, tg->line, "route to nowhere: there is no <start name=\"%s\">", tg->child);
			if (!strcmp(tg->child, owner))
				return config_bad(x, tg->line, "\"%s\" routes a service to itself", owner);
			if (svc && !start_provides(to, svc) && one)
				return config_bad(x, tg->line, "route sends \"%s\" to child \"%s\", which does not <provide> it",
				    svc, tg->child);
			serves |= !svc || start_provides(to, svc);
		}
		if (!serves)
			return config_bad(x, r->line, "route for \"%s\": none of its targets serves it", svc);
		if (svc && config_genode_core_only(svc))
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
int
config_check_default_not_self(struct config_ctx *x)
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
			return config_bad(x, r->line, "<default-route> sends the sessions of \"%s\" to \"%s\" itself "
			    "(it would wait for itself forever): give <start name=\"%s\"> a <route> whose "
			    "<any-service> goes elsewhere, or use a label_prefix that is not its own",
			    s->name, s->name, s->name);
	}
	return 0;
}
