/*
 * Sessions of services that children provide: a request waits here until
 * the server announced the service and answered; then the client gets its
 * end of the session socket and core is out of the way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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
	unsigned long	ram;
	char		service[NAME_MAX_LEN];
	char		label[192];
	char		args[1024];
};

static struct pending pending[PENDING_MAX];
static uint32_t next_pending_id = 1;

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
	err = child_send(p->server, MKX_OP_SESSION_REQUEST, 0, 0, buf, 4 + ls + ll + la, &p->server_end, 1);
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
	p->client->ram_left += p->ram;
	/* The server may have queued messages with fds in its end: see fd_close_foreign. */
	if (p->client_end >= 0)
		fd_close_foreign(p->client_end);
	if (p->server_end >= 0)
		fd_close_foreign(p->server_end);
	p->used = 0;
}

void
open_child_session(struct child *c, uint32_t seq, struct child *server,
    const char *service, const char *label, const char *args, unsigned long ram)
{
	struct pending *p = NULL;
	char why[256];
	int sv[2];

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
	if (!p || strlen(args) >= sizeof p->args) {
		open_deny(c, seq, p ? -EINVAL : -EAGAIN, p ? "session arguments too long"
		    : "core has too many session requests in flight");
		return;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		open_deny(c, seq, -errno, "core cannot create a session socket");
		return;
	}
	*p = (struct pending){ .used = 1, .id = next_pending_id++, .client = c,
	    .server = server, .client_seq = seq, .client_end = sv[1],
	    .server_end = sv[0], .ram = ram };
	snprintf(p->service, sizeof p->service, "%s", service);
	snprintf(p->label, sizeof p->label, "%s", label);
	snprintf(p->args, sizeof p->args, "%s", args);
	c->ram_left -= ram;
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
		/* The quota stays charged while the session lives; we cannot see it end. */
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
}

void
broker_drop_all(void)
{
	for (unsigned i = 0; i < PENDING_MAX; i++)
		if (pending[i].used)
			pending_drop(&pending[i], 0, NULL);
}
