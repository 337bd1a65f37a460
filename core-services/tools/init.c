/*
 * init: a nested init (docs/nested-init.md). An unprivileged component:
 * it reads its "config" ROM (its <start>'s inline <config>, or whatever
 * ROM its routes give it for "config", e.g. drivers.config) and hands
 * each version to core (MKX_OP_NESTED_CONFIG, the text in a memfd). Core,
 * the only process that may start processes with a uid of their own,
 * checks the config against what this init was given (RAM, routes, no
 * hardware policies, no loop of inits) and starts and stops its children;
 * a refused version is logged here too and the running one stays. With
 * <report> in its config, core sends the state of its children after each
 * change (Genode's <state> format), which it publishes as report "state".
 * When this process ends, however it ends, core stops its children.
 *
 * Only libmkx: a component like any other (tools/ holds it for its build
 * rule: one file, one binary, named "init" as Genode names init's ROM).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/report.h>
#include <mkx/rom.h>
#include <mkx/rpc.h>

static uint32_t seq = 1;

/* Core's <state> report of this init's children (its config has <report>): published as report "state". */
static void
publish_state(const struct mkx_msg *m)
{
	static struct mkx_report rep;
	static int open;
	char why[256];
	int rc;

	if (!m->hdr.len || m->payload[m->hdr.len - 1])
		return;
	if (!open && (rc = mkx_report_open(&rep, "state", why, sizeof why))) {
		mkx_error("Report \"state\" denied: %s", why);
		return;
	}
	open = 1;
	if ((rc = mkx_report_submit(&rep, m->payload, m->hdr.len - 1)))
		mkx_error("state report: %s", strerror(-rc));
}

/* Hand this version of the config to core. 0 or -errno. */
static int
send_config(const struct mkx_rom *rom)
{
	size_t len = strnlen(rom->data ? rom->data : "", rom->size), done = 0;
	int fd = memfd_create("config", MFD_CLOEXEC), rc;

	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t n = write(fd, rom->data + done, len - done);

		if (n <= 0) {
			close(fd);
			return n < 0 ? -errno : -EIO;
		}
		done += (size_t)n;
	}
	rc = mkx_rpc_send(mkx_parent_fd(), MKX_OP_NESTED_CONFIG, seq++, 0, "config", 7, &fd, 1);
	close(fd);
	return rc;
}

int
main(void)
{
	struct mkx_rom rom;
	int rc;

	if (mkx_env_init())
		return 1;
	/* As Genode's init: a config ROM that is not there yet (a report not published) is waited for. */
	for (unsigned t = 0; (rc = mkx_rom_try_open(&rom, "config")); t++) {
		if (rc != -ENOENT) {
			mkx_error("no config ROM: %s", strerror(-rc));
			mkx_exit(1);
		}
		if (t == 0)
			mkx_log("waiting for its config ROM");
		usleep(100 * 1000);
	}
	if ((rc = send_config(&rom)))
		mkx_error("cannot hand the config to core: %s", strerror(-rc));
	for (;;) {
		struct pollfd p[2] = { { rom.sigfd, POLLIN, 0 }, { mkx_parent_fd(), POLLIN, 0 } };
		struct mkx_msg m;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			mkx_exit(1);
		}
		if (p[0].revents) {
			if ((rc = mkx_rom_update(&rom)))
				mkx_error("config ROM update: %s", strerror(-rc));
			else if ((rc = send_config(&rom)))
				mkx_error("cannot hand the config to core: %s", strerror(-rc));
		}
		if (p[1].revents & (POLLHUP | POLLERR))
			mkx_exit(1);	/* core is gone */
		while (p[1].revents && (rc = mkx_parent_next(&m, 0)) == 0) {
			if (m.hdr.op == MKX_OP_NESTED_CONFIG && m.hdr.status)
				mkx_log("config refused: %.*s", (int)m.hdr.len, (char *)m.payload);
			else if (m.hdr.op == MKX_OP_NESTED_CONFIG)
				mkx_log("config applied");
			else if (m.hdr.op == MKX_OP_NESTED_STATE)
				publish_state(&m);
			mkx_msg_close_fds(&m);
		}
		if (rc == -ECONNRESET)
			mkx_exit(1);
	}
}
