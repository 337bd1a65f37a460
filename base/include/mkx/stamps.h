/*
 * Where a loop's time goes: TSC stamps between its steps, summed per step
 * (x86). rdtsc rather than clock_gettime: on a guest whose clock is a
 * system call, stamping would add calls to the path it measures. Ticks
 * become microseconds by the monotonic clock's rate since stamps_start.
 * Used by the Block path (block_tester's bench, the block drivers' loop)
 * to say per I/O where the time goes; a few instructions per stamp.
 */
#ifndef MKX_STAMPS_H
#define MKX_STAMPS_H

#include <stdint.h>
#include <time.h>

#define STAMPS_MAX	8

struct stamps {
	uint64_t	sum[STAMPS_MAX], count[STAMPS_MAX];
	uint64_t	last, tsc0;
	double		t0;
};

static inline uint64_t
stamps_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline double
stamps_clock(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Zero the sums; the next step starts now. */
static inline void
stamps_start(struct stamps *s)
{
	*s = (struct stamps){ .t0 = stamps_clock() };
	s->tsc0 = s->last = stamps_tsc();
}

/* The step that ends now: its ticks since the last stamp go to step i. */
static inline void
stamps_step(struct stamps *s, unsigned i)
{
	uint64_t now = stamps_tsc();

	if (i < STAMPS_MAX) {
		s->sum[i] += now - s->last;
		s->count[i]++;
	}
	s->last = now;
}

/* A new step starts now, the time since the last stamp counted nowhere. */
static inline void
stamps_skip(struct stamps *s)
{
	s->last = stamps_tsc();
}

/* Step i's microseconds per unit of n (the loop's I/Os, say). */
static inline double
stamps_us(const struct stamps *s, unsigned i, uint64_t n)
{
	double us_per_tick = (stamps_clock() - s->t0) * 1e6 / (double)(stamps_tsc() - s->tsc0 + 1);

	return n ? (double)s->sum[i] * us_per_tick / (double)n : 0;
}

#endif
