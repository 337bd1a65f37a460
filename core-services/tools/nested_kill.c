/*
 * The killer for the nested_kill scenario: a test oracle started with
 * privileged="yes" (components cannot signal each other). After delay_ms
 * it finds the process whose MKX_LABEL is `label` (a nested init), counts
 * the live processes whose MKX_LABEL starts with "label -> " (its
 * children, Linux's own view in /proc), sends the nested init SIGKILL
 * from outside, and then looks until none of them is left (or timeout_ms).
 *   <config label="drivers" delay_ms="30000" timeout_ms="10000"/>
 * Logs "N processes of "label -> *" before, 0 left after M ms" or what is left.
 *
 * With pci="00:02.0 ..." (functions the subsystem's drivers held, each with
 * a DMA session) it also reads each one's PCI command register from Linux's
 * own sysfs config file, before the kill (bus master must be on: the check
 * means something only for a device that was mastering) and after (it
 * must go off within timeout_ms: core's DMA session end turns it off
 * before the buffers are freed), and looks in every process's fds and maps
 * for the function's sysfs files or its /dev/uioN: none may be left.
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

/* The function's PCI command register as Linux reads it (sysfs config), or -1. */
static int
pci_cmd(const char *bdf)
{
	char path[96];
	unsigned char b[2];
	FILE *f;
	int v = -1;

	snprintf(path, sizeof path, "/sys/bus/pci/devices/0000:%s/config", bdf);
	if ((f = fopen(path, "r"))) {
		if (fseek(f, 4, SEEK_SET) == 0 && fread(b, 1, 2, f) == 2)
			v = b[0] | b[1] << 8;
		fclose(f);
	}
	return v;
}

/* Does s name one of bdf's files: its sysfs directory or a /dev/uioN bound to it? */
static int
names_device(const char *s, const char *bdf)
{
	char key[300], path[96];
	const char *at;
	DIR *d;
	struct dirent *e;
	int hit;

	snprintf(key, sizeof key, "0000:%s/", bdf);
	if (strstr(s, key))
		return 1;
	snprintf(path, sizeof path, "/sys/bus/pci/devices/0000:%s/uio", bdf);
	if (!(d = opendir(path)))
		return 0;
	hit = 0;
	while (!hit && (e = readdir(d)))
		if (!strncmp(e->d_name, "uio", 3)) {
			snprintf(key, sizeof key, "/dev/%s", e->d_name);
			/* the whole name: /dev/uio1 is not /dev/uio10 */
			hit = (at = strstr(s, key)) && (at[strlen(key)] == 0 || at[strlen(key)] == '\n');
		}
	closedir(d);
	return hit;
}

/* Processes (other than us) with an fd or a mapping of bdf's files; their pids in out. */
static unsigned
holders(const char *bdf, char *out, size_t olen)
{
	char path[300], link[512], line[600];
	DIR *d = opendir("/proc"), *fd;
	struct dirent *e, *g;
	unsigned count = 0;

	out[0] = 0;
	while (d && (e = readdir(d))) {
		int pid = atoi(e->d_name), hit = 0;
		FILE *f;

		if (!isdigit((unsigned char)e->d_name[0]) || pid == getpid())
			continue;
		snprintf(path, sizeof path, "/proc/%d/fd", pid);
		if ((fd = opendir(path))) {
			while (!hit && (g = readdir(fd))) {
				ssize_t n;

				snprintf(path, sizeof path, "/proc/%d/fd/%s", pid, g->d_name);
				if ((n = readlink(path, link, sizeof link - 1)) > 0) {
					link[n] = 0;
					hit = names_device(link, bdf);
				}
			}
			closedir(fd);
		}
		snprintf(path, sizeof path, "/proc/%d/maps", pid);
		if (!hit && (f = fopen(path, "r"))) {
			while (!hit && fgets(line, sizeof line, f))
				hit = names_device(line, bdf);
			fclose(f);
		}
		if (hit) {
			count++;
			if (strlen(out) + 16 < olen)
				snprintf(out + strlen(out), olen - strlen(out), "%s%d", out[0] ? " " : "", pid);
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
	char label[128] = "", names[1024], pci[128] = "", *bdf[8], *save;
	int cmd0[8];
	unsigned npci = 0;
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
		if (mkx_xml_attr(cfg, "pci"))
			snprintf(pci, sizeof pci, "%s", mkx_xml_attr(cfg, "pci"));
	}
	for (char *t = strtok_r(pci, " ", &save); t && npci < 8; t = strtok_r(NULL, " ", &save))
		bdf[npci++] = t;
	usleep((useconds_t)(delay_ms * 1000));
	if (!label[0] || !scan(label, 1, &pid, NULL, 0)) {
		mkx_error("nested_kill: no process labelled \"%s\"", label);
		mkx_exit(1);
	}
	before = scan(label, 0, NULL, names, sizeof names);
	mkx_log("nested_kill: \"%s\" (pid %d) has %u processes below it (%s): SIGKILL now", label, (int)pid,
	    before, names);
	for (unsigned i = 0; i < npci; i++) {
		cmd0[i] = pci_cmd(bdf[i]);
		if (cmd0[i] < 0 || !(cmd0[i] & 4)) {
			mkx_error("nested_kill: %s: command register %s before the kill: bus master is not on, "
			    "nothing to see quiesced", bdf[i], cmd0[i] < 0 ? "unreadable" : "reads it off");
			mkx_exit(1);
		}
	}
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
	for (unsigned i = 0; i < npci; i++) {
		int cmd;
		unsigned held;

		while (((cmd = pci_cmd(bdf[i])) < 0 || (cmd & 4) || (held = holders(bdf[i], names, sizeof names))) &&
		    now_ms() - t0 < timeout_ms)
			usleep(20000);
		held = holders(bdf[i], names, sizeof names);
		if (cmd < 0 || (cmd & 4) || held) {
			mkx_error("nested_kill: %s: NOT quiesced: command register 0x%04x before, %s%04x after %.0f ms "
			    "(bus master %s); %u process(es) still hold its files%s%s", bdf[i], (unsigned)cmd0[i],
			    cmd < 0 ? "unreadable " : "0x", cmd < 0 ? 0u : (unsigned)cmd, now_ms() - t0,
			    cmd >= 0 && (cmd & 4) ? "ON" : "off", held, held ? ": pids " : "", held ? names : "");
			mkx_exit(1);
		}
		mkx_log("nested_kill: %s: command register 0x%04x before (bus master on), 0x%04x after (bus master off, "
		    "memory decode %s, INTx %s); no process holds its files", bdf[i], (unsigned)cmd0[i], (unsigned)cmd,
		    cmd & 2 ? "on" : "off", cmd & 0x400 ? "disabled" : "enabled");
	}
	mkx_exit(0);
}
