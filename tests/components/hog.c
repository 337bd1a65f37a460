/*
 * Test component that wants more memory than its RAM quantum: it touches
 * 1 MiB after 1 MiB (up to <config mib="256"/>), logging every 8 MiB. With
 * the quantum enforced, the kernel stops it long before the end.
 */
#include <stdlib.h>
#include <string.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long mib = 256;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (cfg)
		mkx_xml_attr_ulong(cfg, "mib", 256, &mib);
	for (unsigned long i = 1; i <= mib; i++) {
		char *p = malloc(1 << 20);

		if (!p) {
			mkx_log("malloc failed at %lu MiB", i);
			mkx_exit(2);
		}
		memset(p, 0xa5, 1 << 20);	/* touch it: only used pages count */
		if (i % 8 == 0)
			mkx_log("holding %lu MiB", i);
	}
	mkx_log("got all %lu MiB: the quantum was not enforced", mib);
	mkx_exit(0);
}
