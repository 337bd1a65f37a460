/*
 * What a config says that mkx accepts but does not act on (yet), named
 * once each with the lines it appears on, and `core --check`'s report of
 * what core will honour and what it ignores. Genode's init vocabulary is
 * larger than what means something on Linux (capability quotas, CPU
 * affinity, init's own state report): a Genode config should start
 * unchanged, and its author should see what was left aside, never guess.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config_parse.h"

void
config_note(struct core_config *cfg, const char *what, int line, const char *why)
{
	struct config_note *n = NULL;

	for (unsigned i = 0; i < cfg->nnotes && !n; i++)
		if (!strcmp(cfg->notes[i].what, what))
			n = &cfg->notes[i];
	if (!n && cfg->nnotes == CONFIG_NOTES_MAX) {
		/* Full: the last slot turns into "and more", counting what it could not name. */
		n = &cfg->notes[CONFIG_NOTES_MAX - 1];
		if (strcmp(n->what, "(more)")) {
			unsigned had = n->count;	/* what the slot named is now one of the more */

			memset(n, 0, sizeof *n);
			n->count = had;
			snprintf(n->what, sizeof n->what, "(more)");
			snprintf(n->why, sizeof n->why, "more kinds of ignored things than core lists (%d)",
			    CONFIG_NOTES_MAX - 1);
		}
	} else if (!n) {
		n = &cfg->notes[cfg->nnotes++];
		memset(n, 0, sizeof *n);
		snprintf(n->what, sizeof n->what, "%s", what);
		snprintf(n->why, sizeof n->why, "%s", why);
	}
	if (n->count < sizeof n->lines / sizeof n->lines[0])
		n->lines[n->count] = line;
	n->count++;
}

/*
 * A warning: what Genode's init accepts too but will never serve (a route
 * to a child that does not exist), or text that breaks doc/hid.txt. Kept
 * as a note whose what begins with "warning: ", so core logs it at start
 * like the others; why begins with "line[:column]: " of its first place.
 */
void
config_warn(struct core_config *cfg, const char *what, int line, const char *fmt, ...)
{
	char w[64], why[128];
	va_list ap;

	snprintf(w, sizeof w, "warning: %s", what);
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	config_note(cfg, w, line, why);
}

static int
is_warning(const struct config_note *n)
{
	return !strncmp(n->what, "warning: ", 9);
}

static void
print_ram(FILE *f, unsigned long b)
{
	if (b && !(b & ((1ul << 20) - 1)))
		fprintf(f, "%luM", b >> 20);
	else if (b && !(b & 1023))
		fprintf(f, "%luK", b >> 10);
	else
		fprintf(f, "%lu", b);
}

static void
print_target(FILE *f, const struct route_target *t)
{
	if (t->kind == ROUTE_PARENT)
		fprintf(f, "core");
	else if (t->kind == ROUTE_CHILD)
		fprintf(f, "%s", t->child);
	else
		fprintf(f, "any child");
	if (t->has_label == TARGET_IDENTITY)
		fprintf(f, " as \"%s%s<last element>\"", t->label, t->label[0] ? " -> " : "");
	else if (t->has_label)
		fprintf(f, " as \"%s\"", t->label);
}

static void
print_rule(FILE *f, const struct route_rule *r)
{
	static const struct { unsigned bit; const char *name; size_t off; } sel[] = {
		{ SEL_LABEL, "label", offsetof(struct route_rule, label) },
		{ SEL_PREFIX, "label_prefix", offsetof(struct route_rule, label_prefix) },
		{ SEL_SUFFIX, "label_suffix", offsetof(struct route_rule, label_suffix) },
		{ SEL_LAST, "label_last", offsetof(struct route_rule, label_last) },
		{ SEL_UNSCOPED, "unscoped_label", offsetof(struct route_rule, unscoped_label) },
	};

	fprintf(f, "      %s", r->service[0] ? r->service : "any service");
	for (unsigned i = 0; i < sizeof sel / sizeof sel[0]; i++)
		if (r->selectors & sel[i].bit)
			fprintf(f, " %s=\"%s\"", sel[i].name, (const char *)r + sel[i].off);
	fprintf(f, " -> ");
	for (unsigned i = 0; i < r->ntargets; i++) {
		if (i)
			fprintf(f, ", else ");
		print_target(f, &r->targets[i]);
	}
	fprintf(f, " (line %d)\n", r->line);
}

void
config_report(const struct core_config *cfg, const char *file, FILE *f)
{
	fprintf(f, "config ok: %u children (%s)\n", cfg->nstart, file);
	fprintf(f, "honoured:\n");
	for (unsigned i = 0; i < cfg->nstart; i++) {
		const struct start_cfg *s = &cfg->start[i];

		fprintf(f, "  start \"%s\" (line %d): binary %s, RAM ", s->name, s->line, s->binary);
		print_ram(f, s->ram_quota);
		fprintf(f, " (%s)", s->ram_from ? s->ram_from : "default");
		for (unsigned j = 0; j < s->nprovides; j++)
			fprintf(f, "%s%s", j ? ", " : ", provides ", s->provides[j]);
		fprintf(f, ", config ROM of %zu bytes%s%s\n", s->config_len, s->finish ? ", ends the composition" : "",
		    !strcmp(strrchr(s->binary, '/') ? strrchr(s->binary, '/') + 1 : s->binary, "init") ?
		    "; a nested init: its config is checked when it hands it to core (docs/nested-init.md)" : "");
		if (s->nroutes)
			fprintf(f, "    route:\n");
		for (unsigned j = 0; j < s->nroutes; j++)
			print_rule(f, &s->routes[j]);
	}
	if (cfg->ndefault_routes)
		fprintf(f, "  default-route:\n");
	for (unsigned j = 0; j < cfg->ndefault_routes; j++)
		print_rule(f, &cfg->default_routes[j]);
	for (unsigned j = 0; j < cfg->nalias; j++)
		fprintf(f, "  alias \"%s\" for child \"%s\" (line %d)\n", cfg->alias[j].name,
		    cfg->alias[j].child, cfg->alias[j].line);
	fprintf(f, "  policies: %u IO_PORT, %u IO_MEM, %u IRQ, %u DMA (%lu huge pages reserved at start), "
	    "%u pci_config, %u report_rom\n", cfg->nio_port, cfg->nio_mem, cfg->nirq, cfg->ndma, cfg->dma_huge_pages,
	    cfg->npci_config, cfg->nreport_rom);
	fprintf(f, "  from the parent: LOG, ROM, Report, IO_PORT, IO_MEM, IRQ, DMA served by core; "
	    "PD, CPU, RM are what every Linux process has\n");
	for (unsigned i = 0, any = 0; i < cfg->nnotes; i++) {
		const struct config_note *n = &cfg->notes[i];

		if (!is_warning(n))
			continue;
		if (!any++)
			fprintf(f, "warnings (accepted, as Genode's init accepts it):\n");
		/* why names the first place ("line[:column]: warning: ..."); the others by line */
		fprintf(f, "  %s:%s", file, n->why);
		for (unsigned j = 1; j < n->count && j < 6; j++)
			fprintf(f, "%s%d", j == 1 ? " (also line " : ", ", n->lines[j]);
		fprintf(f, "%s\n", n->count > 6 ? ", ...)" : n->count > 1 ? ")" : "");
	}
	{
		unsigned ignored = 0;

		for (unsigned i = 0; i < cfg->nnotes; i++)
			ignored += !is_warning(&cfg->notes[i]);
		if (!ignored) {
			fprintf(f, "ignored: nothing\n");
			return;
		}
	}
	fprintf(f, "ignored (accepted, no meaning on mkx yet):\n");
	for (unsigned i = 0; i < cfg->nnotes; i++) {
		const struct config_note *n = &cfg->notes[i];
		unsigned shown = n->count < 6 ? n->count : 6;

		if (is_warning(n))
			continue;
		if (!strcmp(n->what, "(more)")) {
			fprintf(f, "  and %u more: %s\n", n->count, n->why);
			continue;
		}

		fprintf(f, "  %s: %s (line%s", n->what, n->why, n->count > 1 ? "s" : "");
		for (unsigned j = 0; j < shown; j++)
			fprintf(f, "%s%d", j ? ", " : " ", n->lines[j]);
		fprintf(f, "%s)\n", n->count > shown ? ", ..." : "");
	}
}
