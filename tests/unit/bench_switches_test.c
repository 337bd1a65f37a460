/*
 * core-services/tools/switches.h: the context switch counts make bench
 * prints beside the interrupt round trips (raw_uio, raw_vfio, irq_bench).
 * A process that blocks N times must show at least N voluntary switches,
 * read of itself and of another process; the per-round figures divide.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "../../core-services/tools/switches.h"

TEST(switches_self_blocking_counts)
{
	struct switches a, b;

	CHECK_INT(switches_read(0, &a), 0);
	for (int i = 0; i < 20; i++)
		usleep(1000);	/* each sleep blocks: one voluntary switch at least */
	CHECK_INT(switches_read(0, &b), 0);
	CHECK(b.vol - a.vol >= 20 && b.vol - a.vol < 1000);	/* 20 sleeps, not garbage */
	CHECK(b.invol >= a.invol && b.invol - a.invol < 1000);
}

TEST(switches_of_another_process)
{
	int go[2], done[2];
	struct switches a, b;
	char c = 0;
	pid_t pid;

	CHECK(!pipe(go) && !pipe(done));
	if ((pid = fork()) == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		for (int i = 0; i < 20; i++)
			usleep(1000);
		if (write(done[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	CHECK(pid > 0);
	usleep(20000);	/* the child is blocked in read by now */
	CHECK_INT(switches_read(pid, &a), 0);
	CHECK(write(go[1], &c, 1) == 1);
	CHECK(read(done[0], &c, 1) == 1);
	CHECK_INT(switches_read(pid, &b), 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	CHECK(b.vol - a.vol >= 20 && b.vol - a.vol < 1000);
	CHECK_INT(switches_read(pid, &a), -1);	/* reaped: no /proc/PID/status */
}

TEST(switches_per_round_divides)
{
	struct switches a = { 10, 2 }, b = { 30, 7 };
	char buf[48];

	switches_per_round(buf, sizeof buf, &a, &b, 10);
	CHECK(!strcmp(buf, "2.00+0.50"));
	CHECK(switches_total(&a, &b, 10) > 2.49 && switches_total(&a, &b, 10) < 2.51);
}
