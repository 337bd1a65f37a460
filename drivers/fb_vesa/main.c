/*
 * fb_vesa: sets a VESA mode by running the video BIOS's VBE calls in a
 * real-mode emulator (libx86emu), then maps the linear framebuffer and
 * draws the test pattern. Low memory comes as IO_MEM snapshots (IVT/BDA
 * page, 0xC0000-0xFFFFF), ports as IO_PORT sessions; nothing else.
 * Config: <config width="800" height="600" bpp="32" hold_ms="0">
 *           <io_port base="0x3b0" size="0x30"/> ...   (the BIOS's ports)
 *         </config>
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/io_port.h>
#include <mkx/log.h>
#include <mkx/rom.h>
#include "../common/fb_pattern.h"
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

int
main(void)
{
	static struct vbe_info info;
	struct mkx_io_port ports[PORTS_MAX];
	struct mkx_io_mem low, bios, lfb;
	const struct vbe_mode *m;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long w = 800, h = 600, bpp = 32, hold_ms = 0;
	unsigned nports;
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
	nports = open_ports(cfg, ports);
	mkx_xml_free(cfg);
	if (mkx_io_mem_open(&low, 0, 0x1000, 0, why, sizeof why) ||
	    mkx_io_mem_open(&bios, 0xc0000, 0x40000, 0, why, sizeof why)) {
		mkx_error("low memory denied: %s", why);
		mkx_exit(1);
	}
	v = vbe_new((const void *)low.va, (const void *)bios.va, 0x40000, ports, nports);
	if (!v || vbe_get_info(v, &info))
		mkx_exit(1);
	mkx_log("VBE version %u.%u, OEM \"%s\", %u KiB video memory, %u modes", info.version >> 8,
	    info.version & 0xff, info.oem, info.total_memory_kib, info.nmodes);
	m = choose(&info, (unsigned)w, (unsigned)h, (unsigned)bpp);
	if (!m) {
		mkx_error("no linear-framebuffer mode %lux%lux%lu; the BIOS offers:", w, h, bpp);
		for (unsigned i = 0; i < info.nmodes; i++)
			mkx_log("  mode 0x%03x %ux%ux%u attr 0x%x", info.modes[i].number, info.modes[i].width,
			    info.modes[i].height, info.modes[i].bpp, info.modes[i].attributes);
		mkx_exit(1);
	}
	mkx_log("chosen mode 0x%03x: %ux%ux%u, pitch %u, framebuffer 0x%08x", m->number, m->width, m->height,
	    m->bpp, m->pitch, m->phys_base);
	if (vbe_set_mode(v, m->number))
		mkx_exit(1);
	if (mkx_io_mem_open(&lfb, m->phys_base, (uint64_t)m->pitch * m->height, 1, why, sizeof why)) {
		mkx_error("framebuffer denied: %s", why);
		mkx_exit(1);
	}
	fb = (struct fb){ (volatile uint8_t *)lfb.va, m->width, m->height, m->pitch, m->bpp };
	if (fb_pattern_draw(&fb)) {
		mkx_error("cannot draw at %u bits per pixel", m->bpp);
		mkx_exit(1);
	}
	mkx_log("mode 0x%03x set through VBE, pattern drawn", m->number);
	usleep(hold_ms * 1000);
	vbe_free(v);
	mkx_exit(0);
}
