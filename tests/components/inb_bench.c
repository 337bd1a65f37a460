/*
 * IO_PORT benchmark component: cost of one inb on 0x42 over the direct
 * path (if the policy says direct="yes") and over RPC, best of 5 rounds each; the RPC figure forces the RPC path on the
 * same session (force_rpc), so both are measured in one run.
 */
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/env.h>
#include <mkx/io_port.h>
#include <mkx/log.h>
#include <mkx/rom.h>

static double
measure(struct mkx_io_port *p, int n)
{
	volatile unsigned sink = 0;
	double best;

	MKX_BENCH_BEST(best, 5, n, sink += mkx_inb(p, 0x42));
	return best;
}

int
main(void)
{
	struct mkx_io_port p;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long wait_ms = 0;
	char why[512];

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (cfg)
		mkx_xml_attr_ulong(cfg, "wait_ms", 0, &wait_ms);
	mkx_xml_free(cfg);
	usleep(wait_ms * 1000);	/* let the reference run alone on the guest's one CPU */
	if (mkx_io_port_open(&p, 0x40, 4, why, sizeof why)) {
		mkx_error("IO_PORT denied: %s", why);
		mkx_exit(1);
	}
	if (p.direct)
		mkx_log("bench: inb direct %.1f ns", measure(&p, 200000));
	else
		mkx_log("bench: no direct path (policy without direct=\"yes\", or sim backend)");
	p.force_rpc = 1;
	mkx_log("bench: inb rpc %.1f ns", measure(&p, 20000));
	mkx_exit(0);
}
