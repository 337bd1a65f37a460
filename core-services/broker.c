/*
 * Sessions of services that children provide: a request waits here until
 * the server announced the service and answered; then the client gets its
 * end of the session socket and core is out of the way.
 *
 * Session quota donation (Genode's): the client's ram_quota is taken from
 * it at the request; once the server grants the session, it moves to the
 * server's quantum (the server serves the session out of it, e.g. the
 * platform driver's DMA buffers for the client) until the session closes.
 * core is out of the data path, but it made the session's socket pair:
 * it keeps a dup of the server's end and polls it for nothing but
 * POLLHUP (events 0, never reading: the server's traffic is untouched),
 * which the kernel reports once every holder of the client's end closed
 * it (the client closed the session, or exited) or either side shut the
 * socket down. Then the donation goes back from the server to the
 * client. It also goes back when the server exits, and is withdrawn when
 * the client exits. A server that spent it is left in debt: its further
 * charges are refused until it frees.
 *
 * core's dup does not keep the session alive for the server: the client's
 * end is what closes, so the server sees the hangup as before. It does
 * keep the server's end open for the client when the server closes its
 * fd while it runs: a server ends a session with shutdown() (base/server.c
 * does), which reaches the client through any number of dups.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <mkx/args.h>
#include "core.h"

struct pending {
	int		used;
	uint32_t	id;
	struct child	*client, *server;
	uint32_t	client_seq;
	int		client_end;	/* kept until the server answers */
	int		server_end;	/* kept until the server announced */
	int		watch;		/* a dup of the server's end, if ram: becomes the grant's */
	unsigned long	ram;
	char		service[NAME_MAX_LEN];
	char		label[192];
	char		args[1024];
};

static struct pending pending[PENDING_MAX];
static uint32_t next_pending_id = 1;

/*
 * A granted session whose ram_quota the server holds. Bounded per client
 * (GRANTS_PER_CLIENT, counting its pending requests with a ram_quota),
 * and the table has room for that many of every child (core.h): one
 * child keeping sessions cannot leave another none.
 */
struct grant {
	int		used;
	int		watch;		/* core's dup of the server's end: POLLHUP when the session closed */
	struct child	*client, *server;
	unsigned long	ram;
	char		service[NAME_MAX_LEN];
	char		label[192];
};

static struct grant grants[GRANTS_MAX];

/* Records in use, and pending requests that will need one when granted: of client c, or (NULL) of all. */
static unsigned
grants_committed(const struct child *c)
{
	unsigned n = 0;

	for (unsigned i = 0; i < GRANTS_MAX; i++)
		n += grants[i].used && (!c || grants[i].client == c);
	for (unsigned i = 0; i < PENDING_MAX; i++)
		n += pending[i].used && pending[i].ram && (!c || pending[i].client == c);
	return n;
}

/* The session of p was granted: its ram_quota moves from the client (charged at the request) to the server. */
static void
donate(struct pending *p)
{
	struct grant *g = NULL;

	for (unsigned i = 0; i < GRANTS_MAX && !g; i++)
		if (!grants[i].used)
			g = &grants[i];
	if (!g)		/* cannot happen: grants_committed() reserved one at the request */
		return;
	*g = (struct grant){ .used = 1, .watch = p->watch, .client = p->client, .server = p->server, .ram = p->ram };
	p->watch = -1;
	snprintf(g->service, sizeof g->service, "%s", p->service);
	snprintf(g->label, sizeof g->label, "%s", p->label);
	ram_uncharge(p->server, p->ram);
	core_log("%s session \"%s\": ram_quota of %lu KiB moved from \"%s\" to \"%s\" (%lu KiB left to it)",
	    p->service, p->label, p->ram >> 10, p->client->cfg->name, p->server->cfg->name,
	    p->server->ram_left >> 10);
}

static void
grant_end(struct grant *g)
{
	/* The last reference to the server's end may be this one: what is queued in it is closed without waiting. */
	if (g->watch >= 0)
		fd_close_foreign(g->watch);
	g->watch = -1;
	g->used = 0;
}

/* The donation leaves the server (into debt if it spent it). */
static void
withdraw(struct grant *g)
{
	unsigned long debt = ram_withdraw(g->server, g->ram);

	if (debt)
		core_log("%s session \"%s\": its ram_quota of %lu KiB withdrawn from \"%s\", which now "
		    "owes %lu bytes: its further charges are refused until it frees", g->service,
		    g->label, g->ram >> 10, g->server->cfg->name, debt);
	else
		core_log("%s session \"%s\": its ram_quota of %lu KiB withdrawn from \"%s\" (%lu KiB "
		    "left to it)", g->service, g->label, g->ram >> 10, g->server->cfg->name,
		    g->server->ram_left >> 10);
}

/* c exited: what it donated leaves its servers; what it was donated goes back to its clients. */
static void
grants_child_exited(struct child *c)
{
	for (unsigned i = 0; i < GRANTS_MAX; i++) {
		struct grant *g = &grants[i];

		if (!g->used)
			continue;
		if (g->client == c) {
			withdraw(g);
			grant_end(g);
		} else if (g->server == c) {
			ram_uncharge(g->client, g->ram);	/* the session died with its server */
			grant_end(g);
		}
	}
}

int
broker_grant_watch(unsigned i)
{
	return i < GRANTS_MAX && grants[i].used ? grants[i].watch : -1;
}

/*
 * The loop saw POLLHUP (or POLLERR) on grant i's watch: the session is
 * closed, its donation goes back to the client. A client that exited
 * has dropped its mappings before its fds (the kernel's order), so the
 * freed DMA buffers it still mapped are looked at first (at most once a
 * second; the loop looks once a second too): the server's charge for
 * them then ends before the withdrawal rather than as a debt.
 */
void
broker_grant_closed(unsigned i)
{
	static time_t kept_polled;
	struct grant *g;

	if (i >= GRANTS_MAX || !grants[i].used)
		return;
	g = &grants[i];
	/* At most once a second from here: a client opening and closing sessions must not buy a /proc scan each. */
	if (dma_kept_count() && time(NULL) != kept_polled) {
		kept_polled = time(NULL);
		dma_kept_poll();
	}
	ram_uncharge(g->client, g->ram);
	core_log("%s session \"%s\" closed: its ram_quota of %lu KiB goes back to \"%s\" (%lu KiB left to it)",
	    g->service, g->label, g->ram >> 10, g->client->cfg->name, g->client->ram_left >> 10);
	withdraw(g);
	grant_end(g);
}

static void pending_drop(struct pending *p, int err, const char *why);

/* Hand a pending request to its (announced) server; if it cannot take it, the client hears so. */
static void
forward_request(struct pending *p)
{
	int err;

	uint8_t buf[MKX_PAYLOAD_MAX];
	size_t ls = strlen(p->service) + 1, ll = strlen(p->label) + 1, la = strlen(p->args) + 1;

	memcpy(buf, &p->id, 4);
	memcpy(buf + 4, p->service, ls);
	memcpy(buf + 4 + ls, p->label, ll);
	memcpy(buf + 4 + ls + ll, p->args, la);
	err = sessions_send(p->server, MKX_OP_SESSION_REQUEST, 0, 0, buf, 4 + ls + ll + la, &p->server_end, 1);
	close(p->server_end);
	p->server_end = -1;
	if (err)
		pending_drop(p, -EAGAIN, "the server does not take session requests now");
}

static void
pending_drop(struct pending *p, int err, const char *why)
{
	if (err) {
		core_log("denied %s session \"%s\": %s", p->service, p->label, why);
		if (p->client->state == CHILD_RUNNING)
			open_deny(p->client, p->client_seq, err, why);
	}
	ram_uncharge(p->client, p->ram);
	/* The server may have queued messages with fds in its end: see fd_close_foreign. */
	if (p->client_end >= 0)
		fd_close_foreign(p->client_end);
	if (p->server_end >= 0)
		fd_close_foreign(p->server_end);
	if (p->watch >= 0)
		fd_close_foreign(p->watch);
	p->used = 0;
}

void
open_child_session(struct child *c, uint32_t seq, struct child *server,
    const char *service, const char *label, const char *args, unsigned long ram)
{
	struct pending *p = NULL;
	char why[256];
	int sv[2], err;

	if (server->state != CHILD_RUNNING) {
		snprintf(why, sizeof why, "server \"%s\" of service \"%s\" is not running",
		    server->cfg->name, service);
		core_log("denied %s session \"%s\": %s", service, label, why);
		open_deny(c, seq, -ECONNREFUSED, why);
		return;
	}
	unsigned mine = 0;

	for (unsigned i = 0; i < PENDING_MAX; i++)
		mine += pending[i].used && pending[i].client == c;
	if (mine >= 4) {
		open_deny(c, seq, -EAGAIN, "more than 4 session requests of this child in flight");
		return;
	}
	for (unsigned i = 0; i < PENDING_MAX && !p; i++)
		if (!pending[i].used)
			p = &pending[i];
	if (p && ram && grants_committed(c) >= GRANTS_PER_CLIENT) {
		snprintf(why, sizeof why, "\"%s\" has %d sessions with a ram_quota already, the most core records "
		    "for one client (GRANTS_PER_CLIENT); close one first", c->cfg->name, GRANTS_PER_CLIENT);
		open_deny(c, seq, -EAGAIN, why);
		return;
	}
	if (p && ram && grants_committed(NULL) >= GRANTS_MAX) {	/* cannot happen: room for every child's */
		open_deny(c, seq, -EAGAIN, "core's table of sessions with a ram_quota is full");
		return;
	}
	if (!p || strlen(args) >= sizeof p->args) {
		open_deny(c, seq, p ? -EINVAL : -EAGAIN, p ? "session arguments too long"
		    : "core has too many session requests in flight");
		return;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		open_deny(c, seq, -errno, "core cannot create a session socket");
		return;
	}
	/* Only a donation needs to see the session end: see the top of this file. */
	int watch = ram ? fcntl(sv[0], F_DUPFD_CLOEXEC, 0) : -1;

	if (ram && watch < 0) {
		err = -errno;
		close(sv[0]);
		close(sv[1]);
		open_deny(c, seq, err, "core cannot keep a watch on a session socket");
		return;
	}
	*p = (struct pending){ .used = 1, .id = next_pending_id++, .client = c,
	    .server = server, .client_seq = seq, .client_end = sv[1],
	    .server_end = sv[0], .watch = watch, .ram = ram };
	snprintf(p->service, sizeof p->service, "%s", service);
	snprintf(p->label, sizeof p->label, "%s", label);
	snprintf(p->args, sizeof p->args, "%s", args);
	ram_withdraw(c, ram);	/* parent.c checked that it fits: no debt */
	for (unsigned i = 0; i < server->nannounced; i++)
		if (!strcmp(server->announced[i], service)) {
			forward_request(p);
			return;
		}
	/* Not announced yet: Genode's init waits for the announcement, so do we. */
}

void
handle_response(struct child *c, struct mkx_msg *m)
{
	uint32_t id;
	int32_t status;
	const char *why;

	if (m->hdr.len < 9 || m->payload[m->hdr.len - 1]) {
		core_log("child \"%s\": malformed session response; ignored", c->cfg->name);
		return;
	}
	memcpy(&id, m->payload, 4);
	memcpy(&status, m->payload + 4, 4);
	why = (char *)m->payload + 8;
	for (unsigned i = 0; i < PENDING_MAX; i++) {
		struct pending *p = &pending[i];

		if (!p->used || p->id != id || p->server != c || p->server_end >= 0)
			continue;
		if (status > 0 || status < -4095)
			status = -EPROTO;
		if (status) {
			char reason[512];

			snprintf(reason, sizeof reason, "server \"%s\": %s", c->cfg->name,
			    *why ? why : strerror(-status));
			pending_drop(p, status, reason);
			return;
		}
		open_grant(p->client, p->client_seq, p->client_end);
		if (core_cfg->verbose)
			core_log("%s session \"%s\" opened at \"%s\"", p->service, p->label,
			    c->cfg->name);
		/* The quota is the server's now, until the session closes or the server exits. */
		if (p->ram)
			donate(p);
		p->ram = 0;
		pending_drop(p, 0, NULL);
		return;
	}
	core_log("child \"%s\" answered unknown session request %u; ignored", c->cfg->name, id);
}

/* A server announced a service: pass on the requests that waited for it. */
void
broker_announced(struct child *c, const char *service)
{
	for (unsigned i = 0; i < PENDING_MAX; i++)
		if (pending[i].used && pending[i].server == c && pending[i].server_end >= 0 &&
		    !strcmp(pending[i].service, service))
			forward_request(&pending[i]);
}

/* A child ended: its own requests go, and clients waiting for it as a server are denied. */
void
broker_child_exited(struct child *c, const char *how)
{
	for (unsigned i = 0; i < PENDING_MAX; i++) {
		struct pending *p = &pending[i];
		char why[256];

		if (!p->used)
			continue;
		if (p->client == c)
			pending_drop(p, 0, NULL);
		else if (p->server == c) {
			snprintf(why, sizeof why, "server \"%s\" %s before answering", c->cfg->name, how);
			pending_drop(p, -ECONNREFUSED, why);
		}
	}
	grants_child_exited(c);
}

void
broker_drop_all(void)
{
	for (unsigned i = 0; i < PENDING_MAX; i++)
		if (pending[i].used)
			pending_drop(&pending[i], 0, NULL);
}
