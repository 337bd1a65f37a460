/*
 * hello_server: provides the "Hello" service. Its config sets the
 * greeting: <config greeting="Hello"/>. Serves until core ends it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>
#include <mkx/server.h>
#include "hello.h"

struct hello {
	char		greeting[64];
	unsigned	served;
};

struct hello_session {
	char		label[128];
};

static int
hello_open(void *ctx, const char *label, const char *args, void **state, char *why, size_t whylen)
{
	struct hello_session *s = calloc(1, sizeof *s);

	(void)ctx;
	(void)args;
	if (!s) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	snprintf(s->label, sizeof s->label, "%s", label);
	mkx_log("session opened by \"%s\"", label);
	*state = s;
	return 0;
}

static int
hello_call(void *ctx, void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	struct hello *h = ctx;
	struct hello_session *s = state;
	int n;

	if (req->hdr.op != HELLO_SAY)
		return -ENOSYS;
	n = snprintf((char *)r->payload, sizeof r->payload, "%s, %.*s! (greeting #%u)",
	    h->greeting, (int)req->hdr.len, (char *)req->payload, ++h->served);
	r->len = (size_t)n + 1;
	mkx_log("\"%s\" asked to greet \"%.*s\"", s->label, (int)req->hdr.len, (char *)req->payload);
	return 0;
}

static void
hello_close(void *ctx, void *state)
{
	struct hello_session *s = state;

	(void)ctx;
	mkx_log("session of \"%s\" closed", s->label);
	free(s);
}

int
main(void)
{
	static struct hello h = { .greeting = "Hello" };
	static struct mkx_service svc = {
		.name = "Hello", .ctx = &h,
		.open = hello_open, .call = hello_call, .close = hello_close,
	};
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	int err;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (cfg && mkx_xml_attr(cfg, "greeting"))
		snprintf(h.greeting, sizeof h.greeting, "%s", mkx_xml_attr(cfg, "greeting"));
	mkx_xml_free(cfg);
	err = mkx_server_announce(&svc);
	if (err) {
		mkx_error("cannot announce \"Hello\": %s", strerror(-err));
		return 1;
	}
	mkx_log("announced \"Hello\" with greeting \"%s\"", h.greeting);
	for (;;) {
		err = mkx_server_dispatch(-1);
		if (err == -ECONNRESET)
			return 0;	/* core is gone */
	}
}
