/*
 * Operation regions backed by core's sessions, for the acpi component:
 * SystemIO through IO_PORT sessions, SystemMemory through IO_MEM: first a
 * live session (core does each access, so a polled register changes;
 * granted only where a live="yes" policy names the range), else a page
 * snapshot (firmware areas; read-only: writes are refused), PCI_Config through the
 * conf1 pair 0xCF8/0xCFC (an IO_PORT session core emulates). Sessions are
 * opened on first use and kept; what core's policy denies is refused
 * here, the evaluation fails with a clear message, and the denial is
 * logged once per range. Other address spaces are refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <mkx/io_mem.h>
#include <mkx/io_port.h>
#include <mkx/log.h>
#include "regions_session.h"

#define PORTS_MAX	16
#define PAGES_MAX	16
#define LIVES_MAX	8
#define NOT_LIVE_MAX	32

static struct {
	struct mkx_io_port	port[PORTS_MAX];
	unsigned		nport;
	unsigned		denied_port[PORTS_MAX];
	unsigned		ndenied_port;
	struct mkx_io_mem	page[PAGES_MAX];
	unsigned		npage;
	struct mkx_io_mem_live	live[LIVES_MAX];
	unsigned		nlive;
	uint64_t		not_live[NOT_LIVE_MAX];	/* addresses core would not serve live */
	unsigned		nnot_live;
	struct mkx_io_port	conf1;
	int			conf1_state;	/* 0 untried, 1 open, -1 denied */
	unsigned		ext_logged;	/* extended-register refusals (logged once) */
} rs;

static struct mkx_io_port *
port_session(unsigned port, unsigned bytes)
{
	char why[512];

	for (unsigned i = 0; i < rs.nport; i++)
		if (port >= rs.port[i].base && port + bytes <= rs.port[i].base + rs.port[i].size)
			return &rs.port[i];
	for (unsigned i = 0; i < rs.ndenied_port; i++)
		if (rs.denied_port[i] == port)
			return NULL;
	if (rs.nport == PORTS_MAX)
		return NULL;
	if (mkx_io_port_open(&rs.port[rs.nport], port, bytes, why, sizeof why)) {
		mkx_log("SystemIO 0x%x+%u for AML refused: %s", port, bytes, why);
		if (rs.ndenied_port < PORTS_MAX)
			rs.denied_port[rs.ndenied_port++] = port;
		return NULL;
	}
	return &rs.port[rs.nport++];
}

static struct mkx_io_mem *
page_session(uint64_t addr)
{
	uint64_t page = addr & ~0xfffull;
	char why[512];

	for (unsigned i = 0; i < rs.npage; i++)
		if (rs.page[i].base == page)
			return &rs.page[i];
	if (rs.npage == PAGES_MAX)
		return NULL;
	if (mkx_io_mem_open(&rs.page[rs.npage], page, 0x1000, 0, why, sizeof why)) {
		mkx_log("SystemMemory 0x%" PRIx64 " for AML refused: %s", page, why);
		return NULL;
	}
	return &rs.page[rs.npage++];
}

/*
 * The live session covering [addr, addr+bytes), opened on first use; NULL
 * where core has no live policy for it (then a snapshot serves, as for
 * firmware tables). Each address is asked about once.
 */
static struct mkx_io_mem_live *
live_session(uint64_t addr, unsigned bytes)
{
	char why[512];

	for (unsigned i = 0; i < rs.nlive; i++)
		if (addr >= rs.live[i].base && addr - rs.live[i].base + bytes <= rs.live[i].size)
			return &rs.live[i];
	for (unsigned i = 0; i < rs.nnot_live; i++)
		if (rs.not_live[i] == addr)
			return NULL;
	if (rs.nlive == LIVES_MAX || rs.nnot_live == NOT_LIVE_MAX)
		return NULL;
	if (mkx_io_mem_live_open(&rs.live[rs.nlive], addr, bytes, why, sizeof why)) {
		rs.not_live[rs.nnot_live++] = addr;
		return NULL;
	}
	mkx_log("SystemMemory 0x%" PRIx64 "-0x%" PRIx64 " for AML: live registers", rs.live[rs.nlive].base,
	    rs.live[rs.nlive].base + rs.live[rs.nlive].size - 1);
	return &rs.live[rs.nlive++];
}

static int
conf1(uint64_t addr, unsigned bytes)
{
	char why[512];

	if (rs.conf1_state == 0) {
		rs.conf1_state = mkx_io_port_open(&rs.conf1, 0xcf8, 8, why, sizeof why) ? -1 : 1;
		if (rs.conf1_state < 0)
			mkx_log("PCI_Config for AML refused (no conf1 session): %s", why);
	}
	if (rs.conf1_state < 0 || (addr & 3) + bytes > 4)
		return -EPERM;
	/*
	 * conf1 addresses 256 bytes per function; CF8 has no bits for the
	 * extended space (0x100-0xFFF), masking would alias the register into
	 * the standard header (a bridge's windows). Refused, not aliased.
	 */
	if ((addr & 0xffff) > 0xff) {
		if (!rs.ext_logged++)
			mkx_log("PCI_Config register 0x%x for AML refused: extended config space is "
			    "not reachable through conf1", (unsigned)(addr & 0xffff));
		return -ERANGE;
	}
	mkx_outl(&rs.conf1, 0xcf8, 0x80000000u | (uint32_t)(addr >> 16) << 8 | (uint32_t)(addr & 0xfc));
	return 0;
}

static int
rs_read(void *ctx, uint8_t space, uint64_t addr, unsigned width, uint64_t *v)
{
	unsigned bytes = width / 8;
	uint32_t x;

	(void)ctx;
	*v = 0;
	switch (space) {
	case 0: {
		struct mkx_io_mem_live *l = live_session(addr, bytes);
		struct mkx_io_mem *m;

		if (l)
			return mkx_io_mem_live_read(l, addr, bytes, v);
		if (!(m = page_session(addr)) || (addr & 0xfff) + bytes > 0x1000)
			return -EPERM;
		memcpy(v, (const uint8_t *)m->va + (addr & 0xfff), bytes);
		return 0;
	}
	case 1: {
		struct mkx_io_port *p;

		if (bytes > 4 || addr > 0xffff || !(p = port_session((unsigned)addr, bytes)))
			return -EPERM;
		if (mkx_io_port_in(p, (unsigned)addr, bytes, &x))
			return -EPERM;
		*v = x;
		return 0;
	}
	case 2:
		if (conf1(addr, bytes))
			return -EPERM;
		if (mkx_io_port_in(&rs.conf1, 0xcfc + (unsigned)(addr & 3), bytes, &x))
			return -EPERM;
		*v = x;
		return 0;
	default:
		return -ENOTSUP;
	}
}

static int
rs_write(void *ctx, uint8_t space, uint64_t addr, unsigned width, uint64_t v)
{
	unsigned bytes = width / 8;

	(void)ctx;
	switch (space) {
	case 0: {
		struct mkx_io_mem_live *l = live_session(addr, bytes);
		struct mkx_io_mem *m;

		if (l)
			return mkx_io_mem_live_write(l, addr, bytes, v);
		if (!(m = page_session(addr)) || (m->ds.flags & MKX_IO_MEM_READONLY) || (addr & 0xfff) + bytes > 0x1000)
			return -EPERM;
		memcpy((uint8_t *)m->va + (addr & 0xfff), &v, bytes);
		return 0;
	}
	case 1: {
		struct mkx_io_port *p;

		if (bytes > 4 || addr > 0xffff || !(p = port_session((unsigned)addr, bytes)))
			return -EPERM;
		return mkx_io_port_out(p, (unsigned)addr, bytes, (uint32_t)v) ? -EPERM : 0;
	}
	case 2:
		if (conf1(addr, bytes))
			return -EPERM;
		return mkx_io_port_out(&rs.conf1, 0xcfc + (unsigned)(addr & 3), bytes, (uint32_t)v) ? -EPERM : 0;
	default:
		return -ENOTSUP;
	}
}

const struct aml_region_ops aml_region_sessions = {
	.name = "core's sessions (IO_PORT, IO_MEM, conf1)", .read = rs_read, .write = rs_write,
};
