/*
 * Drive the 8254: counter 0 in mode 2 with the maximum reload value, read
 * through the counter-latch command so the two bytes belong together
 * (8254 datasheet, "Counter Latch Command").
 */
#include <time.h>

#include "pit.h"
#include "regs.h"

void
pit_start(struct mkx_io_port *p)
{
	mkx_outb(p, PIT_CONTROL, PIT_SC_COUNTER0 | PIT_RW_LSB_MSB | PIT_MODE2 | PIT_BINARY);
	mkx_outb(p, PIT_COUNTER0, 0);	/* reload 0 means 65536 */
	mkx_outb(p, PIT_COUNTER0, 0);
}

/* Latch and read counter 0 (1..65536 counted as 0..65535). */
static unsigned
pit_read(struct mkx_io_port *p)
{
	unsigned lo, hi;

	mkx_outb(p, PIT_CONTROL, PIT_SC_COUNTER0 | PIT_RW_LATCH);
	lo = mkx_inb(p, PIT_COUNTER0);
	hi = mkx_inb(p, PIT_COUNTER0);
	return (hi << 8) | lo;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void
pit_measure(struct mkx_io_port *p, unsigned ms, struct pit_result *r)
{
	double t0, t;
	unsigned prev, cur;

	*r = (struct pit_result){ 0 };
	prev = pit_read(p);
	t0 = now();
	do {
		cur = pit_read(p);
		t = now();
		r->reads++;
		if (cur < prev)
			r->decreasing++;
		else if (cur > prev)
			r->wraps++;
		/*
		 * Elapsed ticks modulo one period (65536 ticks = 55 ms): reads
		 * are far closer together than that, even over RPC under TCG.
		 */
		r->ticks += (double)((prev - cur) & 0xffff);
		prev = cur;
	} while (t - t0 < ms / 1000.0);
	r->seconds = t - t0;
	r->hz = r->ticks / r->seconds;
}
