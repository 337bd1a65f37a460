/*
 * IRQ backend on uio_pci_generic (the kernel modules uio and
 * uio_pci_generic must be loaded: a scenario lists them). Binding goes
 * through driver_override + drivers_probe; an existing driver is unbound
 * first, and the function is given back (override cleared, unbound) on
 * detach. uio_pci_generic has no irqcontrol: its handler sets INTx Disable
 * (command register bit 10); core clears it through the sysfs config file
 * when the client acks (see ../../shared/FIELD-NOTES.md).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../irq_backend.h"
#include "write_file.h"
#include "sysfs_read.h"

#define PCI_COMMAND		0x04
#define  PCI_COMMAND_INTX_DISABLE (1u << 10)

struct uio_line {
	unsigned	bdf;
	int		uio;		/* N of /dev/uioN */
	int		uio_fd, cfg_fd;
	char		dev[64];
};

static void
dev_path(unsigned bdf, char *buf, size_t len)
{
	snprintf(buf, len, "/sys/bus/pci/devices/0000:%02x:%02x.%u", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
}

static int
uio_identify(unsigned bdf, unsigned *vendor, unsigned *device)
{
	char dev[64];

	dev_path(bdf, dev, sizeof dev);
	*vendor = sysfs_read_hex(dev, "vendor");
	*device = sysfs_read_hex(dev, "device");
	return *vendor == ~0u ? -ENOENT : 0;
}

static int
uio_attach(unsigned bdf, void **linep, int *fd, uint32_t *gsi, char *why, size_t whylen)
{
	struct uio_line *l = calloc(1, sizeof *l);
	char path[160], name[32], drv[256];
	DIR *d;
	struct dirent *e;
	ssize_t n;
	int uio = -1, err;

	if (!l)
		return -ENOMEM;
	dev_path(bdf, l->dev, sizeof l->dev);
	snprintf(name, sizeof name, "0000:%02x:%02x.%u", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
	snprintf(path, sizeof path, "%s/driver", l->dev);
	n = readlink(path, drv, sizeof drv - 1);
	drv[n > 0 ? n : 0] = 0;
	if (n > 0 && !strstr(drv, "uio_pci_generic")) {
		snprintf(path, sizeof path, "%s/driver/unbind", l->dev);
		write_file(path, name);
	}
	snprintf(path, sizeof path, "%s/driver_override", l->dev);
	if ((err = write_file(path, "uio_pci_generic")) || (err = write_file("/sys/bus/pci/drivers_probe", name))) {
		snprintf(why, whylen, "%s: binding uio_pci_generic failed (%s); modules uio, uio_pci_generic loaded?",
		    name, strerror(-err));
		free(l);
		return err;
	}
	snprintf(path, sizeof path, "%s/uio", l->dev);
	if ((d = opendir(path))) {
		while ((e = readdir(d)))
			if (!strncmp(e->d_name, "uio", 3) && sscanf(e->d_name + 3, "%d", &uio) == 1)
				break;
		closedir(d);
	}
	if (uio < 0) {
		snprintf(why, whylen, "%s: no uio device after binding uio_pci_generic", name);
		free(l);
		return -ENODEV;
	}
	snprintf(path, sizeof path, "/dev/uio%d", uio);
	l->uio_fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	snprintf(path, sizeof path, "%s/config", l->dev);
	l->cfg_fd = open(path, O_RDWR | O_CLOEXEC);
	if (l->uio_fd < 0 || l->cfg_fd < 0) {
		snprintf(why, whylen, "%s: cannot open /dev/uio%d or its config: %s", name, uio, strerror(errno));
		if (l->uio_fd >= 0)
			close(l->uio_fd);
		if (l->cfg_fd >= 0)
			close(l->cfg_fd);
		free(l);
		return -EIO;
	}
	l->bdf = bdf;
	l->uio = uio;
	*gsi = sysfs_read_hex(l->dev, "irq");
	*fd = l->uio_fd;
	*linep = l;
	return 0;
}

static int
uio_event(void *line)
{
	struct uio_line *l = line;
	uint32_t count;

	if (read(l->uio_fd, &count, sizeof count) != sizeof count)
		return -errno;
	return (int)count;
}

static int
uio_unmask(void *line)
{
	struct uio_line *l = line;
	uint16_t cmd;

	if (pread(l->cfg_fd, &cmd, 2, PCI_COMMAND) != 2)
		return -errno;
	cmd &= (uint16_t)~PCI_COMMAND_INTX_DISABLE;
	return pwrite(l->cfg_fd, &cmd, 2, PCI_COMMAND) == 2 ? 0 : -errno;
}

/*
 * /dev/uioN of uio_pci_generic: read waits for interrupts (a 4-byte
 * count); write is irqcontrol, which this driver does not have (ENOSYS).
 * Since Linux 5.x (so in Debian's 6.1) its probe also registers every
 * 32-bit non-prefetchable memory BAR as a UIO map: mmap of the fd at
 * offset N pages maps BAR N's page-rounded range. The fd core gives is
 * opened read-only, so such a mapping can only be read, but that is still
 * more than the interrupt (and a read can have side effects on a device):
 * uio_client_fd_reach says which ranges, and core hands the fd only to a
 * client that holds them (service_irq.c).
 */
static int
uio_client_fd(void *line)
{
	struct uio_line *l = line;
	char path[32];
	int fd;

	snprintf(path, sizeof path, "/proc/self/fd/%d", l->uio_fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);	/* a new open file: its own read position and flags */
	return fd < 0 ? -errno : fd;
}

/* The maps of /sys/class/uio/uioN/maps/mapK/{addr,size}: what mmap of the fd reaches. */
static int
uio_client_fd_reach(void *line, uint64_t *base, uint64_t *size, int max)
{
	struct uio_line *l = line;
	char dir[96];
	int n = 0;

	for (int k = 0; k < 5 && n < max; k++) {	/* MAX_UIO_MAPS is 5 */
		unsigned long long a, sz;
		char path[128], buf[32] = "";
		FILE *f;

		snprintf(dir, sizeof dir, "/sys/class/uio/uio%d/maps/map%d", l->uio, k);
		snprintf(path, sizeof path, "%s/addr", dir);
		if (!(f = fopen(path, "r")))
			break;
		a = fgets(buf, sizeof buf, f) ? strtoull(buf, NULL, 0) : 0;
		fclose(f);
		snprintf(path, sizeof path, "%s/size", dir);
		if (!(f = fopen(path, "r")))
			return -EIO;	/* a map without a size: assume the worst */
		sz = fgets(buf, sizeof buf, f) ? strtoull(buf, NULL, 0) : 0;
		fclose(f);
		if (!sz)
			return -EIO;
		base[n] = a;
		size[n] = sz;
		n++;
	}
	return n;
}

static void
uio_detach(void *line)
{
	struct uio_line *l = line;
	char path[160], name[32];

	snprintf(name, sizeof name, "0000:%02x:%02x.%u", l->bdf >> 8, (l->bdf >> 3) & 0x1f, l->bdf & 7);
	close(l->uio_fd);
	close(l->cfg_fd);
	/* Give the function back: no override, not bound to uio. */
	snprintf(path, sizeof path, "%s/driver_override", l->dev);
	write_file(path, "\n");
	write_file("/sys/bus/pci/drivers/uio_pci_generic/unbind", name);
	free(l);
}

const struct irq_backend irq_uio = {
	.name = "linux-uio", .identify = uio_identify, .attach = uio_attach, .event = uio_event,
	.unmask = uio_unmask, .client_fd = uio_client_fd, .client_fd_reach = uio_client_fd_reach,
	.detach = uio_detach,
};
