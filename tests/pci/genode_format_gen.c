/*
 * Writes our documents in Genode's formats for tests/pci/genode_format_test.sh,
 * built there against the build's libpci.a, libmkx.a and libcore.a:
 *   genode_format_gen report DUMPDIR ACPI_XML MSI(0|1)   the devices report (pci_decode's)
 *   genode_format_gen session DUMPDIR ACPI_XML INFO MSI  a session's devices ROM, every function (0|1 each)
 *   genode_format_gen platform_info RSDP_FILE            core's <kernel> and <acpi> of that RSDP
 * DUMPDIR as `pci --dump` reads it (config.txt, resource.txt); the functions
 * are enumerated and routed as the platform driver does, on simulated config space.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../pci/acpi_info.h"
#include "../../pci/devices_xml.h"
#include "../../pci/host.h"
#include "../../pci/route.h"
#include "../../pci/sim.h"
/* platform_info.c's static pieces, fed RSDPs directly (its platform_info_xml replaces libcore.a's). */
#include "../../core-services/linux/platform_info.c"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 > cap && !(buf = realloc(buf, cap = (cap + 4096) * 2)))
			exit(3);
		size_t r = fread(buf + n, 1, cap - n - 1, f);

		if (!r)
			break;
		n += r;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "genode_format_gen: %s: %s\n", what, why);
	exit(2);
}

static int
used_odd(const struct pci_fn *f, void *arg)
{
	(void)arg;
	return f->a.dev & 1;	/* some "used", some not: both values appear */
}

int
main(int argc, char **argv)
{
	static struct pci_sim sim;
	static struct pci_tree t;
	static struct acpi_info ai;
	struct pci_cfg cfg = { &pci_cfg_sim, &sim };
	struct mkx_xml *acpi;
	char path[512], err[256] = "", *text;
	size_t len;

	if (argc == 3 && !strcmp(argv[1], "platform_info")) {
		uint8_t rsdp[36];
		FILE *f = fopen(argv[2], "rb");
		size_t n = f ? fread(rsdp, 1, sizeof rsdp, f) : 0;

		if (f)
			fclose(f);
		printf("<platform_info>\n");
		platform_info_kernel_xml(stdout);
		printf("  <acpi");
		if (platform_info_acpi_xml(stdout, rsdp, n))
			die(argv[2], "not an RSDP");
		printf("/>\n</platform_info>\n");
		return 0;
	}
	if (argc != 5 + !strcmp(argv[1], "session"))
		die("usage", "report DUMPDIR ACPI_XML 0|1, session DUMPDIR ACPI_XML 0|1 0|1, platform_info RSDP_FILE");
	pci_sim_init(&sim);
	snprintf(path, sizeof path, "%s/config.txt", argv[2]);
	if (!(text = slurp(path, &len)) || pci_sim_load_dump(&sim, text, len, err, sizeof err))
		die(path, err[0] ? err : strerror(errno));
	free(text);
	snprintf(path, sizeof path, "%s/resource.txt", argv[2]);
	if ((text = slurp(path, &len)) && pci_sim_load_resources(&sim, text, len, err, sizeof err))
		die(path, err);
	free(text);
	if (!(text = slurp(argv[3], &len)) || !(acpi = mkx_xml_parse(text, len, err, sizeof err)) ||
	    acpi_info_read(&ai, acpi, err, sizeof err))
		die(argv[3], err[0] ? err : strerror(errno));
	free(text);
	pci_roots_from_acpi(&t, &ai);
	if (pci_enumerate(&t, &cfg))
		die("enumeration", "out of memory");
	pci_sort(&t);
	pci_route_all(&ai, &t);
	pci_set_ecam(&t, &ai);
	if (!strcmp(argv[1], "report")) {
		struct pci_report_in in = { &cfg, 1, atoi(argv[4]), acpi, 0 };

		pci_devices_report(stdout, &t, &in);
	} else {
		struct pci_session_view v = { NULL, used_odd, NULL, atoi(argv[4]), atoi(argv[5]), "version=\"7\"" };

		pci_session_devices_xml(stdout, &t, &v);
	}
	mkx_xml_free(acpi);
	pci_tree_free(&t);
	pci_sim_free(&sim);
	return 0;
}
