/*
 * Levels of init (nested.h, docs/nested-init.md). Level 0 is core's own
 * config; a nested init holds a level whose config it sends core (its
 * "config" ROM, each version). Core applies a level's config as Genode's
 * init applies a new config of its own: children it no longer names stop,
 * new ones start, changed <config> nodes become ROM updates. A nested
 * init's children are core's children like any other (own uid, cgroup,
 * fds): only their name is their whole label ("drivers -> platform") and
 * their sessions are routed through their init's routes first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mkx/hid.h>
#include <mkx/xml.h>
#include "core.h"
#include "nested.h"

struct level {
	int			used;
	int			anchor;		/* slot of its nested init; -1 for level 0 */
	int			parent;		/* the level the nested init is a child of */
	unsigned		depth;		/* 0 core, 1 a nested init of core's, ... */
	struct core_config	*cfg;		/* level 0: core_cfg */
	struct nested_policy	policy[NESTED_POLICIES_MAX];	/* its <service> nodes: what it serves outside */
	unsigned		npolicy;
	int			configured;	/* a config of it was applied */
	int			report;		/* its config's <report>: REPORT_* */
};

enum { REPORT_ON = 1, REPORT_RAM = 2 };
static int checked_report;


/* The <service> policies of the config nested_check accepted last, for nested_config_msg to apply. */
static struct nested_policy checked_policy[NESTED_POLICIES_MAX];
static unsigned checked_npolicy;

static struct level levels[NESTED_LEVELS_MAX];
static int slot_level[CHILDREN_MAX];		/* the level slot i is a child of */
static int slot_removed[CHILDREN_MAX];		/* stopped because its config no longer names it */
static size_t slot_short[CHILDREN_MAX];		/* where its name in its level starts in its whole label */
static struct start_cfg *slot_own[CHILDREN_MAX];	/* the child's own copy of its <start> */

const char *nested_bin_dir = ".";

/*
 * Session requests routed to a nested init before its first config was
 * applied: held, as Genode's init holds them until its child is there,
 * and asked again once it is (nested_config_msg). No fds: SESSION_OPEN
 * carries none.
 */
#define DEFERRED_MAX	8
static struct deferred {
	int		used;
	unsigned	slot;
	pid_t		pid;
	struct mkx_msg	m;
} deferred[DEFERRED_MAX];

int
nested_defer(struct child *c, const struct mkx_msg *m)
{
	for (unsigned i = 0; i < DEFERRED_MAX; i++)
		if (!deferred[i].used) {
			deferred[i].used = 1;
			deferred[i].slot = (unsigned)(c - child_table);
			deferred[i].pid = c->pid;
			deferred[i].m = *m;
			deferred[i].m.hdr.nfds = 0;
			return 0;
		}
	return -ENOSPC;
}

int
nested_configured(unsigned slot)
{
	int l = nested_level_held(slot);

	return l < 0 || levels[l].configured;
}

static void
replay_deferred(void)
{
	for (unsigned i = 0; i < DEFERRED_MAX; i++) {
		struct child *c = &child_table[deferred[i].slot];

		if (!deferred[i].used)
			continue;
		deferred[i].used = 0;
		if (c->state == CHILD_RUNNING && c->pid == deferred[i].pid && c->sock >= 0)
			parent_session_open(c, &deferred[i].m);
	}
}

/* 1 if s runs a nested init: its binary (a ROM label) names init's ROM, "init". */
static int
nested_is_init(const struct start_cfg *s)
{
	const char *b = strrchr(s->binary, '/');

	return !strcmp(b ? b + 1 : s->binary, "init");
}

int
nested_level_of(unsigned slot)
{
	return slot < CHILDREN_MAX ? slot_level[slot] : 0;
}

int
nested_level_held(unsigned slot)
{
	for (int l = 1; l < NESTED_LEVELS_MAX; l++)
		if (levels[l].used && levels[l].anchor == (int)slot)
			return l;
	return -1;
}

struct core_config *
nested_level_cfg(int level)
{
	if (level == 0)
		return core_cfg;
	return level > 0 && level < NESTED_LEVELS_MAX && levels[level].used ? levels[level].cfg : NULL;
}

/* The name of child slot i in its level's config: its label's last element. */
const char *
nested_short_name(unsigned i)
{
	/* kept from its start: its nested init's slot may hold another child by now */
	return child_table[i].cfg->name + (slot_level[i] > 0 ? slot_short[i] : 0);
}

struct child *
nested_child(int level, const char *name)
{
	struct child *found = NULL;

	for (unsigned i = 0; i < nchildren; i++) {
		if (slot_level[i] != level || !child_table[i].cfg || strcmp(nested_short_name(i), name))
			continue;
		if (child_table[i].state == CHILD_RUNNING)
			return &child_table[i];
		found = &child_table[i];
	}
	return found;
}

/*
 * A slot for a new child: the next unused one, or, when all are used, one
 * whose child has exited (everything of it was released at its exit; its
 * uid was emptied then). -ENOSPC if none.
 */
static int
slot_take(void)
{
	if (nchildren < CHILDREN_MAX)
		return (int)nchildren;
	for (unsigned i = 0; i < CHILDREN_MAX; i++)
		if (child_table[i].state == CHILD_EXITED && child_table[i].sock < 0 && nested_level_held(i) < 0) {
			for (unsigned j = 0; j < nchildren; j++)
				child_table[j].asked &= ~(1u << i);
			return (int)i;
		}
	return -ENOSPC;
}

static int
level_take(int parent, unsigned anchor)
{
	for (int l = 1; l < NESTED_LEVELS_MAX; l++) {
		int busy = 0;

		if (levels[l].used)
			continue;
		for (unsigned i = 0; i < nchildren; i++)
			busy |= slot_level[i] == l && child_table[i].state == CHILD_RUNNING;
		if (busy)	/* a gone level whose children are still being stopped */
			continue;
		/* Its exited children keep their whole label but belong to no level any more. */
		for (unsigned i = 0; i < nchildren; i++)
			if (slot_level[i] == l)
				slot_level[i] = -1;
		if (levels[l].cfg) {
			config_free(levels[l].cfg);
			free(levels[l].cfg);
		}
		memset(&levels[l], 0, sizeof levels[l]);
		levels[l].used = 1;
		levels[l].anchor = (int)anchor;
		levels[l].parent = parent;
		levels[l].depth = levels[parent].depth + 1;
		levels[l].cfg = calloc(1, sizeof(struct core_config));
		if (!levels[l].cfg) {
			levels[l].used = 0;
			return -ENOMEM;
		}
		return l;
	}
	return -ENOSPC;
}

/* Start s as a child of level: a copy of its <start> named by its whole label. */
static void
start_one(int level, const struct start_cfg *s)
{
	struct start_cfg *own = malloc(sizeof *own);
	int slot = slot_take(), err, l = -1;
	struct child *c;

	if (!own || slot < 0 || !(own->config = NULL, *own = *s, own->config = strdup(s->config))) {
		core_log("cannot start \"%s\": %s", s->name, strerror(slot < 0 ? -slot : ENOMEM));
		if (own)
			free(own);
		return;
	}
	if (level > 0 && snprintf(own->name, sizeof own->name, "%s -> %s", child_table[levels[level].anchor].cfg->name,
	    s->name) >= (int)sizeof own->name) {
		core_log("cannot start \"%s -> %s\": a label longer than %zu characters",
		    child_table[levels[level].anchor].cfg->name, s->name, sizeof own->name - 1);
		free(own->config);
		free(own);
		return;
	}
	if (nested_is_init(own) && (l = level_take(level, (unsigned)slot)) < 0) {
		core_log("cannot start nested init \"%s\": %s", own->name, strerror(-l));
		free(own->config);
		free(own);
		return;
	}
	c = &child_table[slot];
	err = child_start(c, own, core_cfg);	/* hardware grants are core's policies, by the whole label */
	if (err) {
		core_log("cannot start \"%s\": %s", own->name, strerror(-err));
		if (l > 0)
			levels[l].used = 0;
		if ((unsigned)slot == nchildren) {
			free(own->config);
			free(own);
			return;
		}
		c->state = CHILD_EXITED;	/* a reused slot: it stays an exited child */
		c->status = 127 << 8;
	}
	if (slot_own[slot]) {
		free(slot_own[slot]->config);
		free(slot_own[slot]);
	}
	slot_own[slot] = own;
	slot_level[slot] = level;
	slot_removed[slot] = 0;
	slot_short[slot] = level > 0 ? strlen(own->name) - strlen(s->name) : 0;
	if ((unsigned)slot == nchildren)
		nchildren++;
	if (l > 0 && !err)
		core_log("\"%s\" is a nested init: its children start when it sends its config", own->name);
}

static const struct start_cfg *
start_named(const struct core_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->nstart; i++)
		if (!strcmp(cfg->start[i].name, name))
			return &cfg->start[i];
	return NULL;
}

/* Stop child slot i (it left its config, or its init is gone): at once, as Genode's init destroys it. */
static void
stop_slot(unsigned i, const char *why)
{
	struct child *c = &child_table[i];

	if (c->state != CHILD_RUNNING || c->killed_by_core)
		return;
	core_log("stopping \"%s\": %s", c->cfg->name, why);
	c->killed_by_core = 1;
	kill(c->pid, SIGKILL);
}

void
nested_sync(int level, struct core_config *fresh)
{
	struct core_config *run = nested_level_cfg(level);

	if (!run)
		return;
	/* Children the new config no longer names stop; the others get their new <config> and routes. */
	for (unsigned i = 0; run != fresh && i < nchildren; i++) {
		struct child *c = &child_table[i];
		const struct start_cfg *s;

		if (slot_level[i] != level || !c->cfg || slot_removed[i])
			continue;
		if (!(s = start_named(fresh, nested_short_name(i)))) {
			slot_removed[i] = 1;
			stop_slot(i, "its <start> left the config");
			continue;
		}
		if (c->state != CHILD_RUNNING)
			continue;
		memcpy(c->cfg->routes, s->routes, sizeof s->routes);
		c->cfg->nroutes = s->nroutes;
		if (strcmp(s->config, c->cfg->config)) {
			char *tmp = c->cfg->config;

			c->cfg->config = fresh->start[s - fresh->start].config;
			c->cfg->config_len = s->config_len;
			fresh->start[s - fresh->start].config = tmp;
			core_log("config of \"%s\" changed; signalling its ROM sessions", c->cfg->name);
			rom_config_changed(c);
		}
	}
	/* The new config's starts and routes are the level's from here on. */
	if (run != fresh) {
		for (unsigned i = 0; i < run->nstart; i++)
			free(run->start[i].config);
		memcpy(run->start, fresh->start, sizeof fresh->start[0] * fresh->nstart);
		run->nstart = fresh->nstart;
		fresh->nstart = 0;	/* its config strings are run's now */
		memcpy(run->default_routes, fresh->default_routes, sizeof fresh->default_routes);
		run->ndefault_routes = fresh->ndefault_routes;
		memcpy(run->alias, fresh->alias, sizeof fresh->alias);
		run->nalias = fresh->nalias;
		run->default_ram = fresh->default_ram;
		if (level == 0) {	/* <report_rom> policies are read at each open: new ones apply */
			memcpy(run->report_rom, fresh->report_rom, sizeof fresh->report_rom);
			run->nreport_rom = fresh->nreport_rom;
		}
	}
	/* Starts no child of the level has (a child that exited on its own stays exited, as in Genode). */
	for (unsigned j = 0; j < run->nstart; j++) {
		int have = 0;

		for (unsigned i = 0; i < nchildren; i++)
			have |= slot_level[i] == level && child_table[i].cfg && !slot_removed[i] &&
			    !strcmp(nested_short_name(i), run->start[j].name);
		if (!have)
			start_one(level, &run->start[j]);
	}
}

/* Genode's Number_of_bytes: "8M", "12K" or bytes. */
static void
bytes(char *buf, size_t len, unsigned long n)
{
	if (n && !(n % (1ul << 20)))
		snprintf(buf, len, "%luM", n >> 20);
	else if (n && !(n % 1024))
		snprintf(buf, len, "%luK", n >> 10);
	else
		snprintf(buf, len, "%lu", n);
}

/*
 * The level's <state> report in the format of Genode's init (sandbox
 * child.cc report_state): a <child name binary [exited]> per child its
 * config names, with <ram assigned quota used avail/> if <report
 * child_ram="yes">. A child that died of a signal has exited="-SIGNO"
 * (Genode's children have no signals). Sent to the nested init, which
 * publishes it as its report "state", as Genode's init does.
 */
static void
send_state(int level)
{
	struct child *init;
	char xml[MKX_PAYLOAD_MAX];
	size_t n = 0;

	if (level <= 0 || !levels[level].used || !levels[level].report)
		return;
	init = &child_table[levels[level].anchor];
	n += (size_t)snprintf(xml + n, sizeof xml - n, "<state>\n");
	for (unsigned i = 0; i < nchildren && n < sizeof xml; i++) {
		struct child *c = &child_table[i];
		char a[32], q[32], u[32], v[32];

		if (slot_level[i] != level || slot_removed[i] || !c->cfg)
			continue;
		n += (size_t)snprintf(xml + n, sizeof xml - n, "\t<child name=\"%s\" binary=\"%s\"",
		    nested_short_name(i), c->cfg->binary);
		if (n < sizeof xml && c->state == CHILD_EXITED)
			n += (size_t)snprintf(xml + n, sizeof xml - n, " exited=\"%d\"", WIFEXITED(c->status) ?
			    WEXITSTATUS(c->status) : WIFSIGNALED(c->status) ? -WTERMSIG(c->status) : -1);
		if (n < sizeof xml && (levels[level].report & REPORT_RAM)) {
			bytes(a, sizeof a, c->cfg->ram_quota);
			bytes(q, sizeof q, c->cfg->ram_quota);
			bytes(u, sizeof u, c->cfg->ram_quota - c->ram_left);
			bytes(v, sizeof v, c->ram_left);
			n += (size_t)snprintf(xml + n, sizeof xml - n, ">\n\t\t<ram assigned=\"%s\" quota=\"%s\" "
			    "used=\"%s\" avail=\"%s\"/>\n\t</child>\n", a, q, u, v);
		} else if (n < sizeof xml)
			n += (size_t)snprintf(xml + n, sizeof xml - n, "/>\n");
	}
	if (n < sizeof xml)
		n += (size_t)snprintf(xml + n, sizeof xml - n, "</state>\n");
	if (n >= sizeof xml) {
		core_log("nested init \"%s\": its state report is longer than %u bytes; not sent",
		    init->cfg->name, MKX_PAYLOAD_MAX - 1);
		return;
	}
	if (init->state == CHILD_RUNNING && init->sock >= 0)
		sessions_send(init, MKX_OP_NESTED_STATE, 0, 0, xml, n + 1, NULL, 0);
}

void
nested_child_exited(struct child *c)
{
	int l = nested_level_held((unsigned)(c - child_table));

	send_state(slot_level[c - child_table]);	/* the level it was a child of says how it ended */
	if (l < 0)
		return;
	levels[l].used = 0;
	replay_deferred();	/* what waited for its first config is denied now: its server is gone */
	for (unsigned i = 0; i < nchildren; i++)
		if (slot_level[i] == l)
			stop_slot(i, "its nested init is gone");
}

/* ---- a nested init's config: read, checked against what its init was given ---- */

/* Column of the first non-blank character of line `line` of text (1 if there is none). */
static unsigned
line_col(const char *text, size_t len, int line, const char *word)
{
	size_t at = 0;
	const char *hit;

	for (int l = 1; l < line && at < len; at++)
		if (text[at] == '\n')
			l++;
	if (word && (hit = memmem(text + at, strcspn(text + at, "\n"), word, strlen(word))))
		return (unsigned)(hit - (text + at)) + 1;
	for (size_t k = at; k < len && text[k] != '\n'; k++)
		if (text[k] != ' ' && text[k] != '\t')
			return (unsigned)(k - at) + 1;
	return 1;
}

/* "file:L: what" from the config reader becomes "file:L:C: what" (a HID error has its column already). */
static void
add_column(char *err, size_t errlen, const char *file, const char *text, size_t len)
{
	size_t fl = strlen(file);
	char *p = err + fl + 1, *end;
	long line;
	char tmp[768];

	if (strncmp(err, file, fl) || err[fl] != ':')
		return;
	line = strtol(p, &end, 10);
	if (end == p || *end != ':' || (end[1] >= '0' && end[1] <= '9'))
		return;
	snprintf(tmp, sizeof tmp, "%s:%ld:%u:%s", file, line, line_col(text, len, (int)line, NULL), end + 1);
	snprintf(err, errlen, "%s", tmp);
}

static int
nbad(char *err, size_t errlen, const char *file, const char *text, size_t len, int line, const char *word,
    const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static int
nbad(char *err, size_t errlen, const char *file, const char *text, size_t len, int line, const char *word,
    const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%d:%u: %s", file, line, line_col(text, len, line, word), what);
	return -EINVAL;
}

/* The start of child slot i in its level's config (its routes as they are now). */
static const struct start_cfg *
slot_start(unsigned i)
{
	const struct core_config *cfg = nested_level_cfg(slot_level[i]);
	const struct start_cfg *s = cfg ? start_named(cfg, nested_short_name(i)) : NULL;

	return s ? s : child_table[i].cfg;
}

/*
 * Could any session of service from the child s of level reach a server
 * (ignoring labels: the route at request time decides for each)? A
 * <parent/> target asks the level above for s's nested init, up to core.
 */
static int
level_grants(int level, const struct start_cfg *s, const char *service, unsigned depth)
{
	const struct core_config *cfg = nested_level_cfg(level);

	if (!cfg || depth > NESTED_DEPTH_MAX)
		return 0;
	for (unsigned k = 0; k < s->nroutes + cfg->ndefault_routes; k++) {
		const struct route_rule *r = k < s->nroutes ? &s->routes[k] : &cfg->default_routes[k - s->nroutes];

		if (r->service[0] && strcmp(r->service, service))
			continue;
		for (unsigned t = 0; t < r->ntargets; t++) {
			const struct route_target *tg = &r->targets[t];

			if (tg->kind == ROUTE_PARENT) {
				if (level == 0 ? service_from_parent(service) != 0
				    : level_grants(levels[level].parent, slot_start((unsigned)levels[level].anchor),
				    service, depth + 1))
					return 1;
				continue;
			}
			for (unsigned j = 0; j < cfg->nstart; j++)
				if ((tg->kind == ROUTE_ANY_CHILD || !strcmp(cfg->start[j].name, tg->child)) &&
				    &cfg->start[j] != s)
					for (unsigned p = 0; p < cfg->start[j].nprovides; p++)
						if (!strcmp(cfg->start[j].provides[p], service))
							return 1;
		}
	}
	return 0;
}

/* The ROM a nested init's start takes its config from: its ROM route for "config" with label=, else "". */
static const char *
config_rom(const struct start_cfg *s)
{
	static char name[128];

	for (unsigned k = 0; k < s->nroutes; k++) {
		const struct route_rule *r = &s->routes[k];

		if ((r->service[0] && strcmp(r->service, "ROM")) || !r->ntargets)
			continue;
		if (!((r->selectors & SEL_LABEL) && !strcmp(r->label, "config")) &&
		    !((r->selectors & SEL_LAST) && !strcmp(r->label_last, "config")))
			continue;
		if (r->targets[0].has_label != 1) /* TARGET_LABEL */
			return "";
		{
			const char *l = r->targets[0].label, *q;

			while ((q = strstr(l, " -> ")))
				l = q + 4;
			snprintf(name, sizeof name, "%s", l);
			return name;
		}
	}
	return "";
}

/*
 * A nested config's <service name=X> nodes: how sessions its parent sends
 * it for X reach its children (Genode's init: <policy label..> or
 * <default-policy>, each with <child name= label=/>), in their order.
 */
static int
parse_policies(const char *file, const char *text, size_t len, char *err, size_t errlen)
{
	char perr[256];
	struct mkx_xml *root = mkx_doc_is_hid(text, len) ? mkx_hid_parse(text, len, perr, sizeof perr)
	    : mkx_xml_parse(text, len, perr, sizeof perr);
	int rc = 0;

	checked_npolicy = 0;
	checked_report = 0;
	if (!root)
		return 0;	/* config_load_buf said what is wrong */
	if (mkx_xml_child(root, "report"))
		checked_report = REPORT_ON | (mkx_xml_attr_bool(mkx_xml_child(root, "report"), "child_ram", 0) == 1 ?
		    REPORT_RAM : 0);
	for (struct mkx_xml *sv = mkx_xml_child(root, "service"); sv && !rc; sv = mkx_xml_next(sv, "service"))
		for (struct mkx_xml *p = sv->child; p && !rc; p = p->next) {
			struct nested_policy *np = &checked_policy[checked_npolicy];
			struct mkx_xml *ch = mkx_xml_child(p, "child");
			const char *v;

			if (strcmp(p->name, "policy") && strcmp(p->name, "default-policy"))
				continue;
			if (!ch || !mkx_xml_attr(ch, "name")) {
				rc = nbad(err, errlen, file, text, len, p->line, p->name, "<%s> of <service name=\"%s\">: "
				    "only <child name=\"...\"/> targets are served", p->name, mkx_xml_attr(sv, "name"));
				break;
			}
			if (checked_npolicy == NESTED_POLICIES_MAX) {
				rc = nbad(err, errlen, file, text, len, p->line, p->name, "more than %d <service> policies",
				    NESTED_POLICIES_MAX);
				break;
			}
			memset(np, 0, sizeof *np);
			snprintf(np->service, sizeof np->service, "%s", mkx_xml_attr(sv, "name"));
			snprintf(np->child, sizeof np->child, "%s", mkx_xml_attr(ch, "name"));
			if ((v = mkx_xml_attr(ch, "label")))
				np->has_label = 1, snprintf(np->child_label, sizeof np->child_label, "%s", v);
			if ((v = mkx_xml_attr(p, "label")))
				snprintf(np->label, sizeof np->label, "%s", v);
			if ((v = mkx_xml_attr(p, "label_prefix")))
				snprintf(np->prefix, sizeof np->prefix, "%s", v);
			if ((v = mkx_xml_attr(p, "label_suffix")))
				snprintf(np->suffix, sizeof np->suffix, "%s", v);
			np->any = !strcmp(p->name, "default-policy");
			checked_npolicy++;
		}
	mkx_xml_free(root);
	return rc;
}

const struct nested_policy *
nested_policy_find(int level, const char *service, const char *label)
{
	const struct nested_policy *def = NULL;

	if (level <= 0 || level >= NESTED_LEVELS_MAX || !levels[level].used)
		return NULL;
	for (unsigned i = 0; i < levels[level].npolicy; i++) {
		const struct nested_policy *p = &levels[level].policy[i];
		size_t n = strlen(label), k = strlen(p->suffix);

		if (strcmp(p->service, service))
			continue;
		if (p->any) {
			def = def ? def : p;
			continue;
		}
		if ((!p->label[0] || !strcmp(p->label, label)) &&
		    (!p->prefix[0] || !strncmp(p->prefix, label, strlen(p->prefix))) &&
		    (!p->suffix[0] || (k <= n && !strcmp(label + n - k, p->suffix))))
			return p;
	}
	return def;
}

/* The hardware and report policies of core: a nested init grants no hardware. */
static const char *const core_only[] = {
	"io_port", "io_mem", "irq", "dma", "pci_config", "report_rom", "report_files", NULL
};

/* What a nested config is checked with: its text (for line and column) and the nested init. */
struct ncheck {
	const struct child	*init;
	const char		*file, *text;
	size_t			len;
	int			level;
	struct core_config	*fresh;
	char			*err;
	size_t			errlen;
};

/* Core's policies are core's: such an element is refused, found in the text for its line. */
static int
check_no_policies(struct ncheck *k)
{
	const struct core_config *f = k->fresh;
	int line = f->nio_port ? f->io_port[0].line : f->nio_mem ? f->io_mem[0].line : f->nirq ? f->irq[0].line
	    : f->ndma ? f->dma[0].line : f->npci_config ? f->pci_config[0].line
	    : f->nreport_rom ? f->report_rom[0].line : 0;

	for (const char *const *w = core_only; !line && *w; w++) {
		char tag[32];
		const char *hit;

		snprintf(tag, sizeof tag, "<%s", *w);
		if ((hit = memmem(k->text, k->len, tag, strlen(tag))) && strchr(" >/\n", hit[strlen(tag)])) {
			line = 1;
			for (const char *p = k->text; p < hit; p++)
				line += *p == '\n';
		}
	}
	if (!line && !f->report_files.dir[0])
		return 0;
	return nbad(k->err, k->errlen, k->file, k->text, k->len, line ? line : 1, NULL, "a hardware or report "
	    "policy in the config of nested init \"%s\": those are core's (its config grants them by label); "
	    "a nested init grants no hardware", k->init->cfg->name);
}

/* RAM: its children together get no more than it was given. */
static int
check_ram(struct ncheck *k)
{
	const struct start_cfg *init = k->init->cfg;
	unsigned long sum = 0;

	for (unsigned i = 0; i < k->fresh->nstart; i++) {
		const struct start_cfg *s = &k->fresh->start[i];

		sum += s->ram_quota;
		if (sum > init->ram_quota)
			return nbad(k->err, k->errlen, k->file, k->text, k->len, s->line, s->name, "<start name=\"%s\"> "
			    "(RAM %lu KiB): the children of \"%s\" would have %lu KiB, more than the %lu KiB \"%s\" was "
			    "given", s->name, s->ram_quota / 1024, init->name, sum / 1024, init->ram_quota / 1024,
			    init->name);
	}
	return 0;
}

/* Routes: a <service name=X> rule sending X to its parent needs X given to the nested init. */
static int
check_routes(struct ncheck *k)
{
	const struct core_config *f = k->fresh;
	unsigned slot = (unsigned)(k->init - child_table);

	for (unsigned i = 0; i <= f->nstart; i++) {
		const struct route_rule *rules = i < f->nstart ? f->start[i].routes : f->default_routes;
		unsigned n = i < f->nstart ? f->start[i].nroutes : f->ndefault_routes;

		for (unsigned j = 0; j < n; j++) {
			const struct route_rule *r = &rules[j];

			if (!r->service[0] || r->ntargets == 0 || r->targets[0].kind != ROUTE_PARENT ||
			    service_from_parent(r->service) == 1)
				continue;
			if (level_grants(levels[k->level].parent, slot_start(slot), r->service, 0))
				continue;
			return nbad(k->err, k->errlen, k->file, k->text, k->len, r->line, r->service, "a route of %s "
			    "sends \"%s\" sessions to the parent, but \"%s\" is given no \"%s\" (no route of its own "
			    "config leads to it): a nested init cannot give more routes than it has",
			    i < f->nstart ? f->start[i].name : "<default-route>", r->service, k->init->cfg->name,
			    r->service);
		}
	}
	return 0;
}

/* Nested inits in it: not deeper than NESTED_DEPTH_MAX, none configured by its own ancestors' ROM. */
static int
check_inner_inits(struct ncheck *k)
{
	for (unsigned i = 0; i < k->fresh->nstart; i++) {
		const struct start_cfg *s = &k->fresh->start[i];
		const char *rom;

		if (!nested_is_init(s))
			continue;
		if (levels[k->level].depth + 1 >= NESTED_DEPTH_MAX)
			return nbad(k->err, k->errlen, k->file, k->text, k->len, s->line, s->name, "<start name=\"%s\"> "
			    "is a nested init %u levels deep; at most %d are", s->name, levels[k->level].depth + 1,
			    NESTED_DEPTH_MAX - 1);
		if (!*(rom = config_rom(s)))
			continue;
		for (int l = k->level; l > 0; l = levels[l].parent)
			if (!strcmp(config_rom(slot_start((unsigned)levels[l].anchor)), rom))
				return nbad(k->err, k->errlen, k->file, k->text, k->len, s->line, s->name, "<start name="
				    "\"%s\"> is a nested init configured by ROM \"%s\", the config of \"%s\" it is inside: "
				    "a loop of nested inits", s->name, rom, child_table[levels[l].anchor].cfg->name);
	}
	return 0;
}

/*
 * Read the config text a nested init sent (named "INIT -> config" in
 * errors) and check it against what the nested init was given, into
 * fresh. 0, or -errno with "file:line:column: why" in err.
 */
static int
nested_check(const struct child *init, const char *text, size_t len, struct core_config *fresh,
    char *err, size_t errlen)
{
	char fname[NAME_MAX_LEN + 16];
	struct ncheck k = { init, fname, text, len, nested_level_held((unsigned)(init - child_table)), fresh, err,
	    errlen };
	int rc;

	snprintf(fname, sizeof fname, "%s -> config", init->cfg->name);
	if (k.level < 0) {
		snprintf(err, errlen, "\"%s\" is not a nested init", init->cfg->name);
		return -EPERM;
	}
	if ((rc = config_load_buf(fresh, text, len, fname, nested_bin_dir, err, errlen))) {
		add_column(err, errlen, fname, text, len);
		return rc;
	}
	if ((rc = parse_policies(fname, text, len, err, errlen)) || (rc = check_no_policies(&k)) ||
	    (rc = check_ram(&k)) || (rc = check_routes(&k)) || (rc = check_inner_inits(&k)))
		config_free(fresh);
	return rc;
}

void
nested_config_msg(struct child *c, struct mkx_msg *m)
{
	static struct core_config fresh;
	int level = nested_level_held((unsigned)(c - child_table));
	char err[768], *text;
	struct stat st;
	ssize_t got;
	int fd, rc;

	if (level < 0 || m->hdr.nfds != 1) {
		core_log("child \"%s\": a nested init's config from %s; refused", c->cfg->name,
		    level < 0 ? "a child that is not a nested init" : "a message without its one fd");
		sessions_send(c, m->hdr.op, m->hdr.seq, -EPERM, NULL, 0, NULL, 0);
		return;
	}
	fd = m->fds[0];
	/* A memfd (a regular file): read with pread, never a pipe that could block core. */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > (off_t)CONFIG_SIZE_MAX) {
		core_log("nested init \"%s\": its config is not a regular file of at most %u bytes; refused",
		    c->cfg->name, CONFIG_SIZE_MAX);
		sessions_send(c, m->hdr.op, m->hdr.seq, -EINVAL, NULL, 0, NULL, 0);
		return;
	}
	text = malloc((size_t)st.st_size + 1);
	got = text ? pread(fd, text, (size_t)st.st_size, 0) : -1;
	if (got < 0) {
		free(text);
		sessions_send(c, m->hdr.op, m->hdr.seq, -EIO, NULL, 0, NULL, 0);
		return;
	}
	text[got] = 0;
	rc = nested_check(c, text, (size_t)got, &fresh, err, sizeof err);
	free(text);
	if (rc) {
		core_log("config of nested init \"%s\" refused, keeping what runs: %s", c->cfg->name, err);
		sessions_send(c, m->hdr.op, m->hdr.seq, rc, err, strlen(err) + 1, NULL, 0);
		return;
	}
	core_log("nested init \"%s\": config applied (%u children)", c->cfg->name, fresh.nstart);
	nested_sync(level, &fresh);
	memcpy(levels[level].policy, checked_policy, sizeof checked_policy);
	levels[level].npolicy = checked_npolicy;
	levels[level].configured = 1;
	levels[level].report = checked_report;
	config_free(&fresh);
	sessions_send(c, m->hdr.op, m->hdr.seq, 0, NULL, 0, NULL, 0);
	replay_deferred();
	send_state(level);
}
