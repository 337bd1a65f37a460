/*
 * The session of base/genode's signal test pair: a client hands the
 * server a signal context (sigh) and asks it to submit n signals to it
 * (fire), as a platform driver signals a devices-ROM change or a block
 * driver its packet-stream client. Both ends are Genode code built here.
 */
#ifndef SIGNAL_PAIR_SESSION_H
#define SIGNAL_PAIR_SESSION_H

#include <session/session.h>
#include <base/signal.h>
#include <base/rpc.h>

namespace Signal_pair { struct Session; }

struct Signal_pair::Session : Genode::Session
{
	static const char *service_name() { return "Signal_pair"; }

	enum { CAP_QUOTA = 2 };

	virtual void sigh(Genode::Signal_context_capability) = 0;

	/* Submit n signals, one Signal_transmitter::submit() each; returns n if the context was valid. */
	virtual unsigned fire(unsigned n) = 0;

	/* The other way, as a packet stream's client signals its server: the server's own context ... */
	virtual Genode::Signal_context_capability server_sigh() = 0;

	/* ... and how many signals its handler has received so far. */
	virtual unsigned received() = 0;

	GENODE_RPC(Rpc_sigh, void, sigh, Genode::Signal_context_capability);
	GENODE_RPC(Rpc_fire, unsigned, fire, unsigned);
	GENODE_RPC(Rpc_server_sigh, Genode::Signal_context_capability, server_sigh);
	GENODE_RPC(Rpc_received, unsigned, received);
	GENODE_RPC_INTERFACE(Rpc_sigh, Rpc_fire, Rpc_server_sigh, Rpc_received);
};

#endif
