/*
 * Init's vocabulary: <start> (its attributes, <binary>, <config>,
 * <provides>, <resource>, <exit>, ...), <default>, <parent-provides>,
 * <alias>, and init's elements that mean nothing on mkx yet (checked for
 * their shape, then named in a note).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/xml.h>
#include "config_parse.h"

static int
parse_resource(struct config_ctx *x, const struct mkx_xml *n, struct start_cfg *s)
{
	static const char *const attrs[] = { "name", "quantum", NULL };
	const char *name = mkx_xml_attr(n, "name");
	int err;

	if ((err = config_check_attrs(x, n, attrs)))
		return err;
	if (!name)
		return config_bad(x, n->line, "<resource> needs a name attribute");
	if (!strcmp(name, "CPU"))
		return config_ignored_number(x, n, "quantum", "CPU quota: children share the CPUs as Linux schedules them");
	if (strcmp(name, "RAM"))
		return config_bad(x, n->line, "unknown resource \"%s\" (known: RAM, CPU)", name);
	if (s->ram_from && strcmp(s->ram_from, "<default ram>"))
		return config_bad(x, n->line, "<start name=\"%s\"> gives its RAM quantum twice (%s and <resource>)",
		    s->name, s->ram_from);
	if (mkx_xml_attr_ulong(n, "quantum", 0, &s->ram_quota))
		return config_bad(x, n->line, "<resource name=\"RAM\">: quantum must be a number like 4M, got \"%s\"",
		    mkx_xml_attr(n, "quantum") ? mkx_xml_attr(n, "quantum") : "");
	s->ram_from = "<resource name=\"RAM\">";
	return 0;
}

/* What a <start> may hold: anything else is ignored with a warning, as Genode's init ignores it. */
static const char *const start_elements[] = {
	"binary", "config", "route", "provides", "resource", "exit", "heartbeat", "affinity", NULL
};

/* <start>'s own attributes: its name, RAM, finish= and privileged=, and Genode's that mkx only notes. */
static int
start_attrs(struct config_ctx *x, const struct mkx_xml *n, struct start_cfg *s)
{
	static const char *const attrs[] = {
		"name", "finish", "privileged", "ram", "caps", "priority", "managing_system", "ld", "version", NULL
	};
	int err, fin;

	memset(s, 0, sizeof *s);
	s->line = n->line;
	s->ram_quota = x->cfg->default_ram;	/* enforced where cgroup2 is there (cgroup.h) */
	s->ram_from = x->cfg->default_ram != 16ul << 20 ? "<default ram>" : NULL;
	if ((err = config_get_name(x, n, "name", s->name, sizeof s->name)))
		return err;
	config_warn_unknown_elements(x, n, start_elements);
	config_note_unknown(x, n, attrs);
	if ((err = config_ram_attr(x, n, &s->ram_quota)) < 0)
		return err;
	if (!err)
		s->ram_from = "ram=";
	if (config_ignored_number(x, n, "caps", "capability quota: a Linux process has no capability budget") ||
	    config_ignored_number(x, n, "priority", "CPU priority: children run at Linux's default priority") ||
	    config_ignored_bool(x, n, "managing_system", "what it grants is core's policies (<io_port>, <io_mem>, <irq>, ...)") ||
	    config_ignored_bool(x, n, "ld", "binaries are linked statically") ||
	    config_ignored_text(x, n, "version", "a changed version does not restart a child at SIGHUP"))
		return -EINVAL;
	/*
	 * Genode's only rule for a start name is that it is not empty
	 * (config_get_name): "init", "/bin/bash", "my app" are names. It is the
	 * child's label; where it becomes a file name (its cgroup), it is escaped.
	 */
	fin = mkx_xml_attr_bool(n, "finish", 0);
	if (fin < 0)
		return config_bad(x, n->line, "finish=\"%s\": use yes or no", mkx_xml_attr(n, "finish"));
	s->finish = fin;
	/*
	 * privileged="yes": the child keeps core's uid and capabilities. Only for
	 * Linux-side oracles in tests (core-services/tools/), which must see what
	 * Linux sees; core names each such child when it starts it.
	 */
	fin = mkx_xml_attr_bool(n, "privileged", 0);
	if (fin < 0)
		return config_bad(x, n->line, "privileged=\"%s\": use yes or no", mkx_xml_attr(n, "privileged"));
	s->privileged = fin;
	return 0;
}

/* <provides>: the services a child offers, each a <service name=".."/>. */
static int
parse_provides(struct config_ctx *x, const struct mkx_xml *c, struct start_cfg *s)
{
	int err;

	for (struct mkx_xml *p = c->child; p; p = p->next) {
		if (strcmp(p->name, "service"))
			return config_bad(x, p->line, "unknown element <%s> inside <provides>", p->name);
		if (s->nprovides == PROVIDES_MAX)
			return config_bad(x, p->line, "more than %d provided services", PROVIDES_MAX);
		if ((err = config_get_name(x, p, "name", s->provides[s->nprovides],
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
start_child(struct config_ctx *x, struct mkx_xml *c, struct start_cfg *s)
{
	int err;

	if (!strcmp(c->name, "binary")) {
		if ((err = config_get_name(x, c, "name", s->binary, sizeof s->binary)))
			return err;
	} else if (!strcmp(c->name, "exit")) {
		/* Genode's <exit propagate="yes"/>: init ends with this child, as finish="yes". */
		static const char *const exit_attrs[] = { "propagate", NULL };
		int prop = mkx_xml_attr_bool(c, "propagate", 0);

		if ((err = config_check_attrs(x, c, exit_attrs)))
			return err;
		if (prop < 0)
			return config_bad(x, c->line, "<exit propagate=\"%s\">: use yes or no", mkx_xml_attr(c, "propagate"));
		s->finish |= prop;
	} else if (!strcmp(c->name, "heartbeat")) {
		config_note(x->cfg, "<heartbeat> in <start>", c->line,
		    "core watches its children by waitpid, not by heartbeats");
	} else if (!strcmp(c->name, "affinity")) {
		static const char *const aff[] = { "xpos", "ypos", "width", "height", NULL };

		if ((err = config_check_attrs(x, c, aff)) ||
		    config_check_number(x, c, "xpos") || config_check_number(x, c, "ypos") ||
		    config_check_number(x, c, "width") || config_check_number(x, c, "height"))
			return -EINVAL;
		config_note(x->cfg, "<affinity> in <start>", c->line, "children run on the CPUs Linux picks");
	} else if (!strcmp(c->name, "config")) {
		if (s->config)
			return config_bad(x, c->line, "second <config> in <start name=\"%s\">", s->name);
		s->config = mkx_xml_to_string(c, &s->config_len);
		if (!s->config)
			return config_bad(x, c->line, "out of memory");
	} else if (!strcmp(c->name, "route")) {
		if ((err = config_parse_rules(x, c, s->routes, &s->nroutes)))
			return err;
	} else if (!strcmp(c->name, "provides")) {
		if ((err = parse_provides(x, c, s)))
			return err;
	} else if ((err = parse_resource(x, c, s)))
		return err;
	return 0;
}

/*
 * The binary a <start> runs, found executable in bin_dir. Its name is a
 * ROM label in Genode, paths included ("/bin/socat"): a path is a file
 * below bin_dir (its leading '/'s dropped), never outside it, so no
 * component may be "..".
 */
static int
start_binary(struct config_ctx *x, const struct mkx_xml *n, struct start_cfg *s)
{
	const char *rel = s->binary;

	while (*rel == '/')
		rel++;
	for (const char *c = rel; *c; c += strcspn(c, "/"), c += *c == '/')
		if (!strncmp(c, "..", 2) && (c[2] == '/' || !c[2]))
			return config_bad(x, n->line, "binary \"%s\" of <start name=\"%s\">: a path leading out of "
			    "the bin dir (\"..\"); binaries are files below it", s->binary, s->name);
	if (!*rel)
		return config_bad(x, n->line, "binary \"%s\" of <start name=\"%s\">: names no file",
		    s->binary, s->name);
	{
		char path[sizeof s->path];	/* local: gcc cannot see bin_dir is not in *cfg */

		snprintf(path, sizeof path, "%s/%s", x->bin_dir, rel);
		memcpy(s->path, path, sizeof path);
	}
	if (access(s->path, X_OK))
		return config_bad(x, n->line, "binary \"%s\" of <start name=\"%s\"> not found or not executable (%s: %s)",
		    s->binary, s->name, s->path, strerror(errno));
	return 0;
}

int
config_parse_start(struct config_ctx *x, const struct mkx_xml *n, struct start_cfg *s)
{
	int err;

	if ((err = start_attrs(x, n, s)))
		return err;
	strcpy(s->binary, s->name);
	for (struct mkx_xml *c = n->child; c; c = c->next)
		if (config_known(c, start_elements) && (err = start_child(x, c, s)))
			return err;
	if (!s->config) {
		s->config = strdup("<config/>\n");
		s->config_len = s->config ? strlen(s->config) : 0;
	}
	return start_binary(x, n, s);
}

/* <default caps= ram=/>: ram is every <start>'s quantum unless it gives its own. */
int
config_parse_default(struct config_ctx *x, const struct mkx_xml *n)
{
	static const char *const attrs[] = { "caps", "ram", NULL };
	int err;

	config_note_unknown(x, n, attrs);
	if ((err = config_ignored_number(x, n, "caps", "capability quota: a Linux process has no capability budget")))
		return err;
	if (n->child)
		return config_bad(x, n->child->line, "<default> holds nothing");
	err = config_ram_attr(x, n, &x->cfg->default_ram);
	return err < 0 ? err : 0;
}

int
config_parse_parent_provides(struct config_ctx *x, const struct mkx_xml *n)
{
	static const char *const attrs[] = { "name", NULL };

	for (struct mkx_xml *s = n->child; s; s = s->next) {
		const char *name = mkx_xml_attr(s, "name");

		if (strcmp(s->name, "service") || !name || s->child)
			return config_bad(x, s->line, "<parent-provides> holds only <service name=\"...\"/>");
		if (config_check_attrs(x, s, attrs))
			return -EINVAL;
		if (config_genode_core_only(name))
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

int
config_parse_alias(struct config_ctx *x, const struct mkx_xml *n)
{
	static const char *const attrs[] = { "name", "child", NULL };
	struct config_alias *a;
	int err;

	if (x->cfg->nalias == CHILDREN_MAX)
		return config_bad(x, n->line, "more than %d <alias> nodes", CHILDREN_MAX);
	a = &x->cfg->alias[x->cfg->nalias++];
	a->line = n->line;
	if ((err = config_check_attrs(x, n, attrs)) || (err = config_get_name(x, n, "name", a->name, sizeof a->name)) ||
	    (err = config_get_name(x, n, "child", a->child, sizeof a->child)))
		return err;
	return 0;
}

/*
 * Init's elements that mean nothing on mkx yet: checked for their shape,
 * then named in a note. 1 if n is none of them.
 */
int
config_parse_init_only(struct config_ctx *x, const struct mkx_xml *n)
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
		if ((err = config_check_attrs(x, n, space)) || (err = config_check_number(x, n, "width")) ||
		    (err = config_check_number(x, n, "height")))
			return err;
		config_note(x->cfg, "<affinity-space>", n->line, "children run on the CPUs Linux picks");
	} else if (!strcmp(n->name, "report")) {
		if ((err = config_check_attrs(x, n, report)) || (err = config_check_number(x, n, "delay_ms")) ||
		    (err = config_check_number(x, n, "buffer")))
			return err;
		for (unsigned i = 0; i < 8; i++)
			if (mkx_xml_attr_bool(n, report[i], 0) < 0)
				return config_bad(x, n->line, "<report %s=\"%s\">: use yes or no", report[i],
				    mkx_xml_attr(n, report[i]));
		config_note(x->cfg, "<report>", n->line, "init's state report: core logs its children's ends instead");
	} else if (!strcmp(n->name, "heartbeat")) {
		if ((err = config_check_attrs(x, n, heartbeat)) || (err = config_check_number(x, n, "rate_ms")))
			return err;
		config_note(x->cfg, "<heartbeat>", n->line, "core watches its children by waitpid, not by heartbeats");
	} else if (!strcmp(n->name, "resource")) {
		if ((err = config_check_attrs(x, n, resource)) || (err = config_check_number(x, n, "preserve")))
			return err;
		config_note(x->cfg, "<resource preserve>", n->line, "core keeps what it needs without a reserve");
	} else if (!strcmp(n->name, "service")) {
		/* Init's policies for its parent's sessions to its children: core has no parent. */
		if ((err = config_check_attrs(x, n, service)) || !mkx_xml_attr(n, "name"))
			return err ? err : config_bad(x, n->line, "<service> needs a name attribute");
		for (struct mkx_xml *p = n->child; p; p = p->next)
			if (strcmp(p->name, "policy") && strcmp(p->name, "default-policy"))
				return config_bad(x, p->line, "unknown element <%s> inside <service>", p->name);
		config_note(x->cfg, "<service> (init's policies for its parent's sessions)", n->line,
		    "core is the root: no parent asks it for sessions");
	} else
		return 1;
	return 0;
}
