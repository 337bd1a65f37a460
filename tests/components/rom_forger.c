/*
 * Test component: tries to pass its reports off as other ROMs (issue 10,
 * finding 6). It reports under the names of core's own ROMs and of the
 * acpi report, fills report slots, then reads those ROMs and logs whether
 * it got its forgery back ("forged"), core's content ("genuine"), or a
 * denial. Exits 0 either way: the test reads the log.
 */
#include <stdio.h>
#include <string.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/report.h>
#include <mkx/rom.h>

#define FILL 20

static const char forged[] = "<platform_info><acpi rsdp=\"0xdead0000\"/><forged/></platform_info>\n";

static int
publish(struct mkx_report *r, const char *name)
{
	char why[256];
	int err = mkx_report_open(r, name, why, sizeof why);

	if (err)
		return err;
	err = mkx_report_submit(r, forged, sizeof forged - 1);
	if (err)
		mkx_report_close(r);
	return err;
}

int
main(void)
{
	static const char *const names[] = { "platform_info", "pci_devices", "config", "acpi" };
	static struct mkx_report reps[4], fill[FILL], again;
	unsigned nfill = 0, nagain = 0;
	char name[32];

	if (mkx_env_init())
		return 1;
	for (unsigned i = 0; i < 4; i++)
		mkx_log("report \"%s\": %s", names[i], publish(&reps[i], names[i]) ? "refused" : "published");
	for (unsigned i = 0; i < FILL; i++) {
		snprintf(name, sizeof name, "fill%u", i);
		nfill += !publish(&fill[i], name);
	}
	mkx_log("fill: %u of %u reports published", nfill, FILL);
	for (unsigned i = 0; i < 4; i++) {
		struct mkx_rom rom;

		if (mkx_rom_try_open(&rom, names[i])) {
			mkx_log("ROM %s: denied", names[i]);
			continue;
		}
		mkx_log("ROM %s: %s", names[i], strstr(rom.data, "<forged/>") ? "forged" : "genuine");
		mkx_rom_close(&rom);
	}
	/* A slot is the session's: the same report reopened ten times reuses it. */
	mkx_report_close(&reps[3]);
	for (unsigned i = 0; i < 10; i++)
		if (!publish(&again, "acpi")) {
			nagain++;
			mkx_report_close(&again);
		}
	mkx_log("reopened: %u of 10", nagain);
	mkx_exit(0);
}
