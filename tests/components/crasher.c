/*
 * Test component that ends badly on purpose. <config mode="abort|kill|segv|exit"
 * code="N" delay_ms="N"/>: it logs, waits, then aborts, SIGKILLs itself,
 * dereferences NULL or exits with code.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	const char *mode;
	unsigned long code = 1, delay = 0;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (!cfg)
		return 1;
	mode = mkx_xml_attr(cfg, "mode");
	mode = mode ? mode : "abort";
	mkx_xml_attr_ulong(cfg, "code", 1, &code);
	mkx_xml_attr_ulong(cfg, "delay_ms", 0, &delay);
	mkx_log("about to %s", mode);
	usleep(delay * 1000);
	if (!strcmp(mode, "abort"))
		abort();
	if (!strcmp(mode, "kill"))
		kill(getpid(), SIGKILL);
	if (!strcmp(mode, "segv"))
		raise(SIGSEGV);
	exit((int)code);
}
