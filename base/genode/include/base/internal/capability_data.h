/*
 * A capability of an mkx Genode component (replaces Genode's, as each
 * kernel platform does). Local: the key of an Rpc_object in this
 * process's object pool. Remote: an object of another Genode component,
 * reached over an mkx session (remote.cc); its local key is 0, so the
 * local pool never finds it, and it carries the connection and the
 * server's key instead.
 */
#ifndef _INCLUDE__BASE__INTERNAL__CAPABILITY_DATA_H_
#define _INCLUDE__BASE__INTERNAL__CAPABILITY_DATA_H_

#include <base/native_capability.h>
#include <base/internal/rpc_obj_key.h>

namespace Mkx_genode { struct Remote_conn; }

class Genode::Native_capability::Data
{
	private:

		unsigned    _refs = 0;
		Rpc_obj_key _key { };

	public:

		Mkx_genode::Remote_conn *remote     = nullptr;
		unsigned long            remote_key = 0;

		/*
		 * A dataspace received from a server (remote.cc): the object holds
		 * one reference itself, so when the last other one goes the
		 * import is dropped (its fd closed) instead of held until exit.
		 */
		mutable bool             import     = false;

		Data(Rpc_obj_key key) : _key(key) { }

		Data(Mkx_genode::Remote_conn *conn, unsigned long key)
		: remote(conn), remote_key(key) { }

		~Data();

		Rpc_obj_key rpc_obj_key() const { return _key; }
		unsigned inc_ref() { return ++_refs; }
		unsigned dec_ref() { return --_refs; }
};

#endif
