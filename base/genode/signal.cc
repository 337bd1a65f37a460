/*
 * Genode's Signal_receiver, the kernel-specific part: on mkx no signal
 * comes from a kernel object; the entrypoint (entrypoint.cc) polls its
 * sessions' fds and dispatches signal contexts itself. Entrypoint still
 * holds a Signal_receiver and a signal proxy (Genode's entrypoint.h); they
 * exist, are empty, and a component that blocks on a Signal_receiver of
 * its own is told it cannot here.
 */
#include <base/signal.h>
#include <base/entrypoint.h>
#include <base/log.h>
#include <pd_session/client.h>
#include <stdlib.h>

using namespace Genode;

/* A receiver names a PD (core's signal source); mkx has none: an invalid one. */
static Pd_session &no_pd()
{
	static Pd_session_client pd { Pd_session_capability() };
	return pd;
}

Signal_receiver::Signal_receiver() : _pd(no_pd()) { }

void Signal_receiver::_platform_destructor() { }
void Signal_receiver::_platform_begin_dissolve(Signal_context &) { }
void Signal_receiver::_platform_finish_dissolve(Signal_context &) { }

void Signal_receiver::block_for_signal()
{
	error("Signal_receiver::block_for_signal: mkx's Genode base delivers "
	      "signals through the entrypoint only");
	abort();
}

Signal Signal_receiver::pending_signal() { return Signal(); }

void Entrypoint::Signal_proxy_component::signal() { }
