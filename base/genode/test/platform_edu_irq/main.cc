/*
 * A Genode client of Genode's platform driver, on mkx, that takes edu's
 * interrupt through the driver: Platform::Device::Irq is the driver's IRQ
 * session (its capability handed over the Platform session), sigh() hands
 * the driver this client's signal context (an eventfd, signal_remote.cc),
 * ack() is a call to the driver, which unmasks the line at core.
 *
 * It raises edu's interrupt ROUNDS times (edu register 0x60, a different
 * bit each time) and counts: each must be dispatched exactly once, with
 * edu's interrupt status (0x24) the value raised; the status is cleared
 * (0x64) before the ack, so the level line is low again. Besides, one
 * dispatch with status 0 is expected: Genode's Irq::sigh() submits an
 * artificial first signal. After the last one, 500 ms of quiet: nothing
 * may arrive late or twice. The last line is PASS or FAIL with the counts;
 * the component then exits (0 or 1), which ends the composition.
 */
#include <base/component.h>
#include <base/log.h>
#include <platform_session/connection.h>
#include <platform_session/device.h>
#include <timer_session/connection.h>

namespace Platform_edu_irq {

	using namespace Genode;

	struct Edu_regs : Platform::Device::Mmio<0x100>
	{
		struct Irq_status : Register<0x24, 32> { };
		struct Irq_raise  : Register<0x60, 32> { };
		struct Irq_ack    : Register<0x64, 32> { };

		using Platform::Device::Mmio<0x100>::Mmio;
	};

	struct Main
	{
		enum { ROUNDS = 32 };

		Env                  &env;
		Platform::Connection  platform { env };
		Platform::Device      edu      { platform, Platform::Device::Name("00:03.0") };
		Edu_regs              regs     { edu };
		Platform::Device::Irq irq      { edu };
		Timer::Connection     timer    { env };

		Signal_handler<Main> irq_handler   { env.ep(), *this, &Main::handle_irq };
		Signal_handler<Main> quiet_handler { env.ep(), *this, &Main::handle_quiet };

		unsigned raised = 0, delivered = 0, empty = 0, wrong = 0, after_end = 0;
		bool     ended  = false;

		uint32_t value(unsigned n) const { return 1u << (n % 31); }

		void raise()
		{
			raised++;
			regs.write<Edu_regs::Irq_raise>(value(raised));
		}

		void handle_irq()
		{
			uint32_t const st = regs.read<Edu_regs::Irq_status>();
			if (ended) after_end++;
			if (!st) {
				empty++;
				irq.ack();
				if (raised == 0) raise();
				return;
			}
			if (st != value(raised)) {
				error("platform_edu_irq: round ", raised, ": status ", Hex(st),
				      ", raised ", Hex(value(raised)));
				wrong++;
			}
			regs.write<Edu_regs::Irq_ack>(st);
			delivered++;
			irq.ack();
			if (raised < ROUNDS) { raise(); return; }
			ended = true;
			timer.sigh(quiet_handler);
			timer.trigger_once(500*1000);
		}

		void handle_quiet()
		{
			bool const ok = delivered == ROUNDS && !wrong && empty == 1 && !after_end;
			log("platform_edu_irq: ", ok ? "PASS" : "FAIL", ": ", raised, " raised, ",
			    delivered, " delivered, ", wrong, " wrong, ", empty, " with status 0 (1 expected: "
			    "the artificial first), ", after_end, " after the last");
			env.parent().exit(ok ? 0 : 1);
		}

		Main(Env &env) : env(env)
		{
			irq.sigh(irq_handler);
			log("platform_edu_irq: edu's interrupt through Genode's platform driver");
		}
	};
}

void Component::construct(Genode::Env &env)
{
	static Platform_edu_irq::Main main(env);
}
