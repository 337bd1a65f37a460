/*
 * The references for the IO_PORT benchmark: a plain process that takes
 * port privilege itself (ioperm, as root) and executes inb in a loop; and
 * the cheapest round trip between two processes the kernel offers for our
 * transport (a SOCK_SEQPACKET ping-pong of 8 bytes), the floor for RPC.
 * It lives in core-services/ because it calls a Linux interface; started
 * by core in the bench scenario, it logs through LOG like any component.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/io.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/env.h>
#include <mkx/log.h>

#define now mkx_now

/* Best-of-5 mean round trip over a socketpair to a forked echo process. */
static double
round_trip(void)
{
	enum { N = 2000 };	/* ~0.1 ms per trip under TCG: keep the run short */
	double best = 1e12;
	char buf[8] = { 0 };
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		while (read(sv[1], buf, sizeof buf) == sizeof buf)
			if (write(sv[1], buf, sizeof buf) != sizeof buf)
				break;
		_exit(0);
	}
	close(sv[1]);
	for (int r = 0; r < 5; r++) {
		double t0 = now(), dt;

		for (int i = 0; i < N; i++)
			if (write(sv[0], buf, sizeof buf) != sizeof buf || read(sv[0], buf, sizeof buf) != sizeof buf)
				return -1;
		dt = (now() - t0) / N * 1e9;
		if (dt < best)
			best = dt;
	}
	close(sv[0]);
	waitpid(pid, NULL, 0);
	return best;
}

int
main(void)
{
	enum { N = 200000, ROUNDS = 5 };
	double best = 1e9;
	volatile unsigned sink = 0;

	if (mkx_env_init())
		return 1;
	if (ioperm(0x40, 4, 1)) {
		mkx_error("ioperm: %s", strerror(errno));
		mkx_exit(1);
	}
	MKX_BENCH_BEST(best, ROUNDS, N, sink += inb(0x42));
	mkx_log("bench: inb raw %.1f ns", best);
	mkx_log("bench: seqpacket round trip %.1f ns", round_trip());
	mkx_exit(0);
}
