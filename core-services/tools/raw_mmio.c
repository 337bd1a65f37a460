/*
 * The reference for the IO_MEM benchmark: map the same e1000e BAR0 through
 * /dev/mem (needs iomem=relaxed) in a plain process and time the same
 * accesses as mmio_bench. Linux-specific, hence in core-services/.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/devices.h>
#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

int
main(void)
{
	struct mkx_pci_device nic;
	struct mkx_rom devrom;
	struct mkx_xml *devs;
	volatile uint32_t sink = 0;
	volatile uint32_t *bar;
	char why[256];
	double rd, wr;
	int fd;

	if (mkx_env_init() || mkx_rom_open(&devrom, "pci_devices"))
		return 1;
	devs = mkx_xml_parse(devrom.data, devrom.size, why, sizeof why);
	if (!devs || mkx_devices_find(devs, 0x8086, 0x10d3, 0, &nic)) {
		mkx_error("no e1000e in pci_devices");
		mkx_exit(1);
	}
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	bar = fd < 0 ? MAP_FAILED : mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    (off_t)nic.bar[0].address);
	if (bar == MAP_FAILED) {
		mkx_error("/dev/mem mapping of 0x%llx: %s", (unsigned long long)nic.bar[0].address,
		    strerror(errno));
		mkx_exit(1);
	}
	MKX_BENCH_BEST(rd, 5, 100000, sink += bar[0x8 / 4]);
	MKX_BENCH_BEST(wr, 5, 100000, bar[0x5400 / 4] = (uint32_t)_i);
	mkx_log("bench: mmio read32 devmem %.1f ns", rd);
	mkx_log("bench: mmio write32 devmem %.1f ns", wr);
	mkx_exit(0);
}
