/*
 * Genode RPC between two Genode components on mkx (docs/protocol.md,
 * "Genode RPC between Genode components"). Both ends are Genode's own
 * marshalling; this file carries a Msgbuf over an mkx session:
 *
 *  - A component that serves (Parent::announce) announces the service at
 *    core (mkx_server_announce, core checks its <provides>); core routes a
 *    client's session request to it with a fresh session socket, and the
 *    open callback asks the component's Root for a session, with the label
 *    core set (never the client's own).
 *  - A client's Env::session() for a service core does not serve through
 *    base/genode opens an mkx session of that name; its capability is a
 *    remote one (capability_data.h): the connection and the server's key,
 *    key 0 naming the session object itself.
 *  - One call is one MKX_OP_GENODE_RPC message: struct Wire_hdr, then the
 *    Msgbuf's data words; the reply the same, with the Rpc_exception_code.
 *    Capabilities travel as Wire_cap: an object of the sender becomes a
 *    remote capability at the receiver; a dataspace goes as its fd
 *    (memfd, core's BAR file or ECAM fd) with offset, size and writeable,
 *    and is mapped by the receiver; an object of the receiver given back
 *    is its own key.
 *  - A client can call only objects it was given: each served session
 *    keeps the keys it handed out, a call naming any other key is refused
 *    (INVALID_OBJECT), as a Genode kernel refuses a capability one does
 *    not hold.
 *
 *  - A signal context goes as an eventfd (CAP_SIGNAL, signal_remote.cc):
 *    a client's (sigh) to the server, a server's (a packet stream's
 *    packet_avail, ready_to_ack) to the client; the receiving end's
 *    Signal_transmitter adds to it.
 *
 * Not carried yet: capabilities of a third component, more than one
 * connection per remote session.
 */
#include <base/log.h>
#include <base/ipc.h>
#include <base/rpc_server.h>
#include <base/session_label.h>
#include <root/client.h>
#include <util/arg_string.h>
#include <base/internal/capability_space.h>
#include <mkx_genode.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern "C" {
#include <mkx/server.h>
#include <mkx/session.h>
}

using namespace Genode;
using namespace Mkx_genode;

namespace {

	enum { MKX_OP_GENODE_RPC = MKX_OP_SERVICE_BASE + 0x47 };

	enum Kind : uint32_t {
		CAP_INVALID  = 0,
		CAP_SENDERS  = 1,   /* an Rpc_object of the sender: remote at the receiver */
		CAP_DS_FD    = 2,   /* a dataspace: the next fd of the message */
		CAP_RECEIVER = 3,   /* the receiver's own object, by its key */
		CAP_SIGNAL   = 4,   /* a client's signal context: the next fd, an eventfd */
	};

	struct Wire_cap
	{
		uint64_t key;
		uint32_t kind;
		uint32_t rw;
		uint64_t size;
		uint64_t off;
	};

	struct Wire_hdr
	{
		uint64_t key;          /* request: object called; reply: exception code */
		uint32_t data_size;
		uint32_t ncaps;
		Wire_cap caps[Msgbuf_base::MAX_CAPS_PER_MSG];
	};

	static_assert(sizeof(Wire_hdr) == 144, "wire size");

	enum { MAX_DATA = MKX_PAYLOAD_MAX - sizeof(Wire_hdr) };

	/* A request with this key is not a call: its data is Genode's upgrade args for the session. */
	enum : uint64_t { KEY_UPGRADE = ~0ull };
}


/*****************************
 ** Capabilities on the wire **
 *****************************/

namespace {

	/*
	 * The signal contexts the other end handed over (a served session's
	 * client, or the server of a client's connection), by that end's key:
	 * a context sent again (each sigh call) is the one already imported,
	 * so the other end cannot make us hold more than MAX eventfds.
	 */
	struct Imports
	{
		enum { MAX = 32 };
		unsigned long     key[MAX] { };
		Native_capability cap[MAX] { };

		Native_capability take(unsigned long k, int fd)
		{
			for (unsigned i = 0; i < MAX; i++)
				if (cap[i].valid() && key[i] == k) { ::close(fd); return cap[i]; }
			for (unsigned i = 0; i < MAX; i++)
				if (!cap[i].valid()) {
					cap[i] = signal_import(fd);
					key[i] = k;
					return cap[i];
				}
			error("Genode RPC: more than ", (unsigned)MAX, " signal contexts from one peer");
			::close(fd);
			return Native_capability();
		}

		~Imports()
		{
			for (Native_capability &c : cap)
				signal_drop_import(c);
		}
	};
}

/* A client's connection to one remote session. */
struct Mkx_genode::Remote_conn
{
	struct mkx_session s { -1, 0, { } };
	unsigned refs = 0;
	Imports  imports { };   /* the server's signal contexts it handed us */
};

/*
 * Without this a client keeps every dataspace a server ever handed it, fd
 * and all: Genode's platform test takes 1000 DMA buffers in turn, and
 * core frees a buffer only when no process holds it any more. A mapping
 * of it (Mkx_rm) stays until it is detached: mmap outlives the fd.
 */
void Mkx_genode::drop_import(Native_capability::Data &d)
{
	d.import = false;
	Dataspace_component *ds = nullptr;
	{
		Native_capability cap(&d);
		ds = dataspace(cap);
	}
	if (!ds) return;
	rpc_ep().dissolve(ds);   /* the object's reference, the last: d is gone */
	::close(ds->fd);
	delete ds;
}

Native_capability::Data::~Data()
{
	if (remote && --remote->refs == 0) {
		mkx_session_close(&remote->s);
		delete remote;
	}
}

namespace {

	/*
	 * The keys a served session handed to its client (and the objects, so
	 * they stay referenced while the client may call them).
	 */
	struct Granted
	{
		enum { MAX = 256 };
		Native_capability caps[MAX];

		bool holds(unsigned long key) const
		{
			for (Native_capability const &c : caps)
				if (c.valid() && (unsigned long)c.local_name() == key)
					return true;
			return false;
		}

		Native_capability find(unsigned long key) const
		{
			for (Native_capability const &c : caps)
				if (c.valid() && (unsigned long)c.local_name() == key)
					return c;
			return Native_capability();
		}

		bool add(Native_capability const &cap)
		{
			if (holds(cap.local_name())) return true;
			for (int pass = 0; pass < 2; pass++) {
				for (Native_capability &c : caps)
					if (!c.valid()) { c = cap; return true; }
				/*
				 * Full: forget the objects the server has dissolved since (a
				 * released device, a freed buffer). Keys are never reused, so
				 * the client's calls by such a key find no object either way;
				 * without this a client that acquires and releases (Genode's
				 * platform test: 100 rounds of two devices) runs out.
				 */
				for (Native_capability &c : caps)
					if (c.valid() && !lookup(c)) c = Native_capability();
			}
			error("Genode RPC: more than ", (unsigned)MAX, " objects handed to one client");
			return false;
		}
	};

	/*
	 * Put msg's capabilities on the wire. conn: the connection the message
	 * goes over (a client's), or granted: the served session's table (a
	 * server's reply).
	 */
	bool caps_out(Msgbuf_base const &msg, Wire_hdr &h, int *fds, unsigned &nfds,
	              Remote_conn const *conn, Granted *granted)
	{
		h.ncaps = (uint32_t)msg.used_caps();
		for (unsigned i = 0; i < h.ncaps; i++) {
			Native_capability const &cap = msg.cap(i);
			Wire_cap &w = h.caps[i];
			w = { };
			if (!cap.valid()) { w.kind = CAP_INVALID; continue; }

			Native_capability::Data const *d = cap.data();
			if (d->remote) {
				if (d->remote != conn) {
					error("Genode RPC: a capability of a third component cannot be passed on");
					return false;
				}
				w = { d->remote_key, CAP_RECEIVER, 0, 0, 0 };
				continue;
			}
			Rpc_object_base *obj = lookup(cap);
			Dataspace_component *ds = dynamic_cast<Dataspace_component *>(obj);
			if (ds && conn && ds->origin == conn) {
				w = { ds->origin_key, CAP_RECEIVER, 0, 0, 0 };
				continue;
			}
			if (ds) {
				if (ds->share_fd < 0 || nfds == MKX_FDS_MAX) {
					error("Genode RPC: dataspace of ", ds->bytes, " bytes cannot leave the process");
					return false;
				}
				fds[nfds++] = ds->share_fd;
				w = { (uint64_t)cap.local_name(), CAP_DS_FD, ds->rw, ds->bytes, ds->share_off };
				if (granted && !granted->add(cap)) return false;
				continue;
			}
			int const efd = obj ? signal_export_fd(obj) : -EINVAL;
			if (efd != -EINVAL) {
				/* A signal context of ours (a client's sigh, a server's packet-stream handler): its eventfd. */
				if (efd < 0 || nfds == MKX_FDS_MAX) {
					error("Genode RPC: signal context cannot be passed (", efd, ")");
					return false;
				}
				fds[nfds++] = efd;
				w = { (uint64_t)cap.local_name(), CAP_SIGNAL, 0, 0, 0 };
				continue;
			}
			w = { (uint64_t)cap.local_name(), CAP_SENDERS, 0, 0, 0 };
			if (granted && !granted->add(cap)) return false;
		}
		return true;
	}


	/* Take the wire's capabilities into msg (fds: the message's, taken over when used). */
	void caps_in(Wire_hdr const &h, Msgbuf_base &msg, int *fds, unsigned nfds,
	             Remote_conn *conn, Granted const *granted, Imports *imports)
	{
		unsigned next_fd = 0;
		for (unsigned i = 0; i < h.ncaps && i < Msgbuf_base::MAX_CAPS_PER_MSG; i++) {
			Wire_cap const &w = h.caps[i];
			switch (w.kind) {
			case CAP_SENDERS:
				if (conn) {
					conn->refs++;
					msg.insert(Native_capability(new Native_capability::Data(conn, w.key)));
				} else {
					/* A client's object other than a signal context: not carried. */
					msg.insert(Native_capability());
				}
				break;
			case CAP_SIGNAL: {
				/* The other end's context: into the session's (server) or connection's (client) table. */
				Imports *into = imports ? imports : conn ? &conn->imports : nullptr;
				if (next_fd >= nfds || !into) { next_fd++; msg.insert(Native_capability()); break; }
				int fd = fds[next_fd];
				fds[next_fd++] = -1;
				msg.insert(into->take(w.key, fd));
				break;
			}
			case CAP_DS_FD: {
				if (next_fd >= nfds) { msg.insert(Native_capability()); break; }
				int fd = fds[next_fd];
				fds[next_fd++] = -1;   /* ours now */
				auto *ds = new Dataspace_component(fd, nullptr, (size_t)w.size, w.rw);
				ds->map_off  = w.off;
				ds->share_fd = fd;
				ds->share_off = w.off;
				ds->origin = conn;
				ds->origin_key = w.key;
				Native_capability cap = rpc_ep().manage(ds);
				msg.insert(cap);
				cap.data()->import = true;
				break;
			}
			case CAP_RECEIVER:
				/* Ours, given back: only if it was handed out over this session. */
				msg.insert(granted ? granted->find(w.key) : Native_capability());
				break;
			default:
				msg.insert(Native_capability());
			}
		}
	}
}


/*************
 ** Client  **
 *************/

Session_capability Mkx_genode::open_remote_session(char const *service, char const *args)
{
	Remote_conn *conn = new Remote_conn();
	char why[256] = "";
	int err = mkx_session_open(&conn->s, service, args, why, sizeof why);
	if (err) {
		error("session ", Cstring(service), " denied: ", Cstring(why[0] ? why : strerror(-err)));
		delete conn;
		throw Service_denied();
	}
	conn->refs++;
	return reinterpret_cap_cast<Session>(Native_capability(new Native_capability::Data(conn, 0)));
}

Rpc_exception_code Mkx_genode::remote_call(Native_capability::Data const &dst,
                                           Msgbuf_base &snd, Msgbuf_base &rcv)
{
	static Wire_hdr out_buf[MKX_PAYLOAD_MAX / sizeof(Wire_hdr) + 1];
	static struct mkx_msg reply;
	Remote_conn *conn = dst.remote;
	Wire_hdr &h = out_buf[0];
	int fds[MKX_FDS_MAX];
	unsigned nfds = 0;

	if (snd.data_size() > MAX_DATA) {
		error("Genode RPC: a call of ", snd.data_size(), " bytes exceeds ", (size_t)MAX_DATA);
		return Rpc_exception_code(Rpc_exception_code::INVALID_OBJECT);
	}
	h = { };
	h.key = dst.remote_key;
	h.data_size = (uint32_t)snd.data_size();
	if (!caps_out(snd, h, fds, nfds, conn, nullptr))
		return Rpc_exception_code(Rpc_exception_code::INVALID_OBJECT);
	::memcpy((char *)&h + sizeof h, snd.data(), snd.data_size());

	int err = mkx_session_call(&conn->s, MKX_OP_GENODE_RPC, &h, sizeof h + snd.data_size(),
	                           fds, nfds, &reply);
	if (err < 0 && reply.hdr.len < sizeof(Wire_hdr)) {
		error("Genode RPC to ", Cstring(conn->s.service), ": ", Cstring(strerror(-err)));
		mkx_msg_close_fds(&reply);
		return Rpc_exception_code(Rpc_exception_code::INVALID_OBJECT);
	}
	Wire_hdr rh;
	::memcpy(&rh, reply.payload, sizeof rh);
	size_t const len = reply.hdr.len - sizeof rh;
	rcv.reset();
	if (rh.data_size > len || rh.data_size > rcv.capacity()) {
		error("Genode RPC: malformed reply from ", Cstring(conn->s.service));
		mkx_msg_close_fds(&reply);
		return Rpc_exception_code(Rpc_exception_code::INVALID_OBJECT);
	}
	::memcpy(rcv.data(), reply.payload + sizeof rh, rh.data_size);
	rcv.data_size(rh.data_size);
	caps_in(rh, rcv, reply.fds, reply.hdr.nfds, conn, nullptr, nullptr);
	mkx_msg_close_fds(&reply);   /* the fds caps_in did not take */
	return Rpc_exception_code((long)(int64_t)rh.key);
}


void Mkx_genode::upgrade_remote_session(Session_capability cap, char const *args)
{
	static struct mkx_msg reply;
	Native_capability::Data const *d = cap.data();
	if (!d || !d->remote)
		return;
	char buf[sizeof(Wire_hdr) + Parent::Upgrade_args::MAX_SIZE] { };
	Wire_hdr &h = *(Wire_hdr *)buf;
	size_t const len = ::strnlen(args, Parent::Upgrade_args::MAX_SIZE - 1) + 1;
	h.key = KEY_UPGRADE;
	h.data_size = (uint32_t)len;
	::memcpy(buf + sizeof h, args, len - 1);
	int err = mkx_session_call(&d->remote->s, MKX_OP_GENODE_RPC, buf, sizeof h + len, nullptr, 0, &reply);
	mkx_msg_close_fds(&reply);
	if (err)
		warning("upgrade of ", Cstring(d->remote->s.service), " session: ", Cstring(strerror(-err)));
}


/************
 ** Server **
 ************/

namespace {

	struct Served_session
	{
		Capability<Root>   root;
		Session_capability cap;
		Granted            granted { };
		Imports            imports { };
	};

	struct Served_service
	{
		String<64>        name;
		Capability<Root>  root;
		struct mkx_service svc { };
	};

	bool in_dispatch;

	struct Server_hook : Idle_hook
	{
		/* libmkx polls its session sockets itself; our fds are looked at between slices. */
		int  timeout_ms() override { return 5; }
		bool run(int wait_ms) override
		{
			if (in_dispatch) return false;   /* a call being served waits for a signal */
			in_dispatch = true;
			/* Everything pending, the first wait up to wait_ms, at most 64 rounds. */
			for (unsigned i = 0; i < 64 && mkx_server_dispatch(i ? 0 : wait_ms) == 0; i++) { }
			in_dispatch = false;
			return true;
		}
	};

	int served_open(void *ctx, const char *label, const char *args, void **state,
	                char *why, size_t whylen)
	{
		Served_service &svc = *(Served_service *)ctx;
		char buf[Root::Session_args::MAX_SIZE];
		::strncpy(buf, args, sizeof buf - 1);
		buf[sizeof buf - 1] = 0;
		/* The label is core's (who the client is), never what the client claims. */
		String<Root::Session_args::MAX_SIZE> quoted("\"", label, "\"");
		Arg_string::set_arg(buf, sizeof buf, "label", quoted.string());

		Root_client root(svc.root);
		Root::Result r = root.session(Root::Session_args(buf), Affinity());
		Session_capability cap;
		r.with_result([&] (Session_capability c) { cap = c; },
		              [&] (Session_error) { });
		if (!cap.valid()) {
			::snprintf(why, whylen, "%s refused the session", svc.name.string());
			return -EPERM;
		}
		/* The session object is key 0 to its client, not its pool key (granted is what replies hand out). */
		*state = new Served_session { svc.root, cap };
		return 0;
	}

	int served_call(void *, void *state, struct mkx_msg *req, struct mkx_reply *r)
	{
		static Msgbuf<MAX_DATA> in, out;
		Served_session &s = *(Served_session *)state;
		Wire_hdr h;

		if (req->hdr.op != MKX_OP_GENODE_RPC || req->hdr.len < sizeof h)
			return -EINVAL;
		::memcpy(&h, req->payload, sizeof h);
		if (h.data_size > req->hdr.len - sizeof h || h.ncaps > Msgbuf_base::MAX_CAPS_PER_MSG)
			return -EINVAL;

		Wire_hdr &rh = *(Wire_hdr *)r->payload;
		if (h.key == KEY_UPGRADE) {
			/* Genode's accounting only: the memory is bounded by this component's cgroup. */
			char args[Parent::Upgrade_args::MAX_SIZE] { };
			::memcpy(args, req->payload + sizeof h, min((size_t)h.data_size, sizeof args - 1));
			Root_client(s.root).upgrade(s.cap, Root::Upgrade_args(args));
			rh = { };
			r->len = sizeof rh;
			return 0;
		}
		in.reset();
		::memcpy(in.data(), req->payload + sizeof h, h.data_size);
		in.data_size(h.data_size);
		caps_in(h, in, req->fds, req->hdr.nfds, nullptr, &s.granted, &s.imports);

		rh = { };
		out.reset();
		Native_capability dst = h.key == 0 ? s.cap : s.granted.find(h.key);
		Rpc_exception_code code(Rpc_exception_code::INVALID_OBJECT);
		if (dst.valid()) {
			Rpc_object_base *obj = lookup(dst);
			if (obj) {
				Ipc_unmarshaller u(in);
				Rpc_opcode opcode(0);
				u.extract(opcode);
				code = obj->dispatch(opcode, u, out);
			}
		}
		rh.key = (uint64_t)(int64_t)code.value;
		unsigned nfds = 0;
		if (!caps_out(out, rh, r->fds, nfds, nullptr, &s.granted) || out.data_size() > MAX_DATA) {
			rh = { };
			rh.key = (uint64_t)(int64_t)Rpc_exception_code::INVALID_OBJECT;
			r->len = sizeof rh;
			return 0;
		}
		r->nfds = nfds;
		::memcpy(r->payload + sizeof rh, out.data(), out.data_size());
		rh.data_size = (uint32_t)out.data_size();
		r->len = sizeof rh + out.data_size();
		return 0;
	}

	void served_close(void *, void *state)
	{
		Served_session *s = (Served_session *)state;
		Root_client(s->root).close(s->cap);
		delete s;
	}
}

void Parent::announce(Service_name const &name, Capability<Root> root)
{
	static Server_hook hook;
	Served_service *svc = new Served_service { name.string(), root };
	svc->svc = { svc->name.string(), svc, served_open, served_call, served_close };
	int err = mkx_server_announce(&svc->svc);
	if (err) {
		error("announce ", svc->name, ": ", Cstring(strerror(-err)),
		      err == -EPERM ? " (not in this component's <provides>)" : "");
		return;
	}
	idle_hook(&hook);
}
