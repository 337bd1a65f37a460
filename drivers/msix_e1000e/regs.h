/*
 * The few registers of Intel's 82574 (e1000e, 8086:10d3) the MSI-X test
 * needs, by the datasheet's names. BAR0, 32-bit registers.
 */
#ifndef MSIX_E1000E_REGS_H
#define MSIX_E1000E_REGS_H

#define E1000E_VENDOR	0x8086
#define E1000E_DEVICE	0x10d3

#define E1000E_STATUS	0x0008
#define  E1000E_STATUS_LU	(1u << 1)	/* link up */
#define E1000E_ICR	0x00c0	/* interrupt cause read */
#define E1000E_ICS	0x00c8	/* interrupt cause set: raises the causes written */
#define E1000E_IMS	0x00d0	/* interrupt mask set */
#define E1000E_IMC	0x00d8	/* interrupt mask clear */
#define E1000E_EIAC	0x00dc	/* extended auto clear: causes cleared in ICR (and IMS) when their vector fires */
#define E1000E_IVAR	0x00e4	/* cause -> MSI-X vector */
#define E1000E_EITR(n)	(0x00e8 + 4 * (n))	/* per-vector interrupt throttling interval; 0: none */

/* The queue causes, each routable to its own vector through IVAR. */
#define E1000E_ICR_RXQ0	(1u << 20)
#define E1000E_ICR_RXQ1	(1u << 21)
#define E1000E_ICR_TXQ0	(1u << 22)
#define E1000E_ICR_TXQ1	(1u << 23)

/* IVAR: four bits per cause (RXQ0, RXQ1, TXQ0, TXQ1, OTHER): vector in bits 2:0, valid bit 3. */
#define E1000E_IVAR_ENTRY(cause, vec)	((0x8u | (vec)) << (4 * (cause)))

#endif
