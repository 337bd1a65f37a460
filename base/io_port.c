/*
 * IO_PORT session client (see mkx/io_port.h). The direct path uses the
 * x86 in/out instructions: that is the CPU, not a Linux interface; the
 * permission for them (ioperm) was set up by core before we were started.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mkx/io_port.h>
#include <mkx/log.h>

/* The session's range and whether core granted it directly (INFO); on failure the session is closed. */
static int
fetch_info(struct mkx_io_port *p, struct mkx_io_port_info *info, char *why, size_t whylen)
{
	static __thread struct mkx_msg reply;
	int err = mkx_session_call(&p->s, MKX_IO_PORT_INFO, NULL, 0, NULL, 0, &reply);

	if (err || reply.hdr.len != sizeof *info) {
		snprintf(why, whylen, "IO_PORT info failed");
		mkx_session_close(&p->s);
		return err ? err : -EBADMSG;
	}
	memcpy(info, reply.payload, sizeof *info);
	p->base = info->base;
	p->size = info->size;
	return 0;
}

int
mkx_io_port_open(struct mkx_io_port *p, unsigned base, unsigned size, char *why, size_t whylen)
{
	struct mkx_io_port_info info;
	char args[128];
	int err;

	memset(p, 0, sizeof *p);
	snprintf(args, sizeof args, "ram_quota=6K, io_port_base=0x%x, io_port_size=0x%x", base, size);
	err = mkx_session_open(&p->s, "IO_PORT", args, why, whylen);
	if (err || (err = fetch_info(p, &info, why, whylen)))
		return err;
	p->direct = info.direct;
	return 0;
}

int
mkx_io_port_attach(struct mkx_io_port *p, int sock, char *why, size_t whylen)
{
	struct mkx_io_port_info info;
	int err;

	memset(p, 0, sizeof *p);
	p->s.sock = sock;
	p->s.seq = 1;
	snprintf(p->s.service, sizeof p->s.service, "IO_PORT");
	if ((err = fetch_info(p, &info, why, whylen)))
		return err;
	p->direct = 0;	/* a direct grant is ioperm of the process that opened the session, not ours */
	return 0;
}

void
mkx_io_port_close(struct mkx_io_port *p)
{
	mkx_session_close(&p->s);
}

static int
in_range(const struct mkx_io_port *p, unsigned port, unsigned width)
{
	return (width == 1 || width == 2 || width == 4) &&
	    port >= p->base && port + width <= p->base + p->size;
}

int
mkx_io_port_in(struct mkx_io_port *p, unsigned port, unsigned width, uint32_t *val)
{
	static __thread struct mkx_msg reply;
	struct mkx_io_port_req rq = { .port = (uint16_t)port, .width = (uint8_t)width };
	int err;

	if (!in_range(p, port, width))
		return -ERANGE;
	if (p->direct && !p->force_rpc) {
		*val = mkx_cpu_in(port, width);
		return 0;
	}
	err = mkx_session_call(&p->s, MKX_IO_PORT_IN, &rq, sizeof rq, NULL, 0, &reply);
	if (err)
		return err;
	if (reply.hdr.len != sizeof *val)
		return -EBADMSG;
	memcpy(val, reply.payload, sizeof *val);
	return 0;
}

int
mkx_io_port_out(struct mkx_io_port *p, unsigned port, unsigned width, uint32_t val)
{
	static __thread struct mkx_msg reply;
	struct mkx_io_port_req rq = { .port = (uint16_t)port, .width = (uint8_t)width, .value = val };

	if (!in_range(p, port, width))
		return -ERANGE;
	if (p->direct && !p->force_rpc) {
		mkx_cpu_out(port, width, val);
		return 0;
	}
	return mkx_session_call(&p->s, MKX_IO_PORT_OUT, &rq, sizeof rq, NULL, 0, &reply);
}

static void
report(const char *what, unsigned port, int err)
{
	static int reported;

	if (reported++ < 5)
		mkx_error("IO_PORT %s 0x%x: %s", what, port, strerror(-err));
}

uint32_t
mkx_io_port_in_slow(struct mkx_io_port *p, unsigned port, unsigned width)
{
	uint32_t v;
	int err = mkx_io_port_in(p, port, width, &v);

	if (err) {
		report("read", port, err);
		return 0xffffffffu >> (32 - 8 * width);
	}
	return v;
}

void
mkx_io_port_out_slow(struct mkx_io_port *p, unsigned port, unsigned width, uint32_t v)
{
	int err = mkx_io_port_out(p, port, width, v);

	if (err)
		report("write", port, err);
}
