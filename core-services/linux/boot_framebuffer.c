/*
 * The boot framebuffer from /sys/kernel/boot_params/data: the only Linux
 * interface that still has what the boot loader handed over after efifb
 * or simpledrm took the screen (/sys/class/graphics/fb0 shows the driver's
 * view, and only if one bound). Offsets: Linux's
 * include/uapi/linux/screen_info.h (struct screen_info, at offset 0 of
 * struct boot_params).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "boot_framebuffer.h"

#define SI_ISVGA	0x0f
#define SI_WIDTH	0x12
#define SI_HEIGHT	0x14
#define SI_DEPTH	0x16
#define SI_BASE		0x18
#define SI_SIZE		0x1c
#define SI_LINELENGTH	0x24
#define SI_CAPS		0x36
#define SI_EXT_BASE	0x3a
#define SI_LEN		0x40

#define VIDEO_TYPE_VLFB	0x23	/* VESA linear framebuffer (lfb_size in 64 KiB) */
#define VIDEO_TYPE_EFI	0x70	/* EFI GOP (lfb_size in bytes) */
#define CAP_64BIT_BASE	(1u << 1)

static unsigned
rd16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t
rd32(const uint8_t *p)
{
	return rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

int
boot_fb_parse(const uint8_t *bp, size_t len, struct boot_fb *fb)
{
	memset(fb, 0, sizeof *fb);
	if (len < SI_LEN)
		return -EINVAL;
	fb->video_type = bp[SI_ISVGA];
	if (fb->video_type != VIDEO_TYPE_EFI && fb->video_type != VIDEO_TYPE_VLFB)
		return -ENOENT;
	fb->source = fb->video_type == VIDEO_TYPE_EFI ? "efi" : "vesa";
	fb->width = rd16(bp + SI_WIDTH);
	fb->height = rd16(bp + SI_HEIGHT);
	fb->bpp = rd16(bp + SI_DEPTH);
	fb->pitch = rd16(bp + SI_LINELENGTH);
	fb->phys = rd32(bp + SI_BASE);
	if (rd32(bp + SI_CAPS) & CAP_64BIT_BASE)
		fb->phys |= (uint64_t)rd32(bp + SI_EXT_BASE) << 32;
	fb->size = rd32(bp + SI_SIZE);
	if (fb->video_type == VIDEO_TYPE_VLFB)
		fb->size <<= 16;
	/* A framebuffer that cannot hold its own mode is not one we pass on. */
	if (!fb->phys || !fb->width || !fb->height || !fb->bpp || fb->bpp > 32 ||
	    fb->pitch < (fb->width * fb->bpp + 7) / 8 || (uint64_t)fb->pitch * fb->height > fb->size)
		return -EINVAL;
	return 0;
}

void
boot_framebuffer_xml(FILE *out)
{
	uint8_t bp[SI_LEN];
	struct boot_fb fb;
	ssize_t n = -1;
	int fd = open("/sys/kernel/boot_params/data", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, bp, sizeof bp);
		close(fd);
	}
	if (n < 0 || boot_fb_parse(bp, (size_t)n, &fb))
		return;
	/* type 1: direct RGB (Genode's and multiboot's numbering) */
	fprintf(out, "  <boot>\n    <framebuffer phys=\"0x%" PRIx64 "\" width=\"%u\" height=\"%u\" bpp=\"%u\" "
	    "type=\"1\" pitch=\"%u\" size=\"0x%" PRIx64 "\" source=\"%s\"/>\n  </boot>\n",
	    fb.phys, fb.width, fb.height, fb.bpp, fb.pitch, fb.size, fb.source);
}
