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
/*
 * Take over an IO_PORT session socket someone else opened (the platform
 * driver hands its clients the sessions of their devices' I/O BARs). The
 * RPC path only: a direct grant is the opener's ioperm. 0 or -errno.
 */
int	mkx_io_port_attach(struct mkx_io_port *, int sock, char *why, size_t whylen);
void	mkx_io_port_close(struct mkx_io_port *);

/*
 * Accesses. Return 0, -ERANGE if [port, port+width) is not inside the
 * session (checked here and again by core), or a session error.
 */
int	mkx_io_port_in(struct mkx_io_port *, unsigned port, unsigned width, uint32_t *val);
int	mkx_io_port_out(struct mkx_io_port *, unsigned port, unsigned width, uint32_t val);

/* Slow paths of the accessors below (RPC, or an error to log). */
uint32_t mkx_io_port_in_slow(struct mkx_io_port *, unsigned port, unsigned width);
void	mkx_io_port_out_slow(struct mkx_io_port *, unsigned port, unsigned width, uint32_t val);

/*
 * Accessors: errors are logged (a few times); a failed read gives all
 * ones. On the direct path they compile to a range check and the in/out
 * instruction, so a driver pays next to nothing for going through a session.
 */
static inline int
mkx_io_port_direct_ok(const struct mkx_io_port *p, unsigned port, unsigned width)
{
	return p->direct && !p->force_rpc && port >= p->base && port + width <= p->base + p->size;
}

/* The x86 in/out instructions (permission: core's ioperm grant). */
static inline uint32_t
mkx_cpu_in(unsigned port, unsigned width)
{
	uint8_t b;
	uint16_t w;
	uint32_t l;

	switch (width) {
	case 1: __asm__ volatile("inb %w1, %b0" : "=a"(b) : "Nd"((uint16_t)port)); return b;
	case 2: __asm__ volatile("inw %w1, %w0" : "=a"(w) : "Nd"((uint16_t)port)); return w;
	default: __asm__ volatile("inl %w1, %0" : "=a"(l) : "Nd"((uint16_t)port)); return l;
	}
}

static inline void
mkx_cpu_out(unsigned port, unsigned width, uint32_t v)
{
	switch (width) {
	case 1: __asm__ volatile("outb %b0, %w1" : : "a"((uint8_t)v), "Nd"((uint16_t)port)); break;
	case 2: __asm__ volatile("outw %w0, %w1" : : "a"((uint16_t)v), "Nd"((uint16_t)port)); break;
	default: __asm__ volatile("outl %0, %w1" : : "a"(v), "Nd"((uint16_t)port)); break;
	}
}

/* Width is a constant at every call site, so each accessor folds to one instruction. */
static inline uint8_t
mkx_inb(struct mkx_io_port *p, unsigned port)
{
	return mkx_io_port_direct_ok(p, port, 1) ? (uint8_t)mkx_cpu_in(port, 1)
	    : (uint8_t)mkx_io_port_in_slow(p, port, 1);
}

static inline uint16_t
mkx_inw(struct mkx_io_port *p, unsigned port)
{
	return mkx_io_port_direct_ok(p, port, 2) ? (uint16_t)mkx_cpu_in(port, 2)
	    : (uint16_t)mkx_io_port_in_slow(p, port, 2);
}

static inline uint32_t
mkx_inl(struct mkx_io_port *p, unsigned port)
{
	return mkx_io_port_direct_ok(p, port, 4) ? mkx_cpu_in(port, 4) : mkx_io_port_in_slow(p, port, 4);
}

static inline void
mkx_outb(struct mkx_io_port *p, unsigned port, uint8_t v)
{
	if (mkx_io_port_direct_ok(p, port, 1))
		mkx_cpu_out(port, 1, v);
	else
		mkx_io_port_out_slow(p, port, 1, v);
}

static inline void
mkx_outw(struct mkx_io_port *p, unsigned port, uint16_t v)
{
	if (mkx_io_port_direct_ok(p, port, 2))
		mkx_cpu_out(port, 2, v);
	else
		mkx_io_port_out_slow(p, port, 2, v);
}

static inline void
mkx_outl(struct mkx_io_port *p, unsigned port, uint32_t v)
{
	if (mkx_io_port_direct_ok(p, port, 4))
		mkx_cpu_out(port, 4, v);
	else
		mkx_io_port_out_slow(p, port, 4, v);
}

#endif
