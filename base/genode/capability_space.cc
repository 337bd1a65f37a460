/*
 * Capabilities of an mkx Genode component: process-local names. Each one
 * names an Rpc_object managed by the process's Rpc_entrypoint; the name is
 * never sent anywhere (core's sessions are libmkx's, not Genode RPC).
 */
#include <base/internal/capability_space.h>
#include <mkx_genode.h>

using namespace Genode;

void Capability_space::inc_ref(Native_capability::Data &d) { d.inc_ref(); }

void Capability_space::dec_ref(Native_capability::Data &d)
{
	/* The last reference gone: the name is free (destroy(), not a pool). */
	unsigned const left = d.dec_ref();
	if (left == 0)
		delete &d;
	else if (left == 1 && d.import)
		Mkx_genode::drop_import(d);   /* only the imported object's own reference is left */
}

Rpc_obj_key Capability_space::rpc_obj_key(Native_capability::Data const &d)
{
	return d.rpc_obj_key();
}

void Capability_space::print(Output &out, Native_capability::Data const &d)
{
	Genode::print(out, "mkx local ", d.rpc_obj_key());
}

Native_capability::Raw Native_capability::raw() const
{
	return { { (unsigned long)local_name(), 0, 0, 0 } };
}
