/* The framebuffer test pattern (see fb_pattern.h). */
#include <errno.h>

#include "fb_pattern.h"

static const uint32_t bars[8] = {
	0xffffff, 0xffff00, 0x00ffff, 0x00ff00, 0xff00ff, 0xff0000, 0x0000ff, 0x000000,
};

static void
put(const struct fb *fb, unsigned x, unsigned y, uint32_t rgb)
{
	volatile uint8_t *p = fb->base + (size_t)y * fb->pitch;

	switch (fb->bpp) {
	case 32:
		((volatile uint32_t *)p)[x] = rgb;
		break;
	case 24:
		p += x * 3;
		p[0] = rgb & 0xff;
		p[1] = (rgb >> 8) & 0xff;
		p[2] = (rgb >> 16) & 0xff;
		break;
	case 16:
		((volatile uint16_t *)p)[x] = (uint16_t)(((rgb >> 8) & 0xf800) | ((rgb >> 5) & 0x07e0) |
		    ((rgb >> 3) & 0x001f));
		break;
	}
}

int
fb_pattern_draw(const struct fb *fb)
{
	if (fb->bpp != 32 && fb->bpp != 24 && fb->bpp != 16)
		return -EINVAL;
	for (unsigned y = 0; y < fb->height; y++)
		for (unsigned x = 0; x < fb->width; x++) {
			uint32_t c = bars[x * 8 / fb->width];

			if (x < 32 && y < 32)
				c = 0x808080;
			put(fb, x, y, c);
		}
	return 0;
}
