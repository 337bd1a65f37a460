/* IRQ session client (see mkx/irq.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <mkx/irq.h>

int
mkx_irq_open(struct mkx_irq *irq, const char *pci, char *why, size_t whylen)
{
	static __thread struct mkx_msg reply;
	char args[96];
	int err;

	memset(irq, 0, sizeof *irq);
	irq->fd = -1;
	snprintf(args, sizeof args, "ram_quota=6K, pci=\"%s\"", pci);
	err = mkx_session_open(&irq->s, "IRQ", args, why, whylen);
	if (err)
		return err;
	err = mkx_session_call(&irq->s, MKX_IRQ_FD, NULL, 0, NULL, 0, &reply);
	if (err == 0 && reply.hdr.nfds == 1) {
		irq->fd = mkx_msg_take_fd(&reply, 0);
		irq->direct = 1;
	} else {
		mkx_msg_close_fds(&reply);
		irq->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (irq->fd < 0) {
			err = -errno;
			snprintf(why, whylen, "eventfd: %s", strerror(errno));
			mkx_session_close(&irq->s);
			return err;
		}
		err = mkx_session_call(&irq->s, MKX_IRQ_SIGH, NULL, 0, &irq->fd, 1, &reply);
	}
	if (!err)
		err = mkx_session_call(&irq->s, MKX_IRQ_INFO, NULL, 0, NULL, 0, &reply);
	if (err || reply.hdr.len < 4) {
		snprintf(why, whylen, "IRQ session set-up: %s", strerror(err ? -err : EBADMSG));
		mkx_irq_close(irq);
		return err ? err : -EBADMSG;
	}
	memcpy(&irq->gsi, reply.payload, 4);
	return 0;
}

int
mkx_irq_wait(struct mkx_irq *irq, int timeout_ms)
{
	struct pollfd p = { .fd = irq->fd, .events = POLLIN };
	uint64_t n;
	int rc;

	do
		rc = poll(&p, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	if (rc == 0)
		return 0;
	if (irq->direct) {
		uint32_t count, seen;

		if (read(irq->fd, &count, sizeof count) != sizeof count)
			return -errno;
		seen = count - irq->last;
		irq->last = count;
		return seen ? (int)seen : 1;
	}
	if (read(irq->fd, &n, sizeof n) != sizeof n)
		return -errno;
	return (int)n;
}

int
mkx_irq_ack(struct mkx_irq *irq)
{
	static __thread struct mkx_msg reply;

	return mkx_session_call(&irq->s, MKX_IRQ_ACK, NULL, 0, NULL, 0, &reply);
}

void
mkx_irq_close(struct mkx_irq *irq)
{
	mkx_session_close(&irq->s);
	if (irq->fd >= 0)
		close(irq->fd);
	irq->fd = -1;
}
