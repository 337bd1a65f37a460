/*
 * core's event loop: the parent channels of all children, the sockets of
 * the sessions core serves itself, and a signalfd for SIGCHLD, SIGHUP
 * (reload config) and SIGTERM/SIGINT. Nothing a child sends can make core
 * block or exit: bad messages are logged and dropped, a dead child's
 * sessions are cleaned up, and the rest carry on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mkx/args.h>
#include "cgroup.h"
#include "core.h"
#include "nested.h"
#include "output.h"

struct core_config *core_cfg;
static int finished;

#define WATCHES_MAX (CHILDREN_MAX + 32)	/* each child's output pipe, and services' fds */
#define WHO_WATCH 1000000	/* who[] of a watch: WHO_WATCH + index */
#define WHO_GRANT 2000000	/* who[] of a granted session's watch (broker.c): WHO_GRANT + index */

static struct watch {
	int	fd;
	void	(*fn)(void *);
	void	*arg;
} watches[WATCHES_MAX];

int
loop_watch(int fd, void (*fn)(void *), void *arg)
{
	for (unsigned i = 0; i < WATCHES_MAX; i++)
		if (!watches[i].fn) {
			watches[i] = (struct watch){ fd, fn, arg };
			return 0;
		}
	return -ENOSPC;
}

void
loop_unwatch(int fd)
{
	for (unsigned i = 0; i < WATCHES_MAX; i++)
		if (watches[i].fn && watches[i].fd == fd)
			watches[i].fn = NULL;
}

void
loop_child_exited(struct child *c)
{
	char how[128];

	child_output_close(c);	/* its last words come before the news of its end */
	child_describe_exit(c->status, how, sizeof how);
	if (cgroup_release(c->cfg->name))
		core_log("child \"%s\" exceeded its RAM quantum of %lu KiB: the kernel stopped it",
		    c->cfg->name, c->cfg->ram_quota / 1024);
	if (c->killed_by_core)
		core_log("child \"%s\" stopped by core (%s)", c->cfg->name,
		    WIFSIGNALED(c->status) ? sigabbrev_np(WTERMSIG(c->status)) : how);
	else
		core_log("child \"%s\" %s", c->cfg->name, how);
	if (c->sock >= 0)
		fd_close_foreign(c->sock);	/* with what it still queued there (fd_check.c) */
	c->sock = -1;
	sessions_drop_client(c);
	io_mem_child_exited(c);	/* its BAR fds died with it: those grants are free now */
	dma_child_exited(c);	/* freed DMA buffers it held are released (before its donations are withdrawn) */
	broker_child_exited(c, how);
	nested_child_exited(c);	/* a nested init's children go with it */
	if (c->cfg->finish && !c->killed_by_core && nested_level_of((unsigned)(c - child_table)) == 0) {
		core_log("\"%s\" was marked finish=\"yes\": ending the composition", c->cfg->name);
		finished = 1;
	}
}

/*
 * SIGHUP: re-read the config and apply it as Genode's init applies a new
 * config: children it no longer names stop, new ones start, changed
 * <config> nodes become ROM updates, its routes and <report_rom> policies
 * apply to sessions asked for from then on (nested_sync). Core's hardware
 * policies and backends stay as core started with them.
 */
static void
reload(const char *file, const char *bin_dir)
{
	static struct core_config fresh;
	char err[512];

	if (config_load(&fresh, file, bin_dir, err, sizeof err)) {
		core_log("reload refused, keeping the running config: %s", err);
		return;
	}
	nested_sync(0, &fresh);
	config_free(&fresh);
}

/*
 * Every child has exited: the composition is over, unless core's config
 * has no <start> (an init before anything is deployed, as Sculpt's runtime
 * starts): then core waits for a new config (SIGHUP), as Genode's init does.
 */
static int
all_exited(void)
{
	if (core_cfg->nstart == 0)
		return 0;
	for (unsigned i = 0; i < nchildren; i++)
		if (child_table[i].state == CHILD_RUNNING)
			return 0;
	return 1;
}

static int
exit_status(void)
{
	int bad = 0;

	for (unsigned i = 0; i < nchildren; i++) {
		struct child *c = &child_table[i];

		if (!c->killed_by_core && c->state == CHILD_EXITED &&
		    !(WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0))
			bad++;
	}
	return bad;
}

/*
 * The signals core's loop takes (SIGCHLD, SIGHUP, SIGTERM, SIGINT) blocked
 * and read from a signalfd instead; SIGPIPE ignored. The signalfd, or -1
 * (logged).
 */
static int
signals_take(void)
{
	sigset_t mask;
	int sfd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	mkx_rpc_set_closer(fd_close_foreign);	/* what a child sends is closed without waiting */
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		core_log("signalfd: %s", strerror(errno));
	return sfd;
}

/*
 * This turn's poll set: the signalfd, watches, children's sockets, sessions
 * and granted sessions, each's kind in who[]; then stdout (not counted, not
 * in who[]) while output waits for it. How many entries who[] describes.
 */
static unsigned
poll_set(struct pollfd *pfd, int *who, int sfd)
{
	unsigned n = 0, nsess = sessions_count();

	pfd[n].fd = sfd;
	pfd[n].events = POLLIN;
	who[n++] = 0;
	for (unsigned i = 0; i < WATCHES_MAX; i++)
		if (watches[i].fn) {
			pfd[n].fd = watches[i].fd;
			pfd[n].events = POLLIN;
			who[n++] = WHO_WATCH + (int)i;
		}
	for (unsigned i = 0; i < nchildren; i++)
		if (child_table[i].sock >= 0) {
			pfd[n].fd = child_table[i].sock;
			pfd[n].events = POLLIN;
			who[n++] = (int)i;
		}
	for (unsigned i = 0; i < nsess; i++) {
		pfd[n].fd = sessions_fd(i);
		pfd[n].events = POLLIN;
		who[n++] = -(int)i - 1;
	}
	/*
	 * Granted sessions with a donation: events 0, so only a hangup
	 * (or error) is reported and nothing is read; a closed one
	 * leaves the set (broker_grant_closed): at most GRANTS_MAX here.
	 */
	for (unsigned i = 0; i < GRANTS_MAX; i++)
		if (broker_grant_watch(i) >= 0) {
			pfd[n].fd = broker_grant_watch(i);
			pfd[n].events = 0;
			who[n++] = WHO_GRANT + (int)i;
		}
	/* Last, outside the who[] walks: stdout, while output waits for it. */
	if (out_pending()) {
		pfd[n].fd = STDOUT_FILENO;
		pfd[n].events = POLLOUT;
		pfd[n].revents = 0;
	}
	return n;
}

/* What poll reported on entries 1..n-1, in the order that is fair to each kind. */
static void
dispatch(const struct pollfd *pfd, const int *who, unsigned n)
{
	/* Watches first: an interrupt should not wait behind calls. */
	for (unsigned k = 1; k < n; k++)
		if (pfd[k].revents && who[k] >= WHO_WATCH && who[k] < WHO_GRANT) {
			struct watch *w = &watches[who[k] - WHO_WATCH];

			if (w->fn && w->fd == pfd[k].fd)
				w->fn(w->arg);
		}
	/* Sessions from the back, so dropping one does not move an unhandled one. */
	for (unsigned k = n; k-- > 1;)
		if (pfd[k].revents && who[k] < 0)
			handle_session_call((unsigned)(-who[k] - 1));
	/* Closed sessions before parent messages: a client that closed one and opens another pays once. */
	for (unsigned k = 1; k < n; k++)
		if (pfd[k].revents && who[k] >= WHO_GRANT &&
		    broker_grant_watch((unsigned)(who[k] - WHO_GRANT)) == pfd[k].fd)
			broker_grant_closed((unsigned)(who[k] - WHO_GRANT));
	for (unsigned k = 1; k < n; k++)
		if (pfd[k].revents && who[k] >= 0 && who[k] < WHO_WATCH && child_table[who[k]].sock == pfd[k].fd)
			handle_parent_msg(&child_table[who[k]]);
}

/* The signals pending on sfd: a child's end, SIGHUP's reload, or the end of the composition. */
static void
signals_read(int sfd, const char *config_file, const char *bin_dir)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGCHLD)
			child_reap();
		else if (si.ssi_signo == SIGHUP)
			reload(config_file, bin_dir);
		else {
			core_log("terminated by signal %u; stopping all children", si.ssi_signo);
			finished = 1;
		}
	}
}

int
loop_run(struct core_config *config, const char *config_file, const char *bin_dir)
{
	static struct pollfd pfd[1 + CHILDREN_MAX + CORE_SESSIONS_MAX + WATCHES_MAX + GRANTS_MAX + 1];
	/* who: >= 0 child, < 0 -(session + 1), >= WHO_WATCH a watch, >= WHO_GRANT a granted session */
	static int who[1 + CHILDREN_MAX + CORE_SESSIONS_MAX + WATCHES_MAX + GRANTS_MAX];
	time_t kept_checked = 0;
	int sfd, bad;

	core_cfg = config;
	if ((sfd = signals_take()) < 0)
		return 2;
	cgroup_init();
	nested_bin_dir = bin_dir;
	if (config->nstart == 0)
		core_log("no <start> in the config: waiting for a new config (SIGHUP)");
	nested_sync(0, config);	/* every <start>; one that cannot start is named and skipped */
	while (!finished && !all_exited()) {
		unsigned n = poll_set(pfd, who, sfd);
		int rc;

		/*
		 * Freed DMA buffers a process still holds are looked at in steps
		 * of a few ms, one per turn while a look is under way (no wait in
		 * poll then), a new look once a second after the last.
		 */
		rc = poll(pfd, n + !!out_pending(), dma_kept_busy() ? 0 : dma_kept_count() ? 1000 : -1);
		if (rc < 0 && errno != EINTR) {
			core_log("poll: %s", strerror(errno));
			break;
		}
		if (dma_kept_busy()) {
			dma_kept_poll();
			kept_checked = time(NULL);
		} else if (dma_kept_count() && time(NULL) != kept_checked) {
			kept_checked = time(NULL);
			dma_kept_poll();
		}
		if (out_pending() && pfd[n].revents)
			out_drain();
		dispatch(pfd, who, n);
		if (pfd[0].revents)
			signals_read(sfd, config_file, bin_dir);
	}
	child_kill_all();
	sessions_drop_all();
	broker_drop_all();
	close(sfd);
	cgroup_cleanup();
	bad = exit_status();
	if (bad)
		core_log("composition ended: %d child(ren) failed", bad);
	else
		core_log("composition ended: all children exited cleanly");
	return bad ? 1 : 0;
}
