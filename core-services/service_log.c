/*
 * core's LOG service: one line per call, printed as "[init -> label] text",
 * and core_log, core's own "[init] ..." lines. Both go through output.c,
 * which escapes client text (a label, a service name, a line) so that it
 * can neither start a line of its own nor drive the terminal, and which
 * never blocks on a slow console.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/log.h>
#include "core.h"
#include "output.h"

void
core_log(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof msg)
		memcpy(msg + sizeof msg - 4, "...", 4);	/* say it was cut */
	/* The whole message is escaped: its %s are often a child's words. */
	out_line(OUT_CORE, NULL, msg, strlen(msg));
}

struct log_state {
	int	owner;		/* the client's index, for its share of the output queue */
	char	label[];
};

static int
log_open(struct child *client, const char *label, const char *args, void **state,
    char *why, size_t whylen)
{
	struct log_state *st = malloc(sizeof *st + strlen(label) + 1);

	(void)args;
	(void)why;
	(void)whylen;
	if (!st)
		return -ENOMEM;
	st->owner = (int)(client - child_table);
	strcpy(st->label, label);
	*state = st;
	return 0;
}

static int
log_call(void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	struct log_state *st = state;

	(void)r;
	if (req->hdr.op != MKX_LOG_WRITE)
		return -ENOSYS;
	if (req->hdr.len > MKX_LOG_LINE_MAX)
		return -EMSGSIZE;
	/* A line the console cannot take now is dropped and counted, not waited for. */
	out_line(st->owner, st->label, (const char *)req->payload, req->hdr.len);
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
