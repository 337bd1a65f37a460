/*
 * mkx wire protocol: the framing of every message on a parent channel
 * (component <-> core) and on a session socket (client <-> server).
 * Both are AF_UNIX SOCK_SEQPACKET sockets, so one message is one datagram;
 * file descriptors (dataspaces, eventfd signals, session sockets) travel as
 * SCM_RIGHTS ancillary data. See docs/protocol.md for examples.
 */
#ifndef MKX_PROTO_H
#define MKX_PROTO_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define MKX_MAGIC		0x314b4d58u	/* "XMK1" little-endian */
#define MKX_PROTO_VERSION	1
#define MKX_PAYLOAD_MAX		4096		/* bytes after the header */
#define MKX_FDS_MAX		4		/* fds per message */

/* Every message starts with this header; all fields little-endian host order. */
struct mkx_msg_hdr {
	uint32_t	magic;		/* MKX_MAGIC */
	uint16_t	version;	/* MKX_PROTO_VERSION */
	uint16_t	op;		/* request: operation; reply: same op */
	uint32_t	seq;		/* reply carries the request's seq */
	int32_t		status;		/* reply: 0 or -errno; request: 0 */
	uint32_t	len;		/* payload bytes that follow */
	uint32_t	nfds;		/* fds attached as SCM_RIGHTS */
};
static_assert(sizeof(struct mkx_msg_hdr) == 24, "wire header is 24 bytes");
static_assert(offsetof(struct mkx_msg_hdr, len) == 16, "len at offset 16");

/*
 * Parent-channel operations (fd 3 of every component, MKX_PARENT_FD).
 * Payloads are NUL-separated strings unless noted.
 */
enum mkx_parent_op {
	MKX_OP_SESSION_OPEN	= 1,	/* "service\0args\0" -> reply: fd = session socket,
					   payload on denial: reason text */
	MKX_OP_ANNOUNCE		= 2,	/* "service\0" -> reply status */
	MKX_OP_SESSION_REQUEST	= 3,	/* core -> server: u32 id, "label\0args\0",
					   fd = server end of the session socket */
	MKX_OP_SESSION_RESPONSE	= 4,	/* server -> core: u32 id, i32 status, "reason\0";
					   no reply */
	MKX_OP_EXIT		= 5,	/* i32 code: component says it is done; no reply */
	MKX_OP_NESTED_CONFIG	= 6,	/* nested init -> core: "rom label\0", fd = its config
					   text (a memfd); reply status (docs/nested-init.md) */
	MKX_OP_NESTED_STATE	= 7,	/* core -> nested init: its <state> report (XML, NUL-
					   terminated) to publish as report "state"; no reply */
};

/*
 * Session operations 0x100.. are defined per service in the service's header
 * (log.h, rom.h, io_port.h, ...). Op 0 is never valid.
 */
#define MKX_OP_SERVICE_BASE	0x100

#endif
