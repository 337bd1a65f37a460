/* Block session client (see mkx/block.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/block.h>

/* INFO: the driver's view of the session. */
static int
block_info(struct mkx_block *b)
{
	static __thread struct mkx_msg reply;
	int err = mkx_session_call(&b->s, MKX_BLOCK_INFO, NULL, 0, NULL, 0, &reply);

	mkx_msg_close_fds(&reply);
	if (err)
		return err;
	if (reply.hdr.len != sizeof b->info)
		return -EBADMSG;
	memcpy(&b->info, reply.payload, sizeof b->info);
	return 0;
}

/* ATTACH: hand over the queues and both eventfds, map the data buffer the reply brings. */
static int
attach(struct mkx_block *b, char *why, size_t whylen)
{
	static __thread struct mkx_msg reply;
	int fds[3] = { b->memfd, b->kick, b->signal }, err;
	uint64_t size;
	void *va;

	err = mkx_session_call(&b->s, MKX_BLOCK_ATTACH, NULL, 0, fds, 3, &reply);
	if (err) {
		mkx_msg_close_fds(&reply);
		snprintf(why, whylen, "Block attach: %.*s", reply.hdr.len ? (int)reply.hdr.len : 64,
		    reply.hdr.len ? (char *)reply.payload : strerror(-err));
		return err;
	}
	if (reply.hdr.len != sizeof size || reply.hdr.nfds != 1) {
		mkx_msg_close_fds(&reply);
		snprintf(why, whylen, "Block attach: malformed reply");
		return -EBADMSG;
	}
	memcpy(&size, reply.payload, sizeof size);
	b->buf_fd = mkx_msg_take_fd(&reply, 0);
	va = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, b->buf_fd, 0);
	if (va == MAP_FAILED) {
		err = -errno;
		snprintf(why, whylen, "Block data buffer of %llu bytes: %s", (unsigned long long)size, strerror(errno));
		return err;
	}
	b->buf = va;
	b->buf_size = size;
	return 0;
}

int
mkx_block_open(struct mkx_block *b, const char *label, size_t buf_size, char *why, size_t whylen)
{
	char args[192];
	int err;

	memset(b, 0, sizeof *b);
	b->memfd = b->kick = b->signal = b->buf_fd = -1;
	/* The client pays for its buffer (Genode: ram_quota covers tx_buf_size). */
	snprintf(args, sizeof args, "label=\"%s\", ram_quota=%zu, tx_buf_size=%zu", label, buf_size + (16u << 10),
	    buf_size);
	if ((err = mkx_session_open(&b->s, "Block", args, why, whylen)))
		return err;
	b->memfd = memfd_create("block-queues", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	b->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	b->signal = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/* Sealed against shrinking: the driver refuses queues that could vanish under its mapping. */
	if (b->memfd < 0 || b->kick < 0 || b->signal < 0 || ftruncate(b->memfd, sizeof *b->q) ||
	    fcntl(b->memfd, F_ADD_SEALS, F_SEAL_SHRINK) ||
	    (b->q = mmap(NULL, sizeof *b->q, PROT_READ | PROT_WRITE, MAP_SHARED, b->memfd, 0)) == MAP_FAILED) {
		err = -errno;
		b->q = NULL;
		snprintf(why, whylen, "Block queues: %s", strerror(errno));
		mkx_block_close(b);
		return err;
	}
	if ((err = attach(b, why, whylen)) || (err = block_info(b))) {
		if (err && !why[0])
			snprintf(why, whylen, "Block info: %s", strerror(-err));
		mkx_block_close(b);
	}
	return err;
}

int
mkx_block_submit(struct mkx_block *b, const struct mkx_block_request *req)
{
	uint32_t tail = atomic_load_explicit(&b->q->req_tail, memory_order_relaxed);

	if (tail - atomic_load_explicit(&b->q->req_head, memory_order_acquire) >= MKX_BLOCK_SLOTS)
		return -EAGAIN;
	b->q->req[tail % MKX_BLOCK_SLOTS] = *req;
	atomic_store_explicit(&b->q->req_tail, tail + 1, memory_order_release);
	return 0;
}

/*
 * The fence orders our queue counters before the driver's flag: either we
 * see it asleep and kick, or it sees what we published when it looks once
 * more before sleeping (mkx/block.h, driver_awake). A kick saved is a
 * system call here and a wake and read there per I/O at depth 1.
 */
void
mkx_block_kick(struct mkx_block *b)
{
	uint64_t one = 1;

	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&b->q->driver_awake, memory_order_relaxed))
		return;
	if (write(b->kick, &one, sizeof one) < 0 && errno != EAGAIN)
		return;
}

int
mkx_block_next_ack(struct mkx_block *b, struct mkx_block_ack *ack, int timeout_ms)
{
	uint32_t head = atomic_load_explicit(&b->q->ack_head, memory_order_relaxed);
	struct pollfd p = { .fd = b->signal, .events = POLLIN };
	uint64_t v;

	while (atomic_load_explicit(&b->q->ack_tail, memory_order_acquire) == head) {
		int rc;

		/*
		 * Nothing queued and no wait asked for: no poll either (a system
		 * call per I/O at depth 1, where the caller looks once more after
		 * each ack). A signal left unread is read by the next wait.
		 */
		if (timeout_ms == 0)
			return 0;
		rc = poll(&p, 1, timeout_ms);

		if (rc < 0 && errno != EINTR)
			return -errno;
		if (rc == 0)
			return 0;
		if (read(b->signal, &v, sizeof v) < 0 && errno != EAGAIN)
			return -errno;
	}
	*ack = b->q->ack[head % MKX_BLOCK_SLOTS];
	atomic_store_explicit(&b->q->ack_head, head + 1, memory_order_release);
	return 1;
}

void
mkx_block_close(struct mkx_block *b)
{
	if (b->q)
		munmap(b->q, sizeof *b->q);
	if (b->buf)
		munmap(b->buf, b->buf_size);
	if (b->memfd >= 0)
		close(b->memfd);
	if (b->kick >= 0)
		close(b->kick);
	if (b->signal >= 0)
		close(b->signal);
	if (b->buf_fd >= 0)
		close(b->buf_fd);
	b->q = NULL;
	b->buf = NULL;
	b->memfd = b->kick = b->signal = b->buf_fd = -1;
	mkx_session_close(&b->s);
}
