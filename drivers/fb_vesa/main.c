/*
 * fb_vesa: sets a VESA mode by running the video BIOS's VBE calls in a
 * real-mode emulator (libx86emu), then maps the linear framebuffer and
 * draws the test pattern. Low memory comes as IO_MEM snapshots (IVT/BDA
 * page, 0xC0000-0xFFFFF), ports as IO_PORT sessions; nothing else.
 *
 * platform="yes": what belongs to the VGA function comes from a Platform
 * session (label "fb_vesa"; its policy gives the VGA class with
 * info="yes"): the device is acquired before the BIOS runs, and the
 * linear framebuffer is its BAR0, write-combined, at the offset the
 * BIOS's mode names inside it. The legacy ranges stay core's: the
 * IVT/BDA and BIOS snapshots, the VGA and DISPI ports, and conf1 (the
 * BIOS reads its own BARs through it).
 *
 * probe="yes" (probe.c): no mode is set and nothing is drawn; the modes
 * the BIOS offers are reported ("fb_modes") and logged, for a survey.
 *
 * Config: <config width="800" height="600" bpp="32" hold_ms="0" platform="no" probe="no">
 *           <io_port base="0x3b0" size="0x30"/> ...   (the BIOS's ports)
 *         </config>
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/io_port.h>
#include <mkx/devices.h>
#include <mkx/log.h>
#include <mkx/platform.h>
#include <mkx/rom.h>
#include "../common/fb_pattern.h"
#include "probe.h"
#include "vbe.h"

#define PORTS_MAX 8

/* VGA registers, the Bochs DISPI pair, PCI conf1 (SeaVGABIOS reads its BAR). */
static const unsigned default_ports[][2] = { { 0x3b0, 0x30 }, { 0x1ce, 3 }, { 0xcf8, 8 } };

static unsigned
open_ports(const struct mkx_xml *cfg, struct mkx_io_port *p)
{
	unsigned n = 0;
	char why[512];

	for (struct mkx_xml *c = mkx_xml_child(cfg, "io_port"); c && n < PORTS_MAX; c = mkx_xml_next(c, "io_port")) {
		unsigned long base, size;

		if (mkx_xml_attr_ulong(c, "base", 0, &base) || mkx_xml_attr_ulong(c, "size", 0, &size)) {
			mkx_error("config line %d: <io_port> needs base and size", c->line);
			continue;
		}
		if (mkx_io_port_open(&p[n], (unsigned)base, (unsigned)size, why, sizeof why))
			mkx_error("ports 0x%lx+0x%lx: %s", base, size, why);
		else
			n++;
	}
	if (mkx_xml_child(cfg, "io_port"))
		return n;
	for (unsigned i = 0; i < sizeof default_ports / sizeof default_ports[0]; i++) {
		if (mkx_io_port_open(&p[n], default_ports[i][0], default_ports[i][1], why, sizeof why))
			mkx_error("ports 0x%x+0x%x: %s", default_ports[i][0], default_ports[i][1], why);
		else
			n++;
	}
	return n;
}

/* The VGA function of the Platform session's devices, acquired; its name and BAR0 address in *dev. 0 or -errno. */
static int
vga_acquire(struct mkx_platform *p, struct mkx_pci_device *dev)
{
	struct mkx_xml *devices;
	char why[256] = "", *xml;
	size_t len;
	int err;

	if ((err = mkx_platform_open(p, "fb_vesa", why, sizeof why)) || (err = mkx_platform_devices(p, &xml, &len))) {
		mkx_error("Platform session: %s", why[0] ? why : "devices document unreadable");
		return err ? err : -EIO;
	}
	devices = mkx_xml_parse(xml, len, why, sizeof why);
	free(xml);
	err = devices ? mkx_devices_nth(devices, 0, dev) : -ENOENT;
	mkx_xml_free(devices);
	if (err || (dev->class >> 8) != 0x0300 || !dev->bar[0].address) {
		mkx_error("no VGA function with an addressed BAR0 in the Platform session's devices (info=\"yes\"?)");
		return -ENOENT;
	}
	if ((err = mkx_platform_acquire(p, dev->name, why, sizeof why))) {
		mkx_error("%s: %s", dev->name, why);
		return err;
	}
	mkx_log("VGA %s from the Platform session, BAR0 at 0x%" PRIx64, dev->name, dev->bar[0].address);
	return 0;
}

/*
 * The mode's framebuffer inside the VGA's BAR0, through the Platform
 * session; fb_at is where it starts in lfb's mapping. 0 or -errno.
 */
static int
lfb_from_platform(struct mkx_platform *p, const struct mkx_pci_device *dev, const struct vbe_mode *m,
    struct mkx_io_mem *lfb, volatile uint8_t **fb_at)
{
	uint64_t need = (uint64_t)m->pitch * m->height, off = m->phys_base - dev->bar[0].address;
	char why[256] = "";
	int err;

	if (m->phys_base < dev->bar[0].address) {
		mkx_error("the mode's framebuffer 0x%08x is not in %s's BAR0", m->phys_base, dev->name);
		return -ERANGE;
	}
	if ((err = mkx_platform_io_mem_wc(p, dev->name, 0, lfb, why, sizeof why))) {
		mkx_error("%s BAR0: %s", dev->name, why);
		return err;
	}
	if (off + need > lfb->ds.length - lfb->ds.page_offset) {
		mkx_error("the mode's framebuffer 0x%08x+0x%" PRIx64 " ends beyond %s's BAR0", m->phys_base, need,
		    dev->name);
		return -ERANGE;
	}
	*fb_at = (volatile uint8_t *)lfb->va + off;
	return 0;
}

static const struct vbe_mode *
choose(const struct vbe_info *info, unsigned w, unsigned h, unsigned bpp)
{
	for (unsigned i = 0; i < info->nmodes; i++) {
		const struct vbe_mode *m = &info->modes[i];

		if ((m->attributes & 0x81) == 0x81 && m->width == w && m->height == h && m->bpp == bpp &&
		    (m->memory_model == 6 || m->memory_model == 4))
			return m;
	}
	return NULL;
}

/* The mode choose() picks; without one, log what the BIOS offers and exit. */
static const struct vbe_mode *
choose_or_exit(const struct vbe_info *info, unsigned long w, unsigned long h, unsigned long bpp)
{
	const struct vbe_mode *m = choose(info, (unsigned)w, (unsigned)h, (unsigned)bpp);

	if (m)
		return m;
	mkx_error("no linear-framebuffer mode %lux%lux%lu; the BIOS offers:", w, h, bpp);
	for (unsigned i = 0; i < info->nmodes; i++)
		mkx_log("  mode 0x%03x %ux%ux%u attr 0x%x", info->modes[i].number, info->modes[i].width,
		    info->modes[i].height, info->modes[i].bpp, info->modes[i].attributes);
	mkx_exit(1);
}

int
main(void)
{
	static struct vbe_info info;
	struct mkx_io_port ports[PORTS_MAX];
	struct mkx_io_mem low, bios, lfb;
	struct mkx_platform platform;
	struct mkx_pci_device vga;
	volatile uint8_t *fb_at;
	const struct vbe_mode *m;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long w = 800, h = 600, bpp = 32, hold_ms = 0;
	unsigned nports;
	int via_platform, probe;
	struct vbe *v;
	char why[512];
	struct fb fb;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (!cfg)
		mkx_exit(1);
	mkx_xml_attr_ulong(cfg, "width", 800, &w);
	mkx_xml_attr_ulong(cfg, "height", 600, &h);
	mkx_xml_attr_ulong(cfg, "bpp", 32, &bpp);
	mkx_xml_attr_ulong(cfg, "hold_ms", 0, &hold_ms);
	via_platform = mkx_xml_attr_bool(cfg, "platform", 0) == 1;
	probe = mkx_xml_attr_bool(cfg, "probe", 0);
	if (probe < 0) {
		mkx_error("config: probe=\"%s\": use yes or no", mkx_xml_attr(cfg, "probe"));
		mkx_exit(1);
	}
	if (probe && via_platform) {
		mkx_error("config: probe=\"yes\" with platform=\"yes\": a probe acquires no device, leave platform out");
		mkx_exit(1);
	}
	if (via_platform && vga_acquire(&platform, &vga))
		mkx_exit(1);
	/* A probe gets only the ports its config names: none by default, the BIOS's port accesses are refused and logged. */
	nports = probe && !mkx_xml_child(cfg, "io_port") ? 0 : open_ports(cfg, ports);
	mkx_xml_free(cfg);
	if (mkx_io_mem_open(&low, 0, 0x1000, 0, why, sizeof why) ||
	    mkx_io_mem_open(&bios, 0xc0000, 0x40000, 0, why, sizeof why)) {
		mkx_error("low memory denied: %s", why);
		mkx_exit(1);
	}
	if (probe)
		mkx_exit(vesa_probe((const void *)low.va, (const void *)bios.va, 0x40000, ports, nports) ? 1 : 0);
	v = vbe_new((const void *)low.va, (const void *)bios.va, 0x40000, ports, nports);
	if (!v || vbe_get_info(v, &info))
		mkx_exit(1);
	mkx_log("VBE version %u.%u, OEM \"%s\", %u KiB video memory, %u modes", info.version >> 8,
	    info.version & 0xff, info.oem, info.total_memory_kib, info.nmodes);
	m = choose_or_exit(&info, w, h, bpp);
	mkx_log("chosen mode 0x%03x: %ux%ux%u, pitch %u, framebuffer 0x%08x", m->number, m->width, m->height,
	    m->bpp, m->pitch, m->phys_base);
	if (vbe_set_mode(v, m->number))
		mkx_exit(1);
	if (via_platform) {
		if (lfb_from_platform(&platform, &vga, m, &lfb, &fb_at))
			mkx_exit(1);
	} else if (mkx_io_mem_open(&lfb, m->phys_base, (uint64_t)m->pitch * m->height, 1, why, sizeof why)) {
		mkx_error("framebuffer denied: %s", why);
		mkx_exit(1);
	} else
		fb_at = (volatile uint8_t *)lfb.va;
	fb = (struct fb){ fb_at, m->width, m->height, m->pitch, m->bpp };
	if (fb_pattern_draw(&fb)) {
		mkx_error("cannot draw at %u bits per pixel", m->bpp);
		mkx_exit(1);
	}
	mkx_log("mode 0x%03x set through VBE, pattern drawn%s", m->number,
	    via_platform ? " (framebuffer: BAR0 through the Platform session, write-combined)" : "");
	usleep(hold_ms * 1000);
	vbe_free(v);
	mkx_exit(0);
}
