/*
 * Client of base/genode's signal test pair: signals from a Genode server
 * (another process, test/signal_pair/server.cc) to this client, over
 * base/genode's signal-context eventfds (signal_remote.cc).
 *
 *  1. An entrypoint handler: for rounds r = 1..ROUNDS the server submits r
 *     signals (fire(r)) and the handler must be dispatched once with
 *     num == r (Genode counts signals in flight into one), before the
 *     next round starts from the handler.
 *  2. A Signal_receiver of the client's own: sigh() re-pointed to its
 *     context, fire(5), wait_for_signal() must return that context with
 *     num 5, and the handler of step 1 must get nothing more.
 *  3. The other way: the server hands over its own context (as a packet
 *     stream's server does), the client submits TO_SERVER signals, the
 *     server must count exactly that many.
 *  4. After 300 ms of quiet: no signal was dispatched twice or late.
 * The last line says PASS or FAIL with the counts.
 */
#include <base/component.h>
#include <base/connection.h>
#include <base/log.h>
#include <base/rpc_client.h>
#include <base/signal.h>
#include <timer_session/connection.h>
#include "session.h"

namespace Signal_pair {

	using namespace Genode;

	struct Client : Rpc_client<Session>
	{
		explicit Client(Capability<Session> cap) : Rpc_client<Session>(cap) { }
		void sigh(Signal_context_capability c) override { call<Rpc_sigh>(c); }
		unsigned fire(unsigned n) override { return call<Rpc_fire>(n); }
		Signal_context_capability server_sigh() override { return call<Rpc_server_sigh>(); }
		unsigned received() override { return call<Rpc_received>(); }
	};

	struct Main;

	/* Counts what the entrypoint dispatches, with each dispatch's num. */
	struct Counter : Signal_dispatcher_base
	{
		Entrypoint &ep;
		Main       &main;
		unsigned    signals = 0, dispatches = 0;
		Signal_context_capability const cap;

		Counter(Entrypoint &ep, Main &main) : ep(ep), main(main), cap(ep.manage(*this)) { }
		~Counter() { ep.dissolve(*this); }

		void dispatch(unsigned num) override;
	};

	struct Main
	{
		enum { ROUNDS = 8, RECEIVER_N = 5, TO_SERVER = 4 };

		Env &env;
		Genode::Connection<Session> conn {
			env, Session_label(), Ram_quota { 8*1024 }, Genode::Connection<Session>::Args() };
		Client          server { conn.cap() };
		Counter         counter { env.ep(), *this };
		Timer::Connection timer { env };
		Signal_handler<Main> quiet { env.ep(), *this, &Main::handle_quiet };
		unsigned round = 0, wrong = 0, receiver_num = 0, server_got = 0;

		/* Client to server: TO_SERVER submits to the server's context; it counts them (2 s at most). */
		void to_server_step()
		{
			Signal_context_capability cap = server.server_sigh();
			if (!cap.valid()) { error("signal_client: the server's context arrived invalid"); wrong++; return; }
			for (unsigned i = 0; i < TO_SERVER; i++)
				Signal_transmitter(cap).submit();
			for (unsigned i = 0; i < 200 && (server_got = server.received()) < TO_SERVER; i++)
				timer.msleep(10);
			log("signal_client: the server received ", server_got, " of ", (unsigned)TO_SERVER);
		}

		void next_round()
		{
			round++;
			if (server.fire(round) != round) { error("signal_client: fire refused"); wrong++; }
		}

		void on_signal(unsigned num)
		{
			if (num != round) {
				error("signal_client: round ", round, ": dispatched with num ", num);
				wrong++;
			}
			if (round < ROUNDS) { next_round(); return; }
			receiver_step();
		}

		void receiver_step()
		{
			Signal_receiver rec;
			Signal_context  ctx;
			server.sigh(rec.manage(ctx));
			server.fire(RECEIVER_N);
			{
				/* A Signal holds its context: dropped before the context is dissolved. */
				Signal s = rec.wait_for_signal();
				receiver_num = s.num();
				if (s.context() != &ctx || s.num() != RECEIVER_N) wrong++;
				log("signal_client: receiver got num ", s.num(),
				    s.context() == &ctx ? " (its context)" : " (WRONG context)");
			}
			server.sigh(Signal_context_capability());
			rec.dissolve(ctx);
			to_server_step();
			timer.sigh(quiet);
			timer.trigger_once(300*1000);
		}

		void handle_quiet()
		{
			unsigned const expect = ROUNDS * (ROUNDS + 1) / 2;
			bool const ok = !wrong && counter.signals == expect && counter.dispatches == ROUNDS
			             && receiver_num == RECEIVER_N && server.received() == TO_SERVER;
			log("signal_client: ", ok ? "PASS" : "FAIL", ": ", (unsigned)ROUNDS, " rounds, ",
			    counter.signals, " signals of ", expect, " in ", counter.dispatches,
			    " dispatches, receiver num ", receiver_num, ", server received ",
			    server.received(), " of ", (unsigned)TO_SERVER, ", ", wrong, " wrong");
		}

		Main(Env &env) : env(env)
		{
			server.sigh(counter.cap);
			next_round();
		}
	};

	void Counter::dispatch(unsigned num)
	{
		signals += num;
		dispatches++;
		main.on_signal(num);
	}
}

void Component::construct(Genode::Env &env)
{
	static Signal_pair::Main main(env);
}
