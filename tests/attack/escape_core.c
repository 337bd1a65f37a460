/*
 * Attacks through core's own sessions (issue 10, findings 2-8, 11): asking
 * core for more than the policy grants, or handing it things that could
 * stall or fool it. Each returns its verdict (attack.h): refused only when
 * core answered with a refusal; a target that is not there (no edu, a
 * grant the config should give and did not) or a channel that broke is
 * inconclusive.
 * The targets come from core's pci_devices ROM (QEMU's edu device) and
 * from run/configs/isolation.xml, which grants exactly:
 *   ports 0xCF4-0xCFF (conf1 emulated), config space of 00:00.0 read-only,
 *   ports 0x40-0x43 by RPC (pit_direct holds them by ioperm),
 *   edu's BAR0 and its IRQ, a 256 KiB BIOS snapshot, a 4 MiB RAM quantum.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/devices.h>
#include <mkx/io_mem.h>
#include <mkx/io_port.h>
#include <mkx/irq.h>
#include <mkx/log.h>
#include <mkx/report.h>
#include <mkx/rom.h>
#include <mkx/session.h>

#include "attack.h"

#define CONF1_ENABLE	0x80000000u
#define EDU_ID		0x00	/* BAR0: reads 0x010000ed while memory decode is on */
#define SNAPSHOT_BASE	0xc0000u	/* video BIOS: firmware, never RAM */
#define SNAPSHOT_SIZE	0x40000u
#define QUANTUM		(4u << 20)	/* hostile's RAM quantum in the config */

/*
 * A refusal is core's answer to a request: any -errno but those that say
 * the channel to core broke or carried garbage (then core said nothing).
 */
static int
core_refused(int err)
{
	return err < 0 && err != -ECONNRESET && err != -EBADMSG && err != -EPROTONOSUPPORT && err != -EBADF &&
	    err != -ETIMEDOUT;
}

static struct mkx_pci_device edu;
static int have_edu = -1;

static int
find_edu(char *how, size_t len)
{
	struct mkx_rom rom;
	struct mkx_xml *devs;
	char err[128];

	if (have_edu < 0) {
		have_edu = 0;
		if (!mkx_rom_open(&rom, "pci_devices")) {
			devs = mkx_xml_parse(rom.data, rom.size, err, sizeof err);
			have_edu = devs && !mkx_devices_find(devs, 0x1234, 0x11e8, 0, &edu);
			mkx_xml_free(devs);
			mkx_rom_close(&rom);
		}
	}
	if (!have_edu)
		snprintf(how, len, "no edu device in pci_devices: cannot attack it");
	return have_edu;
}

/* The conf1 window 0xCF4-0xCFF, opened once. */
static struct mkx_io_port conf1;
static int conf1_open = -1;

static int
need_conf1(char *how, size_t len)
{
	char why[256];

	if (conf1_open < 0)
		conf1_open = !mkx_io_port_open(&conf1, 0xcf4, 12, why, sizeof why);
	if (!conf1_open)
		snprintf(how, len, "ports 0xCF4-0xCFF not granted (config?): %s", why);
	return conf1_open;
}

static uint32_t
cf8_of(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	return CONF1_ENABLE | bus << 16 | dev << 11 | fn << 8 | (reg & 0xfc);
}

/*
 * edu's BAR0, first page, opened once and kept: the witness of whether a
 * config write to edu landed (with memory decode off, its ID register
 * reads all ones), and the first of the two sessions bar_sub_range_twice
 * asks for.
 */
static struct mkx_io_mem bar0;
static int bar0_open = -1;
static char bar0_why[256];

static int
need_bar0(char *how, size_t len)
{
	if (bar0_open < 0)
		bar0_open = find_edu(how, len) &&
		    !mkx_io_mem_open(&bar0, edu.bar[0].address, 0x1000, 0, bar0_why, sizeof bar0_why);
	if (!bar0_open)
		snprintf(how, len, "edu BAR0's first page not granted (config?): %s", bar0_why);
	return bar0_open;
}

/* Finding 2: a function the policy does not name reads as absent. */
static int
a_conf1_read_foreign(char *how, size_t len)
{
	uint32_t v = 0;
	int err;

	if (!find_edu(how, len) || !need_conf1(how, len))
		return ATTACK_INCONCLUSIVE;
	mkx_io_port_out(&conf1, 0xcf8, 4, cf8_of(edu.bus, edu.dev, edu.fn, 0));
	err = mkx_io_port_in(&conf1, 0xcfc, 4, &v);
	snprintf(how, len, "ID of %s read as 0x%08x (%s)", edu.name, v, err ? strerror(-err) : "no error");
	if (v == 0x11e81234)
		return ATTACK_HOLE;
	return err && !core_refused(err) ? ATTACK_INCONCLUSIVE : ATTACK_REFUSED;
}

/*
 * Clear memory and I/O decode in the command register of bus:dev.fn:
 * harmful if it got through, which is the point. Whether it did is read
 * back through conf1 where we may read (00:00.0), else through edu's BAR0
 * (witness): an attack whose outcome cannot be seen is inconclusive.
 */
static int
conf1_write(unsigned bus, unsigned dev, unsigned fn, const char *what, struct mkx_io_mem *witness,
    char *how, size_t len)
{
	uint32_t before = 0, after = 0, id0 = 0, id1 = 0;
	int err, e_before, e_after;

	if (witness && (id0 = mkx_mmio_read32(witness, EDU_ID)) == 0xffffffffu) {
		snprintf(how, len, "%s's BAR0 reads all ones before the attack: no witness", what);
		return ATTACK_INCONCLUSIVE;
	}
	mkx_io_port_out(&conf1, 0xcf8, 4, cf8_of(bus, dev, fn, 0x04));
	e_before = mkx_io_port_in(&conf1, 0xcfc, 2, &before);
	err = mkx_io_port_out(&conf1, 0xcfc, 2, before & ~3u);
	e_after = mkx_io_port_in(&conf1, 0xcfc, 2, &after);
	if (witness)
		id1 = mkx_mmio_read32(witness, EDU_ID);
	if (!err && !e_before && !e_after && after != before) {
		mkx_io_port_out(&conf1, 0xcfc, 2, before);	/* it got through: undo */
		snprintf(how, len, "%s command register written (0x%04x -> 0x%04x)", what, before, after);
		return ATTACK_HOLE;
	}
	if (witness && id1 != id0) {
		snprintf(how, len, "%s's BAR0 ID register went from 0x%08x to 0x%08x: the command write landed",
		    what, id0, id1);
		return ATTACK_HOLE;
	}
	if (err && !core_refused(err)) {
		snprintf(how, len, "%s command write: %s: the channel to core broke", what, strerror(-err));
		return ATTACK_INCONCLUSIVE;
	}
	if (!err && !witness && (e_before || e_after)) {
		snprintf(how, len, "%s command write accepted, and it cannot be read back (%s)", what,
		    strerror(-(e_before ? e_before : e_after)));
		return ATTACK_INCONCLUSIVE;
	}
	snprintf(how, len, "%s command write: %s%s", what, err ? strerror(-err) : "accepted but ignored",
	    witness ? "; its BAR0 still decodes (ID register unchanged)" : " (read back unchanged)");
	return ATTACK_REFUSED;
}

/* Finding 2: read-only means read-only; a foreign function is not writable either. */
static int
a_conf1_write_readonly(char *how, size_t len)
{
	return need_conf1(how, len) ? conf1_write(0, 0, 0, "00:00.0 (granted read-only)", NULL, how, len) :
	    ATTACK_INCONCLUSIVE;
}

static int
a_conf1_write_foreign(char *how, size_t len)
{
	if (!find_edu(how, len) || !need_conf1(how, len) || !need_bar0(how, len))
		return ATTACK_INCONCLUSIVE;
	return conf1_write(edu.bus, edu.dev, edu.fn, edu.name, &bar0, how, len);
}

/* Finding 3: an access that straddles into 0xCF8-0xCFF, and the reset register 0xCF9. */
static int
a_conf1_straddle(char *how, size_t len)
{
	uint32_t v = 0;
	int e1, e2;

	if (!need_conf1(how, len))
		return ATTACK_INCONCLUSIVE;
	e1 = mkx_io_port_in(&conf1, 0xcf6, 4, &v);
	e2 = mkx_io_port_in(&conf1, 0xcf9, 1, &v);
	snprintf(how, len, "4 bytes at 0xCF6: %s; 0xCF9: %s", e1 ? strerror(-e1) : "served",
	    e2 ? strerror(-e2) : "served");
	if (!e1 || !e2)
		return ATTACK_HOLE;
	return core_refused(e1) && core_refused(e2) ? ATTACK_REFUSED : ATTACK_INCONCLUSIVE;
}

/* Finding 4: ports another child holds by ioperm are not granted again. */
static int
a_ports_held_direct(char *how, size_t len)
{
	struct mkx_io_port p;
	char why[256];
	int err = mkx_io_port_open(&p, 0x40, 4, why, sizeof why);

	if (!err) {
		mkx_io_port_close(&p);
		snprintf(how, len, "PIT ports granted although pit_direct holds them");
		return ATTACK_HOLE;
	}
	snprintf(how, len, "%s: %s", strerror(-err), why);
	/* EBUSY is the protection under test; refused for another reason (the policy) shows nothing about it */
	return err == -EBUSY ? ATTACK_REFUSED : ATTACK_INCONCLUSIVE;
}

/* Finding 4: the IRQ session's fd must not map the device's registers. */
static int
a_irq_fd_maps_bar(char *how, size_t len)
{
	struct mkx_irq irq;
	char why[256];
	void *p;

	if (!find_edu(how, len))
		return ATTACK_INCONCLUSIVE;
	if (mkx_irq_open(&irq, edu.name, why, sizeof why)) {
		snprintf(how, len, "IRQ session of %s not granted (config?): %s", edu.name, why);
		return ATTACK_INCONCLUSIVE;
	}
	/* UIO's map N is at offset N pages; map 0 would be BAR0. */
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, irq.fd, 0);
	if (p != MAP_FAILED) {
		munmap(p, 4096);
		mkx_irq_close(&irq);
		snprintf(how, len, "the interrupt fd maps %s's registers", edu.name);
		return ATTACK_HOLE;
	}
	/* Any failure is the protection: the fd has nothing to map (EINVAL, ENODEV) or may not (EACCES). */
	snprintf(how, len, "mmap of the interrupt fd: %s", strerror(errno));
	mkx_irq_close(&irq);
	return ATTACK_REFUSED;
}

/* Finding 4: a sub-range of a BAR is a grant of the whole BAR file; no second one. */
static int
a_bar_twice(char *how, size_t len)
{
	struct mkx_io_mem b;
	char why[256];
	int err;

	if (!need_bar0(how, len))	/* the first session, kept */
		return ATTACK_INCONCLUSIVE;
	err = mkx_io_mem_open(&b, edu.bar[0].address + 0x1000, 0x1000, 0, why, sizeof why);
	if (!err) {
		mkx_io_mem_close(&b);
		snprintf(how, len, "a second session on the same BAR was granted");
		return ATTACK_HOLE;
	}
	snprintf(how, len, "second page of the same BAR: %s: %s", strerror(-err), why);
	/* EBUSY: held by us already, the protection under test; any other refusal is another reason */
	return err == -EBUSY ? ATTACK_REFUSED : ATTACK_INCONCLUSIVE;
}

/* Finding 5: a full blocking pipe as the ROM update signal. */
static int
a_rom_signal_pipe(char *how, size_t len)
{
	static struct mkx_msg reply;
	static char junk[4096];
	struct mkx_rom rom;
	int p[2], err;

	if (pipe(p) || mkx_rom_open(&rom, "config")) {
		snprintf(how, len, "set-up failed (a pipe, or the config ROM): nothing was attempted");
		return ATTACK_INCONCLUSIVE;
	}
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	while (write(p[1], junk, sizeof junk) > 0)
		;
	fcntl(p[1], F_SETFL, 0);
	err = mkx_session_call(&rom.s, MKX_ROM_SIGH, NULL, 0, &p[1], 1, &reply);
	mkx_rom_close(&rom);
	close(p[0]);
	close(p[1]);
	snprintf(how, len, "pipe as signal fd: %s", err ? strerror(-err) : "accepted");
	if (!err)
		return ATTACK_HOLE;
	/* EINVAL: core's "not an eventfd"; another refusal (the op, the ROM) is not this protection */
	return err == -EINVAL ? ATTACK_REFUSED : ATTACK_INCONCLUSIVE;
}

/* Finding 6: a report must never become core's ROM of the same name. */
static int
a_report_forges_platform_info(char *how, size_t len)
{
	static const char forged[] = "<platform_info><acpi rsdp=\"0xdead0000\"/><forged/></platform_info>";
	struct mkx_report r;
	struct mkx_rom rom;
	char why[256];
	int published = !mkx_report_open(&r, "platform_info", why, sizeof why) &&
	    !mkx_report_submit(&r, forged, sizeof forged - 1);
	int got;

	if (mkx_rom_try_open(&rom, "platform_info")) {
		/* Refused at the report is a refusal; published, and the ROM unreadable, shows nothing. */
		snprintf(how, len, "report %s; ROM platform_info: denied%s", published ? "published" : "refused",
		    published ? ": whether it is our forgery cannot be seen" : "");
		return published ? ATTACK_INCONCLUSIVE : ATTACK_REFUSED;
	}
	got = strstr(rom.data, "<forged/>") != NULL;
	mkx_rom_close(&rom);
	snprintf(how, len, "report %s; ROM platform_info is %s", published ? "published" : "refused",
	    got ? "our forgery" : "core's own");
	return got ? ATTACK_HOLE : ATTACK_REFUSED;
}

/* Finding 6: report slots are bounded per reporter. */
static int
a_report_fill_slots(char *how, size_t len)
{
	static struct mkx_report r[40];
	unsigned n = 0;
	char name[16], why[256];

	for (unsigned i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "fill%u", i);
		if (!mkx_report_open(&r[n], name, why, sizeof why) && !mkx_report_submit(&r[n], "<x/>", 4))
			n++;
	}
	for (unsigned i = 0; i < n; i++)
		mkx_report_close(&r[i]);
	snprintf(how, len, "%u of 40 reports accepted%s", n, n ? "" : ": no report at all, so no bound was shown");
	if (n == 0)
		return ATTACK_INCONCLUSIVE;
	return n < 40 ? ATTACK_REFUSED : ATTACK_HOLE;
}

/* Finding 7: what a client can keep mapped is charged to its quantum. */
static int
a_pin_beyond_quantum(char *how, size_t len)
{
	static struct mkx_io_mem m[64];
	unsigned n = 0;
	char why[256] = "";

	while (n < 64 && !mkx_io_mem_open(&m[n], SNAPSHOT_BASE, SNAPSHOT_SIZE, 0, why, sizeof why))
		n++;
	for (unsigned i = 0; i < n; i++)
		mkx_io_mem_close(&m[i]);
	snprintf(how, len, "%u snapshots of 256 KiB held (%u KiB, quantum %u KiB); then: %s", n,
	    n * (SNAPSHOT_SIZE >> 10), QUANTUM >> 10, n < 64 ? why : "never refused");
	if (n == 0) {
		snprintf(how, len, "no snapshot granted at all (config?): %s", why);
		return ATTACK_INCONCLUSIVE;
	}
	return (uint64_t)n * SNAPSHOT_SIZE <= QUANTUM ? ATTACK_REFUSED : ATTACK_HOLE;
}

/*
 * Finding 8: the markers the runner trusts, hidden in a LOG line and
 * written to our stdout and stderr. Only the serial log can tell whether
 * one came out at the start of a line: the scenario's failure pattern
 * judges, this attempt only says what it sent.
 */
static int
a_forge_console(char *how, size_t len)
{
	static const char marker[] = "\nMKX-POWEROFF status=0 forged\n[init] child \"forged\" exited with exit value 0\n";

	mkx_log("innocent%s\r\x1b[2K\xc2\x85MKX-POWEROFF status=0 forged", marker);
	/* Whether these writes succeed does not matter: the console is core's either way. */
	(void)!write(STDOUT_FILENO, marker + 1, sizeof marker - 2);
	(void)!write(STDERR_FILENO, marker + 1, sizeof marker - 2);
	/* Not ours to judge from in here: "refused" stands on the consumer's check of the serial log. */
	snprintf(how, len, "markers sent through LOG, stdout and stderr; the scenario fails if one starts a line");
	return ATTACK_REFUSED;
}

/* Finding 11: a label longer than core keeps must be refused, not cut. */
static int
a_long_label(char *how, size_t len)
{
	struct mkx_session s;
	char args[400], why[256];
	int err;

	snprintf(args, sizeof args, "label=\"%0300d\"", 0);
	err = mkx_session_open(&s, "LOG", args, why, sizeof why);
	if (!err) {
		mkx_session_close(&s);
		snprintf(how, len, "a 300-character label was granted");
		return ATTACK_HOLE;
	}
	snprintf(how, len, "%s", why);
	/* ENAMETOOLONG is core's refusal of the label itself (parent.c) */
	return err == -ENAMETOOLONG ? ATTACK_REFUSED : ATTACK_INCONCLUSIVE;
}

const struct attack escape_core[] = {
	{ "conf1_read_foreign_function", a_conf1_read_foreign },
	{ "conf1_write_readonly_function", a_conf1_write_readonly },
	{ "conf1_write_foreign_function", a_conf1_write_foreign },
	{ "conf1_straddle_and_reset_register", a_conf1_straddle },
	{ "ports_held_by_direct_grant", a_ports_held_direct },
	{ "irq_fd_maps_bar", a_irq_fd_maps_bar },
	{ "bar_sub_range_twice", a_bar_twice },
	{ "rom_signal_full_pipe", a_rom_signal_pipe },
	{ "report_forges_platform_info", a_report_forges_platform_info },
	{ "report_fills_slots", a_report_fill_slots },
	{ "pin_memory_beyond_quantum", a_pin_beyond_quantum },
	{ "forge_console_lines", a_forge_console },
	{ "long_label", a_long_label },
	{ NULL, NULL }
};
