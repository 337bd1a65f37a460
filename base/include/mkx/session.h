/*
 * Client side of a session: ask core for a session of a service, then
 * talk to the server (core or another component) over the session's own
 * socket. Core is out of the data path once the session is open.
 */
#ifndef MKX_SESSION_H
#define MKX_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <mkx/rpc.h>

struct mkx_session {
	int		sock;		/* session socket, -1 when closed */
	uint32_t	seq;
	char		service[32];
};

/*
 * Open a session. args are Genode-style: `label="x", ram_quota=8K, ...`.
 * Returns 0, or the server's/core's denial as -errno (-EPERM no route or
 * policy, -ENOENT unknown service, -EBUSY resource taken, -EINVAL bad
 * args, -EDQUOT quota exceeded) with its reason in why (always
 * NUL-terminated, may be NULL). Blocks until core or the server answers.
 */
int	mkx_session_open(struct mkx_session *s, const char *service,
	    const char *args, char *why, size_t whylen);

/*
 * One call on an open session. Returns the reply status (0 or the server's
 * -errno) or a transport error (-ECONNRESET: the server is gone). The reply
 * (payload, fds owned by the caller) is in *reply when the return is not a
 * transport error.
 */
int	mkx_session_call(struct mkx_session *s, uint16_t op,
	    const void *in, size_t inlen, const int *fds, unsigned nfds,
	    struct mkx_msg *reply);

/* Close the session socket; the server sees EOF and frees the session. */
void	mkx_session_close(struct mkx_session *s);

#endif
