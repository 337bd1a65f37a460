/*
 * Message framing (see mkx/rpc.h). The checks are strict on purpose:
 * a peer that sends anything but a well-formed message gets an error,
 * and every descriptor it attached is closed before we return.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mkx/close.h>
#include <mkx/rpc.h>

int
mkx_rpc_send(int sock, uint16_t op, uint32_t seq, int32_t status,
    const void *payload, size_t len, const int *fds, unsigned nfds)
{
	struct mkx_msg_hdr hdr = {
		.magic = MKX_MAGIC, .version = MKX_PROTO_VERSION, .op = op,
		.seq = seq, .status = status, .len = (uint32_t)len, .nfds = nfds,
	};
	struct iovec iov[2] = {
		{ .iov_base = &hdr, .iov_len = sizeof hdr },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	union {
		char buf[CMSG_SPACE(sizeof(int) * MKX_FDS_MAX)];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };

	if (len > MKX_PAYLOAD_MAX || nfds > MKX_FDS_MAX || (len && !payload))
		return -EINVAL;
	if (nfds) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof ctl);
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	for (;;) {
		ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);

		if (n >= 0)
			return (size_t)n == sizeof hdr + len ? 0 : -EMSGSIZE;
		if (errno != EINTR)
			return -errno;
	}
}

static void (*closer)(int fd);

void
mkx_rpc_set_closer(void (*fn)(int fd))
{
	closer = fn;
}

/* A received fd we do not keep: the peer chose it, so close it the careful way if one is set. */
static void
drop_fd(int fd)
{
	if (closer)
		closer(fd);
	else
		mkx_close_foreign(fd);
}

/* Collect the fds of every SCM_RIGHTS block; returns how many arrived. */
static unsigned
collect_fds(struct msghdr *mh, int *fds, unsigned cap, int *overflow)
{
	unsigned n = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t cnt;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < cnt; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
			if (n < cap)
				fds[n++] = fd;
			else {
				drop_fd(fd);
				*overflow = 1;
			}
		}
	}
	return n;
}

int
mkx_rpc_recv(int sock, struct mkx_msg *m)
{
	/* One byte more than the maximum, so oversize shows as MSG_TRUNC or n. */
	static __thread uint8_t buf[sizeof(struct mkx_msg_hdr) + MKX_PAYLOAD_MAX + 1];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
	union {
		/*
		 * Room for every fd one message can carry (the kernel's SCM_MAX_FD,
		 * 253), so the extras are ours to close (closer): fds that do not
		 * fit are dropped by the kernel inside recvmsg, where no closer can
		 * keep a lingering socket from blocking the receiver.
		 */
		char buf[CMSG_SPACE(sizeof(int) * 253)];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf,
	};
	ssize_t n;
	unsigned got;
	int overflow = 0, err = 0;

	memset(m, 0, sizeof m->hdr);
	m->hdr.nfds = 0;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	got = collect_fds(&mh, m->fds, MKX_FDS_MAX, &overflow);
	for (unsigned i = got; i < MKX_FDS_MAX; i++)
		m->fds[i] = -1;
	m->hdr.nfds = got;

	if (n == 0 && got == 0)
		return -ECONNRESET;
	if ((mh.msg_flags & MSG_CTRUNC) || overflow)
		err = -EMSGSIZE;
	else if ((mh.msg_flags & MSG_TRUNC) || (size_t)n > sizeof(struct mkx_msg_hdr) + MKX_PAYLOAD_MAX)
		err = -EMSGSIZE;
	else if ((size_t)n < sizeof(struct mkx_msg_hdr))
		err = -EBADMSG;
	if (!err) {
		struct mkx_msg_hdr h;

		memcpy(&h, buf, sizeof h);
		if (h.magic != MKX_MAGIC)
			err = -EBADMSG;
		else if (h.version != MKX_PROTO_VERSION)
			err = -EPROTONOSUPPORT;
		else if (h.len != (size_t)n - sizeof h || h.nfds != got)
			err = -EBADMSG;
		else {
			m->hdr = h;
			memcpy(m->payload, buf + sizeof h, h.len);
		}
	}
	if (err) {
		mkx_msg_close_fds(m);
		return err;
	}
	return 0;
}

void
mkx_msg_close_fds(struct mkx_msg *m)
{
	for (unsigned i = 0; i < m->hdr.nfds && i < MKX_FDS_MAX; i++)
		if (m->fds[i] >= 0) {
			drop_fd(m->fds[i]);
			m->fds[i] = -1;
		}
	m->hdr.nfds = 0;
}

int
mkx_msg_take_fd(struct mkx_msg *m, unsigned i)
{
	int fd;

	if (i >= m->hdr.nfds || i >= MKX_FDS_MAX)
		return -1;
	fd = m->fds[i];
	m->fds[i] = -1;
	return fd;
}

const char *
mkx_rpc_strerror(int err)
{
	switch (err) {
	case -ECONNRESET:	return "peer closed the channel";
	case -EBADMSG:		return "malformed message (truncated, bad magic or inconsistent header)";
	case -EPROTONOSUPPORT:	return "unsupported protocol version";
	case -EMSGSIZE:		return "message too large or too many descriptors";
	default:		return strerror(-err);
	}
}
