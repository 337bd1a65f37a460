/*
 * Taking PCI functions from Linux's drivers for the component a
 * <pci_config unbind="yes"> policy names (the platform driver): each such
 * function gets a driver_override no driver has ("mkx"), so Linux binds
 * none later, and the driver bound now is unbound (sysfs driver/unbind).
 * Bridges (base class 0x06) stay with Linux: they carry the hierarchy
 * (pcieport: AER, hotplug, PME), and the platform driver hands none out.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core.h"
#include "sysfs_read.h"
#include "write_file.h"

#define SYSPCI "/sys/bus/pci/devices"

static int
ident(unsigned bdf, struct pci_fn_ident *id)
{
	char dir[64];
	unsigned v, d, c;

	snprintf(dir, sizeof dir, SYSPCI "/0000:%02x:%02x.%u", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
	v = sysfs_read_hex(dir, "vendor");
	d = sysfs_read_hex(dir, "device");
	c = sysfs_read_hex(dir, "class");
	if (v == ~0u || d == ~0u || c == ~0u)
		return -ENOENT;
	*id = (struct pci_fn_ident){ (unsigned)v, (unsigned)d, (uint32_t)c };
	return 0;
}

void
pci_unbind_managed(const struct core_config *cfg)
{
	unsigned covered = 0, unbound = 0, failed = 0;
	const char *who = NULL;
	DIR *d;
	struct dirent *e;

	for (unsigned i = 0; i < cfg->npci_config; i++)
		if (cfg->pci_config[i].unbind)
			who = cfg->pci_config[i].label[0] ? cfg->pci_config[i].label : cfg->pci_config[i].label_prefix;
	if (!who || !(d = opendir(SYSPCI)))
		return;
	while ((e = readdir(d))) {
		unsigned seg, bus, dev, fn, bdf;
		const struct pci_config_policy *p;
		struct pci_fn_ident id;
		char path[PATH_MAX], link[PATH_MAX], name[16];
		ssize_t n;
		int err;

		if (sscanf(e->d_name, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4 || seg)
			continue;	/* core names functions of segment 0 only */
		bdf = bus << 8 | dev << 3 | fn;
		if (!(p = pci_config_unbind_policy(cfg, bdf, ident)) || ident(bdf, &id) || (id.class >> 16) == 0x06)
			continue;
		covered++;
		snprintf(name, sizeof name, "%02x:%02x.%u", bus, dev, fn);
		snprintf(path, sizeof path, SYSPCI "/%s/driver_override", e->d_name);
		if ((err = write_file(path, "mkx"))) {
			core_log("PCI %s: driver_override not set (%s): Linux may bind it later", name, strerror(-err));
			failed++;
		}
		snprintf(path, sizeof path, SYSPCI "/%s/driver", e->d_name);
		if ((n = readlink(path, link, sizeof link - 1)) < 0)
			continue;	/* no driver bound */
		link[n] = 0;
		snprintf(path, sizeof path, SYSPCI "/%s/driver/unbind", e->d_name);
		if ((err = write_file(path, e->d_name))) {
			core_log("PCI %s (%04x:%04x): cannot unbind it from %s: %s", name, id.vendor, id.device,
			    strrchr(link, '/') ? strrchr(link, '/') + 1 : link, strerror(-err));
			failed++;
			continue;
		}
		snprintf(path, sizeof path, SYSPCI "/%s/driver", e->d_name);
		core_log("PCI %s (%04x:%04x): unbound from Linux's %s for \"%s\"%s", name, id.vendor, id.device,
		    strrchr(link, '/') ? strrchr(link, '/') + 1 : link, p->label[0] ? p->label : p->label_prefix,
		    access(path, F_OK) ? "" : " (STILL BOUND)");
		unbound++;
	}
	closedir(d);
	core_log("PCI: %u function(s) for \"%s\" (bridges stay with Linux): %u unbound from Linux's drivers, "
	    "all kept from Linux's drivers by driver_override%s", covered, who, unbound, failed ? " (with failures, above)" : "");
}
