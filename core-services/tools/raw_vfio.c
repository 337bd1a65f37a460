/*
 * The VFIO reference for the IRQ benchmark: a plain root process doing
 * what a Linux VFIO driver does with QEMU's edu device: bind it to
 * vfio-pci, open its group in a type1v2 container, map BAR0 through the
 * device fd, take INTx (trigger + unmask eventfds) or MSI (trigger
 * eventfd, bus master on), and loop raise -> wait -> ack device -> unmask.
 * Then it gives the device back. Linux-specific, hence core-services/.
 * Run by bench_preinit before core (it needs root; components do not
 * have it):  raw_vfio 00:03.0 500 intx|msi
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int
put(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, v, strlen(v)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int
fail(const char *what)
{
	printf("raw_vfio: %s: %s\n", what, strerror(errno));
	return 1;
}

/* One eventfd as trigger or unmask of irq index. */
static int
set_irq(int dev, unsigned index, uint32_t action, int fd)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *s = (struct vfio_irq_set *)buf;
	int32_t f = fd;

	s->argsz = sizeof buf;
	s->flags = VFIO_IRQ_SET_DATA_EVENTFD | action;
	s->index = index;
	s->start = 0;
	s->count = 1;
	memcpy(s->data, &f, sizeof f);
	return ioctl(dev, VFIO_DEVICE_SET_IRQS, s);
}

int
main(int argc, char **argv)
{
	const char *pci = argc > 1 ? argv[1] : "00:03.0";
	unsigned long count = argc > 2 ? strtoul(argv[2], NULL, 0) : 500;
	int msi = argc > 3 && !strcmp(argv[3], "msi");
	char name[32], dev[96], path[160], link[256];
	struct vfio_group_status st = { .argsz = sizeof st };
	struct vfio_region_info bar0 = { .argsz = sizeof bar0, .index = VFIO_PCI_BAR0_REGION_INDEX };
	struct vfio_region_info cfg = { .argsz = sizeof cfg, .index = VFIO_PCI_CONFIG_REGION_INDEX };
	int container, group, device, trig, unmask = -1;
	volatile uint32_t *bar;
	double total = 0, best = 1e9;
	ssize_t n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (count < 5)
		count = 5;
	snprintf(name, sizeof name, "0000:%s", pci);
	snprintf(dev, sizeof dev, "/sys/bus/pci/devices/%s", name);
	snprintf(path, sizeof path, "%s/driver_override", dev);
	put(path, "vfio-pci");
	put("/sys/bus/pci/drivers_probe", name);
	snprintf(path, sizeof path, "%s/iommu_group", dev);
	if ((n = readlink(path, link, sizeof link - 1)) <= 0)
		return fail("no IOMMU group");
	link[n] = 0;
	snprintf(path, sizeof path, "/dev/vfio/%s", basename(link));
	container = open("/dev/vfio/vfio", O_RDWR);
	group = open(path, O_RDWR);
	if (container < 0 || group < 0 || ioctl(group, VFIO_GROUP_GET_STATUS, &st) ||
	    !(st.flags & VFIO_GROUP_FLAGS_VIABLE) || ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return fail("group/container");
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, name);
	if (device < 0 || ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &bar0) ||
	    ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &cfg))
		return fail("device");
	bar = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, device, (off_t)bar0.offset);
	if (bar == MAP_FAILED)
		return fail("mmap BAR0");
	trig = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (msi) {
		uint16_t cmd;

		if (pread(device, &cmd, 2, (off_t)cfg.offset + 4) != 2)
			return fail("config");
		cmd |= 1u << 2;	/* bus master: an MSI is a write */
		if (pwrite(device, &cmd, 2, (off_t)cfg.offset + 4) != 2 ||
		    set_irq(device, VFIO_PCI_MSI_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER, trig))
			return fail("MSI");
	} else {
		unmask = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (set_irq(device, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER, trig) ||
		    set_irq(device, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_UNMASK, unmask))
			return fail("INTx");
	}
	bar[0x64 / 4] = bar[0x24 / 4];	/* nothing left raised */
	/* Best of 5 rounds of count/5, as the session's figures. */
	for (unsigned long i = 0; i < count; i++) {
		struct pollfd p = { .fd = trig, .events = POLLIN };
		uint64_t c, one = 1;
		double t0 = now();

		if (i && i % (count / 5) == 0) {
			best = total < best ? total : best;
			total = 0;
		}

		bar[0x60 / 4] = 1u << (i % 31);
		if (poll(&p, 1, 3000) != 1 || read(trig, &c, sizeof c) != sizeof c) {
			printf("raw_vfio: interrupt %lu did not arrive\n", i);
			return 1;
		}
		bar[0x64 / 4] = bar[0x24 / 4];
		if (unmask >= 0 && write(unmask, &one, sizeof one) != sizeof one)
			return fail("unmask");
		total += now() - t0;
	}
	best = total < best ? total : best;
	printf("bench: irq raw vfio %s %.1f us\n", msi ? "MSI" : "INTx", best / (count / 5) * 1e6);
	/* Give the device back, for the IRQ session that comes next. */
	munmap((void *)bar, 4096);
	close(device);
	ioctl(group, VFIO_GROUP_UNSET_CONTAINER);
	close(group);
	close(container);
	snprintf(path, sizeof path, "%s/driver_override", dev);
	put(path, "\n");
	put("/sys/bus/pci/drivers/vfio-pci/unbind", name);
	return 0;
}
