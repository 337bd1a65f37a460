/*
 * QEMU standard VGA / bochs-display (1234:1111): the Bochs "DISPI"
 * interface (names from Bochs' vbe.h, as QEMU's hw/display/vga.h uses
 * them). In the MMIO BAR (BAR2) the DISPI registers sit at 0x500 + index*2,
 * 16 bits each, and the VGA ports 0x3c0-0x3df at 0x400 + (port - 0x3c0).
 */
#ifndef FB_BOCHS_REGS_H
#define FB_BOCHS_REGS_H

#define BOCHS_VENDOR		0x1234
#define BOCHS_DEVICE		0x1111

#define MMIO_VGA_PORTS		0x400
#define MMIO_DISPI		0x500
#define  VGA_AR_INDEX		0x3c0	/* attribute controller index */
#define   VGA_AR_ENABLE_DISPLAY	0x20	/* palette address source: video on */

#define DISPI_INDEX_ID		0x0
#define  DISPI_ID0		0xb0c0
#define  DISPI_ID5		0xb0c5
#define DISPI_INDEX_XRES	0x1
#define DISPI_INDEX_YRES	0x2
#define DISPI_INDEX_BPP		0x3
#define DISPI_INDEX_ENABLE	0x4
#define  DISPI_ENABLED		0x01
#define  DISPI_LFB_ENABLED	0x40
#define DISPI_INDEX_BANK	0x5
#define DISPI_INDEX_VIRT_WIDTH	0x6
#define DISPI_INDEX_VIRT_HEIGHT	0x7
#define DISPI_INDEX_X_OFFSET	0x8
#define DISPI_INDEX_Y_OFFSET	0x9
#define DISPI_INDEX_VIDEO_MEM_64K 0xa	/* video memory size in 64 KiB units */

#endif
