/*
 * A component's environment: its parent channel to core (an inherited
 * SOCK_SEQPACKET socket) and its label. Every component calls
 * mkx_env_init() first.
 */
#ifndef MKX_ENV_H
#define MKX_ENV_H

#include <stddef.h>
#include <stdint.h>
#include <mkx/rpc.h>

#define MKX_PARENT_FD	3	/* where core puts the parent channel */

/*
 * Pick up the parent channel (env MKX_PARENT_FD, default 3) and the label
 * (env MKX_LABEL). Returns 0, or -EBADF if there is no parent channel:
 * the program was not started by core. In that case it prints why.
 */
int	mkx_env_init(void);

/* The component's own label as core knows it ("hello_client"). */
const char *mkx_label(void);

/*
 * One request/reply on the parent channel. Messages that arrive in
 * between and are not the reply (session requests for a server) are
 * queued for mkx_parent_next(). The reply's fds belong to the caller.
 * Returns 0 (reply in *reply, its status in reply->hdr.status) or a
 * transport error from mkx_rpc_send/mkx_rpc_recv.
 */
int	mkx_parent_call(uint16_t op, const void *payload, size_t len,
	    struct mkx_msg *reply);

/* Send on the parent channel without waiting for a reply. */
int	mkx_parent_send(uint16_t op, const void *payload, size_t len);

/*
 * Next unsolicited message from the parent (queued or newly arrived).
 * block=0: returns -EAGAIN if none is there. Fds belong to the caller.
 */
int	mkx_parent_next(struct mkx_msg *m, int block);

/* The parent channel's fd, for poll(). */
int	mkx_parent_fd(void);

/* Tell core we are done and exit with code. Never returns. */
void	mkx_exit(int code) __attribute__((noreturn));

#endif
