/*
 * Test component: hands core fds and files that would block it (issue 10,
 * finding 5). <config attack="..." value="N"/>:
 *   pipe          a full, blocking pipe as ROM update signal fd
 *   full_eventfd  a blocking eventfd whose counter is full as signal fd
 *   fifo          asks for ROM "fifo", a FIFO in core's ROM directory
 * After the attack it waits for its config ROM to change (the test sends
 * SIGHUP) and logs "updated value=N": core delivered the update and still
 * serves. Each step is logged.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

/* A pipe whose buffer is full; the write end blocking again, as handed to core. */
static int
full_pipe(void)
{
	static char junk[4096];
	int p[2];

	if (pipe(p))
		return -1;
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	while (write(p[1], junk, sizeof junk) > 0)
		;
	fcntl(p[1], F_SETFL, 0);
	return p[1];	/* the read end stays open, unread */
}

static int
full_eventfd(void)
{
	uint64_t v = 0xfffffffffffffffeULL;
	int fd = eventfd(0, EFD_CLOEXEC);	/* blocking */

	if (fd >= 0 && write(fd, &v, sizeof v) != sizeof v)
		return -1;
	return fd;
}

/* On a second config ROM session: the first keeps its good eventfd for the update. */
static int
attack_sigh(struct mkx_rom *cfg, const char *what, int fd)
{
	static struct mkx_msg reply;
	int err;

	if (fd < 0 || mkx_rom_open(cfg, "config")) {
		mkx_error("cannot make %s", what);
		return -1;
	}
	err = mkx_session_call(&cfg->s, MKX_ROM_SIGH, NULL, 0, &fd, 1, &reply);
	mkx_log("%s as ROM signal fd: %s", what, err ? strerror(-err) : "accepted");
	return err;
}

int
main(void)
{
	struct mkx_rom cfg_rom, other, attacked;
	struct mkx_xml *cfg;
	char attack[32] = "";
	unsigned long value = 0, now;
	struct mkx_session s;
	char why[512];
	int err, opened = 0;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&cfg_rom);
	if (!cfg)
		mkx_exit(1);
	if (mkx_xml_attr(cfg, "attack"))
		snprintf(attack, sizeof attack, "%s", mkx_xml_attr(cfg, "attack"));
	mkx_xml_attr_ulong(cfg, "value", 0, &value);
	mkx_log("attack %s, value=%lu", attack, value);
	if (!strcmp(attack, "pipe"))
		opened = attack_sigh(&attacked, "a full blocking pipe", full_pipe()) != -1;
	else if (!strcmp(attack, "full_eventfd"))
		opened = attack_sigh(&attacked, "a full blocking eventfd", full_eventfd()) != -1;
	else if (!strcmp(attack, "fifo")) {
		err = mkx_session_open(&s, "ROM", "label=\"fifo\"", why, sizeof why);
		mkx_log("ROM \"fifo\": %s: %s", err ? "denied" : "granted", err ? why : "");
		if (!err)
			mkx_session_close(&s);
	}
	mkx_log("attack done, waiting for the config update");
	/* Wait for the update core signals on our (good) eventfd. */
	for (;;) {
		struct pollfd p = { .fd = cfg_rom.sigfd, .events = POLLIN };

		if (poll(&p, 1, 20000) <= 0) {
			mkx_error("no config update within 20 s");
			mkx_exit(1);
		}
		if (mkx_rom_update(&cfg_rom))
			continue;
		mkx_xml_free(cfg);
		cfg = mkx_xml_parse(cfg_rom.data, cfg_rom.size, why, sizeof why);
		if (cfg && !mkx_xml_attr_ulong(cfg, "value", 0, &now) && now != value)
			break;
	}
	mkx_xml_free(cfg);
	mkx_log("updated value=%lu", now);
	/* And core still serves: a new session and its content. */
	if (mkx_rom_open(&other, "config"))
		mkx_exit(1);
	mkx_log("core still serves after the attack");
	mkx_rom_close(&other);
	mkx_rom_close(&cfg_rom);
	if (opened)
		mkx_rom_close(&attacked);
	mkx_exit(0);
}
