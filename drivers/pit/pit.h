/* The PIT counter test, independent of how port access is delivered. */
#ifndef PIT_H
#define PIT_H

#include <mkx/io_port.h>

struct pit_result {
	unsigned	reads;		/* counter reads taken */
	unsigned	decreasing;	/* reads lower than the one before */
	unsigned	wraps;		/* reads higher than the one before (reload) */
	double		seconds;	/* CLOCK_MONOTONIC span */
	double		ticks;		/* counter ticks elapsed in that span */
	double		hz;		/* ticks / seconds */
};

/* Program counter 0 as a free-running mode-2 counter with reload 65536. */
void	pit_start(struct mkx_io_port *);

/* Sample for about ms milliseconds and fill *r. */
void	pit_measure(struct mkx_io_port *, unsigned ms, struct pit_result *r);

#endif
