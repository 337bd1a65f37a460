/*
 * Session routing, as Genode's init does it: the child's own <route>
 * first, then <default-route>; the first rule whose service and label
 * match wins.
 */
#include <string.h>

#include "core.h"

static int
rule_matches(const struct route_rule *r, const char *service, const char *label)
{
	if (r->service[0] && strcmp(r->service, service))
		return 0;
	if (r->label[0] && strcmp(r->label, label))
		return 0;
	if (r->label_prefix[0] && strncmp(r->label_prefix, label, strlen(r->label_prefix)))
		return 0;
	return 1;
}

const struct route_rule *
route_find(const struct core_config *cfg, const struct start_cfg *s,
    const char *service, const char *label)
{
	for (unsigned i = 0; i < s->nroutes; i++)
		if (rule_matches(&s->routes[i], service, label))
			return &s->routes[i];
	for (unsigned i = 0; i < cfg->ndefault_routes; i++)
		if (rule_matches(&cfg->default_routes[i], service, label))
			return &cfg->default_routes[i];
	return NULL;
}

int
label_matches(const char *exact, const char *prefix, const char *label)
{
	if (exact && exact[0])
		return !strcmp(exact, label);
	return prefix && !strncmp(prefix, label, strlen(prefix));
}
