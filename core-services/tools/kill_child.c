/*
 * The killer for the nic_restart scenario: a test oracle started with
 * privileged="yes" (components cannot signal each other: each has its own
 * uid). It finds the child whose MKX_LABEL is `label`, waits until that
 * child has used `cpu_ms` of CPU time (the NIC driver sleeps while idle and
 * busy-polls while its client floods: CPU time means traffic), and sends
 * it SIGKILL from outside, as an operator or the OOM killer would.
 *   <config label="nic_a" cpu_ms="300" timeout_ms="30000"/>
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

/* The pid whose environment holds MKX_LABEL=label, or 0. */
static pid_t
find(const char *label)
{
	char want[160], path[64], env[8192];
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t found = 0;

	snprintf(want, sizeof want, "MKX_LABEL=%s", label);
	while (d && !found && (e = readdir(d))) {
		FILE *f;
		size_t n;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof path, "/proc/%d/environ", atoi(e->d_name));
		if (!(f = fopen(path, "r")))
			continue;
		n = fread(env, 1, sizeof env - 1, f);
		fclose(f);
		env[n] = 0;
		for (size_t at = 0; at < n; at += strlen(env + at) + 1)
			if (!strcmp(env + at, want))
				found = (pid_t)atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

/* utime + stime of pid in ms, or -1. */
static long
cpu_ms(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	if (!(p = strrchr(buf, ')')) ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (long)((ut + st) * 1000 / (unsigned long)sysconf(_SC_CLK_TCK));
}

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long want_ms = 300, timeout_ms = 30000;
	char label[128] = "";
	double t0;
	pid_t pid = 0;
	long used = -1;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom))) {
		if (mkx_xml_attr(cfg, "label"))
			snprintf(label, sizeof label, "%s", mkx_xml_attr(cfg, "label"));
		mkx_xml_attr_ulong(cfg, "cpu_ms", 300, &want_ms);
		mkx_xml_attr_ulong(cfg, "timeout_ms", 30000, &timeout_ms);
	}
	t0 = mkx_now();
	while (mkx_now() - t0 < timeout_ms / 1e3) {
		if (!pid)
			pid = find(label);
		if (pid && (used = cpu_ms(pid)) >= (long)want_ms)
			break;
		usleep(20000);
	}
	if (!pid || used < (long)want_ms) {
		mkx_error("kill_child: \"%s\" %s within %lu ms", label, pid ? "did not get busy" : "not found", timeout_ms);
		mkx_exit(1);
	}
	mkx_log("kill_child: \"%s\" (pid %d) has used %ld ms of CPU: SIGKILL now", label, (int)pid, used);
	if (kill(pid, SIGKILL)) {
		mkx_error("kill_child: kill: failed");
		mkx_exit(1);
	}
	mkx_exit(0);
}
