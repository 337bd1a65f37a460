/*
 * Server of base/genode's signal test pair (test/signal_pair/client.cc):
 * a Genode component serving Signal_pair sessions with Genode's own
 * Root_component. fire(n) submits n signals to the context the client
 * gave with sigh(), each with its own Signal_transmitter::submit().
 */
#include <base/component.h>
#include <base/heap.h>
#include <base/log.h>
#include <base/rpc_server.h>
#include <root/component.h>
#include "session.h"

namespace Signal_pair {

	using namespace Genode;

	struct Session_component : Rpc_object<Session, Session_component>
	{
		Signal_context_capability ctx { };

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
		Create_result _create_session(const char *) override { return _alloc_obj(); }

		Root(Entrypoint &ep, Allocator &md) : Root_component<Session_component>(ep, md) { }
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
