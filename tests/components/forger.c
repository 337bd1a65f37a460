/*
 * Test component that tries to forge core's console lines (issue 10,
 * finding 8): the markers the QEMU runner trusts ("MKX-POWEROFF", core's
 * "[init] child ... exited") written straight to its stdout and stderr,
 * and hidden behind newlines, carriage returns, escape sequences, C1
 * controls (raw and UTF-8 encoded) and invalid UTF-8 in a LOG line, a
 * session label, a service name, session arguments and an announcement.
 * core must print every one of them inside a line of its own, escaped.
 * <config mode="long_label"/>: asks for a LOG session whose full label
 * ("<start name> -> <127 characters>") is longer than core keeps (finding 11).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>
#include <mkx/session.h>

#define FORGED "MKX-POWEROFF status=0"
#define FORGED_EXIT "[init] child \"x\" exited with exit value 0"

static void
say(const char *s)
{
	/* stderr is core's pipe: the path that works before any session does. */
	if (write(STDERR_FILENO, s, strlen(s)) < 0)
		_exit(3);
}

static int
long_label(void)
{
	struct mkx_session s;
	char args[200], label[128], why[512];

	memset(label, 'a', 127);
	label[127] = 0;
	snprintf(args, sizeof args, "label=\"%s\"", label);
	if (mkx_session_open(&s, "LOG", args, why, sizeof why)) {
		dprintf(STDERR_FILENO, "long label denied: %s\n", why);
		return 0;
	}
	say("long label granted\n");
	return 1;
}

int
main(void)
{
	static const char line[] = "ok\n" FORGED "\n" FORGED_EXIT "\r\033[2K\033[31mred"
	    " C1-utf8:\xc2\x85 C1-raw:\x85 bad:\xff\xfe overlong:\xc0\xaf surrogate:\xed\xa0\x80"
	    " nul:\0 del:\x7f fine:\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
	struct mkx_session s, t;
	struct mkx_msg reply;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	const char *mode;
	char why[512];

	/* Before any session: straight to fd 1 and 2, as a crashing component would. */
	printf(FORGED "\n");
	fflush(stdout);
	say(FORGED_EXIT "\n");
	say("\r" FORGED "\xc2\x85" FORGED "\n");
	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	mode = cfg ? mkx_xml_attr(cfg, "mode") : NULL;
	if (mode && !strcmp(mode, "long_label"))
		return long_label() ? 1 : 0;

	if (mkx_session_open(&s, "LOG", "label=\"x\n" FORGED "\"", why, sizeof why))
		return 2;
	mkx_session_call(&s, MKX_LOG_WRITE, line, sizeof line - 1, NULL, 0, &reply);
	mkx_session_close(&s);
	/* core names these in its own lines: the denials and the refusal. */
	mkx_session_open(&t, "Nic\n" FORGED, "", why, sizeof why);
	mkx_session_open(&t, "LOG", "label=\"y\", ram_quota=\n" FORGED, why, sizeof why);
	mkx_parent_call(MKX_OP_ANNOUNCE, "Nic\n" FORGED, sizeof("Nic\n" FORGED), &reply);
	mkx_log("forger done");
	say("last words without a newline");
	return 0;
}
