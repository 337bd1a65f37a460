/*
 * RAM and the region map of an mkx Genode component: a RAM dataspace is a
 * memfd of the process (its pages count against the component's memory
 * limit, which core sets per child), attaching one is mmap of its fd.
 * A dataspace libmkx has mapped already (a ROM's content, an IO_MEM
 * window core granted) is attached at that mapping, which its session
 * owns; detaching it unmaps nothing.
 */
#include <base/ram_allocator.h>
#include <mkx_genode.h>
#include <mkx_memory.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace Genode;
using namespace Mkx_genode;

Ram_allocator::Result Mkx_ram::try_alloc(size_t size, Cache)
{
	size_t const bytes = align_addr(size, AT_PAGE);
	int fd = memfd_create("genode-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return Ram::Error::DENIED;
	if (ftruncate(fd, (off_t)bytes)) {
		close(fd);
		return Ram::Error::OUT_OF_RAM;
	}
	Dataspace_component *ds = new Dataspace_component(fd, nullptr, bytes, true);
	ds->share_fd = fd;
	Ram::Capability cap = static_cap_cast<Ram::Dataspace>(
		reinterpret_cap_cast<Dataspace>(rpc_ep().manage(ds)));
	return { *this, { cap, bytes } };
}

void Mkx_ram::_free(Allocation &a)
{
	Dataspace_component *ds = dataspace(a.cap);
	if (!ds) return;
	rpc_ep().dissolve(ds);
	if (ds->dma)
		dma_release(ds->dma);   /* its fd is the DMA buffer's: libmkx closes it */
	else
		close(ds->fd);
	delete ds;
}

/* Sealing a RAM dataspace: its memfd can no longer be written, grown or shrunk. */
void Mkx_ram::seal(Ram::Capability cap)
{
	Dataspace_component *ds = dataspace(cap);
	if (ds && ds->fd >= 0) {
		fcntl(ds->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW);
		ds->rw = false;
	}
}

size_t Ram_allocator::_legacy_dataspace_size(Dataspace_capability cap)
{
	Dataspace_component *ds = dataspace(cap);
	return ds ? ds->bytes : 0;
}

Mkx_rm::Result Mkx_rm::attach(Capability<Dataspace> cap, Attach_attr const &attr)
{
	Dataspace_component *ds = dataspace(cap);
	if (!ds)
		return Error::INVALID_DATASPACE;
	if (attr.offset >= ds->bytes && ds->bytes)
		return Error::REGION_CONFLICT;

	size_t const len = attr.size ? attr.size : ds->bytes - attr.offset;
	if (attr.offset + len > ds->bytes || attr.use_at)
		return Error::REGION_CONFLICT;   /* no fixed addresses: Linux picks them */
	/* As Genode's region map: writeable is asked for, the dataspace limits it. */
	bool const writeable = attr.writeable && ds->rw;

	if (ds->fd < 0) {
		/* Mapped by libmkx already; the session owns the mapping. */
		void *at = (char *)ds->local + attr.offset;
		_remember(at, 0);
		return { *this, { at, len } };
	}
	int prot = PROT_READ | (writeable ? PROT_WRITE : 0) | (attr.executable ? PROT_EXEC : 0);
	void *at = mmap(nullptr, len, prot, MAP_SHARED, ds->fd, (off_t)(ds->map_off + attr.offset));
	if (at == MAP_FAILED)
		return errno == ENOMEM ? Error::OUT_OF_RAM : Error::REGION_CONFLICT;
	_remember(at, len);
	return { *this, { at, len } };
}

void Mkx_rm::_remember(void *at, size_t mapped)
{
	for (Region &r : _regions)
		if (!r.at) { r = { at, mapped }; return; }
	/* Table full: the mapping stays until exit (a leak, not a fault). */
	warning("mkx region map: more than ", (unsigned)MAX_REGIONS, " attachments");
}

void Mkx_rm::_free(Attachment &a)
{
	for (Region &r : _regions)
		if (r.at == a.ptr) {
			if (r.mapped) munmap(r.at, r.mapped);
			r = { nullptr, 0 };
			return;
		}
}
