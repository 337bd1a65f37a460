/*
 * Genode's Signal_receiver and Signal_transmitter, the kernel-specific
 * part. On mkx no signal comes from a kernel object: the entrypoint
 * (entrypoint.cc) polls its sessions' fds, and a ready fd submits to the
 * signal context its session was given. A context is an Rpc_object of
 * this process; submit() finds out whether it belongs to the entrypoint
 * (a Signal_handler) or to a Signal_receiver of the component's own (as
 * Timer::Connection::usleep uses one) and queues the signal there.
 * Blocking on a receiver polls the same fds until one of its contexts is
 * pending: there is one thread, so waiting is serving the fds.
 */
#include <base/signal.h>
#include <base/entrypoint.h>
#include <base/log.h>
#include <pd_session/client.h>
#include <mkx_genode.h>

using namespace Genode;
using namespace Mkx_genode;

namespace {

	struct Receiver_context_interface : Interface { GENODE_RPC_INTERFACE(); };

	/* What a capability from Signal_receiver::manage names. */
	struct Receiver_context : Rpc_object<Receiver_context_interface, Receiver_context>, Exportable_context
	{
		Signal_context &context;
		Receiver_context(Signal_context &c) : context(c) { }
	};
}

namespace {

	/*
	 * What a Signal_receiver's PD is here. Genode's generic receiver code
	 * tells its PD (core's signal source) to forget a context it
	 * dissolves (free_context); mkx has no such source, but a call to an
	 * invalid capability sleeps for ever in Genode's RPC client, so every
	 * dissolve would hang. This object answers any call with success and
	 * nothing: the one call it gets returns void.
	 */
	struct Null_pd_interface : Interface { GENODE_RPC_INTERFACE(); };

	struct Null_pd : Rpc_object<Null_pd_interface, Null_pd>
	{
		Rpc_exception_code dispatch(Rpc_opcode, Ipc_unmarshaller &, Msgbuf_base &) override
		{
			return Rpc_exception_code(Rpc_exception_code::SUCCESS);
		}
	};
}

static Pd_session &no_pd()
{
	static Pd_session_client pd { reinterpret_cap_cast<Pd_session>(rpc_ep().manage(new Null_pd)) };
	return pd;
}

Signal_receiver::Signal_receiver() : _pd(no_pd()) { }

Signal_context_capability Signal_receiver::manage(Signal_context &context)
{
	if (context._receiver) {
		error("ill-attempt to manage an already managed signal context");
		return context._cap;
	}
	context._receiver = this;
	_contexts.insert_as_tail(&context);
	context._cap = reinterpret_cap_cast<Signal_context>(
		rpc_ep().manage(new Receiver_context(context)));
	return context._cap;
}

void Signal_receiver::_platform_destructor() { }

/* Before Genode's dissolve resets context._cap: the last moment it names our object. */
void Signal_receiver::_platform_begin_dissolve(Signal_context &context)
{
	if (auto *rc = dynamic_cast<Receiver_context *>(lookup(context._cap))) {
		rpc_ep().dissolve(rc);
		delete rc;
	}
}

void Signal_receiver::_platform_finish_dissolve(Signal_context &) { }

/* Queue a signal for a receiver's context (entrypoint.cc's submit calls it). */
bool Mkx_genode::submit_to_receiver(Rpc_object_base *obj, unsigned cnt)
{
	auto *rc = dynamic_cast<Receiver_context *>(obj);
	if (!rc)
		return false;
	while (cnt--)
		rc->context.local_submit();
	return true;
}

void Signal_context::local_submit()
{
	if (_receiver)
		_receiver->local_submit(Signal::Data(this, 1));
}

void Signal_receiver::local_submit(Signal::Data data)
{
	Signal_context &c = *data.context;
	c._curr_signal = Signal::Data(&c, c._curr_signal.num + data.num);
	c._pending = true;
}

/* The one thread waits by serving its fds (a timer's timerfd, a ROM's eventfd). */
void Signal_receiver::block_for_signal() { wait_for_fds(); }

Signal Signal_receiver::pending_signal()
{
	Signal::Data result;
	_contexts.for_each_locked([&] (Signal_context &c) -> bool {
		if (!c._pending) return false;
		_contexts.head(c._next);
		c._pending     = false;
		result         = c._curr_signal;
		c._curr_signal = Signal::Data();
		return true;
	});
	return result.context ? Signal(result) : Signal();
}

/* Inside this process: the context's queue; a client's context: its eventfd (signal_remote.cc). */
void Signal_transmitter::submit(unsigned cnt)
{
	if (_context.valid())
		Mkx_genode::submit(_context, cnt);
}

void Entrypoint::Signal_proxy_component::signal() { }
