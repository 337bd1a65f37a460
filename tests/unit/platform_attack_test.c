/*
 * A hostile client of the ROM-fed platform driver (pci/platform_serve.c and
 * the session core pci/platform_session.c, compiled in here): it asks for
 * io_mem, io_port and irq outside its own device, for another session's
 * device and for devices its policy does not name, and sends malformed
 * requests. Each is refused before anything reaches core, and nothing
 * else is disturbed: the other session keeps its device, no IO_MEM
 * session is opened, the other device's config space sees no write. Config
 * space is a simulated one (the driver's config work at acquire and
 * release is checked on it too).
 *
 * And power: a released function with the PM capability goes to D3hot
 * after its reset, and the next owner's acquire brings it back to D0 with
 * its header written back (the simulated D3hot -> D0 resets the function,
 * clearing BARs and command, as No_Soft_Reset clear says).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "../../pci/platform_serve.c"
#include "../../pci/platform_session.c"
#include "../../pci/platform_dma.c"
#include "../../pci/conf1_port.c"
#include "harness.h"

/* Three functions on bus 0 (devices 3, 4, 5), 256 bytes each; writes counted per device. */
static uint8_t space[8][256];
static unsigned writes[8];
static int sticky_bus_master;	/* device 3's bus master bit will not clear (a broken device) */
static int stuck_in_d3;		/* device 5 does not leave D3hot (a broken device) */

static int
sim_read(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t *val)
{
	(void)ctx;
	if (a.bus || a.fn || a.dev >= 8 || off + width > 256)
		return -ENOENT;
	*val = 0;
	memcpy(val, &space[a.dev][off], width);
	return 0;
}

#define PMCSR	0x44	/* device 5's PM capability is at 0x40 */

static int
sim_write(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t val)
{
	unsigned was = space[a.dev][PMCSR] & 3;

	(void)ctx;
	if (a.bus || a.fn || a.dev >= 8 || off + width > 256)
		return -ENOENT;
	memcpy(&space[a.dev][off], &val, width);
	if (stuck_in_d3 && a.dev == 5 && was == 3)
		space[5][PMCSR] = (uint8_t)((space[5][PMCSR] & ~3u) | 3);
	if (sticky_bus_master && a.dev == 3)
		space[3][4] |= 0x4;
	writes[a.dev]++;
	/* D3hot -> D0 without No_Soft_Reset: the function resets (BARs and command cleared). */
	if (a.dev == 5 && off == PMCSR && was == 3 && !(val & 3) && !(val & 0x8)) {
		memset(&space[5][0x10], 0, 0x18);
		memset(&space[5][0x04], 0, 2);
	}
	return 0;
}

static unsigned
sim_space(void *ctx, struct pci_addr a)
{
	(void)ctx, (void)a;
	return 256;
}

static const struct pci_cfg_ops sim_ops = { "sim", sim_read, sim_write, sim_space };

static const char devices_xml[] =
    "<devices>\n"
    " <device name=\"00:03.0\" type=\"pci\">\n"
    "  <io_mem pci_bar=\"0\" address=\"0xfea00000\" size=\"0x100000\"/>\n"
    "  <irq number=\"20\"/>\n"
    "  <pci-config address=\"0xb0018000\" bus=\"0x0\" device=\"0x3\" function=\"0x0\" vendor_id=\"0x1234\""
    " device_id=\"0x11e8\" class=\"0xff00\" revision=\"0x10\" bridge=\"no\" sub_vendor_id=\"0x1af4\""
    " sub_device_id=\"0x1100\"/>\n"
    " </device>\n"
    " <device name=\"00:05.0\" type=\"pci\">\n"
    "  <io_mem pci_bar=\"0\" address=\"0xfeb00000\" size=\"0x20000\"/>\n"
    "  <io_port_range pci_bar=\"2\" address=\"0xc000\" size=\"0x20\"/>\n"
    "  <irq number=\"21\"/>\n"
    "  <pci-config address=\"0xb0028000\" bus=\"0x0\" device=\"0x5\" function=\"0x0\" vendor_id=\"0x8086\""
    " device_id=\"0x10d3\" class=\"0x20000\" revision=\"0x0\" bridge=\"no\" sub_vendor_id=\"0x8086\""
    " sub_device_id=\"0x0\"/>\n"
    " </device>\n"
    " <device name=\"ps2\">\n  <irq number=\"1\"/>\n  <io_port_range address=\"0x60\" size=\"1\"/>\n </device>\n"
    "</devices>\n";

/* a may use 00:03.0 and 00:05.0 (c holds the latter), c 00:05.0, ps2 the ps2 device. */
static const char config_xml[] =
    "<config>\n"
    " <policy label_prefix=\"a\"> <device name=\"00:03.0\"/> <device name=\"00:05.0\"/> </policy>\n"
    " <policy label_prefix=\"c\"> <device name=\"00:05.0\"/> </policy>\n"
    " <policy label_prefix=\"ps2\"> <device name=\"ps2\"/> </policy>\n"
    "</config>\n";

static struct mkx_msg req;
static struct mkx_reply rep;

static void
setup(void)
{
	char err[256];
	struct mkx_xml *x = mkx_xml_parse(devices_xml, sizeof devices_xml - 1, err, sizeof err);
	int n;

	CHECK(x);
	CHECK_INT(prom_read(x, &devs, err, sizeof err), 0);
	mkx_xml_free(x);
	CHECK((x = mkx_xml_parse(config_xml, sizeof config_xml - 1, err, sizeof err)));
	CHECK((n = pci_policies_read(x, policies, PCI_POLICIES_MAX, err, sizeof err)) == 3);
	npolicies = (unsigned)n;
	mkx_xml_free(x);
	/* IDs, header type 0, no capabilities; the firmware left decode on, bus master off. */
	for (unsigned d = 3; d <= 5; d += 2) {
		uint16_t id[2] = { d == 3 ? 0x1234 : 0x8086, d == 3 ? 0x11e8 : 0x10d3 }, cmd = 0x0003;

		memcpy(&space[d][0], id, 4);
		memcpy(&space[d][4], &cmd, 2);
	}
	/* 00:05.0: BAR0 as the ROM says, the PM capability (no FLR: a conventional function). */
	space[5][0x10 + 2] = 0xb0, space[5][0x10 + 3] = 0xfe;
	space[5][0x06] = 0x10, space[5][0x34] = 0x40, space[5][0x40] = 0x01, space[5][0x42] = 0x03;
	cfg = (struct pci_cfg){ &sim_ops, NULL };
}

/* One request as the server loop would pass it; the reply's text (a refusal's reason) in rep. */
static int
call(void *st, uint16_t op, const void *payload, size_t len)
{
	memset(&req, 0, sizeof req);
	memset(&rep, 0, sizeof rep);
	req.hdr.op = op;
	req.hdr.len = (uint32_t)len;
	memcpy(req.payload, payload, len);
	return p_call(NULL, st, &req, &rep);
}

static int
res(void *st, uint16_t op, const char *name, uint32_t index)
{
	struct mkx_platform_res q = { .index = index };

	snprintf(q.name, sizeof q.name, "%s", name);
	return call(st, op, &q, sizeof q);
}

static int
dma_alloc(void *st, const char *name)
{
	struct mkx_platform_dma q = { .size = 4096 };

	snprintf(q.name, sizeof q.name, "%s", name);
	return call(st, MKX_PLATFORM_DMA_ALLOC, &q, sizeof q);
}

static uint16_t
command(unsigned dev)
{
	uint16_t cmd;

	memcpy(&cmd, &space[dev][4], 2);
	return cmd;
}

static void *
open_as(const char *label)
{
	char why[256] = "";
	void *st = NULL;

	CHECK_INT(p_open(NULL, label, "ram_quota=8K", &st, why, sizeof why), 0);
	return st;
}

TEST(platform_refuses_a_hostile_client_and_disturbs_nothing)
{
	void *a, *c, *k, *st = NULL;
	char why[256] = "", longname[16];
	unsigned before;

	setup();
	a = open_as("a -> drv"), c = open_as("c -> drv"), k = open_as("ps2 -> drv");
	CHECK_INT(p_open(NULL, "x -> drv", "", &st, why, sizeof why), -EPERM);	/* no policy names it */
	CHECK_INT(call(a, MKX_PLATFORM_ACQUIRE, "00:03.0", 8), 0);
	CHECK_INT(call(c, MKX_PLATFORM_ACQUIRE, "00:05.0", 8), 0);
	CHECK(command(5) & 0x4);	/* the driver's acquire: bus master on */
	before = writes[5];

	/* Outside its own device: a second memory range, an I/O range it has none of, a second interrupt. */
	CHECK_INT(res(a, MKX_PLATFORM_IO_MEM, "00:03.0", 1), -ENOENT);
	CHECK_STR_HAS((char *)rep.payload, "has no memory resource 1");
	CHECK_INT(res(a, MKX_PLATFORM_IO_PORT, "00:03.0", 0), -ENOENT);
	CHECK_INT(res(a, MKX_PLATFORM_IRQ, "00:03.0", 1), -ENOENT);
	/* Another session's device: in a's policy, but c holds it. */
	CHECK_INT(res(a, MKX_PLATFORM_IO_MEM, "00:05.0", 0), -EPERM);
	CHECK_STR_HAS((char *)rep.payload, "not acquired by this session");
	CHECK_INT(res(a, MKX_PLATFORM_IO_PORT, "00:05.0", 0), -EPERM);
	CHECK_INT(res(a, MKX_PLATFORM_IRQ, "00:05.0", 0), -EPERM);
	CHECK_INT(dma_alloc(a, "00:05.0"), -EPERM);
	CHECK_INT(call(a, MKX_PLATFORM_ACQUIRE, "00:05.0", 8), -EBUSY);
	CHECK_STR_HAS((char *)rep.payload, "is held by \"c -> drv\"");
	CHECK_INT(call(a, MKX_PLATFORM_RELEASE, "00:05.0", 8), -EPERM);
	/* Devices its policy does not name, or that do not exist. */
	CHECK_INT(call(a, MKX_PLATFORM_ACQUIRE, "ps2", 4), -EPERM);
	CHECK_STR_HAS((char *)rep.payload, "is not in the policy of \"a -> drv\"");
	CHECK_INT(res(a, MKX_PLATFORM_IO_PORT, "ps2", 0), -EPERM);
	CHECK_INT(res(c, MKX_PLATFORM_IO_MEM, "00:03.0", 0), -EPERM);
	CHECK_INT(call(k, MKX_PLATFORM_ACQUIRE, "00:03.0", 8), -EPERM);
	CHECK_INT(call(a, MKX_PLATFORM_ACQUIRE, "00:04.0", 8), -EPERM);
	CHECK_STR_HAS((char *)rep.payload, "no such device");
	/* Malformed: a name without its NUL, a resource request of the wrong size. */
	memset(longname, 'A', sizeof longname);
	CHECK_INT(call(a, MKX_PLATFORM_ACQUIRE, longname, sizeof longname), -EINVAL);
	CHECK_INT(call(a, MKX_PLATFORM_IO_MEM, "00:03.0", 8), -EINVAL);

	/* Nothing else disturbed. */
	CHECK(held[1].owner == c && held[0].owner == a && !held[2].owner);
	CHECK_INT(space[5][PMCSR] & 3, 0);
	for (unsigned d = 0; d < devs.n; d++)
		for (unsigned m = 0; m < PROM_RES_MAX; m++)
			CHECK(!held[d].mem_open[m]);
	CHECK_INT(writes[5], before);
	CHECK(command(5) & 0x4);

	/* a's own release: quiesced (bus master and decode off, INTx disabled) in its config space. */
	CHECK_INT(call(a, MKX_PLATFORM_RELEASE, "00:03.0", 8), 0);
	CHECK_INT(command(3) & 0x0407, 0x0400);
	CHECK(held[1].owner == c);
}

static uint32_t
bar0(unsigned dev)
{
	uint32_t v;

	memcpy(&v, &space[dev][0x10], 4);
	return v;
}

TEST(platform_parks_a_released_function_in_d3hot_and_wakes_it_for_the_next)
{
	void *a;

	setup();
	a = open_as("a -> drv");
	CHECK_INT(call(a, MKX_PLATFORM_ACQUIRE, "00:05.0", 8), 0);
	CHECK_INT(command(5) & 0x6, 0x6);
	CHECK_INT(call(a, MKX_PLATFORM_RELEASE, "00:05.0", 8), 0);
	/* Reset (D3hot/D0: the header cleared and written back), then parked in D3hot. */
	CHECK_INT(space[5][PMCSR] & 3, 3);
	CHECK(bar0(5) == 0xfeb00000u);
	CHECK_INT(command(5) & 0x4, 0);
	/* The same component may have it again at once: back in D0, BAR0 restored, bus master on. */
	CHECK_INT(call(a, MKX_PLATFORM_ACQUIRE, "00:05.0", 8), 0);
	CHECK_INT(space[5][PMCSR] & 3, 0);
	CHECK(bar0(5) == 0xfeb00000u);
	CHECK_INT(command(5) & 0x6, 0x6);
	CHECK_INT(call(a, MKX_PLATFORM_RELEASE, "00:05.0", 8), 0);
	CHECK_INT(space[5][PMCSR] & 3, 3);
}

/*
 * A function whose bus master would not go off at release keeps core's
 * DMA session (its last owner's buffers stay allocated, the device may
 * still reach them): it must not be handed out again with that session,
 * not even to the same component (found by the attack probe of this stop).
 */
TEST(platform_refuses_a_function_whose_dma_session_was_kept)
{
	void *a, *a2;

	setup();
	sticky_bus_master = 1;
	a = open_as("a -> drv");
	CHECK_INT(call(a, MKX_PLATFORM_ACQUIRE, "00:03.0", 8), 0);
	held[0].dma.open = 1;	/* as after the driver's first DMA request (core's session of 00:03.0) */
	CHECK_INT(call(a, MKX_PLATFORM_RELEASE, "00:03.0", 8), 0);
	CHECK(command(3) & 0x4);
	CHECK(held[0].dma.open);	/* kept: core must not free buffers the device may still reach */
	a2 = open_as("a -> drv2");
	CHECK_INT(call(a2, MKX_PLATFORM_ACQUIRE, "00:03.0", 8), -EBUSY);
	CHECK_STR_HAS((char *)rep.payload, "bus master would not go off");
	CHECK(!held[0].owner);
	sticky_bus_master = 0;
	held[0].dma.open = 0;
}

/* A function that does not come back from D3hot is not handed out (its BARs may not decode). */
TEST(platform_refuses_a_function_that_stays_in_d3hot)
{
	void *a;

	setup();
	a = open_as("a -> drv");
	CHECK_INT(call(a, MKX_PLATFORM_ACQUIRE, "00:05.0", 8), 0);
	CHECK_INT(call(a, MKX_PLATFORM_RELEASE, "00:05.0", 8), 0);
	CHECK_INT(space[5][PMCSR] & 3, 3);
	stuck_in_d3 = 1;
	CHECK(call(a, MKX_PLATFORM_ACQUIRE, "00:05.0", 8) < 0);
	CHECK_STR_HAS((char *)rep.payload, "did not come back to D0");
	CHECK(!held[1].owner);
	CHECK_INT(command(5) & 0x4, 0);	/* not enabled */
	stuck_in_d3 = 0;
	CHECK_INT(call(a, MKX_PLATFORM_ACQUIRE, "00:05.0", 8), 0);	/* once it wakes, it is given */
	CHECK_INT(space[5][PMCSR] & 3, 0);
}
