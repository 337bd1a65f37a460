/*
 * Test component that floods the console (issue 10, finding 9) until it
 * is stopped: LOG lines as fast as core answers, or with
 * <config via="stdout"/> lines written to its stdout (core's pipe).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	const char *via;
	char pad[101];

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	via = cfg ? mkx_xml_attr(cfg, "via") : NULL;
	memset(pad, '=', 100);
	pad[100] = 0;
	for (unsigned long i = 0;; i++)
		if (via && !strcmp(via, "stdout"))
			printf("flood %lu %s\n", i, pad);
		else
			mkx_log("flood %lu %s", i, pad);
}
