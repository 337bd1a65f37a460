/* Nic session client (see mkx/nic.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/nic.h>

int
mkx_nic_info(struct mkx_nic *n)
{
	static __thread struct mkx_msg reply;
	int err = mkx_session_call(&n->s, MKX_NIC_INFO, NULL, 0, NULL, 0, &reply);

	mkx_msg_close_fds(&reply);
	if (err)
		return err;
	if (reply.hdr.len != sizeof n->info)
		return -EBADMSG;
	memcpy(&n->info, reply.payload, sizeof n->info);
	return 0;
}

int
mkx_nic_open(struct mkx_nic *n, const char *label, char *why, size_t whylen)
{
	static __thread struct mkx_msg reply;
	char args[160];
	int fds[3], err;

	memset(n, 0, sizeof *n);
	n->memfd = n->kick = n->signal = -1;
	snprintf(args, sizeof args, "label=\"%s\", ram_quota=8K", label);
	if ((err = mkx_session_open(&n->s, "Nic", args, why, whylen)))
		return err;
	n->memfd = memfd_create("nic-shm", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	n->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	n->signal = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/* Sealed against shrinking: the driver refuses rings that could vanish under its mapping. */
	if (n->memfd < 0 || n->kick < 0 || n->signal < 0 || ftruncate(n->memfd, sizeof *n->shm) ||
	    fcntl(n->memfd, F_ADD_SEALS, F_SEAL_SHRINK) ||
	    (n->shm = mmap(NULL, sizeof *n->shm, PROT_READ | PROT_WRITE, MAP_SHARED, n->memfd, 0)) == MAP_FAILED) {
		err = -errno;
		n->shm = NULL;
		snprintf(why, whylen, "Nic shared memory: %s", strerror(errno));
		mkx_nic_close(n);
		return err;
	}
	fds[0] = n->memfd;
	fds[1] = n->kick;
	fds[2] = n->signal;
	err = mkx_session_call(&n->s, MKX_NIC_ATTACH, NULL, 0, fds, 3, &reply);
	mkx_msg_close_fds(&reply);
	if (err && err != -ECONNRESET && reply.hdr.len > 1 && reply.hdr.len <= sizeof reply.payload) {
		/* the driver's reason */
		reply.payload[reply.hdr.len - 1] = 0;
		snprintf(why, whylen, "Nic attach: %s: %s", strerror(-err), (char *)reply.payload);
		mkx_nic_close(n);
		return err;
	}
	if (!err)
		err = mkx_nic_info(n);
	if (err) {
		snprintf(why, whylen, "Nic attach: %s", strerror(-err));
		mkx_nic_close(n);
	}
	return err;
}

int
mkx_nic_send(struct mkx_nic *n, const void *frame, size_t len)
{
	struct mkx_nic_ring *r = &n->shm->tx;
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	struct mkx_nic_slot *s;

	if (len > MKX_NIC_MTU_FRAME)
		return -EINVAL;
	if (tail - atomic_load_explicit(&r->head, memory_order_acquire) >= MKX_NIC_SLOTS)
		return -EAGAIN;
	s = &r->slot[tail % MKX_NIC_SLOTS];
	memcpy(s->data, frame, len);
	s->len = (uint32_t)len;
	atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
	return 0;
}

void
mkx_nic_kick(struct mkx_nic *n)
{
	uint64_t one = 1;

	if (write(n->kick, &one, sizeof one) < 0 && errno != EAGAIN)
		return;
}

int
mkx_nic_recv(struct mkx_nic *n, void *buf, size_t max, int timeout_ms)
{
	struct mkx_nic_ring *r = &n->shm->rx;
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed), len;
	struct pollfd p = { .fd = n->signal, .events = POLLIN };
	uint64_t v;

	while (atomic_load_explicit(&r->tail, memory_order_acquire) == head) {
		int rc = poll(&p, 1, timeout_ms);

		if (rc < 0 && errno != EINTR)
			return -errno;
		if (rc == 0)
			return 0;
		if (read(n->signal, &v, sizeof v) < 0 && errno != EAGAIN)
			return -errno;
	}
	len = r->slot[head % MKX_NIC_SLOTS].len;
	if (len > MKX_NIC_SLOT_SIZE - 4)
		len = MKX_NIC_SLOT_SIZE - 4;
	if (len > max)
		len = (uint32_t)max;
	memcpy(buf, r->slot[head % MKX_NIC_SLOTS].data, len);
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
	return (int)len;
}

void
mkx_nic_close(struct mkx_nic *n)
{
	if (n->shm)
		munmap(n->shm, sizeof *n->shm);
	if (n->memfd >= 0)
		close(n->memfd);
	if (n->kick >= 0)
		close(n->kick);
	if (n->signal >= 0)
		close(n->signal);
	n->shm = NULL;
	n->memfd = n->kick = n->signal = -1;
	mkx_session_close(&n->s);
}
