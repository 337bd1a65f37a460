/*
 * boot_fb_parse: screen_info as the kernel keeps it at the start of
 * boot_params, built here byte by byte at the offsets of Linux's
 * include/uapi/linux/screen_info.h.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "../../core-services/linux/boot_framebuffer.h"

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8 & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* What OVMF + GRUB gave in the survey_uefi scenario: 1280x800x32 at 0x80000000. */
static void
efi_gop(uint8_t *bp)
{
	memset(bp, 0, 0x40);
	bp[0x0f] = 0x70;
	put16(bp + 0x12, 1280);
	put16(bp + 0x14, 800);
	put16(bp + 0x16, 32);
	put32(bp + 0x18, 0x80000000u);
	put32(bp + 0x1c, 1280 * 800 * 4);
	put16(bp + 0x24, 1280 * 4);
}

TEST(efi_framebuffer)
{
	uint8_t bp[0x40];
	struct boot_fb fb;

	efi_gop(bp);
	CHECK_INT(boot_fb_parse(bp, sizeof bp, &fb), 0);
	CHECK_INT(fb.phys, 0x80000000u);
	CHECK_INT(fb.width, 1280);
	CHECK_INT(fb.height, 800);
	CHECK_INT(fb.bpp, 32);
	CHECK_INT(fb.pitch, 5120);
	CHECK_INT(fb.size, 1280 * 800 * 4);
	CHECK(!strcmp(fb.source, "efi"));
}

TEST(ext_base_only_with_64bit_capability)
{
	uint8_t bp[0x40];
	struct boot_fb fb;

	efi_gop(bp);
	put32(bp + 0x3a, 0x40);
	CHECK_INT(boot_fb_parse(bp, sizeof bp, &fb), 0);
	CHECK_INT(fb.phys, 0x80000000u);
	put32(bp + 0x36, 2);
	CHECK_INT(boot_fb_parse(bp, sizeof bp, &fb), 0);
	CHECK_INT(fb.phys, 0x4080000000ull);
}

TEST(vesa_size_in_64k_units)
{
	uint8_t bp[0x40];
	struct boot_fb fb;

	efi_gop(bp);
	bp[0x0f] = 0x23;
	put32(bp + 0x1c, 256);		/* 16 MiB */
	CHECK_INT(boot_fb_parse(bp, sizeof bp, &fb), 0);
	CHECK_INT(fb.size, 16u << 20);
	CHECK(!strcmp(fb.source, "vesa"));
}

TEST(text_mode_is_no_framebuffer)
{
	uint8_t bp[0x40];
	struct boot_fb fb;

	efi_gop(bp);
	bp[0x0f] = 0x22;		/* VIDEO_TYPE_VGAC: VGA text */
	CHECK_INT(boot_fb_parse(bp, sizeof bp, &fb), -ENOENT);
	CHECK_INT(fb.video_type, 0x22);
}

TEST(nonsense_refused)
{
	uint8_t bp[0x40];
	struct boot_fb fb;

	efi_gop(bp);
	CHECK_INT(boot_fb_parse(bp, 0x3f, &fb), -EINVAL);	/* short read */
	put16(bp + 0x24, 1000);					/* pitch below width * 4 */
	CHECK_INT(boot_fb_parse(bp, sizeof bp, &fb), -EINVAL);
	efi_gop(bp);
	put32(bp + 0x1c, 4096);					/* smaller than pitch * height */
	CHECK_INT(boot_fb_parse(bp, sizeof bp, &fb), -EINVAL);
	efi_gop(bp);
	put32(bp + 0x18, 0);					/* no address */
	CHECK_INT(boot_fb_parse(bp, sizeof bp, &fb), -EINVAL);
}
