/*
 * The killer for the nested_kill scenario: a test oracle started with
 * privileged="yes" (components cannot signal each other). After delay_ms
 * it finds the process whose MKX_LABEL is `label` (a nested init), counts
 * the live processes whose MKX_LABEL starts with "label -> " (its
 * children, Linux's own view in /proc), sends the nested init SIGKILL
 * from outside, and then looks until none of them is left (or timeout_ms).
 *   <config label="drivers" delay_ms="30000" timeout_ms="10000"/>
 * Logs "N processes of "label -> *" before, 0 left after M ms" or what is left.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

/* How many live processes have MKX_LABEL = exact (exact) or starting with prefix; *pid the last. */
static unsigned
scan(const char *label, int exact, pid_t *pid, char *names, size_t nlen)
{
	char want[192], path[64], env[8192];
	DIR *d = opendir("/proc");
	struct dirent *e;
	unsigned count = 0;

	if (names && nlen)
		names[0] = 0;
	snprintf(want, sizeof want, exact ? "MKX_LABEL=%s" : "MKX_LABEL=%s -> ", label);
	while (d && (e = readdir(d))) {
		FILE *f;
		size_t n;
		char st[64], state = 0;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		/* a zombie is dead: its memory and fds are gone, only its exit status waits */
		snprintf(path, sizeof path, "/proc/%d/stat", atoi(e->d_name));
		if ((f = fopen(path, "r"))) {
			if (fgets(st, sizeof st, f) && strrchr(st, ')'))
				state = strrchr(st, ')')[2];
			fclose(f);
		}
		if (state == 'Z' || state == 'X')
			continue;
		snprintf(path, sizeof path, "/proc/%d/environ", atoi(e->d_name));
		if (!(f = fopen(path, "r")))
			continue;
		n = fread(env, 1, sizeof env - 1, f);
		fclose(f);
		env[n] = 0;
		for (size_t at = 0; at < n; at += strlen(env + at) + 1)
			if (exact ? !strcmp(env + at, want) : !strncmp(env + at, want, strlen(want))) {
				count++;
				if (pid)
					*pid = (pid_t)atoi(e->d_name);
				if (names && strlen(names) + strlen(env + at) + 3 < nlen)
					strcat(strcat(names, names[0] ? ", " : ""), env + at + 10);
				break;
			}
	}
	if (d)
		closedir(d);
	return count;
}

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long delay_ms = 30000, timeout_ms = 10000;
	char label[128] = "", names[1024];
	unsigned before, left;
	pid_t pid = 0;
	double t0;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom))) {
		if (mkx_xml_attr(cfg, "label"))
			snprintf(label, sizeof label, "%s", mkx_xml_attr(cfg, "label"));
		mkx_xml_attr_ulong(cfg, "delay_ms", delay_ms, &delay_ms);
		mkx_xml_attr_ulong(cfg, "timeout_ms", timeout_ms, &timeout_ms);
	}
	usleep((useconds_t)(delay_ms * 1000));
	if (!label[0] || !scan(label, 1, &pid, NULL, 0)) {
		mkx_error("nested_kill: no process labelled \"%s\"", label);
		mkx_exit(1);
	}
	before = scan(label, 0, NULL, names, sizeof names);
	mkx_log("nested_kill: \"%s\" (pid %d) has %u processes below it (%s): SIGKILL now", label, (int)pid,
	    before, names);
	kill(pid, SIGKILL);
	t0 = now_ms();
	while ((left = scan(label, 0, NULL, names, sizeof names)) && now_ms() - t0 < timeout_ms)
		usleep(20000);
	if (left) {
		mkx_error("nested_kill: %u processes of \"%s -> *\" still live after %.0f ms: %s", left, label,
		    now_ms() - t0, names);
		mkx_exit(1);
	}
	mkx_log("nested_kill: %u processes of \"%s -> *\" before, 0 left after %.0f ms", before, label, now_ms() - t0);
	mkx_exit(0);
}
