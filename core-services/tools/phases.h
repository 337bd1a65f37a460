/*
 * Where a benchmark round spends its time: TSC stamps between the steps
 * of a round, summed per step over all rounds (Linux/x86-specific, for
 * the references here and tests/components/irq_bench.c). rdtsc rather
 * than clock_gettime: under QEMU -smp 2 the clock is a system call, which
 * would add calls to the path it measures. Ticks become microseconds by
 * the clock's rate over the whole loop.
 *
 * Also the median of the rounds' timed steps (all but step 0, the untimed
 * sleep before a round): under TCG on a shared host a few rounds take
 * many times the others, and the best of 5 means of 100 rounds moved a
 * reference against itself by up to 1.3x within one boot; the median of
 * all rounds does not follow those few.
 */
#ifndef MKX_TOOLS_PHASES_H
#define MKX_TOOLS_PHASES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PHASES_MAX	6
#define PHASES_ROUNDS	1024	/* rounds kept for the median */

struct phases {
	uint64_t	sum[PHASES_MAX];
	uint64_t	last, tsc0;
	double		t0;
	unsigned long	rounds;
	unsigned	n;	/* steps per round */
	uint64_t	cur;	/* this round's timed ticks so far */
	uint32_t	round[PHASES_ROUNDS];
	unsigned	kept;
};

static inline uint64_t
phases_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline double
phases_clock(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static inline void
phases_start(struct phases *p, unsigned steps)
{
	*p = (struct phases){ .n = steps < PHASES_MAX ? steps : PHASES_MAX };
	p->t0 = phases_clock();
	p->tsc0 = phases_tsc();
}

/* The end of the rounds so far: the last one's timed ticks kept for the median. */
static inline void
phases_end(struct phases *p)
{
	if (p->rounds && p->kept < p->rounds && p->kept < PHASES_ROUNDS)
		p->round[p->kept++] = p->cur > UINT32_MAX ? UINT32_MAX : (uint32_t)p->cur;
	p->cur = 0;
}

/* The start of a round. */
static inline void
phases_round(struct phases *p)
{
	phases_end(p);
	p->rounds++;
	p->last = phases_tsc();
}

/* The end of step k of this round (0-based, in order). */
static inline void
phases_step(struct phases *p, unsigned k)
{
	uint64_t t = phases_tsc();

	if (k < p->n)
		p->sum[k] += t - p->last;
	if (k)
		p->cur += t - p->last;
	p->last = t;
}

static int
phases_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * "median M us; name1 X.X, name2 Y.Y us": the median of the rounds' timed
 * steps, the mean of each step per round. Ends the rounds (sorts them).
 */
static inline void
phases_format(char *buf, size_t len, struct phases *p, const char *const *names)
{
	double us_per_tick = (phases_clock() - p->t0) * 1e6 / (double)(phases_tsc() - p->tsc0);
	size_t at;

	phases_end(p);
	qsort(p->round, p->kept, sizeof p->round[0], phases_cmp);
	at = (size_t)snprintf(buf, len, "median %.1f us; ", p->kept ? p->round[p->kept / 2] * us_per_tick : 0.0);

	for (unsigned k = 0; k < p->n && at < len; k++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s %.1f", k ? ", " : "", names[k],
		    p->rounds ? (double)p->sum[k] * us_per_tick / (double)p->rounds : 0.0);
	if (at < len)
		snprintf(buf + at, len - at, " us");
}

#endif
