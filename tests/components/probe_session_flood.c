/*
 * A child that makes core log a line on each call of a session core
 * serves: ROM op SIGH with a pipe instead of an eventfd, which core
 * refuses and logs every time ("the signal fd is not an eventfd"). On a
 * console that does not keep up, those lines must take this child's share
 * of core's console queue (sessions.c, output.c out_behalf), not the room
 * of another child's lines (tests/integration/session_flood_test.sh).
 * <config ms="3000"/>: how long to call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>
#include <mkx/rpc.h>
#include <mkx/session.h>

int
main(void)
{
	static struct mkx_msg reply;
	struct mkx_session s;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	struct timespec t0, t;
	unsigned long ms = 3000, n = 0, refused = 0;
	char why[256];
	int p[2];

	if (mkx_env_init() || !(cfg = mkx_config(&rom)))
		return 1;
	mkx_xml_attr_ulong(cfg, "ms", 3000, &ms);
	if (pipe(p) || mkx_session_open(&s, "ROM", "label=\"config\"", why, sizeof why)) {
		mkx_log("probe session_flood: no ROM session to call: %s", why);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		int err = mkx_session_call(&s, MKX_ROM_SIGH, NULL, 0, &p[0], 1, &reply);

		mkx_msg_close_fds(&reply);
		if (err == -ECONNRESET)
			break;
		refused += err != 0;
		n++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < (long)ms);
	mkx_log("probe session_flood: %lu SIGH calls with a pipe in %lu ms, %lu refused", n, ms, refused);
	mkx_log_flush();
	mkx_session_close(&s);
	mkx_xml_free(cfg);
	mkx_rom_close(&rom);
	return 0;
}
