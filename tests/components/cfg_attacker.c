/*
 * Attack probe for core's config requests on a conf1 IO_PORT session
 * (mkx/io_port_cfg.h, issue 23): a component whose <pci_config> policy
 * lets it read one function (config target="BB:DD.F", default 00:03.0)
 * and nothing else tries what the requests could open up: read a function
 * the policy does not name (alone and inside a bus scan), write and
 * BAR-probe the function it may only read, send unknown flags and a
 * request of the wrong size. Each must be refused or read as all ones,
 * and the target's BAR0 must be unchanged afterwards. Logs one line per
 * attack; exits 1 at the first one that gets through.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mkx/env.h>
#include <mkx/io_port_cfg.h>
#include <mkx/log.h>
#include <mkx/rom.h>

static unsigned refused;

static void
verdict(int through, const char *what, const char *how)
{
	if (through) {
		mkx_error("attack got through: %s (%s)", what, how);
		mkx_exit(1);
	}
	refused++;
	mkx_log("attack refused: %s (%s)", what, how);
}

/* A raw request, for what libmkx would not send. */
static int
raw(struct mkx_io_port *p, uint16_t op, const void *rq, size_t len)
{
	static struct mkx_msg reply;

	return mkx_session_call(&p->s, op, rq, len, NULL, 0, &reply);
}

int
main(void)
{
	struct mkx_io_port p;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned bus = 0, dev = 3, fn = 0, bdf, other;
	uint32_t hdr[16], ids[32], bar0, back = 0, v;
	char why[512], how[96];
	int err;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (cfg && mkx_xml_attr(cfg, "target") &&
	    sscanf(mkx_xml_attr(cfg, "target"), "%x:%x.%x", &bus, &dev, &fn) != 3) {
		mkx_error("config target=\"%s\": not BB:DD.F", mkx_xml_attr(cfg, "target"));
		mkx_exit(1);
	}
	mkx_xml_free(cfg);
	bdf = bus << 8 | dev << 3 | fn;
	other = bdf == 0 ? 1u << 3 : 0;		/* 00:00.0, or 00:01.0 if that is the target */
	if (mkx_io_port_open(&p, 0xcf8, 8, why, sizeof why)) {
		mkx_error("0xcf8 denied: %s", why);
		mkx_exit(1);
	}
	if ((err = mkx_io_port_cfg_read(&p, bdf, 0, hdr, 64)) || (hdr[0] & 0xffff) == 0xffff) {
		mkx_error("the target %02x:%02x.%u does not read (%d, %08x): nothing to attack", bus, dev, fn, err,
		    hdr[0]);
		mkx_exit(1);
	}
	bar0 = hdr[4];
	mkx_log("target %02x:%02x.%u %04x:%04x, BAR0 0x%08x", bus, dev, fn, hdr[0] & 0xffff, hdr[0] >> 16, bar0);

	err = mkx_io_port_cfg_read(&p, other, 0, hdr, 64);
	snprintf(how, sizeof how, "status %d, IDs %08x", err, hdr[0]);
	verdict(!err && hdr[0] != 0xffffffffu, "range read of a function the policy does not name", how);

	err = mkx_io_port_cfg_scan(&p, bus << 8, 0, ids, 32);
	v = 0;
	for (unsigned d = 0; !err && d < 32; d++)
		if (d != dev && ids[d] != 0xffffffffu)
			v++;
	snprintf(how, sizeof how, "status %d, %u other devices answered", err, v);
	verdict(v != 0, "bus scan past the policy", how);

	err = mkx_io_port_cfg_write(&p, bdf, 0x10, 4, 0xe0000000u, &back);
	snprintf(how, sizeof how, "status %d", err);
	verdict(err != -EPERM, "write to BAR0 of a function the policy lets it read only", how);

	err = mkx_io_port_cfg_probe(&p, bdf, 0x10, 4, 0xffffffffu, bar0, &back);
	snprintf(how, sizeof how, "status %d", err);
	verdict(err != -EPERM, "BAR sizing probe of that function", how);

	err = mkx_io_port_cfg_write(&p, other, 0x04, 2, 0, &back);
	snprintf(how, sizeof how, "status %d", err);
	verdict(err != -EPERM, "command register write of a function the policy does not name", how);

	{
		struct mkx_io_port_cfg_req rq = { .bdf = (uint16_t)bdf, .off = 0x10, .width = 4, .flags = 0x80,
		    .value = 0xe0000000u };

		err = raw(&p, MKX_IO_PORT_CFG_WRITE, &rq, sizeof rq);
		snprintf(how, sizeof how, "status %d", err);
		verdict(err == 0, "write with unknown flags", how);
		err = raw(&p, MKX_IO_PORT_CFG_READ, &rq, sizeof rq - 4);
		snprintf(how, sizeof how, "status %d", err);
		verdict(err == 0, "request of the wrong size", how);
	}
	if ((err = mkx_io_port_cfg_read(&p, bdf, 0x10, &v, 4)) || v != bar0) {
		mkx_error("attack got through: BAR0 of the target is 0x%08x now (status %d), was 0x%08x", v, err, bar0);
		mkx_exit(1);
	}
	mkx_log("config requests: %u attacks refused, target BAR0 unchanged", refused);
	mkx_exit(0);
}
