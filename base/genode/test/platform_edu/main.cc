/*
 * A Genode client of Genode's platform driver, on mkx: it opens a
 * Platform session (core routes it to the platform driver, another
 * process), acquires QEMU's edu device by name, maps BAR 0 through the
 * platform driver's IO_MEM dataspace and reads edu's identification
 * register (offset 0, 0x010000ed: major 1, minor 0, 0xed) and its
 * liveness register (offset 4: a write of x reads back as ~x), so the
 * mapping is shown to reach the device, not a copy.
 *
 * It is written against Genode's platform-session API only
 * (platform_session/connection.h, platform_session/device.h), like any
 * Genode driver.
 */
#include <base/component.h>
#include <base/log.h>
#include <platform_session/connection.h>
#include <platform_session/device.h>

namespace Platform_edu {

	using namespace Genode;

	struct Edu_regs : Platform::Device::Mmio<0x100>
	{
		struct Id       : Register<0x0, 32> { };
		struct Liveness : Register<0x4, 32> { };

		using Platform::Device::Mmio<0x100>::Mmio;
	};

	struct Main
	{
		Env                  &env;
		Platform::Connection  platform { env };
		Platform::Device      edu      { platform, Platform::Device::Name("00:03.0") };
		Edu_regs              regs     { edu };

		Main(Env &env) : env(env)
		{
			uint32_t const id = regs.read<Edu_regs::Id>();
			log("edu: identification register ", Hex(id));

			uint32_t const probe = 0x12345678;
			regs.write<Edu_regs::Liveness>(probe);
			uint32_t const back = regs.read<Edu_regs::Liveness>();
			log("edu: liveness wrote ", Hex(probe), " read ", Hex(back),
			    back == ~probe ? " (inverted: the device answered)" : " (NOT inverted)");
			log("platform_edu: done");
		}
	};
}

void Component::construct(Genode::Env &env)
{
	static Platform_edu::Main main(env);
}
