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
#include <base/ipc.h>
#include <base/internal/capability_data.h>

namespace Genode { struct Runtime; }

namespace Mkx_genode {

	using namespace Genode;

	/*
	 * A dataspace of this process: either an fd we map (RAM: memfd) or
	 * memory libmkx has mapped already (a ROM's content, an IO_MEM window).
	 */
	struct Dma_backing;
	void dma_release(Dma_backing *);   /* pd.cc */

	struct Dataspace_component : Rpc_object<Rom_dataspace, Dataspace_component>
	{
		int    fd;         /* -1: 'local' is the content */
		void  *local;
		size_t bytes;
		bool   rw;
		uint64_t map_off = 0;   /* where in fd the dataspace starts (mmap offset) */

		/*
		 * What another process is sent for this dataspace (remote.cc):
		 * a RAM dataspace its memfd, an IO_MEM window core's BAR file or
		 * ECAM fd at core's offset; -1: it cannot leave the process.
		 */
		int      share_fd  = -1;
		uint64_t share_off = 0;

		/* A RAM dataspace that became a buffer of core's DMA session (pd.cc), or nullptr. */
		Dma_backing *dma = nullptr;

		/* Received from a server: its connection and key (sent back as that key). */
		struct Remote_conn *origin = nullptr;
		unsigned long       origin_key = 0;

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

	/* A received dataspace nobody here names any more: dissolved, its fd closed (remote.cc). */
	void drop_import(Native_capability::Data &);

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

	/* Deliver cnt signals to the handler or receiver context named by cap (of this process). */
	void submit(Signal_context_capability, unsigned cnt = 1);

	/* signal.cc: queue cnt signals if obj is a Signal_receiver's context. */
	bool submit_to_receiver(Rpc_object_base *obj, unsigned cnt);

	/*
	 * Signals to another process (signal_remote.cc). A signal context of
	 * this process (a Signal_handler's, a Signal_receiver's) is also an
	 * Exportable_context: handed to another component it becomes an
	 * eventfd, made once and read by the entrypoint; the server holds an
	 * imported context that adds to that eventfd.
	 */
	struct Signal_export;
	struct Exportable_context
	{
		Signal_export *exported = nullptr;
		virtual ~Exportable_context();
	};
	struct Signal_source_interface : Interface { GENODE_RPC_INTERFACE(); };

	/* The eventfd that carries obj's signals (the object stays its owner), or -errno. */
	int signal_export_fd(Rpc_object_base *obj);

	/* A client's context received as fd (taken over): invalid if it is no eventfd. */
	Native_capability signal_import(int fd);
	void signal_drop_import(Native_capability const &);

	/* Add cnt to an imported context's eventfd; false if obj is none. */
	bool submit_imported(Rpc_object_base *obj, unsigned cnt);

	/* Wait until a watched fd is ready and run its handler (a blocking receiver's wait). */
	void wait_for_fds();

	/*
	 * Something else to serve while the entrypoint waits: the mkx server
	 * side of announced services (server.cc), which libmkx dispatches.
	 */
	struct Idle_hook : Interface
	{
		virtual int  timeout_ms() = 0;  /* the longest slice run() may wait */
		/* Serve, waiting up to wait_ms for the first event; false: cannot now (re-entered). */
		virtual bool run(int wait_ms) = 0;
	};
	void idle_hook(Idle_hook *);

	/* Sessions of core served in this process (session.cc). */
	Session_capability open_session(char const *service, char const *args);

	/* A session of a Genode component, over an mkx session (remote.cc). */
	Session_capability open_remote_session(char const *service, char const *args);

	/* Pass a quota upgrade of a remote session to its server's Root (remote.cc); local: nothing. */
	void upgrade_remote_session(Session_capability, char const *args);

	/* One call to an object of another component (remote.cc). */
	Rpc_exception_code remote_call(Native_capability::Data const &, Msgbuf_base &snd,
	                               Msgbuf_base &rcv);

	/* IRQ and IO_PORT sessions over core's (irq.cc, io_port.cc). */
	Session_capability open_irq_session(char const *args);
	Session_capability open_io_port_session(char const *args);

	/* The component's PD as far as mkx has one (pd.cc). */
	Pd_session &pd();

	/* Timer session over a timerfd (timer.cc). */
	Session_capability open_timer_session();
	void close_session(Session_capability);

	/* Run the entrypoint: wait for fds, dispatch signals. */
	[[noreturn]] void run_entrypoint(Entrypoint &);
}

#endif
