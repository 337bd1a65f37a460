/*
 * Test component for exclusive port grants: after <config delay_ms=>, asks
 * core for an IO_PORT session on base/size and compares the outcome with
 * expect="granted" or "busy"; holds what it got for hold_ms. Exits 0 if
 * the outcome was the expected one. open="no": no session, only hold_ms
 * (a driver on the direct path needs none: its ioperm came at spawn).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/io_port.h>
#include <mkx/log.h>
#include <mkx/rom.h>

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	struct mkx_io_port p;
	unsigned long base = 0, size = 1, hold = 0, delay = 0;
	char expect[16] = "granted", why[512] = "";
	int err, ok;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (cfg) {
		mkx_xml_attr_ulong(cfg, "base", 0, &base);
		mkx_xml_attr_ulong(cfg, "size", 1, &size);
		mkx_xml_attr_ulong(cfg, "hold_ms", 0, &hold);
		mkx_xml_attr_ulong(cfg, "delay_ms", 0, &delay);
		if (mkx_xml_attr(cfg, "expect"))
			snprintf(expect, sizeof expect, "%s", mkx_xml_attr(cfg, "expect"));
	}
	if (cfg && mkx_xml_attr_bool(cfg, "open", 1) == 0) {
		mkx_xml_free(cfg);
		usleep((useconds_t)hold * 1000);
		mkx_log("held my direct grant for %lu ms without a session", hold);
		mkx_exit(0);
	}
	mkx_xml_free(cfg);
	usleep((useconds_t)delay * 1000);
	err = mkx_io_port_open(&p, (unsigned)base, (unsigned)size, why, sizeof why);
	ok = !strcmp(expect, err == 0 ? "granted" : err == -EBUSY ? "busy" : "other");
	mkx_log("ports 0x%lx-0x%lx: %s%s%s (expected %s)", base, base + size - 1,
	    err ? strerror(-err) : "granted", err ? ": " : "", why, expect);
	if (!err) {
		usleep((useconds_t)hold * 1000);
		mkx_io_port_close(&p);
	}
	mkx_exit(ok ? 0 : 1);
}
