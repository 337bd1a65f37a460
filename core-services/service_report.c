/*
 * core's Report service: keeps the newest document of each report name
 * (the last element of the session label) and hands it to the ROM
 * service, which serves it under that name. Bounded: MKX_REPORT_MAX bytes
 * per report, REPORTS_MAX names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/report.h>
#include "core.h"

#define REPORTS_MAX 16

static struct report {
	char	name[128];
	char	*data;
	size_t	len;
} reports[REPORTS_MAX];

const char *
report_get(const char *name, size_t *len)
{
	for (unsigned i = 0; i < REPORTS_MAX; i++)
		if (reports[i].data && !strcmp(reports[i].name, name)) {
			*len = reports[i].len;
			return reports[i].data;
		}
	return NULL;
}

static int
report_open(struct child *client, const char *label, const char *args, void **state,
    char *why, size_t whylen)
{
	const char *name = label, *q;

	(void)client;
	(void)args;
	while ((q = strstr(name, " -> ")))
		name = q + 4;
	if (name == label || !*name || strlen(name) >= sizeof reports[0].name) {
		snprintf(why, whylen, "a Report session needs a label naming the report");
		return -EINVAL;
	}
	*state = strdup(name);
	return *state ? 0 : -ENOMEM;
}

static int
report_call(void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	const char *name = state;
	struct report *slot = NULL;
	uint64_t size;
	char *buf;
	int fd;

	(void)r;
	if (req->hdr.op != MKX_REPORT_SUBMIT)
		return -ENOSYS;
	if (req->hdr.len != sizeof size || req->hdr.nfds != 1)
		return -EINVAL;
	memcpy(&size, req->payload, sizeof size);
	if (size > MKX_REPORT_MAX)
		return -EFBIG;
	buf = malloc(size + 1);
	if (!buf)
		return -ENOMEM;
	fd = req->fds[0];
	if (pread(fd, buf, size, 0) != (ssize_t)size) {
		free(buf);
		return -EIO;
	}
	buf[size] = 0;
	for (unsigned i = 0; i < REPORTS_MAX && !slot; i++)
		if (reports[i].data && !strcmp(reports[i].name, name))
			slot = &reports[i];
	for (unsigned i = 0; i < REPORTS_MAX && !slot; i++)
		if (!reports[i].data)
			slot = &reports[i];
	if (!slot) {
		free(buf);
		return -ENOSPC;
	}
	free(slot->data);
	strcpy(slot->name, name);
	slot->data = buf;
	slot->len = size;
	core_log("report \"%s\" published (%zu bytes); served as ROM \"%s\"", name, (size_t)size, name);
	return 0;
}

static void
report_close(void *state)
{
	free(state);
}

const struct core_service service_report = {
	.name = "Report", .open = report_open, .call = report_call, .close = report_close,
};
