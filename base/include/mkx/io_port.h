/*
 * IO_PORT session: x86 port I/O on a range core granted
 * (session args io_port_base, io_port_size, as in Genode). Ports are
 * absolute port numbers, as in Genode's Io_port_session; an access must
 * lie wholly inside [base, base + size).
 *
 * Two delivery paths, chosen by core from its policy and invisible to the
 * driver: RPC (core executes in/out) or direct (core started us with
 * ioperm on exactly the granted ports, and this library executes in/out
 * itself). 0xCF8-0xCFF is always RPC: core emulates it on the kernel's
 * locked config-space access.
 */
#ifndef MKX_IO_PORT_H
#define MKX_IO_PORT_H

#include <stddef.h>
#include <stdint.h>
#include <mkx/session.h>

#define MKX_IO_PORT_IN		0x100	/* req: u16 port, u8 width(1,2,4) -> reply: u32 value */
#define MKX_IO_PORT_OUT		0x101	/* req: u16 port, u8 width, pad, u32 value */
#define MKX_IO_PORT_INFO	0x102	/* reply: struct mkx_io_port_info */

struct mkx_io_port_info {
	uint32_t	base;
	uint32_t	size;
	uint8_t		direct;	/* 1: ioperm granted, use in/out directly */
	uint8_t		pad[3];
};
static_assert(sizeof(struct mkx_io_port_info) == 12, "wire size");

struct mkx_io_port_req {
	uint16_t	port;
	uint8_t		width;
	uint8_t		pad;
	uint32_t	value;
};
static_assert(sizeof(struct mkx_io_port_req) == 8, "wire size");

struct mkx_io_port {
	struct mkx_session	s;
	unsigned		base, size;
	int			direct;
	int			force_rpc;	/* for benchmarks: ignore the direct grant */
};

/*
 * Open a session for [base, base+size). Returns 0 or core's denial
 * (-EPERM outside policy, -EBUSY held by another session, -EINVAL bad
 * range) with the reason in why.
 */
int	mkx_io_port_open(struct mkx_io_port *, unsigned base, unsigned size,
	    char *why, size_t whylen);
void	mkx_io_port_close(struct mkx_io_port *);

/*
 * Accesses. Return 0, -ERANGE if [port, port+width) is not inside the
 * session (checked here and again by core), or a session error.
 */
int	mkx_io_port_in(struct mkx_io_port *, unsigned port, unsigned width, uint32_t *val);
int	mkx_io_port_out(struct mkx_io_port *, unsigned port, unsigned width, uint32_t val);

/* Convenience: errors are logged once; a failed read gives all ones. */
uint8_t	 mkx_inb(struct mkx_io_port *, unsigned port);
uint16_t mkx_inw(struct mkx_io_port *, unsigned port);
uint32_t mkx_inl(struct mkx_io_port *, unsigned port);
void	mkx_outb(struct mkx_io_port *, unsigned port, uint8_t val);
void	mkx_outw(struct mkx_io_port *, unsigned port, uint16_t val);
void	mkx_outl(struct mkx_io_port *, unsigned port, uint32_t val);

#endif
