/*
 * core's LOG service: one line per call, printed as "[init -> label] text".
 * Control characters other than tab are shown as '?', so a client cannot
 * forge other components' lines or drive the terminal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/log.h>
#include "core.h"

void
core_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("[init] ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
	va_end(ap);
}

static int
log_open(struct child *client, const char *label, const char *args, void **state,
    char *why, size_t whylen)
{
	(void)client;
	(void)args;
	(void)why;
	(void)whylen;
	*state = strdup(label);
	return *state ? 0 : -ENOMEM;
}

static int
log_call(void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	char line[MKX_LOG_LINE_MAX + 1];
	size_t n = req->hdr.len;

	(void)r;
	if (req->hdr.op != MKX_LOG_WRITE)
		return -ENOSYS;
	if (n > MKX_LOG_LINE_MAX)
		return -EMSGSIZE;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = req->payload[i];

		line[i] = (ch < 0x20 && ch != '\t') || ch == 0x7f ? '?' : (char)ch;
	}
	line[n] = 0;
	printf("[init -> %s] %s\n", (char *)state, line);
	fflush(stdout);
	return 0;
}

static void
log_close(void *state)
{
	free(state);
}

const struct core_service service_log = {
	.name = "LOG", .open = log_open, .call = log_call, .close = log_close,
};
