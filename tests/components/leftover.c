/*
 * Test component that leaves processes behind (issue 22 finding 4):
 * <config forks="N" stay="yes|no"/> forks N processes, each in a session
 * of its own (as a daemon would, out of the child's process group), which
 * sleep up to 10 minutes; only the component itself has the parent-death
 * signal, so they outlive a SIGKILLed core. It logs their pids, then waits
 * (stay="yes", for core to be killed) or exits 0.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>
#include <mkx/xml.h>

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	const char *stay;
	unsigned long forks = 1;
	char pids[256] = "";

	if (mkx_env_init() || !(cfg = mkx_config(&rom)))
		return 1;
	mkx_xml_attr_ulong(cfg, "forks", 1, &forks);
	stay = mkx_xml_attr_bool(cfg, "stay", 0) ? "yes" : "no";
	mkx_xml_free(cfg);	/* what it said is read: nothing left for LeakSanitizer at the end */
	mkx_rom_close(&rom);
	for (unsigned long i = 0; i < forks && i < 16; i++) {
		pid_t p = fork();

		if (p < 0)
			return 1;
		if (!p) {
			setsid();
			for (int s = 0; s < 600; s++)
				sleep(1);
			_exit(0);
		}
		snprintf(pids + strlen(pids), sizeof pids - strlen(pids), "%s%d", i ? " " : "", (int)p);
	}
	mkx_log("leftover: forked %lu processes that outlive me: %s (uid %u)", forks, pids, (unsigned)getuid());
	if (!strcmp(stay, "yes"))
		for (;;)
			pause();
	return 0;
}
