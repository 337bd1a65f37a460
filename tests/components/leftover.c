/*
 * Test component that leaves processes behind (issue 22 finding 4):
 * <config forks="N" stay="yes|no"/> forks N processes, each in a session
 * of its own (as a daemon would, out of the child's process group), which
 * sleep up to 10 minutes; only the component itself has the parent-death
 * signal, so they outlive a SIGKILLed core. It logs their pids, then waits
 * (stay="yes", for core to be killed) or exits 0. First it says how many
 * other processes have its uid: any would be a dead core's leftovers it
 * could signal and ptrace (the next core must have killed them).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>
#include <mkx/xml.h>

/* Live processes other than this one with this real uid (each /proc/PID/status's Uid line). */
static unsigned
same_uid(void)
{
	unsigned n = 0;
	struct dirent *e;
	DIR *d = opendir("/proc");

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[300], line[128], state = '?';
		unsigned long ruid = ~0ul;
		FILE *f;

		if (e->d_name[0] < '1' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
			continue;
		snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		while (fgets(line, sizeof line, f))
			if (!strncmp(line, "State:", 6))
				sscanf(line + 6, " %c", &state);
			else if (!strncmp(line, "Uid:", 4) && sscanf(line + 4, "%lu", &ruid) == 1)
				break;
		fclose(f);
		n += ruid == getuid() && state != 'Z' && state != 'X';
	}
	closedir(d);
	return n;
}

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
	mkx_log("leftover: %u other processes with my uid %u at start", same_uid(), (unsigned)getuid());
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
