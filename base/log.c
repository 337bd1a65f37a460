/* LOG session client (see mkx/log.h). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/session.h>

static struct mkx_session log_session = { .sock = -1 };
static int log_failed;

static void
log_line(const char *line, size_t len)
{
	static __thread struct mkx_msg reply;

	if (log_session.sock < 0 && !log_failed) {
		char why[256];

		if (mkx_session_open(&log_session, "LOG", "label=\"\"", why, sizeof why)) {
			log_failed = 1;
			fprintf(stderr, "[%s] no LOG session (%s); logging to stderr\n",
			    mkx_label(), why);
		}
	}
	if (log_session.sock >= 0 &&
	    mkx_session_call(&log_session, MKX_LOG_WRITE, line, len, NULL, 0, &reply) == 0)
		return;
	fprintf(stderr, "[%s] %.*s\n", mkx_label(), (int)len, line);
}

static void
log_text(const char *prefix, const char *fmt, va_list ap)
{
	char buf[8192];
	size_t plen = strlen(prefix);
	int n;
	const char *p;

	memcpy(buf, prefix, plen);
	n = vsnprintf(buf + plen, sizeof buf - plen, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf - plen)
		/* Say so rather than truncate silently. */
		snprintf(buf + sizeof buf - 32, 32, "... [message truncated]");
	p = buf;
	while (*p) {
		size_t len = strcspn(p, "\n");

		while (len > MKX_LOG_LINE_MAX) {
			log_line(p, MKX_LOG_LINE_MAX);
			p += MKX_LOG_LINE_MAX;
			len -= MKX_LOG_LINE_MAX;
		}
		log_line(p, len);
		p += len;
		if (*p == '\n')
			p++;
	}
}

void
mkx_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_text("", fmt, ap);
	va_end(ap);
}

void
mkx_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_text("Error: ", fmt, ap);
	va_end(ap);
}

void
mkx_log_flush(void)
{
}
