/*
 * Session quota donation in core's broker (broker.c) with two made-up
 * children on socket pairs: the client's ram_quota is taken at the
 * request, moves to the server when it grants the session, is withdrawn
 * from the server when the client exits (into debt if the server spent
 * it), goes back to the client when the server exits first, and back to
 * the client when the server refuses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../core-services/core.h"
#include "harness.h"

#define KiB 1024ul

static struct core_config cfg;
static struct start_cfg cfg_c = { .name = "client", .ram_quota = 64 * KiB },
			cfg_s = { .name = "server", .ram_quota = 32 * KiB };
static struct child cc, cs;
static int peer_c, peer_s;	/* the children's ends of their parent channels */

static void
setup(void)
{
	int a[2], b[2];

	core_cfg = &cfg;
	CHECK_INT(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, a), 0);
	CHECK_INT(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, b), 0);
	cc = (struct child){ .cfg = &cfg_c, .sock = a[0], .ram_left = 64 * KiB };
	cs = (struct child){ .cfg = &cfg_s, .sock = b[0], .ram_left = 32 * KiB, .nannounced = 1 };
	strcpy(cs.announced[0], "Hello");
	peer_c = a[1];
	peer_s = b[1];
}

static int server_end = -1, client_end = -1;	/* the session's ends the server and the client got */

/* The client asks for a Hello session with ram_quota 16K; the server's SESSION_REQUEST id. */
static uint32_t
request(void)
{
	static struct mkx_msg m;
	uint32_t id;

	open_child_session(&cc, 7, &cs, "Hello", "client -> x", "ram_quota=16K", 16 * KiB);
	CHECK_INT(cc.ram_left, 48 * KiB);	/* taken at the request */
	CHECK_INT(mkx_rpc_recv(peer_s, &m), 0);
	CHECK_INT(m.hdr.op, MKX_OP_SESSION_REQUEST);
	memcpy(&id, m.payload, 4);
	server_end = mkx_msg_take_fd(&m, 0);
	mkx_msg_close_fds(&m);
	return id;
}

static void
answer(uint32_t id, int32_t status)
{
	static struct mkx_msg m;
	static struct mkx_msg grant;

	memset(&m, 0, sizeof m);
	memcpy(m.payload, &id, 4);
	memcpy(m.payload + 4, &status, 4);
	m.hdr.len = 9;	/* id, status, "" */
	handle_response(&cs, &m);
	CHECK_INT(mkx_rpc_recv(peer_c, &grant), 0);	/* the client's answer */
	CHECK_INT(grant.hdr.status, status);
	client_end = mkx_msg_take_fd(&grant, 0);
	mkx_msg_close_fds(&grant);
}

/* What core's loop does with the granted sessions' watches: how many were reported closed. */
static unsigned
loop_once(void)
{
	struct pollfd pfd[GRANTS_MAX];
	unsigned idx[GRANTS_MAX], n = 0, closed = 0;

	for (unsigned i = 0; i < GRANTS_MAX; i++)
		if (broker_grant_watch(i) >= 0) {
			pfd[n] = (struct pollfd){ .fd = broker_grant_watch(i), .events = 0 };
			idx[n++] = i;
		}
	CHECK(poll(pfd, n, 0) >= 0);
	for (unsigned k = 0; k < n; k++)
		if (pfd[k].revents) {
			broker_grant_closed(idx[k]);
			closed++;
		}
	return closed;
}

static unsigned
watches(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < GRANTS_MAX; i++)
		n += broker_grant_watch(i) >= 0;
	return n;
}

static void
close_ends(void)
{
	if (server_end >= 0)
		close(server_end);
	if (client_end >= 0)
		close(client_end);
	server_end = client_end = -1;
}

TEST(broker_donation_moves_to_the_server_and_is_withdrawn_at_the_client_exit)
{
	setup();
	answer(request(), 0);
	CHECK_INT(cc.ram_left, 48 * KiB);
	CHECK_INT(cs.ram_left, 48 * KiB);	/* 32K of its own + 16K donated */
	broker_child_exited(&cc, "exited");
	CHECK_INT(cs.ram_left, 32 * KiB);
	CHECK_INT(cs.ram_debt, 0);
	CHECK_INT(watches(), 0);	/* the exit ended core's watch too */
	close_ends();
}

TEST(broker_withdrawal_of_a_spent_donation_leaves_the_server_in_debt)
{
	char why[256];

	setup();
	answer(request(), 0);
	CHECK_INT(ram_charge(&cs, 40 * KiB, "a DMA buffer", why, sizeof why), 0);	/* spent for the client */
	broker_child_exited(&cc, "exited");
	CHECK_INT(cs.ram_left, 0);
	CHECK_INT(cs.ram_debt, 8 * KiB);
	CHECK_INT(ram_charge(&cs, 1, "a ROM", why, sizeof why), -EDQUOT);
	ram_uncharge(&cs, 40 * KiB);	/* it frees the buffer */
	CHECK_INT(cs.ram_debt, 0);
	CHECK_INT(cs.ram_left, 32 * KiB);
	close_ends();
}

TEST(broker_donation_goes_back_to_the_client_when_the_server_exits)
{
	setup();
	answer(request(), 0);
	broker_child_exited(&cs, "crashed");
	CHECK_INT(cc.ram_left, 64 * KiB);
	broker_child_exited(&cc, "exited");	/* nothing left to withdraw from the gone server */
	CHECK_INT(cs.ram_left, 48 * KiB);
	CHECK_INT(watches(), 0);
	close_ends();
}

TEST(broker_refused_session_gives_the_quota_back_and_donates_nothing)
{
	setup();
	answer(request(), -EPERM);
	CHECK_INT(cc.ram_left, 64 * KiB);
	CHECK_INT(cs.ram_left, 32 * KiB);
	CHECK_INT(watches(), 0);	/* a refused session leaves no watch */
	broker_child_exited(&cc, "exited");
	CHECK_INT(cs.ram_left, 32 * KiB);
	close_ends();
}

TEST(broker_donation_goes_back_when_the_client_closes_the_session_and_it_pays_once)
{
	struct pollfd p;

	setup();
	answer(request(), 0);
	CHECK_INT(cs.ram_left, 48 * KiB);
	CHECK_INT(watches(), 1);
	CHECK_INT(loop_once(), 0);	/* open on both sides: nothing to report */
	CHECK_INT(cs.ram_left, 48 * KiB);
	close(client_end);
	client_end = -1;
	CHECK_INT(loop_once(), 1);
	CHECK_INT(cc.ram_left, 64 * KiB);
	CHECK_INT(cs.ram_left, 32 * KiB);	/* back where it was */
	CHECK_INT(watches(), 0);	/* left the poll set */
	/* core's dup does not keep the session alive for the server: it sees the hangup. */
	p = (struct pollfd){ .fd = server_end, .events = POLLIN };
	CHECK_INT(poll(&p, 1, 0), 1);
	CHECK(p.revents & POLLHUP);
	close_ends();
	/* A second session costs what one does. */
	answer(request(), 0);
	CHECK_INT(cc.ram_left, 48 * KiB);
	CHECK_INT(cs.ram_left, 48 * KiB);
	broker_child_exited(&cc, "exited");
	CHECK_INT(cs.ram_left, 32 * KiB);
	close_ends();
}

TEST(broker_session_close_with_the_donation_spent_leaves_the_server_in_debt)
{
	char why[256];

	setup();
	answer(request(), 0);
	CHECK_INT(ram_charge(&cs, 40 * KiB, "a DMA buffer", why, sizeof why), 0);
	close(client_end);
	client_end = -1;
	CHECK_INT(loop_once(), 1);
	CHECK_INT(cc.ram_left, 64 * KiB);
	CHECK_INT(cs.ram_debt, 8 * KiB);
	ram_uncharge(&cs, 40 * KiB);	/* it frees what the session held */
	CHECK_INT(cs.ram_debt, 0);
	CHECK_INT(cs.ram_left, 32 * KiB);
	broker_child_exited(&cc, "exited");	/* nothing is withdrawn twice */
	CHECK_INT(cs.ram_left, 32 * KiB);
	close_ends();
}

TEST(broker_server_shutdown_ends_the_session_for_the_client_and_returns_the_donation)
{
	struct pollfd p;

	setup();
	answer(request(), 0);
	/* The server ends the session (base/server.c): shutdown reaches the client past core's dup. */
	shutdown(server_end, SHUT_RDWR);
	close(server_end);
	server_end = -1;
	p = (struct pollfd){ .fd = client_end, .events = POLLIN };
	CHECK_INT(poll(&p, 1, 0), 1);
	CHECK(p.revents & POLLHUP);
	CHECK_INT(loop_once(), 1);
	CHECK_INT(cc.ram_left, 64 * KiB);
	CHECK_INT(cs.ram_left, 32 * KiB);
	broker_child_exited(&cc, "exited");
	close_ends();
}

TEST(broker_half_shutdown_by_the_client_keeps_the_donation_with_the_server)
{
	setup();
	answer(request(), 0);
	/* The client stops sending but could still read replies: the session is not over. */
	CHECK_INT(shutdown(client_end, SHUT_WR), 0);
	CHECK_INT(loop_once(), 0);
	CHECK_INT(shutdown(client_end, SHUT_RD), 0);	/* now both ways: over for the server too */
	CHECK_INT(loop_once(), 1);
	CHECK_INT(cc.ram_left, 64 * KiB);
	CHECK_INT(cs.ram_left, 32 * KiB);
	close_ends();
}
