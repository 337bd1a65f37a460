/*
 * Test component that misbehaves towards core: garbage, truncated and
 * oversized messages and fd floods on the parent channel, unknown
 * operations, a session nobody routed, too much quota, a broken session
 * socket. After each it checks core still answers, and says so in the log.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>
#include <mkx/session.h>
#include "../common/raw_send.h"

static void
send_junk(const void *buf, size_t len, unsigned nfds)
{
	raw_send(mkx_parent_fd(), buf, len, nfds);
}

/* Core still serves us: a ROM session opens and delivers. */
static int
core_alive(const char *after)
{
	struct mkx_rom rom;

	if (mkx_rom_open(&rom, "config")) {
		mkx_error("core stopped serving after %s", after);
		return 0;
	}
	mkx_rom_close(&rom);
	mkx_log("core still serves after %s", after);
	return 1;
}

int
main(void)
{
	static char big[8192];
	static struct mkx_msg reply;
	struct mkx_msg_hdr h = { .magic = MKX_MAGIC, .version = MKX_PROTO_VERSION,
	    .op = MKX_OP_SESSION_OPEN };
	struct mkx_session s;
	char why[512];
	int ok = 1, err;


	if (mkx_env_init())
		return 1;
	memset(big, 'x', sizeof big);
	send_junk("garbage!", 8, 0);
	ok &= core_alive("garbage");
	send_junk(&h, 10, 3);
	ok &= core_alive("a truncated message with 3 fds");
	send_junk(big, sizeof big, 0);
	ok &= core_alive("an oversized message");
	h.nfds = 0;
	send_junk(&h, sizeof h, 12);
	ok &= core_alive("a flood of 12 fds");
	err = mkx_parent_call(0x77, NULL, 0, &reply);
	mkx_log("unknown operation answered with %d (%s)", err ? err : reply.hdr.status,
	    strerror(-(err ? err : reply.hdr.status)));
	ok &= core_alive("an unknown operation");

	err = mkx_session_open(&s, "Hello", "", why, sizeof why);
	mkx_log("unrouted session: %s: %s", strerror(-err), why);
	ok &= err == -EPERM && core_alive("an unrouted session request");
	err = mkx_session_open(&s, "LOG", "ram_quota=1G", why, sizeof why);
	mkx_log("greedy session: %s: %s", strerror(-err), why);
	ok &= err == -EDQUOT && core_alive("a session over quota");
	err = mkx_session_open(&s, "LOG", "label=\"unterminated", why, sizeof why);
	mkx_log("bad args: %s: %s", strerror(-err), why);
	ok &= err == -EINVAL;

	/* A session socket abused: garbage, then a call with the wrong op. */
	if (mkx_session_open(&s, "ROM", "label=\"config\"", why, sizeof why) == 0) {
		write(s.sock, "junk", 4);
		mkx_session_close(&s);
	}
	ok &= core_alive("garbage on a session socket");

	/*
	 * A client that sends and never reads: core's replies fill our socket;
	 * core must close the session rather than block (everyone would hang).
	 */
	if (mkx_session_open(&s, "ROM", "label=\"config\"", why, sizeof why) == 0) {
		int sent = 0;

		for (int i = 0; i < 5000; i++, sent++)
			if (mkx_rpc_send(s.sock, 0x999, (uint32_t)i, 0, NULL, 0, NULL, 0))
				break;
		mkx_log("flood: %d requests sent before core stopped taking them", sent);
		mkx_session_close(&s);
	}
	ok &= core_alive("a flood of requests whose replies are never read");
	mkx_log(ok ? "rogue: all abuse survived" : "rogue: core misbehaved");
	mkx_exit(ok ? 0 : 1);
}
