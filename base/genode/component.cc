/*
 * main() of an mkx Genode component: core started us (libmkx's parent
 * channel, mkx_env_init), we build Genode's Env on core's sessions, call
 * Component::construct(env) and run the entrypoint for ever, as a Genode
 * component lives until its parent ends it.
 */
#include <base/component.h>
#include <base/env.h>
#include <base/log.h>
#include <base/id_space.h>
#include <parent/client.h>
#include <pd_session/client.h>
#include <cpu_session/client.h>
#include <mkx_genode.h>
#include <mkx_memory.h>

extern "C" {
#include <mkx/env.h>
}

#include <unistd.h>

using namespace Genode;
using namespace Mkx_genode;

namespace {

	struct Mkx_env : Env
	{
		Entrypoint &_ep;
		Mkx_ram     _ram { };
		Mkx_rm      _rm  { };

		/*
		 * core is the parent, PD and CPU service of every mkx component,
		 * through libmkx, not through Genode RPC. Their Genode interfaces
		 * are clients of an invalid capability: a call fails (Genode's
		 * "invalid object" error) instead of pretending to work.
		 */
		/*
		 * ... but exit(): a Genode component ends by it, an mkx one by
		 * exiting, with that value. _exit: no static destructors (the
		 * component's objects are alive, e.g. open sessions in the Env's
		 * ID space; core closes what the process held).
		 */
		struct Mkx_parent : Parent_client
		{
			Mkx_parent() : Parent_client(Parent_capability()) { }
			void exit(int value) override { ::_exit(value); }
		};
		Mkx_parent         _parent { };
		Pd_session        &_pd     = Mkx_genode::pd();   /* quotas and dma_addr: pd.cc */
		Cpu_session_client _cpu    { Cpu_session_capability() };

		Id_space<Parent::Client> _ids { };

		struct Open
		{
			Parent::Client::Id id;
			Session_capability cap;
		};
		enum { MAX_OPEN = 64 };
		Open _open[MAX_OPEN] { };

		Mkx_env(Entrypoint &ep) : _ep(ep) { }

		Parent        &parent() override { return _parent; }
		Cpu_session   &cpu()    override { return _cpu; }
		Local_rm      &rm()     override { return _rm; }
		Pd_session    &pd()     override { return _pd; }
		Ram_allocator &ram()    override { return _ram; }
		Entrypoint    &ep()     override { return _ep; }
		Cpu_session_capability cpu_session_cap() override { return Cpu_session_capability(); }
		Pd_session_capability  pd_session_cap()  override { return Pd_session_capability(); }
		Id_space<Parent::Client> &id_space() override { return _ids; }

		Runtime &runtime() override { return no_runtime(); }

		Session_capability session(Parent::Service_name const &name,
		                           Parent::Client::Id id,
		                           Parent::Session_args const &args,
		                           Affinity const &) override
		{
			for (Open &o : _open)
				if (!o.cap.valid()) {
					o.cap = open_session(name.string(), args.string());
					o.id  = id;
					return o.cap;
				}
			error("session ", Cstring(name.string()), ": more than ", (unsigned)MAX_OPEN, " open");
			throw Service_denied();
		}

		Session_result try_session(Parent::Service_name const &name,
		                           Parent::Client::Id id,
		                           Parent::Session_args const &args,
		                           Affinity const &aff) override
		{
			try { return session(name, id, args, aff); }
			catch (Out_of_ram)  { return Session_error::OUT_OF_RAM; }
			catch (Out_of_caps) { return Session_error::OUT_OF_CAPS; }
			catch (...)         { return Session_error::DENIED; }
		}

		/*
		 * Quotas are core's config (<resource> per child), not donations;
		 * but a session of another Genode component keeps Genode's own
		 * accounting, which a client extends by an upgrade (Genode's
		 * Platform::Connection retries alloc_dma_buffer after one, for
		 * ever): it is passed to the server's Root (remote.cc).
		 */
		void upgrade(Parent::Client::Id id, Parent::Upgrade_args const &args) override
		{
			for (Open &o : _open)
				if (o.cap.valid() && o.id == id)
					upgrade_remote_session(o.cap, args.string());
		}

		void close(Parent::Client::Id id) override
		{
			for (Open &o : _open)
				if (o.cap.valid() && o.id == id) {
					close_session(o.cap);
					o.cap = Session_capability();
					return;
				}
		}

		/* glibc ran them before main(). */
		void exec_static_constructors() override { }
	};
}

/*
 * Startup is Entrypoint's friend: the one who may construct a component's
 * entrypoint. Env and entrypoint refer to each other and only keep the
 * reference while being constructed, so env comes first and gets the
 * address of its (next constructed) entrypoint.
 */
struct Genode::Startup
{
	Mkx_env    env { ep };
	Entrypoint ep  { env };
};

int main()
{
	if (mkx_env_init())
		return 1;

	static Startup startup;
	Component::construct(startup.env);
	run_entrypoint(startup.ep);
}
