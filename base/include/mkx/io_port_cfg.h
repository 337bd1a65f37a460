/*
 * Config-space requests on an IO_PORT session that holds the conf1 pair
 * (0xCF8-0xCFF, which core emulates): the same accesses a program makes
 * with CF8/CFC, but one request each instead of two, and a range of a
 * function's header in one request (the platform driver's walk reads a
 * whole header per function this way). Core checks each against the
 * same <pci_config> policy as a CF8/CFC access: a function the policy
 * does not name reads all ones, a write needs write access and no other
 * holder of the function (pci_config_policy.c), and the MSI message
 * core's IRQ session set up stays (docs/irq.md). Segment 0, registers
 * below 0x100, as conf1 reaches.
 */
#ifndef MKX_IO_PORT_CFG_H
#define MKX_IO_PORT_CFG_H

#include <stdint.h>
#include <mkx/io_port.h>

#define MKX_IO_PORT_CFG_READ	0x103	/* req: struct mkx_io_port_cfg_req (len) -> reply: len bytes */
#define MKX_IO_PORT_CFG_WRITE	0x104	/* req: struct mkx_io_port_cfg_req (width, value) -> reply: u32 */

struct mkx_io_port_cfg_req {
	uint16_t	bdf;		/* bus << 8 | device << 3 | function */
	uint16_t	off;		/* READ: dword aligned; WRITE: aligned to width */
	uint16_t	len;		/* READ: bytes, a multiple of 4, off + len <= 256 */
	uint8_t		width;		/* WRITE: 1, 2 or 4 */
	uint8_t		flags;		/* WRITE: MKX_IO_PORT_CFG_PROBE */
	uint32_t	value;		/* WRITE */
	uint32_t	restore;	/* WRITE with MKX_IO_PORT_CFG_PROBE */
};
static_assert(sizeof(struct mkx_io_port_cfg_req) == 16, "wire size");

/*
 * A BAR sizing probe in one request: write value, read the dword back,
 * then write restore (both writes checked alike); the reply is the dword
 * read between them.
 */
#define MKX_IO_PORT_CFG_PROBE	0x01
/*
 * READ: instead of a range of one function, the dword at off of function
 * 0 of each device from bdf's device on (len / 4 devices, on bdf's bus):
 * a bus scan's vendor IDs in one request, each function by its own policy.
 */
#define MKX_IO_PORT_CFG_EACH_DEVICE	0x02
/*
 * READ: a BAR sizing probe of each of the len / 4 dwords from off of one
 * function, all in one request: for each, core reads the dword, writes
 * all ones, reads it back, writes the value it read first (both writes
 * checked as any write); the reply is the dwords read back. The BAR
 * registers of the function's header type only (type 0: 0x10-0x27,
 * type 1: 0x10-0x17), never a bridge's bus numbers or windows.
 */
#define MKX_IO_PORT_CFG_PROBE_EACH	0x04
/*
 * READ: like EACH_DEVICE over whole buses: the dword at off of function 0
 * of all 32 devices of each of len / 128 buses from bdf's bus on (bdf's
 * device and function 0; at most MKX_IO_PORT_CFG_BUSES_MAX buses, none
 * past 255): a peer-bus probe's run of empty buses in one request, each
 * function by its own policy.
 */
#define MKX_IO_PORT_CFG_EACH_BUS	0x08
#define MKX_IO_PORT_CFG_BUSES_MAX	8

/* Read len bytes (multiple of 4) at off of function bdf into buf. 0 or -errno. */
int	mkx_io_port_cfg_read(struct mkx_io_port *, unsigned bdf, unsigned off, void *buf, unsigned len);
/* The dword at off of function 0 of n devices from bdf's device on, into ids[n]. 0 or -errno. */
int	mkx_io_port_cfg_scan(struct mkx_io_port *, unsigned bdf, unsigned off, uint32_t *ids, unsigned n);
/*
 * Write width bytes at off of function bdf; *back (may be NULL) is the
 * dword at off & ~3 as read right after the write (a BAR sizing probe's
 * answer comes with its write). 0 or -errno (-EPERM: refused by policy).
 */
int	mkx_io_port_cfg_write(struct mkx_io_port *, unsigned bdf, unsigned off, unsigned width, uint32_t v,
	    uint32_t *back);
/* The probe: write v, *back = the dword read right after, then write restore. 0 or -errno. */
int	mkx_io_port_cfg_probe(struct mkx_io_port *, unsigned bdf, unsigned off, unsigned width, uint32_t v,
	    uint32_t restore, uint32_t *back);
/* EACH_BUS: the dword at off of function 0 of the 32 devices of nbus buses from bus on, into ids[32 * nbus]. */
int	mkx_io_port_cfg_scan_buses(struct mkx_io_port *, unsigned bus, unsigned off, uint32_t *ids, unsigned nbus);
/* PROBE_EACH: the n BAR dwords from off of function bdf probed, their masks into masks[n]. 0 or -errno. */
int	mkx_io_port_cfg_probe_each(struct mkx_io_port *, unsigned bdf, unsigned off, uint32_t *masks, unsigned n);

#endif
