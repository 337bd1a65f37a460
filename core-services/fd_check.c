/*
 * What kind of file a descriptor or path really is, before core relies
 * on it. Children hand core fds (signal eventfds) and can put files where
 * core reads them (ROM files, the config at SIGHUP); a pipe, FIFO or
 * device there would block core's single thread. These checks let core
 * refuse such a file with a clear error instead of hanging on it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "core.h"

/*
 * An eventfd is an anonymous inode; /proc/self/fd/N names its kind
 * ("anon_inode:[eventfd]"). fstat cannot tell it from a signalfd or
 * timerfd (they share the one anon inode), so the link is the check.
 * core mounts /proc as PID 1 and a host always has it.
 */
int
fd_is_eventfd(int fd)
{
	static const char want[] = "anon_inode:[eventfd]";
	char path[64], link[64];
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st))
		return 0;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof link - 1);
	if (n < 0)
		return 0;
	link[n] = 0;
	return !strcmp(link, want);
}

/*
 * Open a file core will read whole: O_NONBLOCK so that opening a FIFO
 * returns at once instead of waiting for a writer, then refuse anything
 * but a regular file (a FIFO, socket or device could block each read).
 * The non-blocking flag is cleared again: on a regular file it means
 * nothing, and the fd is core's alone.
 */
int
fd_open_regular(const char *path, int nofollow)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (nofollow ? O_NOFOLLOW : 0));

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

const char *
fd_open_strerror(int err)
{
	if (err == -EINVAL)
		return "not a regular file (a FIFO, socket or device could block core)";
	if (err == -ELOOP)
		return "a symbolic link (refused: core reads no file through a link)";
	return strerror(-err);
}

static void
on_alarm(int sig)
{
	(void)sig;	/* only there to interrupt a call that would block */
}

/*
 * A 20 ms SIGALRM without SA_RESTART around one call that a child's file
 * could make wait: the call returns (EINTR) when it fires, core goes on.
 */
struct alarm_guard {
	struct sigaction old;
};

static void
alarm_arm(struct alarm_guard *g)
{
	static const struct itimerval soon = { .it_value = { 0, 20000 } };
	struct sigaction sa = { .sa_handler = on_alarm };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &g->old);
	setitimer(ITIMER_REAL, &soon, NULL);
}

static void
alarm_disarm(struct alarm_guard *g)
{
	static const struct itimerval off;

	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &g->old, NULL);
}

/*
 * Signal a child's eventfd without ever blocking. A write to an eventfd
 * blocks only when its counter is full, which a client can arrange by
 * writing 0xfffffffffffffffe itself. So core makes the file description
 * non-blocking: it is shared with the client, but an eventfd used as a
 * signal is meant to be polled (libmkx creates it EFD_NONBLOCK), so the
 * client loses nothing. A client may clear the flag again at any time, so
 * core re-sets it before every write, and a 20 ms timer (SIGALRM without
 * SA_RESTART) ends the write should the client win that race. A full
 * counter means a signal is pending already: that is success.
 */
int
fd_signal_eventfd(int fd)
{
	struct alarm_guard g;
	uint64_t one = 1;
	ssize_t n;
	int fl = fcntl(fd, F_GETFL), err = 0;

	if (fl < 0)
		return -errno;
	if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK))
		return -errno;
	alarm_arm(&g);
	n = write(fd, &one, sizeof one);
	if (n != sizeof one)
		err = n < 0 ? -errno : -EIO;
	alarm_disarm(&g);
	return err == -EAGAIN || err == -EINTR ? 0 : err;
}

/*
 * Close an fd a child handed core (mkx_rpc_set_closer). close(2) of the
 * last reference to a TCP socket with SO_LINGER set and unsent data waits
 * until the data is out or the linger time is over: a child that fills
 * the queue towards a peer that never reads, sets an hour's linger and
 * lets core hold the last reference stalled core for that hour (SIGTERM
 * too: core reads signals from a signalfd, they do not interrupt). Turning
 * linger off first is no cure, the child could set it again in between;
 * the 20 ms alarm is: the wait ends on a signal, and the fd is released
 * whatever close returns. Other files close without waiting.
 */
void
fd_close_foreign(int fd)
{
	struct alarm_guard g;
	struct stat st;

	if (fstat(fd, &st) || !S_ISSOCK(st.st_mode)) {
		close(fd);
		return;
	}
	alarm_arm(&g);
	close(fd);
	alarm_disarm(&g);
}
