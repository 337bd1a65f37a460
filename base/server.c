/* Server side of sessions for components (see mkx/server.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/close.h>
#include <mkx/server.h>

#define SERVICES_MAX	8
#define SESSIONS_MAX	64
/*
 * Sessions of one client component at most (mkx/server.h): the first
 * element of the label is the client's name, set by core (parent.c
 * prefixes the child's name; a route's label= is the config's, never the
 * client's), so one client cannot take every session of a server.
 */
#define PER_CLIENT	MKX_SERVER_SESSIONS_PER_CLIENT

struct served {
	int			sock;
	struct mkx_service	*svc;
	void			*state;
	char			label[128];
	char			client[64];	/* the label's first element */
};

static struct mkx_service *services[SERVICES_MAX];
static unsigned nservices;
static struct served sessions[SESSIONS_MAX];
static unsigned nsessions;

int
mkx_server_announce(struct mkx_service *svc)
{
	static __thread struct mkx_msg reply;
	int err;

	if (nservices == SERVICES_MAX)
		return -ENOSPC;
	err = mkx_parent_call(MKX_OP_ANNOUNCE, svc->name, strlen(svc->name) + 1, &reply);
	if (err)
		return err;
	mkx_msg_close_fds(&reply);
	if (reply.hdr.status)
		return reply.hdr.status;
	services[nservices++] = svc;
	return 0;
}

static void
respond(uint32_t id, int32_t status, const char *why)
{
	uint8_t buf[8 + 512];
	size_t wl = strnlen(why, 511);

	memcpy(buf, &id, 4);
	memcpy(buf + 4, &status, 4);
	memcpy(buf + 8, why, wl);
	buf[8 + wl] = 0;
	mkx_parent_send(MKX_OP_SESSION_RESPONSE, buf, 8 + wl + 1);
}

/* The label's first element ("client" of "client -> x"), as far as it fits. */
static void
client_of(const char *label, char *client, size_t len)
{
	const char *arrow = strstr(label, " -> ");
	int n = arrow ? (int)(arrow - label) : (int)strlen(label);

	snprintf(client, len, "%.*s", n, label);
}

static unsigned
sessions_of(const char *client)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nsessions; i++)
		n += !strcmp(sessions[i].client, client);
	return n;
}

/* Payload: u32 id, "service\0label\0args\0"; fd 0 = our end of the session. */
static void
handle_request(struct mkx_msg *m)
{
	char why[512] = "";
	const char *service, *label, *args, *end;
	uint32_t id;
	int sock = mkx_msg_take_fd(m, 0);
	char client[64];
	struct mkx_service *svc = NULL;
	void *state = NULL;
	int err;

	mkx_msg_close_fds(m);
	if (m->hdr.len < 4 + 3 || m->payload[m->hdr.len - 1] != 0 || sock < 0) {
		mkx_error("malformed session request from core; ignored");
		if (sock >= 0)
			mkx_close_foreign(sock);
		return;
	}
	memcpy(&id, m->payload, 4);
	end = (char *)m->payload + m->hdr.len;
	service = (char *)m->payload + 4;
	label = service + strlen(service) + 1;
	args = label < end ? label + strlen(label) + 1 : end;
	if (label >= end || args >= end) {
		respond(id, -EINVAL, "malformed session request");
		mkx_close_foreign(sock);
		return;
	}
	for (unsigned i = 0; i < nservices; i++)
		if (!strcmp(services[i]->name, service))
			svc = services[i];
	client_of(label, client, sizeof client);
	if (!svc)
		err = -ENOENT, snprintf(why, sizeof why, "service \"%.64s\" not served here", service);
	else if (sessions_of(client) >= PER_CLIENT)
		err = -EAGAIN, snprintf(why, sizeof why, "client \"%.63s\" has %d sessions here already, "
		    "the most one client may (MKX_SERVER_SESSIONS_PER_CLIENT)", client, PER_CLIENT);
	else if (nsessions == SESSIONS_MAX)
		err = -EAGAIN, snprintf(why, sizeof why, "too many sessions (%d, of all clients)", SESSIONS_MAX);
	else
		err = svc->open(svc->ctx, label, args, &state, why, sizeof why);
	respond(id, err, why);
	if (err) {
		mkx_close_foreign(sock);
		return;
	}
	/* A client that never reads must not block the server: see serve_call. */
	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
	sessions[nsessions].sock = sock;
	sessions[nsessions].svc = svc;
	sessions[nsessions].state = state;
	snprintf(sessions[nsessions].label, sizeof sessions[0].label, "%s", label);
	snprintf(sessions[nsessions].client, sizeof sessions[0].client, "%s", client);
	nsessions++;
}

static void
drop_session(unsigned i)
{
	struct served *s = &sessions[i];

	s->svc->close(s->svc->ctx, s->state);
	/*
	 * core keeps a dup of this end to see the session close (its ram_quota
	 * goes back to the client, core-services/broker.c): a close alone would
	 * not end the socket, shutdown tells the client the session is over.
	 */
	shutdown(s->sock, SHUT_RDWR);
	/* Queued in it may be fds the client sent and we never took: see mkx/close.h. */
	mkx_close_foreign(s->sock);
	sessions[i] = sessions[--nsessions];
}

/* Returns 0 to keep the session, -1 to drop it. */
static int
serve_call(struct served *s)
{
	static __thread struct mkx_msg m;
	static __thread struct mkx_reply r;
	int err = mkx_rpc_recv(s->sock, &m), status;

	if (err == -EAGAIN)
		return 0;
	if (err) {
		if (err != -ECONNRESET)
			mkx_error("session \"%s\": %s; closing it", s->label,
			    mkx_rpc_strerror(err));
		return -1;
	}
	r.len = 0;
	r.nfds = 0;
	status = s->svc->call(s->svc->ctx, s->state, &m, &r);
	mkx_msg_close_fds(&m);
	if (r.len > MKX_PAYLOAD_MAX || r.nfds > MKX_FDS_MAX)
		r.len = 0, r.nfds = 0, status = -EOVERFLOW;
	err = mkx_rpc_send(s->sock, m.hdr.op, m.hdr.seq, status, r.payload, r.len,
	    r.fds, r.nfds);
	if (err == -EAGAIN)
		mkx_error("session \"%s\": the client does not read its replies; closing it", s->label);
	return err ? -1 : 0;
}

int
mkx_server_dispatch(int timeout_ms)
{
	struct pollfd pfd[SESSIONS_MAX + 1];
	static __thread struct mkx_msg m;
	unsigned n;
	int err;

	/* Requests queued while we waited for a reply of our own come first. */
	while (mkx_parent_next(&m, 0) == 0) {
		if (m.hdr.op == MKX_OP_SESSION_REQUEST)
			handle_request(&m);
		else
			mkx_msg_close_fds(&m);
	}
	n = nsessions;	/* after the queue: it may have added sessions */
	pfd[0].fd = mkx_parent_fd();
	pfd[0].events = POLLIN;
	for (unsigned i = 0; i < n; i++) {
		pfd[i + 1].fd = sessions[i].sock;
		pfd[i + 1].events = POLLIN;
	}
	err = poll(pfd, n + 1, timeout_ms);
	if (err < 0)
		return errno == EINTR ? 0 : -errno;
	if (err == 0)
		return -ETIMEDOUT;
	/* Serve calls first; indices shift when a session is dropped, so go backwards. */
	for (unsigned i = n; i-- > 0;)
		if (pfd[i + 1].revents && serve_call(&sessions[i]))
			drop_session(i);
	if (pfd[0].revents & (POLLHUP | POLLERR) && !(pfd[0].revents & POLLIN))
		return -ECONNRESET;
	if (pfd[0].revents & POLLIN) {
		err = mkx_parent_next(&m, 1);
		if (err == -ECONNRESET)
			return err;
		if (!err) {
			if (m.hdr.op == MKX_OP_SESSION_REQUEST)
				handle_request(&m);
			else
				mkx_msg_close_fds(&m);
		}
	}
	return 0;
}
