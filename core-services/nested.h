/*
 * Levels of init: core's own config is level 0; a child whose binary is
 * init (a nested init, docs/nested-init.md) holds a level of its own, the
 * children of its config. Every child of every level is a slot of core's
 * child table, started by core with its own uid; its name there is its
 * whole label ("drivers -> platform"), its name in its level's config the
 * last element ("platform"). Routing goes level by level (nested_route.c),
 * bounds are checked when a level's config is applied (nested_init.c).
 */
#ifndef NESTED_H
#define NESTED_H

#include <stddef.h>

#include "core.h"

#define NESTED_LEVELS_MAX	8	/* level 0 (core) and up to 7 nested inits at once */
#define NESTED_DEPTH_MAX	4	/* init -> a -> b -> c -> d: deeper is refused */

/*
 * A nested config's <service name=X> policy: sessions for X that the level
 * above sends the nested init (its <start> <provides> X) go to its child
 * child (label= rewrites the label), as Genode's init serves its parent.
 */
struct nested_policy {
	char		service[NAME_MAX_LEN];
	char		label[128], prefix[128], suffix[128];	/* "": not a selector */
	int		any;					/* <default-policy> */
	char		child[NAME_MAX_LEN];
	char		child_label[128];
	int		has_label;
};
#define NESTED_POLICIES_MAX	16

/* The first policy of level for a session of service with label (a <default-policy> last), or NULL. */
const struct nested_policy *nested_policy_find(int level, const char *service, const char *label);

/*
 * Make level's running children those of fresh (level 0: core's config,
 * at start and at SIGHUP; else the config a nested init sent): children
 * fresh no longer names are stopped, new ones started, changed <config>s
 * delivered as ROM updates, and fresh's starts and routes become the
 * level's. fresh's starts are taken over (its config strings moved).
 */
void	nested_sync(int level, struct core_config *fresh);

/* Child slot i's name in its level's config (its label's last element). */
const char *nested_short_name(unsigned slot);
/* The level child slot i is a child of (0: core's config). */
int	nested_level_of(unsigned slot);
/* The level nested init slot i holds, or -1. */
int	nested_level_held(unsigned slot);
/* The running config of a level. */
struct core_config *nested_level_cfg(int level);

/* A child of any level exited: a nested init's level goes with it (its children are stopped). */
void	nested_child_exited(struct child *c);

/* parent.c: a nested init sent its config (MKX_OP_NESTED_CONFIG, the text in an fd). */
void	nested_config_msg(struct child *c, struct mkx_msg *m);

/*
 * nested_route.c: where child c's session goes: its level's routes, then
 * (a <parent/> target) the routes of the level above for the nested init
 * with the label scoped by its name, up to core. *server NULL: core
 * serves it. 0, or -errno with why.
 */
int	nested_route(struct child *c, const char *service, const char *label, struct child **server,
	    char *label_out, size_t label_len, char *why, size_t whylen);

/*
 * route.c: route_resolve at one level: parent_any 1 lets a <parent/>
 * target take any service (a nested init's parent decides at its level).
 */
int	route_resolve_level(const struct core_config *, const struct start_cfg *s, const char *service,
	    const char *label, int parent_any, const struct start_cfg **server, char *label_out,
	    size_t label_len, char *why, size_t whylen);

/*
 * A session request routed to a nested init that has no config yet
 * (nested_route: -EAGAIN) is held (nested_defer: 0, or -ENOSPC when 8
 * are held) and asked again (parent_session_open) once its first config
 * is applied. nested_configured: 0 while slot is a nested init without one.
 */
int	nested_defer(struct child *c, const struct mkx_msg *m);
int	nested_configured(unsigned slot);
/* parent.c: handle a SESSION_OPEN of c (again). */
void	parent_session_open(struct child *c, struct mkx_msg *m);

/* The child of level named name (its name in the level's config), running first, or NULL. */
struct child *nested_child(int level, const char *name);

/* The running config's binary directory (for configs nested inits send). */
extern const char *nested_bin_dir;

#endif
