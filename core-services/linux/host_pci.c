/*
 * Host mode: what sysfs says about PCI functions (identity, bound driver,
 * driver_override), read below host_root so tests can use a fake tree.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../host_mode.h"

char host_root[PATH_MAX];

int
host_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, len, "%s", host_root), m;

	va_start(ap, fmt);
	m = vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	return m < 0 || (size_t)m >= len - n ? -ENAMETOOLONG : 0;
}

static int
names_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
host_pci_list(char (*names)[16], unsigned max)
{
	char path[PATH_MAX];
	unsigned n = 0, seg, bus, dev, fn;
	struct dirent *e;
	DIR *d;

	if (host_path(path, sizeof path, "/sys/bus/pci/devices") || !(d = opendir(path)))
		return -errno;
	while ((e = readdir(d)) && n < max)
		/* core names functions of segment 0 only (as pci_unbind.c) */
		if (sscanf(e->d_name, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) == 4 && !seg && strlen(e->d_name) == 12)
			snprintf(names[n++], 16, "%s", e->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], names_cmp);	/* the same order on every run */
	return (int)n;
}

int
host_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int
read_line(const char *name, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];

	buf[0] = 0;
	if (host_path(path, sizeof path, "/sys/bus/pci/devices/%s/%s", name, file))
		return -ENAMETOOLONG;
	return host_read_line(path, buf, len);
}

int
host_pci_driver(const char *name, char *buf, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	buf[0] = 0;
	if (host_path(path, sizeof path, "/sys/bus/pci/devices/%s/driver", name))
		return -ENAMETOOLONG;
	if ((n = readlink(path, link, sizeof link - 1)) < 0)
		return errno == ENOENT ? 0 : -errno;
	link[n] = 0;
	snprintf(buf, len, "%s", strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	return 0;
}

int
host_pci_read(struct host_dev *d)
{
	char v[32], dv[32], c[32];
	unsigned seg, bus, dev, fn;
	int err;

	if (sscanf(d->name, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4)
		return -EINVAL;
	d->bdf = bus << 8 | dev << 3 | fn;
	if ((err = read_line(d->name, "vendor", v, sizeof v)) || (err = read_line(d->name, "device", dv, sizeof dv)) ||
	    (err = read_line(d->name, "class", c, sizeof c)))
		return err;
	d->vendor = (unsigned)strtoul(v, NULL, 16);
	d->device = (unsigned)strtoul(dv, NULL, 16);
	d->class = (uint32_t)strtoul(c, NULL, 16);
	/* "(null)" is how Linux shows no override */
	if (read_line(d->name, "driver_override", d->override, sizeof d->override) || !strcmp(d->override, "(null)"))
		d->override[0] = 0;
	return host_pci_driver(d->name, d->driver, sizeof d->driver);
}

int
host_pci_driver_exists(const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return !host_path(path, sizeof path, "/sys/bus/pci/drivers/%s", name) && !lstat(path, &st) && S_ISDIR(st.st_mode);
}

int
host_pci_core_holds(const struct host_dev *d)
{
	/* irq_uio.c and irq_vfio.c/dma_vfio.c bind these through driver_override */
	return !strcmp(d->override, "mkx") || !d->driver[0] || !strcmp(d->driver, "uio_pci_generic") ||
	    !strcmp(d->driver, "vfio-pci");
}
