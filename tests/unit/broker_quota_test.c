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
	mkx_msg_close_fds(&grant);
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
}

TEST(broker_donation_goes_back_to_the_client_when_the_server_exits)
{
	setup();
	answer(request(), 0);
	broker_child_exited(&cs, "crashed");
	CHECK_INT(cc.ram_left, 64 * KiB);
	broker_child_exited(&cc, "exited");	/* nothing left to withdraw from the gone server */
	CHECK_INT(cs.ram_left, 48 * KiB);
}

TEST(broker_refused_session_gives_the_quota_back_and_donates_nothing)
{
	setup();
	answer(request(), -EPERM);
	CHECK_INT(cc.ram_left, 64 * KiB);
	CHECK_INT(cs.ram_left, 32 * KiB);
	broker_child_exited(&cc, "exited");
	CHECK_INT(cs.ram_left, 32 * KiB);
}
