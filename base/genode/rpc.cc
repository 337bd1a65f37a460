/*
 * Genode RPC inside one mkx component. Rpc_entrypoint is the object pool
 * (no thread: the component's main thread is its entrypoint), ipc_call()
 * hands the caller's marshalled message to the named object's dispatcher
 * and returns its reply, so both ends of every call are Genode's own
 * marshalling templates. Calls to other processes do not exist here:
 * core's sessions are reached through libmkx by the session objects.
 */
#include <base/rpc_server.h>
#include <base/ipc.h>
#include <base/internal/capability_space.h>
#include <mkx_genode.h>

using namespace Genode;

static Rpc_entrypoint *the_ep;
static addr_t next_key = 1;

Rpc_entrypoint &Mkx_genode::rpc_ep() { return *the_ep; }

/*
 * Thread(Runtime&) keeps a reference to Genode's Runtime (its PD and CPU
 * sessions), which mkx has not got: core owns processes. Nothing here
 * starts a thread or reads it, so the reference names static storage.
 */
namespace Genode { struct Runtime; }
alignas(16) static char no_runtime_storage[16];
Runtime &Mkx_genode::no_runtime() { return *reinterpret_cast<Runtime *>(no_runtime_storage); }

Rpc_entrypoint::Rpc_entrypoint(Runtime &rt, Name const &name, Stack_size ss,
                               Affinity::Location loc)
:
	Thread(rt, name, ss, loc), _runtime(rt)
{
	if (!the_ep) the_ep = this;
}

Rpc_entrypoint::~Rpc_entrypoint()
{
	if (the_ep == this) the_ep = nullptr;
}

Untyped_capability Rpc_entrypoint::_manage(Rpc_object_base *obj)
{
	Untyped_capability cap(new Native_capability::Data(Rpc_obj_key(next_key++)));
	obj->cap(cap);
	insert(obj);
	return cap;
}

void Rpc_entrypoint::_dissolve(Rpc_object_base *obj)
{
	remove(obj);
	obj->cap(Untyped_capability());
}

void Rpc_entrypoint::entry() { }

Rpc_object_base *Mkx_genode::lookup(Native_capability const &cap)
{
	Rpc_object_base *found = nullptr;
	if (the_ep && cap.valid())
		the_ep->apply(cap, [&] (Rpc_object_base *obj) { found = obj; });
	return found;
}

Mkx_genode::Dataspace_component *Mkx_genode::dataspace(Native_capability const &cap)
{
	return dynamic_cast<Dataspace_component *>(lookup(cap));
}

Rpc_exception_code Genode::ipc_call(Native_capability dst, Msgbuf_base &snd_msg,
                                    Msgbuf_base &rcv_msg, size_t)
{
	if (dst.valid() && dst.data()->remote)
		return Mkx_genode::remote_call(*dst.data(), snd_msg, rcv_msg);

	Rpc_object_base *obj = Mkx_genode::lookup(dst);
	if (!obj)
		return Rpc_exception_code(Rpc_exception_code::INVALID_OBJECT);

	Ipc_unmarshaller in(snd_msg);
	Rpc_opcode opcode(0);
	in.extract(opcode);
	rcv_msg.reset();
	return obj->dispatch(opcode, in, rcv_msg);
}


