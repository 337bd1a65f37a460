/*
 * A component for tests/acpi/live_poll_test.sh: loads ROM "live_poll.aml"
 * into the interpreter with acpi's own region backend (regions_session.c,
 * core's sessions) and prints what POLL and WRRD return, one line each:
 *   POLL <value>|ERROR <message>
 */
#include <stdio.h>
#include <string.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>
#include "aml/aml.h"
#include "regions_session.h"

static void
call(struct aml_ns *ns, const char *path)
{
	struct aml_node *n = aml_lookup(ns, path);
	struct aml_obj *r = NULL;
	char err[512] = "";

	if (!n)
		mkx_log("%s ERROR not found", path + 1);
	else if (aml_eval(ns, n, NULL, 0, &r, err, sizeof err))
		mkx_log("%s ERROR %s", path + 1, err);
	else
		mkx_log("%s 0x%llx", path + 1, r && r->type == AML_INT ? (unsigned long long)r->i : ~0ull);
}

int
main(void)
{
	struct mkx_rom rom;
	struct aml_ns *ns;
	char err[512];

	if (mkx_env_init() || mkx_rom_open(&rom, "live_poll.aml"))
		return 1;
	ns = aml_ns_new(&aml_region_sessions, 16u << 20);
	if (!ns || aml_load_table(ns, (const uint8_t *)rom.data, rom.size, "DSDT", err, sizeof err)) {
		mkx_log("load: %s", ns ? err : "no memory");
		mkx_exit(1);
	}
	call(ns, "\\POLL");
	call(ns, "\\WRRD");
	mkx_exit(0);
}
