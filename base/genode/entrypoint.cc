/*
 * The entrypoint of an mkx Genode component: its main thread, waiting in
 * poll() on the fds of its sessions (a ROM's update eventfd, a retry
 * timer). A ready fd submits the signal its session was given; pending
 * signals are dispatched to Genode's Signal_handler / Io_signal_handler
 * objects, one at a time, as Genode's entrypoint does.
 */
#include <base/entrypoint.h>
#include <base/log.h>
#include <mkx_genode.h>

#include <errno.h>
#include <poll.h>
#include <string.h>

using namespace Genode;
using namespace Mkx_genode;

namespace {

	/* What a Signal_context_capability of this process names. */
	struct Signal_interface : Interface { GENODE_RPC_INTERFACE(); };

	struct Context_component : Rpc_object<Signal_interface, Context_component>, Exportable_context
	{
		Signal_dispatcher_base &dispatcher;
		unsigned                pending = 0;
		unsigned long           since   = 0;   /* submission order of the first pending signal */
		Context_component      *next = nullptr;

		Context_component(Signal_dispatcher_base &d) : dispatcher(d) { }
	};

	Context_component *contexts;
	unsigned long      submissions;
	Fd_watch          *watches;
	Idle_hook         *idle;

	Context_component *find(Signal_dispatcher_base &d)
	{
		for (Context_component *c = contexts; c; c = c->next)
			if (&c->dispatcher == &d) return c;
		return nullptr;
	}

	/* Wait for fds (at most timeout_ms, -1: forever) and run their handlers. */
	void poll_fds(int timeout_ms)
	{
		enum { MAX = 64 };
		pollfd    pfd[MAX];
		Fd_watch *who[MAX];
		unsigned  n = 0;

		for (Fd_watch *w = watches; w && n < MAX; w = w->next) {
			pfd[n] = { w->fd(), POLLIN, 0 };
			who[n++] = w;
		}
		if (n == 0 && timeout_ms < 0 && !idle) {
			/* Nothing can ever wake us: a Genode component then sleeps forever. */
			for (;;) poll(nullptr, 0, -1);
		}
		/*
		 * Serving sessions (remote.cc): libmkx polls its session sockets
		 * itself, so the wait is split: our fds without waiting, then
		 * libmkx's sockets for a slice (a call is served at once), then
		 * our fds again. Inside a call being served, libmkx is not
		 * re-entered and only our fds are waited for, a slice at a time.
		 */
		int r;
		if (idle) {
			int const slice = idle->timeout_ms();
			int const wait  = (timeout_ms < 0 || timeout_ms > slice) ? slice : timeout_ms;
			r = poll(pfd, n, 0);
			if (r == 0 && !idle->run(wait))
				r = poll(pfd, n, wait);
			else if (r == 0)
				r = poll(pfd, n, 0);
			else
				idle->run(0);
		} else
			r = poll(pfd, n, timeout_ms);
		if (r < 0 && errno != EINTR)
			error("entrypoint: poll: ", Cstring(strerror(errno)));
		for (unsigned i = 0; r > 0 && i < n; i++)
			if (pfd[i].revents)
				who[i]->on_ready();
	}

	/*
	 * Dispatch one pending signal (of level Io only if io_only), the one
	 * submitted first, as Genode's entrypoint takes them in the order they
	 * came; true if one was. Order matters: Genode's platform driver must
	 * see a new devices ROM before the config whose policy names the new
	 * device (its platform test publishes them in that order).
	 */
	bool dispatch_one(bool io_only)
	{
		Context_component *first = nullptr;
		for (Context_component *c = contexts; c; c = c->next) {
			if (!c->pending) continue;
			if (io_only && c->dispatcher.level() != Signal_context::Level::Io) continue;
			if (!first || c->since < first->since) first = c;
		}
		if (!first) return false;
		unsigned num = first->pending;
		first->pending = 0;
		first->dispatcher.dispatch(num);
		return true;
	}
}

void Mkx_genode::watch(Fd_watch &w)
{
	w.next = watches;
	watches = &w;
}

void Mkx_genode::unwatch(Fd_watch &w)
{
	for (Fd_watch **p = &watches; *p; p = &(*p)->next)
		if (*p == &w) { *p = w.next; return; }
}

void Mkx_genode::submit(Signal_context_capability cap, unsigned cnt)
{
	Rpc_object_base *obj = lookup(cap);
	if (auto *c = dynamic_cast<Context_component *>(obj)) {
		if (!c->pending) c->since = ++submissions;
		c->pending += cnt;
	}
	else if (!submit_to_receiver(obj, cnt))
		submit_imported(obj, cnt);   /* a client's context: its eventfd */
}

void Mkx_genode::wait_for_fds() { poll_fds(-1); }

void Mkx_genode::idle_hook(Idle_hook *h) { idle = h; }

Entrypoint::Entrypoint(Env &env)
:
	_env(env),
	_rpc_ep(no_runtime(), "ep", Thread::Stack_size { 0 }, Affinity::Location()),
	_signalling_initialized(true)
{ }

Entrypoint::~Entrypoint() { }

Signal_context_capability Entrypoint::manage(Signal_dispatcher_base &d)
{
	Context_component *c = new Context_component(d);
	c->next = contexts;
	contexts = c;
	return reinterpret_cap_cast<Signal_context>(_rpc_ep->manage(c));
}

void Entrypoint::dissolve(Signal_dispatcher_base &d)
{
	Context_component *c = find(d);
	if (!c) return;
	for (Context_component **p = &contexts; *p; p = &(*p)->next)
		if (*p == c) { *p = c->next; break; }
	_rpc_ep->dissolve(c);
	delete c;
}

bool Entrypoint::_wait_and_dispatch_one_io_signal(bool dont_block)
{
	for (;;) {
		poll_fds(0);
		if (dispatch_one(true)) return true;
		if (dont_block) return false;
		poll_fds(-1);
	}
}

void Mkx_genode::run_entrypoint(Entrypoint &)
{
	for (;;) {
		poll_fds(0);
		while (dispatch_one(false))
			poll_fds(0);
		poll_fds(-1);
	}
}
