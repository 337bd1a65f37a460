/* The framing must reject every malformed message and never leak an fd. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mkx/rpc.h>
#include "harness.h"
#include "../common/raw_send.h"

static int sv[2];

static void
pair(void)
{
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
}

static void
send_raw(const void *buf, size_t len, unsigned nfds)
{
	CHECK(raw_send(sv[0], buf, len, nfds) == (ssize_t)len);
}

static struct mkx_msg_hdr
good_hdr(uint32_t len, uint32_t nfds)
{
	struct mkx_msg_hdr h = { .magic = MKX_MAGIC, .version = MKX_PROTO_VERSION,
	    .op = 7, .seq = 9, .len = len, .nfds = nfds };
	return h;
}

TEST(rpc_roundtrip_with_payload_and_fds)
{
	static struct mkx_msg m;
	int fds[2];
	char c;

	pair();
	CHECK(pipe(fds) == 0);
	CHECK_INT(mkx_rpc_send(sv[0], 42, 5, -3, "hello", 5, fds, 2), 0);
	CHECK_INT(mkx_rpc_recv(sv[1], &m), 0);
	CHECK_INT(m.hdr.op, 42);
	CHECK_INT(m.hdr.seq, 5);
	CHECK_INT(m.hdr.status, -3);
	CHECK_INT(m.hdr.len, 5);
	CHECK(memcmp(m.payload, "hello", 5) == 0);
	CHECK_INT(m.hdr.nfds, 2);
	/* The received write end really is the pipe's. */
	CHECK(write(m.fds[1], "x", 1) == 1);
	CHECK(read(fds[0], &c, 1) == 1 && c == 'x');
	mkx_msg_close_fds(&m);
}

TEST(rpc_max_payload_accepted_and_larger_refused_by_sender)
{
	static struct mkx_msg m;
	static char big[MKX_PAYLOAD_MAX + 1];

	pair();
	CHECK_INT(mkx_rpc_send(sv[0], 1, 1, 0, big, MKX_PAYLOAD_MAX, NULL, 0), 0);
	CHECK_INT(mkx_rpc_recv(sv[1], &m), 0);
	CHECK_INT(m.hdr.len, MKX_PAYLOAD_MAX);
	CHECK_INT(mkx_rpc_send(sv[0], 1, 1, 0, big, MKX_PAYLOAD_MAX + 1, NULL, 0), -EINVAL);
	CHECK_INT(mkx_rpc_send(sv[0], 1, 1, 0, NULL, 0, (int[5]){0}, 5), -EINVAL);
}

TEST(rpc_truncated_message_rejected_without_fd_leak)
{
	static struct mkx_msg m;
	struct mkx_msg_hdr h = good_hdr(0, 0);
	int before;

	pair();
	before = harness_count_fds();
	send_raw(&h, 10, 2);
	CHECK_INT(mkx_rpc_recv(sv[1], &m), -EBADMSG);
	CHECK_INT(harness_count_fds(), before);
	CHECK_INT(m.hdr.nfds, 0);
}

TEST(rpc_oversized_message_rejected_without_fd_leak)
{
	static struct mkx_msg m;
	static char buf[sizeof(struct mkx_msg_hdr) + MKX_PAYLOAD_MAX + 100];
	struct mkx_msg_hdr h = good_hdr(MKX_PAYLOAD_MAX + 100, 3);
	int before;

	pair();
	memcpy(buf, &h, sizeof h);
	before = harness_count_fds();
	send_raw(buf, sizeof buf, 3);
	CHECK_INT(mkx_rpc_recv(sv[1], &m), -EMSGSIZE);
	CHECK_INT(harness_count_fds(), before);
}

TEST(rpc_garbage_rejected_without_fd_leak)
{
	static struct mkx_msg m;
	char junk[64];
	int before;

	pair();
	memset(junk, 0xa5, sizeof junk);
	before = harness_count_fds();
	send_raw(junk, sizeof junk, 1);
	CHECK_INT(mkx_rpc_recv(sv[1], &m), -EBADMSG);
	CHECK_INT(harness_count_fds(), before);
}

TEST(rpc_wrong_version_rejected)
{
	static struct mkx_msg m;
	struct mkx_msg_hdr h = good_hdr(0, 0);

	pair();
	h.version = 99;
	send_raw(&h, sizeof h, 0);
	CHECK_INT(mkx_rpc_recv(sv[1], &m), -EPROTONOSUPPORT);
}

TEST(rpc_header_length_mismatch_rejected)
{
	static struct mkx_msg m;
	char buf[sizeof(struct mkx_msg_hdr) + 8];
	struct mkx_msg_hdr h = good_hdr(100, 0);	/* claims 100, carries 8 */

	pair();
	memcpy(buf, &h, sizeof h);
	send_raw(buf, sizeof buf, 0);
	CHECK_INT(mkx_rpc_recv(sv[1], &m), -EBADMSG);
}

TEST(rpc_fd_count_mismatch_rejected_without_fd_leak)
{
	static struct mkx_msg m;
	struct mkx_msg_hdr h = good_hdr(0, 0);	/* claims no fds, carries 2 */
	int before;

	pair();
	before = harness_count_fds();
	send_raw(&h, sizeof h, 2);
	CHECK_INT(mkx_rpc_recv(sv[1], &m), -EBADMSG);
	CHECK_INT(harness_count_fds(), before);
}

TEST(rpc_too_many_fds_rejected_without_fd_leak)
{
	static struct mkx_msg m;
	struct mkx_msg_hdr h = good_hdr(0, 9);
	int before;

	pair();
	before = harness_count_fds();
	send_raw(&h, sizeof h, 9);
	CHECK_INT(mkx_rpc_recv(sv[1], &m), -EMSGSIZE);
	CHECK_INT(harness_count_fds(), before);
}

TEST(rpc_peer_close_is_econnreset)
{
	static struct mkx_msg m;

	pair();
	close(sv[0]);
	CHECK_INT(mkx_rpc_recv(sv[1], &m), -ECONNRESET);
	CHECK_INT(mkx_rpc_send(sv[1], 1, 1, 0, NULL, 0, NULL, 0), -EPIPE);
}

TEST(rpc_take_fd_transfers_ownership)
{
	static struct mkx_msg m;
	int fd = open("/dev/null", O_RDONLY), got, before;

	pair();
	CHECK_INT(mkx_rpc_send(sv[0], 1, 1, 0, NULL, 0, &fd, 1), 0);
	close(fd);
	before = harness_count_fds();
	CHECK_INT(mkx_rpc_recv(sv[1], &m), 0);
	got = mkx_msg_take_fd(&m, 0);
	CHECK(got >= 0);
	CHECK_INT(mkx_msg_take_fd(&m, 1), -1);
	mkx_msg_close_fds(&m);			/* must not close the taken fd */
	CHECK(fcntl(got, F_GETFD) >= 0);
	close(got);
	CHECK_INT(harness_count_fds(), before);
}
