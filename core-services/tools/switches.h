/*
 * Context switches of a process, from /proc/PID/status (Linux-specific:
 * used by the benchmark references here and by the bench test component
 * tests/components/irq_bench.c, never by drivers). make bench counts them
 * before and after a loop and divides by its rounds: unlike microseconds
 * under TCG, they do not grow with the host's load, so they show whether
 * the path itself changed.
 */
#ifndef MKX_TOOLS_SWITCHES_H
#define MKX_TOOLS_SWITCHES_H

#include <stdio.h>
#include <string.h>
#include <sys/types.h>

struct switches {
	unsigned long	vol;	/* voluntary: the process blocked (waited, slept) */
	unsigned long	invol;	/* nonvoluntary: it was preempted */
};

/* pid 0: this process. 0, or -1 when /proc/PID/status lacks either count. */
static inline int
switches_read(pid_t pid, struct switches *s)
{
	char path[48], line[128];
	int found = 0;
	FILE *f;

	if (pid)
		snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof path, "/proc/self/status");
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "voluntary_ctxt_switches: %lu", &s->vol) == 1)
			found |= 1;
		else if (sscanf(line, "nonvoluntary_ctxt_switches: %lu", &s->invol) == 1)
			found |= 2;
	}
	fclose(f);
	return found == 3 ? 0 : -1;
}

/* "V.VV+I.II": voluntary + involuntary switches per round between a and b. */
static inline void
switches_per_round(char *buf, size_t len, const struct switches *a, const struct switches *b, unsigned long rounds)
{
	snprintf(buf, len, "%.2f+%.2f", (double)(b->vol - a->vol) / (double)rounds,
	    (double)(b->invol - a->invol) / (double)rounds);
}

static inline double
switches_total(const struct switches *a, const struct switches *b, unsigned long rounds)
{
	return (double)(b->vol - a->vol + b->invol - a->invol) / (double)rounds;
}

#endif
