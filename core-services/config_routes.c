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

/*
 * The session label a target passes on: label= replaces it whole;
 * identity= (Genode's sandbox) replaces all of it but its last element
 * (label= wins where both are given, as in Genode).
 */
static int
target_label(struct config_ctx *x, const struct mkx_xml *t, struct route_target *tg)
{
	int err = config_copy_label(x, t, "label", tg->label, sizeof tg->label);

	if (err)
		return err < 0 ? err : (tg->has_label = TARGET_LABEL, 0);
	err = config_copy_label(x, t, "identity", tg->label, sizeof tg->label);
	if (err > 0)
		tg->has_label = TARGET_IDENTITY;
	return err < 0 ? err : 0;
}

/*
 * <parent [label|identity]/>, <child name [label|identity]/>, <any-child/>:
 * tried in this order at runtime. Another element in a rule (<if-arg>
 * of Genode's init before 17.02, <local/> of the sandbox library) is a
 * target that serves nothing, as Genode's sandbox treats it: skipped, with
 * a warning. 1 if t was skipped so.
 */
static int
parse_target(struct config_ctx *x, const struct mkx_xml *r, const struct mkx_xml *t, struct route_rule *rule)
{
	static const char *const parent_attrs[] = { "label", "identity", NULL };
	static const char *const child_attrs[] = { "name", "label", "identity", NULL };
	static const char *const none[] = { NULL };
	struct route_target *tg;
	int err;

	if (strcmp(t->name, "child") && strcmp(t->name, "parent") && strcmp(t->name, "any-child")) {
		char what[64];

		snprintf(what, sizeof what, "<%.40s> in a route rule", t->name);
		config_warn(x->cfg, what, t->line, "%d: warning: <%s> is no route target Genode's init knows: it serves "
		    "nothing, the rule's other targets are tried", t->line, t->name);
		return 1;
	}
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
	} else {
		tg->kind = ROUTE_ANY_CHILD;
		if ((err = config_check_attrs(x, t, none)))
			return err;
	}
	if (t->child)
		return config_bad(x, t->child->line, "route target <%s> holds nothing", t->name);
	return target_label(x, t, tg);
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
		for (struct mkx_xml *t = r->child; t; t = t->next)
			if ((err = parse_target(x, r, t, rule)) < 0)
				return err;
		/* Genode's init starts such a config; the rule denies what it matches */
		if (!rule->ntargets)
			config_warn(x->cfg, "route rule without a target", r->line, "%d: warning: <%s> has no target "
			    "(<parent/>, <child name=\"...\"/>, <any-child/>): the sessions it matches are denied",
			    r->line, r->name);
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
 * One target of a rule for service svc (NULL: any service) of owner: 1 if
 * it can serve it, else 0 and a warning naming why. Genode's init starts
 * such a config and only denies the session when it is asked for (route.c
 * does the same); a rule with several targets tries the next.
 */
static int
target_serves(struct config_ctx *x, const struct route_target *tg, const char *svc, const char *owner)
{
	const struct core_config *cfg = x->cfg;
	const struct start_cfg *to;
	char what[64];
	unsigned found = 0;

	if (tg->kind == ROUTE_PARENT) {
		if (!svc || service_from_parent(svc) || config_genode_core_only(svc))
			return 1;
		snprintf(what, sizeof what, "<parent/> for %.40s", svc);
		if (declared_by_parent(x, svc))	/* a sub-init's config: its parent would serve it */
			config_note(x->cfg, what, tg->line, "declared in <parent-provides>, but core does not "
			    "serve it: such sessions are denied");
		else
			config_warn(x->cfg, what, tg->line, "%d: warning: route of \"%s\" sends \"%s\" to the parent, "
			    "but core does not provide it: denied when asked for", tg->line, owner, svc);
		return 0;
	}
	if (tg->kind == ROUTE_ANY_CHILD) {
		for (unsigned j = 0; svc && j < cfg->nstart; j++)
			found += strcmp(cfg->start[j].name, owner) && start_provides(&cfg->start[j], svc);
		snprintf(what, sizeof what, "<any-child/> for %.40s", svc ? svc : "any service");
		if (found > 1)
			config_warn(x->cfg, what, tg->line, "%d: warning: <any-child/> is ambiguous for \"%s\": %u "
			    "children provide it, its sessions are denied", tg->line, svc, found);
		else if (svc && !found)
			config_warn(x->cfg, what, tg->line, "%d: warning: route of \"%s\" sends \"%s\" to <any-child/>, "
			    "but no other <start> provides it", tg->line, owner, svc);
		return !svc || found == 1;
	}
	snprintf(what, sizeof what, "route to child \"%.40s\"", tg->child);
	if (!(to = start_named(cfg, tg->child)))
		config_warn(x->cfg, what, tg->line, "%d: warning: there is no <start name=\"%s\">: sessions sent "
		    "there are denied when asked for", tg->line, tg->child);
	else if (!strcmp(tg->child, owner))
		config_warn(x->cfg, what, tg->line, "%d: warning: \"%s\" routes a service to itself: never served",
		    tg->line, owner);
	else if (svc && !start_provides(to, svc))
		config_warn(x->cfg, what, tg->line, "%d: warning: child \"%s\" does not <provide> \"%s\": "
		    "denied when asked for", tg->line, tg->child, svc);
	else
		return 1;
	return 0;
}

/*
 * Cross-checks that need the whole config: targets exist and offer the
 * service. What can never be served is a warning, as Genode's init starts
 * the config and denies such a session only when it is requested.
 */
int
config_check_rules(struct config_ctx *x, const struct route_rule *rules, unsigned n, const char *owner)
{
	const struct core_config *cfg = x->cfg;

	for (unsigned i = 0; i < n; i++) {
		const struct route_rule *r = &rules[i];
		const char *svc = r->service[0] ? r->service : NULL;
		char what[64];

		if (svc && !provided_by_someone(cfg, svc) && !service_from_parent(svc) && !config_genode_core_only(svc) &&
		    !declared_by_parent(x, svc)) {
			snprintf(what, sizeof what, "route for %.40s", svc);
			config_warn(x->cfg, what, r->line, "%d: warning: neither core nor any <start> provides \"%s\": "
			    "its sessions are denied when asked for", r->line, svc);
		}
		for (unsigned t = 0; t < r->ntargets; t++)
			target_serves(x, &r->targets[t], svc, owner);
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
			config_warn(x->cfg, "<default-route> to a child itself", r->line, "%d: warning: <default-route> "
			    "sends the sessions of \"%s\" to \"%s\" itself: they are never served (give it a "
			    "<route> whose <any-service> goes elsewhere)", r->line, s->name, s->name);
	}
	return 0;
}
