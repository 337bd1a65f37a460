/*
 * Report policies: <report_rom> (which reader gets which report through
 * core's ROM service) and <report_files> (reports and the log kept as
 * files too, report_files.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mkx/args.h>

#include <mkx/xml.h>
#include "config_parse.h"

/* The last element of a label: "a -> b -> c" -> "c". */
static const char *
label_last(const char *label)
{
	const char *p = label, *q;

	while ((q = strstr(p, " -> ")))
		p = q + 4;
	return p;
}

/*
 * <report_rom> <policy label="rom_reader -> acpi" report="acpi -> acpi"/>:
 * Genode report_rom's routing of reports to readers, served by core's ROM
 * service. core's own ROMs are never a report: a policy for them is refused.
 */
int
config_parse_report_rom(struct config_ctx *x, const struct mkx_xml *n)
{
	static const char *const own[] = { "config", "platform_info", "pci_devices", NULL };

	for (struct mkx_xml *p = n->child; p; p = p->next) {
		struct report_rom_policy *pol;
		const char *l = mkx_xml_attr(p, "label"), *pre = mkx_xml_attr(p, "label_prefix");
		const char *rep = mkx_xml_attr(p, "report");

		if (strcmp(p->name, "policy"))
			return config_bad(x, p->line, "unknown element <%s> inside <report_rom>", p->name);
		if (x->cfg->nreport_rom == REPORT_ROM_POLICIES_MAX)
			return config_bad(x, p->line, "more than %d <report_rom> policies", REPORT_ROM_POLICIES_MAX);
		pol = &x->cfg->report_rom[x->cfg->nreport_rom++];
		memset(pol, 0, sizeof *pol);
		pol->line = p->line;
		if ((l && strlen(l) >= sizeof pol->label) || (pre && strlen(pre) >= sizeof pol->label_prefix))
			return config_bad(x, p->line, "<report_rom> <policy> label longer than %zu characters",
			    sizeof pol->label - 1);
		if (config_policy_label(x, p, "<report_rom>", pol->label, pol->label_prefix))
			return -EINVAL;
		if (!rep || !strstr(rep, " -> ") || !*label_last(rep) || strlen(rep) >= sizeof pol->report)
			return config_bad(x, p->line, "<report_rom> <policy> needs report=\"REPORTER -> LABEL\" "
			    "(the Report session's label, e.g. \"acpi -> acpi\")");
		strcpy(pol->report, rep);
		for (const char *const *o = own; *o && pol->label[0]; o++)
			if (!strcmp(label_last(pol->label), *o))
				return config_bad(x, p->line, "<report_rom> <policy label=\"%s\">: \"%s\" is core's own ROM "
				    "and cannot be a report", pol->label, *o);
	}
	return 0;
}

/*
 * <report_files dir= device= wait_s= log= screen=>: reports (and the log)
 * stored as files too (report_files.c). Names only: core acts on them at start.
 */
int
config_parse_report_files(struct config_ctx *x, const struct mkx_xml *n)
{
	static const char *const attrs[] = { "dir", "device", "wait_s", "log", "screen", NULL };
	struct report_files_cfg *rf = &x->cfg->report_files;
	const char *dir = mkx_xml_attr(n, "dir"), *dev = mkx_xml_attr(n, "device");
	const char *log = mkx_xml_attr(n, "log"), *screen = mkx_xml_attr(n, "screen");
	const char *wait = mkx_xml_attr(n, "wait_s");
	unsigned long w = 20;
	int err;

	if ((err = config_check_attrs(x, n, attrs)))
		return err;
	if (!dir || dir[0] != '/' || strlen(dir) >= sizeof rf->dir)
		return config_bad(x, n->line, "<report_files> needs dir=\"/absolute/path\" (at most %zu characters)",
		    sizeof rf->dir - 1);
	if (dev && ((strncmp(dev, "LABEL=", 6) && strncmp(dev, "UUID=", 5)) || strlen(dev) >= sizeof rf->device))
		return config_bad(x, n->line, "<report_files device=\"%.40s\">: use LABEL=name or UUID=XXXX-XXXX", dev);
	if (log && (!log[0] || strchr(log, '/') || strlen(log) >= sizeof rf->log))
		return config_bad(x, n->line, "<report_files log=\"%.40s\">: a file name in dir", log);
	if (screen && (screen[0] != '/' || strlen(screen) >= sizeof rf->screen))
		return config_bad(x, n->line, "<report_files screen=\"%.40s\">: a terminal's path", screen);
	if (wait && (mkx_parse_ulong(wait, &w) || w > 600))
		return config_bad(x, n->line, "<report_files wait_s=\"%.20s\">: seconds, at most 600", wait);
	strcpy(rf->dir, dir);
	if (dev)
		strcpy(rf->device, dev);
	if (log)
		strcpy(rf->log, log);
	if (screen)
		strcpy(rf->screen, screen);
	rf->wait_s = (unsigned)w;
	return 0;
}
