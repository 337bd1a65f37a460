/*
 * Test component: reads a ROM that another component publishes as a
 * report (e.g. "acpi"), retrying until it exists, and logs its size and
 * how many lines contain a given element. <config rom="acpi" element="routing"
 * wait_ms="20000" delay_ms="0" updates="0"/> (delay_ms: before the first try;
 * updates: then wait for that many update signals, logging each new content).
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

int
main(void)
{
	struct mkx_rom cfg_rom, rom;
	struct mkx_xml *cfg;
	char name[128] = "acpi", element[64] = "routing";
	unsigned long wait_ms = 20000, waited = 0, delay_ms = 0, updates = 0;
	char pattern[64];
	unsigned count = 0;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&cfg_rom);
	if (cfg) {
		if (mkx_xml_attr(cfg, "rom"))
			snprintf(name, sizeof name, "%s", mkx_xml_attr(cfg, "rom"));
		if (mkx_xml_attr(cfg, "element"))
			snprintf(element, sizeof element, "%s", mkx_xml_attr(cfg, "element"));
		mkx_xml_attr_ulong(cfg, "wait_ms", 20000, &wait_ms);
		mkx_xml_attr_ulong(cfg, "delay_ms", 0, &delay_ms);
		mkx_xml_attr_ulong(cfg, "updates", 0, &updates);
		mkx_xml_free(cfg);
		mkx_rom_close(&cfg_rom);
	}
	usleep(delay_ms * 1000);
	/* The ROM appears when its report is first published. */
	while (mkx_rom_try_open(&rom, name)) {
		if (waited >= wait_ms) {
			mkx_error("ROM \"%s\" did not appear within %lu ms", name, wait_ms);
			mkx_exit(1);
		}
		usleep(200000);
		waited += 200;
	}
	snprintf(pattern, sizeof pattern, "<%s ", element);
	for (unsigned long u = 0;; u++) {
		struct pollfd p = { .fd = rom.sigfd, .events = POLLIN };

		count = 0;
		for (const char *q = rom.data; (q = strstr(q, pattern)); q++)
			count++;
		mkx_log("ROM \"%s\": %zu bytes, %u <%s> elements%s", name, rom.size, count, element,
		    u ? " (updated)" : "");
		if (u == updates)
			break;
		if (poll(&p, 1, (int)wait_ms) != 1 || mkx_rom_update(&rom)) {
			mkx_error("ROM \"%s\": no update signalled within %lu ms", name, wait_ms);
			mkx_rom_close(&rom);
			mkx_exit(1);
		}
	}
	mkx_rom_close(&rom);
	mkx_exit(count ? 0 : 1);
}
