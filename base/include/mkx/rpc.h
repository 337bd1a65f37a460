/*
 * Message framing over SOCK_SEQPACKET sockets: send and receive one
 * length-checked message with up to MKX_FDS_MAX file descriptors.
 * Nothing here knows about sessions or services.
 */
#ifndef MKX_RPC_H
#define MKX_RPC_H

#include <stddef.h>
#include <stdint.h>
#include <mkx/proto.h>

struct mkx_msg {
	struct mkx_msg_hdr	hdr;
	uint8_t			payload[MKX_PAYLOAD_MAX];
	int			fds[MKX_FDS_MAX];	/* hdr.nfds valid entries */
};

/*
 * Send one message. len <= MKX_PAYLOAD_MAX, nfds <= MKX_FDS_MAX.
 * The fds stay owned by the caller (the kernel duplicates them).
 * Returns 0, -EINVAL for a bad length or fd count, -EPIPE if the peer is
 * gone, or another -errno of sendmsg. Blocks only while the socket is full.
 */
int	mkx_rpc_send(int sock, uint16_t op, uint32_t seq, int32_t status,
	    const void *payload, size_t len, const int *fds, unsigned nfds);

/*
 * Receive one message into *m. On success returns 0 and the caller owns
 * m->fds[0 .. m->hdr.nfds) (close them with mkx_msg_close_fds()).
 * Errors: -ECONNRESET when the peer closed (EOF); -EBADMSG for a
 * truncated message, bad magic or a header that disagrees with what
 * arrived; -EPROTONOSUPPORT for another protocol version; -EMSGSIZE for an
 * oversized message or too many fds. On every error all fds that arrived
 * are closed already: a malformed message never leaks a descriptor.
 * Blocks until a message arrives unless the socket is non-blocking
 * (-EAGAIN then).
 */
int	mkx_rpc_recv(int sock, struct mkx_msg *m);

/* Close every fd a received message still carries; sets nfds to 0. */
void	mkx_msg_close_fds(struct mkx_msg *m);

/*
 * How the fds a receiver does not keep are closed (mkx_msg_close_fds, and
 * the extras mkx_rpc_recv drops): close(2), unless a closer is set. The
 * peer picks what it sends, and closing some files can block (a TCP
 * socket with SO_LINGER and unsent data waits the linger time): core sets
 * one that cannot (fd_close_foreign). NULL restores close(2).
 */
void	mkx_rpc_set_closer(void (*closer)(int fd));

/*
 * Take fd i out of a received message (ownership passes to the caller;
 * the slot becomes -1). Returns -1 if i is out of range.
 */
int	mkx_msg_take_fd(struct mkx_msg *m, unsigned i);

/* Human-readable text for a receive error, for log lines. */
const char *mkx_rpc_strerror(int err);

#endif
