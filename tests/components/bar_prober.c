/*
 * Test component for IO_MEM least privilege. It is granted BAR0 of the
 * e1000e (8086:10d3) and shows: the mapping is live (STATUS register), the
 * BAR fd cannot be mapped past the BAR's end, and core refuses a range
 * larger than the BAR, another device's BAR, and RAM (even though a
 * trusted policy covers it). Exits 0 only if all of that held.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>

#include <mkx/devices.h>
#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/log.h>
#include <mkx/rom.h>

static int
expect_denied(uint64_t base, uint64_t size, int want, const char *what)
{
	struct mkx_io_mem m;
	char why[512];
	int err = mkx_io_mem_open(&m, base, size, 0, why, sizeof why);

	if (!err)
		mkx_io_mem_close(&m);
	mkx_log("%s 0x%" PRIx64 "+0x%" PRIx64 ": %s: %s", what, base, size, strerror(-err), err ? why : "granted");
	return err == want;
}

int
main(void)
{
	struct mkx_pci_device nic, vga;
	struct mkx_io_mem m;
	struct mkx_rom rom;
	struct mkx_xml *devs;
	char why[512], err[128];
	void *p;
	int ok = 1;

	if (mkx_env_init() || mkx_rom_open(&rom, "pci_devices"))
		return 1;
	devs = mkx_xml_parse(rom.data, rom.size, err, sizeof err);
	if (!devs || mkx_devices_find(devs, 0x8086, 0x10d3, 0, &nic) ||
	    mkx_devices_find(devs, 0x1234, 0x1111, 0, &vga)) {
		mkx_error("need an e1000e and a std VGA in pci_devices");
		mkx_exit(1);
	}
	if (mkx_io_mem_open(&m, nic.bar[0].address, nic.bar[0].size, 0, why, sizeof why)) {
		mkx_error("e1000e BAR0 denied: %s", why);
		mkx_exit(1);
	}
	mkx_log("e1000e %s BAR0 0x%" PRIx64 "+0x%" PRIx64 " mapped, STATUS = 0x%08x", nic.name,
	    nic.bar[0].address, nic.bar[0].size, mkx_mmio_read32(&m, 0x8));
	/* The fd itself: one page past the BAR must not be mappable. */
	p = mmap(NULL, m.ds.length + 4096, PROT_READ, MAP_SHARED, m.fd, 0);
	mkx_log("mmap of BAR0 size + 4 KiB through the granted fd: %s",
	    p == MAP_FAILED ? strerror(errno) : "succeeded (BAD)");
	ok &= p == MAP_FAILED;
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, m.fd, (off_t)nic.bar[0].size);
	mkx_log("mmap of the page after BAR0 through the granted fd: %s",
	    p == MAP_FAILED ? strerror(errno) : "succeeded (BAD)");
	ok &= p == MAP_FAILED;
	mkx_io_mem_close(&m);

	ok &= expect_denied(nic.bar[0].address, nic.bar[0].size + 0x1000, -EINVAL, "larger than BAR0");
	ok &= expect_denied(vga.bar[0].address, 0x1000, -EPERM, "std VGA BAR0 (not mine)");
	ok &= expect_denied(0x100000, 0x1000, -EPERM, "RAM");
	mkx_log(ok ? "bar_prober: the BAR fd stays in its BAR and every refusal came" : "bar_prober: FAILED");
	mkx_xml_free(devs);
	mkx_exit(ok ? 0 : 1);
}
