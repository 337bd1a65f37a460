/*
 * The PD session of an mkx Genode component, as far as Genode code on
 * mkx asks it: quotas (core enforces RAM as the component's cgroup limit
 * and has no capability quota, so the figures here never refuse) and
 * Genode's platform-driver path for DMA buffers, ram_size() and
 * dma_addr(). Every other PD call is still one to an invalid capability.
 *
 * DMA: Genode's platform driver allocates a DMA buffer as RAM of its own
 * PD (env.ram(): a memfd here) and asks dma_addr() for its bus address.
 * A memfd's pages have none a device may be given, so dma_addr() turns
 * the dataspace, not yet mapped by anyone, into a buffer of core's DMA
 * session (mkx/dma.h: hugetlb pages, a physical address or an IOVA):
 * the memfd is closed and the buffer's fd takes its place. Core's DMA
 * session is per PCI function while the PD call names only the
 * dataspace, so the function is the component's config attribute
 * mkx_dma_pci="BB:DD.F" (Genode's driver ignores attributes it does not
 * know), or, where the config ROM is another component's report, the
 * same attribute in ROM "mkx_dma_config". Each buffer is asked for as whole huge pages, and taken only if
 * its file reaches that buffer alone: a page that small buffers share
 * would be handed, as one fd, to every client that has a buffer in it.
 */
#include <base/log.h>
#include <pd_session/client.h>
#include <mkx_genode.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern "C" {
#include <mkx/dma.h>
#include <mkx/rom.h>
}

using namespace Genode;
using namespace Mkx_genode;

namespace {

	struct mkx_dma dma;
	int            dma_err = 1;   /* 1: not opened yet */

	/*
	 * The function named by mkx_dma_pci="..." in ROM name, copied into pci.
	 * "config" first; then "mkx_dma_config", for a component whose config
	 * ROM is no <config> of core's but another component's report (Genode's
	 * platform test writes its platform driver's config).
	 */
	bool dma_pci_in(char const *name, char *pci, size_t len)
	{
		struct mkx_rom rom { };
		if (mkx_rom_try_open(&rom, name))
			return false;
		char const *at = rom.data ? ::strstr(rom.data, "mkx_dma_pci=\"") : nullptr;
		bool ok = false;
		if (at) {
			at += ::strlen("mkx_dma_pci=\"");
			size_t n = ::strcspn(at, "\"");
			ok = n > 0 && n < len;
			if (ok) { ::memcpy(pci, at, n); pci[n] = 0; }
		}
		mkx_rom_close(&rom);
		return ok;
	}

	bool dma_pci(char *pci, size_t len)
	{
		return dma_pci_in("config", pci, len) || dma_pci_in("mkx_dma_config", pci, len);
	}

	bool dma_ready()
	{
		if (dma_err != 1)
			return dma_err == 0;
		char pci[16], why[256] = "";
		if (!dma_pci(pci, sizeof pci)) {
			error("DMA: no <config mkx_dma_pci=\"BB:DD.F\"> (config or mkx_dma_config ROM) to open core's DMA session for");
			dma_err = -1;
			return false;
		}
		dma_err = mkx_dma_open(&dma, pci, why, sizeof why);
		if (dma_err)
			error("DMA session for ", Cstring(pci), " denied: ", Cstring(why[0] ? why : strerror(-dma_err)));
		return dma_err == 0;
	}
}

/* The DMA buffer a dataspace became (Mkx_ram::_free gives it back). */
struct Mkx_genode::Dma_backing { struct mkx_dma_buffer b; };

void Mkx_genode::dma_release(Dma_backing *d)
{
	char why[256] = "";
	int err = mkx_dma_free(&dma, &d->b, why, sizeof why);
	if (err)
		error("DMA free: ", Cstring(why[0] ? why : strerror(-err)));
	delete d;
}

static addr_t to_dma(Dataspace_component &ds)
{
	if (ds.dma)
		return (addr_t)ds.dma->b.bus;
	if (ds.fd < 0 || !dma_ready())
		return 0;
	Dma_backing *d = new Dma_backing { };
	char why[256] = "";
	size_t const page = dma.info.page_size ? dma.info.page_size : (2u << 20);
	int err = mkx_dma_alloc(&dma, (ds.bytes + page - 1) / page * page, &d->b, why, sizeof why);
	/* Its file must reach this buffer only: whole huge pages, none shared with another buffer. */
	if (err || d->b.fd < 0 || d->b.map_size != d->b.size) {
		error("DMA buffer of ", ds.bytes, " bytes: ", Cstring(why[0] ? why : strerror(-err)));
		if (!err) mkx_dma_free(&dma, &d->b, why, sizeof why);
		delete d;
		return 0;
	}
	::close(ds.fd);
	ds.fd        = d->b.fd;
	ds.map_off   = (uint64_t)((char *)d->b.va - (char *)d->b.map);
	ds.share_fd  = d->b.fd;
	ds.share_off = ds.map_off;
	ds.dma       = d;
	return (addr_t)d->b.bus;
}

namespace {

	struct Mkx_pd : Pd_session_client
	{
		Mkx_pd() : Pd_session_client(Pd_session_capability()) { }

		Cap_quota cap_quota() const override { return { 1u << 20 }; }
		Cap_quota used_caps() const override { return { 0 }; }
		Ram_quota ram_quota() const override { return { size_t(1) << 40 }; }
		Ram_quota used_ram()  const override { return { 0 }; }

		size_t ram_size(Ram_dataspace_capability cap) override
		{
			Dataspace_component *ds = dataspace(cap);
			return ds ? ds->bytes : 0;
		}

		addr_t dma_addr(Ram_dataspace_capability cap) override
		{
			Dataspace_component *ds = dataspace(cap);
			return ds ? to_dma(*ds) : 0;
		}
	};
}

Pd_session &Mkx_genode::pd() { static Mkx_pd pd; return pd; }
