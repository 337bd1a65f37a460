/*
 * acpi: ACPI tables and PCI interrupt routing. Today the host mode:
 *   acpi --tables DIR --prt [--pic 0|1]
 * loads the .dat files of `acpixtract -a` (dsdt, ssdt, ssdt1, ...),
 * initialises the namespace as ACPICA does (_STA/_INI), calls \_PIC and
 * prints every _PRT entry, sorted, one per line. Operation regions are
 * not backed by hardware here: reads give zero, writes are dropped.
 * DIR may also be a machine record of tools/record-machine: its tables
 * are in DIR/acpi, and its config.txt backs PCI_Config regions (the
 * chipset registers link devices read), see docs/new-machine.md.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aml/aml.h"
#include "parse.h"
#include "prt.h"
#include "record_cfg.h"
#include "report.h"
#include "tables.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: acpi --tables DIR (--prt [--pic 0|1] | --routing | --report)\n"
	    "       acpi            (as a component of core: tables from memory, see docs/acpi.md)\n"
	    "  --tables DIR  ACPI tables as .dat files (acpixtract -a output), or a record of\n"
	    "                tools/record-machine (tables in DIR/acpi; DIR/config.txt, lspci -xxxx\n"
	    "                text, backs PCI_Config regions; other regions read 0)\n"
	    "  --prt         print every _PRT entry: <path> <Address> <Pin> <Source> <SourceIndex>\n"
	    "                (<path> EMPTY, <path> ERROR <reason>), sorted\n"
	    "  --pic N       call \\_PIC(N) first: 1 = APIC mode (default), 0 = PIC mode\n"
	    "  --routing     resolved routing, one line per bridge/slot/pin:\n"
	    "                <bridge> <bdf|-> <slot> <INTx> <gsi> <level|edge> <low|high> [<link>]\n"
	    "  --report      the acpi report (XML: MCFG, MADT, FADT, DMAR, HPET, routing)\n"
	    "Exit status: 0 if every _PRT evaluated, 1 if some did not, 2 on usage or load errors.\n"
	    "See docs/acpi.md.\n");
}

int	acpi_component(void);	/* component.c */

/*
 * A record of tools/record-machine keeps its tables in DIR/acpi next to
 * config.txt, so that `pci --dump DIR` and `acpi --tables DIR` take the
 * same directory. DIR/acpi is used when DIR itself has no dsdt.dat.
 */
static const char *
tables_dir(const char *dir, char *buf, size_t len)
{
	struct stat st;

	snprintf(buf, len, "%s/dsdt.dat", dir);
	if (!stat(buf, &st))
		return dir;
	snprintf(buf, len, "%s/acpi", dir);
	if (!stat(buf, &st) && S_ISDIR(st.st_mode))
		return buf;
	return dir;
}

static int
cmp_lines(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort the lines of buf (LC_ALL=C sort) and print them. */
static void
print_sorted(char *buf)
{
	size_t n = 0, cap = 1024;
	char **lines = malloc(cap * sizeof *lines);

	for (char *p = strtok(buf, "\n"); p && lines; p = strtok(NULL, "\n")) {
		if (n == cap) {
			char **more = realloc(lines, (cap *= 2) * sizeof *lines);

			if (!more)
				break;
			lines = more;
		}
		lines[n++] = p;
	}
	if (!lines)
		return;
	qsort(lines, n, sizeof *lines, cmp_lines);
	for (size_t i = 0; i < n; i++)
		puts(lines[i]);
	free(lines);
}

/*
 * Parse every table of the directory into ai and load its DSDT and SSDTs
 * into ns, each labelled by its file name without the extension, in
 * capitals ("ssdt1.dat": SSDT1). Errors go to stderr. Returns how many
 * definition blocks it loaded.
 */
static unsigned
load_dir_tables(struct aml_ns *ns, const struct acpi_tables *ts, struct acpi_info *ai)
{
	unsigned loaded = 0;

	for (unsigned i = 0; i < ts->n; i++) {
		char err[1024], label[80];

		if (acpi_parse_table(ai, ts->t[i].data, ts->t[i].len, err, sizeof err))
			fprintf(stderr, "acpi: %s: %s\n", ts->t[i].file, err);
		if (strcmp(ts->t[i].sig, "DSDT") && strcmp(ts->t[i].sig, "SSDT"))
			continue;
		snprintf(label, sizeof label, "%s", ts->t[i].file);
		if (strchr(label, '.'))
			*strchr(label, '.') = 0;
		for (char *c = label; *c; c++)
			*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		if (aml_load_table(ns, ts->t[i].data, ts->t[i].len, label, err, sizeof err))
			fprintf(stderr, "acpi: %s: loaded with errors, each reported above (last: %s)\n", ts->t[i].file, err);
		loaded++;
	}
	return loaded;
}

/*
 * The AML's operation regions: a record's config.txt backs PCI_Config (the
 * link devices of many chipsets read their routing registers there), else
 * everything reads zero. 0, or -1 after saying why the file is unusable.
 */
static int
record_regions(const char *record, struct aml_region_ops *ops)
{
	char path[PATH_MAX], err[256];
	unsigned n = 0;
	int rc;

	snprintf(path, sizeof path, "%s/config.txt", record);
	rc = record_cfg_open(ops, path, &n, err, sizeof err);
	if (rc == -ENOENT)
		return 0;
	if (rc) {
		fprintf(stderr, "acpi: %s: %s\n", path, err);
		return -1;
	}
	fprintf(stderr, "acpi: PCI_Config regions read from %s (%u functions of segment 0)\n", path, n);
	return 0;
}

enum output { OUT_PRT, OUT_ROUTING, OUT_REPORT };

/*
 * The host mode: the tables of dir (or of the record dir is), loaded and
 * initialised, then the output asked for. The exit status (see usage).
 */
static int
host_mode(const char *dir, enum output what, int pic)
{
	static struct acpi_tables ts;
	static struct acpi_info ai;
	static char record_dir[PATH_MAX];
	struct aml_region_ops regions = aml_region_null;
	const char *record = dir;
	struct aml_ns *ns = NULL;
	char *out = NULL;
	size_t outlen = 0;
	int rc = 2;
	FILE *mem;

	dir = tables_dir(dir, record_dir, sizeof record_dir);
	if (tables_from_dir(dir, &ts) < 0)
		return 2;
	if (record_regions(record, &regions))
		goto out;
	if (!(ns = aml_ns_new(&regions, 0))) {
		fprintf(stderr, "acpi: no memory for the AML interpreter\n");
		goto out;
	}
	if (!load_dir_tables(ns, &ts, &ai)) {
		fprintf(stderr, "acpi: %s has no dsdt.dat or ssdt*.dat\n", dir);
		goto out;
	}
	if (ai.warnings[0])
		fprintf(stderr, "acpi: %s", ai.warnings);
	aml_initialize(ns, NULL);
	if (what == OUT_REPORT) {
		rc = report_xml(stdout, &ai, ns, stderr) ? 1 : 0;
		goto out;
	}
	mem = open_memstream(&out, &outlen);
	rc = (what == OUT_ROUTING ? report_routing_text(mem, ns, stderr) : prt_list(ns, pic, mem, stderr)) ? 1 : 0;
	fclose(mem);
	print_sorted(out);
	free(out);
out:
	if (ns)
		aml_ns_free(ns);
	tables_free(&ts);
	record_cfg_close(&regions);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tables", required_argument, NULL, 't' },
		{ "prt", no_argument, NULL, 'p' },
		{ "pic", required_argument, NULL, 'P' },
		{ "routing", no_argument, NULL, 'r' },
		{ "report", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *dir = NULL;
	int prt = 0, pic = 1, o, routing = 0, report = 0;

	while ((o = getopt_long(argc, argv, "t:pP:h", opts, NULL)) != -1)
		switch (o) {
		case 't': dir = optarg; break;
		case 'p': prt = 1; break;
		case 'P':
			if (strcmp(optarg, "0") && strcmp(optarg, "1")) {
				fprintf(stderr, "acpi: --pic takes 0 or 1, not \"%s\"\n", optarg);
				return 2;
			}
			pic = atoi(optarg);
			break;
		case 'r': routing = 1; break;
		case 'R': report = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	if (!dir && optind == argc && !prt && !routing && !report)
		return acpi_component();
	if (!dir || prt + routing + report != 1 || optind != argc) {
		fprintf(stderr, "acpi: give --tables DIR and one of --prt, --routing, --report; see --help\n");
		return 2;
	}
	return host_mode(dir, report ? OUT_REPORT : routing ? OUT_ROUTING : OUT_PRT, pic);
}
