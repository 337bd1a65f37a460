/*
 * The hostile component: run as an ordinary child of core, it tries every
 * escape in tests/attack/ and logs one line per attempt, with one of the
 * three verdicts of attack.h:
 *   attempt NAME: refused (what the kernel or core said)
 *   attempt NAME: HOLE (what got through)
 *   attempt NAME: inconclusive (why it could not be tried)
 *   attempt NAME: absent (why; see absent= below)
 * and at the end "hostile: N attempts, N refused, N holes, N inconclusive,
 * N absent". Exits 0 only if there was no hole and nothing inconclusive.
 * Used by the host integration test and by the QEMU scenario `isolation`
 * (core as PID 1).
 * <config dev="DIR"/>: the device nodes to attack are in DIR, not /dev (a
 * host test stands in for nodes its machine lacks).
 * <config absent="NAME ..."/>: attacks whose target the test that started
 * us proved absent for root as well (a kernel without iopl, a machine
 * without BAR files in sysfs): inconclusive there is "absent", the test
 * names them. Refused or a hole is still said as such.
 */
#include <stdio.h>
#include <string.h>

#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

#include "attack.h"

static unsigned attempts, refused, holes, inconclusive, absent;
static const char *absent_list = "";

/* Is name a word of absent_list? */
static int
proven_absent(const char *name)
{
	size_t n = strlen(name);

	for (const char *p = absent_list; (p = strstr(p, name)); p += n)
		if ((p == absent_list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

static void
run_all(const struct attack *list)
{
	for (const struct attack *a = list; a->name; a++) {
		char how[384] = "";
		int v = a->run(how, sizeof how);
		const char *said;

		attempts++;
		if (v == ATTACK_REFUSED)
			refused++, said = "refused";
		else if (v == ATTACK_HOLE)
			holes++, said = "HOLE";
		else if (proven_absent(a->name))
			absent++, said = "absent";
		else
			inconclusive++, said = "inconclusive";	/* and any value an attack should not return */
		mkx_log("attempt %s: %s (%s)", a->name, said, how);
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
	if (cfg && mkx_xml_attr(cfg, "dev"))
		attack_dev_dir = mkx_xml_attr(cfg, "dev");
	if (cfg && mkx_xml_attr(cfg, "absent"))
		absent_list = mkx_xml_attr(cfg, "absent");
	log_credentials();
	escape_find_sibling();
	run_all(escape_kernel);
	run_all(escape_console);
	/* <config sessions="no"/>: only the kernel's fence (a host test without devices). */
	if (!cfg || !mkx_xml_attr(cfg, "sessions") || strcmp(mkx_xml_attr(cfg, "sessions"), "no"))
		run_all(escape_core);
	mkx_log("hostile: %u attempts, %u refused, %u holes, %u inconclusive, %u absent", attempts, refused,
	    holes, inconclusive, absent);
	/* <config linger_ms="N"/>: stay a while, so that a test can look at us from outside. */
	if (cfg && !mkx_xml_attr_ulong(cfg, "linger_ms", 0, &linger_ms) && linger_ms)
		usleep((useconds_t)(linger_ms > 10000 ? 10000 : linger_ms) * 1000);
	mkx_xml_free(cfg);
	if (cfg)
		mkx_rom_close(&cfg_rom);
	mkx_exit(holes || inconclusive ? 1 : 0);
}
