/*
 * Host mode: which of the granted functions Linux needs to stay alive.
 * Each check only fills ->refused (the first reason wins) and changes
 * nothing; host_mode.c refuses to start if any is set.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../host_mode.h"

static void
refuse(struct host_dev *d, const char *fmt, const char *a, const char *b)
{
	/* A reason cut short still says why; the length is not checked on purpose. */
	if (!d->refused[0] && snprintf(d->refused, sizeof d->refused, fmt, a, b) < 0)
		d->refused[0] = '?';
}

/* Every PCI function on the sysfs path of a block device (its controller and the bridges above). */
static void
refuse_on_path(struct host_dev *devs, unsigned n, const char *real, const char *mnt, const char *src)
{
	const char *p = real;

	while ((p = strchr(p, '/'))) {
		unsigned seg, bus, dev, fn;
		char comp[16];

		p++;
		if (strcspn(p, "/") != 12)
			continue;
		snprintf(comp, sizeof comp, "%.12s", p);
		if (sscanf(comp, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4)
			continue;
		for (unsigned i = 0; i < n; i++)
			if (!strcmp(devs[i].name, comp))
				refuse(&devs[i], "holds a mounted filesystem: %s (from %s)", mnt, src);
	}
}

/* A block device and, for device mapper or md, the devices below it (slaves/). */
static void
refuse_block(struct host_dev *devs, unsigned n, const char *sysdir, const char *mnt, const char *src, int depth)
{
	char real[PATH_MAX], path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (depth > 8 || !realpath(sysdir, real))
		return;
	refuse_on_path(devs, n, real, mnt, src);
	if (snprintf(path, sizeof path, "%s/slaves", real) >= (int)sizeof path || !(d = opendir(path)))
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			char sub[PATH_MAX];

			if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < (int)sizeof sub)
				refuse_block(devs, n, sub, mnt, src, depth + 1);
		}
	closedir(d);
}

void
host_refuse_mounted(struct host_dev *devs, unsigned n)
{
	char path[PATH_MAX], line[4096];
	FILE *f;

	if (host_path(path, sizeof path, "/proc/self/mountinfo") || !(f = fopen(path, "r"))) {
		/* Not knowing what is mounted is no reason to guess: refuse everything. */
		for (unsigned i = 0; i < n; i++)
			refuse(&devs[i], "cannot read %s (%s): which disks are mounted is unknown", path, strerror(errno));
		return;
	}
	/* mountinfo: id parent major:minor root mountpoint options... - fstype source superoptions */
	while (fgets(line, sizeof line, f)) {
		unsigned maj, min;
		char mnt[1024], src[256] = "?", *dash;

		if (sscanf(line, "%*u %*u %u:%u %*s %1023s", &maj, &min, mnt) != 3 || !maj)
			continue;	/* major 0: no block device (proc, tmpfs, overlay) */
		if ((dash = strstr(line, " - ")))
			sscanf(dash, " - %*s %255s", src);
		if (host_path(path, sizeof path, "/sys/dev/block/%u:%u", maj, min))
			continue;
		refuse_block(devs, n, path, mnt, src, 0);
	}
	fclose(f);
}

/* Is a frame buffer console (fbcon) bound to a virtual terminal? */
static int
fbcon_bound(void)
{
	char path[PATH_MAX], buf[128];

	for (int i = 0; i < 16; i++) {
		if (host_path(path, sizeof path, "/sys/class/vtconsole/vtcon%d/name", i) || host_read_line(path, buf, sizeof buf))
			continue;
		if (!strstr(buf, "frame buffer"))
			continue;
		if (!host_path(path, sizeof path, "/sys/class/vtconsole/vtcon%d/bind", i) && !host_read_line(path, buf, sizeof buf) &&
		    !strcmp(buf, "1"))
			return 1;
	}
	return 0;
}

void
host_refuse_console(struct host_dev *devs, unsigned n)
{
	char path[PATH_MAX], buf[16];
	int fbcon = fbcon_bound();

	for (unsigned i = 0; i < n; i++) {
		struct host_dev *d = &devs[i];

		/* The firmware's display: the VGA console and early messages are on it. */
		if (!host_path(path, sizeof path, "/sys/bus/pci/devices/%s/boot_vga", d->name) &&
		    !host_read_line(path, buf, sizeof buf) && !strcmp(buf, "1"))
			refuse(d, "is the boot display (boot_vga 1)%s%s: Linux's console is on it", "", "");
		/* A frame buffer of this function while fbcon draws the console. */
		if (fbcon && !host_path(path, sizeof path, "/sys/bus/pci/devices/%s/graphics", d->name) && !access(path, F_OK))
			refuse(d, "has a frame buffer (%s/graphics) and fbcon holds the console%s", d->name, "");
	}
}

static int
is_bridge(const char *name)
{
	char path[PATH_MAX], buf[32];

	return !host_path(path, sizeof path, "/sys/bus/pci/devices/%s/class", name) && !host_read_line(path, buf, sizeof buf) &&
	    (strtoul(buf, NULL, 16) >> 16) == 0x06;
}

void
host_refuse_iommu(struct host_dev *devs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		char path[PATH_MAX], real[PATH_MAX];
		struct dirent *e;
		DIR *dir;

		if (host_path(path, sizeof path, "/sys/bus/pci/devices/%s/iommu_group/devices", devs[i].name) ||
		    !(dir = opendir(path)))
			continue;	/* no IOMMU: no group to share */
		/*
		 * A group is one unit to the IOMMU: VFIO wants every member; a
		 * member Linux keeps would share our DMA mappings. Bridges may
		 * stay with Linux (pcieport), as VFIO allows.
		 */
		while ((e = readdir(dir))) {
			int granted = 0;

			if (e->d_name[0] == '.' || !strcmp(e->d_name, devs[i].name))
				continue;
			for (unsigned j = 0; j < n; j++)
				granted |= !strcmp(devs[j].name, e->d_name);
			if (!granted && !is_bridge(e->d_name)) {
				char grp[64] = "?";

				if (!host_path(path, sizeof path, "/sys/bus/pci/devices/%s/iommu_group", devs[i].name) &&
				    realpath(path, real))
					snprintf(grp, sizeof grp, "%s", strrchr(real, '/') + 1);
				refuse(&devs[i], "shares IOMMU group %s with %s, which Linux keeps", grp, e->d_name);
			}
		}
		closedir(dir);
	}
}
