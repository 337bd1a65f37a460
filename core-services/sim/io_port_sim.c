/*
 * IO_PORT backend without hardware: 64 K byte-wide latches, so what a
 * client writes it reads back. Config space is one simulated function at
 * 00:00.0 (vendor 0x1b36, device 0x0008: QEMU's generic PCIe host). It
 * exists to test the session logic (policy, exclusivity, range checks,
 * the CF8/CFC state machine) without root.
 */
#include <errno.h>
#include <string.h>

#include "../io_port_backend.h"

static uint8_t ports[0x10000];
static uint8_t cfg00[256] = { 0x36, 0x1b, 0x08, 0x00 };

static int
sim_probe(char *why, unsigned long whylen)
{
	(void)why;
	(void)whylen;
	return 0;
}

static int
sim_enable(unsigned base, unsigned size)
{
	(void)base;
	(void)size;
	return 0;
}

static uint32_t
sim_in(unsigned port, unsigned width)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)ports[(port + i) & 0xffff] << (8 * i);
	return v;
}

static void
sim_out(unsigned port, unsigned width, uint32_t v)
{
	for (unsigned i = 0; i < width; i++)
		ports[(port + i) & 0xffff] = (uint8_t)(v >> (8 * i));
}

uint8_t
io_port_sim_peek(unsigned port)
{
	return ports[port & 0xffff];
}

static int
sim_cfg_read(unsigned bdf, unsigned reg, unsigned width, uint32_t *v)
{
	*v = 0xffffffffu >> (32 - 8 * width);
	if (bdf != 0 || reg + width > sizeof cfg00)
		return 0;
	*v = 0;
	memcpy(v, cfg00 + reg, width);
	return 0;
}

static int
sim_cfg_write(unsigned bdf, unsigned reg, unsigned width, uint32_t v)
{
	if (bdf == 0 && reg >= 4 && reg + width <= sizeof cfg00)	/* IDs are read-only */
		memcpy(cfg00 + reg, &v, width);
	return 0;
}

static int
sim_grant_direct(unsigned base, unsigned size)
{
	(void)base;
	(void)size;
	return -ENOTSUP;
}

const struct io_port_backend io_port_sim = {
	.name = "sim", .probe = sim_probe, .enable = sim_enable,
	.in = sim_in, .out = sim_out,
	.cfg_read = sim_cfg_read, .cfg_write = sim_cfg_write,
	.grant_direct = sim_grant_direct,
};
