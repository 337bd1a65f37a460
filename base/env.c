/*
 * The component side of the parent channel. Requests are strictly
 * sequential per component (single-threaded components), so one
 * outstanding request at a time; anything else core sends in between is
 * kept in a small queue for the server loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>

#define QUEUE_MAX 16

static int parent_fd = -1;
static char label[128] = "?";
static uint32_t next_seq = 1;
static struct mkx_msg queue[QUEUE_MAX];
static unsigned queue_head, queue_len;

int
mkx_env_init(void)
{
	const char *fd = getenv("MKX_PARENT_FD");
	const char *l = getenv("MKX_LABEL");
	int n = fd ? atoi(fd) : MKX_PARENT_FD;

	if (l)
		snprintf(label, sizeof label, "%s", l);
	if (fcntl(n, F_GETFD) < 0) {
		fprintf(stderr, "%s: no parent channel on fd %d: start me from core\n",
		    label, n);
		return -EBADF;
	}
	parent_fd = n;
	fcntl(parent_fd, F_SETFD, FD_CLOEXEC);
	return 0;
}

const char *
mkx_label(void)
{
	return label;
}

int
mkx_parent_fd(void)
{
	return parent_fd;
}

int
mkx_parent_send(uint16_t op, const void *payload, size_t len)
{
	if (parent_fd < 0)
		return -EBADF;
	return mkx_rpc_send(parent_fd, op, next_seq++, 0, payload, len, NULL, 0);
}

int
mkx_parent_call(uint16_t op, const void *payload, size_t len,
    struct mkx_msg *reply)
{
	uint32_t seq = next_seq++;
	int err;

	if (parent_fd < 0)
		return -EBADF;
	err = mkx_rpc_send(parent_fd, op, seq, 0, payload, len, NULL, 0);
	if (err)
		return err;
	for (;;) {
		err = mkx_rpc_recv(parent_fd, reply);
		if (err)
			return err;
		if (reply->hdr.op == op && reply->hdr.seq == seq)
			return 0;
		/* Not ours: a session request for us as a server. Keep it. */
		if (queue_len == QUEUE_MAX) {
			/* Answer rather than drop: the client waits for a response. */
			if (reply->hdr.op == MKX_OP_SESSION_REQUEST && reply->hdr.len >= 4) {
				uint8_t deny[8 + 32] = { 0 };
				int32_t status = -EAGAIN;

				memcpy(deny, reply->payload, 4);
				memcpy(deny + 4, &status, 4);
				memcpy(deny + 8, "server busy, try again", 23);
				mkx_parent_send(MKX_OP_SESSION_RESPONSE, deny, 8 + 23);
			}
			fprintf(stderr, "[%s] %u messages from core wait already; op %u refused\n",
			    label, QUEUE_MAX, reply->hdr.op);
			mkx_msg_close_fds(reply);
			continue;
		}
		queue[(queue_head + queue_len++) % QUEUE_MAX] = *reply;
	}
}

int
mkx_parent_next(struct mkx_msg *m, int block)
{
	if (queue_len) {
		*m = queue[queue_head];
		queue_head = (queue_head + 1) % QUEUE_MAX;
		queue_len--;
		return 0;
	}
	if (parent_fd < 0)
		return -EBADF;
	if (!block) {
		int err, fl = fcntl(parent_fd, F_GETFL);

		fcntl(parent_fd, F_SETFL, fl | O_NONBLOCK);
		err = mkx_rpc_recv(parent_fd, m);
		fcntl(parent_fd, F_SETFL, fl);
		return err;
	}
	return mkx_rpc_recv(parent_fd, m);
}

void
mkx_exit(int code)
{
	int32_t c = code;

	mkx_log_flush();
	mkx_parent_send(MKX_OP_EXIT, &c, sizeof c);
	exit(code);
}
