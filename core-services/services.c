/* The services core implements itself, by name. */
#include <string.h>

#include "core.h"

const struct core_service *
core_service_find(const char *name)
{
	static const struct core_service *const all[] = {
		&service_log, &service_rom, &service_io_port, &service_io_mem, &service_report, &service_irq,
		&service_dma,
	};

	for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}
