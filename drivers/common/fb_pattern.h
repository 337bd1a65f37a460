/*
 * The test pattern both framebuffer drivers draw, and run/checks/screen.py
 * verifies in a screendump: eight vertical colour bars (white, yellow, cyan,
 * green, magenta, red, blue, black, as on a TV test card) and a 32x32 grey
 * (0x808080) square in the top-left corner, which tells orientation.
 */
#ifndef FB_PATTERN_H
#define FB_PATTERN_H

#include <stddef.h>
#include <stdint.h>

struct fb {
	volatile uint8_t	*base;
	unsigned		width, height;
	unsigned		pitch;	/* bytes per line */
	unsigned		bpp;	/* 32: XRGB8888; 16: RGB565; 24: RGB888 */
};

/* Draw the pattern. Returns 0, or -EINVAL for an unsupported bpp. */
int	fb_pattern_draw(const struct fb *);

#endif
