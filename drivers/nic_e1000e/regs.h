/*
 * Intel 82574 (e1000e, 8086:10d3) registers and descriptors this driver
 * uses, by the datasheet's names (82574 GbE Controller Family datasheet,
 * chapter 10; the offsets are those of the 8254x family's register map).
 * BAR0 is 128 KiB of 32-bit registers.
 */
#ifndef NIC_E1000E_REGS_H
#define NIC_E1000E_REGS_H

#include <stdint.h>

#define E1000E_VENDOR	0x8086
#define E1000E_DEVICE	0x10d3
#define E1000E_BAR_SIZE	0x20000

#define CTRL		0x00000		/* Device Control */
#define  CTRL_FD	(1u << 0)	/* full duplex */
#define  CTRL_ASDE	(1u << 5)	/* auto-speed detection enable */
#define  CTRL_SLU	(1u << 6)	/* set link up */
#define  CTRL_RST	(1u << 26)	/* device reset, self-clearing */
#define STATUS		0x00008		/* Device Status */
#define  STATUS_LU	(1u << 1)	/* link up */
#define  STATUS_SPEED(s) (((s) >> 6) & 3)	/* 0: 10, 1: 100, 2/3: 1000 Mb/s */
#define CTRL_EXT	0x00018
#define ICR		0x000c0		/* Interrupt Cause Read (read clears) */
#define ICS		0x000c8		/* Interrupt Cause Set */
#define IMS		0x000d0		/* Interrupt Mask Set */
#define IMC		0x000d8		/* Interrupt Mask Clear */
#define  ICR_TXDW	(1u << 0)	/* transmit descriptor written back */
#define  ICR_LSC	(1u << 2)	/* link status change */
#define  ICR_RXDMT0	(1u << 4)	/* receive descriptors below threshold */
#define  ICR_RXO	(1u << 6)	/* receiver overrun */
#define  ICR_RXT0	(1u << 7)	/* receive timer: frames arrived */
#define  ICR_RXQ0	(1u << 20)	/* MSI-X mode: receive queue 0 */
#define  ICR_TXQ0	(1u << 22)	/* MSI-X mode: transmit queue 0 */
#define  ICR_OTHER	(1u << 24)	/* MSI-X mode: any other cause (link status change) */
#define EIAC		0x000dc		/* MSI-X: causes cleared when their vector fires */
#define IVAR		0x000e4		/* MSI-X: cause -> vector, 4 bits each (vector 2:0, valid 3) */
#define  IVAR_RXQ0(v)	((0x8u | (v)) << 0)
#define  IVAR_TXQ0(v)	((0x8u | (v)) << 8)
#define  IVAR_OTHER(v)	((0x8u | (v)) << 16)
#define RCTL		0x00100		/* Receive Control */
#define  RCTL_EN	(1u << 1)
#define  RCTL_UPE	(1u << 3)	/* unicast promiscuous */
#define  RCTL_MPE	(1u << 4)	/* multicast promiscuous */
#define  RCTL_BAM	(1u << 15)	/* accept broadcast */
#define  RCTL_BSIZE_2048 (0u << 16)	/* with BSEX = 0 */
#define  RCTL_SECRC	(1u << 26)	/* strip the Ethernet CRC */
#define TCTL		0x00400		/* Transmit Control */
#define  TCTL_EN	(1u << 1)
#define  TCTL_PSP	(1u << 3)	/* pad short packets */
#define  TCTL_CT(x)	((uint32_t)(x) << 4)	/* collision threshold */
#define  TCTL_COLD(x)	((uint32_t)(x) << 12)	/* collision distance */
#define TIPG		0x00410		/* Transmit Inter-Packet Gap */
#define RDBAL		0x02800		/* Receive Descriptor Base Address Low/High, Length, Head, Tail */
#define RDBAH		0x02804
#define RDLEN		0x02808
#define RDH		0x02810
#define RDT		0x02818
#define RDTR		0x02820		/* receive delay timer */
#define TDBAL		0x03800		/* Transmit Descriptor Base Address Low/High, Length, Head, Tail */
#define TDBAH		0x03804
#define TDLEN		0x03808
#define TDH		0x03810
#define TDT		0x03818
#define TIDV		0x03820		/* transmit interrupt delay value */
#define RXCSUM		0x05000		/* receive checksum offload control */
#define RFCTL		0x05008		/* receive filter control: EXSTEN selects extended rx descriptors */
#define MTA		0x05200		/* Multicast Table Array, 128 dwords */
#define RAL0		0x05400		/* Receive Address Low/High: the MAC (loaded from the NVM) */
#define RAH0		0x05404
#define  RAH_AV		(1u << 31)	/* address valid */
#define GPRC		0x04074		/* good packets received (statistics, read clears) */
#define GPTC		0x04080		/* good packets transmitted */

/* Legacy transmit descriptor. */
struct e1000e_tx_desc {
	uint64_t	addr;
	uint16_t	length;
	uint8_t		cso;
	uint8_t		cmd;
	uint8_t		status;
	uint8_t		css;
	uint16_t	special;
};
#define TXD_CMD_EOP	(1u << 0)	/* end of packet */
#define TXD_CMD_IFCS	(1u << 1)	/* insert FCS */
#define TXD_CMD_RS	(1u << 3)	/* report status: set DD when done */
#define TXD_STAT_DD	(1u << 0)	/* descriptor done */

/* Legacy receive descriptor (RFCTL.EXSTEN clear, the reset value). */
struct e1000e_rx_desc {
	uint64_t	addr;
	uint16_t	length;
	uint16_t	checksum;
	uint8_t		status;
	uint8_t		errors;
	uint16_t	special;
};
#define RXD_STAT_DD	(1u << 0)	/* descriptor done */
#define RXD_STAT_EOP	(1u << 1)	/* end of packet */

#endif
