/*
 * Attack test of Genode RPC between mkx components (docs/protocol.md):
 * a hostile Genode client of the platform driver forges capabilities.
 * It holds one Platform session (key 0 of its connection) and names,
 * over that same connection, every key from 1 to 1024: the platform
 * driver's other objects (its ROM, IO_MEM, Timer and Report sessions,
 * dataspaces, other clients' devices) all have keys in that range. A key
 * the driver never handed to this session must be refused as an invalid
 * object, whatever the opcode; the test counts the calls that reached an
 * object, logs them and reports the counts ("result": <forged tried=
 * answered=/>) for run/checks/genode_platform.py. It uses base/genode's capability internals on
 * purpose: that is what a hostile component can do.
 */
#include <base/component.h>
#include <base/log.h>
#include <base/ipc.h>
#include <base/connection.h>
#include <platform_session/client.h>
#include <os/reporter.h>
#include <base/internal/capability_data.h>

namespace Platform_forge {

	using namespace Genode;

	struct Main
	{
		Env &env;

		/*
		 * A bare Platform connection (not Platform::Connection, which asks
		 * for the devices ROM and its dataspace): the driver hands this
		 * session nothing but what the test asks for below.
		 */
		Genode::Connection<Platform::Session> platform {
			env, Session_label(), Ram_quota { 84*1024 },
			Genode::Connection<Platform::Session>::Args() };
		Platform::Client client { platform.cap() };

		Main(Env &env) : env(env)
		{
			Native_capability::Data const *session = platform.cap().data();
			if (!session || !session->remote) {
				error("platform_forge: the Platform session is not a remote one");
				return;
			}
			/*
			 * The legitimate session object answers (key 0): devices_rom()
			 * hands this session one object, the only key it holds.
			 */
			Rom_session_capability rom = client.devices_rom();
			long const legit = rom.valid() ? 0 : 1;
			unsigned long const rom_key = rom.valid() && rom.data()->remote ? rom.data()->remote_key : 0;
			log("platform_forge: session object answered; handed to us: ROM session key ", rom_key);

			unsigned answered = 0, tried = 0;
			for (unsigned long key = 1; key <= 1024; key++) {
				if (key == rom_key)
					continue;
				/* Kept for ever: its last reference would close the real connection. */
				Native_capability &forged = *new Native_capability(
					new Native_capability::Data(session->remote, key));
				for (long opcode = 0; opcode < 3; opcode++) {
					Msgbuf<256> s, r;
					s.insert(Rpc_opcode(opcode));
					Rpc_exception_code c = ipc_call(forged, s, r, 0);
					tried++;
					if (c.value != Rpc_exception_code::INVALID_OBJECT) {
						if (answered < 5)
							log("platform_forge: key ", key, " opcode ", opcode,
							    " reached an object (exception code ", c.value, ")");
						answered++;
					}
				}
			}
			log("platform_forge: ", answered, " of ", tried, " forged calls reached an object");
			static Expanding_reporter result { env, "forged", "result" };
			result.generate([&] (Generator &g) {
				g.attribute("legit", legit);
				g.attribute("tried", tried);
				g.attribute("answered", answered); });
		}
	};
}

void Component::construct(Genode::Env &env)
{
	static Platform_forge::Main main(env);
}
