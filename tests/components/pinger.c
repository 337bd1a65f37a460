/*
 * Test component that measures how fast core answers while others flood
 * the console (issue 10, finding 9): after 0.5 s (the flood has filled
 * the console by then) it opens and closes 20 ROM sessions and exits 0 if
 * the slowest took less than 2 s, 1 otherwise. A core that waits for a
 * console nobody reads makes that 3.5 s or more in the test.
 */
#define _GNU_SOURCE
#include <time.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/session.h>

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
main(void)
{
	long slowest = 0;
	char why[256];

	if (mkx_env_init())
		return 1;
	usleep(500000);
	for (int i = 0; i < 20; i++) {
		struct mkx_session s;
		long t0 = now_ms(), dt;

		if (mkx_session_open(&s, "ROM", "label=\"config\"", why, sizeof why)) {
			mkx_error("ROM session %d denied: %s", i, why);
			return 2;
		}
		mkx_session_close(&s);
		dt = now_ms() - t0;
		slowest = dt > slowest ? dt : slowest;
	}
	mkx_log("pinger: 20 session requests, the slowest took %ld ms", slowest);
	return slowest < 2000 ? 0 : 1;
}
