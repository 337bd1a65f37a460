/*
 * irq_cpus: the oracle for scenario irq_smp, Linux's own view of which CPU
 * handled the drivers' interrupts. It samples /proc/interrupts every 50 ms
 * while the other drivers run, keeps the last counts of every line whose
 * handler is uio or vfio (the IRQ sessions' lines), and when all of those
 * lines are gone again (the sessions closed) logs each line's per-CPU
 * counts and on how many CPUs they were handled. Linux-specific and a
 * test component only: a driver never reads /proc.
 *   <config timeout_ms="60000"/>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

#define LINES_MAX	64
#define CPUS_MAX	8

struct line {
	char		irq[16];
	char		name[96];
	unsigned long	n[CPUS_MAX];
	int		seen;	/* in the last sample */
};

static struct line lines[LINES_MAX];
static unsigned nlines;
static int ncpus;

static struct line *
find(const char *irq)
{
	for (unsigned i = 0; i < nlines; i++)
		if (!strcmp(lines[i].irq, irq))
			return &lines[i];
	if (nlines == LINES_MAX)
		return NULL;
	snprintf(lines[nlines].irq, sizeof lines[nlines].irq, "%s", irq);
	return &lines[nlines++];
}

/* One sample: how many of our lines are present, or -1 if /proc/interrupts cannot be read. */
static int
sample(void)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char buf[1024];
	int present = 0;

	if (!f)
		return -1;
	for (unsigned i = 0; i < nlines; i++)
		lines[i].seen = 0;
	if (!fgets(buf, sizeof buf, f)) {	/* header: CPU0 CPU1 ... */
		fclose(f);
		return -1;
	}
	ncpus = 0;
	for (char *p = strstr(buf, "CPU"); p && ncpus < CPUS_MAX; p = strstr(p + 3, "CPU"))
		ncpus++;
	while (fgets(buf, sizeof buf, f)) {
		char *p = buf, *end, irq[16];
		unsigned long n[CPUS_MAX];
		struct line *l;
		int k;

		while (*p == ' ')
			p++;
		if (sscanf(p, "%15[^:]:", irq) != 1 || !(p = strchr(p, ':')))
			continue;
		p++;
		for (k = 0; k < ncpus; k++) {
			n[k] = strtoul(p, &end, 10);
			if (end == p)
				break;
			p = end;
		}
		buf[strcspn(buf, "\n")] = 0;
		if (k < ncpus || (!strstr(p, "vfio") && !strstr(p, "uio")))
			continue;
		if (!(l = find(irq)))
			continue;
		while (*p == ' ')
			p++;
		snprintf(l->name, sizeof l->name, "%s", p);
		memcpy(l->n, n, sizeof n);
		l->seen = 1;
		present++;
	}
	fclose(f);
	return present;
}

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long timeout_ms = 60000, waited = 0;
	unsigned cpus_used = 0, total = 0;
	int n, was = 0;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom)))
		mkx_xml_attr_ulong(cfg, "timeout_ms", 60000, &timeout_ms);
	for (;;) {
		if ((n = sample()) < 0) {
			mkx_error("irq_cpus: /proc/interrupts cannot be read");
			mkx_exit(1);
		}
		if (n > 0)
			was = 1;
		if (was && n == 0)
			break;
		if (waited >= timeout_ms) {
			mkx_error("irq_cpus: %s after %lu ms", was ? "the drivers' lines are still there" :
			    "no uio or vfio line appeared", waited);
			mkx_exit(1);
		}
		usleep(50000);
		waited += 50;
	}
	for (int c = 0; c < ncpus; c++) {
		unsigned long on = 0;

		for (unsigned i = 0; i < nlines; i++)
			on += lines[i].n[c];
		if (on)
			cpus_used++;
		total += (unsigned)on;
	}
	for (unsigned i = 0; i < nlines; i++) {
		char per[128] = "";

		for (int c = 0; c < ncpus; c++)
			snprintf(per + strlen(per), sizeof per - strlen(per), " CPU%d %lu", c, lines[i].n[c]);
		mkx_log("irq_cpus: irq %s (%s):%s", lines[i].irq, lines[i].name, per);
	}
	mkx_log("irq_cpus: %u interrupts on %u lines of the drivers, handled on %u of %d CPUs", total, nlines,
	    cpus_used, ncpus);
	mkx_exit(0);
}
