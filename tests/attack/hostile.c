/*
 * The hostile component: run as an ordinary child of core, it tries every
 * escape in tests/attack/ and logs one line per attempt:
 *   attempt NAME: refused (what happened)
 *   ESCAPE NAME: what got through
 * and at the end "hostile: N attempts, N refused, N escapes". Exits 0 only
 * if everything was refused. Used by the host integration test and by the
 * QEMU scenario `isolation` (core as PID 1).
 */
#include <stdio.h>
#include <string.h>

#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

#include "attack.h"

static unsigned attempts, escapes;

static void
run_all(const struct attack *list)
{
	for (const struct attack *a = list; a->name; a++) {
		char how[256] = "";

		attempts++;
		if (a->run(how, sizeof how)) {
			escapes++;
			mkx_log("ESCAPE %s: %s", a->name, how);
		} else
			mkx_log("attempt %s: refused (%s)", a->name, how);
	}
}

/* What the kernel says we hold, in one line (the tests compare it). */
static void
log_credentials(void)
{
	static const char *const keys[] = { "Uid:", "Gid:", "Groups:", "CapPrm:", "CapEff:", "CapBnd:",
	    "CapAmb:", "NoNewPrivs:" };
	char line[256], out[512] = "";
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof line, f))
		for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (!strncmp(line, keys[i], strlen(keys[i]))) {
				line[strcspn(line, "\n")] = 0;
				for (char *t = line; *t; t++)
					if (*t == '\t')
						*t = ' ';
				snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", *out ? " | " : "", line);
			}
	if (f)
		fclose(f);
	mkx_log("credentials: %s", out);
}

int
main(void)
{
	struct mkx_rom cfg_rom;
	struct mkx_xml *cfg;
	unsigned long linger_ms = 0;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&cfg_rom);
	log_credentials();
	escape_find_sibling();
	run_all(escape_kernel);
	/* <config sessions="no"/>: only the kernel's fence (a host test without devices). */
	if (!cfg || !mkx_xml_attr(cfg, "sessions") || strcmp(mkx_xml_attr(cfg, "sessions"), "no"))
		run_all(escape_core);
	mkx_log("hostile: %u attempts, %u refused, %u escapes", attempts, attempts - escapes, escapes);
	/* <config linger_ms="N"/>: stay a while, so that a test can look at us from outside. */
	if (cfg && !mkx_xml_attr_ulong(cfg, "linger_ms", 0, &linger_ms) && linger_ms)
		usleep((useconds_t)(linger_ms > 10000 ? 10000 : linger_ms) * 1000);
	mkx_xml_free(cfg);
	if (cfg)
		mkx_rom_close(&cfg_rom);
	mkx_exit(escapes ? 1 : 0);
}
