/* Config-space requests on a conf1 IO_PORT session (see mkx/io_port_cfg.h). */
#include <errno.h>
#include <string.h>

#include <mkx/io_port_cfg.h>

int
mkx_io_port_cfg_read(struct mkx_io_port *p, unsigned bdf, unsigned off, void *buf, unsigned len)
{
	static __thread struct mkx_msg reply;
	struct mkx_io_port_cfg_req rq = { .bdf = (uint16_t)bdf, .off = (uint16_t)off, .len = (uint16_t)len };
	int err;

	if (bdf > 0xffff || off % 4 || len % 4 || !len || off + len > 256)
		return -EINVAL;
	err = mkx_session_call(&p->s, MKX_IO_PORT_CFG_READ, &rq, sizeof rq, NULL, 0, &reply);
	if (err)
		return err;
	if (reply.hdr.len != len)
		return -EBADMSG;
	memcpy(buf, reply.payload, len);
	return 0;
}

static int
cfg_write(struct mkx_io_port *p, unsigned bdf, unsigned off, unsigned width, uint32_t v, unsigned flags,
    uint32_t restore, uint32_t *back)
{
	static __thread struct mkx_msg reply;
	struct mkx_io_port_cfg_req rq = { .bdf = (uint16_t)bdf, .off = (uint16_t)off, .width = (uint8_t)width,
	    .flags = (uint8_t)flags, .value = v, .restore = restore };
	int err;

	if (bdf > 0xffff || (width != 1 && width != 2 && width != 4) || off % width || off + width > 256)
		return -EINVAL;
	err = mkx_session_call(&p->s, MKX_IO_PORT_CFG_WRITE, &rq, sizeof rq, NULL, 0, &reply);
	if (err)
		return err;
	if (reply.hdr.len != sizeof(uint32_t))
		return -EBADMSG;
	if (back)
		memcpy(back, reply.payload, sizeof *back);
	return 0;
}

int
mkx_io_port_cfg_write(struct mkx_io_port *p, unsigned bdf, unsigned off, unsigned width, uint32_t v,
    uint32_t *back)
{
	return cfg_write(p, bdf, off, width, v, 0, 0, back);
}

int
mkx_io_port_cfg_probe(struct mkx_io_port *p, unsigned bdf, unsigned off, unsigned width, uint32_t v,
    uint32_t restore, uint32_t *back)
{
	return cfg_write(p, bdf, off, width, v, MKX_IO_PORT_CFG_PROBE, restore, back);
}

/* A READ with flags whose reply is n dwords (a bus scan's IDs, a function's BAR masks). */
static int
read_flagged(struct mkx_io_port *p, unsigned bdf, unsigned off, unsigned flags, uint32_t *out, unsigned n)
{
	static __thread struct mkx_msg reply;
	struct mkx_io_port_cfg_req rq = { .bdf = (uint16_t)bdf, .off = (uint16_t)off, .len = (uint16_t)(4 * n),
	    .flags = (uint8_t)flags };
	int err = mkx_session_call(&p->s, MKX_IO_PORT_CFG_READ, &rq, sizeof rq, NULL, 0, &reply);

	if (err)
		return err;
	if (reply.hdr.len != 4 * n)
		return -EBADMSG;
	memcpy(out, reply.payload, 4 * n);
	return 0;
}

int
mkx_io_port_cfg_scan(struct mkx_io_port *p, unsigned bdf, unsigned off, uint32_t *ids, unsigned n)
{
	if (bdf > 0xffff || off % 4 || off >= 256 || !n || ((bdf >> 3) & 0x1f) + n > 32)
		return -EINVAL;
	return read_flagged(p, bdf, off, MKX_IO_PORT_CFG_EACH_DEVICE, ids, n);
}

int
mkx_io_port_cfg_probe_each(struct mkx_io_port *p, unsigned bdf, unsigned off, uint32_t *masks, unsigned n)
{
	if (bdf > 0xffff || off % 4 || !n || off + 4 * n > 256)
		return -EINVAL;
	return read_flagged(p, bdf, off, MKX_IO_PORT_CFG_PROBE_EACH, masks, n);
}

int
mkx_io_port_cfg_scan_buses(struct mkx_io_port *p, unsigned bus, unsigned off, uint32_t *ids, unsigned nbus)
{
	if (bus > 255 || off % 4 || off >= 256 || !nbus || nbus > MKX_IO_PORT_CFG_BUSES_MAX || bus + nbus > 256)
		return -EINVAL;
	return read_flagged(p, bus << 8, off, MKX_IO_PORT_CFG_EACH_BUS, ids, 32 * nbus);
}
