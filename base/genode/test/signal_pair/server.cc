/*
 * Server of base/genode's signal test pair (test/signal_pair/client.cc):
 * a Genode component serving Signal_pair sessions with Genode's own
 * Root_component. fire(n) submits n signals to the context the client
 * gave with sigh(), each with its own Signal_transmitter::submit();
 * server_sigh() hands a client the server's own context, received()
 * says how many signals it got there (one counter for all sessions).
 */
#include <base/component.h>
#include <base/heap.h>
#include <base/log.h>
#include <base/rpc_server.h>
#include <root/component.h>
#include "session.h"

namespace Signal_pair {

	using namespace Genode;

	/* Counts the signals clients submit to the server's own context. */
	struct Counter : Signal_dispatcher_base
	{
		Entrypoint &ep;
		unsigned    signals = 0;
		Signal_context_capability const cap;

		Counter(Entrypoint &ep) : ep(ep), cap(ep.manage(*this)) { }
		~Counter() { ep.dissolve(*this); }

		void dispatch(unsigned num) override { signals += num; }
	};

	struct Session_component : Rpc_object<Session, Session_component>
	{
		Counter                  &counter;
		Signal_context_capability ctx { };

		Session_component(Counter &counter) : counter(counter) { }

		Signal_context_capability server_sigh() override { return counter.cap; }
		unsigned received() override { return counter.signals; }

		void sigh(Signal_context_capability c) override
		{
			ctx = c;
			log("signal_server: sigh ", c.valid() ? "valid" : "INVALID");
		}

		unsigned fire(unsigned n) override
		{
			if (!ctx.valid())
				return 0;
			for (unsigned i = 0; i < n; i++)
				Signal_transmitter(ctx).submit();
			return n;
		}
	};

	struct Root : Root_component<Session_component>
	{
		Counter counter;

		Create_result _create_session(const char *) override { return _alloc_obj(counter); }

		Root(Entrypoint &ep, Allocator &md) : Root_component<Session_component>(ep, md), counter(ep) { }
	};

	struct Main
	{
		Env         &env;
		Sliced_heap  heap { env.ram(), env.rm() };
		Root         root { env.ep(), heap };

		Main(Env &env) : env(env)
		{
			env.parent().announce(env.ep().manage(root));
			log("signal_server: announced");
		}
	};
}

void Component::construct(Genode::Env &env)
{
	static Signal_pair::Main main(env);
}
