/*
 * Signals between two Genode components on mkx (docs/protocol.md, "Genode
 * RPC between Genode components", signals). A client hands a server one
 * of its signal contexts (Platform::Session::sigh, a Block session's
 * packet-stream handlers): the context goes as an eventfd, created once
 * per context and polled by the client's entrypoint; the server's
 * Signal_transmitter::submit(n) adds n to it, and the client's entrypoint
 * reads the sum and submits it to the context, so n signals in flight are
 * one dispatch with num = n, as Genode coalesces them.
 *
 * Why an eventfd: it is the one Linux object that counts without a
 * reader, never blocks a non-blocking writer (a full counter refuses the
 * write instead) and gives the receiver nothing but a number. The server
 * checks that what it got is one (an anonymous inode) before it writes
 * to it: a client's pipe or socket in its place could block the server.
 */
#include <base/log.h>
#include <mkx_genode.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Genode;
using namespace Mkx_genode;

/* The client's end: its context's eventfd, read by the entrypoint. */
struct Mkx_genode::Signal_export : Fd_watch
{
	int const efd;
	Native_capability const cap;

	Signal_export(int efd, Native_capability const &cap) : efd(efd), cap(cap) { watch(*this); }
	~Signal_export() { unwatch(*this); close(efd); }

	int fd() override { return efd; }

	void on_ready() override
	{
		uint64_t cnt = 0;
		if (read(efd, &cnt, sizeof cnt) != sizeof cnt || cnt == 0)
			return;
		submit(reinterpret_cap_cast<Signal_context>(cap), cnt > ~0u ? ~0u : unsigned(cnt));
	}
};

Exportable_context::~Exportable_context() { delete exported; }

int Mkx_genode::signal_export_fd(Rpc_object_base *obj)
{
	auto *ctx = dynamic_cast<Exportable_context *>(obj);
	if (!ctx)
		return -EINVAL;
	if (!ctx->exported) {
		int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (efd < 0) {
			error("signal context: eventfd: ", Cstring(strerror(errno)));
			return -errno;
		}
		ctx->exported = new Signal_export(efd, obj->cap());
	}
	return ctx->exported->efd;
}

namespace {

	/* The server's end: a client's context, an eventfd it may only add to. */
	struct Imported_signal : Rpc_object<Signal_source_interface, Imported_signal>
	{
		int const efd;
		Imported_signal(int efd) : efd(efd) { }
		~Imported_signal() { close(efd); }
	};
}

Native_capability Mkx_genode::signal_import(int fd)
{
	struct stat st { };
	/* An eventfd is an anonymous inode: no file type in its mode. */
	if (fstat(fd, &st) < 0 || (st.st_mode & S_IFMT) != 0) {
		error("Genode RPC: a signal context must come as an eventfd; refused");
		close(fd);
		return Native_capability();
	}
	/* Ours is a shared description: the client made it non-blocking, a hostile one may not have. */
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		close(fd);
		return Native_capability();
	}
	return rpc_ep().manage(new Imported_signal(fd));
}

void Mkx_genode::signal_drop_import(Native_capability const &cap)
{
	if (auto *s = dynamic_cast<Imported_signal *>(lookup(cap))) {
		rpc_ep().dissolve(s);
		delete s;
	}
}

bool Mkx_genode::submit_imported(Rpc_object_base *obj, unsigned cnt)
{
	auto *s = dynamic_cast<Imported_signal *>(obj);
	if (!s)
		return false;
	uint64_t v = cnt;
	/* Full (a client that never reads): the signal is dropped, the server goes on. */
	if (cnt && write(s->efd, &v, sizeof v) != sizeof v && errno != EAGAIN)
		warning("signal to a client: ", Cstring(strerror(errno)));
	return true;
}
