/* RAM quanta as cgroup v2 memory limits (see cgroup.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cgroup.h"
#include "write_file.h"
#include "../core.h"

#define ROOT "/sys/fs/cgroup"

static char base[128];	/* our own directory below ROOT, "" when inactive */

int
cgroup_init(void)
{
	char path[256], ctl[256] = "";
	FILE *f;
	int err;

	if (getpid() == 1) {
		mkdir(ROOT, 0755);
		if (mount("cgroup2", ROOT, "cgroup2", 0, NULL) && errno != EBUSY)
			core_log("RAM quanta: cannot mount cgroup2 (%s); accounted, not enforced", strerror(errno));
	}
	f = fopen(ROOT "/cgroup.controllers", "r");
	if (!f || !fgets(ctl, sizeof ctl, f) || !strstr(ctl, "memory")) {
		if (f)
			fclose(f);
		core_log("RAM quanta: no cgroup2 memory controller at " ROOT "; accounted, not enforced");
		return -ENOTSUP;
	}
	fclose(f);
	snprintf(base, sizeof base, ROOT "/mkx-%d", (int)getpid());
	if ((mkdir(base, 0755) && errno != EEXIST) ||
	    (err = write_file(ROOT "/cgroup.subtree_control", "+memory")) ||
	    (snprintf(path, sizeof path, "%s/cgroup.subtree_control", base), err = write_file(path, "+memory"))) {
		core_log("RAM quanta: cannot set up %s (%s); accounted, not enforced", base, strerror(errno));
		base[0] = 0;
		return -EPERM;
	}
	core_log("RAM quanta enforced as cgroup memory limits (%s)", base);
	return 0;
}

/*
 * A child's directory: its start name, which may be anything but empty
 * ("/bin/bash", "..", "my app"), escaped into one path component below
 * base: bytes other than [A-Za-z0-9_-] and a leading '.' become "%XX"
 * (distinct names stay distinct).
 */
static void
child_dir(char *out, size_t len, const char *child)
{
	size_t n = (size_t)snprintf(out, len, "%s/", base);

	for (const char *p = child; *p && n + 4 < len; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, len - n, "%%%02X", c);
	}
	out[n] = 0;
}

int
cgroup_prepare(const char *child, unsigned long bytes)
{
	char dir[256], path[300], value[32];
	int err;

	if (!base[0])
		return 0;
	child_dir(dir, sizeof dir, child);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	snprintf(value, sizeof value, "%lu", bytes);
	snprintf(path, sizeof path, "%s/memory.max", dir);
	if ((err = write_file(path, value)))
		return err;
	snprintf(path, sizeof path, "%s/memory.swap.max", dir);
	write_file(path, "0");	/* absent without swap support: fine */
	return 0;
}

int
cgroup_enter(const char *child)
{
	char dir[256], path[300];

	if (!base[0])
		return 0;
	child_dir(dir, sizeof dir, child);
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	return write_file(path, "0");	/* "0": the writing process itself */
}

int
cgroup_release(const char *child)
{
	char dir[256], path[300], line[64];
	int oom = 0;
	FILE *f;

	if (!base[0])
		return 0;
	child_dir(dir, sizeof dir, child);
	/*
	 * Whatever the child left behind (a fork that left its process group
	 * too) goes now: it holds the child's fds and ioperm bitmap, which
	 * are free for others from here on. cgroup.kill: Linux 5.14 on.
	 */
	snprintf(path, sizeof path, "%s/cgroup.kill", dir);
	write_file(path, "1");
	snprintf(path, sizeof path, "%s/memory.events", dir);
	if ((f = fopen(path, "r"))) {
		while (fgets(line, sizeof line, f)) {
			unsigned long n;

			if (sscanf(line, "oom_kill %lu", &n) == 1 && n)
				oom = 1;
		}
		fclose(f);
	}
	snprintf(path, sizeof path, "%s", dir);
	/* Empty once the killed are gone: a moment, bounded (a cgroup left over is only untidy). */
	for (int i = 0; i < 100 && rmdir(path) && errno == EBUSY; i++)
		usleep(1000);
	return oom;
}

void
cgroup_cleanup(void)
{
	if (base[0])
		rmdir(base);
	base[0] = 0;
}
