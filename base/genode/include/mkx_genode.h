/*
 * mkx's Genode base platform: what its .cc files share. A Genode component
 * here is one mkx component (one process, started by core); Genode's own
 * component code talks to it through Genode's base API, and these classes
 * carry that API to libmkx (core's sessions) and Linux (memfd, mmap, poll).
 *
 * Single-threaded on purpose: core gives a component one channel and
 * libmkx's calls are synchronous, so the entrypoint is the main thread.
 * Capabilities are process-local names of Rpc_objects; a call on one is
 * marshalled and dispatched by Genode's own RPC templates (ipc.cc).
 */
#ifndef MKX_GENODE_H
#define MKX_GENODE_H

#include <base/env.h>
#include <base/rpc_server.h>
#include <dataspace/dataspace.h>
#include <rom_session/rom_session.h>
#include <io_mem_session/io_mem_session.h>

namespace Genode { struct Runtime; }

namespace Mkx_genode {

	using namespace Genode;

	/*
	 * A dataspace of this process: either an fd we map (RAM: memfd) or
	 * memory libmkx has mapped already (a ROM's content, an IO_MEM window).
	 */
	struct Dataspace_component : Rpc_object<Rom_dataspace, Dataspace_component>
	{
		int    fd;         /* -1: 'local' is the content */
		void  *local;
		size_t bytes;
		bool   rw;

		Dataspace_component(int fd, void *local, size_t bytes, bool rw)
		: fd(fd), local(local), bytes(bytes), rw(rw) { }

		size_t size()      override { return bytes; }
		bool   writeable() override { return rw; }
	};

	/* What Thread(Runtime &) is given here: mkx has no Genode Runtime (rpc.cc). */
	Runtime &no_runtime();

	/* The one object pool and capability allocator of the process. */
	Rpc_entrypoint &rpc_ep();

	/* The object a capability of this process names, or nullptr. */
	Rpc_object_base *lookup(Native_capability const &);

	Dataspace_component *dataspace(Native_capability const &);

	/*
	 * A file descriptor the entrypoint polls; when it is readable,
	 * on_ready() runs (which drains it and submits signals).
	 */
	struct Fd_watch : Interface
	{
		Fd_watch *next = nullptr;
		virtual int  fd() = 0;
		virtual void on_ready() = 0;
	};
	void watch(Fd_watch &);
	void unwatch(Fd_watch &);

	/* Deliver a signal to the handler named by cap (of this process). */
	void submit(Signal_context_capability);

	/* Sessions of core served in this process (session.cc). */
	Session_capability open_session(char const *service, char const *args);
	void close_session(Session_capability);

	/* Run the entrypoint: wait for fds, dispatch signals. */
	[[noreturn]] void run_entrypoint(Entrypoint &);
}

#endif
