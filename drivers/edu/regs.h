/* QEMU's "edu" teaching device (1234:11e8), QEMU docs/specs/edu.rst. BAR0, 32-bit registers. */
#ifndef EDU_REGS_H
#define EDU_REGS_H

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_ID			0x00	/* 0xRRrr00ed: version and 0xed */
#define EDU_LIVENESS		0x04	/* reads back the inverse of what was written */
#define EDU_IRQ_STATUS		0x24	/* value(s) that raised the interrupt */
#define EDU_IRQ_RAISE		0x60	/* write: raise an interrupt with this value */
#define EDU_IRQ_ACK		0x64	/* write: clear these status bits; line drops at 0 */

#endif
