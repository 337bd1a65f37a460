/*
 * pit: the IO_PORT test driver. Opens 0x40-0x43, runs counter 0, checks
 * that it counts down and wraps, and measures its frequency against
 * CLOCK_MONOTONIC. Config: <config ms="300" min_hz="1000000" max_hz="1400000"/>.
 * The same code runs over the RPC and the direct path; core's policy decides.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>
#include "pit.h"
#include "regs.h"

/* Another pit instance may hold the ports; wait for it like a restarted driver would. */
static int
open_ports(struct mkx_io_port *p)
{
	char why[512];
	int err;

	for (int i = 0; i < 200; i++) {
		err = mkx_io_port_open(p, PIT_BASE, PIT_SIZE, why, sizeof why);
		if (err != -EBUSY)
			break;
		if (i == 0)
			mkx_log("ports busy (%s); waiting", why);
		usleep(100000);
	}
	if (err)
		mkx_error("IO_PORT 0x%x-0x%x denied: %s", PIT_BASE, PIT_BASE + PIT_SIZE - 1, why);
	return err;
}

int
main(void)
{
	struct mkx_io_port p;
	struct pit_result r;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long ms = 300, min_hz = 1000000, max_hz = 1400000;
	unsigned periods;
	int ok;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (!cfg)
		mkx_exit(1);
	if (mkx_xml_attr_ulong(cfg, "ms", 300, &ms) == -EINVAL ||
	    mkx_xml_attr_ulong(cfg, "min_hz", 1000000, &min_hz) == -EINVAL ||
	    mkx_xml_attr_ulong(cfg, "max_hz", 1400000, &max_hz) == -EINVAL) {
		mkx_error("config: ms, min_hz and max_hz must be numbers");
		mkx_exit(1);
	}
	mkx_xml_free(cfg);
	if (open_ports(&p))
		mkx_exit(1);
	mkx_log("ports 0x%x-0x%x, %s path", p.base, p.base + p.size - 1, p.direct ? "direct" : "rpc");
	pit_start(&p);
	pit_measure(&p, (unsigned)ms, &r);
	mkx_log("%u reads in %.3f s: %u decreasing, %u wraps", r.reads, r.seconds, r.decreasing, r.wraps);
	mkx_log("measured PIT frequency: %.0f Hz (nominal %.0f Hz, %+.2f%%)", r.hz, PIT_HZ_NOMINAL,
	    (r.hz / PIT_HZ_NOMINAL - 1) * 100);
	/*
	 * A down-counter only ever goes up at a reload: the increases must be
	 * the wraps the elapsed ticks imply (65536 ticks each), no more.
	 * Equal reads are fine: the direct path reads faster than the counter ticks.
	 */
	periods = (unsigned)(r.ticks / 65536.0);
	ok = r.decreasing >= 10 && r.wraps >= 1 && r.wraps <= periods + 1 &&
	    r.hz >= min_hz && r.hz <= max_hz;
	if (!ok)
		mkx_error("PIT check failed: want >= 10 decreasing reads, 1..%u wraps, %lu..%lu Hz",
		    periods + 1, min_hz, max_hz);
	else
		mkx_log("PIT ok (%s path)", p.direct ? "direct" : "rpc");
	mkx_io_port_close(&p);
	mkx_exit(ok ? 0 : 1);
}
