/*
 * Forging core's lines on the console (issue 21): the runner and the
 * scenarios trust what starts a line on the serial console ("[init] ...",
 * "MKX-POWEROFF ..."). A component's own output reaches it only through
 * core, which prefixes every line with the component's label; these
 * attacks try the ways around core: the console devices themselves and
 * the kernel's log, and whatever terminal a component might have
 * inherited. Nothing is written: opening for writing is the hole.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "attack.h"

/* Numbers as the kernel registers them (Documentation/admin-guide/devices.txt). */
static int a_console(char *h, size_t l) { return attack_open_device("console", 5, 1, O_WRONLY, h, l); }
static int a_ttyS0(char *h, size_t l) { return attack_open_device("ttyS0", 4, 64, O_WRONLY, h, l); }
static int a_tty0(char *h, size_t l) { return attack_open_device("tty0", 4, 0, O_WRONLY, h, l); }
/* A write to /dev/kmsg becomes a kernel log line, and the kernel prints those on the console. */
static int a_kmsg(char *h, size_t l) { return attack_open_device("kmsg", 1, 11, O_WRONLY, h, l); }

/* Field 7 of /proc/self/stat: our controlling terminal (0: none); -1 if unreadable. */
static long
controlling_tty(void)
{
	char buf[512], *p;
	long tty = -1;
	FILE *f = fopen("/proc/self/stat", "r");

	if (f && fgets(buf, sizeof buf, f) && (p = strrchr(buf, ')')))
		/* ") S ppid pgrp session tty_nr": the name before ')' may hold spaces */
		if (sscanf(p + 1, " %*c %*d %*d %*d %ld", &tty) != 1)
			tty = -1;
	if (f)
		fclose(f);
	return tty;
}

/*
 * /dev/tty is everyone's (mode 0666): it is the opener's controlling
 * terminal. The kernel refuses it with ENXIO to a process that has none,
 * which is the protection here only if we really have none: proven from
 * /proc/self/stat, not assumed.
 */
static int
a_tty(char *how, size_t len)
{
	long ctty = controlling_tty();
	int v = attack_open_device("tty", 5, 0, O_WRONLY, how, len);
	char path[300];

	snprintf(path, sizeof path, "%s/tty", attack_dev_dir);
	/* the open's ENXIO, as attack_open put it in how (a missing node says "No such file") */
	if (v != ATTACK_INCONCLUSIVE || !strstr(how, ": No such device or address: "))
		return v;
	if (ctty != 0) {
		snprintf(how, len, "%s: ENXIO, but /proc/self/stat gives tty_nr %ld: not proven", path, ctty);
		return ATTACK_INCONCLUSIVE;
	}
	snprintf(how, len, "%s: ENXIO: no controlling terminal (tty_nr 0 in /proc/self/stat)", path);
	return ATTACK_REFUSED;
}

/*
 * Whatever core let us inherit: no open file of ours may be a terminal
 * (majors 4, 5, and the pseudo terminals 136-143) or /dev/kmsg. Each fd
 * is looked at with fstat: a closed gap is no hole, an unreadable fd
 * table is inconclusive.
 */
static int
a_inherited(char *how, size_t len)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned n = 0;
	char kinds[160] = "";

	if (!d) {
		snprintf(how, len, "/proc/self/fd: %s: our fds cannot be listed", strerror(errno));
		return ATTACK_INCONCLUSIVE;
	}
	while ((e = readdir(d))) {
		struct stat st;
		int fd = atoi(e->d_name);
		unsigned ma;

		if (e->d_name[0] == '.' || fd == dirfd(d) || fstat(fd, &st))
			continue;
		n++;
		ma = major(st.st_rdev);
		if (S_ISCHR(st.st_mode) && (ma == 4 || ma == 5 || (ma >= 136 && ma <= 143) ||
		    (ma == 1 && minor(st.st_rdev) == 11))) {
			snprintf(how, len, "fd %d is the character device %u:%u (a terminal or the kernel log)", fd,
			    ma, minor(st.st_rdev));
			closedir(d);
			return ATTACK_HOLE;
		}
		if (fd <= 2 && S_ISCHR(st.st_mode))
			snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), "%sfd %d char %u:%u",
			    fd ? ", " : "", fd, ma, minor(st.st_rdev));
		else if (fd <= 2)
			snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), "%sfd %d %s", fd ? ", " : "",
			    fd, S_ISFIFO(st.st_mode) ? "a pipe" : S_ISSOCK(st.st_mode) ? "a socket" : "a file");
	}
	closedir(d);
	if (!n) {
		snprintf(how, len, "no fd could be looked at: not proven");
		return ATTACK_INCONCLUSIVE;
	}
	snprintf(how, len, "none of our %u fds is a terminal or /dev/kmsg (%s)", n, kinds);
	return ATTACK_REFUSED;
}

const struct attack escape_console[] = {
	{ "write_dev_console", a_console },
	{ "write_dev_ttyS0", a_ttyS0 },
	{ "write_dev_tty0", a_tty0 },
	{ "write_dev_kmsg", a_kmsg },
	{ "write_dev_tty", a_tty },
	{ "inherited_terminal_fd", a_inherited },
	{ NULL, NULL }
};
