/* Report session client (see mkx/report.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/report.h>

int
mkx_report_open(struct mkx_report *r, const char *name, char *why, size_t whylen)
{
	char args[160];

	snprintf(args, sizeof args, "label=\"%s\", ram_quota=8K", name);
	return mkx_session_open(&r->s, "Report", args, why, whylen);
}

int
mkx_report_submit(struct mkx_report *r, const void *data, size_t len)
{
	static __thread struct mkx_msg reply;
	uint64_t size = len;
	int fd, err;

	if (len > MKX_REPORT_MAX)
		return -EFBIG;
	/* core reads only a memfd sealed against change (service_report.c): nothing can stall it. */
	fd = memfd_create("report", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
		close(fd);
		return -EIO;
	}
	err = mkx_session_call(&r->s, MKX_REPORT_SUBMIT, &size, sizeof size, &fd, 1, &reply);
	close(fd);
	mkx_msg_close_fds(&reply);
	return err;
}

void
mkx_report_close(struct mkx_report *r)
{
	mkx_session_close(&r->s);
}
