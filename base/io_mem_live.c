/* Live IO_MEM session client: every access is a call core executes (see mkx/io_mem.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <mkx/io_mem.h>

int
mkx_io_mem_live_open(struct mkx_io_mem_live *l, uint64_t base, uint64_t size, char *why, size_t whylen)
{
	static __thread struct mkx_msg reply;
	struct mkx_io_mem_range r;
	char args[160];
	int err;

	memset(l, 0, sizeof *l);
	snprintf(args, sizeof args, "ram_quota=6K, base=0x%" PRIx64 ", size=0x%" PRIx64 ", live=yes", base, size);
	err = mkx_session_open(&l->s, "IO_MEM", args, why, whylen);
	if (err)
		return err;
	err = mkx_session_call(&l->s, MKX_IO_MEM_RANGE, NULL, 0, NULL, 0, &reply);
	if (err || reply.hdr.len != sizeof r) {
		snprintf(why, whylen, "IO_MEM live range: %s", err ? strerror(-err) : "malformed reply");
		mkx_msg_close_fds(&reply);
		mkx_session_close(&l->s);
		return err ? err : -EBADMSG;
	}
	mkx_msg_close_fds(&reply);
	memcpy(&r, reply.payload, sizeof r);
	l->base = r.base;
	l->size = r.size;
	return 0;
}

int
mkx_io_mem_live_read(struct mkx_io_mem_live *l, uint64_t addr, unsigned width, uint64_t *v)
{
	static __thread struct mkx_msg reply;
	struct mkx_io_mem_access a = { .addr = addr, .width = width };
	/* Core sends no fds with these replies: nothing to close. */
	int err = mkx_session_call(&l->s, MKX_IO_MEM_READ, &a, sizeof a, NULL, 0, &reply);

	if (err)
		return err;
	if (reply.hdr.len != sizeof *v)
		return -EBADMSG;
	memcpy(v, reply.payload, sizeof *v);
	return 0;
}

int
mkx_io_mem_live_write(struct mkx_io_mem_live *l, uint64_t addr, unsigned width, uint64_t v)
{
	static __thread struct mkx_msg reply;
	struct mkx_io_mem_access a = { .addr = addr, .width = width, .value = v };

	return mkx_session_call(&l->s, MKX_IO_MEM_WRITE, &a, sizeof a, NULL, 0, &reply);
}

void
mkx_io_mem_live_close(struct mkx_io_mem_live *l)
{
	mkx_session_close(&l->s);
}
