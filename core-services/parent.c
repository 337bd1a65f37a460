/*
 * The parent channel, core's side: what a child may ask (sessions,
 * announcements, answers to session requests) and how each is routed.
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
#include "nested.h"
#include "output.h"

void
parent_session_open(struct child *c, struct mkx_msg *m)
{
	const char *service = (char *)m->payload, *args;
	char why[512], arg_label[128] = "", label[192], server_label[192];
	struct child *srv;
	unsigned long ram = 0;
	int err;

	if (m->hdr.len < 2 || m->payload[m->hdr.len - 1] ||
	    strlen(service) + 1 >= m->hdr.len || !*service) {
		open_deny(c, m->hdr.seq, -EINVAL, "malformed session request");
		core_log("child \"%s\": malformed session request; denied", c->cfg->name);
		return;
	}
	args = service + strlen(service) + 1;
	err = mkx_arg_string(args, "label", arg_label, sizeof arg_label);
	if (err == -ENAMETOOLONG) {
		snprintf(why, sizeof why, "label longer than %zu characters; refused, not cut",
		    sizeof arg_label - 1);
		core_log("denied %s session of \"%s\": %s", service, c->cfg->name, why);
		open_deny(c, m->hdr.seq, -ENAMETOOLONG, why);
		return;
	}
	if (err && err != -ENOENT) {
		snprintf(why, sizeof why, "bad session arguments \"%.200s\"", args);
		core_log("denied %s session of \"%s\": %s", service, c->cfg->name, why);
		open_deny(c, m->hdr.seq, -EINVAL, why);
		return;
	}
	/* Whole or not at all: a cut label would match policies and routes it does not name. */
	if (snprintf(label, sizeof label, arg_label[0] ? "%s -> %s" : "%s", c->cfg->name,
	    arg_label) >= (int)sizeof label) {
		snprintf(why, sizeof why, "session label \"%s -> %.40s...\" is longer than %zu characters; "
		    "refused, not cut", c->cfg->name, arg_label, sizeof label - 1);
		core_log("denied %s session of \"%s\": %s", service, c->cfg->name, why);
		open_deny(c, m->hdr.seq, -ENAMETOOLONG, why);
		return;
	}
	err = mkx_arg_ulong(args, "ram_quota", &ram);
	if (err == -EINVAL) {
		snprintf(why, sizeof why, "ram_quota in \"%.200s\" is not a number", args);
		core_log("denied %s session \"%s\": %s", service, label, why);
		open_deny(c, m->hdr.seq, -EINVAL, why);
		return;
	}
	/* Through the routes of every init above it (nested_route.c): level 0 is core's config. */
	err = nested_route(c, service, label, &srv, server_label, sizeof server_label, why, sizeof why);
	/* To a nested init that has no config yet: held until it has (nested_defer), as Genode's init holds it. */
	if (err == -EAGAIN && !nested_defer(c, m)) {
		if (core_cfg->verbose)
			core_log("%s session \"%s\" held: %s", service, label, why);
		return;
	}
	if (err) {
		core_log("denied %s session \"%s\": %s", service, label, why);
		open_deny(c, m->hdr.seq, err, why);
		return;
	}
	if (c->nsessions >= SESSIONS_PER_CHILD) {
		snprintf(why, sizeof why, "\"%s\" holds %d sessions already (the limit)",
		    c->cfg->name, SESSIONS_PER_CHILD);
		core_log("denied %s session \"%s\": %s", service, label, why);
		open_deny(c, m->hdr.seq, -EAGAIN, why);
		return;
	}
	if (ram > c->ram_left) {
		snprintf(why, sizeof why, "ram_quota %lu exceeds the %lu bytes left of \"%s\"'s RAM quantum",
		    ram, c->ram_left, c->cfg->name);
		core_log("denied %s session \"%s\": %s", service, label, why);
		open_deny(c, m->hdr.seq, -EDQUOT, why);
		return;
	}
	/* The server sees the label its route gives (<child label=>/<parent label=> rewrite it). */
	if (!srv) {
		open_core_session(c, m->hdr.seq, core_service_find(service), server_label, args, ram);
		return;
	}
	if (srv)
		c->asked |= 1u << (srv - child_table);	/* c is one of srv's clients (see IO_MEM RUNNING) */
	open_child_session(c, m->hdr.seq, srv, service, server_label, args, ram);
}

static void
handle_announce(struct child *c, struct mkx_msg *m)
{
	const char *service = (char *)m->payload;
	int ok = 0;

	if (m->hdr.len < 2 || m->payload[m->hdr.len - 1] || strlen(service) >= NAME_MAX_LEN) {
		sessions_send(c, m->hdr.op, m->hdr.seq, -EINVAL, NULL, 0, NULL, 0);
		return;
	}
	for (unsigned i = 0; i < c->cfg->nprovides; i++)
		ok |= !strcmp(c->cfg->provides[i], service);
	if (!ok) {
		core_log("child \"%s\" announced \"%s\", which its <provides> does not list; refused",
		    c->cfg->name, service);
		sessions_send(c, m->hdr.op, m->hdr.seq, -EPERM, NULL, 0, NULL, 0);
		return;
	}
	for (unsigned i = 0; i < c->nannounced; i++)
		if (!strcmp(c->announced[i], service))
			ok = 2;
	if (ok == 1 && c->nannounced < PROVIDES_MAX)
		strcpy(c->announced[c->nannounced++], service);
	sessions_send(c, m->hdr.op, m->hdr.seq, 0, NULL, 0, NULL, 0);
	if (core_cfg->verbose)
		core_log("child \"%s\" announces service \"%s\"", c->cfg->name, service);
	broker_announced(c, service);
}

void
handle_parent_msg(struct child *c)
{
	static struct mkx_msg m;
	int err = mkx_rpc_recv(c->sock, &m);

	if (err == -EAGAIN)
		return;
	if (err == -ECONNRESET) {
		/* The child closed its channel; it is exiting. SIGCHLD follows. */
		fd_close_foreign(c->sock);
		c->sock = -1;
		return;
	}
	if (err) {
		core_log("child \"%s\": %s on the parent channel; message dropped",
		    c->cfg->name, mkx_rpc_strerror(err));
		return;
	}
	/* What core says about this request (a denial) is c's to pay for in the console queue. */
	out_behalf((int)(c - child_table));
	switch (m.hdr.op) {
	case MKX_OP_SESSION_OPEN:	parent_session_open(c, &m); break;
	case MKX_OP_ANNOUNCE:		handle_announce(c, &m); break;
	case MKX_OP_SESSION_RESPONSE:	handle_response(c, &m); break;
	case MKX_OP_EXIT:		break;
	case MKX_OP_NESTED_CONFIG:	nested_config_msg(c, &m); break;
	default:
		core_log("child \"%s\": unknown operation %u on the parent channel; refused",
		    c->cfg->name, m.hdr.op);
		sessions_send(c, m.hdr.op, m.hdr.seq, -ENOSYS, NULL, 0, NULL, 0);
	}
	out_behalf(OUT_CORE);
	mkx_msg_close_fds(&m);
}

