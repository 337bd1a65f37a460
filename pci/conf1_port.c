/* conf1 over core's IO_PORT session and its config requests (see conf1_port.h). */
#include <errno.h>
#include <unistd.h>

#include <mkx/io_port.h>
#include <mkx/io_port_cfg.h>

#include "conf1_port.h"

static struct mkx_io_port conf1_port;
static struct pci_conf1 conf1;

static int
port_in(void *ctx, unsigned port, unsigned width, uint32_t *val)
{
	return mkx_io_port_in(ctx, port, width, val);
}

static int
port_out(void *ctx, unsigned port, unsigned width, uint32_t val)
{
	return mkx_io_port_out(ctx, port, width, val);
}

/* core's config requests on the conf1 session: one request per access, a range per read (mkx/io_port_cfg.h). */
static int
port_range_read(void *ctx, unsigned bdf, unsigned off, void *buf, unsigned len)
{
	return mkx_io_port_cfg_read(ctx, bdf, off, buf, len);
}

static int
port_write_back(void *ctx, unsigned bdf, unsigned off, unsigned width, uint32_t v, uint32_t *back)
{
	return mkx_io_port_cfg_write(ctx, bdf, off, width, v, back);
}

static int
port_probe(void *ctx, unsigned bdf, unsigned off, uint32_t v, uint32_t restore, uint32_t *back)
{
	return mkx_io_port_cfg_probe(ctx, bdf, off, 4, v, restore, back);
}

static int
port_probe_each(void *ctx, unsigned bdf, unsigned off, uint32_t *masks, unsigned n)
{
	return mkx_io_port_cfg_probe_each(ctx, bdf, off, masks, n);
}

static int
port_scan(void *ctx, unsigned bdf, unsigned off, uint32_t *ids, unsigned n)
{
	return mkx_io_port_cfg_scan(ctx, bdf, off, ids, n);
}

static int
port_scan_buses(void *ctx, unsigned bus, unsigned off, uint32_t *ids, unsigned nbus)
{
	return mkx_io_port_cfg_scan_buses(ctx, bus, off, ids, nbus);
}

int
pci_conf1_open(struct pci_cfg *cfg, int walk, unsigned tries, char *why, size_t whylen)
{
	int err;

	while ((err = mkx_io_port_open(&conf1_port, 0xcf8, 8, why, whylen)) == -EBUSY && tries--)
		usleep(100000);
	if (err)
		return err;
	/* walk: reads from per-function snapshots until the walk is over (cfg_conf1.c) */
	conf1 = (struct pci_conf1){ .port_ctx = &conf1_port, .in = port_in, .out = port_out,
	    .range_read = port_range_read, .write_back = port_write_back, .probe = port_probe, .scan = port_scan,
	    .probe_each = port_probe_each, .scan_buses = port_scan_buses,
	    .walk = walk };
	*cfg = (struct pci_cfg){ &pci_cfg_conf1, &conf1 };
	return 0;
}

void
pci_conf1_walk_done(void)
{
	conf1.walk = 0;
}

void
pci_conf1_close(void)
{
	mkx_io_port_close(&conf1_port);
}
