/*
 * Test component: publishes a ROM file unchanged as a report, closes the
 * session and exits. <config from="seed_devices" to="devices"/>.
 * Why: a report's first version, written before its own writer runs (as
 * Genode's run scripts seed a ROM from a file): Genode's platform test
 * opens its Platform session before it reports, and the platform driver
 * announces its service only once its devices ROM has a device and
 * admits the session only by a policy of its config ROM. The session is
 * closed at exit, so the report's own writer may open it next (core lets
 * one session write a report at a time) and update the same ROM.
 */
#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/report.h>
#include <mkx/rom.h>

int
main(void)
{
	struct mkx_rom cfg_rom, from;
	struct mkx_report rep;
	struct mkx_xml *cfg;
	const char *f, *t;
	char why[256];

	if (mkx_env_init())
		return 1;
	if (!(cfg = mkx_config(&cfg_rom)) || !(f = mkx_xml_attr(cfg, "from")) || !(t = mkx_xml_attr(cfg, "to"))) {
		mkx_error("config needs from= and to=");
		return 1;
	}
	if (mkx_rom_try_open(&from, f)) {
		mkx_error("no ROM %s", f);
		return 1;
	}
	if (mkx_report_open(&rep, t, why, sizeof why)) {
		mkx_error("Report \"%s\" denied: %s", t, why);
		return 1;
	}
	if (mkx_report_submit(&rep, from.data, from.size)) {
		mkx_error("Report \"%s\": submit failed", t);
		return 1;
	}
	mkx_log("%s (%zu bytes) published as report %s", f, from.size, t);
	mkx_exit(0);
}
