/*
 * For tests that must break the protocol on purpose: send raw bytes with
 * nfds descriptors of /dev/null attached, bypassing mkx_rpc_send's checks.
 * Returns what sendmsg returned.
 */
#ifndef TESTS_RAW_SEND_H
#define TESTS_RAW_SEND_H

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static inline ssize_t
raw_send(int sock, const void *buf, size_t len, unsigned nfds)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	union { char b[CMSG_SPACE(sizeof(int) * 32)]; struct cmsghdr a; } ctl;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fds[32];
	ssize_t n;

	if (nfds > 32)
		nfds = 32;
	for (unsigned i = 0; i < nfds; i++)
		fds[i] = open("/dev/null", O_RDONLY);
	if (nfds) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof ctl);
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	for (unsigned i = 0; i < nfds; i++)
		close(fds[i]);
	return n;
}

#endif
