/*
 * The platform driver as a component of core: the acpi report (ROM
 * "acpi", routed by core's <report_rom> policy), config access through
 * core's sessions (ECAM: an IO_MEM session of each MCFG window; else the
 * conf1 pair through an IO_PORT session of 0xCF8-0xCFF, which core
 * emulates), enumeration, routing, the views in the log.
 *
 * <config access="auto|ecam|conf1" acpi_wait_ms="30000" views="yes" exit="no" log_acpi="no"
 *         compare_conf1="no"/>
 * compare_conf1: after an ECAM walk, walk again through conf1 and compare (both access
 * paths checked against each other in one boot).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/log.h>
#include <mkx/rom.h>

#include "compare.h"
#include "conf1_port.h"
#include "component.h"
#include "host.h"
#include "route.h"
#include "views.h"

static struct pci_ecam_set ecam;
static struct mkx_io_mem ecam_mem[PCI_ECAM_WINDOWS_MAX];
static int
open_ecam(const struct acpi_info *ai, struct pci_cfg *cfg)
{
	for (unsigned i = 0; i < ai->nwin && ecam.n < PCI_ECAM_WINDOWS_MAX; i++) {
		const struct acpi_window *w = &ai->win[i];
		uint64_t size = (uint64_t)(w->bus_end - w->bus_start + 1) << 20;
		char why[256] = "";
		int err = mkx_io_mem_open(&ecam_mem[ecam.n], w->base, size, 0, why, sizeof why);

		if (err) {
			mkx_log("ECAM window %04x:[%02x-%02x] at 0x%llx not granted: %s", w->seg, w->bus_start,
			    w->bus_end, (unsigned long long)w->base, why[0] ? why : strerror(-err));
			continue;
		}
		ecam.win[ecam.n] = (struct pci_ecam){ (volatile uint8_t *)ecam_mem[ecam.n].va, w->seg,
		    w->bus_start, w->bus_end };
		mkx_log("config access: ECAM %04x:[%02x-%02x] at 0x%llx", w->seg, w->bus_start, w->bus_end,
		    (unsigned long long)w->base);
		ecam.n++;
	}
	if (!ecam.n)
		return -ENOENT;
	*cfg = (struct pci_cfg){ &pci_cfg_ecam_set, &ecam };
	return 0;
}

static int
open_conf1(struct pci_cfg *cfg)
{
	char why[256] = "";
	int err;

	/* The acpi component may still hold the pair for a moment after its report: wait a little. */
	if ((err = pci_conf1_open(cfg, 1, 50, why, sizeof why))) {
		mkx_error("conf1 (IO_PORT 0xcf8-0xcff) not granted: %s", why[0] ? why : strerror(-err));
		return err;
	}
	mkx_log("config access: conf1 through core's CF8/CFC emulation (registers below 0x100 only)");
	return 0;
}

/* Log a memstream's text line by line (one LOG line each). */
static void
log_lines(char *buf)
{
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		mkx_log("%s", l);
}

/* The acpi report, waiting for it to be published; 0 or -ENOENT after wait_ms. */
static int
read_acpi(struct acpi_info *ai, unsigned long wait_ms, int log_acpi)
{
	struct mkx_rom rom;
	struct mkx_xml *x;
	unsigned long waited = 0;
	char err[256] = "";

	while (mkx_rom_try_open(&rom, "acpi")) {
		if (waited >= wait_ms)
			return -ENOENT;
		usleep(250000);
		waited += 250;
	}
	if (log_acpi) {
		/* For the scenario checks: the report this boot's routing came from, as it was read. */
		char *copy = strndup(rom.data, rom.size);

		if (copy) {
			mkx_log("--- acpi ---");
			log_lines(copy);
			mkx_log("--- end ---");
			free(copy);
		}
	}
	x = mkx_xml_parse(rom.data, rom.size, err, sizeof err);
	if (!x || acpi_info_read(ai, x, err, sizeof err)) {
		mkx_error("acpi report: %s", err);
		mkx_xml_free(x);
		mkx_rom_close(&rom);
		return -EINVAL;
	}
	mkx_xml_free(x);
	mkx_rom_close(&rom);
	return 0;
}


static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Walk again through conf1 and compare with the ECAM walk t; log the outcome and both times. */
static void
compare_conf1(const struct pci_tree *t, const struct acpi_info *ai)
{
	static struct pci_tree c;
	struct pci_cfg cfg;
	char why[256] = "";
	double t0;

	if (open_conf1(&cfg))
		return;
	pci_roots_from_acpi(&c, ai);
	t0 = now_ms();
	if (pci_enumerate(&c, &cfg)) {
		mkx_error("out of memory");
		return;
	}
	pci_conf1_walk_done();
	pci_sort(&c);
	if (pci_tree_compare(t, &c, why, sizeof why))
		mkx_error("conf1 walk differs from the ECAM walk: %s", why);
	else
		mkx_log("conf1 walk equal to the ECAM walk: %u functions, BARs, bus numbers, capabilities "
		    "below 0x100 (%.1f ms)", c.nfn, now_ms() - t0);
	pci_tree_free(&c);
	pci_conf1_close();
}

int
pci_component(void)
{
	static struct acpi_info ai;
	static struct pci_tree t;
	struct pci_cfg cfg;
	struct mkx_rom cfg_rom;
	struct mkx_xml *conf;
	unsigned long wait_ms = 30000;
	const char *access = "auto";
	int views = 1, stop = 0, log_acpi = 0, compare = 0;
	double t0;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	if (mkx_env_init())
		return 1;
	conf = mkx_config(&cfg_rom);
	if (conf) {
		if (mkx_xml_attr(conf, "access"))
			access = mkx_xml_attr(conf, "access");
		mkx_xml_attr_ulong(conf, "acpi_wait_ms", 30000, &wait_ms);
		views = mkx_xml_attr_bool(conf, "views", 1) == 1;
		stop = mkx_xml_attr_bool(conf, "exit", 0) == 1;
		log_acpi = mkx_xml_attr_bool(conf, "log_acpi", 0) == 1;
		compare = mkx_xml_attr_bool(conf, "compare_conf1", 0) == 1;
	}
	if (read_acpi(&ai, wait_ms, log_acpi))
		mkx_log("no acpi report within %lu ms: root bus 00 only, interrupt routing from Interrupt Line", wait_ms);
	pci_roots_from_acpi(&t, &ai);
	if (strcmp(access, "conf1") && !open_ecam(&ai, &cfg))
		;
	else if (strcmp(access, "ecam") || !ai.nwin) {
		if (open_conf1(&cfg))
			mkx_exit(1);
	} else {
		mkx_error("access=\"ecam\" but no ECAM window was granted");
		mkx_exit(1);
	}
	t0 = now_ms();
	if (pci_enumerate(&t, &cfg)) {
		mkx_error("out of memory");
		mkx_exit(1);
	}
	pci_conf1_walk_done();
	pci_sort(&t);
	pci_route_all(&ai, &t);
	pci_set_ecam(&t, &ai);
	mkx_log("enumerated %u functions on %u root bus(es) in %.1f ms (%lu config writes for BAR probes), "
	    "%u notes", t.nfn, t.nroot, now_ms() - t0, t.probe_writes, t.nnote);
	if (views && (mem = open_memstream(&buf, &len))) {
		pci_views(mem, &t);
		if (!fclose(mem))
			log_lines(buf);
		free(buf);
	}
	if (compare && cfg.ops != &pci_cfg_conf1)
		compare_conf1(&t, &ai);
	pci_devices_publish(&t, &cfg);
	if (stop) {
		mkx_xml_free(conf);
		mkx_exit(0);
	}
	pci_serve(&t, &cfg, conf);
	mkx_exit(0);
}
