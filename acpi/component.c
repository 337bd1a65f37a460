/*
 * acpi as a component of core: finds the RSDP from core's platform_info
 * ROM on UEFI boots, else the legacy way (EBDA, then 0xE0000-0xFFFFF), walks RSDT/XSDT, reads every table through IO_MEM
 * snapshots, loads DSDT and SSDTs into our interpreter, and publishes the
 * acpi report (Report session "acpi"). It also logs the GSI of every
 * device on bus 0 that has an interrupt pin, as a plain line per device:
 *   route BB:DD.F INTx -> GSI n <level|edge> <high|low> [<link>]
 * Operation regions go through core's sessions (regions_session.c) or,
 * with <config regions="null"/>, nowhere (reads 0, writes dropped).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/devices.h>
#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/log.h>
#include <mkx/report.h>
#include <mkx/rom.h>
#include "aml/aml.h"
#include "parse.h"
#include "prt.h"
#include "regions_session.h"
#include "report.h"
#include "tables.h"

int	acpi_component(void);

/* Copy physical memory through a (read-only, snapshot) IO_MEM session. */
static int
phys_read(uint64_t addr, void *buf, size_t len)
{
	struct mkx_io_mem m;
	char why[512];
	int err = mkx_io_mem_open(&m, addr, len, 0, why, sizeof why);

	if (err) {
		mkx_error("IO_MEM 0x%" PRIx64 "+0x%zx: %s", addr, len, why);
		return err;
	}
	memcpy(buf, (const void *)m.va, len);
	mkx_io_mem_close(&m);
	return 0;
}

/* A whole table at addr: header first for the length, then all of it. */
static uint8_t *
table_read(uint64_t addr, uint32_t *len_out)
{
	uint8_t hdr[36], *t;
	uint32_t len;

	if (phys_read(addr, hdr, sizeof hdr))
		return NULL;
	memcpy(&len, hdr + 4, 4);
	if (len < 36 || len > (4u << 20)) {
		mkx_error("table %.4s at 0x%" PRIx64 ": implausible length %u; skipped", hdr, addr, len);
		return NULL;
	}
	t = malloc(len);
	if (!t || phys_read(addr, t, len)) {
		free(t);
		return NULL;
	}
	if (!table_checksum_ok(t, len) && memcmp(t, "FACS", 4))
		mkx_log("table %.4s at 0x%" PRIx64 ": checksum does not add up; used anyway", t, addr);
	*len_out = len;
	return t;
}

/* UEFI: the RSDP is where the EFI system table says; only core can tell (platform_info ROM). */
static uint64_t
rsdp_from_platform_info(int *xsdt, uint8_t *rev)
{
	struct mkx_rom rom;
	struct mkx_xml *x, *a;
	unsigned long addr;
	uint8_t rsdp[36];
	char err[128];
	uint64_t root = 0;

	if (mkx_rom_open(&rom, "platform_info"))
		return 0;
	x = mkx_xml_parse(rom.data, rom.size, err, sizeof err);
	a = x ? mkx_xml_child(x, "acpi") : NULL;
	if (a && mkx_xml_attr_ulong(a, "rsdp", 0, &addr) == 0 && phys_read(addr, rsdp, sizeof rsdp) == 0) {
		root = acpi_find_rsdp(rsdp, sizeof rsdp, addr, xsdt, rev);
		if (root)
			mkx_log("RSDP at 0x%lx from platform_info (%s)", addr, mkx_xml_attr(a, "source") ?
			    mkx_xml_attr(a, "source") : "?");
		else
			mkx_error("platform_info names an RSDP at 0x%lx, but there is none (signature or checksum)", addr);
	}
	mkx_xml_free(x);
	mkx_rom_close(&rom);
	return root;
}

static uint64_t
find_rsdp(int *xsdt, uint8_t *rev)
{
	uint8_t bda[0x500], *buf;
	uint16_t seg;
	uint64_t root = rsdp_from_platform_info(xsdt, rev);

	if (root)
		return root;

	if (phys_read(0, bda, sizeof bda) == 0) {
		memcpy(&seg, bda + 0x40e, 2);
		if ((uint32_t)seg << 4 >= 0x80000 && (uint32_t)seg << 4 < 0xa0000) {
			uint8_t ebda[1024];

			if (phys_read((uint64_t)seg << 4, ebda, sizeof ebda) == 0)
				root = acpi_find_rsdp(ebda, sizeof ebda, (uint64_t)seg << 4, xsdt, rev);
		}
	}
	if (root)
		return root;
	buf = malloc(0x20000);
	if (buf && phys_read(0xe0000, buf, 0x20000) == 0)
		root = acpi_find_rsdp(buf, 0x20000, 0xe0000, xsdt, rev);
	free(buf);
	return root;
}

struct route_list {
	struct prt_route	r[512];
	unsigned		n;
	unsigned		bdf[512];
	int			root[512];
};

static void
collect(const struct prt_route *r, void *arg)
{
	struct route_list *l = arg;

	if (l->n < 512)
		l->r[l->n++] = *r;
}

static void
log_device_routes(struct aml_ns *ns)
{
	static struct route_list l;
	struct mkx_rom rom;
	struct mkx_xml *devs;
	struct mkx_pci_device d;
	char err[256];

	prt_routes(ns, 1, collect, &l, stderr);
	if (mkx_rom_open(&rom, "pci_devices"))
		return;
	devs = mkx_xml_parse(rom.data, rom.size, err, sizeof err);
	for (unsigned i = 0; devs && mkx_devices_nth(devs, i, &d) == 0; i++) {
		const struct prt_route *hit = NULL;
		char link[256] = "";

		if (!d.irq_pin || d.irq_pin > 4 || d.bus != 0)
			continue;
		for (unsigned k = 0; k < l.n && !hit; k++) {
			struct aml_node *owner = aml_node_parent(l.r[k].prt);
			struct aml_obj *bbn;
			int rc;

			/* bus 0: the _PRT of the root bridge whose _BBN is 0 (or absent) */
			if (!acpi_is_root_bridge(ns, owner))
				continue;
			rc = aml_eval_path(ns, owner, "_BBN", &bbn, err, sizeof err);
			if (rc == 0 && bbn && bbn->type == AML_INT && bbn->i != 0)
				continue;
			if ((l.r[k].address >> 16) == d.dev && l.r[k].pin == d.irq_pin - 1)
				hit = &l.r[k];
		}
		if (!hit) {
			mkx_log("route %s INT%c -> none in _PRT", d.name, 'A' + d.irq_pin - 1);
			continue;
		}
		if (hit->link)
			aml_path(hit->link, link, sizeof link);
		if (hit->ok)
			mkx_log("route %s INT%c -> GSI %u %s %s %s", d.name, 'A' + d.irq_pin - 1, hit->gsi,
			    hit->level ? "level" : "edge", hit->active_low ? "low" : "high", link);
		else
			mkx_log("route %s INT%c -> unrouted: %s %s", d.name, 'A' + d.irq_pin - 1, hit->err, link);
	}
	mkx_xml_free(devs);
	mkx_rom_close(&rom);
	/*
	 * _PRTs of bridges below a root bridge: their slots are on the bridge's
	 * secondary bus, which only config space knows; logged by bridge path
	 * for whoever completes them (the platform driver, the acpi_bridge check).
	 */
	for (unsigned k = 0; k < l.n; k++) {
		struct aml_node *owner = aml_node_parent(l.r[k].prt);
		char bridge[256], link[256] = "";
		const struct prt_route *r = &l.r[k];

		if (acpi_is_root_bridge(ns, owner))
			continue;
		aml_path(owner, bridge, sizeof bridge);
		if (r->link)
			aml_path(r->link, link, sizeof link);
		if (r->ok)
			mkx_log("route behind %s slot 0x%02x INT%c -> GSI %u %s %s %s", bridge, r->address >> 16,
			    'A' + (r->pin & 3), r->gsi, r->level ? "level" : "edge", r->active_low ? "low" : "high", link);
		else
			mkx_log("route behind %s slot 0x%02x INT%c -> unrouted: %s", bridge, r->address >> 16,
			    'A' + (r->pin & 3), r->err);
	}
}

static void
log_line(const char *msg)
{
	mkx_log("%s", msg);
}

/* The config's regions="sessions" (the default) or "null"; exits on anything else. */
static const struct aml_region_ops *
config_regions(void)
{
	struct mkx_rom cfg_rom;
	struct mkx_xml *cfg = mkx_config(&cfg_rom);
	const char *r = cfg ? mkx_xml_attr(cfg, "regions") : NULL;
	const struct aml_region_ops *regions;

	if (r && strcmp(r, "null") && strcmp(r, "sessions")) {
		mkx_error("config: regions=\"%s\": use sessions or null", r);
		mkx_exit(1);
	}
	regions = r && !strcmp(r, "null") ? &aml_region_null : &aml_region_sessions;
	mkx_log("operation regions: %s", regions->name);
	mkx_xml_free(cfg);
	return regions;
}

/*
 * Find the RSDP, parse every table its root table lists into ai, and
 * note the SSDTs' addresses (at most max). Returns their count; exits if
 * there is no root table.
 */
static unsigned
read_tables(struct acpi_info *ai, uint64_t *ssdt, unsigned max)
{
	uint64_t root, addrs[64];
	unsigned nssdt = 0;
	int xsdt = 0, n;
	uint8_t rev = 0, *rt;
	uint32_t rlen;
	char why[512];

	root = find_rsdp(&xsdt, &rev);
	if (!root) {
		mkx_error("no RSDP: platform_info names none, and none in the EBDA or 0xE0000-0xFFFFF");
		mkx_exit(1);
	}
	mkx_log("RSDP revision %u: %s at 0x%" PRIx64, rev, xsdt ? "XSDT" : "RSDT", root);
	rt = table_read(root, &rlen);
	if (!rt)
		mkx_exit(1);
	report_table((const char *)rt, root, rlen);
	n = acpi_root_entries(rt, rlen, xsdt, addrs, 64, why, sizeof why);
	free(rt);
	if (n < 0) {
		mkx_error("%s", why);
		mkx_exit(1);
	}
	for (int i = 0; i < n; i++) {
		uint32_t len;
		uint8_t *t = table_read(addrs[i], &len);

		if (!t)
			continue;
		mkx_log("table %.4s at 0x%" PRIx64 ", %u bytes, revision %u", t, addrs[i], len, t[8]);
		report_table((const char *)t, addrs[i], len);
		if (acpi_parse_table(ai, t, len, why, sizeof why))
			mkx_error("%.4s: %s", t, why);
		if (!memcmp(t, "SSDT", 4) && nssdt < max)
			ssdt[nssdt++] = addrs[i];
		free(t);
	}
	if (ai->warnings[0])
		mkx_log("%s", ai->warnings);
	return nssdt;
}

/* Load the DSDT, then each SSDT, into ns; errors are logged, loading goes on. */
static void
load_definition_blocks(struct aml_ns *ns, uint64_t dsdt, const uint64_t *ssdt, unsigned nssdt)
{
	char why[512];

	for (unsigned i = 0; i <= nssdt; i++) {
		uint64_t a = i == 0 ? dsdt : ssdt[i - 1];
		uint32_t len;
		/* The namespace points into the table: it stays allocated until exit. */
		uint8_t *t = a ? table_read(a, &len) : NULL;
		char label[16];

		if (!t) {
			if (i == 0)
				mkx_error("no DSDT (FADT points to 0x%" PRIx64 ")", a);
			continue;
		}
		if (i == 0)
			report_table("DSDT", a, len);
		snprintf(label, sizeof label, i ? "SSDT%u" : "DSDT", i);
		if (aml_load_table(ns, t, len, label, why, sizeof why))
			mkx_log("%s loaded with errors, each logged above (last: %s)", label, why);
	}
}

/* Publish the "acpi" report (failed: the _PRT evaluations that failed, for the log line). */
static void
publish(const char *xml, size_t xlen, int failed)
{
	struct mkx_report rep;
	char why[512];

	if (mkx_report_open(&rep, "acpi", why, sizeof why)) {
		mkx_log("no Report session (%s); report not published", why);
		return;
	}
	mkx_log(mkx_report_submit(&rep, xml, xlen) ? "report could not be published"
	    : "report \"acpi\" published: %zu bytes, %d _PRT failures", xlen, failed);
	mkx_report_close(&rep);
}

int
acpi_component(void)
{
	static struct acpi_info ai;
	uint64_t ssdt[32];
	unsigned nssdt;
	int failed;
	struct aml_ns *ns;
	char *xml = NULL;
	size_t xlen = 0;
	FILE *mem;
	const struct aml_region_ops *regions;

	if (mkx_env_init())
		return 1;
	regions = config_regions();
	nssdt = read_tables(&ai, ssdt, 32);
	ns = aml_ns_new(regions, 64u << 20);
	if (!ns) {
		mkx_error("no memory for the AML interpreter");
		mkx_exit(1);
	}
	load_definition_blocks(ns, ai.dsdt, ssdt, nssdt);
	aml_initialize(ns, log_line);
	mem = open_memstream(&xml, &xlen);
	failed = report_xml(mem, &ai, ns, stderr);
	fclose(mem);
	publish(xml, xlen, failed);
	free(xml);
	log_device_routes(ns);
	aml_ns_free(ns);
	mkx_exit(failed ? 1 : 0);
}
