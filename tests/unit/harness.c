/* The test harness (see harness.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define TESTS_MAX 256

static struct { const char *name; harness_fn fn; } tests[TESTS_MAX];
static int ntests;
static int result_fd = -1;

void
harness_register(const char *name, harness_fn fn)
{
	if (ntests < TESTS_MAX) {
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

int
main(int argc, char **argv)
{
	int failed = 0;

	for (int i = 0; i < ntests; i++) {
		int p[2], status;
		char msg[1024] = "";
		ssize_t n, got = 0;
		pid_t pid;

		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		if (pipe(p))
			return 2;
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			close(p[0]);
			result_fd = p[1];
			alarm(30);
			tests[i].fn();
			exit(0);	/* not _exit: LeakSanitizer checks at exit */
		}
		close(p[1]);
		while ((n = read(p[0], msg + got, sizeof msg - 1 - got)) > 0)
			got += n;
		msg[got] = 0;
		close(p[0]);
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			printf("ok - %s\n", tests[i].name);
		else if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
			printf("skip - %s: %s\n", tests[i].name, msg);
		else if (WIFSIGNALED(status)) {
			printf("FAIL - %s: killed by SIG%s%s%s\n", tests[i].name,
			    sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?",
			    msg[0] ? ": " : "", msg);
			failed++;
		} else {
			printf("FAIL - %s: %s\n", tests[i].name, msg[0] ? msg : "exit status != 0");
			failed++;
		}
		fflush(stdout);
	}
	return failed ? 1 : 0;
}
