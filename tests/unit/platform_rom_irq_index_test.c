/*
 * The ROM-fed platform driver's interrupt indices (pci/platform_serve.c
 * and the session core pci/platform_session.c, compiled in here), issue
 * 27: its devices ROM has one <irq> per PCI function (Genode's pci_decode
 * reports one), so index N beyond the ROM's is the function's MSI-X vector
 * N, one IRQ session at core per vector, as the pci component hands them
 * (platform_irq_index_test.c); beyond the MSI-X table, without MSI-X, or
 * asked as INTx: refused with a reason before core is asked. Config space
 * is simulated; core is a thread on the parent channel that records each
 * IRQ session's arguments and grants it (a socket pair's end).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mkx/rpc.h>
#include "../../pci/platform_serve.c"
#include "../../pci/platform_session.c"
#include "../../pci/platform_dma.c"
#include "../../pci/conf1_port.c"
#include "harness.h"

/* 00:04.0 MSI-X (3 entries), 00:05.0 a legacy line only. */
static uint8_t space[8][256];

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

static int
sim_write(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t val)
{
	(void)ctx;
	if (a.bus || a.fn || a.dev >= 8 || off + width > 256)
		return -ENOENT;
	memcpy(&space[a.dev][off], &val, width);
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
    " <device name=\"00:04.0\" type=\"pci\">\n"
    "  <irq type=\"msi-x\" number=\"1\"/>\n"
    "  <pci-config address=\"0xb0020000\" bus=\"0x0\" device=\"0x4\" function=\"0x0\" vendor_id=\"0x1b36\""
    " device_id=\"0x10\" class=\"0x10802\" revision=\"0x2\" bridge=\"no\" sub_vendor_id=\"0x1af4\""
    " sub_device_id=\"0x1100\"/>\n"
    " </device>\n"
    " <device name=\"00:05.0\" type=\"pci\">\n"
    "  <irq number=\"21\"/>\n"
    "  <pci-config address=\"0xb0028000\" bus=\"0x0\" device=\"0x5\" function=\"0x0\" vendor_id=\"0x1234\""
    " device_id=\"0x11e8\" class=\"0xff00\" revision=\"0x10\" bridge=\"no\" sub_vendor_id=\"0x1af4\""
    " sub_device_id=\"0x1100\"/>\n"
    " </device>\n"
    "</devices>\n";

static const char config_xml[] =
    "<config> <policy label_prefix=\"drv\"> <device name=\"00:04.0\"/> <device name=\"00:05.0\"/> </policy> </config>";

/* What the fake core saw: the IRQ sessions asked for, the last one's arguments. */
static volatile unsigned irq_asked;
static char irq_args[256];

static void *
fake_core(void *arg)
{
	int fd = *(int *)arg;
	struct mkx_msg m;

	while (!mkx_rpc_recv(fd, &m)) {
		const char *svc = (const char *)m.payload, *args = svc + strnlen(svc, m.hdr.len) + 1;
		int sp[2];

		mkx_msg_close_fds(&m);
		if (m.hdr.op != MKX_OP_SESSION_OPEN || strcmp(svc, "IRQ") || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp)) {
			mkx_rpc_send(fd, m.hdr.op, m.hdr.seq, -ENOSYS, "not served here", 16, NULL, 0);
			continue;
		}
		snprintf(irq_args, sizeof irq_args, "%s", args);
		irq_asked++;
		mkx_rpc_send(fd, m.hdr.op, m.hdr.seq, 0, NULL, 0, &sp[0], 1);
		close(sp[0]), close(sp[1]);
	}
	return NULL;
}

/* The ROM, the policy, the simulated config space and the parent channel to the fake core; drv's session. */
static void *
setup(void)
{
	static int sp[2];
	static pthread_t core;
	char err[256] = "", env[16];
	struct mkx_xml *x = mkx_xml_parse(devices_xml, sizeof devices_xml - 1, err, sizeof err);
	void *st = NULL;
	int n;

	CHECK(x);
	CHECK_INT(prom_read(x, &devs, err, sizeof err), 0);
	mkx_xml_free(x);
	CHECK((x = mkx_xml_parse(config_xml, sizeof config_xml - 1, err, sizeof err)));
	CHECK((n = pci_policies_read(x, policies, PCI_POLICIES_MAX, err, sizeof err)) == 1);
	npolicies = (unsigned)n;
	mkx_xml_free(x);
	/* IDs; 00:04.0's capability list: MSI-X at 0x40, Message Control's table size 3 (N - 1 = 2). */
	space[4][0] = 0x36, space[4][1] = 0x1b, space[4][2] = 0x10;
	space[4][0x06] = 0x10, space[4][0x34] = 0x40, space[4][0x40] = 0x11, space[4][0x42] = 2;
	space[5][0] = 0x34, space[5][1] = 0x12, space[5][2] = 0xe8, space[5][3] = 0x11;
	cfg = (struct pci_cfg){ &sim_ops, NULL };
	CHECK(!socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp));
	snprintf(env, sizeof env, "%d", sp[1]);
	setenv("MKX_PARENT_FD", env, 1);
	CHECK_INT(mkx_env_init(), 0);
	CHECK(!pthread_create(&core, NULL, fake_core, &sp[0]));
	CHECK_INT(p_open(NULL, "drv -> drv", "ram_quota=8K", &st, err, sizeof err), 0);
	return st;
}

static struct mkx_msg req;
static struct mkx_reply rep;

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
irq_of(void *st, const char *name, uint32_t index, uint32_t flags)
{
	struct mkx_platform_res q = { .index = index, .flags = flags };

	snprintf(q.name, sizeof q.name, "%s", name);
	return call(st, MKX_PLATFORM_IRQ, &q, sizeof q);
}

TEST(rom_platform_hands_msix_vector_n_beyond_the_roms_irq)
{
	void *s = setup();

	CHECK_INT(call(s, MKX_PLATFORM_ACQUIRE, "00:04.0", 8), 0);
	CHECK_INT(irq_of(s, "00:04.0", 0, 0), 0);	/* the ROM's <irq>: MSI-X, vector 0 */
	CHECK_INT(rep.nfds, 1);
	CHECK_STR_HAS(irq_args, "irq_type=2, device_config_phys=0xb0020000");
	CHECK(!strstr(irq_args, "vector="));
	CHECK_INT(irq_of(s, "00:04.0", 1, 0), 0);
	CHECK_INT(rep.nfds, 1);
	CHECK_STR_HAS(irq_args, "irq_type=2, device_config_phys=0xb0020000, vector=1");
	CHECK_INT(irq_of(s, "00:04.0", 2, 0), 0);
	CHECK_STR_HAS(irq_args, "vector=2");
	CHECK_INT(irq_asked, 3);
}

TEST(rom_platform_refuses_an_interrupt_index_the_function_does_not_have)
{
	void *s = setup();

	CHECK_INT(call(s, MKX_PLATFORM_ACQUIRE, "00:04.0", 8), 0);
	CHECK_INT(call(s, MKX_PLATFORM_ACQUIRE, "00:05.0", 8), 0);
	CHECK_INT(irq_of(s, "00:04.0", 3, 0), -ENOENT);
	CHECK_STR_HAS((char *)rep.payload, "00:04.0 has 3 MSI-X vectors (its table size): no interrupt index 3");
	CHECK_INT(irq_of(s, "00:04.0", 1, MKX_PLATFORM_INTX), -ENOENT);
	CHECK_STR_HAS((char *)rep.payload, "INTx is one line: interrupt index 0 only (asked for 1)");
	CHECK_INT(irq_of(s, "00:05.0", 1, 0), -ENOENT);
	CHECK_STR_HAS((char *)rep.payload, "00:05.0 has no MSI-X table to read");
	CHECK_INT(irq_asked, 0);
	CHECK_INT(irq_of(s, "00:05.0", 0, 0), 0);	/* its legacy line, by the function's name */
	CHECK_STR_HAS(irq_args, "pci=\"00:05.0\", irq_type=0");
}
