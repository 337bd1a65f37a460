/*
 * dma_client: a DMA session client for core's integration test on the sim
 * back end (tests/integration/dma_test.sh). It allocates `count` buffers,
 * checks each dataspace is exactly the buffer's huge pages (the buffer itself
 * for one of a page or more, the default; sealed: it cannot be shrunk or
 * grown) and writable, frees one, then either exits (core
 * frees the rest at the session's end) or, with die="yes", kills itself
 * with SIGKILL while holding them (core must free them the same way).
 *
 * Config: <config pci="00:03.0" count="3" size="2097152" die="no"/>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mkx/dma.h>
#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

int
main(void)
{
	struct mkx_dma_buffer b[8];
	struct mkx_dma dma;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long count = 3, size = 2u << 20;	/* a whole huge page: a dataspace of its own */
	char why[512], pci[16] = "00:03.0";
	int die = 0;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom))) {
		if (mkx_xml_attr(cfg, "pci"))
			snprintf(pci, sizeof pci, "%s", mkx_xml_attr(cfg, "pci"));
		mkx_xml_attr_ulong(cfg, "count", 3, &count);
		mkx_xml_attr_ulong(cfg, "size", 2u << 20, &size);
		die = mkx_xml_attr_bool(cfg, "die", 0) == 1;
		mkx_xml_free(cfg);	/* clean under LeakSanitizer (make test SANITIZE=1) */
		mkx_rom_close(&rom);
	}
	if (count > 8)
		count = 8;
	if (mkx_dma_open(&dma, pci, why, sizeof why)) {
		mkx_error("DMA session for %s: %s", pci, why);
		mkx_exit(1);
	}
	for (unsigned i = 0; i < count; i++) {
		struct stat st;

		if (mkx_dma_alloc(&dma, size, &b[i], why, sizeof why)) {
			mkx_error("buffer %u: %s", i, why);
			mkx_exit(1);
		}
		/* A buffer of a page or more is its dataspace; a smaller one lies in one of whole pages. */
		if (fstat(b[i].fd, &st) || (size_t)st.st_size != b[i].map_size ||
		    (size >= (2u << 20) && b[i].map_size != b[i].size) || (uint8_t *)b[i].va + b[i].size >
		    (uint8_t *)b[i].map + b[i].map_size) {
			mkx_error("buffer %u: the dataspace is not exactly the buffer's pages", i);
			mkx_exit(1);
		}
		if (ftruncate(b[i].fd, 0) == 0 || ftruncate(b[i].fd, (off_t)b[i].map_size * 2) == 0) {
			mkx_error("buffer %u: the dataspace could be resized", i);
			mkx_exit(1);
		}
		memset(b[i].va, 0x5a, b[i].size);
	}
	mkx_log("dma_client: %lu buffers of %zu bytes, sized exactly, sealed, written; bus 0x%llx..", count, b[0].size,
	    (unsigned long long)b[0].bus);
	if (count && mkx_dma_free(&dma, &b[0], why, sizeof why)) {
		mkx_error("free: %s", why);
		mkx_exit(1);
	}
	if (die) {
		mkx_log("dma_client: holding %lu buffers, SIGKILL now", count - 1);
		mkx_log_flush();
		raise(SIGKILL);
	}
	mkx_log("dma_client: exiting with %lu buffers held", count ? count - 1 : 0);
	mkx_exit(0);
}
