/* fd_check.c: which fds core accepts as signal eventfds, which files as ROMs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "../../core-services/core.h"

TEST(fd_check_eventfd_is_one)
{
	int fd = eventfd(0, EFD_CLOEXEC);

	CHECK(fd >= 0);
	CHECK_INT(fd_is_eventfd(fd), 1);
	close(fd);
}

TEST(fd_check_pipe_socket_signalfd_file_are_not)
{
	sigset_t m;
	int p[2], sv[2], sfd, f;

	sigemptyset(&m);
	CHECK(!pipe(p) && !socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	sfd = signalfd(-1, &m, 0);
	f = open("/dev/null", O_RDONLY);
	CHECK(sfd >= 0 && f >= 0);
	CHECK_INT(fd_is_eventfd(p[0]), 0);
	CHECK_INT(fd_is_eventfd(p[1]), 0);
	CHECK_INT(fd_is_eventfd(sv[0]), 0);
	CHECK_INT(fd_is_eventfd(sfd), 0);
	CHECK_INT(fd_is_eventfd(f), 0);
	CHECK_INT(fd_is_eventfd(-1), 0);
	CHECK_INT(fd_is_eventfd(999), 0);
}

TEST(fd_check_open_regular_refuses_fifo_without_blocking)
{
	char dir[] = "/tmp/fdcheckXXXXXX", path[64], link[64];
	int fd;

	CHECK(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/fifo", dir);
	CHECK(!mkfifo(path, 0600));
	CHECK_INT(fd_open_regular(path, 1), -EINVAL);	/* returns: no writer needed */
	CHECK_STR_HAS(fd_open_strerror(-EINVAL), "not a regular file");
	unlink(path);
	snprintf(path, sizeof path, "%s/file", dir);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	fd = fd_open_regular(path, 1);
	CHECK(fd >= 0);
	CHECK_INT(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);
	snprintf(link, sizeof link, "%s/link", dir);
	CHECK(!symlink(path, link));
	CHECK_INT(fd_open_regular(link, 1), -ELOOP);
	fd = fd_open_regular(link, 0);
	CHECK(fd >= 0);
	close(fd);
	CHECK_INT(fd_open_regular(dir, 0), -EINVAL);
	unlink(link);
	unlink(path);
	rmdir(dir);
}

TEST(fd_check_signal_full_blocking_eventfd_returns)
{
	uint64_t full = 0xfffffffffffffffeULL;
	int fd = eventfd(0, EFD_CLOEXEC);	/* blocking, as a hostile client hands it */

	CHECK(fd >= 0);
	CHECK_INT(fd_signal_eventfd(fd), 0);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	CHECK_INT(write(fd, &full, sizeof full), -1);	/* 1 + full would overflow */
	CHECK(read(fd, &full, sizeof full) == sizeof full);
	full = 0xfffffffffffffffeULL;
	CHECK(write(fd, &full, sizeof full) == sizeof full);
	fcntl(fd, F_SETFL, 0);		/* the client clears the flag again */
	CHECK_INT(fd_signal_eventfd(fd), 0);	/* would block for good without the check */
	close(fd);
}
