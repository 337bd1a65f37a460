/*
 * Test component: publishes one report after a delay and exits.
 * <config report="acpi" delay_ms="0" routing="1" again_ms="0"/>: the
 * document is <acpi> with that many <routing .../> elements (what
 * rom_reader counts); again_ms: publish a second version with one more
 * <routing> that much later, in the same session.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/report.h>
#include <mkx/rom.h>

int
main(void)
{
	struct mkx_rom cfg_rom;
	struct mkx_xml *cfg;
	struct mkx_report rep;
	char name[128] = "acpi";
	unsigned long delay_ms = 0, routing = 1, again_ms = 0;
	char doc[4096], why[256];
	size_t len;
	int err;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&cfg_rom);
	if (cfg) {
		if (mkx_xml_attr(cfg, "report"))
			snprintf(name, sizeof name, "%s", mkx_xml_attr(cfg, "report"));
		mkx_xml_attr_ulong(cfg, "delay_ms", 0, &delay_ms);
		mkx_xml_attr_ulong(cfg, "routing", 1, &routing);
		mkx_xml_attr_ulong(cfg, "again_ms", 0, &again_ms);
		mkx_xml_free(cfg);
		mkx_rom_close(&cfg_rom);
	}
	usleep(delay_ms * 1000);
	err = mkx_report_open(&rep, name, why, sizeof why);
	if (err) {
		mkx_error("Report \"%s\" denied: %s", name, why);
		mkx_exit(1);
	}
	for (unsigned version = 0; version < (again_ms ? 2u : 1u) && !err; version++, routing++) {
		if (version)
			usleep(again_ms * 1000);
		len = (size_t)snprintf(doc, sizeof doc, "<acpi>\n");
		for (unsigned long i = 0; i < routing && len < sizeof doc - 64; i++)
			len += (size_t)snprintf(doc + len, sizeof doc - len,
			    "  <routing device=\"%lu\" gsi=\"16\"/>\n", i);
		len += (size_t)snprintf(doc + len, sizeof doc - len, "</acpi>\n");
		err = mkx_report_submit(&rep, doc, len);
		mkx_log("report \"%s\": %s (%zu bytes, %lu <routing>)", name,
		    err ? strerror(-err) : "published", len, routing);
	}
	mkx_report_close(&rep);
	mkx_exit(err ? 1 : 0);
}
