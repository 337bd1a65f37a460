/*
 * Attack test of signals between Genode components (docs/protocol.md,
 * kind 4): a hostile client of signal_server that speaks the wire itself
 * (libmkx, its own messages) and hands the server, as "signal contexts",
 * what a well-behaved client never would:
 *   - a pipe whose buffer is full (blocking): a write would stop the server,
 *   - one end of a socket pair,
 *   - a real eventfd, blocking, its counter at the maximum: a write blocks
 *     unless the server made it non-blocking,
 *   - 40 eventfds under 40 more keys: the server may hold at most 32 in all.
 * After each sigh it calls fire(3): the server must answer every call (a
 * refused context is invalid: fire returns 0). The last line: PASS or
 * FAIL with the counts; tests/integration/genode_signal_test.sh checks it
 * and that the well-behaved client is served all the same.
 */
#include <base/component.h>
#include <base/log.h>
#include <base/ipc.h>
#include <base/rpc.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

extern "C" {
#include <mkx/session.h>
}

namespace Signal_forge {

	using namespace Genode;

	enum { OP_GENODE_RPC = MKX_OP_SERVICE_BASE + 0x47, KIND_SIGNAL = 4,
	       RPC_SIGH = 0, RPC_FIRE = 1 };

	struct Wire_cap { uint64_t key; uint32_t kind, rw; uint64_t size, off; };
	struct Wire_hdr { uint64_t key; uint32_t data_size, ncaps; Wire_cap caps[4]; };

	struct Main
	{
		Env &env;
		struct mkx_session s { -1, 0, { } };
		unsigned answered = 0, calls = 0, accepted = 0;

		/* One call on the session object; true if the server answered it. */
		bool call(long opcode, int fd, uint64_t key, unsigned arg, unsigned *ret)
		{
			static struct mkx_msg reply;
			Msgbuf<64> m;
			m.insert(Rpc_opcode(opcode));
			if (opcode == RPC_FIRE) m.insert(arg);
			char buf[sizeof(Wire_hdr) + 64] { };
			Wire_hdr &h = *(Wire_hdr *)buf;
			h.data_size = (uint32_t)m.data_size();
			if (fd >= 0) { h.ncaps = 1; h.caps[0] = { key, KIND_SIGNAL, 0, 0, 0 }; }
			::memcpy(buf + sizeof h, m.data(), m.data_size());
			calls++;
			int err = mkx_session_call(&s, OP_GENODE_RPC, buf, sizeof h + m.data_size(),
			                           &fd, fd >= 0 ? 1 : 0, &reply);
			bool const ok = err == 0 && reply.hdr.len >= sizeof(Wire_hdr);
			if (ok && ret && reply.hdr.len >= sizeof(Wire_hdr) + sizeof(unsigned))
				::memcpy(ret, reply.payload + sizeof(Wire_hdr), sizeof *ret);
			mkx_msg_close_fds(&reply);
			if (ok) answered++;
			return ok;
		}

		/* sigh(fd) then fire(3): how many signals the server says it sent (0: refused). */
		unsigned try_context(char const *what, int fd, uint64_t key)
		{
			unsigned fired = ~0u;
			call(RPC_SIGH, fd, key, 0, nullptr);
			call(RPC_FIRE, -1, 0, 3, &fired);
			log("signal_forge: ", what, ": fire(3) answered, ", fired, " sent");
			return fired;
		}

		Main(Env &env) : env(env)
		{
			char why[128] = "";
			if (mkx_session_open(&s, "Signal_pair", "ram_quota=8192, cap_quota=2", why, sizeof why)) {
				error("signal_forge: no session: ", Cstring(why));
				return;
			}
			int p[2]; pipe(p);
			fcntl(p[1], F_SETFL, O_NONBLOCK);
			char junk[4096] { };
			while (write(p[1], junk, sizeof junk) > 0) { }
			fcntl(p[1], F_SETFL, 0);
			unsigned const r_pipe = try_context("a full blocking pipe", p[1], 1);
			int sp[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
			unsigned const r_sock = try_context("a socket", sp[0], 2);
			int full = eventfd(0, 0);
			uint64_t max = 0xfffffffffffffffeull;
			write(full, &max, sizeof max);
			unsigned const r_full = try_context("a blocking eventfd at its maximum", full, 3);
			for (uint64_t k = 100; k < 140; k++) {
				int e = eventfd(0, EFD_NONBLOCK);
				unsigned fired = 0;
				call(RPC_SIGH, e, k, 0, nullptr);
				call(RPC_FIRE, -1, 0, 1, &fired);
				if (fired) accepted++;
				close(e);
			}
			bool const ok = answered == calls && r_pipe == 0 && r_sock == 0 && r_full == 3
			             && accepted == 31;
			log("signal_forge: ", ok ? "PASS" : "FAIL", ": ", answered, " of ", calls,
			    " calls answered; pipe ", r_pipe, ", socket ", r_sock, " sent (0 expected: refused); "
			    "full eventfd ", r_full, " (3: accepted, dropped without blocking); ",
			    accepted, " of 40 more keys held (31 expected: 32 a session, one is the full eventfd)");
		}
	};
}

void Component::construct(Genode::Env &env)
{
	static Signal_forge::Main main(env);
}
