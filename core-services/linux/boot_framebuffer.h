/*
 * The framebuffer the firmware and boot loader left, as the kernel got it
 * in boot_params.screen_info (/sys/kernel/boot_params/data, root only).
 * Under UEFI that is the GOP mode GRUB or the EFI stub found; under a
 * legacy BIOS it is a VESA mode only if the boot loader set one
 * (gfxpayload, vga=), otherwise VGA text and no framebuffer.
 */
#ifndef BOOT_FRAMEBUFFER_H
#define BOOT_FRAMEBUFFER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct boot_fb {
	uint64_t	phys;		/* lfb_base, with ext_lfb_base if the 64-bit flag is set */
	uint64_t	size;		/* bytes */
	unsigned	width, height, bpp, pitch;
	const char	*source;	/* "efi" or "vesa" */
	unsigned	video_type;	/* orig_video_isVGA */
};

/*
 * Decode screen_info at the start of boot_params (len bytes of it).
 * 0 with *fb filled, -ENOENT if the kernel got no linear framebuffer
 * (video_type set to what it got), -EINVAL if the values make no sense.
 */
int	boot_fb_parse(const uint8_t *bp, size_t len, struct boot_fb *fb);

/*
 * Genode's platform_info element for it, on its own lines:
 *   <boot> <framebuffer phys= width= height= bpp= type= pitch= size= source=/> </boot>
 * Nothing if there is none (or boot_params cannot be read).
 */
void	boot_framebuffer_xml(FILE *out);

#endif
