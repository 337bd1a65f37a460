/* RAM allocator (memfd) and region map (mmap) of an mkx Genode component (memory.cc). */
#ifndef MKX_MEMORY_H
#define MKX_MEMORY_H

#include <base/ram_allocator.h>
#include <base/local.h>

namespace Mkx_genode {

	using namespace Genode;

	struct Mkx_ram : Ram_allocator
	{
		Result try_alloc(size_t, Cache) override;
		void   _free(Allocation &) override;
		void   seal(Ram::Capability) override;
	};

	struct Mkx_rm : Local::Constrained_region_map
	{
		enum { MAX_REGIONS = 1024 };
		struct Region { void *at; size_t mapped; /* 0: not ours to unmap */ };
		Region _regions[MAX_REGIONS] { };

		void _remember(void *, size_t);

		Result attach(Capability<Dataspace>, Attach_attr const &) override;
		void   _free(Attachment &) override;
	};
}

#endif
