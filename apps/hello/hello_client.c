/*
 * hello_client: uses the "Hello" service that core routes to a server.
 * <config name="world" count="2" wait_ms="0" sessions="1"/> says whom to
 * greet, how often, how long to wait before starting, and in how many
 * sessions one after the other (each closed before the next is opened).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>
#include <mkx/session.h>
#include "hello.h"

/* One Hello session: count greetings, then closed. */
static int
greet(const char *name, unsigned long count)
{
	static struct mkx_msg reply;
	struct mkx_session s;
	char why[512];
	int err;

	err = mkx_session_open(&s, "Hello", "label=\"greeter\", ram_quota=4K", why, sizeof why);
	if (err) {
		mkx_error("Hello session denied: %s", why);
		return err;
	}
	for (unsigned long i = 0; i < count; i++) {
		err = mkx_session_call(&s, HELLO_SAY, name, strlen(name), NULL, 0, &reply);
		if (err) {
			mkx_error("HELLO_SAY failed: %s", strerror(-err));
			mkx_session_close(&s);
			return err;
		}
		mkx_log("server says: %.*s", (int)reply.hdr.len, (char *)reply.payload);
	}
	mkx_session_close(&s);
	return 0;
}

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	char name[64] = "world";
	unsigned long count = 1, sessions = 1;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (!cfg)
		mkx_exit(1);
	if (mkx_xml_attr(cfg, "name"))
		snprintf(name, sizeof name, "%s", mkx_xml_attr(cfg, "name"));
	if (mkx_xml_attr_ulong(cfg, "count", 1, &count) == -EINVAL) {
		mkx_error("config: count=\"%s\" is not a number", mkx_xml_attr(cfg, "count"));
		mkx_exit(1);
	}
	{
		unsigned long wait_ms = 0;	/* lets tests order events */

		mkx_xml_attr_ulong(cfg, "wait_ms", 0, &wait_ms);
		usleep(wait_ms * 1000);
	}
	if (mkx_xml_attr_ulong(cfg, "sessions", 1, &sessions) == -EINVAL) {
		mkx_error("config: sessions=\"%s\" is not a number", mkx_xml_attr(cfg, "sessions"));
		mkx_exit(1);
	}
	mkx_xml_free(cfg);

	for (unsigned long k = 0; k < sessions; k++)
		if (greet(name, count))
			mkx_exit(1);
	mkx_log("done");
	mkx_exit(0);
}
