/*
 * Server side for components that provide a service to other components
 * (the hello server now, the platform driver later). Core routes a
 * client's session request to us as MKX_OP_SESSION_REQUEST with the
 * server end of a fresh session socket; we accept or deny, then serve
 * calls on that socket directly.
 */
#ifndef MKX_SERVER_H
#define MKX_SERVER_H

#include <stddef.h>
#include <mkx/rpc.h>

struct mkx_reply {
	uint8_t		payload[MKX_PAYLOAD_MAX];
	size_t		len;
	int		fds[MKX_FDS_MAX];	/* sent, stay owned by the handler */
	unsigned	nfds;
};

struct mkx_service {
	const char	*name;
	void		*ctx;
	/*
	 * A client asks for a session. label is core's view of the client
	 * ("hello_client" or "hello_client -> x"). Return 0 and set *state,
	 * or -errno with a reason in why (sent to the client and logged).
	 */
	int	(*open)(void *ctx, const char *label, const char *args,
		    void **state, char *why, size_t whylen);
	/* One call; fill *r, return the status for the client. */
	int	(*call)(void *ctx, void *state, struct mkx_msg *req,
		    struct mkx_reply *r);
	/* The session ended (client closed it, or died). */
	void	(*close)(void *ctx, void *state);
};

/* Announce svc at core. Returns 0 or -errno (e.g. -EPERM: not in our <provides>). */
int	mkx_server_announce(struct mkx_service *svc);

/*
 * Handle whatever is pending: session requests, calls, closes. Waits up
 * to timeout_ms (-1: forever) for the first event. Returns 0, -ETIMEDOUT,
 * or -ECONNRESET if the parent channel is gone (core exited).
 */
int	mkx_server_dispatch(int timeout_ms);

/*
 * A server serves 64 sessions, at most MKX_SERVER_SESSIONS_PER_CLIENT of
 * them to one client component (the label's first element, which core
 * sets): one client cannot take them all. A request beyond is refused,
 * naming the bound.
 */
#define MKX_SERVER_SESSIONS_PER_CLIENT	16

#endif
