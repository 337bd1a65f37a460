/* A monotonic clock in seconds (mkx_now, for any component) and the benchmark loop of bench components. */
#ifndef MKX_BENCH_H
#define MKX_BENCH_H

#include <time.h>

static inline double
mkx_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Best (lowest) mean ns per iteration of body over rounds x n. */
#define MKX_BENCH_BEST(best, rounds, n, body) do {				\
	(best) = 1e12;								\
	for (int _r = 0; _r < (rounds); _r++) {					\
		double _t0 = mkx_now(), _dt;					\
		for (long _i = 0; _i < (long)(n); _i++) { body; }		\
		_dt = (mkx_now() - _t0) / (double)(n) * 1e9;			\
		if (_dt < (best))						\
			(best) = _dt;						\
	}									\
} while (0)

#endif
