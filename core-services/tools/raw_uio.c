/*
 * The reference for the IRQ benchmark: a plain process doing what a
 * Linux UIO driver does with the edu device: bind it to uio_pci_generic,
 * map BAR0 through sysfs, and loop raise -> read /dev/uioN -> ack the
 * device -> unmask INTx in the config space. Linux-specific, hence in
 * core-services/. Config: <config pci="00:03.0" count="200"/>.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

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

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	char pci[16] = "00:03.0", dev[96], path[160], name[24];
	unsigned long count = 200;
	volatile uint32_t *bar;
	int uio = -1, ufd, cfd, rfd;
	double t0, total = 0;
	DIR *d;
	struct dirent *e;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (cfg) {
		if (mkx_xml_attr(cfg, "pci"))
			snprintf(pci, sizeof pci, "%s", mkx_xml_attr(cfg, "pci"));
		mkx_xml_attr_ulong(cfg, "count", 200, &count);
	}
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
		mkx_error("UIO set-up of %s failed (uio%d): %s", pci, uio, strerror(errno));
		mkx_exit(1);
	}
	for (unsigned long i = 0; i < count; i++) {
		struct pollfd p = { .fd = ufd, .events = POLLIN };
		uint32_t n, status;
		uint16_t cmd;

		t0 = mkx_now();
		bar[0x60 / 4] = 1u << (i % 31);
		if (poll(&p, 1, 3000) != 1 || read(ufd, &n, 4) != 4) {
			mkx_error("interrupt %lu did not arrive", i);
			mkx_exit(1);
		}
		status = bar[0x24 / 4];
		bar[0x64 / 4] = status;
		if (pread(cfd, &cmd, 2, 4) == 2) {
			cmd &= (uint16_t)~(1u << 10);
			if (pwrite(cfd, &cmd, 2, 4) != 2)
				mkx_error("unmask failed");
		}
		total += mkx_now() - t0;
	}
	mkx_log("bench: irq raw uio %.1f us", total / count * 1e6);
	/* Give the device back, for the IRQ session that comes next. */
	snprintf(path, sizeof path, "%s/driver_override", dev);
	put(path, "\n");
	put("/sys/bus/pci/drivers/uio_pci_generic/unbind", name);
	mkx_exit(0);
}
