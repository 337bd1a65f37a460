/*
 * probe="yes": what a survey wants to know about the VESA BIOS without
 * changing what is on the screen. VBE 4F00 (controller info) and 4F01 for
 * each mode of its list, no 4F02: the kernel's console keeps the display.
 * The modes go to the "fb_modes" report and to the log, one line each,
 * followed by every port the BIOS read or wrote through our sessions
 * during these calls (what the probe did to the hardware). Without
 * <io_port> in the config a probe has no port session at all: every port
 * access of the BIOS is refused (reads give all ones) and logged once per
 * port by vbe.c, so the probe cannot write to the display hardware.
 */
#include <stdio.h>
#include <string.h>

#include <mkx/log.h>
#include "../common/fb_modes.h"
#include "probe.h"
#include "vbe.h"

static const char *
model_name(unsigned model)
{
	static const char *const names[] = { "text", "cga", "hercules", "planar", "packed", "non-chain4",
		"direct", "yuv" };

	return model < sizeof names / sizeof names[0] ? names[model] : "other";
}

/*
 * Is there a video BIOS to call? The int 10h vector must point into the
 * option ROM area and a ROM header (55 AA) must start it; a UEFI machine
 * without CSM has neither, and running whatever is there would be
 * pointless. 0, or -1 with why filled.
 */
static int
vga_bios_present(const uint8_t *low, const uint8_t *bios, char *why, size_t whylen)
{
	unsigned off = low[0x40] | low[0x41] << 8, seg = low[0x42] | low[0x43] << 8;
	unsigned at = seg * 16 + off;

	if (bios[0] != 0x55 || bios[1] != 0xaa) {
		snprintf(why, whylen, "no option ROM header (55 AA) at 0xc0000 (found %02x %02x)", bios[0], bios[1]);
		return -1;
	}
	if (at < 0xc0000 || at >= 0x100000) {
		snprintf(why, whylen, "the int 10h vector %04x:%04x does not point into the video BIOS area 0xc0000-0xfffff",
		    seg, off);
		return -1;
	}
	return 0;
}

static void
log_ports(const struct vbe *v)
{
	const struct vbe_port_use *u;
	unsigned n = vbe_ports_used(v, &u);

	if (!n)
		mkx_log("the video BIOS read or wrote no port through our sessions during the probe%s",
		    vbe_ports_refused(v) ? " (the ports it tried are refused and logged above)" : "");
	for (unsigned i = 0; i < n; i++)
		mkx_log("the video BIOS used port 0x%03x (%u bit) through our sessions: %lu reads, %lu writes", u[i].port,
		    8 * u[i].width, u[i].reads, u[i].writes);
}

int
vesa_probe(const void *low, const void *bios, size_t bios_size, struct mkx_io_port *ports, unsigned nports)
{
	static struct vbe_info info;
	struct fb_modes_doc doc;
	char why[160], attrs[512], oem[sizeof info.oem * 6];
	struct vbe *v;
	int err;

	if (vga_bios_present(low, bios, why, sizeof why)) {
		mkx_log("no VGA BIOS: %s; no VBE modes to report", why);
		fb_modes_escape(why, oem, sizeof oem);
		snprintf(attrs, sizeof attrs, "source=\"vbe\" found=\"no\" why=\"%s\"", oem);
		if (fb_modes_begin(&doc, attrs))
			return -1;
		return fb_modes_end(&doc) ? -1 : 0;
	}
	v = vbe_new(low, bios, bios_size, ports, nports);
	if (!v)
		return -1;
	if (vbe_get_info(v, &info)) {
		log_ports(v);
		vbe_free(v);
		return -1;
	}
	mkx_log("VBE version %u.%u, OEM \"%s\", %u KiB video memory, %u modes (probe: no mode is set)",
	    info.version >> 8, info.version & 0xff, info.oem, info.total_memory_kib, info.nmodes);
	if (info.failed)
		mkx_log("VBE 4F01 failed for %u listed mode(s); they are not reported", info.failed);
	if (info.cut)
		mkx_log("the mode list goes on beyond %u modes; only the first %u are reported", VBE_MODES_MAX,
		    VBE_MODES_MAX);
	fb_modes_escape(info.oem, oem, sizeof oem);
	snprintf(attrs, sizeof attrs, "source=\"vbe\" found=\"yes\" version=\"%u.%u\" oem=\"%s\" memory_kib=\"%u\"",
	    info.version >> 8, info.version & 0xff, oem, info.total_memory_kib);
	err = fb_modes_begin(&doc, attrs);
	for (unsigned i = 0; i < info.nmodes; i++) {
		const struct vbe_mode *m = &info.modes[i];
		struct fb_mode_entry e = {
			.number = m->number, .width = m->width, .height = m->height, .bpp = m->bpp,
			.pitch = m->pitch, .linear = (m->attributes & 0x80) && m->phys_base, .phys = m->phys_base,
			.supported = m->attributes & 1, .model = model_name(m->memory_model),
		};

		fb_modes_add(&doc, &e);
	}
	if (!err)
		err = fb_modes_end(&doc);
	log_ports(v);
	vbe_free(v);
	return err ? -1 : 0;
}
