/*
 * Who still holds a PCI function's resources (holders.h): core hands a
 * BAR out as an fd of its sysfs resource file and an interrupt as a UIO
 * device fd; a client keeps them after it released the function (a
 * mapping even after it closed the fd). The kernel shows both per
 * process: /proc/<pid>/fd links and /proc/<pid>/maps paths. Core runs as
 * root and its children are its own processes, so it may read both.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../holders.h"

#define SYSFS_PCI "/sys/bus/pci/devices"

static int
matches(const char *path, char targets[][HOLDER_PATH_MAX], unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		size_t l = strlen(targets[i]);

		if (l && targets[i][l - 1] == '*' ? !strncmp(path, targets[i], l - 1) : !strcmp(path, targets[i]))
			return 1;
	}
	return 0;
}

static int
fd_holds(const char *proc, pid_t pid, char targets[][HOLDER_PATH_MAX], unsigned n, char *what, size_t len)
{
	char dir[64], link[HOLDER_PATH_MAX + 64], path[HOLDER_PATH_MAX + 16];
	struct dirent *e;
	DIR *d;
	int found = 0;

	snprintf(dir, sizeof dir, "%s/%d/fd", proc, (int)pid);
	if (!(d = opendir(dir)))
		return 0;
	while (!found && (e = readdir(d))) {
		ssize_t l;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof link, "%s/%s", dir, e->d_name);
		if ((l = readlink(link, path, sizeof path - 1)) <= 0)
			continue;
		path[l] = 0;
		if ((found = matches(path, targets, n)))
			snprintf(what, len, "fd %s on %s", e->d_name, path);
	}
	closedir(d);
	return found;
}

static int
maps_hold(const char *proc, pid_t pid, char targets[][HOLDER_PATH_MAX], unsigned n, char *what, size_t len)
{
	char file[64], line[HOLDER_PATH_MAX + 160];
	FILE *f;
	int found = 0;

	snprintf(file, sizeof file, "%s/%d/maps", proc, (int)pid);
	if (!(f = fopen(file, "re")))
		return 0;
	/* "start-end perms offset dev inode   path": the path starts at the first '/' after the inode. */
	while (!found && fgets(line, sizeof line, f)) {
		char *p = line, *nl = strchr(line, '\n');

		if (nl)
			*nl = 0;
		for (int field = 0; field < 5 && p; field++)
			p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
		if (!p || !(p = strchr(p, '/')))
			continue;
		if ((found = matches(p, targets, n)))
			snprintf(what, len, "a mapping of %s", p);
	}
	fclose(f);
	return found;
}

int
holders_scan(const char *proc, char targets[][HOLDER_PATH_MAX], unsigned ntargets,
    const struct holder_cand *c, unsigned n, unsigned *which, char *what, size_t len)
{
	if (!proc)
		proc = "/proc";
	for (unsigned i = 0; i < n; i++) {
		if (c[i].pid <= 0)
			continue;
		if (maps_hold(proc, c[i].pid, targets, ntargets, what, len) ||
		    fd_holds(proc, c[i].pid, targets, ntargets, what, len)) {
			*which = i;
			return 1;
		}
	}
	return 0;
}

int
holders_pci_targets(unsigned bdf, char targets[][HOLDER_PATH_MAX], unsigned max)
{
	char link[128], real[PATH_MAX], dir[160];
	struct dirent *e;
	unsigned n = 0;
	DIR *d;

	snprintf(link, sizeof link, SYSFS_PCI "/0000:%02x:%02x.%u", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
	/* Links and maps name the file by its real path (/sys/devices/pci0000:00/...), not the bus link. */
	if (!realpath(link, real))
		return -errno;
	if (max < 1 || strlen(real) + 10 >= HOLDER_PATH_MAX)
		return -ENAMETOOLONG;
	snprintf(targets[n++], HOLDER_PATH_MAX, "%s/resource*", real);
	snprintf(dir, sizeof dir, "%s/uio", link);
	if ((d = opendir(dir))) {
		while (n < max && (e = readdir(d)))
			if (!strncmp(e->d_name, "uio", 3))
				snprintf(targets[n++], HOLDER_PATH_MAX, "/dev/%.32s", e->d_name);
		closedir(d);
	}
	return (int)n;
}
