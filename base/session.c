/* Client side of sessions (see mkx/session.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/session.h>

int
mkx_session_open(struct mkx_session *s, const char *service,
    const char *args, char *why, size_t whylen)
{
	char buf[MKX_PAYLOAD_MAX];
	size_t ls = strlen(service), la = strlen(args);
	struct mkx_msg *reply;
	int err;

	s->sock = -1;
	s->seq = 1;
	snprintf(s->service, sizeof s->service, "%s", service);
	if (why && whylen)
		why[0] = 0;
	if (ls + la + 2 > sizeof buf || ls == 0) {
		if (why)
			snprintf(why, whylen, "service name or args too long");
		return -EINVAL;
	}
	memcpy(buf, service, ls + 1);
	memcpy(buf + ls + 1, args, la + 1);

	static __thread struct mkx_msg m;	/* 4 KiB: keep it off small stacks */
	reply = &m;
	err = mkx_parent_call(MKX_OP_SESSION_OPEN, buf, ls + la + 2, reply);
	if (err) {
		if (why)
			snprintf(why, whylen, "parent channel: %s", mkx_rpc_strerror(err));
		return err;
	}
	if (reply->hdr.status) {
		if (why)
			snprintf(why, whylen, "%.*s", (int)reply->hdr.len, (char *)reply->payload);
		mkx_msg_close_fds(reply);
		return reply->hdr.status;
	}
	s->sock = mkx_msg_take_fd(reply, 0);
	mkx_msg_close_fds(reply);
	if (s->sock < 0) {
		if (why)
			snprintf(why, whylen, "session granted without a socket");
		return -EBADMSG;
	}
	return 0;
}

int
mkx_session_call(struct mkx_session *s, uint16_t op,
    const void *in, size_t inlen, const int *fds, unsigned nfds,
    struct mkx_msg *reply)
{
	uint32_t seq = s->seq++;
	int err;

	if (s->sock < 0)
		return -EBADF;
	err = mkx_rpc_send(s->sock, op, seq, 0, in, inlen, fds, nfds);
	if (err)
		return err == -EPIPE ? -ECONNRESET : err;
	err = mkx_rpc_recv(s->sock, reply);
	if (err)
		return err;
	if (reply->hdr.seq != seq || reply->hdr.op != op) {
		mkx_msg_close_fds(reply);
		return -EBADMSG;
	}
	return reply->hdr.status;
}

void
mkx_session_close(struct mkx_session *s)
{
	if (s->sock >= 0)
		close(s->sock);
	s->sock = -1;
}
