/*
 * A function's bus master bit through its sysfs config file (core is
 * root; the write reaches the device whichever driver, vfio-pci included,
 * holds it). Read back after the write, so the DMA service can show the
 * bit off before it frees a buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../dma_backend.h"

#define PCI_COMMAND		0x04
#define PCI_COMMAND_MASTER	0x4

static int
open_config(unsigned bdf, int flags)
{
	char path[96];

	snprintf(path, sizeof path, "/sys/bus/pci/devices/0000:%02x:%02x.%u/config", bdf >> 8, (bdf >> 3) & 0x1f,
	    bdf & 7);
	return open(path, flags | O_CLOEXEC);
}

static int
sysfs_identify(unsigned bdf, unsigned *vendor, unsigned *device)
{
	uint16_t id[2];
	int fd = open_config(bdf, O_RDONLY), ok;

	if (fd < 0)
		return -ENOENT;
	ok = pread(fd, id, sizeof id, 0) == sizeof id;
	close(fd);
	if (!ok || id[0] == 0xffff)
		return -ENOENT;
	*vendor = id[0];
	*device = id[1];
	return 0;
}

static int
sysfs_bus_master(unsigned bdf, int on)
{
	int fd = open_config(bdf, O_RDWR), err = 0;
	uint16_t cmd;

	if (fd < 0)
		return -errno;
	if (pread(fd, &cmd, 2, PCI_COMMAND) != 2)
		err = -EIO;
	else if (!!(cmd & PCI_COMMAND_MASTER) != !!on) {
		cmd = on ? cmd | PCI_COMMAND_MASTER : cmd & ~PCI_COMMAND_MASTER;
		if (pwrite(fd, &cmd, 2, PCI_COMMAND) != 2)
			err = -EIO;
	}
	if (!err && pread(fd, &cmd, 2, PCI_COMMAND) != 2)
		err = -EIO;
	close(fd);
	return err ? err : cmd;
}

const struct dma_device_ops dma_bus_master = {
	.name = "sysfs-config", .identify = sysfs_identify, .bus_master = sysfs_bus_master,
};
