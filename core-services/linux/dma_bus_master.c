/*
 * A function's bus master bit through its sysfs config file (core is
 * root; the write reaches the device whichever driver, vfio-pci included,
 * holds it). Read back after a write, so the DMA service can show the
 * bit off before it frees a buffer; a read that finds the bit as wanted
 * is that showing already.
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

/*
 * The config files of the functions whose bus master core set, kept open
 * until it clears it (the session's end): an ALLOC checks the bit again
 * (an IRQ session's VFIO open may have cleared it), and a sysfs open and
 * close per buffer cost more than the read (measured under TCG: about
 * 200 us of a 2 MiB buffer's 4.5 ms). Sessions are one per function, so
 * as many as sessions; past OPEN_MAX a function's file is opened per call
 * as before.
 */
#define OPEN_MAX	64
static struct open_fn { unsigned bdf; int fd; } open_fns[OPEN_MAX];
static unsigned nopen;

/* bdf's kept config file, or a fresh one (*kept 0: the caller closes it); -errno. */
static int
config_fd(unsigned bdf, int on, int *kept)
{
	int fd;

	for (unsigned i = 0; i < nopen; i++)
		if (open_fns[i].bdf == bdf) {
			*kept = 1;
			return open_fns[i].fd;
		}
	if ((fd = open_config(bdf, O_RDWR)) < 0)
		return -errno;
	*kept = on && nopen < OPEN_MAX;
	if (*kept)
		open_fns[nopen++] = (struct open_fn){ .bdf = bdf, .fd = fd };
	return fd;
}

/* Clearing bus master ends the function's session: its kept file is closed. */
static void
config_forget(unsigned bdf)
{
	for (unsigned i = 0; i < nopen; i++)
		if (open_fns[i].bdf == bdf) {
			close(open_fns[i].fd);
			open_fns[i] = open_fns[--nopen];
			return;
		}
}

static int
sysfs_bus_master(unsigned bdf, int on)
{
	int kept, fd = config_fd(bdf, on, &kept), err = 0;
	uint16_t cmd;

	if (fd < 0)
		return fd;
	if (pread(fd, &cmd, 2, PCI_COMMAND) != 2)
		err = -EIO;
	else if (!!(cmd & PCI_COMMAND_MASTER) != !!on) {
		cmd = on ? cmd | PCI_COMMAND_MASTER : cmd & ~PCI_COMMAND_MASTER;
		/* Read back only after a write: the bit as the device keeps it, not as core wrote it. */
		if (pwrite(fd, &cmd, 2, PCI_COMMAND) != 2 || pread(fd, &cmd, 2, PCI_COMMAND) != 2)
			err = -EIO;
	}
	if (!kept)
		close(fd);
	if (!on)
		config_forget(bdf);
	return err ? err : cmd;
}

const struct dma_device_ops dma_bus_master = {
	.name = "sysfs-config", .identify = sysfs_identify, .bus_master = sysfs_bus_master,
};
