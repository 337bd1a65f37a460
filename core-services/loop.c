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
#include <unistd.h>

#include <mkx/args.h>
#include "cgroup.h"
#include "core.h"

struct csession {
	int			sock;
	const struct core_service *svc;
	void			*state;
	struct child		*client;
	unsigned long		ram;
	char			label[192];
};

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

static struct csession csessions[CORE_SESSIONS_MAX];
static unsigned ncsessions;
static struct pending pending[PENDING_MAX];
static uint32_t next_pending_id = 1;
static struct core_config *cfg;
static int finished;

/*
 * Everything core sends to a child goes through here. The channel is
 * non-blocking: a child that does not read what core sends cannot stop
 * core; the message is dropped and that is logged (once per child).
 */
static void
child_send(struct child *c, uint16_t op, uint32_t seq, int32_t status, const void *p, size_t len,
    const int *fds, unsigned nfds)
{
	int err;

	if (c->sock < 0)
		return;
	err = mkx_rpc_send(c->sock, op, seq, status, p, len, fds, nfds);
	if (err && !c->send_failed) {
		c->send_failed = 1;
		core_log("child \"%s\" %s; message dropped", c->cfg->name,
		    err == -EAGAIN ? "does not read its parent channel" : mkx_rpc_strerror(err));
	}
}

static void
deny(struct child *c, uint32_t seq, int err, const char *why)
{
	child_send(c, MKX_OP_SESSION_OPEN, seq, err, why, strlen(why) + 1, NULL, 0);
}

static void
grant(struct child *c, uint32_t seq, int fd)
{
	child_send(c, MKX_OP_SESSION_OPEN, seq, 0, NULL, 0, &fd, 1);
}

static void
csession_drop(unsigned i)
{
	struct csession *s = &csessions[i];

	s->svc->close(s->state);
	close(s->sock);
	s->client->nsessions--;
	s->client->ram_left += s->ram;
	csessions[i] = csessions[--ncsessions];
}

/* Session request for a core service. */
static void
open_core_session(struct child *c, uint32_t seq, const struct core_service *svc,
    const char *label, const char *args, unsigned long ram)
{
	char why[512] = "";
	void *state = NULL;
	int sv[2], err;

	if (ncsessions == CORE_SESSIONS_MAX) {
		deny(c, seq, -EAGAIN, "core has no room for more sessions");
		return;
	}
	err = svc->open(c, label, args, &state, why, sizeof why);
	if (err) {
		core_log("denied %s session \"%s\": %s", svc->name, label, why);
		deny(c, seq, err, why);
		return;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		svc->close(state);
		deny(c, seq, -errno, "core cannot create a session socket");
		return;
	}
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);	/* see child_send */
	csessions[ncsessions++] = (struct csession){
		.sock = sv[0], .svc = svc, .state = state, .client = c, .ram = ram,
	};
	snprintf(csessions[ncsessions - 1].label, sizeof csessions[0].label, "%s", label);
	c->nsessions++;
	c->ram_left -= ram;
	grant(c, seq, sv[1]);
	close(sv[1]);
	if (cfg->verbose)
		core_log("%s session \"%s\" opened", svc->name, label);
}

/* Hand a pending request to its (announced) server. */
static void
forward_request(struct pending *p)
{
	uint8_t buf[MKX_PAYLOAD_MAX];
	size_t ls = strlen(p->service) + 1, ll = strlen(p->label) + 1, la = strlen(p->args) + 1;

	memcpy(buf, &p->id, 4);
	memcpy(buf + 4, p->service, ls);
	memcpy(buf + 4 + ls, p->label, ll);
	memcpy(buf + 4 + ls + ll, p->args, la);
	child_send(p->server, MKX_OP_SESSION_REQUEST, 0, 0, buf, 4 + ls + ll + la, &p->server_end, 1);
	close(p->server_end);
	p->server_end = -1;
}

static void
pending_drop(struct pending *p, int err, const char *why)
{
	if (err) {
		core_log("denied %s session \"%s\": %s", p->service, p->label, why);
		if (p->client->state == CHILD_RUNNING)
			deny(p->client, p->client_seq, err, why);
	}
	p->client->ram_left += p->ram;
	if (p->client_end >= 0)
		close(p->client_end);
	if (p->server_end >= 0)
		close(p->server_end);
	p->used = 0;
}

static void
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
		deny(c, seq, -ECONNREFUSED, why);
		return;
	}
	unsigned mine = 0;

	for (unsigned i = 0; i < PENDING_MAX; i++)
		mine += pending[i].used && pending[i].client == c;
	if (mine >= 4) {
		deny(c, seq, -EAGAIN, "more than 4 session requests of this child in flight");
		return;
	}
	for (unsigned i = 0; i < PENDING_MAX && !p; i++)
		if (!pending[i].used)
			p = &pending[i];
	if (!p || strlen(args) >= sizeof p->args) {
		deny(c, seq, p ? -EINVAL : -EAGAIN, p ? "session arguments too long"
		    : "core has too many session requests in flight");
		return;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		deny(c, seq, -errno, "core cannot create a session socket");
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

static void
handle_session_open(struct child *c, struct mkx_msg *m)
{
	const char *service = (char *)m->payload, *args;
	char why[512], arg_label[128] = "", label[192];
	const struct route_rule *rule;
	unsigned long ram = 0;
	int err;

	if (m->hdr.len < 2 || m->payload[m->hdr.len - 1] ||
	    strlen(service) + 1 >= m->hdr.len || !*service) {
		deny(c, m->hdr.seq, -EINVAL, "malformed session request");
		core_log("child \"%s\": malformed session request; denied", c->cfg->name);
		return;
	}
	args = service + strlen(service) + 1;
	err = mkx_arg_string(args, "label", arg_label, sizeof arg_label);
	if (err && err != -ENOENT) {
		snprintf(why, sizeof why, "bad session arguments \"%.200s\"", args);
		core_log("denied %s session of \"%s\": %s", service, c->cfg->name, why);
		deny(c, m->hdr.seq, -EINVAL, why);
		return;
	}
	if (arg_label[0])
		snprintf(label, sizeof label, "%s -> %s", c->cfg->name, arg_label);
	else
		snprintf(label, sizeof label, "%s", c->cfg->name);
	err = mkx_arg_ulong(args, "ram_quota", &ram);
	if (err == -EINVAL) {
		snprintf(why, sizeof why, "ram_quota in \"%.200s\" is not a number", args);
		core_log("denied %s session \"%s\": %s", service, label, why);
		deny(c, m->hdr.seq, -EINVAL, why);
		return;
	}
	rule = route_find(cfg, c->cfg, service, label);
	if (!rule) {
		snprintf(why, sizeof why, "no route for service \"%s\" (label \"%s\") in the config of \"%s\"",
		    service, label, c->cfg->name);
		core_log("denied %s session \"%s\": %s", service, label, why);
		deny(c, m->hdr.seq, -EPERM, why);
		return;
	}
	if (c->nsessions >= SESSIONS_PER_CHILD) {
		snprintf(why, sizeof why, "\"%s\" holds %d sessions already (the limit)",
		    c->cfg->name, SESSIONS_PER_CHILD);
		core_log("denied %s session \"%s\": %s", service, label, why);
		deny(c, m->hdr.seq, -EAGAIN, why);
		return;
	}
	if (ram > c->ram_left) {
		snprintf(why, sizeof why, "ram_quota %lu exceeds the %lu bytes left of \"%s\"'s RAM quantum",
		    ram, c->ram_left, c->cfg->name);
		core_log("denied %s session \"%s\": %s", service, label, why);
		deny(c, m->hdr.seq, -EDQUOT, why);
		return;
	}
	if (!rule->child[0]) {
		const struct core_service *svc = core_service_find(service);

		if (!svc) {
			snprintf(why, sizeof why, "core provides no service \"%s\" (route at line %d)",
			    service, rule->line);
			core_log("denied %s session \"%s\": %s", service, label, why);
			deny(c, m->hdr.seq, -ENOENT, why);
			return;
		}
		open_core_session(c, m->hdr.seq, svc, label, args, ram);
		return;
	}
	open_child_session(c, m->hdr.seq, child_by_name(rule->child), service, label, args, ram);
}

static void
handle_announce(struct child *c, struct mkx_msg *m)
{
	const char *service = (char *)m->payload;
	int ok = 0;

	if (m->hdr.len < 2 || m->payload[m->hdr.len - 1] || strlen(service) >= NAME_MAX_LEN) {
		child_send(c, m->hdr.op, m->hdr.seq, -EINVAL, NULL, 0, NULL, 0);
		return;
	}
	for (unsigned i = 0; i < c->cfg->nprovides; i++)
		ok |= !strcmp(c->cfg->provides[i], service);
	if (!ok) {
		core_log("child \"%s\" announced \"%s\", which its <provides> does not list; refused",
		    c->cfg->name, service);
		child_send(c, m->hdr.op, m->hdr.seq, -EPERM, NULL, 0, NULL, 0);
		return;
	}
	for (unsigned i = 0; i < c->nannounced; i++)
		if (!strcmp(c->announced[i], service))
			ok = 2;
	if (ok == 1 && c->nannounced < PROVIDES_MAX)
		strcpy(c->announced[c->nannounced++], service);
	child_send(c, m->hdr.op, m->hdr.seq, 0, NULL, 0, NULL, 0);
	if (cfg->verbose)
		core_log("child \"%s\" announces service \"%s\"", c->cfg->name, service);
	for (unsigned i = 0; i < PENDING_MAX; i++)
		if (pending[i].used && pending[i].server == c && pending[i].server_end >= 0 &&
		    !strcmp(pending[i].service, service))
			forward_request(&pending[i]);
}

static void
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
		grant(p->client, p->client_seq, p->client_end);
		if (cfg->verbose)
			core_log("%s session \"%s\" opened at \"%s\"", p->service, p->label,
			    c->cfg->name);
		/* The quota stays charged while the session lives; we cannot see it end. */
		p->ram = 0;
		pending_drop(p, 0, NULL);
		return;
	}
	core_log("child \"%s\" answered unknown session request %u; ignored", c->cfg->name, id);
}

static void
handle_parent_msg(struct child *c)
{
	static struct mkx_msg m;
	int err = mkx_rpc_recv(c->sock, &m);

	if (err == -EAGAIN)
		return;
	if (err == -ECONNRESET) {
		/* The child closed its channel; it is exiting. SIGCHLD follows. */
		close(c->sock);
		c->sock = -1;
		return;
	}
	if (err) {
		core_log("child \"%s\": %s on the parent channel; message dropped",
		    c->cfg->name, mkx_rpc_strerror(err));
		return;
	}
	switch (m.hdr.op) {
	case MKX_OP_SESSION_OPEN:	handle_session_open(c, &m); break;
	case MKX_OP_ANNOUNCE:		handle_announce(c, &m); break;
	case MKX_OP_SESSION_RESPONSE:	handle_response(c, &m); break;
	case MKX_OP_EXIT:		break;
	default:
		core_log("child \"%s\": unknown operation %u on the parent channel; refused",
		    c->cfg->name, m.hdr.op);
		child_send(c, m.hdr.op, m.hdr.seq, -ENOSYS, NULL, 0, NULL, 0);
	}
	mkx_msg_close_fds(&m);
}

static void
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
		else if (cfg->verbose)
			core_log("%s session \"%s\" closed", s->svc->name, s->label);
		csession_drop(i);
		return;
	}
	r.len = 0;
	r.nfds = 0;
	status = s->svc->call(s->state, &m, &r);
	mkx_msg_close_fds(&m);
	err = mkx_rpc_send(s->sock, m.hdr.op, m.hdr.seq, status, r.payload, r.len, r.fds, r.nfds);
	if (err) {
		core_log("%s session \"%s\": %s; session closed", s->svc->name, s->label,
		    err == -EAGAIN ? "the client does not read its replies" : mkx_rpc_strerror(err));
		csession_drop(i);
	}
}

void
loop_child_exited(struct child *c)
{
	char how[128];

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
		close(c->sock);
	c->sock = -1;
	for (unsigned i = ncsessions; i-- > 0;)
		if (csessions[i].client == c)
			csession_drop(i);
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
	for (unsigned i = 0; i < c->nrom_sigfds; i++)
		close(c->rom_sigfds[i]);
	c->nrom_sigfds = 0;
	if (c->cfg->finish && !c->killed_by_core) {
		core_log("\"%s\" was marked finish=\"yes\": ending the composition", c->cfg->name);
		finished = 1;
	}
}

/* SIGHUP: re-read the config; apply changed <config> nodes as ROM updates. */
static void
reload(const char *file, const char *bin_dir)
{
	static struct core_config fresh;
	char err[512];

	if (config_load(&fresh, file, bin_dir, err, sizeof err)) {
		core_log("reload refused, keeping the running config: %s", err);
		return;
	}
	for (unsigned i = 0; i < nchildren; i++) {
		struct child *c = &children[i];

		for (unsigned j = 0; j < fresh.nstart; j++) {
			struct start_cfg *s = &fresh.start[j];
			char *tmp;

			if (strcmp(s->name, c->cfg->name) || !strcmp(s->config, c->cfg->config))
				continue;
			tmp = c->cfg->config;
			c->cfg->config = s->config;
			c->cfg->config_len = s->config_len;
			s->config = tmp;
			core_log("config of \"%s\" changed; signalling its ROM sessions", c->cfg->name);
			rom_config_changed(c);
		}
	}
	config_free(&fresh);
}

static int
all_exited(void)
{
	for (unsigned i = 0; i < nchildren; i++)
		if (children[i].state == CHILD_RUNNING)
			return 0;
	return 1;
}

static int
exit_status(void)
{
	int bad = 0;

	for (unsigned i = 0; i < nchildren; i++) {
		struct child *c = &children[i];

		if (!c->killed_by_core && c->state == CHILD_EXITED &&
		    !(WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0))
			bad++;
	}
	return bad;
}

int
loop_run(struct core_config *config, const char *config_file, const char *bin_dir)
{
	static struct pollfd pfd[1 + CHILDREN_MAX + CORE_SESSIONS_MAX];
	static int who[1 + CHILDREN_MAX + CORE_SESSIONS_MAX];	/* >=0 child, <0 -(session+1) */
	sigset_t mask;
	int sfd, bad;

	cfg = config;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		core_log("signalfd: %s", strerror(errno));
		return 2;
	}
	cgroup_init();
	for (unsigned i = 0; i < cfg->nstart; i++) {
		int err = child_start(&children[nchildren], &cfg->start[i], cfg);

		if (err) {
			core_log("cannot start \"%s\": %s", cfg->start[i].name, strerror(-err));
			continue;
		}
		nchildren++;
	}
	while (!finished && !all_exited()) {
		unsigned n = 0, nsess = ncsessions;
		int rc;

		pfd[n].fd = sfd;
		pfd[n].events = POLLIN;
		who[n++] = 0;
		for (unsigned i = 0; i < nchildren; i++)
			if (children[i].sock >= 0) {
				pfd[n].fd = children[i].sock;
				pfd[n].events = POLLIN;
				who[n++] = (int)i;
			}
		for (unsigned i = 0; i < nsess; i++) {
			pfd[n].fd = csessions[i].sock;
			pfd[n].events = POLLIN;
			who[n++] = -(int)i - 1;
		}
		rc = poll(pfd, n, -1);
		if (rc < 0 && errno != EINTR) {
			core_log("poll: %s", strerror(errno));
			break;
		}
		/* Sessions from the back, so dropping one does not move an unhandled one. */
		for (unsigned k = n; k-- > 1;)
			if (pfd[k].revents && who[k] < 0)
				handle_session_call((unsigned)(-who[k] - 1));
		for (unsigned k = 1; k < n; k++)
			if (pfd[k].revents && who[k] >= 0 && children[who[k]].sock == pfd[k].fd)
				handle_parent_msg(&children[who[k]]);
		if (pfd[0].revents) {
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
	}
	child_kill_all();
	while (ncsessions)
		csession_drop(ncsessions - 1);
	for (unsigned i = 0; i < PENDING_MAX; i++)
		if (pending[i].used)
			pending_drop(&pending[i], 0, NULL);
	close(sfd);
	cgroup_cleanup();
	bad = exit_status();
	if (bad)
		core_log("composition ended: %d child(ren) failed", bad);
	else
		core_log("composition ended: all children exited cleanly");
	return bad ? 1 : 0;
}
