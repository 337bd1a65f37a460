/*
 * mkx: a capability is a process-local name (the key of an Rpc_object in
 * the entrypoint's object pool); shadows Genode's generic header of the
 * same name, as each Genode kernel platform does.
 */
#ifndef _INCLUDE__BASE__INTERNAL__CAPABILITY_DATA_H_
#define _INCLUDE__BASE__INTERNAL__CAPABILITY_DATA_H_

#include <base/native_capability.h>
#include <base/internal/rpc_obj_key.h>

class Genode::Native_capability::Data
{
	private:
		unsigned    _refs = 0;
		Rpc_obj_key _key { };

	public:
		Data(Rpc_obj_key key) : _key(key) { }
		Rpc_obj_key rpc_obj_key() const { return _key; }
		unsigned inc_ref() { return ++_refs; }
		unsigned dec_ref() { return --_refs; }
};

#endif
