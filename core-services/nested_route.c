/*
 * A session of a child of some level, routed as Genode routes it through
 * nested inits: the child's level's routes decide first, with the label as
 * the child gave it scoped by the child's name in that level ("platform ->
 * irq"); a <parent/> target hands it to the level above as a session of
 * the nested init, its label scoped once more by the init's name
 * ("drivers -> platform -> irq"), and so on up to core, whose own routes
 * and policies see the whole label. A nested init's children thus reach
 * nothing that the routes of their init do not lead to.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core.h"
#include "nested.h"

/* A child's <start> in its level's config now: its routes as the level's config has them. */
static const struct start_cfg *
level_start(const struct core_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->nstart; i++)
		if (!strcmp(cfg->start[i].name, name))
			return &cfg->start[i];
	return NULL;
}

/*
 * The server is a nested init: its config's <service> policies send the
 * session on to one of its children (and down again if that is a nested
 * init too); the label stays as the nested init got it, or the policy's
 * <child label=> replaces it.
 */
static int
into_nested(struct child **server, const char *service, const char *label, char *label_out, size_t label_len,
    char *why, size_t whylen)
{
	char cur[256];

	snprintf(cur, sizeof cur, "%s", label);
	for (unsigned hop = 0; hop <= NESTED_DEPTH_MAX; hop++) {
		int l = nested_level_held((unsigned)(*server - child_table));
		const struct nested_policy *p;
		struct child *to;

		if (l >= 0 && !nested_configured((unsigned)(*server - child_table))) {
			snprintf(why, whylen, "nested init \"%s\" has no config yet", (*server)->cfg->name);
			return -EAGAIN;
		}
		if (l < 0) {
			if (snprintf(label_out, label_len, "%s", cur) >= (int)label_len) {
				snprintf(why, whylen, "label too long");
				return -ENAMETOOLONG;
			}
			return 0;
		}
		if (!(p = nested_policy_find(l, service, cur))) {
			snprintf(why, whylen, "nested init \"%s\" has no <service name=\"%s\"> policy for \"%s\"",
			    (*server)->cfg->name, service, cur);
			return -EPERM;
		}
		if (!(to = nested_child(l, p->child))) {
			snprintf(why, whylen, "\"%s -> %s\" (the server of \"%s\" in nested init \"%s\") has not "
			    "started", (*server)->cfg->name, p->child, service, (*server)->cfg->name);
			return -ENOENT;
		}
		if (p->has_label)
			snprintf(cur, sizeof cur, "%s", p->child_label);
		*server = to;
	}
	snprintf(why, whylen, "more than %d levels of init", NESTED_DEPTH_MAX);
	return -ELOOP;
}

int
nested_route(struct child *c, const char *service, const char *label, struct child **server,
    char *label_out, size_t label_len, char *why, size_t whylen)
{
	unsigned slot = (unsigned)(c - child_table);
	int level = nested_level_of(slot);
	const char *name = c->cfg->name;
	char lab[256], out[256];
	size_t skip = 0;

	/* The label within the child's level: its whole label without its init's "drivers -> ". */
	if (level > 0) {
		name = nested_short_name(slot);
		skip = (size_t)(name - c->cfg->name);
	}
	if (strncmp(label, c->cfg->name, strlen(c->cfg->name))) {
		snprintf(why, whylen, "label \"%s\" is not scoped by \"%s\"", label, c->cfg->name);
		return -EPERM;
	}
	snprintf(lab, sizeof lab, "%s", label + skip);
	out[0] = 0;
	for (unsigned hop = 0;; hop++) {
		if (hop > NESTED_DEPTH_MAX) {
			snprintf(why, whylen, "more than %d levels of init", NESTED_DEPTH_MAX);
			return -ELOOP;
		}
		const struct core_config *cfg = nested_level_cfg(level);
		const struct start_cfg *s = cfg ? level_start(cfg, name) : NULL, *to = NULL;
		int rc;

		if (!s) {
			snprintf(why, whylen, "\"%s\" is no longer in its init's config", name);
			return -EPERM;
		}
		rc = route_resolve_level(cfg, s, service, lab, level > 0, &to, out, sizeof out, why, whylen);
		if (rc)
			return rc;
		if (to) {
			/* An exited server is the broker's to name (open_child_session denies then). */
			if (!(*server = nested_child(level, to->name))) {
				snprintf(why, whylen, "\"%s\" (the server of \"%s\") has not started", to->name, service);
				return -ENOENT;
			}
			return into_nested(server, service, out, label_out, label_len, why, whylen);
		}
		if (level == 0) {
			*server = NULL;
			break;
		}
		/* Up: the session of the nested init, named as its own level names it. */
		{
			int anchor = -1;

			for (unsigned i = 0; i < nchildren && anchor < 0; i++)
				if (nested_level_held(i) == level)
					anchor = (int)i;
			if (anchor < 0) {
				snprintf(why, whylen, "the nested init of \"%s\" is gone", c->cfg->name);
				return -ENOENT;
			}
			level = nested_level_of((unsigned)anchor);
			name = nested_short_name((unsigned)anchor);
			if (snprintf(lab, sizeof lab, "%s -> %s", name, out) >= (int)sizeof lab) {
				snprintf(why, whylen, "label too long");
				return -ENAMETOOLONG;
			}
		}
	}
	if (snprintf(label_out, label_len, "%s", out) >= (int)label_len) {
		snprintf(why, whylen, "label too long");
		return -ENAMETOOLONG;
	}
	return 0;
}
