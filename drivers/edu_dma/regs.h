/* QEMU's edu device (1234:11e8), its DMA engine: QEMU docs/specs/edu.rst. BAR0. */
#ifndef EDU_DMA_REGS_H
#define EDU_DMA_REGS_H

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_DMA_SRC		0x80	/* source address (64-bit) */
#define EDU_DMA_DST		0x88	/* destination address (64-bit) */
#define EDU_DMA_COUNT		0x90	/* bytes */
#define EDU_DMA_CMD		0x98
#define  EDU_DMA_START		0x1	/* write: start; read: still running */
#define  EDU_DMA_TO_DEVICE	0x0	/* direction bit clear: RAM -> the device's buffer */
#define  EDU_DMA_TO_RAM		0x2	/* direction bit set: the device's buffer -> RAM */
#define  EDU_DMA_IRQ		0x4	/* raise interrupt 0x100 when done */
#define EDU_DMA_BUF		0x40000	/* the device's internal 4 KiB buffer, as a DMA address */

#endif
