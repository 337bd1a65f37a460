/*
 * Sizing probes on a read-only copy of ECAM. Genode's pci_decode reads
 * config space through a mapping and sizes each BAR the PCI way: it writes
 * all ones, reads the size mask back and writes the address back
 * (Pci::Config::Base_address). On a copy core took (the label may only
 * read config space) that write reaches no device, and a plain private
 * page would read the all ones back. So the copy is kept read-only: a
 * store faults (SIGSEGV), the page is opened and the store single-stepped
 * (the trap flag), and once it is done (SIGTRAP) a store of all ones to a
 * BAR register is replaced by core's answer; the page is closed again.
 * Every other store stays as written, in the process's own page (a bridge's
 * command register, an MSI enable bit): the device never sees any of them.
 * One thread (mkx_genode.h), so one store is in flight at a time.
 */
#include <mkx_ecam_probe.h>
#include <base/log.h>

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

namespace {

	struct Region { uint8_t *copy; size_t len; uint8_t const *answers; unsigned stores, probes; };

	enum { MAX_REGIONS = 8, PAGE = 4096, TRAP_FLAG = 0x100, WRITE_FAULT = 2 };

	Region            regions[MAX_REGIONS];
	uint8_t          *pending;        /* the page whose store is being stepped */
	size_t            pending_off;    /* the dword it stores to, in the region */
	Region const     *pending_region;
	struct sigaction  old_segv, old_trap;
	bool              installed;

	Region const *find(uintptr_t a)
	{
		for (Region const &r : regions)
			if (r.copy && a >= (uintptr_t)r.copy && a < (uintptr_t)r.copy + r.len)
				return &r;
		return nullptr;
	}

	/* Is off (in a function's 4 KiB) a BAR register of the header type of cfg? */
	bool bar_register(uint8_t const *cfg, size_t off)
	{
		unsigned const type = cfg[0x0e] & 0x7f;
		if (type == 0) return (off >= 0x10 && off < 0x28) || off == 0x30;
		if (type == 1) return off == 0x10 || off == 0x14 || off == 0x38;
		return false;
	}

	void on_segv(int, siginfo_t *si, void *ctx)
	{
		ucontext_t *uc = (ucontext_t *)ctx;
		Region const *r = find((uintptr_t)si->si_addr);

		if (!r || pending || !(uc->uc_mcontext.gregs[REG_ERR] & WRITE_FAULT)) {
			/* Not a store into a copy: fault again as if we were not here. */
			sigaction(SIGSEGV, &old_segv, nullptr);
			return;
		}
		uint8_t *page = (uint8_t *)((uintptr_t)si->si_addr & ~(uintptr_t)(PAGE - 1));
		if (mprotect(page, PAGE, PROT_READ | PROT_WRITE)) {
			sigaction(SIGSEGV, &old_segv, nullptr);
			return;
		}
		pending        = page;
		pending_region = r;
		pending_off    = ((uintptr_t)si->si_addr - (uintptr_t)r->copy) & ~(size_t)3;
		uc->uc_mcontext.gregs[REG_EFL] |= TRAP_FLAG;
	}

	void on_trap(int, siginfo_t *, void *ctx)
	{
		ucontext_t *uc = (ucontext_t *)ctx;

		if (!pending) {
			sigaction(SIGTRAP, &old_trap, nullptr);   /* not ours: as without us */
			return;
		}
		uint8_t *fn = pending_region->copy + (pending_off & ~(size_t)(PAGE - 1));
		uint32_t v;
		memcpy(&v, pending_region->copy + pending_off, 4);
		Region *r = const_cast<Region *>(pending_region);
		if (v == 0xffffffffu && bar_register(fn, pending_off & (PAGE - 1))) {
			memcpy(r->copy + pending_off, r->answers + pending_off, 4);
			r->probes++;
		} else
			r->stores++;
		mprotect(pending, PAGE, PROT_READ);
		pending = nullptr;
		uc->uc_mcontext.gregs[REG_EFL] &= ~(greg_t)TRAP_FLAG;
	}

	bool install()
	{
		if (installed) return true;
		struct sigaction sa { };
		sa.sa_sigaction = on_segv;
		sa.sa_flags     = SA_SIGINFO | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSEGV, &sa, &old_segv)) return false;
		sa.sa_sigaction = on_trap;
		if (sigaction(SIGTRAP, &sa, &old_trap)) return false;
		installed = true;
		return true;
	}
}

int Mkx_genode::ecam_probe_watch(void *copy, size_t len, void const *answers)
{
	if (!install()) return -1;
	for (Region &r : regions)
		if (!r.copy) {
			if (mprotect(copy, len, PROT_READ)) return -1;
			r = { (uint8_t *)copy, len, (uint8_t const *)answers, 0, 0 };
			return 0;
		}
	return -1;
}

/* What the copy saw, for the log (scenario genode_platform checks it): told when it ends. */
void Mkx_genode::ecam_probe_unwatch(void *copy, unsigned long phys)
{
	for (Region &r : regions)
		if (r.copy == copy) {
			Genode::log("ECAM copy ", Genode::Hex(phys), ": ", r.probes, " BAR probes answered by core, ",
			            r.stores, " other stores kept in this process's pages");
			r = { nullptr, 0, nullptr, 0, 0 };
		}
}
