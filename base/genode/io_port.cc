/*
 * IO_PORT session of an mkx Genode component: Genode's Io_port_session
 * served in the process over libmkx's IO_PORT session at core
 * (mkx/io_port.h: in/out directly where core granted the range by
 * ioperm, else by a call to core). Args are Genode's io_port_base and
 * io_port_size; core checks its <io_port> policy. An access outside the
 * range reads all ones and writes nothing, as Genode's core refuses it.
 */
#include <base/log.h>
#include <io_port_session/io_port_session.h>
#include <util/arg_string.h>
#include <mkx_genode.h>

#include <string.h>

extern "C" {
#include <mkx/io_port.h>
}

using namespace Genode;
using namespace Mkx_genode;

namespace {

	struct Io_port_component : Rpc_object<Io_port_session, Io_port_component>
	{
		struct mkx_io_port p { };

		Io_port_component(unsigned base, unsigned size)
		{
			char why[256] = "";
			int err = mkx_io_port_open(&p, base, size, why, sizeof why);
			if (err) {
				error("IO_PORT ", Hex(base), "+", Hex(size), " denied: ",
				      Cstring(why[0] ? why : strerror(-err)));
				throw Service_denied();
			}
		}

		~Io_port_component() { mkx_io_port_close(&p); }

		uint32_t in(unsigned short port, unsigned width)
		{
			uint32_t v = ~0u;
			int err = mkx_io_port_in(&p, port, width, &v);
			if (err) {
				error("IO_PORT in ", Hex(port), ": ", Cstring(strerror(-err)));
				return ~0u;
			}
			return v;
		}

		void out(unsigned short port, unsigned width, uint32_t v)
		{
			int err = mkx_io_port_out(&p, port, width, v);
			if (err)
				error("IO_PORT out ", Hex(port), ": ", Cstring(strerror(-err)));
		}

		unsigned char  inb(unsigned short a) override { return (unsigned char)in(a, 1); }
		unsigned short inw(unsigned short a) override { return (unsigned short)in(a, 2); }
		unsigned       inl(unsigned short a) override { return in(a, 4); }
		void outb(unsigned short a, unsigned char v)  override { out(a, 1, v); }
		void outw(unsigned short a, unsigned short v) override { out(a, 2, v); }
		void outl(unsigned short a, unsigned v)       override { out(a, 4, v); }
	};
}

Session_capability Mkx_genode::open_io_port_session(char const *args)
{
	unsigned long const base = Arg_string::find_arg(args, "io_port_base").ulong_value(0);
	unsigned long const size = Arg_string::find_arg(args, "io_port_size").ulong_value(0);
	return rpc_ep().manage(new Io_port_component((unsigned)base, (unsigned)size));
}
