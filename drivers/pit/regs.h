/*
 * Intel 8254 programmable interval timer, as in the PC (ports 0x40-0x43).
 * Names follow the 8254 datasheet (order no. 231164).
 */
#ifndef PIT_REGS_H
#define PIT_REGS_H

#define PIT_BASE		0x40
#define PIT_SIZE		4
#define PIT_COUNTER0		0x40	/* counter 0 data, 8 bits */
#define PIT_CONTROL		0x43	/* control word, 8 bits, write only */
#define  PIT_SC_COUNTER0	(0u << 6)	/* select counter 0 */
#define  PIT_RW_LATCH		(0u << 4)	/* counter latch command */
#define  PIT_RW_LSB_MSB		(3u << 4)	/* read/write LSB, then MSB */
#define  PIT_MODE2		(2u << 1)	/* rate generator: N, N-1, .., 1, reload */
#define  PIT_BINARY		0u

#define PIT_HZ_NOMINAL		1193182.0	/* 14.31818 MHz / 12 */

#endif
