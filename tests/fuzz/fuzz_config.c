/* libFuzzer target for core's config parser and checker (XML from a client of core: the user). */
#include <stdint.h>
#include <string.h>

#include "../../core-services/core.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct core_config cfg;
	char err[1024];

	if (config_load_buf(&cfg, (const char *)data, size, "fuzz.xml", "/bin", err, sizeof err) == 0)
		config_free(&cfg);
	return 0;
}
