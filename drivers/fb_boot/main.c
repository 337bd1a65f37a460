/*
 * fb_boot: the framebuffer the firmware left (UEFI GOP, or a VESA mode a
 * boot loader set), as Genode's core describes it in the platform_info
 * ROM: <boot><framebuffer phys= width= height= bpp= type= pitch=/></boot>.
 * A firmware framebuffer has exactly one mode, the current one; fb_boot
 * reports it ("fb_modes", drivers/common/fb_modes.h) and logs it, or says
 * that there is none. It touches no hardware: the framebuffer itself is
 * not opened (that would be an IO_MEM session of exactly its range).
 *
 * <wait_for rom="..."/> (any number) and wait_s: before exiting, wait
 * until each of these ROMs exists (reports routed to us), at most wait_s
 * seconds (default 120) in all. The survey marks fb_boot finish="yes"
 * and lets it wait for the other components' reports, so the composition
 * ends when every report is out, whichever component is slowest (core
 * logs the "not published yet" denial of a repeated try once).
 *
 * Config: <config wait_s="120"> <wait_for rom="platform_devices"/> </config>
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>
#include <mkx/xml.h>
#include "../common/fb_modes.h"

static int
report_none(const char *why)
{
	struct fb_modes_doc doc;
	char esc[256], attrs[320];

	mkx_log("no firmware framebuffer: %s", why);
	fb_modes_escape(why, esc, sizeof esc);
	snprintf(attrs, sizeof attrs, "source=\"firmware\" found=\"no\" why=\"%s\"", esc);
	if (fb_modes_begin(&doc, attrs))
		return -ENOMEM;
	return fb_modes_end(&doc);
}

/* The <framebuffer> of platform_info, checked and reported. 0 or -errno (logged). */
static int
report_framebuffer(const struct mkx_xml *fb)
{
	unsigned long phys, width, height, bpp, pitch, size;
	const char *source = mkx_xml_attr(fb, "source");
	struct fb_modes_doc doc;
	char attrs[160];
	int err;

	if (mkx_xml_attr_ulong(fb, "phys", 0, &phys) || mkx_xml_attr_ulong(fb, "width", 0, &width) ||
	    mkx_xml_attr_ulong(fb, "height", 0, &height) || mkx_xml_attr_ulong(fb, "bpp", 0, &bpp) ||
	    mkx_xml_attr_ulong(fb, "pitch", 0, &pitch)) {
		mkx_error("platform_info line %d: <framebuffer> needs phys, width, height, bpp and pitch", fb->line);
		return -EINVAL;
	}
	if (mkx_xml_attr_ulong(fb, "size", pitch * height, &size) == -EINVAL) {
		mkx_error("platform_info line %d: <framebuffer size=\"%s\">: not a number", fb->line,
		    mkx_xml_attr(fb, "size"));
		return -EINVAL;
	}
	if (!source || strlen(source) > 16 || strpbrk(source, "\"<>&"))
		source = "unknown";
	mkx_log("firmware framebuffer (%s): %lux%lux%lu, pitch %lu, at 0x%lx, %lu KiB", source, width, height, bpp,
	    pitch, phys, size / 1024);
	snprintf(attrs, sizeof attrs, "source=\"firmware\" found=\"yes\" firmware=\"%s\" size=\"0x%lx\"", source, size);
	if ((err = fb_modes_begin(&doc, attrs)))
		return err;
	fb_modes_add(&doc, &(struct fb_mode_entry){ .current = 1, .width = (unsigned)width, .height = (unsigned)height,
	    .bpp = (unsigned)bpp, .pitch = (unsigned)pitch, .linear = 1, .phys = phys, .supported = 1,
	    .model = "direct" });
	return fb_modes_end(&doc);
}

static int
probe(void)
{
	struct mkx_xml *x, *boot, *fb;
	struct mkx_rom rom;
	char why[160];
	int err;

	if (mkx_rom_open(&rom, "platform_info"))
		return report_none("no platform_info ROM");
	x = mkx_xml_parse(rom.data, rom.size, why, sizeof why);
	if (!x) {
		mkx_error("platform_info: %s", why);
		mkx_rom_close(&rom);
		return -EINVAL;
	}
	boot = mkx_xml_child(x, "boot");
	fb = boot ? mkx_xml_child(boot, "framebuffer") : NULL;
	err = fb ? report_framebuffer(fb)
		 : report_none("the kernel got none from the boot loader (platform_info has no <boot><framebuffer>: "
			"VGA text mode or no display)");
	mkx_xml_free(x);
	mkx_rom_close(&rom);
	return err;
}

/* Wait for each <wait_for rom=".."/>; 0, or -ETIMEDOUT with the missing ones logged. */
static int
wait_for_roms(const struct mkx_xml *cfg)
{
	unsigned long wait_s = 120;
	double end;
	int missing = 0;

	if (mkx_xml_attr_ulong(cfg, "wait_s", 120, &wait_s) == -EINVAL) {
		mkx_error("config: wait_s=\"%s\": not a number of seconds", mkx_xml_attr(cfg, "wait_s"));
		return -EINVAL;
	}
	end = mkx_now() + (double)wait_s;
	for (struct mkx_xml *w = mkx_xml_child(cfg, "wait_for"); w; w = mkx_xml_next(w, "wait_for")) {
		const char *name = mkx_xml_attr(w, "rom");
		struct mkx_rom rom;
		int err;

		if (!name) {
			mkx_error("config line %d: <wait_for> needs rom=\"name\"", w->line);
			missing = 1;
			continue;
		}
		while ((err = mkx_rom_try_open(&rom, name)) && mkx_now() < end)
			usleep(250 * 1000);
		if (err) {
			mkx_error("ROM \"%s\" did not appear within %lu s; ending anyway", name, wait_s);
			missing = 1;
			continue;
		}
		mkx_rom_close(&rom);
	}
	return missing ? -ETIMEDOUT : 0;
}

int
main(void)
{
	struct mkx_xml *cfg;
	struct mkx_rom rom;
	int err;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (!cfg)
		mkx_exit(1);
	err = probe();
	if (wait_for_roms(cfg))
		err = -ETIMEDOUT;
	mkx_xml_free(cfg);
	mkx_exit(err ? 1 : 0);
}
