/*
 * The "fb_modes" report of a framebuffer probe (fb_vesa probe="yes",
 * fb_boot), and the same modes as plain log lines, one per mode, so a
 * survey's log says it without XML and run/checks/usb_results.py can
 * compare the two:
 *
 *   <fb_modes source="vbe" ...>
 *     <mode number="0x118" width="1024" height="768" bpp="32" pitch="4096"
 *           linear="yes" phys="0xfd000000" model="direct" supported="yes"/>
 *   </fb_modes>
 *   mode 0x118: 1024x768x32, pitch 4096, direct, linear framebuffer at 0xfd000000
 *
 * A firmware framebuffer has one mode, the current one: no number
 * (number="current" in the log line, current="yes" in the report).
 */
#ifndef FB_MODES_H
#define FB_MODES_H

#include <stdint.h>
#include <stdio.h>

struct fb_mode_entry {
	int		current;	/* the firmware's mode: no VBE number */
	unsigned	number;
	unsigned	width, height, bpp, pitch;
	int		linear, supported;
	uint64_t	phys;		/* of the linear framebuffer, 0 if none */
	const char	*model;		/* "direct", "packed", "text", "planar", ... */
};

/* The report document is built in memory; fb_modes_end publishes it. */
struct fb_modes_doc {
	FILE	*f;
	char	*buf;
	size_t	len;
	unsigned nmodes;
};

/* Start the document; attrs are the <fb_modes> element's attributes (already escaped). 0 or -errno. */
int	fb_modes_begin(struct fb_modes_doc *, const char *attrs);

/* One mode: into the document and logged as a plain line. */
void	fb_modes_add(struct fb_modes_doc *, const struct fb_mode_entry *);

/* Close the document, publish it as report "fb_modes", free it. 0 or -errno (logged). */
int	fb_modes_end(struct fb_modes_doc *);

/* XML attribute text for s (quotes, <, >, & escaped; non-printable as '?'), in out. */
void	fb_modes_escape(const char *s, char *out, size_t outlen);

#endif
