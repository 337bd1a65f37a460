/* Platform session client (see mkx/platform.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <mkx/platform.h>

static void
reason(const struct mkx_msg *m, char *why, size_t whylen)
{
	if (why && whylen)
		snprintf(why, whylen, "%.*s", (int)strnlen((const char *)m->payload, m->hdr.len), (const char *)m->payload);
}

int
mkx_platform_open(struct mkx_platform *p, const char *label, char *why, size_t whylen)
{
	return mkx_platform_open_ram(p, label, MKX_PLATFORM_RAM, why, whylen);
}

int
mkx_platform_open_ram(struct mkx_platform *p, const char *label, unsigned long ram_quota, char *why, size_t whylen)
{
	char args[192];

	snprintf(args, sizeof args, "label=\"%s\", ram_quota=%lu", label, ram_quota);
	return mkx_session_open(&p->s, "Platform", args, why, whylen);
}

void
mkx_platform_close(struct mkx_platform *p)
{
	mkx_session_close(&p->s);
}

int
mkx_platform_devices(struct mkx_platform *p, char **xml, size_t *len)
{
	static __thread struct mkx_msg m;
	uint64_t size;
	char *buf;
	int fd, err = mkx_session_call(&p->s, MKX_PLATFORM_DEVICES, NULL, 0, NULL, 0, &m);

	if (err)
		return err;
	if (m.hdr.len != 8 || m.hdr.nfds != 1) {
		mkx_msg_close_fds(&m);
		return -EBADMSG;
	}
	memcpy(&size, m.payload, 8);
	fd = mkx_msg_take_fd(&m, 0);
	if (size > (1u << 20) || !(buf = malloc(size + 1))) {
		close(fd);
		return -ENOMEM;
	}
	if (pread(fd, buf, size, 0) != (ssize_t)size) {
		free(buf);
		close(fd);
		return -EIO;
	}
	close(fd);
	buf[size] = 0;
	*xml = buf;
	*len = size;
	return 0;
}

int
mkx_platform_acquire(struct mkx_platform *p, const char *name, char *why, size_t whylen)
{
	static __thread struct mkx_msg m;
	int err = mkx_session_call(&p->s, MKX_PLATFORM_ACQUIRE, name, strlen(name) + 1, NULL, 0, &m);

	if (err)
		reason(&m, why, whylen);
	mkx_msg_close_fds(&m);
	return err;
}

int
mkx_platform_release(struct mkx_platform *p, const char *name)
{
	static __thread struct mkx_msg m;
	int err = mkx_session_call(&p->s, MKX_PLATFORM_RELEASE, name, strlen(name) + 1, NULL, 0, &m);

	mkx_msg_close_fds(&m);
	return err;
}

/*
 * One resource op (IO_MEM, IRQ, IO_PORT) of device name: its reply carries
 * exactly one fd (and, for want_len != ANY_LEN, a payload of that size).
 * Returns the fd (m holds the payload), or -errno with why.
 */
#define ANY_LEN	((size_t)-1)

static int
resource_fd(struct mkx_platform *p, uint16_t op, const char *name, unsigned idx, uint32_t flags,
    size_t want_len, struct mkx_msg *m, char *why, size_t whylen)
{
	struct mkx_platform_res r = { .index = idx, .flags = flags };
	int err;

	snprintf(r.name, sizeof r.name, "%s", name);
	err = mkx_session_call(&p->s, op, &r, sizeof r, NULL, 0, m);
	if (err) {
		reason(m, why, whylen);
		mkx_msg_close_fds(m);
		return err;
	}
	if ((want_len != ANY_LEN && m->hdr.len != want_len) || m->hdr.nfds != 1) {
		mkx_msg_close_fds(m);
		snprintf(why, whylen, "malformed reply");
		return -EBADMSG;
	}
	return mkx_msg_take_fd(m, 0);
}

static int
io_mem(struct mkx_platform *p, const char *name, unsigned idx, uint32_t flags, struct mkx_io_mem *io,
    char *why, size_t whylen)
{
	static __thread struct mkx_msg m;
	int err, prot, fd;

	memset(io, 0, sizeof *io);
	io->fd = -1;
	io->s.sock = -1;	/* the session is the platform driver's, not ours */
	fd = resource_fd(p, MKX_PLATFORM_IO_MEM, name, idx, flags, sizeof io->ds, &m, why, whylen);
	if (fd < 0)
		return fd;
	memcpy(&io->ds, m.payload, sizeof io->ds);
	io->fd = fd;
	prot = PROT_READ | (io->ds.flags & MKX_IO_MEM_READONLY ? 0 : PROT_WRITE);
	io->map = mmap(NULL, io->ds.length, prot, MAP_SHARED, io->fd, (off_t)io->ds.offset);
	if (io->map == MAP_FAILED) {
		err = -errno;
		snprintf(why, whylen, "mmap: %s", strerror(errno));
		io->map = NULL;
		mkx_io_mem_close(io);
		return err;
	}
	io->va = (uint8_t *)io->map + io->ds.page_offset;
	return 0;
}

int
mkx_platform_io_mem(struct mkx_platform *p, const char *name, unsigned idx, struct mkx_io_mem *io,
    char *why, size_t whylen)
{
	return io_mem(p, name, idx, 0, io, why, whylen);
}

int
mkx_platform_io_mem_wc(struct mkx_platform *p, const char *name, unsigned idx, struct mkx_io_mem *io,
    char *why, size_t whylen)
{
	return io_mem(p, name, idx, MKX_PLATFORM_WC, io, why, whylen);
}

static int
irq_of(struct mkx_platform *p, const char *name, unsigned idx, uint32_t flags, struct mkx_irq *irq,
    char *why, size_t whylen)
{
	static __thread struct mkx_msg m;
	int sock = resource_fd(p, MKX_PLATFORM_IRQ, name, idx, flags, ANY_LEN, &m, why, whylen);

	return sock < 0 ? sock : mkx_irq_attach(irq, sock, MKX_IRQ_ACK_AUTO, why, whylen);
}

int
mkx_platform_irq(struct mkx_platform *p, const char *name, unsigned idx, struct mkx_irq *irq,
    char *why, size_t whylen)
{
	return irq_of(p, name, idx, 0, irq, why, whylen);
}

int
mkx_platform_irq_intx(struct mkx_platform *p, const char *name, unsigned idx, struct mkx_irq *irq,
    char *why, size_t whylen)
{
	return irq_of(p, name, idx, MKX_PLATFORM_INTX, irq, why, whylen);
}

int
mkx_platform_io_port(struct mkx_platform *p, const char *name, unsigned idx, struct mkx_io_port *io,
    char *why, size_t whylen)
{
	static __thread struct mkx_msg m;
	int sock = resource_fd(p, MKX_PLATFORM_IO_PORT, name, idx, 0, ANY_LEN, &m, why, whylen);

	return sock < 0 ? sock : mkx_io_port_attach(io, sock, why, whylen);
}

int
mkx_platform_sigh(struct mkx_platform *p, int *fd)
{
	static __thread struct mkx_msg m;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), err;

	if (efd < 0)
		return -errno;
	err = mkx_session_call(&p->s, MKX_PLATFORM_SIGH, NULL, 0, &efd, 1, &m);
	mkx_msg_close_fds(&m);
	if (err) {
		close(efd);
		return err;
	}
	*fd = efd;
	return 0;
}

/* used= of device name in the session's document: 1, 0, or -ENOENT if the document has no such device. */
static int
device_used(struct mkx_platform *p, const char *name)
{
	char *xml, pat[96], *d, *end;
	size_t len;
	int err = mkx_platform_devices(p, &xml, &len), used;

	if (err)
		return err;
	snprintf(pat, sizeof pat, "<device name=\"%s\"", name);
	if (!(d = strstr(xml, pat)) || !(end = strchr(d, '>'))) {
		free(xml);
		return -ENOENT;
	}
	*end = 0;
	used = strstr(d, "used=\"true\"") != NULL;
	free(xml);
	return used;
}

int
mkx_platform_acquire_wait(struct mkx_platform *p, int sigfd, const char *name, int timeout_ms, unsigned *requests,
    char *why, size_t whylen)
{
	struct pollfd pfd = { sigfd, POLLIN, 0 };
	struct timespec t0, t1;
	uint64_t v;
	int err, used, rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		(*requests)++;
		if ((err = mkx_platform_acquire(p, name, why, whylen)) != -EBUSY)
			return err;
		/* Busy: no further request until the document says the device is free (Genode's acquire). */
		do {
			int left;

			clock_gettime(CLOCK_MONOTONIC, &t1);
			left = timeout_ms - (int)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
			if (left <= 0)
				return -ETIMEDOUT;
			if ((rc = poll(&pfd, 1, left)) < 0 && errno != EINTR)
				return -errno;
			if (rc == 0)
				return -ETIMEDOUT;
			while (read(sigfd, &v, sizeof v) == sizeof v)
				;
			if ((used = device_used(p, name)) < 0) {
				snprintf(why, whylen, "%s left this session's devices document while waiting", name);
				return used == -ENOENT ? -EPERM : used;
			}
		} while (used);
	}
}

int
mkx_platform_acquire_any(struct mkx_platform *p, const char *type, char *name, size_t namelen, char *why,
    size_t whylen)
{
	static __thread struct mkx_msg m;
	const char *t = type ? type : "";
	int err = mkx_session_call(&p->s, MKX_PLATFORM_ACQUIRE_ANY, t, strlen(t) + 1, NULL, 0, &m);

	if (err)
		reason(&m, why, whylen);
	else
		snprintf(name, namelen, "%.*s", (int)strnlen((const char *)m.payload, m.hdr.len), (const char *)m.payload);
	mkx_msg_close_fds(&m);
	return err;
}
