/*
 * IO_MEM benchmark component: 32-bit MMIO read and write cost through the
 * IO_MEM dataspace (the e1000e's BAR0 file): STATUS (0x8) is read,
 * RAL0 (0x5400, a receive-address register nothing uses here) written.
 * Best of 5 rounds. Config: <config wait_ms="0"/>.
 */
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/devices.h>
#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/log.h>
#include <mkx/rom.h>

int
main(void)
{
	struct mkx_pci_device nic;
	struct mkx_io_mem m;
	struct mkx_rom rom, devrom;
	struct mkx_xml *cfg, *devs;
	unsigned long wait_ms = 0;
	volatile uint32_t sink = 0;
	char why[512];
	double rd, wr;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (cfg)
		mkx_xml_attr_ulong(cfg, "wait_ms", 0, &wait_ms);
	mkx_xml_free(cfg);
	usleep(wait_ms * 1000);
	if (mkx_rom_open(&devrom, "pci_devices"))
		mkx_exit(1);
	devs = mkx_xml_parse(devrom.data, devrom.size, why, sizeof why);
	if (!devs || mkx_devices_find(devs, 0x8086, 0x10d3, 0, &nic)) {
		mkx_error("no e1000e in pci_devices");
		mkx_exit(1);
	}
	if (mkx_io_mem_open(&m, nic.bar[0].address, 0x10000, 0, why, sizeof why)) {
		mkx_error("BAR0 denied: %s", why);
		mkx_exit(1);
	}
	MKX_BENCH_BEST(rd, 5, 100000, sink += mkx_mmio_read32(&m, 0x8));
	MKX_BENCH_BEST(wr, 5, 100000, mkx_mmio_write32(&m, 0x5400, (uint32_t)_i));
	mkx_log("bench: mmio read32 dataspace %.1f ns", rd);
	mkx_log("bench: mmio write32 dataspace %.1f ns", wr);
	mkx_io_mem_close(&m);
	mkx_exit(0);
}
