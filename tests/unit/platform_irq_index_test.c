/*
 * A Platform session's interrupt indices (pci/platform.c, the pci
 * component's sessions, and the session core pci/platform_session.c,
 * compiled in here), issue 27: index N of a function with MSI-X is its
 * MSI-X vector N, one IRQ session at core per vector (so a driver waits on
 * each queue's own eventfd); an index beyond the MSI-X table, index 1 of
 * an INTx-only or MSI-only function, and index 1 asked as INTx are refused
 * with a reason before core is asked. Config space is simulated; core is
 * a thread on the parent channel that records each IRQ session's
 * arguments and grants MSI-X (a socket pair's end as the session) and
 * refuses the rest, as a core without an IOMMU would refuse MSI.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mkx/rpc.h>
#include "../../pci/platform.c"
#include "../../pci/platform_session.c"
#include "../../pci/platform_dma.c"
#include "../../pci/conf1_port.c"
#include "harness.h"

/* The devices report's MSI switch (devices_report.c is the component's): not wanted here. */
int
pci_report_msi(void)
{
	return 0;
}

/* 00:03.0 MSI-X (4 entries) and a pin, 00:04.0 a pin only, 00:05.0 MSI and a pin. */
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
static struct pci_cfg sim_cfg = { &sim_ops, NULL };

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
		if (m.hdr.op != MKX_OP_SESSION_OPEN || strcmp(svc, "IRQ")) {
			mkx_rpc_send(fd, m.hdr.op, m.hdr.seq, -ENOSYS, "not served here", 16, NULL, 0);
			continue;
		}
		snprintf(irq_args, sizeof irq_args, "%s", args);
		irq_asked++;
		if (!strstr(args, "irq_type=2") || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp)) {
			mkx_rpc_send(fd, m.hdr.op, m.hdr.seq, -EPERM, "no IOMMU (fake core)", 21, NULL, 0);
			continue;
		}
		mkx_rpc_send(fd, m.hdr.op, m.hdr.seq, 0, NULL, 0, &sp[0], 1);
		close(sp[0]), close(sp[1]);
	}
	return NULL;
}

static void
add_fn(unsigned dev, unsigned cap_id)
{
	struct pci_fn *f = &tree->fn[tree->nfn++];
	uint16_t id[2] = { 0x1b36, 0x0010 };

	memset(f, 0, sizeof *f);
	f->a = (struct pci_addr){ 0, 0, dev, 0 };
	f->vendor = id[0], f->device = id[1], f->class = 0x010802, f->space = 256, f->parent = -1;
	f->pin = 1, f->intx.routed = 1, f->intx.gsi = 16 + dev;
	f->ecam = 0xb0000000ull + ((uint64_t)dev << 15);
	memcpy(&space[dev][0], id, 4);
	if (cap_id) {
		f->cap[f->ncap++] = (struct pci_cap){ 0x40, (uint16_t)cap_id, 0 };
		space[dev][0x06] = 0x10, space[dev][0x34] = 0x40, space[dev][0x40] = (uint8_t)cap_id;
		space[dev][0x42] = cap_id == 0x11 ? 3 : 0;	/* MSI-X Message Control: table size 4 (N - 1) */
	}
}

/* The pci component's state as pci_serve sets it up, a parent channel to the fake core; a's session. */
static void *
setup(void)
{
	static const char conf[] = "<config> <policy label_prefix=\"drv\"> <pci class=\"NVME\"/> </policy> </config>";
	static int sp[2];
	static pthread_t core;
	char err[256] = "", env[16];
	struct mkx_xml *x;
	void *st = NULL;
	int n;

	CHECK(!socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp));
	snprintf(env, sizeof env, "%d", sp[1]);
	setenv("MKX_PARENT_FD", env, 1);
	CHECK_INT(mkx_env_init(), 0);
	CHECK(!pthread_create(&core, NULL, fake_core, &sp[0]));
	tree = calloc(1, sizeof *tree);
	CHECK(tree && (tree->fn = calloc(8, sizeof *tree->fn)));
	add_fn(3, 0x11), add_fn(4, 0), add_fn(5, 0x05);
	cfg = &sim_cfg;
	CHECK((x = mkx_xml_parse(conf, sizeof conf - 1, err, sizeof err)));
	CHECK((n = pci_policies_read(x, policies, PCI_POLICIES_MAX, err, sizeof err)) == 1);
	npolicies = (unsigned)n;
	mkx_xml_free(x);
	CHECK((held = calloc(tree->nfn, sizeof *held)));
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

TEST(platform_hands_msix_vector_n_as_interrupt_index_n)
{
	void *s = setup();

	CHECK_INT(call(s, MKX_PLATFORM_ACQUIRE, "00:03.0", 8), 0);
	CHECK_INT(irq_of(s, "00:03.0", 0, 0), 0);	/* vector 0: the session's socket in the reply */
	CHECK_INT(rep.nfds, 1);
	CHECK_STR_HAS(irq_args, "irq_type=2");
	CHECK(!strstr(irq_args, "vector="));
	for (unsigned v = 1; v < 4; v++) {
		char want[16];

		CHECK_INT(irq_of(s, "00:03.0", v, 0), 0);
		CHECK_INT(rep.nfds, 1);
		CHECK_STR_HAS(irq_args, "irq_type=2");
		snprintf(want, sizeof want, "vector=%u", v);
		CHECK_STR_HAS(irq_args, want);
	}
	CHECK_INT(irq_asked, 4);
}

TEST(platform_refuses_an_interrupt_index_the_function_does_not_have)
{
	void *s = setup();

	CHECK_INT(call(s, MKX_PLATFORM_ACQUIRE, "00:03.0", 8), 0);
	CHECK_INT(call(s, MKX_PLATFORM_ACQUIRE, "00:04.0", 8), 0);
	CHECK_INT(call(s, MKX_PLATFORM_ACQUIRE, "00:05.0", 8), 0);
	/* Beyond the MSI-X table (4 entries): refused naming the table size; core not asked. */
	CHECK_INT(irq_of(s, "00:03.0", 4, 0), -ENOENT);
	CHECK_STR_HAS((char *)rep.payload, "00:03.0 has 4 MSI-X vectors (its table size): no interrupt index 4");
	CHECK_INT(irq_of(s, "00:03.0", 2047, 0), -ENOENT);
	/* Index 1 asked as INTx: a line has one index. */
	CHECK_INT(irq_of(s, "00:03.0", 1, MKX_PLATFORM_INTX), -ENOENT);
	CHECK_STR_HAS((char *)rep.payload, "INTx is one line: interrupt index 0 only (asked for 1)");
	/* INTx only, MSI only: index 0 alone. */
	CHECK_INT(irq_of(s, "00:04.0", 1, 0), -ENOENT);
	CHECK_STR_HAS((char *)rep.payload, "00:04.0 has no MSI-X table to read");
	CHECK_INT(irq_of(s, "00:05.0", 1, 0), -ENOENT);
	CHECK_STR_HAS((char *)rep.payload, "00:05.0 has no MSI-X table to read");
	CHECK_INT(irq_asked, 0);
	/* Index 0 of the INTx-only function still works (core asked for INTx by name). */
	CHECK_INT(irq_of(s, "00:04.0", 0, 0), -EPERM);	/* the fake core grants MSI-X only */
	CHECK_INT(irq_asked, 1);
	CHECK_STR_HAS(irq_args, "irq_type=0");
}
