/*
 * Host mode: taking a function from its Linux driver and giving it back.
 * Taking: driver_override "mkx" (a name no driver has, so no Linux driver
 * binds it again, also not on a later probe), then unbind. core's IRQ and
 * DMA back ends bind uio_pci_generic or vfio-pci themselves when a session
 * opens (irq_uio.c, irq_vfio.c, dma_vfio.c), as in image mode. Giving
 * back: bus master off first (a device must not keep writing into memory
 * that is no longer its own), unless its Linux driver is still bound;
 * unbind whatever is bound now, the original driver_override, and bind
 * the original driver.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../host_mode.h"
#include "write_file.h"

int
host_bind_take(struct host_dev *d, char *why, size_t whylen)
{
	char path[PATH_MAX], now[64];
	int err;

	if ((err = host_path(path, sizeof path, "/sys/bus/pci/devices/%s/driver_override", d->name)) ||
	    (err = write_file(path, "mkx"))) {
		snprintf(why, whylen, "cannot set driver_override: %s", strerror(-err));
		return err;
	}
	d->taken = 1;	/* from here on it needs giving back */
	if (!d->driver[0])
		return 0;
	if ((err = host_path(path, sizeof path, "/sys/bus/pci/devices/%s/driver/unbind", d->name)) ||
	    (err = write_file(path, d->name))) {
		snprintf(why, whylen, "unbinding it from %s failed: %s", d->driver, strerror(-err));
		return err;
	}
	if ((err = host_pci_driver(d->name, now, sizeof now)) || now[0]) {
		snprintf(why, whylen, "still bound to %s after unbind", now[0] ? now : "?");
		return err ? err : -EBUSY;
	}
	return 0;
}

/* Command register bit 2 (Bus Master Enable) off, through sysfs config. */
static int
bus_master_off(const char *name)
{
	char path[PATH_MAX];
	unsigned char cmd[2];
	int fd, err = 0;

	if (host_path(path, sizeof path, "/sys/bus/pci/devices/%s/config", name) ||
	    (fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
		return -errno;
	if (pread(fd, cmd, 2, 4) != 2)
		err = -EIO;
	else if (cmd[0] & 0x04) {
		cmd[0] &= ~0x04;
		if (pwrite(fd, cmd, 2, 4) != 2)
			err = -EIO;
	}
	close(fd);
	return err;
}

int
host_bind_giveback(const struct host_dev *d, char *why, size_t whylen)
{
	char path[PATH_MAX], now[64];
	int err;

	why[0] = 0;
	if ((err = host_pci_driver(d->name, now, sizeof now)))
		now[0] = 0;
	/*
	 * Still with its Linux driver (its unbind failed): Linux drives it,
	 * so its bus mastering is Linux's business, not ours to stop.
	 */
	if ((!now[0] || strcmp(now, d->driver)) && (err = bus_master_off(d->name)))
		snprintf(why, whylen, "bus master off failed (%s); ", strerror(-err));
	if (now[0] && strcmp(now, d->driver) &&
	    !host_path(path, sizeof path, "/sys/bus/pci/devices/%s/driver/unbind", d->name) &&
	    (err = write_file(path, d->name))) {
		snprintf(why + strlen(why), whylen - strlen(why), "unbinding %s failed: %s", now, strerror(-err));
		return err;
	}
	/* "\n" clears an override; the kernel takes no empty write */
	if ((err = host_path(path, sizeof path, "/sys/bus/pci/devices/%s/driver_override", d->name)) ||
	    (err = write_file(path, d->override[0] ? d->override : "\n"))) {
		snprintf(why + strlen(why), whylen - strlen(why), "restoring driver_override failed: %s", strerror(-err));
		return err;
	}
	if (!d->driver[0] || (!host_pci_driver(d->name, now, sizeof now) && !strcmp(now, d->driver)))
		return 0;
	if ((err = host_path(path, sizeof path, "/sys/bus/pci/drivers/%s/bind", d->driver)) ||
	    (err = write_file(path, d->name))) {
		snprintf(why + strlen(why), whylen - strlen(why), "binding %s failed: %s", d->driver, strerror(-err));
		return err;
	}
	return 0;
}
