/*
 * Core's conf1 config requests (mkx/io_port_cfg.h) as libmkx sends them,
 * straight into core's IO_PORT service on the sim back ends: the fixture
 * the conf1_*_test files share. `requests` counts what reached core.
 */
#ifndef CONF1_REQUEST_H
#define CONF1_REQUEST_H

#include <errno.h>
#include <string.h>

#include <mkx/io_port_cfg.h>
#include "../../core-services/core.h"

static unsigned requests;

/* One request to core; the reply's bytes into out (exactly outlen of them). */
static inline int
request(void *st, uint16_t op, const struct mkx_io_port_cfg_req *rq, void *out, size_t outlen)
{
	static struct mkx_msg m;
	static struct mkx_reply r;
	int rc;

	requests++;
	memset(&m.hdr, 0, sizeof m.hdr);
	m.hdr.op = op;
	m.hdr.len = sizeof *rq;
	memcpy(m.payload, rq, sizeof *rq);
	r.len = 0;
	rc = service_io_port.call(st, &m, &r);
	if (!rc && out) {
		if (r.len != outlen)
			return -EBADMSG;
		memcpy(out, r.payload, outlen);
	}
	return rc;
}

/* A CFG_READ of len bytes at off with flags (0: a plain range). */
static inline int
read_req(void *st, unsigned bdf, unsigned off, unsigned len, unsigned flags, void *out)
{
	struct mkx_io_port_cfg_req rq = { .bdf = (uint16_t)bdf, .off = (uint16_t)off, .len = (uint16_t)len,
	    .flags = (uint8_t)flags };

	return request(st, MKX_IO_PORT_CFG_READ, &rq, out, len);
}

static inline int
range_read(void *st, unsigned bdf, unsigned off, void *buf, unsigned len)
{
	return read_req(st, bdf, off, len, 0, buf);
}

static inline int
write_back(void *st, unsigned bdf, unsigned off, unsigned width, uint32_t v, uint32_t *back)
{
	struct mkx_io_port_cfg_req rq = { .bdf = (uint16_t)bdf, .off = (uint16_t)off, .width = (uint8_t)width,
	    .value = v };

	return request(st, MKX_IO_PORT_CFG_WRITE, &rq, back, 4);
}

static inline int
probe(void *st, unsigned bdf, unsigned off, uint32_t v, uint32_t restore, uint32_t *back)
{
	struct mkx_io_port_cfg_req rq = { .bdf = (uint16_t)bdf, .off = (uint16_t)off, .width = 4,
	    .flags = MKX_IO_PORT_CFG_PROBE, .value = v, .restore = restore };

	return request(st, MKX_IO_PORT_CFG_WRITE, &rq, back, 4);
}

#endif
