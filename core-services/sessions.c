/*
 * Sessions core serves itself (LOG, ROM, Report, IO_PORT, IO_MEM): opening
 * them, serving their calls, closing them; and the one way core sends to a
 * child (sessions_send), which never blocks.
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
#include "output.h"

struct csession {
	int			sock;
	const struct core_service *svc;
	void			*state;
	struct child		*client;
	unsigned long		ram;
	char			label[192];
};

static struct csession csessions[CORE_SESSIONS_MAX];
static unsigned ncsessions;

/*
 * The last denial core logged per child (a hash of service, label and
 * reason). A child that polls for a report not published yet (the platform
 * driver for acpi's, a survey component for another's) is denied each
 * time but logged once, so its wait does not fill the log; any other
 * denial in between is logged, and the same one again after it.
 */
static uint64_t last_denial[CHILDREN_MAX];

static int
denial_repeated(const struct child *c, const char *svc, const char *label, const char *why)
{
	const char *parts[] = { svc, label, why };
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */
	size_t i = (size_t)(c - child_table);
	int same;

	if (c < child_table || i >= CHILDREN_MAX)
		return 0;
	for (unsigned p = 0; p < 3; p++)
		for (const char *s = parts[p]; ; s++) {
			h = (h ^ (uint8_t)*s) * 1099511628211ull;
			if (!*s)
				break;
		}
	same = last_denial[i] == h;
	last_denial[i] = h;
	return same;
}

/*
 * Everything core sends to a child goes through here. The channel is
 * non-blocking: a child that does not read what core sends cannot stop
 * core; the message is dropped and that is logged (once per child).
 */
int
sessions_send(struct child *c, uint16_t op, uint32_t seq, int32_t status, const void *p, size_t len,
    const int *fds, unsigned nfds)
{
	int err;

	if (c->sock < 0)
		return -EPIPE;
	err = mkx_rpc_send(c->sock, op, seq, status, p, len, fds, nfds);
	if (err && !c->send_failed) {
		c->send_failed = 1;
		core_log("child \"%s\" %s; message dropped", c->cfg->name,
		    err == -EAGAIN ? "does not read its parent channel" : mkx_rpc_strerror(err));
	}
	return err;
}

void
open_deny(struct child *c, uint32_t seq, int err, const char *why)
{
	sessions_send(c, MKX_OP_SESSION_OPEN, seq, err, why, strlen(why) + 1, NULL, 0);
}

void
open_grant(struct child *c, uint32_t seq, int fd)
{
	sessions_send(c, MKX_OP_SESSION_OPEN, seq, 0, NULL, 0, &fd, 1);
}

static void
csession_drop(unsigned i)
{
	struct csession *s = &csessions[i];

	s->svc->close(s->state);
	fd_close_foreign(s->sock);	/* fds the client queued in it are released by this close */
	s->client->nsessions--;
	ram_uncharge(s->client, s->ram);
	csessions[i] = csessions[--ncsessions];
}

/* Session request for a core service. */
void
open_core_session(struct child *c, uint32_t seq, const struct core_service *svc,
    const char *label, const char *args, unsigned long ram)
{
	char why[512] = "";
	void *state = NULL;
	int sv[2], err;

	if (ncsessions == CORE_SESSIONS_MAX) {
		open_deny(c, seq, -EAGAIN, "core has no room for more sessions");
		return;
	}
	err = svc->open(c, label, args, &state, why, sizeof why);
	if (err) {
		if (!denial_repeated(c, svc->name, label, why))
			core_log("denied %s session \"%s\": %s", svc->name, label, why);
		open_deny(c, seq, err, why);
		return;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		svc->close(state);
		open_deny(c, seq, -errno, "core cannot create a session socket");
		return;
	}
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);	/* see sessions_send */
	csessions[ncsessions++] = (struct csession){
		.sock = sv[0], .svc = svc, .state = state, .client = c, .ram = ram,
	};
	snprintf(csessions[ncsessions - 1].label, sizeof csessions[0].label, "%s", label);
	c->nsessions++;
	c->ram_left -= ram;
	open_grant(c, seq, sv[1]);
	close(sv[1]);
	if (core_cfg->verbose)
		core_log("%s session \"%s\" opened", svc->name, label);
}

void
handle_session_call(unsigned i)
{
	static struct mkx_msg m;
	static struct mkx_reply r;
	struct csession *s = &csessions[i];
	int err = mkx_rpc_recv(s->sock, &m), status;

	if (err == -EAGAIN)
		return;
	if (err) {
		if (err != -ECONNRESET)
			core_log("%s session \"%s\": %s; session closed", s->svc->name, s->label,
			    mkx_rpc_strerror(err));
		else if (core_cfg->verbose)
			core_log("%s session \"%s\" closed", s->svc->name, s->label);
		csession_drop(i);
		return;
	}
	r.len = 0;
	r.nfds = 0;
	/*
	 * What core prints because of this call (a refusal the service logs)
	 * is the client's to pay for in the console queue, as on its parent
	 * channel (parent.c). Not a session's close: what a service says when
	 * it frees (DMA buffers) is core's own.
	 */
	if (s->client >= child_table && s->client < child_table + CHILDREN_MAX)
		out_behalf((int)(s->client - child_table));
	status = s->svc->call(s->state, &m, &r);
	out_behalf(OUT_CORE);
	mkx_msg_close_fds(&m);
	err = mkx_rpc_send(s->sock, m.hdr.op, m.hdr.seq, status, r.payload, r.len, r.fds, r.nfds);
	if (err) {
		core_log("%s session \"%s\": %s; session closed", s->svc->name, s->label,
		    err == -EAGAIN ? "the client does not read its replies" : mkx_rpc_strerror(err));
		csession_drop(i);
	}
}

unsigned
sessions_count(void)
{
	return ncsessions;
}

int
sessions_fd(unsigned i)
{
	return csessions[i].sock;
}

void
sessions_drop_client(struct child *c)
{
	for (unsigned i = ncsessions; i-- > 0;)
		if (csessions[i].client == c)
			csession_drop(i);
}

void
sessions_drop_all(void)
{
	while (ncsessions)
		csession_drop(ncsessions - 1);
}

int
ram_charge(struct child *c, size_t bytes, const char *what, char *why, size_t whylen)
{
	if (!c)
		return 0;	/* core's own request (unit tests): nobody to charge */
	if (c->ram_debt) {
		snprintf(why, whylen, "%s of %zu bytes refused: \"%s\" owes %lu bytes of RAM quantum (a client's "
		    "donated ram_quota was withdrawn) until it frees", what, bytes, c->cfg->name, c->ram_debt);
		return -EDQUOT;
	}
	if (bytes > c->ram_left) {
		snprintf(why, whylen, "%s of %zu bytes exceeds the %lu bytes left of \"%s\"'s RAM quantum "
		    "(%lu bytes)", what, bytes, c->ram_left, c->cfg->name, c->cfg->ram_quota);
		return -EDQUOT;
	}
	c->ram_left -= bytes;
	return 0;
}

void
ram_uncharge(struct child *c, size_t bytes)
{
	size_t pay;

	if (!c)
		return;
	pay = bytes < c->ram_debt ? bytes : c->ram_debt;	/* a debt is paid first */
	c->ram_debt -= pay;
	c->ram_left += bytes - pay;
	if (pay && !c->ram_debt)
		core_log("\"%s\" has paid its RAM debt: its charges are taken again (%lu bytes left)",
		    c->cfg->name, c->ram_left);
}

unsigned long
ram_withdraw(struct child *c, size_t bytes)
{
	if (bytes <= c->ram_left)
		c->ram_left -= bytes;
	else {
		c->ram_debt += bytes - c->ram_left;
		c->ram_left = 0;
	}
	return c->ram_debt;
}
