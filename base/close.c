/* mkx_close_foreign: see mkx/close.h for why. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mkx/close.h>

static timer_t guard;
static int guard_state;		/* 0 not yet, 1 ready, -1 unavailable (plain close then) */

static void
on_guard(int sig)
{
	(void)sig;	/* only there to end a lingering close */
}

static int
guard_ready(void)
{
	struct sigaction sa = { .sa_handler = on_guard };	/* no SA_RESTART: the wait must end */
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL };

	if (guard_state)
		return guard_state > 0;
	sigemptyset(&sa.sa_mask);
	ev.sigev_signo = MKX_CLOSE_SIGNAL;
	guard_state = !sigaction(MKX_CLOSE_SIGNAL, &sa, NULL) &&
	    !timer_create(CLOCK_MONOTONIC, &ev, &guard) ? 1 : -1;
	return guard_state > 0;
}

void
mkx_close_foreign(int fd)
{
	static const struct itimerspec soon = { .it_value = { 0, 20 * 1000 * 1000 } }, off;
	struct stat st;
	int saved = errno;

	if (fd < 0)
		return;
	if (fstat(fd, &st) || !S_ISSOCK(st.st_mode) || !guard_ready()) {
		close(fd);
		errno = saved;
		return;
	}
	timer_settime(guard, 0, &soon, NULL);
	close(fd);
	timer_settime(guard, 0, &off, NULL);
	errno = saved;
}
