/*
 * Attacks on core's conf1 config requests (mkx/io_port_cfg.h, issue 23) on
 * the sim backends, as a hostile holder of the conf1 pair would send them
 * (raw requests, not libmkx's checked wrappers): ranges past the header
 * space or wrapping, huge counts, a bus scan where the policy names no
 * function, flags that mean something else on the other op, a probe on a
 * BAR of a function another client holds, and writes to the command and
 * MSI registers of a function whose IRQ another client holds. Each check
 * asserts the refusal AND that the register did not change.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include <mkx/io_port.h>
#include <mkx/io_port_cfg.h>
#include "../../core-services/core.h"

#include "harness.h"

static struct core_config cfg;
static char err[1024];
static struct child attacker = { .ram_left = 1 << 20 }, victim = { .ram_left = 1 << 20 };

static void
setup(void)
{
	static const char xml[] =
	    "<config>\n"
	    "<irq backend=\"sim\"> <policy label=\"nic\" pci=\"00:02.0\"/> </irq>\n"
	    "<io_mem backend=\"sim\"> <policy label=\"fb\" pci=\"00:01.0\"/> </io_mem>\n"
	    "<io_port backend=\"sim\"> <policy label_prefix=\"\" base=\"0xcf8\" size=\"8\"/> </io_port>\n"
	    "<pci_config>\n"
	    "<policy label=\"platform\" pci=\"all\" access=\"write\"/>\n"
	    "<policy label=\"bus1\" pci=\"01:00.0\" access=\"write\"/>\n"
	    "</pci_config><start name=\"a\"><binary name=\"true\"/></start></config>";

	core_cfg = &cfg;
	CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), 0);
	CHECK_INT(io_mem_select(&cfg), 0);
	CHECK_INT(io_port_select(&cfg), 0);
}

static void *
conf1_session(const char *label)
{
	char why[512];
	void *st = NULL;

	CHECK_INT(service_io_port.open(&attacker, label, "io_port_base=0xcf8, io_port_size=8", &st, why,
	    sizeof why), 0);
	return st;
}

/* A raw request as a hostile client would put it on the wire; the reply into out (if it fits). */
static int
raw(void *st, uint16_t op, struct mkx_io_port_cfg_req rq, void *out, size_t outlen)
{
	static struct mkx_msg m;
	static struct mkx_reply r;
	int rc;

	memset(&m, 0, sizeof m);
	memset(&r, 0, sizeof r);
	m.hdr.op = op;
	m.hdr.len = sizeof rq;
	memcpy(m.payload, &rq, sizeof rq);
	rc = service_io_port.call(st, &m, &r);
	if (!rc && out) {
		if (r.len != outlen)
			return -EBADMSG;
		memcpy(out, r.payload, outlen);
	}
	return rc;
}

static uint32_t
reg(void *st, unsigned bdf, unsigned off)
{
	uint32_t v = 0;

	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = (uint16_t)bdf,
	    .off = (uint16_t)off, .len = 4 }, &v, 4), 0);
	return v;
}

TEST(conf1_attack_ranges_past_the_header_space_refused)
{
	static uint8_t big[4096];
	void *st;

	setup();
	st = conf1_session("platform");
	/* Reads crossing into the next function's space, huge, wrapping, empty. */
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = 0x10, .off = 0xf0, .len = 0x20 },
	    big, 0x20), -ERANGE);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = 0x10, .len = 0xfffc },
	    big, 0xfffc), -ERANGE);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = 0x10, .off = 0xfffc, .len = 8 },
	    big, 8), -ERANGE);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = 0x10, .off = 0x100, .len = 4 },
	    big, 4), -ERANGE);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = 0x10, .len = 0 }, big, 0),
	    -ERANGE);
	/* Writes past the end, unaligned, of odd widths: none may reach the next function's bytes. */
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x08, .off = 0xfe, .width = 4,
	    .value = 0xdeadbeef }, big, 4), -ERANGE);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x08, .off = 0x11, .width = 2,
	    .value = 0xdead }, big, 4), -ERANGE);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x08, .off = 0x10, .width = 8,
	    .value = 0 }, big, 4), -ERANGE);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x08, .off = 0xfffc, .width = 4,
	    .value = 0 }, big, 4), -ERANGE);
	CHECK_INT(reg(st, 0x08, 0x10), 0xfd000008u);
	CHECK_INT(reg(st, 0x10, 0x00), 0x10d38086);
	service_io_port.close(st);
}

TEST(conf1_attack_scan_huge_counts_and_other_flags_refused)
{
	static uint8_t big[4096];
	uint32_t v = 0;
	void *st;

	setup();
	st = conf1_session("platform");
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = 0, .len = 0xfffc,
	    .flags = MKX_IO_PORT_CFG_EACH_DEVICE }, big, 0xfffc), -ERANGE);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = 31 << 3, .len = 8,
	    .flags = MKX_IO_PORT_CFG_EACH_DEVICE }, big, 8), -ERANGE);	/* device 31 and a 33rd */
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = 0, .len = 6,
	    .flags = MKX_IO_PORT_CFG_EACH_DEVICE }, big, 6), -ERANGE);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = 0, .off = 0x100, .len = 4,
	    .flags = MKX_IO_PORT_CFG_EACH_DEVICE }, big, 4), -ERANGE);
	/* Both flags on a read, the scan flag on a write (it would be a write to 32 devices). */
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = 0, .len = 4,
	    .flags = MKX_IO_PORT_CFG_EACH_DEVICE | MKX_IO_PORT_CFG_PROBE }, big, 4), -ERANGE);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x08, .off = 0x04, .width = 2,
	    .flags = MKX_IO_PORT_CFG_EACH_DEVICE, .value = 0x7 }, &v, 4), -ERANGE);
	CHECK_INT(reg(st, 0x08, 0x04), 0);
	/* A wrong-sized request is refused, not read past its end. */
	{
		static struct mkx_msg m;
		static struct mkx_reply r;

		memset(&m, 0, sizeof m);
		m.hdr.op = MKX_IO_PORT_CFG_READ;
		m.hdr.len = 4;
		CHECK_INT(service_io_port.call(st, &m, &r), -ERANGE);
	}
	service_io_port.close(st);
}

TEST(conf1_attack_bus_the_policy_does_not_name_reads_nothing_and_takes_no_probe)
{
	uint32_t ids[32], hdr[64];
	void *st;

	setup();
	st = conf1_session("bus1");	/* names 01:00.0 only; bus 0 has three functions */
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = 0, .len = 128,
	    .flags = MKX_IO_PORT_CFG_EACH_DEVICE }, ids, 128), 0);
	for (unsigned i = 0; i < 32; i++)
		CHECK_INT(ids[i], 0xffffffffu);
	/* Function bits in the scan's bdf do not widen it either. */
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = 0x17, .len = 4,
	    .flags = MKX_IO_PORT_CFG_EACH_DEVICE }, ids, 4), 0);
	CHECK_INT(ids[0], 0xffffffffu);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = 0x08, .len = 256 }, hdr, 256), 0);
	for (unsigned i = 0; i < 64; i++)
		CHECK_INT(hdr[i], 0xffffffffu);
	/* A probe (and a plain write) on a BAR of a function the policy does not name. */
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x08, .off = 0x10, .width = 4,
	    .flags = MKX_IO_PORT_CFG_PROBE, .value = 0xffffffffu, .restore = 0xfd000008u }, ids, 4), -EPERM);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x08, .off = 0x10, .width = 4,
	    .value = 0xe0000008u }, ids, 4), -EPERM);
	service_io_port.close(st);
	/* The same scan for a policy naming all sees them: the all-ones above are the policy's. */
	st = conf1_session("platform");
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_READ, (struct mkx_io_port_cfg_req){ .bdf = 0, .len = 12,
	    .flags = MKX_IO_PORT_CFG_EACH_DEVICE }, ids, 12), 0);
	CHECK_INT(ids[2], 0x10d38086);
	CHECK_INT(reg(st, 0x08, 0x10), 0xfd000008u);		/* the refused probe left the BAR alone */
	service_io_port.close(st);
}

TEST(conf1_attack_probe_on_a_bar_another_client_holds_refused)
{
	char why[512];
	uint32_t back = 0;
	void *st, *bar;

	setup();
	CHECK_INT(service_io_mem.open(&victim, "fb", "base=0xfebf0000, size=0x1000", &bar, why, sizeof why), 0);
	st = conf1_session("platform");
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x08, .off = 0x18, .width = 4,
	    .flags = MKX_IO_PORT_CFG_PROBE, .value = 0xffffffffu, .restore = 0xfebf0000u }, &back, 4), -EPERM);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x08, .off = 0x10, .width = 4,
	    .value = 0xe0000008u }, &back, 4), -EPERM);		/* another BAR of the same function */
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x08, .off = 0x04, .width = 2,
	    .value = 0 }, &back, 4), -EPERM);			/* memory decode off under the holder */
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x08, .off = 0x1a, .width = 1,
	    .value = 0 }, &back, 4), -EPERM);			/* one byte of the held BAR */
	CHECK_INT(reg(st, 0x08, 0x18), 0xfebf0000u);
	CHECK_INT(reg(st, 0x08, 0x10), 0xfd000008u);
	service_io_mem.close(bar);
	/* Released: the same probe goes through (the refusal above was the holder's). */
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x08, .off = 0x18, .width = 4,
	    .flags = MKX_IO_PORT_CFG_PROBE, .value = 0xffffffffu, .restore = 0xfebf0000u }, &back, 4), 0);
	service_io_port.close(st);
}

TEST(conf1_attack_command_and_msi_writes_under_another_irq_holder_refused)
{
	char why[512];
	uint32_t back = 0, cmd;
	void *st, *irq = NULL;

	setup();
	st = conf1_session("platform");
	cmd = reg(st, 0x10, 0x04);
	CHECK_INT(service_irq.open(&victim, "nic", "pci=\"00:02.0\"", &irq, why, sizeof why), 0);
	/* INTx disable, bus master off, a write where an MSI capability's address would be, and a probe. */
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x10, .off = 0x04, .width = 2,
	    .value = 0x400 }, &back, 4), -EPERM);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x10, .off = 0x04, .width = 1,
	    .value = 0 }, &back, 4), -EPERM);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x10, .off = 0x54, .width = 4,
	    .value = 0xfee01000u }, &back, 4), -EPERM);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x10, .off = 0x18, .width = 4,
	    .flags = MKX_IO_PORT_CFG_PROBE, .value = 0xffffffffu, .restore = 0xc001u }, &back, 4), -EPERM);
	CHECK_INT(reg(st, 0x10, 0x04), cmd);
	CHECK_INT(reg(st, 0x10, 0x54), 0);
	CHECK_INT(reg(st, 0x10, 0x18), 0xc001u);
	service_irq.close(irq);
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x10, .off = 0x04, .width = 2,
	    .value = 0x400 }, &back, 4), 0);
	service_io_port.close(st);
}

/* A plain config write of one register; the reply (the dword read back) is dropped. */
static int
wr(void *st, unsigned bdf, unsigned off, unsigned width, uint32_t v)
{
	uint32_t back;

	return raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = (uint16_t)bdf, .off = (uint16_t)off,
	    .width = (uint8_t)width, .value = v }, &back, 4);
}

/*
 * The holder checks look at the function written; a BAR of ANOTHER
 * function (00:02.0, nobody holds it) moved onto the range "fb" holds
 * would make the device answer the holder's accesses (the hole an attack
 * probe found): refused, and so is the upper half of a 64-bit BAR that
 * would bring it there.
 */
TEST(conf1_attack_other_function_bar_onto_a_held_range)
{
	char why[512];
	uint32_t back = 0;
	void *st, *bar;

	setup();
	CHECK_INT(service_io_mem.open(&victim, "fb", "base=0xfebf0000, size=0x1000", &bar, why, sizeof why), 0);
	st = conf1_session("platform");
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x10, .off = 0x10,
	    .width = 4, .value = 0xfebf0000u }, &back, 4), -EPERM);
	CHECK_INT(wr(st, 0x10, 0x10, 4, 0xfebf0800u), -EPERM);		/* inside the held page */
	CHECK_INT(wr(st, 0x10, 0x12, 2, 0xfebfu), -EPERM);		/* the upper half alone */
	CHECK_INT(reg(st, 0x10, 0x10), 0);
	/* A 64-bit BAR (type bits 10 in the sim's latch): the lower dword combines with the upper one. */
	CHECK_INT(wr(st, 0x10, 0x10, 4, 4), 0);
	CHECK_INT(wr(st, 0x10, 0x14, 4, 1), 0);
	CHECK_INT(wr(st, 0x10, 0x10, 4, 0xfebf0004u), 0);		/* 0x1_febf0000: nobody's */
	CHECK_INT(wr(st, 0x10, 0x14, 4, 0), -EPERM);			/* would make it 0xfebf0000 */
	CHECK_INT(reg(st, 0x10, 0x14), 1);
	CHECK_INT(wr(st, 0x10, 0x10, 4, 0), 0);
	CHECK_INT(wr(st, 0x10, 0x14, 4, 0), 0);
	service_io_mem.close(bar);
	/* Released: the same write goes through (the refusal was the holder's). */
	CHECK_INT(wr(st, 0x10, 0x10, 4, 0xfebf0000u), 0);
	CHECK_INT(wr(st, 0x10, 0x10, 4, 0), 0);
	service_io_port.close(st);
}

/* What the platform driver's enumeration does must stay allowed while "fb" holds its BAR. */
TEST(conf1_attack_sizing_probe_and_current_value_still_allowed)
{
	char why[512];
	uint32_t back = 0;
	void *st, *bar;

	setup();
	st = conf1_session("platform");
	CHECK_INT(wr(st, 0x10, 0x10, 4, 0xfebf0000u), 0);		/* nobody holds it yet */
	CHECK_INT(service_io_mem.open(&victim, "fb", "base=0xfebf0000, size=0x1000", &bar, why, sizeof why), 0);
	CHECK_INT(wr(st, 0x10, 0x10, 4, 0xfebf0000u), 0);		/* its current value again */
	CHECK_INT(wr(st, 0x10, 0x10, 4, 0xe0000000u), 0);		/* away from the held range */
	CHECK_INT(raw(st, MKX_IO_PORT_CFG_WRITE, (struct mkx_io_port_cfg_req){ .bdf = 0x10, .off = 0x10, .width = 4,
	    .flags = MKX_IO_PORT_CFG_PROBE, .value = 0xffffffffu, .restore = 0xe0000000u }, &back, 4), 0);
	CHECK_INT(back, 0xffffffffu);
	CHECK_INT(reg(st, 0x10, 0x10), 0xe0000000u);
	CHECK_INT(wr(st, 0x10, 0x10, 4, 0xffffffffu), 0);		/* the probe by two plain writes */
	CHECK_INT(wr(st, 0x10, 0x10, 4, 0xe0000000u), 0);
	CHECK_INT(wr(st, 0x10, 0x10, 4, 0), 0);
	service_io_mem.close(bar);
	service_io_port.close(st);
}

/*
 * A bridge routes the memory of the buses below it. The sim has no
 * bridge: 00:00.0's header type is made 1 (its latch takes the write),
 * so bus 0, where "fb" holds 00:01.0's BAR, is below it.
 */
TEST(conf1_attack_bridge_buses_and_window_under_a_holder_refused)
{
	char why[512];
	void *st, *bar;

	setup();
	st = conf1_session("platform");
	CHECK_INT(wr(st, 0x00, 0x0e, 1, 1), 0);
	CHECK_INT(service_io_mem.open(&victim, "fb", "base=0xfebf0000, size=0x1000", &bar, why, sizeof why), 0);
	CHECK_INT(wr(st, 0x00, 0x18, 4, 0x00010100u), -EPERM);		/* secondary/subordinate bus 1 */
	CHECK_INT(wr(st, 0x00, 0x20, 4, 0xfec0fe00u), -EPERM);		/* memory window */
	CHECK_INT(wr(st, 0x00, 0x26, 2, 0xfff0u), -EPERM);		/* prefetchable limit */
	CHECK_INT(reg(st, 0x00, 0x18), 0);
	CHECK_INT(reg(st, 0x00, 0x20), 0);
	CHECK_INT(wr(st, 0x00, 0x20, 4, 0), 0);				/* the current value */
	service_io_mem.close(bar);
	CHECK_INT(wr(st, 0x00, 0x20, 4, 0xfec0fe00u), 0);
	CHECK_INT(wr(st, 0x00, 0x20, 4, 0), 0);
	CHECK_INT(wr(st, 0x00, 0x0e, 1, 0), 0);
	service_io_port.close(st);
}
