/*
 * How core performs port I/O. One table per mechanism: linux/ (ioperm +
 * the in/out instructions, PCI conf1 emulated on the sysfs config file)
 * and sim/ (a port array, no privilege: for host tests of the session
 * logic). service_io_port.c only talks to this table.
 */
#ifndef IO_PORT_BACKEND_H
#define IO_PORT_BACKEND_H

#include <stdint.h>

struct io_port_backend {
	const char *name;
	/* 0 if usable here, else -errno (why is filled). */
	int	(*probe)(char *why, unsigned long whylen);
	/* Give core itself access to [base, base+size). 0 or -errno. */
	int	(*enable)(unsigned base, unsigned size);
	uint32_t (*in)(unsigned port, unsigned width);
	void	(*out)(unsigned port, unsigned width, uint32_t v);
	/*
	 * PCI configuration read/write for the CF8/CFC emulation: bdf is
	 * bus<<8|dev<<3|fn, reg the byte offset. Reads of absent functions
	 * give all ones; returns 0 or -errno.
	 */
	int	(*cfg_read)(unsigned bdf, unsigned reg, unsigned width, uint32_t *v);
	int	(*cfg_write)(unsigned bdf, unsigned reg, unsigned width, uint32_t v);
	/* In the forked child before exec: ioperm for a direct grant. */
	int	(*grant_direct)(unsigned base, unsigned size);
};

extern const struct io_port_backend io_port_linux, io_port_sim;

/* sim only, for tests: the byte a port of the simulated machine holds. */
uint8_t	io_port_sim_peek(unsigned port);

#endif
