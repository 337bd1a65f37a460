/*
 * IRQ session of an mkx Genode component: Genode's Irq_session served in
 * the process over libmkx's IRQ session at core (mkx/irq.h). Core picks
 * the mechanism (UIO, VFIO) and hands an fd that is readable after an
 * interrupt; the entrypoint polls it and submits the count to the handler
 * given with sigh(), which may be a client's context in another process
 * (Genode's platform driver hands its clients these sessions: the
 * signal then goes on as that client's eventfd, signal_remote.cc).
 * ack_irq() unmasks a legacy line (mkx_irq_ack), as Genode's does.
 *
 * Args are Genode's (irq_number, irq_trigger, irq_polarity, irq_type,
 * device_config_phys); core resolves them and checks its <irq> policy.
 */
#include <base/log.h>
#include <irq_session/irq_session.h>
#include <util/arg_string.h>
#include <mkx_genode.h>

#include <stdio.h>
#include <string.h>

extern "C" {
#include <mkx/irq.h>
}

using namespace Genode;
using namespace Mkx_genode;

namespace {

	struct Irq_component : Rpc_object<Irq_session, Irq_component>, Fd_watch
	{
		struct mkx_irq irq { };
		Signal_context_capability sigh_cap { };

		Irq_component(char const *mkx_args)
		{
			char why[256] = "";
			int err = mkx_irq_open_args(&irq, mkx_args, MKX_IRQ_ACK_AUTO, why, sizeof why);
			if (err) {
				error("IRQ (", Cstring(mkx_args), ") denied: ",
				      Cstring(why[0] ? why : strerror(-err)));
				throw Service_denied();
			}
			watch(*this);
		}

		~Irq_component() { unwatch(*this); mkx_irq_close(&irq); }

		int fd() override { return irq.fd; }

		void on_ready() override
		{
			int n = mkx_irq_wait(&irq, 0);
			if (n > 0 && sigh_cap.valid())
				submit(sigh_cap, unsigned(n));
		}

		void ack_irq() override
		{
			int err = mkx_irq_ack(&irq);
			if (err)
				error("IRQ ack: ", Cstring(strerror(-err)));
		}

		void sigh(Signal_context_capability cap) override { sigh_cap = cap; }

		Info info() override
		{
			if (irq.info.info_type != Info::MSI)
				return { Info::INVALID, 0, 0 };
			return { Info::MSI, (unsigned long)irq.info.address, (unsigned long)irq.info.value };
		}
	};
}

Session_capability Mkx_genode::open_irq_session(char const *args)
{
	/* Only the arguments core's IRQ service knows (label and quotas are core's business). */
	unsigned long const number = Arg_string::find_arg(args, "irq_number").ulong_value(~0ul);
	unsigned long const type   = Arg_string::find_arg(args, "irq_type").ulong_value(0);
	char buf[256];
	int len = ::snprintf(buf, sizeof buf, "irq_number=%lu, irq_trigger=%lu, irq_polarity=%lu, irq_type=%lu",
	                     number, Arg_string::find_arg(args, "irq_trigger").ulong_value(0),
	                     Arg_string::find_arg(args, "irq_polarity").ulong_value(0), type);
	unsigned long long const cfg = Arg_string::find_arg(args, "device_config_phys").ulonglong_value(0);
	if (cfg)
		::snprintf(buf + len, sizeof buf - (size_t)len, ", device_config_phys=0x%llx", cfg);
	return rpc_ep().manage(new Irq_component(buf));
}
