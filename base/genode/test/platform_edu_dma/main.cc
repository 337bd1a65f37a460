/*
 * A Genode client of Genode's platform driver, on mkx, that has edu DMA
 * a buffer the driver allocated: Platform::Dma_buffer (the driver's
 * alloc_dma_buffer: a buffer of core's DMA session, base/genode/pd.cc),
 * mapped here from the fd the driver hands over, its bus address from
 * the driver's dma_addr(). edu copies 4 KiB from the buffer into its own
 * memory (0x40000, 4088 bytes) and back into the buffer's second half; the client
 * checks every byte, then exits (0: PASS, 1: FAIL).
 */
#include <base/component.h>
#include <base/log.h>
#include <platform_session/connection.h>
#include <platform_session/device.h>
#include <platform_session/dma_buffer.h>
#include <timer_session/connection.h>

namespace Platform_edu_dma {

	using namespace Genode;

	struct Edu_regs : Platform::Device::Mmio<0x100>
	{
		struct Dma_src   : Register<0x80, 64> { };
		struct Dma_dst   : Register<0x88, 64> { };
		struct Dma_count : Register<0x90, 64> { };
		struct Dma_cmd   : Register<0x98, 64> { };

		using Platform::Device::Mmio<0x100>::Mmio;
	};

	struct Main
	{
		/* LEN: QEMU's edu refuses a transfer that reaches the last byte of its 4 KiB (off by one). */
		enum { HALF = 4096, LEN = 4088, EDU_BUF = 0x40000, START = 1, TO_RAM = 2 };

		Env                  &env;
		Platform::Connection  platform { env };
		Platform::Device      edu      { platform, Platform::Device::Name("00:03.0") };
		Edu_regs              regs     { edu };
		Platform::Dma_buffer  buf      { platform, 2 * HALF, CACHED };
		Timer::Connection     timer    { env };

		bool dma(addr_t src, addr_t dst, unsigned cmd)
		{
			regs.write<Edu_regs::Dma_src>(src);
			regs.write<Edu_regs::Dma_dst>(dst);
			regs.write<Edu_regs::Dma_count>(LEN);
			regs.write<Edu_regs::Dma_cmd>(cmd | START);
			/* QEMU's edu runs a transfer from a timer, 100 ms after the start: 2 s at most. */
			for (unsigned i = 0; i < 200; i++) {
				if (!(regs.read<Edu_regs::Dma_cmd>() & START))
					return true;
				timer.msleep(10);
			}
			return false;
		}

		Main(Env &env) : env(env)
		{
			uint8_t *p = buf.local_addr<uint8_t>();
			addr_t const bus = buf.dma_addr();
			log("platform_edu_dma: buffer of ", buf.size(), " bytes at bus ", Hex(bus));
			for (unsigned i = 0; i < HALF; i++) { p[i] = uint8_t(i * 7 + 3); p[HALF + i] = 0; }

			bool const done = bus && dma(bus, EDU_BUF, 0) && dma(EDU_BUF, bus + HALF, TO_RAM);
			unsigned wrong = 0;
			for (unsigned i = 0; i < LEN; i++)
				if (p[HALF + i] != uint8_t(i * 7 + 3)) wrong++;
			bool const ok = done && !wrong;
			log("platform_edu_dma: ", ok ? "PASS" : "FAIL", ": ", done ? "both DMA transfers done" : "a DMA transfer did not end",
			    ", ", wrong, " of ", (unsigned)LEN, " bytes wrong after RAM -> edu -> RAM");
			env.parent().exit(ok ? 0 : 1);
		}
	};
}

void Component::construct(Genode::Env &env)
{
	static Platform_edu_dma::Main main(env);
}
