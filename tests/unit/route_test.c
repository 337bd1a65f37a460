/*
 * Genode init's vocabulary in core's config (issue 17): route selectors
 * (label, label_prefix, label_suffix, label_last, unscoped_label), targets
 * tried in order (<parent/>, <child name label/>, <any-child/>), label
 * rewriting, <default ram caps>, ram/caps on <start>, <exit propagate>,
 * <alias>, PD/CPU/RM from the parent, and what is accepted without
 * meaning: named once in a note, malformed ones refused with file:line.
 * Binaries are /bin's (true exists on every Debian machine).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../core-services/core.h"
#include "harness.h"

static struct core_config cfg;
static char err[1024];

static int
load(const char *doc)
{
	return config_load_buf(&cfg, doc, strlen(doc), "t.cfg", "/bin", err, sizeof err);
}

static const struct start_cfg *
start(const char *name)
{
	for (unsigned i = 0; i < cfg.nstart; i++)
		if (!strcmp(cfg.start[i].name, name))
			return &cfg.start[i];
	harness_fail(__FILE__, __LINE__, "no start \"%s\"", name);
}

/* Route a session of client; returns the server's name ("core") and the label it sees. */
static const char *
route(const char *client, const char *service, const char *label, char *seen)
{
	const struct start_cfg *server;
	char why[200];

	if (route_resolve(&cfg, start(client), service, label, &server, seen, 256, why, sizeof why)) {
		snprintf(seen, 256, "%s", why);
		return "denied";
	}
	return server ? server->name : "core";
}

#define ROUTES(client, service, label, want_server, want_label) do {		\
	char _seen[256];							\
	const char *_s = route(client, service, label, _seen);			\
	if (strcmp(_s, want_server) || strcmp(_seen, want_label))		\
		harness_fail(__FILE__, __LINE__, "%s %s \"%s\" went to %s as \"%s\", expected %s as \"%s\"", \
		    client, service, label, _s, _seen, want_server, want_label);	\
} while (0)

static const char hid_config[] =
	"config\n"
	"+ parent-provides\n"
	"  + service LOG\n"
	"  + service ROM\n"
	"  + service PD\n"
	"  + service CPU\n"
	"+ default-route\n"
	"  + any-service | + parent\n"
	"                | + any-child\n"
	"+ default | caps: 100 | ram: 2M\n"
	"+ start timer | caps: 120 | ram: 1M\n"
	"  + binary true\n"
	"  + provides | + service Timer\n"
	"  + route\n"
	"    + service PD  | + parent\n"
	"    + service LOG | + parent\n"
	"    + service ROM | + parent\n"
	"+ start srv\n"
	"  + binary true\n"
	"  + provides | + service Hello\n"
	"+ start cli\n"
	"  + binary true\n"
	"  + route\n"
	"    + service ROM | label: config             | + parent label: cli.config\n"
	"    + service ROM | label_suffix: .so          | + parent label: libc.lib.so\n"
	"    + service Hello | label_last: devices      | + child srv | label: devs\n"
	"    + service Timer | unscoped_label: cli -> quiet | + child timer | label: hushed\n"
	"    + service Hello | label_prefix: a | label_suffix: z | + child srv | label: az\n"
	"    + any-service | + parent\n"
	"                  | + any-child\n"
	"-\n";

TEST(route_hid_config_with_init_vocabulary_loads)
{
	CHECK_INT(load(hid_config), 0);
	CHECK_INT(cfg.nstart, 3);
	CHECK_INT(start("timer")->ram_quota, 1 << 20);
	CHECK_INT(start("srv")->ram_quota, 2 << 20);	/* <default ram> */
	CHECK_INT(start("cli")->routes[0].ntargets, 1);
	CHECK_INT(cfg.default_routes[0].ntargets, 2);
	CHECK_INT(cfg.nnotes, 2);
	CHECK_STR_HAS(cfg.notes[0].what, "caps= of <default>");
	CHECK_STR_HAS(cfg.notes[1].what, "caps= of <start>");
	CHECK_INT(cfg.notes[1].count, 1);
	CHECK_INT(cfg.notes[1].lines[0], 11);
	config_free(&cfg);
}

TEST(route_selectors_match_as_genode_init)
{
	CHECK_INT(load(hid_config), 0);
	ROUTES("cli", "ROM", "cli -> config", "core", "cli.config");
	ROUTES("cli", "ROM", "cli -> ld.lib.so", "core", "libc.lib.so");		/* label_suffix */
	ROUTES("cli", "Hello", "cli -> a -> devices", "srv", "devs");			/* label_last */
	ROUTES("cli", "Timer", "cli -> quiet", "timer", "hushed");			/* unscoped_label */
	ROUTES("cli", "Timer", "cli -> x -> quiet", "timer", "cli -> x -> quiet");
	ROUTES("cli", "LOG", "cli -> loud", "core", "cli -> loud");
	ROUTES("cli", "Hello", "cli -> abz", "srv", "az");				/* prefix and suffix */
	ROUTES("cli", "Hello", "cli -> ab", "srv", "cli -> ab");			/* any-child, label kept */
	ROUTES("cli", "Timer", "cli", "timer", "cli");					/* parent first, then any-child */
	ROUTES("srv", "Timer", "srv -> t", "timer", "srv -> t");			/* <default-route> */
	ROUTES("timer", "Timer", "timer", "denied",
	    "the route at line 8 for \"Timer\" (label \"timer\") names no target that serves it");
	config_free(&cfg);
}

/* Issue 25: ambiguous is a warning when read, a denial when the session is asked for (Genode's sandbox). */
TEST(route_any_child_ambiguous_refused)
{
	static const char two[] =
	    "config\n"
	    "+ start a | + binary true\n"
	    "  + provides | + service Hello\n"
	    "+ start b | + binary true\n"
	    "  + provides | + service Hello\n"
	    "+ start c | + binary true\n"
	    "  + route\n"
	    "    + service Hello | + any-child\n"
	    "-\n";
	static const char any[] =
	    "config\n"
	    "+ default-route | + any-service | + any-child\n"
	    "                                | + parent\n"
	    "+ start a | + binary true\n"
	    "  + provides | + service Hello\n"
	    "+ start b | + binary true\n"
	    "  + provides | + service Hello\n"
	    "+ start c | + binary true\n"
	    "-\n";

	CHECK_INT(load(two), 0);
	CHECK_STR_HAS(cfg.notes[0].why, "8: warning: <any-child/> is ambiguous for \"Hello\": 2 children provide it");
	ROUTES("c", "Hello", "c", "denied", "<any-child/> (line 8) is ambiguous for \"Hello\": 2 children provide it");
	config_free(&cfg);
	CHECK_INT(load(any), 0);
	ROUTES("c", "Hello", "c", "denied", "<any-child/> (line 2) is ambiguous for \"Hello\": 2 children provide it");
	ROUTES("a", "Hello", "a", "b", "a");	/* a itself is not "any other child" */
	ROUTES("c", "LOG", "c", "core", "c");
	config_free(&cfg);
}

TEST(route_ram_and_caps_as_genode_writes_them)
{
	CHECK_INT(load("<config>\n<start name=\"a\" ram=\"3M\" caps=\"200\"><binary name=\"true\"/></start>\n"
	    "<start name=\"b\" caps=\"100\"><binary name=\"true\"/><resource name=\"RAM\" quantum=\"5M\"/>\n"
	    "<resource name=\"CPU\" quantum=\"10\"/></start>\n<default ram=\"7M\"/>\n"
	    "<start name=\"c\"><binary name=\"true\"/></start></config>"), 0);
	CHECK_INT(start("a")->ram_quota, 3 << 20);
	CHECK_INT(start("b")->ram_quota, 5 << 20);
	CHECK_INT(start("c")->ram_quota, 7 << 20);	/* <default> applies wherever it stands */
	CHECK_STR_HAS(cfg.notes[0].what, "caps= of <start>");
	CHECK_INT(cfg.notes[0].count, 2);
	CHECK_INT(cfg.notes[0].lines[1], 3);
	CHECK_STR_HAS(cfg.notes[1].what, "quantum= of <resource>");
	config_free(&cfg);
	CHECK_INT(load("<config>\n<start name=\"a\" ram=\"3M\"><binary name=\"true\"/>\n"
	    "<resource name=\"RAM\" quantum=\"5M\"/></start></config>"), -EINVAL);
	CHECK_STR_HAS(err, "t.cfg:3: <start name=\"a\"> gives its RAM quantum twice");
	CHECK_INT(load("<config>\n<start name=\"a\" caps=\"lots\"><binary name=\"true\"/></start></config>"), -EINVAL);
	CHECK_STR_HAS(err, "t.cfg:2: <start caps=\"lots\">: a number");
	CHECK_INT(load("<config>\n<start name=\"a\" ram=\"0\"><binary name=\"true\"/></start></config>"), -EINVAL);
	CHECK_STR_HAS(err, "t.cfg:2: <start ram=\"0\">");
	CHECK_INT(load("<config>\n<default caps=\"1x\"/><start name=\"a\"><binary name=\"true\"/></start></config>"),
	    -EINVAL);
	CHECK_STR_HAS(err, "t.cfg:2: <default caps=\"1x\">");
}

TEST(route_ignored_vocabulary_noted_once_malformed_refused)
{
	CHECK_INT(load("config | prio_levels: 4 | ld_verbose: yes\n"
	    "+ affinity-space | width: 2 | height: 1\n"
	    "+ report | init_ram: yes | delay_ms: 500\n"
	    "+ heartbeat | rate_ms: 1000\n"
	    "+ resource RAM | preserve: 1M\n"
	    "+ service Nic | + default-policy | + child a\n"
	    "+ start a | priority: -1 | managing_system: yes | ld: no | version: 2\n"
	    "  + binary true\n"
	    "  + affinity | xpos: 1 | width: 1\n"
	    "  + heartbeat\n"
	    "  + exit | propagate: yes\n"
	    "+ start b | priority: -2 | + binary true\n"
	    "-\n"), 0);
	CHECK(start("a")->finish);
	{
		static const char *const want[] = {
			"prio_levels= of <config>", "ld_verbose= of <config>", "<affinity-space>", "<report>",
			"<heartbeat>", "<resource preserve>", "<service>", "priority= of <start>",
			"managing_system= of <start>", "ld= of <start>", "version= of <start>",
			"<affinity> in <start>", "<heartbeat> in <start>",
		};

		CHECK_INT(cfg.nnotes, sizeof want / sizeof want[0]);
		for (unsigned i = 0; i < cfg.nnotes; i++)
			CHECK_STR_HAS(cfg.notes[i].what, want[i]);
	}
	CHECK_INT(cfg.notes[7].count, 2);	/* priority: named once, both lines */
	CHECK_INT(cfg.notes[7].lines[1], 12);
	config_free(&cfg);

	CHECK_INT(load("config\n+ affinity-space | width: two\n+ start a | + binary true\n-\n"), -EINVAL);
	CHECK_STR_HAS(err, "t.cfg:2: <affinity-space width=\"two\">: a number");
	CHECK_INT(load("config\n+ report | init_ram: maybe\n+ start a | + binary true\n-\n"), -EINVAL);
	CHECK_STR_HAS(err, "t.cfg:2: <report init_ram=\"maybe\">: use yes or no");
	/* Unknown on <start>: a note (it cannot widen anything); on a route rule: an error. */
	CHECK_INT(load("config\n+ start a | colour: red | + binary true\n-\n"), 0);
	CHECK_STR_HAS(cfg.notes[0].what, "colour= of <start>");
	config_free(&cfg);
	CHECK_INT(load("config\n+ start a | + binary true\n  + route\n    + any-service | lable: x | + parent\n-\n"),
	    -EINVAL);
	CHECK_STR_HAS(err, "t.cfg:4: unknown attribute lable=\"x\" of <any-service>");
	CHECK_INT(load("config\n+ start a | + binary true\n  + exit | propagate: often\n-\n"), -EINVAL);
	CHECK_STR_HAS(err, "t.cfg:3: <exit propagate=\"often\">");
	CHECK_INT(load("config\n+ start a | + binary true\n  + route | + any-service | + parent | lable: x\n-\n"),
	    -EINVAL);
	CHECK_STR_HAS(err, "t.cfg:3: unknown attribute lable=\"x\" of <parent>");
	/* An element Genode's init does not know as a target serves nothing: a warning (issue 25). */
	CHECK_INT(load("config\n+ start a | + binary true\n  + route\n    + any-service | + sibling\n-\n"), 0);
	CHECK_STR_HAS(cfg.notes[0].why, "4: warning: <sibling> is no route target");
	ROUTES("a", "LOG", "a", "denied", "the route at line 4 for \"LOG\" (label \"a\") names no target that serves it");
	config_free(&cfg);
	CHECK_INT(load("config\n+ service Nic | + policy | + child a\n  + deny\n+ start a | + binary true\n-\n"),
	    -EINVAL);
	CHECK_STR_HAS(err, "t.cfg:3: unknown element <deny> inside <service>");
}

TEST(route_alias_pd_and_genode_core_services)
{
	CHECK_INT(load("<config>\n<alias name=\"timer\" child=\"pit\"/>\n"
	    "<parent-provides><service name=\"PD\"/><service name=\"TRACE\"/></parent-provides>\n"
	    "<start name=\"pit\"><binary name=\"true\"/><provides><service name=\"Timer\"/></provides></start>\n"
	    "<start name=\"app\"><binary name=\"true\"/><route>\n"
	    "<service name=\"Timer\"><child name=\"timer\"/></service>\n"
	    "<service name=\"CPU\"><parent/></service>\n"
	    "<service name=\"TRACE\"><parent/></service>\n"
	    "<any-service><parent/></any-service></route></start></config>"), 0);
	ROUTES("app", "Timer", "app", "pit", "app");
	ROUTES("app", "TRACE", "app", "denied", "core provides no service \"TRACE\" (route at line 8)");
	CHECK_STR_HAS(cfg.notes[0].what, "TRACE");
	config_free(&cfg);
	CHECK_INT(load("<config>\n<alias name=\"timer\" child=\"nobody\"/>\n"
	    "<start name=\"app\"><binary name=\"true\"/><route>\n"
	    "<service name=\"LOG\"><child name=\"timer\"/></service></route></start></config>"), 0);
	CHECK_STR_HAS(cfg.notes[0].why, "4: warning: there is no <start name=\"nobody\">");
	ROUTES("app", "LOG", "app", "denied",
	    "the route at line 4 for \"LOG\" (label \"app\") names no target that serves it");
	config_free(&cfg);
}

/*
 * Issue 25: routes resolved when the session is asked for, as Genode's
 * sandbox does (route_model.h): targets in order, one that cannot serve
 * passed over; a <service> rule none of whose targets serves denies, an
 * <any-service> rule lets the next matching rule try. identity= on a
 * target replaces all of the label but its last element.
 */
TEST(route_lazy_fall_through_and_identity)
{
	CHECK_INT(load("<config>\n"
	    "<start name=\"srv\"><binary name=\"true\"/><provides><service name=\"Hello\"/></provides></start>\n"
	    "<start name=\"app\"><binary name=\"true\"/><route>\n"
	    "<service name=\"Hello\" label=\"one\"><child name=\"ghost\"/><child name=\"srv\"/></service>\n"
	    "<service name=\"Hello\" label=\"two\"><child name=\"ghost\"/></service>\n"
	    "<any-service label_prefix=\"x\"><child name=\"ghost\"/></any-service>\n"
	    "<service name=\"Hello\"><child name=\"srv\" identity=\"sandbox -> app\"/></service>\n"
	    "<service name=\"ROM\"><parent identity=\"\"/></service>\n"
	    "<any-service><parent/></any-service></route></start></config>"), 0);
	ROUTES("app", "Hello", "app -> one", "srv", "app -> one");		/* ghost passed over */
	ROUTES("app", "Hello", "app -> two", "denied",				/* specific rule: denied */
	    "the route at line 5 for \"Hello\" (label \"app -> two\") names no target that serves it");
	ROUTES("app", "Hello", "app -> xyz", "srv", "sandbox -> app -> xyz");	/* wildcard: next rule */
	ROUTES("app", "LOG", "app -> xyz", "core", "app -> xyz");
	ROUTES("app", "ROM", "app -> a -> config", "core", "config");		/* identity="": the last element */
	config_free(&cfg);
	/* Falling through stays in the list: a child's own <any-service> that serves nothing does not reach <default-route>. */
	CHECK_INT(load("<config>\n<default-route><any-service><parent/></any-service></default-route>\n"
	    "<start name=\"app\"><binary name=\"true\"/><route>\n"
	    "<any-service label_prefix=\"x\"><child name=\"ghost\"/></any-service>\n"
	    "<any-service label_prefix=\"xy\"><parent/></any-service></route></start></config>"), 0);
	ROUTES("app", "LOG", "app -> xyz", "core", "app -> xyz");	/* the next own rule */
	ROUTES("app", "LOG", "app -> xz", "denied",			/* no own rule left: not the default */
	    "the route at line 4 for \"LOG\" (label \"app -> xz\") names no target that serves it");
	ROUTES("app", "LOG", "app -> z", "core", "app -> z");		/* no own rule matched: the default */
	config_free(&cfg);
}

TEST(route_notes_overflow_into_one_more_line)
{
	char doc[8192], *p = doc;

	p += sprintf(p, "config\n+ parent-provides\n");
	for (int i = 0; i < 40; i++)
		p += sprintf(p, "  + service Svc%d\n", i);
	p += sprintf(p, "+ start a | + binary true\n-\n");
	CHECK_INT(load(doc), 0);
	CHECK_INT(cfg.nnotes, CONFIG_NOTES_MAX);
	CHECK_STR_HAS(cfg.notes[CONFIG_NOTES_MAX - 2].what, "<parent-provides> Svc30");
	CHECK_STR_HAS(cfg.notes[CONFIG_NOTES_MAX - 1].what, "(more)");
	CHECK_INT(cfg.notes[CONFIG_NOTES_MAX - 1].count, 9);
	config_free(&cfg);
}

/* Core's own policies take every Genode label selector; two at once is an error, not a guess. */
TEST(route_policy_selectors_of_core_policies)
{
	CHECK_INT(load("config\n+ io_port\n  + policy | label_suffix: pit | base: 0x40 | size: 4\n"
	    "  + policy | label_last: rtc | base: 0x70 | size: 2\n"
	    "  + policy | unscoped_label: a -> b | base: 0x60 | size: 1\n"
	    "+ start a | + binary true\n-\n"), 0);
	CHECK(label_matches(cfg.io_port[0].label, cfg.io_port[0].label_prefix, "drv -> pit"));
	CHECK(!label_matches(cfg.io_port[0].label, cfg.io_port[0].label_prefix, "drv -> pit2"));
	CHECK(label_matches(cfg.io_port[1].label, cfg.io_port[1].label_prefix, "x -> y -> rtc"));
	CHECK(label_matches(cfg.io_port[1].label, cfg.io_port[1].label_prefix, "rtc"));
	CHECK(!label_matches(cfg.io_port[1].label, cfg.io_port[1].label_prefix, "x -> rtc -> y"));
	CHECK(label_matches(cfg.io_port[2].label, cfg.io_port[2].label_prefix, "a -> b"));
	CHECK(!label_matches(cfg.io_port[2].label, cfg.io_port[2].label_prefix, "a -> bc"));
	config_free(&cfg);
	CHECK_INT(load("config\n+ io_port\n  + policy | label: x | label_last: y | base: 0x40 | size: 4\n"
	    "+ start a | + binary true\n-\n"), -EINVAL);
	CHECK_STR_HAS(err, "t.cfg:3: IO_PORT <policy>: give one label selector, not 2");
}
