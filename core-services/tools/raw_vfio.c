/*
 * The VFIO reference for the IRQ benchmark: a plain root process doing
 * what a Linux VFIO driver does with QEMU's edu device: bind it to
 * vfio-pci, open its group in a type1v2 container, map BAR0 through the
 * device fd, take INTx (trigger + unmask eventfds) or MSI (trigger
 * eventfd, bus master on), and loop raise -> wait -> ack device -> unmask.
 * Mode msix does the same with MSI-X vector 0 of QEMU's e1000e (its RXQ0
 * cause routed to vector 0, raised through ICS, re-armed in IMS; raises
 * 2 ms apart, outside QEMU's throttling window, the wait not counted), as
 * the msix_e1000e driver does. Then it gives the device back.
 * Linux-specific, hence core-services/. Run by bench_preinit before core
 * (it needs root; components do not have it):
 *   raw_vfio 00:03.0 500 intx|msi      raw_vfio 00:02.0 500 msix
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

#include "phases.h"
#include "raw_common.h"
#include "switches.h"

static int
fail(const char *what)
{
	printf("raw_vfio: %s: %s\n", what, strerror(errno));
	return 1;
}

/* The switch line of the loop between a and b: this process is the reference's only one. */
static void
print_switches(const char *label, const struct switches *a, const struct switches *b, unsigned long rounds)
{
	char per[48];

	switches_per_round(per, sizeof per, a, b, rounds);
	printf("bench: irq switches raw vfio %s: total %.2f per round (raw_vfio %s)\n", label,
	    switches_total(a, b, rounds), per);
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

static void
give_back(const char *name, const char *dev, int device, int group, int container)
{
	char path[160];

	close(device);
	ioctl(group, VFIO_GROUP_UNSET_CONTAINER);
	close(group);
	close(container);
	snprintf(path, sizeof path, "%s/driver_override", dev);
	put(path, "\n");
	put("/sys/bus/pci/drivers/vfio-pci/unbind", name);
}

/* e1000e registers (82574 datasheet names) */
#define ICR	0x00c0
#define ICS	0x00c8
#define IMS	0x00d0
#define IMC	0x00d8
#define EIAC	0x00dc
#define IVAR	0x00e4
#define RXQ0	(1u << 20)

/* The steps of a round, as irq_bench names them (device, ack: nothing of their own here). */
static const char *const step_names[] = { "sleep", "raise", "wait", "device", "ack", "re-arm" };

static void
print_phases(const char *label, struct phases *ph)
{
	char line[192];

	phases_format(line, sizeof line, ph, step_names);
	printf("bench: irq phases raw vfio %s: %s\n", label, line);
}

static int
msix_loop(volatile uint32_t *bar, int trig, unsigned long count, const char *pci, const char *name,
    const char *dev, int device, int group, int container)
{
	double total = 0, best = 1e9;
	struct switches sw0, sw1;
	struct phases ph;

	bar[IMC / 4] = ~0u;
	bar[IVAR / 4] = 0x8;		/* RXQ0 -> vector 0, valid */
	bar[EIAC / 4] = RXQ0;
	(void)bar[ICR / 4];
	bar[ICR / 4] = ~0u;
	bar[IMS / 4] = RXQ0;
	if (switches_read(0, &sw0))
		return fail("context switch counts in /proc/self/status");
	phases_start(&ph, 6);
	for (unsigned long i = 0; i < count; i++) {
		struct pollfd p = { .fd = trig, .events = POLLIN };
		uint64_t c;
		double t0;

		if (i && i % (count / 5) == 0) {
			best = total < best ? total : best;
			total = 0;
		}
		phases_round(&ph);
		usleep(2000);
		phases_step(&ph, 0);
		t0 = now();
		bar[ICS / 4] = RXQ0;
		phases_step(&ph, 1);
		if (poll(&p, 1, 3000) != 1 || read(trig, &c, sizeof c) != sizeof c) {
			printf("raw_vfio: MSI-X interrupt %lu of %s did not arrive\n", i, pci);
			return 1;
		}
		phases_step(&ph, 2);
		phases_step(&ph, 3);
		phases_step(&ph, 4);
		bar[IMS / 4] = RXQ0;
		phases_step(&ph, 5);
		total += now() - t0;
	}
	if (switches_read(0, &sw1))
		return fail("context switch counts in /proc/self/status");
	best = total < best ? total : best;
	bar[IMC / 4] = ~0u;
	printf("bench: irq raw vfio MSI-X %.1f us\n", best / (count / 5) * 1e6);
	/* Includes the sleep of 2 ms before each raise (one voluntary switch), as the session's loop. */
	print_switches("MSI-X", &sw0, &sw1, count);
	print_phases("MSI-X", &ph);
	/*
	 * Let QEMU's throttling timer of the last raise expire while MSI-X is
	 * still enabled: QEMU 7.2 aborts (assertion in
	 * e1000e_intrmgr_on_msix_throttling_timer) when it fires after the
	 * give-back disabled MSI-X (seen in a make bench run); irq_bench waits
	 * the same before its close.
	 */
	usleep(200000);
	munmap((void *)bar, 0x1000);
	give_back(name, dev, device, group, container);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *pci = argc > 1 ? argv[1] : "00:03.0";
	unsigned long count = argc > 2 ? strtoul(argv[2], NULL, 0) : 500;
	int msi = argc > 3 && !strcmp(argv[3], "msi"), msix = argc > 3 && !strcmp(argv[3], "msix");
	char name[32], dev[96], path[160], link[256];
	struct vfio_group_status st = { .argsz = sizeof st };
	struct vfio_region_info bar0 = { .argsz = sizeof bar0, .index = VFIO_PCI_BAR0_REGION_INDEX };
	struct vfio_region_info cfg = { .argsz = sizeof cfg, .index = VFIO_PCI_CONFIG_REGION_INDEX };
	int container, group, device, trig, unmask = -1;
	volatile uint32_t *bar;
	double total = 0, best = 1e9;
	struct switches sw0, sw1;
	struct phases ph;
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
	bar = mmap(NULL, msix ? 0x1000 : 4096, PROT_READ | PROT_WRITE, MAP_SHARED, device, (off_t)bar0.offset);
	if (bar == MAP_FAILED)
		return fail("mmap BAR0");
	trig = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (msi || msix) {
		uint16_t cmd;

		if (pread(device, &cmd, 2, (off_t)cfg.offset + 4) != 2)
			return fail("config");
		cmd |= 1u << 2;	/* bus master: an MSI is a write */
		if (pwrite(device, &cmd, 2, (off_t)cfg.offset + 4) != 2 ||
		    set_irq(device, msix ? VFIO_PCI_MSIX_IRQ_INDEX : VFIO_PCI_MSI_IRQ_INDEX,
		    VFIO_IRQ_SET_ACTION_TRIGGER, trig))
			return fail("MSI");
	} else {
		unmask = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (set_irq(device, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER, trig) ||
		    set_irq(device, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_UNMASK, unmask))
			return fail("INTx");
	}
	if (msix)
		return msix_loop(bar, trig, count, pci, name, dev, device, group, container);
	bar[0x64 / 4] = bar[0x24 / 4];	/* nothing left raised */
	if (switches_read(0, &sw0))
		return fail("context switch counts in /proc/self/status");
	/* Best of 5 rounds of count/5, as the session's figures. */
	phases_start(&ph, 5);
	for (unsigned long i = 0; i < count; i++) {
		struct pollfd p = { .fd = trig, .events = POLLIN };
		uint64_t c, one = 1;
		double t0 = now();

		if (i && i % (count / 5) == 0) {
			best = total < best ? total : best;
			total = 0;
		}
		phases_round(&ph);
		phases_step(&ph, 0);
		bar[0x60 / 4] = 1u << (i % 31);
		phases_step(&ph, 1);
		if (poll(&p, 1, 3000) != 1 || read(trig, &c, sizeof c) != sizeof c) {
			printf("raw_vfio: interrupt %lu did not arrive\n", i);
			return 1;
		}
		phases_step(&ph, 2);
		bar[0x64 / 4] = bar[0x24 / 4];
		phases_step(&ph, 3);
		if (unmask >= 0 && write(unmask, &one, sizeof one) != sizeof one)
			return fail("unmask");
		phases_step(&ph, 4);
		total += now() - t0;
	}
	if (switches_read(0, &sw1))
		return fail("context switch counts in /proc/self/status");
	best = total < best ? total : best;
	printf("bench: irq raw vfio %s %.1f us\n", msi ? "MSI" : "INTx", best / (count / 5) * 1e6);
	print_switches(msi ? "MSI" : "INTx", &sw0, &sw1, count);
	print_phases(msi ? "MSI" : "INTx", &ph);
	/* Give the device back, for the IRQ session that comes next. */
	munmap((void *)bar, 4096);
	give_back(name, dev, device, group, container);
	return 0;
}
