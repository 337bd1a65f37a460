/*
 * IO_PORT backend without hardware: 64 K byte-wide latches, so what a
 * client writes it reads back, and the config space of three functions
 * (below). It exists to test the session logic (policy, exclusivity, range checks,
 * the CF8/CFC state machine) without root.
 */
#include <errno.h>
#include <string.h>

#include "../io_port_backend.h"

static uint8_t ports[0x10000];

/*
 * Config space of three functions, the same machine as io_mem_sim.c:
 * 00:00.0 host bridge (1b36:0008, class 0x060000), 00:01.0 VGA
 * (1234:1111, class 0x030000, BAR0 0xfd000008, BAR2 0xfebf0000),
 * 00:02.0 Ethernet (8086:10d3, class 0x020000, I/O BAR2 0xc001).
 */
static struct {
	unsigned	bdf;
	uint8_t		cfg[256];
} fns[] = {
	{ 0x00, { 0x36, 0x1b, 0x08, 0x00, [0x0b] = 0x06 } },
	{ 0x08, { 0x34, 0x12, 0x11, 0x11, [0x0b] = 0x03, [0x10] = 0x08, [0x12] = 0x00, [0x13] = 0xfd,
	    [0x1a] = 0xbf, [0x1b] = 0xfe } },
	{ 0x10, { 0x86, 0x80, 0xd3, 0x10, [0x0b] = 0x02, [0x18] = 0x01, [0x19] = 0xc0, [0x3d] = 1 } },
};

static uint8_t *
sim_fn(unsigned bdf)
{
	for (unsigned i = 0; i < sizeof fns / sizeof fns[0]; i++)
		if (fns[i].bdf == bdf)
			return fns[i].cfg;
	return NULL;
}

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
	uint8_t *cfg = sim_fn(bdf);

	*v = 0xffffffffu >> (32 - 8 * width);
	if (!cfg || reg + width > 256)
		return 0;
	*v = 0;
	memcpy(v, cfg + reg, width);
	return 0;
}

static int
sim_cfg_write(unsigned bdf, unsigned reg, unsigned width, uint32_t v)
{
	uint8_t *cfg = sim_fn(bdf);

	if (cfg && reg >= 4 && reg + width <= 256)	/* IDs are read-only */
		memcpy(cfg + reg, &v, width);
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
