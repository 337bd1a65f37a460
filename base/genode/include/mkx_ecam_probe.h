/*
 * Sizing probes on a read-only copy of ECAM (ecam_probe.cc): core hands an
 * enumerator that only reads config space a copy (IO_MEM flag
 * MKX_IO_MEM_PROBES) with, after it, what each BAR register reads after
 * all ones are written to it.
 */
#ifndef MKX_ECAM_PROBE_H
#define MKX_ECAM_PROBE_H

#include <stddef.h>

namespace Mkx_genode {

	/*
	 * Watch copy (len bytes, a private mapping of core's copy, made
	 * read-only here): each store into it is let through into the
	 * process's own page, and a store of all ones to a BAR register
	 * reads back answers' value at that offset, as the device would
	 * answer a sizing probe. 0, or -1 if no slot or handler is left.
	 */
	int ecam_probe_watch(void *copy, size_t len, void const *answers);

	/* Stop watching copy (before it is unmapped); logs its counts, phys its base. */
	void ecam_probe_unwatch(void *copy, unsigned long phys);
}

#endif
