/* The test harness (see harness.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define TESTS_MAX 256

static struct { const char *name; harness_fn fn; } tests[TESTS_MAX];
static int ntests, nregistered;
static int result_fd = -1;

void
harness_register(const char *name, harness_fn fn)
{
	/* Counted even past the table: main refuses to run a partial set rather than drop tests unseen. */
	if (nregistered++ < TESTS_MAX) {
		tests[ntests].name = name;
		tests[ntests++].fn = fn;
	}
}

static void
report(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = vsnprintf(buf, sizeof buf, fmt, ap);

	if (n > 0 && write(result_fd, buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1) < 0)
		_exit(3);
}

void
harness_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char where[256];

	fflush(stdout);	/* what the test printed before it failed is its context */
	snprintf(where, sizeof where, "%s:%d: ", file, line);
	if (write(result_fd, where, strlen(where)) < 0)
		_exit(3);
	va_start(ap, fmt);
	report(fmt, ap);
	va_end(ap);
	_exit(1);
}

void
harness_skip(const char *why)
{
	fflush(stdout);
	if (write(result_fd, why, strlen(why)) < 0)
		_exit(3);
	_exit(77);
}

int
harness_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the DIR's own fd */
}

/*
 * A test's own output, passed on line by line. A line that starts like
 * one of the harness's result lines would be counted as a result by
 * run-host.sh: it is passed on marked (no longer a result line), and the
 * test fails. forged keeps the first such line.
 */
struct relay {
	char	line[4096];
	size_t	len;
	int	cont;		/* the line's start went out already (a line longer than the buffer) */
	char	forged[256];
};

static int
looks_like_result(const char *s, size_t n)
{
	static const char *const heads[] = { "ok - ", "FAIL - ", "skip - ", "plan " };

	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
		if (n >= strlen(heads[i]) && !memcmp(s, heads[i], strlen(heads[i])))
			return 1;
	return 0;
}

static void
relay_flush(struct relay *r, int whole)
{
	if (!r->cont && looks_like_result(r->line, r->len)) {
		if (!r->forged[0])
			snprintf(r->forged, sizeof r->forged, "%.*s", (int)(r->len && r->line[r->len - 1] == '\n' ? r->len - 1 : r->len), r->line);
		fputs("# printed by the test, not the harness: ", stdout);
	}
	fwrite(r->line, 1, r->len, stdout);
	r->cont = !whole;
	r->len = 0;
}

static void
relay_bytes(struct relay *r, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		r->line[r->len++] = p[i];
		if (p[i] == '\n')
			relay_flush(r, 1);
		else if (r->len == sizeof r->line)
			relay_flush(r, 0);
	}
}

/* Runs test i in a child; prints its result line. Returns 1 if it failed. */
static int
run_one(int i)
{
	int res[2], out[2], status;
	char msg[1024] = "";
	size_t got = 0;
	static struct relay r;
	struct pollfd pf[2];
	pid_t pid;

	if (pipe(res) || pipe(out)) {
		printf("FAIL - %s: pipe: %m\n", tests[i].name);
		return 1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		printf("FAIL - %s: fork: %m\n", tests[i].name);
		return 1;
	}
	if (pid == 0) {
		close(res[0]);
		close(out[0]);
		if (dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0)
			_exit(4);
		close(out[1]);
		setvbuf(stdout, NULL, _IOLBF, 0);	/* its lines in order with its stderr's */
		result_fd = res[1];
		alarm(30);
		tests[i].fn();
		exit(0);	/* not _exit: LeakSanitizer checks at exit */
	}
	close(res[1]);
	close(out[1]);
	memset(&r, 0, sizeof r);
	pf[0] = (struct pollfd){ .fd = out[0], .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = res[0], .events = POLLIN };
	while (pf[0].fd >= 0 || pf[1].fd >= 0) {
		char buf[4096];
		ssize_t n;

		if (poll(pf, 2, -1) < 0)
			continue;	/* EINTR */
		if (pf[0].fd >= 0 && pf[0].revents) {
			if ((n = read(out[0], buf, sizeof buf)) > 0)
				relay_bytes(&r, buf, (size_t)n);
			else
				pf[0].fd = -1;
		}
		if (pf[1].fd >= 0 && pf[1].revents) {
			if ((n = read(res[0], buf, sizeof buf)) > 0) {
				size_t take = (size_t)n < sizeof msg - 1 - got ? (size_t)n : sizeof msg - 1 - got;

				memcpy(msg + got, buf, take);
				got += take;
			} else
				pf[1].fd = -1;
		}
	}
	if (r.len) {
		relay_bytes(&r, "\n", 1);	/* a last line without its newline */
	}
	msg[got] = 0;
	close(out[0]);
	close(res[0]);
	waitpid(pid, &status, 0);
	if (r.forged[0]) {
		printf("FAIL - %s: the test printed a result line of its own (\"%s\"): only the harness reports"
		    " results, a test that cannot run calls harness_skip()%s%s\n", tests[i].name, r.forged,
		    WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" : "; and it did not pass: ",
		    WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" : msg[0] ? msg : "exit status != 0");
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		printf("ok - %s\n", tests[i].name);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		printf("skip - %s: %s\n", tests[i].name, msg[0] ? msg : "(no reason given)");
	else if (WIFSIGNALED(status)) {
		printf("FAIL - %s: killed by SIG%s%s%s\n", tests[i].name,
		    sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?",
		    msg[0] ? ": " : "", msg);
		return 1;
	} else {
		printf("FAIL - %s: %s\n", tests[i].name, msg[0] ? msg : "exit status != 0");
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int failed = 0, planned = 0;

	if (nregistered > TESTS_MAX) {
		printf("FAIL - harness: %d tests registered, the table holds %d: raise TESTS_MAX\n",
		    nregistered, TESTS_MAX);
		return 2;
	}
	for (int i = 0; i < ntests; i++)
		planned += argc < 2 || strstr(tests[i].name, argv[1]) != NULL;
	printf("plan %d\n", planned);
	for (int i = 0; i < ntests; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		failed += run_one(i);
		fflush(stdout);
	}
	return failed ? 1 : 0;
}
