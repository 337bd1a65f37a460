/*
 * core-services/tools/phases.h: the per-step stamps and the median round
 * make bench prints below each interrupt row (raw_uio, raw_uio_pair,
 * raw_vfio, irq_bench). Rounds of known length (spun on the clock): the
 * median is the middle round of the timed steps, not the mean, not the
 * unsorted middle, and step 0 (the untimed sleep) is left out of it.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "../../core-services/tools/phases.h"

/* Spin until ms milliseconds have passed: exact to the clock, however loaded the machine. */
static void
spin_ms(double ms)
{
	double end = phases_clock() + ms / 1e3;

	while (phases_clock() < end)
		;
}

TEST(phases_median_of_timed_steps)
{
	static const double step1_ms[] = { 9, 1, 8, 1, 1 };	/* sorted 1 1 1 8 9: median 1, mean 4, unsorted middle 8 */
	static const char *const names[] = { "sleep", "work", "rest" };
	static struct phases p;
	double median = -1, sleep = -1, work = -1, rest = -1;
	char line[192];

	phases_start(&p, 3);
	for (unsigned i = 0; i < 5; i++) {
		phases_round(&p);
		spin_ms(5);	/* step 0: like the untimed sleep before a round */
		phases_step(&p, 0);
		spin_ms(step1_ms[i]);
		phases_step(&p, 1);
		phases_step(&p, 2);
	}
	phases_format(line, sizeof line, &p, names);
	CHECK_INT(sscanf(line, "median %lf us; sleep %lf, work %lf, rest %lf us", &median, &sleep, &work, &rest), 4);
	CHECK_INT((int)p.rounds, 5);
	CHECK(median >= 950 && median < 2000);	/* 1 ms: not 4 (mean), 8 (unsorted), 6 (with step 0) */
	CHECK(sleep >= 4900 && sleep < 7000);
	CHECK(work >= 3900 && work < 6000);
	CHECK(rest >= 0 && rest < 500);
	if (!(median >= 950 && median < 2000))
		printf("# %s\n", line);
}
