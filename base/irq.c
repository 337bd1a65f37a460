/* IRQ session client (see mkx/irq.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <mkx/irq.h>

int
mkx_irq_open(struct mkx_irq *irq, const char *pci, char *why, size_t whylen)
{
	char args[64];

	snprintf(args, sizeof args, "pci=\"%s\"", pci);
	return mkx_irq_open_args(irq, args, MKX_IRQ_ACK_AUTO, why, whylen);
}

/* The source fd, or core's forwarding to an eventfd of ours. */
static int
take_source(struct mkx_irq *irq, struct mkx_msg *reply, char *why, size_t whylen)
{
	int err = mkx_session_call(&irq->s, MKX_IRQ_FD, NULL, 0, NULL, 0, reply);

	if (err == 0 && reply->hdr.nfds == 1) {
		uint32_t format = MKX_IRQ_FD_UIO_COUNT;

		if (reply->hdr.len >= 4)
			memcpy(&format, reply->payload, 4);
		irq->fd = mkx_msg_take_fd(reply, 0);
		irq->direct = 1;
		irq->format = format;
		return 0;
	}
	mkx_msg_close_fds(reply);
	irq->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (irq->fd < 0) {
		snprintf(why, whylen, "eventfd: %s", strerror(errno));
		return -errno;
	}
	return mkx_session_call(&irq->s, MKX_IRQ_SIGH, NULL, 0, &irq->fd, 1, reply);
}

static int set_up(struct mkx_irq *, enum mkx_irq_ack_mode, char *why, size_t whylen);

int
mkx_irq_open_args(struct mkx_irq *irq, const char *args, enum mkx_irq_ack_mode mode, char *why, size_t whylen)
{
	char all[512];
	int err;

	memset(irq, 0, sizeof *irq);
	irq->fd = -1;
	irq->ack_fd = -1;
	if ((size_t)snprintf(all, sizeof all, "ram_quota=6K, %s", args) >= sizeof all) {
		snprintf(why, whylen, "IRQ session args too long");
		return -EINVAL;
	}
	err = mkx_session_open(&irq->s, "IRQ", all, why, whylen);
	if (err)
		return err;
	return set_up(irq, mode, why, whylen);
}

int
mkx_irq_attach(struct mkx_irq *irq, int sock, enum mkx_irq_ack_mode mode, char *why, size_t whylen)
{
	memset(irq, 0, sizeof *irq);
	irq->fd = -1;
	irq->ack_fd = -1;
	irq->s.sock = sock;
	irq->s.seq = 1;
	snprintf(irq->s.service, sizeof irq->s.service, "IRQ");
	return set_up(irq, mode, why, whylen);
}

/* A fresh session: the interrupt source (or forwarding), INFO, the ack path. 0 or -errno (closed). */
static int
set_up(struct mkx_irq *irq, enum mkx_irq_ack_mode mode, char *why, size_t whylen)
{
	static __thread struct mkx_msg reply;
	int err = take_source(irq, &reply, why, whylen);

	if (!err)
		err = mkx_session_call(&irq->s, MKX_IRQ_INFO, NULL, 0, NULL, 0, &reply);
	if (err || reply.hdr.len < 8) {
		snprintf(why, whylen, "IRQ session set-up: %s", strerror(err ? -err : EBADMSG));
		mkx_irq_close(irq);
		return err ? err : -EBADMSG;
	}
	memcpy(&irq->info, reply.payload, reply.hdr.len < sizeof irq->info ? reply.hdr.len : sizeof irq->info);
	irq->gsi = irq->info.gsi;
	if (mode == MKX_IRQ_ACK_AUTO && !(irq->info.flags & MKX_IRQ_INFO_NO_ACK) &&
	    mkx_session_call(&irq->s, MKX_IRQ_ACK_FD, NULL, 0, NULL, 0, &reply) == 0 && reply.hdr.nfds == 1) {
		irq->ack_fd = mkx_msg_take_fd(&reply, 0);
		if (reply.hdr.len >= 4)
			memcpy(&irq->ack_how, reply.payload, 4);
	} else
		mkx_msg_close_fds(&reply);
	if (mode == MKX_IRQ_ACK_RPC)
		irq->info.flags &= ~(uint32_t)MKX_IRQ_INFO_NO_ACK;	/* measure the RPC even where it does nothing */
	return 0;
}

/* Consume what the fd holds: how many interrupts (>= 1), 0 if nothing after all, or -errno. */
static int
consume(struct mkx_irq *irq)
{
	uint64_t n;

	if (irq->direct && irq->format == MKX_IRQ_FD_UIO_COUNT) {
		uint32_t count, seen;

		if (read(irq->fd, &count, sizeof count) != sizeof count)
			return errno == EAGAIN ? 0 : -errno;
		seen = count - irq->last;
		irq->last = count;
		return seen ? (int)seen : 1;
	}
	if (read(irq->fd, &n, sizeof n) != sizeof n)
		return errno == EAGAIN ? 0 : -errno;
	return (int)n;
}

/*
 * The coarse clock: the vDSO serves it from the kernel's tick on every
 * machine, without a system call. The precise one is a system call
 * wherever the TSC cannot be read in the vDSO (make bench saw two per
 * wait with QEMU -smp 2: a third of the calls of a VFIO round); a timeout
 * needs no better than a tick.
 */
static double
coarse_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* What is left of timeout_ms since start (coarse), rounded up by a tick so that a wait never ends early. */
static int
left_ms(double start, int timeout_ms)
{
	struct timespec res;
	double tick = clock_getres(CLOCK_MONOTONIC_COARSE, &res) ? 10 : res.tv_sec * 1e3 + res.tv_nsec / 1e6;
	double left = start + timeout_ms + tick - coarse_ms();

	return left <= 0 ? 0 : left >= timeout_ms + tick ? timeout_ms + (int)(tick + 0.999) : (int)(left + 0.999);
}

/*
 * A legacy line delivers at most once per ack (Genode's semantics). The
 * kernel keeps that for VFIO; on a shared line uio_pci_generic does not:
 * while our device still asserts its masked INTx, every interrupt of
 * another function on the line also counts as ours (the handler sees our
 * status bit set). Drivers ack the device before the line, so counts
 * that arrive between a delivery and the ack are such echoes: dropped.
 *
 * The first poll waits timeout_ms itself; only a wait that may have to
 * poll again looks at the clock for what is left: a legacy line (an echo)
 * reads the coarse clock once at the start. MSI and MSI-X read no clock
 * at all (a signal restarts their wait with the whole timeout: later,
 * never earlier). So a delivery costs the poll and the read, as a plain
 * loop's.
 */
int
mkx_irq_wait(struct mkx_irq *irq, int timeout_ms)
{
	struct pollfd p = { .fd = irq->fd, .events = POLLIN };
	int rc, left = timeout_ms, legacy = !(irq->info.flags & MKX_IRQ_INFO_NO_ACK) && irq->info.type == 0;
	double start = legacy && timeout_ms > 0 ? coarse_ms() : 0;

	for (;;) {
		while ((rc = poll(&p, 1, left)) < 0 && errno == EINTR)
			left = legacy && timeout_ms > 0 ? left_ms(start, timeout_ms) : timeout_ms;
		if (rc <= 0)
			return rc < 0 ? -errno : 0;
		if ((rc = consume(irq)) <= 0)
			return rc;
		if (!legacy)
			return rc;
		if (!irq->unacked) {
			irq->unacked = 1;
			return 1;
		}
		irq->echoes += (unsigned)rc;	/* not ours: see above */
		if (timeout_ms > 0 && (left = left_ms(start, timeout_ms)) == 0)
			return 0;
		if (timeout_ms == 0)
			return 0;
	}
}

int
mkx_irq_ack(struct mkx_irq *irq)
{
	static __thread struct mkx_msg reply;

	irq->unacked = 0;
	if (irq->force_rpc)
		return mkx_session_call(&irq->s, MKX_IRQ_ACK, NULL, 0, NULL, 0, &reply);
	if (irq->info.flags & MKX_IRQ_INFO_NO_ACK)
		return 0;
	if (irq->ack_fd >= 0) {
		uint64_t one = 1;

		/* A full counter (EAGAIN) means an ack is pending already. */
		if (write(irq->ack_fd, &one, sizeof one) == sizeof one || errno == EAGAIN)
			return 0;
		return -errno;
	}
	return mkx_session_call(&irq->s, MKX_IRQ_ACK, NULL, 0, NULL, 0, &reply);
}

void
mkx_irq_ack_by_rpc(struct mkx_irq *irq, int on)
{
	irq->force_rpc = on;
}

const char *
mkx_irq_ack_path(const struct mkx_irq *irq)
{
	if (irq->force_rpc)
		return "rpc";
	if (irq->info.flags & MKX_IRQ_INFO_NO_ACK)
		return "none (MSI)";
	if (irq->ack_fd >= 0)
		return irq->ack_how == MKX_IRQ_ACK_BY_KERNEL ? "eventfd (kernel)" : "socket (core)";
	return "rpc";
}

void
mkx_irq_close(struct mkx_irq *irq)
{
	mkx_session_close(&irq->s);
	if (irq->fd >= 0)
		close(irq->fd);
	if (irq->ack_fd >= 0)
		close(irq->ack_fd);
	irq->fd = -1;
	irq->ack_fd = -1;
}
