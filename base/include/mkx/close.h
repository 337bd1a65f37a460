/*
 * Closing a file descriptor another process chose, without letting it
 * stall us. close(2) of the last reference to a TCP socket with SO_LINGER
 * set and data queued waits until the data is out or the linger time is
 * over; the same wait happens when a socket we close still holds such a
 * socket in flight (an fd a peer sent us that we never received). A
 * hostile client can arrange either and stall a server for as long as it
 * likes. mkx_close_foreign bounds the wait: sockets are closed under a
 * 20 ms timer whose signal (MKX_CLOSE_SIGNAL, reserved by libmkx) ends
 * the wait; the fd is gone whatever close returns. Other files are closed
 * plainly. Core has its own (fd_check.c), on SIGALRM.
 */
#ifndef MKX_CLOSE_H
#define MKX_CLOSE_H

#include <signal.h>

#define MKX_CLOSE_SIGNAL	(SIGRTMIN + 3)

void	mkx_close_foreign(int fd);

#endif
