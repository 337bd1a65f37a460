/*
 * irq_syscalls: counts the system calls on make bench's interrupt paths
 * with the kernel's own tracer (raw_syscalls:sys_enter), per process, so
 * the counts are Linux's and not what our code believes it calls.
 * Linux-specific and root-only (tracefs), hence a tool that bench_preinit
 * runs as PID 1's child before core (run/bench/irq*.scn, mkx.bench=):
 *
 *   irq_syscalls+on              clear the buffer, record every system call
 *   irq_syscalls+ref+LABEL+N     stop; the reference loop that just ran
 *                                (raw_uio, raw_vfio, raw_uio_pair: no open
 *                                or close inside their loop, which sits
 *                                between two readings of /proc/self/status)
 *                                is the longest stretch of the trace without
 *                                an open or close by any process; print
 *                                every process's calls in it per round of N
 *   irq_syscalls+watch           the session side: arm markers and leave a
 *                                daemon behind that prints each window
 *
 * Markers: tests/components/irq_bench.c calls close(0x7fff0000 + K) to
 * start window K and dup(0x7fff0100 + K) to end it (EBADF, harmless);
 * triggers on syscalls:sys_enter_close and sys_enter_dup turn tracing on
 * and off there (one event takes one trace on/off trigger).
 * The daemon (reparented to core) looks every 100 ms whether tracing is
 * off with something in the buffer, and prints per process:
 *   bench: syscalls window K: COMM-PID N (name count, ...); ...
 * Its own calls are left out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define T "/sys/kernel/tracing"
#define MARK_START	0x7fff0000u
#define MARK_STOP	0x7fff0100u
#define PROCS_MAX	16
#define NRS_MAX		24
#define EVENTS_MAX	200000

static int
put(const char *file, const char *v, int append)
{
	char path[160];
	int fd, err = 0;

	snprintf(path, sizeof path, T "/%s", file);
	if ((fd = open(path, O_WRONLY | (append ? O_APPEND : O_TRUNC))) < 0)
		return -errno;
	if (write(fd, v, strlen(v)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static const char *
nr_name(long nr)
{
	switch (nr) {
	case 0: return "read";
	case 1: return "write";
	case 3: return "close";
	case 5: return "fstat";
	case 7: return "poll";
	case 16: return "ioctl";
	case 32: return "dup";
	case 17: return "pread64";
	case 18: return "pwrite64";
	case 35: return "nanosleep";
	case 44: return "sendto";
	case 45: return "recvfrom";
	case 46: return "sendmsg";
	case 47: return "recvmsg";
	case 72: return "fcntl";
	case 110: return "getppid";
	case 228: return "clock_gettime";
	case 230: return "clock_nanosleep";
	case 257: return "openat";
	case 262: return "newfstatat";
	case 271: return "ppoll";
	case 299: return "recvmmsg";
	default: return NULL;
	}
}

struct ev {
	char	task[32];	/* COMM-PID as the tracer prints it */
	long	nr;
	unsigned long arg0;
};

static struct ev *evs;
static unsigned nev;

/* Read the buffer (tracing off): every sys_enter line into evs[]. How many, or -1. */
static int
load(void)
{
	FILE *f = fopen(T "/trace", "r");
	char line[512];

	if (!f)
		return -1;
	nev = 0;
	while (fgets(line, sizeof line, f) && nev < EVENTS_MAX) {
		char *nr = strstr(line, "sys_enter: NR "), *p = line;
		struct ev *e = &evs[nev];

		if (line[0] == '#' || !nr)
			continue;
		while (*p == ' ')
			p++;
		if (sscanf(p, "%31s", e->task) != 1 || sscanf(nr, "sys_enter: NR %ld (%lx", &e->nr, &e->arg0) != 2)
			continue;
		nev++;
	}
	fclose(f);
	return (int)nev;
}

static int
is_marker(const struct ev *e)
{
	return (e->nr == 3 && e->arg0 >= MARK_START && e->arg0 < MARK_START + 0x100) ||
	    (e->nr == 32 && e->arg0 >= MARK_STOP && e->arg0 < MARK_STOP + 0x100);
}

/* Print the calls of events [a, b) per process (except skip), per round of rounds. */
static void
report(const char *what, unsigned a, unsigned b, const char *only, const char *skip, unsigned long rounds)
{
	struct { char task[32]; unsigned long n; long nr[NRS_MAX]; unsigned long c[NRS_MAX]; unsigned k; } pr[PROCS_MAX];
	unsigned np = 0;
	unsigned long total = 0;
	char out[2048];
	int len;

	memset(pr, 0, sizeof pr);
	for (unsigned i = a; i < b; i++) {
		const struct ev *e = &evs[i];
		unsigned p, k;

		if (is_marker(e) || (only && strcmp(e->task, only)) || (skip && !strcmp(e->task, skip)))
			continue;
		for (p = 0; p < np && strcmp(pr[p].task, e->task); p++)
			;
		if (p == np) {
			if (np == PROCS_MAX)
				continue;
			snprintf(pr[np++].task, sizeof pr[0].task, "%s", e->task);
		}
		pr[p].n++;
		total++;
		for (k = 0; k < pr[p].k && pr[p].nr[k] != e->nr; k++)
			;
		if (k == pr[p].k && k < NRS_MAX)
			pr[p].nr[pr[p].k++] = e->nr;
		if (k < NRS_MAX)
			pr[p].c[k]++;
	}
	if (rounds > 1)
		len = snprintf(out, sizeof out, "bench: syscalls %s: total %.2f per round over %lu rounds", what,
		    (double)total / (double)rounds, rounds);
	else
		len = snprintf(out, sizeof out, "bench: syscalls %s: total %lu calls", what, total);
	for (unsigned p = 0; p < np && len < (int)sizeof out - 64; p++) {
		len += snprintf(out + len, sizeof out - (size_t)len, rounds > 1 ? "; %s %.2f (" : "; %s %.0f (",
		    pr[p].task, (double)pr[p].n / (double)rounds);
		for (unsigned k = 0; k < pr[p].k && len < (int)sizeof out - 64; k++) {
			const char *name = nr_name(pr[p].nr[k]);

			char nrname[16];

			snprintf(nrname, sizeof nrname, "NR%ld", pr[p].nr[k]);
			len += snprintf(out + len, sizeof out - (size_t)len, rounds > 1 ? "%s%s %.2f" : "%s%s %.0f",
			    k ? ", " : "", name ? name : nrname, (double)pr[p].c[k] / (double)rounds);
		}
		len += snprintf(out + len, sizeof out - (size_t)len, ")");
	}
	printf("%s\n", out);
}

/*
 * The reference: the longest stretch of the trace in which no process
 * opens or closes a file (the loop, between two readings of
 * /proc/self/status); every process's calls in it, per round.
 */
static int
reference(const char *label, unsigned long rounds)
{
	unsigned best_a = 0, best_n = 0, a = 0;

	if (load() < 0) {
		printf("irq_syscalls: cannot read " T "/trace\n");
		return 1;
	}
	for (unsigned i = 0; i <= nev; i++) {
		if (i < nev && evs[i].nr != 3 && evs[i].nr != 257)
			continue;
		if (i - a > best_n) {
			best_n = i - a;
			best_a = a;
		}
		a = i + 1;
	}
	if (!best_n || !rounds) {
		printf("irq_syscalls: no reference loop in the trace (%u events)\n", nev);
		return 1;
	}
	report(label, best_a, best_a + best_n, NULL, NULL, rounds);
	return 0;
}

/* The session side: markers, and a daemon that prints each window. */
static int
watch(void)
{
	char trig[160], mine[48];
	pid_t pid;

	snprintf(trig, sizeof trig, "traceon if fd >= %u && fd < %u", MARK_START, MARK_START + 0x100);
	if (put("events/syscalls/sys_enter_close/trigger", trig, 1)) {
		printf("irq_syscalls: traceon trigger: %s\n", strerror(errno));
		return 1;
	}
	snprintf(trig, sizeof trig, "traceoff if fildes >= %u && fildes < %u", MARK_STOP, MARK_STOP + 0x100);
	if (put("events/syscalls/sys_enter_dup/trigger", trig, 1)) {
		printf("irq_syscalls: traceoff trigger: %s\n", strerror(errno));
		return 1;
	}
	if ((pid = fork()) != 0)
		return pid < 0;
	setsid();
	for (;;) {
		char on = '1';
		int fd = open(T "/tracing_on", O_RDONLY);

		if (fd >= 0) {
			if (read(fd, &on, 1) != 1)
				on = '1';
			close(fd);
		}
		if (on == '0' && load() > 0) {
			unsigned a = 0;

			snprintf(mine, sizeof mine, "irq_syscalls-%d", (int)getpid());
			for (unsigned i = 0; i < nev; i++) {
				char what[32];

				if (!(evs[i].nr == 32 && evs[i].arg0 >= MARK_STOP && evs[i].arg0 < MARK_STOP + 0x100))
					continue;
				snprintf(what, sizeof what, "window %lu", evs[i].arg0 - MARK_STOP);
				report(what, a, i + 1, NULL, mine, 1);
				a = i + 1;
			}
			put("trace", "", 0);
		}
		usleep(100000);
	}
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		printf("irq_syscalls: on | ref LABEL ROUNDS | watch\n");
		return 1;
	}
	if (!(evs = calloc(EVENTS_MAX, sizeof *evs)))
		return 1;
	mkdir(T, 0755);
	if (access(T "/trace", F_OK) && mount("tracefs", T, "tracefs", 0, NULL)) {
		printf("irq_syscalls: cannot mount tracefs on " T ": %s\n", strerror(errno));
		return 1;
	}
	if (!strcmp(argv[1], "on")) {
		if (put("tracing_on", "0", 0) || put("buffer_size_kb", "8192", 0) || put("trace", "", 0) ||
		    put("events/raw_syscalls/sys_enter/enable", "1", 0) || put("tracing_on", "1", 0)) {
			printf("irq_syscalls: cannot set up the tracer: %s\n", strerror(errno));
			return 1;
		}
		return 0;
	}
	if (!strcmp(argv[1], "ref") && argc > 3) {
		int rc;

		put("tracing_on", "0", 0);
		rc = reference(argv[2], strtoul(argv[3], NULL, 0));
		put("trace", "", 0);
		return rc;
	}
	if (!strcmp(argv[1], "watch"))
		return watch();
	printf("irq_syscalls: unknown mode %s\n", argv[1]);
	return 1;
}
