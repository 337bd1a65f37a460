/* IO_MEM session client (see mkx/io_mem.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/io_mem.h>

int
mkx_io_mem_open(struct mkx_io_mem *m, uint64_t base, uint64_t size, int wc,
    char *why, size_t whylen)
{
	static __thread struct mkx_msg reply;
	char args[160];
	int err, prot;

	memset(m, 0, sizeof *m);
	m->fd = -1;
	snprintf(args, sizeof args, "ram_quota=6K, base=0x%" PRIx64 ", size=0x%" PRIx64 ", wc=%s",
	    base, size, wc ? "yes" : "no");
	err = mkx_session_open(&m->s, "IO_MEM", args, why, whylen);
	if (err)
		return err;
	err = mkx_session_call(&m->s, MKX_IO_MEM_DATASPACE, NULL, 0, NULL, 0, &reply);
	if (err || reply.hdr.len != sizeof m->ds || reply.hdr.nfds != 1) {
		snprintf(why, whylen, "IO_MEM dataspace: %s", err ? strerror(-err) : "malformed reply");
		mkx_msg_close_fds(&reply);
		mkx_session_close(&m->s);
		return err ? err : -EBADMSG;
	}
	memcpy(&m->ds, reply.payload, sizeof m->ds);
	m->fd = mkx_msg_take_fd(&reply, 0);
	prot = PROT_READ | (m->ds.flags & MKX_IO_MEM_READONLY ? 0 : PROT_WRITE);
	m->map = mmap(NULL, m->ds.length, prot, MAP_SHARED, m->fd, (off_t)m->ds.offset);
	if (m->map == MAP_FAILED) {
		err = -errno;
		snprintf(why, whylen, "mmap of the IO_MEM dataspace: %s", strerror(errno));
		m->map = NULL;
		mkx_io_mem_close(m);
		return err;
	}
	m->base = base;
	m->size = size;
	m->va = (uint8_t *)m->map + m->ds.page_offset;
	return 0;
}

int
mkx_io_mem_holder(struct mkx_io_mem *m, struct mkx_io_mem_holder *h)
{
	static __thread struct mkx_msg reply;
	int err = mkx_session_call(&m->s, MKX_IO_MEM_HOLDERS, NULL, 0, NULL, 0, &reply);

	mkx_msg_close_fds(&reply);
	if (err)
		return err;
	if (reply.hdr.len != sizeof *h)
		return -EBADMSG;
	memcpy(h, reply.payload, sizeof *h);
	h->name[sizeof h->name - 1] = 0;
	h->what[sizeof h->what - 1] = 0;
	return h->pid < 0 ? -EBADMSG : 0;
}

int
mkx_io_mem_running(struct mkx_io_mem *m, const char *name, int32_t *pid)
{
	static __thread struct mkx_msg reply;
	int err = mkx_session_call(&m->s, MKX_IO_MEM_RUNNING, name, strlen(name) + 1, NULL, 0, &reply);

	mkx_msg_close_fds(&reply);
	if (err)
		return err;
	if (reply.hdr.len != sizeof *pid)
		return -EBADMSG;
	memcpy(pid, reply.payload, sizeof *pid);
	return *pid < 0 ? -EBADMSG : 0;
}

void
mkx_io_mem_close(struct mkx_io_mem *m)
{
	if (m->map)
		munmap(m->map, m->ds.length);
	if (m->fd >= 0)
		close(m->fd);
	m->map = NULL;
	m->va = NULL;
	m->fd = -1;
	mkx_session_close(&m->s);
}
