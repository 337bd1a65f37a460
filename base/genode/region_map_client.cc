/*
 * Region_map_client: the RPC stub of a region map that is not env.rm()
 * (the platform driver's kernel-IOMMU device PD uses one). Each method is
 * one call through Genode's marshalling; on mkx no PD session hands out
 * a region map yet, so the calls reach an invalid capability and fail
 * with Genode's invalid-object error.
 */
#include <region_map/client.h>

using namespace Genode;

Region_map_client::Region_map_client(Capability<Region_map> cap)
: Rpc_client<Region_map>(cap) { }

Region_map::Attach_result Region_map_client::attach(Dataspace_capability ds, Attr const &attr)
{
	return call<Rpc_attach>(ds, attr);
}

void Region_map_client::detach(addr_t at) { call<Rpc_detach>(at); }

void Region_map_client::fault_handler(Signal_context_capability sigh)
{
	call<Rpc_fault_handler>(sigh);
}

Region_map::Fault Region_map_client::fault() { return call<Rpc_fault>(); }

Dataspace_capability Region_map_client::dataspace()
{
	if (!_rm_ds_cap.valid())
		_rm_ds_cap = call<Rpc_dataspace>();
	return _rm_ds_cap;
}
