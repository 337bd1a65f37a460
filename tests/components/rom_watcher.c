/*
 * Test component for dynamic config: logs its config's value attribute,
 * waits (up to 20 s) for a ROM update signal, logs the new value, exits.
 */
#include <poll.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	struct pollfd p;
	char err[256];

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (!cfg)
		mkx_exit(1);
	mkx_log("value=%s", mkx_xml_attr(cfg, "value") ? mkx_xml_attr(cfg, "value") : "(none)");
	mkx_xml_free(cfg);
	p.fd = rom.sigfd;
	p.events = POLLIN;
	if (poll(&p, 1, 20000) != 1) {
		mkx_error("no config update within 20 s");
		mkx_exit(1);
	}
	if (mkx_rom_update(&rom)) {
		mkx_error("update failed");
		mkx_exit(1);
	}
	cfg = mkx_xml_parse(rom.data, rom.size, err, sizeof err);
	if (!cfg) {
		mkx_error("new config: %s", err);
		mkx_exit(1);
	}
	mkx_log("updated value=%s", mkx_xml_attr(cfg, "value") ? mkx_xml_attr(cfg, "value") : "(none)");
	mkx_xml_free(cfg);
	mkx_exit(0);
}
