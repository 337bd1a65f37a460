/*
 * core's sessions as Genode session objects of the component: ROM, IO_MEM
 * and Report are Rpc_objects of this process whose methods call libmkx
 * (mkx/rom.h, mkx/io_mem.h, mkx/report.h). A Genode component's
 * Connection gets their capability from Env::session(), and its client
 * stub calls them through Genode's marshalling (rpc.cc).
 */
#include <base/log.h>
#include <base/session_label.h>
#include <util/arg_string.h>
#include <report_session/report_session.h>
#include <mkx_genode.h>
#include <mkx_ecam_probe.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <unistd.h>

extern "C" {
#include <mkx/rom.h>
#include <mkx/io_mem.h>
#include <mkx/report.h>
}

using namespace Genode;
using namespace Mkx_genode;

namespace {

	/* The last element of a Genode label ("a -> b -> devices": "devices"). */
	Session_label last(char const *args)
	{
		return label_from_args(args).last_element();
	}

	/*
	 * ROM: the content is a copy owned by the dataspace object, so a
	 * dataspace handed out stays valid until the next update replaces it.
	 * A ROM core does not have yet (a report not published) is retried
	 * every 250 ms; the handler is signalled when it appears, as Genode's
	 * report_rom signals the first report.
	 */
	struct Rom_component : Rpc_object<Rom_session, Rom_component>
	{
		struct Sig_watch : Fd_watch
		{
			Rom_component &rom;
			Sig_watch(Rom_component &rom) : rom(rom) { }
			int  fd() override { return rom.rom.sigfd; }
			void on_ready() override { rom._changed(); }
		};

		struct Retry_watch : Fd_watch
		{
			Rom_component &rom;
			int tfd = -1;
			Retry_watch(Rom_component &rom) : rom(rom) { }
			int  fd() override { return tfd; }
			void on_ready() override
			{
				uint64_t n;
				if (read(tfd, &n, sizeof n) < 0) { }
				rom._try_open();
			}
		};

		Session_label        name;
		struct mkx_rom       rom { };
		bool                 open = false;
		Dataspace_component *ds = nullptr;
		Signal_context_capability sigh_cap { };
		Sig_watch            sig_watch { *this };
		Retry_watch          retry { *this };

		Rom_component(Session_label const &name) : name(name)
		{
			if (mkx_rom_try_open(&rom, name.string()) == 0)
				_opened();
		}

		~Rom_component()
		{
			_drop_ds();
			if (retry.tfd >= 0) { unwatch(retry); close(retry.tfd); }
			if (open) { unwatch(sig_watch); mkx_rom_close(&rom); }
		}

		void _opened()
		{
			open = true;
			if (rom.sigfd >= 0) watch(sig_watch);
		}

		void _try_open()
		{
			if (open || mkx_rom_try_open(&rom, name.string())) return;
			unwatch(retry);
			close(retry.tfd);
			retry.tfd = -1;
			_opened();
			if (sigh_cap.valid()) submit(sigh_cap);
		}

		void _changed()
		{
			/* Fetch at once: that drains the eventfd the entrypoint polls. */
			if (mkx_rom_update(&rom))
				warning("ROM ", name, ": update failed, keeping the old content");
			if (sigh_cap.valid()) submit(sigh_cap);
		}

		void _drop_ds()
		{
			if (!ds) return;
			rpc_ep().dissolve(ds);
			free(ds->local);
			delete ds;
			ds = nullptr;
		}

		Rom_dataspace_capability dataspace() override
		{
			_drop_ds();
			if (!open) return Rom_dataspace_capability();
			void *copy = malloc(rom.size + 1);
			if (!copy) return Rom_dataspace_capability();
			::memcpy(copy, rom.data, rom.size);
			((char *)copy)[rom.size] = 0;
			ds = new Dataspace_component(-1, copy, rom.size, false);
			return rpc_ep().manage(ds);
		}

		bool update() override { return false; }

		void sigh(Signal_context_capability cap) override
		{
			sigh_cap = cap;
			if (open || !cap.valid() || retry.tfd >= 0) return;
			retry.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
			itimerspec its { { 0, 250000000 }, { 0, 250000000 } };
			if (retry.tfd < 0 || timerfd_settime(retry.tfd, 0, &its, nullptr)) {
				error("ROM ", name, ": no timer to wait for it (", Cstring(strerror(errno)), ")");
				return;
			}
			watch(retry);
		}
	};

	/* IO_MEM: core's grant, mapped by libmkx; its dataspace is that mapping. */
	struct Io_mem_component : Rpc_object<Io_mem_session, Io_mem_component>
	{
		struct mkx_io_mem    m { };
		Dataspace_component *ds = nullptr;
		void                *answers = nullptr;   /* an ECAM copy's probe answers */

		Io_mem_component(addr_t base, size_t size, bool wc)
		{
			char why[256] = "";
			int err = mkx_io_mem_open(&m, base, size, wc, why, sizeof why);
			if (err) {
				error("IO_MEM ", Hex(base), "+", Hex(size), " denied: ",
				      Cstring(why[0] ? why : strerror(-err)));
				throw Service_denied();
			}
			/*
			 * A snapshot is a sealed copy core made (firmware tables, or
			 * ECAM for a label that only reads config space): mapped
			 * private and writable, so Genode code that writes to its
			 * mapping (pci_decode enables bridges, clears MSI enable)
			 * writes its own pages, never the device or the copy.
			 */
			bool const copy = m.ds.flags & MKX_IO_MEM_SNAPSHOT;
			if (copy && mmap(m.map, (size_t)m.ds.length, PROT_READ | PROT_WRITE,
			                 MAP_PRIVATE | MAP_FIXED, m.fd, (off_t)m.ds.offset) == MAP_FAILED) {
				error("IO_MEM ", Hex(base), "+", Hex(size), ": private mapping of the copy: ",
				      Cstring(strerror(errno)));
				mkx_io_mem_close(&m);
				throw Service_denied();
			}
			/* A copy of ECAM: a BAR sizing probe reads core's answer back (ecam_probe.cc). */
			if (copy && (m.ds.flags & MKX_IO_MEM_PROBES)) {
				void *a = mmap(nullptr, (size_t)m.ds.length, PROT_READ, MAP_SHARED, m.fd,
				               (off_t)(m.ds.offset + m.ds.length));
				if (a == MAP_FAILED || ecam_probe_watch(m.map, (size_t)m.ds.length, a)) {
					error("IO_MEM ", Hex(base), "+", Hex(size), ": no probe answers for the ECAM copy");
					if (a != MAP_FAILED) munmap(a, (size_t)m.ds.length);
					mkx_io_mem_close(&m);
					throw Service_denied();
				}
				answers = a;
			}
			ds = new Dataspace_component(-1, m.map, (size_t)m.ds.length,
			                             copy || !(m.ds.flags & MKX_IO_MEM_READONLY));
			ds->share_fd  = m.fd;
			ds->share_off = m.ds.offset;
			rpc_ep().manage(ds);
		}

		~Io_mem_component()
		{
			rpc_ep().dissolve(ds);
			delete ds;
			if (answers) {
				ecam_probe_unwatch(m.map, (unsigned long)m.base);
				munmap(answers, (size_t)m.ds.length);
			}
			mkx_io_mem_close(&m);
		}

		Io_mem_dataspace_capability dataspace() override
		{
			return reinterpret_cap_cast<Io_mem_dataspace>(ds->cap());
		}
	};

	/*
	 * Report: the client writes into a memfd of this process; submit()
	 * publishes the first 'length' bytes through core's Report session.
	 */
	struct Report_component : Rpc_object<Report::Session, Report_component>
	{
		struct mkx_report    r { };
		Dataspace_component *ds = nullptr;
		char                *buf = nullptr;
		Session_label        name;

		Report_component(Session_label const &name, size_t size) : name(name)
		{
			char why[256] = "";
			size = align_addr(size ? size : 4096, AT_PAGE);
			int err = mkx_report_open(&r, name.string(), why, sizeof why);
			if (err) {
				error("Report ", name, " denied: ", Cstring(why[0] ? why : strerror(-err)));
				throw Service_denied();
			}
			int fd = memfd_create("genode-report", MFD_CLOEXEC);
			void *p = fd < 0 || ftruncate(fd, (off_t)size) ? MAP_FAILED
			        : mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (p == MAP_FAILED) {
				error("Report ", name, ": no buffer (", Cstring(strerror(errno)), ")");
				if (fd >= 0) close(fd);
				mkx_report_close(&r);
				throw Out_of_ram();
			}
			buf = (char *)p;
			ds  = new Dataspace_component(fd, nullptr, size, true);
			rpc_ep().manage(ds);
		}

		~Report_component()
		{
			rpc_ep().dissolve(ds);
			munmap(buf, ds->bytes);
			close(ds->fd);
			delete ds;
			mkx_report_close(&r);
		}

		Dataspace_capability dataspace() override { return ds->cap(); }

		void submit(size_t length) override
		{
			int err = mkx_report_submit(&r, buf, min(length, ds->bytes));
			if (err)
				error("Report ", name, ": submit of ", length, " bytes failed: ",
				      Cstring(strerror(-err)));
		}

		void response_sigh(Signal_context_capability) override { }
		size_t obtain_response() override { return 0; }
	};
}

Session_capability Mkx_genode::open_session(char const *service, char const *args)
{
	if (!::strcmp(service, Rom_session::service_name()))
		return rpc_ep().manage(new Rom_component(last(args)));

	if (!::strcmp(service, Io_mem_session::service_name())) {
		addr_t base = Arg_string::find_arg(args, "base").ulong_value(0);
		size_t size = Arg_string::find_arg(args, "size").ulong_value(0);
		bool   wc   = Arg_string::find_arg(args, "wc").bool_value(false);
		return rpc_ep().manage(new Io_mem_component(base, size, wc));
	}

	if (!::strcmp(service, Report::Session::service_name())) {
		size_t size = Arg_string::find_arg(args, "buffer_size").ulong_value(0);
		return rpc_ep().manage(new Report_component(last(args), size));
	}

	if (!::strcmp(service, "Timer"))
		return open_timer_session();

	if (!::strcmp(service, "IRQ"))
		return open_irq_session(args);

	if (!::strcmp(service, "IO_PORT"))
		return open_io_port_session(args);

	/* Any other service is another component's, routed by core (remote.cc). */
	return open_remote_session(service, args);
}

void Mkx_genode::close_session(Session_capability cap)
{
	Rpc_object_base *obj = lookup(cap);
	if (!obj) return;
	rpc_ep().remove(obj);
	delete obj;
}
