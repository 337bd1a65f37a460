/*
 * Test component: changes a nested init's config ROM at run time, as a
 * Genode configurator (Sculpt's deploy) does. It reports, in one Report
 * session, the content of one ROM after another:
 * <config report="drivers.config">
 *   <step rom="drivers_a.config" ms="0"/> <step rom="drivers_b.config" ms="3000"/> ...
 * </config>
 * waiting ms before each. A core <report_rom> policy routes the report to
 * the nested init's "config" ROM. It stays alive after the last step
 * (finish="yes" configs end without it).
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
	struct mkx_xml *cfg, *step;
	struct mkx_report rep;
	char name[128] = "drivers.config", why[256];
	unsigned n = 0;
	int err;

	if (mkx_env_init())
		return 1;
	if (!(cfg = mkx_config(&cfg_rom)))
		mkx_exit(1);
	if (mkx_xml_attr(cfg, "report"))
		snprintf(name, sizeof name, "%s", mkx_xml_attr(cfg, "report"));
	if ((err = mkx_report_open(&rep, name, why, sizeof why))) {
		mkx_error("Report \"%s\" denied: %s", name, why);
		mkx_exit(1);
	}
	for (step = mkx_xml_child(cfg, "step"); step; step = mkx_xml_next(step, "step")) {
		const char *rom = mkx_xml_attr(step, "rom");
		unsigned long ms = 0;
		struct mkx_rom r;

		mkx_xml_attr_ulong(step, "ms", 0, &ms);
		usleep((useconds_t)(ms * 1000));
		if (!rom || mkx_rom_open(&r, rom)) {
			mkx_error("step %u: no ROM \"%s\"", n, rom ? rom : "");
			mkx_exit(1);
		}
		err = mkx_report_submit(&rep, r.data, strnlen(r.data, r.size));
		mkx_log("step %u: \"%s\" reported as \"%s\": %s", n++, rom, name, err ? strerror(-err) : "published");
		mkx_rom_close(&r);
	}
	for (;;)
		pause();
}
