/*
 * irq_lines: Linux's own count of a device's interrupts per line, the
 * oracle for a driver's per-vector counts (scenario nvme_iommu: which
 * MSI-X vector each queue pair's completions raised). Every 100 ms it
 * reads /proc/interrupts; once the lines whose name has match (e.g.
 * "(0000:00:04.0)") changed and then stayed the same for quiet_ms, it
 * logs those with a count, summed over the CPUs, on one line (and while
 * they keep changing, at most once a second):
 *   irq_lines: vfio-msix[0](0000:00:04.0) 263, vfio-msix[1](0000:00:04.0) 610, ...
 * Linux-specific and a test component only: a driver never reads /proc.
 *   <config match="(0000:00:04.0)" quiet_ms="300" timeout_ms="120000"/>
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

#define LINE_MAX_LEN	1024
#define OUT_MAX		1536

/* The matching lines with a count as "name total, ..." into out; 0, or -1 if /proc/interrupts cannot be read. */
static int
sample(const char *match, char *out, size_t outlen)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char buf[LINE_MAX_LEN];
	size_t at = 0;

	out[0] = 0;
	if (!f)
		return -1;
	if (!fgets(buf, sizeof buf, f)) {	/* header: CPU0 CPU1 ... */
		fclose(f);
		return -1;
	}
	while (fgets(buf, sizeof buf, f)) {
		char *p = strchr(buf, ':'), *end, *name;
		unsigned long total = 0, n;

		buf[strcspn(buf, "\n")] = 0;
		if (!p || !strstr(buf, match))
			continue;
		/* per-CPU counts, then the chip, the hw irq and the handler's name (the last word) */
		for (p++; (n = strtoul(p, &end, 10)), end != p; p = end)
			total += n;
		name = strrchr(buf, ' ');
		if (total && name && at < outlen)
			at += (size_t)snprintf(out + at, outlen - at, "%s%s %lu", at ? ", " : "", name + 1, total);
	}
	fclose(f);
	return 0;
}

/*
 * Core stops every child with TERM when the scenario's finishing child
 * ends, which can come before the last counts have been quiet for
 * quiet_ms: then the counts as they are at the stop are logged too.
 */
static volatile sig_atomic_t stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

int
main(void)
{
	struct sigaction sa = { .sa_handler = on_term };
	static char last[OUT_MAX], now[OUT_MAX];
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long quiet_ms = 300, timeout_ms = 120000, waited = 0, same = 0, since = 0;
	const char *match = "(0000:";
	int logged = 1;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom))) {
		mkx_xml_attr_ulong(cfg, "quiet_ms", 300, &quiet_ms);
		mkx_xml_attr_ulong(cfg, "timeout_ms", 120000, &timeout_ms);
		if (mkx_xml_attr(cfg, "match"))
			match = mkx_xml_attr(cfg, "match");
	}
	sigaction(SIGTERM, &sa, NULL);	/* no SA_RESTART: usleep returns at once */
	for (; waited < timeout_ms && !stopping; waited += 100) {
		if (sample(match, now, sizeof now)) {
			mkx_error("irq_lines: /proc/interrupts cannot be read");
			mkx_exit(1);
		}
		if (strcmp(now, last)) {
			snprintf(last, sizeof last, "%s", now);
			same = 0, logged = 0;
			/*
			 * While they keep changing, at most once a second too: a
			 * composition may end (and core stop this child) before
			 * they were ever quiet for quiet_ms.
			 */
			if ((since += 100) >= 1000 && last[0]) {
				mkx_log("irq_lines: %s", last);
				since = 0;
			}
		} else if (!logged && (same += 100) >= quiet_ms && last[0]) {
			mkx_log("irq_lines: %s", last);
			logged = 1, since = 0;
		}
		usleep(100000);
	}
	if (stopping && !sample(match, now, sizeof now) && now[0] && strcmp(now, last))
		mkx_log("irq_lines: %s", now);
	else if (stopping && !logged && last[0])
		mkx_log("irq_lines: %s", last);
	mkx_exit(0);
}
