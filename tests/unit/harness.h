/*
 * A minimal test harness: each TEST runs in its own forked process (a
 * crash fails that test only), with a 30 s alarm. Output: first
 * "plan N" (the number of tests it is about to run), then one line per test:
 *   ok - name | FAIL - name: why | skip - name: why
 * Only the harness prints these lines. A test's own output (stdout and
 * stderr) passes through the harness, and a line of it that looks like a
 * result ("ok - ", "FAIL - ", "skip - ", "plan ") fails that test: a test
 * that cannot run says so with harness_skip(), never with a line of its own.
 * tests/run-host.sh checks the plan against the lines and the exit status;
 * tests/run-all.sh counts the lines into "N passed, N failed".
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stdio.h>
#include <stdlib.h>

typedef void (*harness_fn)(void);
void	harness_register(const char *name, harness_fn fn);
void	harness_fail(const char *file, int line, const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 3, 4)));
/* Ends the running test as "skip - name: why" (counted as skipped, never as passed). */
void	harness_skip(const char *why) __attribute__((noreturn));
int	harness_count_fds(void);

#define TEST(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void reg_##name(void)	\
	{ harness_register(#name, name); }				\
	static void name(void)

#define CHECK(cond) do {						\
	if (!(cond))							\
		harness_fail(__FILE__, __LINE__, "%s", #cond);		\
} while (0)

#define CHECK_INT(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b)							\
		harness_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
		    #a, _a, #b, _b);					\
} while (0)

#define CHECK_STR_HAS(s, sub) do {					\
	const char *_s = (s), *_sub = (sub);				\
	if (!_s || !strstr(_s, _sub))					\
		harness_fail(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"", \
		    _s ? _s : "(null)", _sub);				\
} while (0)

#endif
