/*
 * fb_bochs: drives QEMU's standard VGA / bochs-display through its DISPI
 * registers (MMIO BAR2), maps the linear framebuffer (BAR0, write-combined)
 * and draws the test pattern.
 * Config: <config width="800" height="600" hold_ms="30000"
 *          [platform="yes"] [fb_base= fb_size= mmio_base=]/>: with platform="yes"
 * the device comes from a Platform session (the platform driver's policy
 * gives it; BAR0 and BAR2 are its memory resources 0 and 1); else addresses
 * come from the config if given, else from core's pci_devices ROM (the
 * first 1234:1111), and the BARs from core's IO_MEM sessions.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include <mkx/devices.h>
#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/log.h>
#include <mkx/platform.h>
#include <mkx/rom.h>
#include "../common/fb_pattern.h"
#include "regs.h"

struct where { uint64_t fb_base, fb_size, mmio_base; };

/* Addresses from the config, or else from the devices ROM: the driver does not care which. */
static int
find_device(const struct mkx_xml *cfg, struct where *w)
{
	struct mkx_pci_device dev;
	struct mkx_rom rom;
	struct mkx_xml *devices;
	unsigned long a, b, c;
	char err[128];

	if (!mkx_xml_attr_ulong(cfg, "fb_base", 0, &a) && !mkx_xml_attr_ulong(cfg, "fb_size", 0, &b) &&
	    !mkx_xml_attr_ulong(cfg, "mmio_base", 0, &c)) {
		*w = (struct where){ a, b, c };
		mkx_log("device from config: fb 0x%lx+0x%lx, mmio 0x%lx", a, b, c);
		return 0;
	}
	if (mkx_rom_open(&rom, "pci_devices"))
		return -ENOENT;
	devices = mkx_xml_parse(rom.data, rom.size, err, sizeof err);
	mkx_rom_close(&rom);
	if (!devices || mkx_devices_find(devices, BOCHS_VENDOR, BOCHS_DEVICE, 0, &dev) ||
	    !dev.bar[0].size || !dev.bar[2].size) {
		mkx_error("no %04x:%04x with BAR0 and BAR2 in pci_devices", BOCHS_VENDOR, BOCHS_DEVICE);
		mkx_xml_free(devices);
		return -ENOENT;
	}
	mkx_xml_free(devices);
	*w = (struct where){ dev.bar[0].address, dev.bar[0].size, dev.bar[2].address };
	mkx_log("device %s: fb 0x%" PRIx64 "+0x%" PRIx64 ", mmio 0x%" PRIx64, dev.name,
	    w->fb_base, w->fb_size, w->mmio_base);
	return 0;
}

/* Both BARs through a Platform session: the device its policy gives, acquired. 0 or -errno. */
static int
from_platform(struct mkx_platform *p, struct mkx_io_mem *mmio, struct mkx_io_mem *lfb, struct where *w)
{
	struct mkx_pci_device dev;
	struct mkx_xml *devices;
	char why[256] = "", *xml;
	size_t len;
	int err;

	if ((err = mkx_platform_open(p, "fb", why, sizeof why)) || (err = mkx_platform_devices(p, &xml, &len))) {
		mkx_error("Platform session: %s", why[0] ? why : "devices document unreadable");
		return err;
	}
	devices = mkx_xml_parse(xml, len, why, sizeof why);
	free(xml);
	if (!devices || mkx_devices_find(devices, BOCHS_VENDOR, BOCHS_DEVICE, 0, &dev)) {
		mkx_error("no %04x:%04x in the Platform session's devices", BOCHS_VENDOR, BOCHS_DEVICE);
		mkx_xml_free(devices);
		return -ENOENT;
	}
	mkx_xml_free(devices);
	if ((err = mkx_platform_acquire(p, dev.name, why, sizeof why)) ||
	    (err = mkx_platform_io_mem(p, dev.name, 1, mmio, why, sizeof why)) ||
	    (err = mkx_platform_io_mem_wc(p, dev.name, 0, lfb, why, sizeof why))) {
		mkx_error("%s through the Platform session: %s", dev.name, why);
		return err;
	}
	/* Addresses are in the document only with info="yes"; the size is what the dataspace maps. */
	*w = (struct where){ dev.bar[0].address, lfb->ds.length - lfb->ds.page_offset, dev.bar[2].address };
	mkx_log("device %s from the Platform session: fb 0x%" PRIx64 "+0x%" PRIx64 ", mmio 0x%" PRIx64,
	    dev.name, w->fb_base, w->fb_size, w->mmio_base);
	return 0;
}

static uint16_t
dispi_read(struct mkx_io_mem *mmio, unsigned index)
{
	return mkx_mmio_read16(mmio, MMIO_DISPI + index * 2);
}

static void
dispi_write(struct mkx_io_mem *mmio, unsigned index, uint16_t v)
{
	mkx_mmio_write16(mmio, MMIO_DISPI + index * 2, v);
}

/* The mode-set sequence: disable, program geometry, enable with LFB. */
static void
set_mode(struct mkx_io_mem *mmio, unsigned w, unsigned h)
{
	dispi_write(mmio, DISPI_INDEX_ENABLE, 0);
	dispi_write(mmio, DISPI_INDEX_XRES, (uint16_t)w);
	dispi_write(mmio, DISPI_INDEX_YRES, (uint16_t)h);
	dispi_write(mmio, DISPI_INDEX_BPP, 32);
	dispi_write(mmio, DISPI_INDEX_BANK, 0);
	dispi_write(mmio, DISPI_INDEX_VIRT_WIDTH, (uint16_t)w);
	dispi_write(mmio, DISPI_INDEX_VIRT_HEIGHT, (uint16_t)h);
	dispi_write(mmio, DISPI_INDEX_X_OFFSET, 0);
	dispi_write(mmio, DISPI_INDEX_Y_OFFSET, 0);
	dispi_write(mmio, DISPI_INDEX_ENABLE, DISPI_ENABLED | DISPI_LFB_ENABLED);
	/* Video on: the attribute controller's palette-source bit (flip-flop is in index state after reset). */
	mkx_mmio_write8(mmio, MMIO_VGA_PORTS + (VGA_AR_INDEX - 0x3c0), VGA_AR_ENABLE_DISPLAY);
}

int
main(void)
{
	struct mkx_io_mem mmio, lfb;
	struct mkx_platform platform;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	struct where w;
	unsigned long width = 800, height = 600, hold_ms = 0;
	char why[512];
	struct fb fb;
	uint16_t id, vram64k;
	int via_platform;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (!cfg)
		mkx_exit(1);
	mkx_xml_attr_ulong(cfg, "width", 800, &width);
	mkx_xml_attr_ulong(cfg, "height", 600, &height);
	mkx_xml_attr_ulong(cfg, "hold_ms", 0, &hold_ms);
	if (width < 64 || height < 64 || width > 4096 || height > 4096) {
		mkx_error("config: %lux%lu is not a mode this driver sets (64..4096)", width, height);
		mkx_exit(1);
	}
	via_platform = mkx_xml_attr_bool(cfg, "platform", 0) == 1;
	if (via_platform ? from_platform(&platform, &mmio, &lfb, &w) : find_device(cfg, &w))
		mkx_exit(1);
	mkx_xml_free(cfg);
	if (!via_platform && mkx_io_mem_open(&mmio, w.mmio_base, 0x1000, 0, why, sizeof why)) {
		mkx_error("MMIO BAR denied: %s", why);
		mkx_exit(1);
	}
	id = dispi_read(&mmio, DISPI_INDEX_ID);
	vram64k = dispi_read(&mmio, DISPI_INDEX_VIDEO_MEM_64K);
	if (id < DISPI_ID0 || id > DISPI_ID5) {
		mkx_error("DISPI ID 0x%04x is not a Bochs display (0xb0c0..0xb0c5)", id);
		mkx_exit(1);
	}
	mkx_log("DISPI ID 0x%04x, %u KiB video memory", id, vram64k * 64);
	if ((uint64_t)width * height * 4 > (uint64_t)vram64k * 65536 || (uint64_t)width * height * 4 > w.fb_size) {
		mkx_error("%lux%lux32 needs %lu KiB, more than the %u KiB of video memory", width, height,
		    width * height * 4 / 1024, vram64k * 64);
		mkx_exit(1);
	}
	set_mode(&mmio, (unsigned)width, (unsigned)height);
	if (dispi_read(&mmio, DISPI_INDEX_XRES) != width || dispi_read(&mmio, DISPI_INDEX_YRES) != height) {
		mkx_error("mode %lux%lu not taken: device reports %ux%u", width, height,
		    dispi_read(&mmio, DISPI_INDEX_XRES), dispi_read(&mmio, DISPI_INDEX_YRES));
		mkx_exit(1);
	}
	if (!via_platform && mkx_io_mem_open(&lfb, w.fb_base, width * height * 4, 1, why, sizeof why)) {
		mkx_error("framebuffer denied: %s", why);
		mkx_exit(1);
	}
	fb = (struct fb){ (volatile uint8_t *)lfb.va, (unsigned)width, (unsigned)height, (unsigned)width * 4, 32 };
	fb_pattern_draw(&fb);
	mkx_log("mode %lux%lux32 set, pattern drawn (framebuffer %s)", width, height,
	    lfb.ds.flags & MKX_IO_MEM_WC ? "write-combined" : "uncached");
	/* Keep the picture up for the host-side screendump before core ends the scenario. */
	usleep(hold_ms * 1000);
	mkx_io_mem_close(&lfb);
	mkx_io_mem_close(&mmio);
	if (via_platform)
		mkx_platform_close(&platform);	/* the platform driver quiesces the device */
	mkx_exit(0);
}
