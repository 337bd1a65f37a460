/*
 * The UIO reference for the IRQ benchmark: a plain root process doing
 * what a Linux UIO driver does with the edu device: bind it to
 * uio_pci_generic, map BAR0 through sysfs, and loop raise -> read
 * /dev/uioN -> ack the device -> unmask INTx in the config space. Then it
 * gives the device back. Linux-specific, hence in core-services/. It needs
 * root, which components do not have: bench_preinit runs it before core.
 *   raw_uio 00:03.0 500
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "raw_common.h"
#include "phases.h"
#include "switches.h"

int
main(int argc, char **argv)
{
	const char *pci = argc > 1 ? argv[1] : "00:03.0";
	unsigned long count = argc > 2 ? strtoul(argv[2], NULL, 0) : 500;
	char dev[96], path[160], name[24];
	volatile uint32_t *bar;
	int uio = -1, ufd, cfd, rfd;
	double t0, total = 0, best = 1e9;
	struct switches sw0, sw1;
	struct phases ph;
	/* irq_bench's names; the unmask (config read and write) is this loop's ack */
	static const char *const step_names[] = { "sleep", "raise", "wait", "device", "ack" };
	char per[48], steps[192];
	DIR *d;
	struct dirent *e;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (count < 5)
		count = 5;
	snprintf(name, sizeof name, "0000:%s", pci);
	snprintf(dev, sizeof dev, "/sys/bus/pci/devices/%s", name);
	snprintf(path, sizeof path, "%s/driver_override", dev);
	put(path, "uio_pci_generic");
	put("/sys/bus/pci/drivers_probe", name);
	snprintf(path, sizeof path, "%s/uio", dev);
	if ((d = opendir(path))) {
		while ((e = readdir(d)))
			if (sscanf(e->d_name, "uio%d", &uio) == 1)
				break;
		closedir(d);
	}
	snprintf(path, sizeof path, "/dev/uio%d", uio);
	ufd = open(path, O_RDONLY);
	snprintf(path, sizeof path, "%s/config", dev);
	cfd = open(path, O_RDWR);
	snprintf(path, sizeof path, "%s/resource0", dev);
	rfd = open(path, O_RDWR);
	bar = rfd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0);
	if (uio < 0 || ufd < 0 || cfd < 0 || bar == MAP_FAILED) {
		printf("raw_uio: UIO set-up of %s failed (uio%d): %s\n", pci, uio, strerror(errno));
		return 1;
	}
	if (switches_read(0, &sw0)) {
		printf("raw_uio: no context switch counts in /proc/self/status\n");
		return 1;
	}
	phases_start(&ph, 5);
	for (unsigned long i = 0; i < count; i++) {
		struct pollfd p = { .fd = ufd, .events = POLLIN };
		uint32_t n, status;
		uint16_t cmd;

		if (i && i % (count / 5) == 0) {	/* best of 5 rounds of count/5, as the session's figures */
			best = total < best ? total : best;
			total = 0;
		}
		phases_round(&ph);
		phases_step(&ph, 0);
		t0 = now();
		bar[0x60 / 4] = 1u << (i % 31);
		phases_step(&ph, 1);
		if (poll(&p, 1, 3000) != 1 || read(ufd, &n, 4) != 4) {
			printf("raw_uio: interrupt %lu did not arrive\n", i);
			return 1;
		}
		phases_step(&ph, 2);
		status = bar[0x24 / 4];
		bar[0x64 / 4] = status;
		phases_step(&ph, 3);
		if (pread(cfd, &cmd, 2, 4) == 2) {
			cmd &= (uint16_t)~(1u << 10);
			if (pwrite(cfd, &cmd, 2, 4) != 2)
				printf("raw_uio: unmask failed\n");
		}
		phases_step(&ph, 4);
		total += now() - t0;
	}
	if (switches_read(0, &sw1)) {
		printf("raw_uio: no context switch counts in /proc/self/status\n");
		return 1;
	}
	best = total < best ? total : best;
	printf("bench: irq raw uio %.1f us\n", best / (count / 5) * 1e6);
	/* The only process of the reference's path (the interrupt is handled in the kernel's IRQ context). */
	switches_per_round(per, sizeof per, &sw0, &sw1, count);
	printf("bench: irq switches raw uio: total %.2f per round (raw_uio %s)\n", switches_total(&sw0, &sw1, count), per);
	phases_format(steps, sizeof steps, &ph, step_names);
	printf("bench: irq phases raw uio: %s\n", steps);
	/* Give the device back, for the IRQ session that comes next. */
	munmap((void *)bar, 4096);
	close(ufd);
	close(cfd);
	close(rfd);
	snprintf(path, sizeof path, "%s/driver_override", dev);
	put(path, "\n");
	put("/sys/bus/pci/drivers/uio_pci_generic/unbind", name);
	return 0;
}
