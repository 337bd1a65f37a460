/*
 * IRQ session logic on the sim back ends: policy, exclusivity, which fd a
 * client gets (finding 4c of issue 10: the interrupt source only to a
 * client that holds every BAR the fd can map, else core forwards), the
 * signal eventfd core writes to (finding 5: an eventfd, never blocking),
 * and config writes refused while another component holds the IRQ.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <mkx/io_port.h>
#include <mkx/irq.h>
#include "../../core-services/core.h"
#include "../../core-services/irq_backend.h"
#include "harness.h"

static struct core_config cfg;
static char err[1024];
static struct child fake = { .ram_left = 1 << 20 }, other = { .ram_left = 1 << 20 };

static void
setup(void)
{
	static const char xml[] =
	    "<config>\n<irq backend=\"sim\">\n"
	    "<policy label=\"fb\" pci=\"00:01.0\"/>\n"
	    "<policy label=\"nic\" vendor_id=\"0x8086\" device_id=\"0x10d3\"/>\n"
	    "<policy label=\"hog\" pci=\"00:07.0\"/>\n"
	    "<policy label=\"many\" pci=\"00:07.0\"/>\n"
	    "</irq>\n"
	    "<io_mem backend=\"sim\"> <policy label=\"fb\" pci=\"00:01.0\"/> </io_mem>\n"
	    "<io_port backend=\"sim\"> <policy label=\"platform\" base=\"0xcf8\" size=\"8\"/> </io_port>\n"
	    "<pci_config> <policy label=\"platform\" pci=\"all\" access=\"write\"/> </pci_config>\n"
	    "<start name=\"a\"><binary name=\"true\"/></start></config>";

	core_cfg = &cfg;
	CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), 0);
	CHECK_INT(io_mem_select(&cfg), 0);
	CHECK_INT(io_port_select(&cfg), 0);
}

/* One op on the session; *fd gets a returned fd (or -1). */
static int
op(void *st, uint16_t code, int send_fd, int *fd)
{
	static struct mkx_msg m;
	static struct mkx_reply r;
	int rc;

	memset(&m, 0, sizeof m);
	memset(&r, 0, sizeof r);
	m.hdr.op = code;
	if (send_fd >= 0) {
		m.hdr.nfds = 1;
		m.fds[0] = send_fd;
	}
	rc = service_irq.call(st, &m, &r);
	if (fd)
		*fd = r.nfds ? r.fds[0] : -1;
	return rc;
}

static void *
open_irq(struct child *c, const char *label, const char *pci, int expect)
{
	char args[64], why[512];
	void *st = NULL;

	snprintf(args, sizeof args, "pci=\"%s\"", pci);
	CHECK_INT(service_irq.open(c, label, args, &st, why, sizeof why), expect);
	return st;
}

TEST(irq_policy_and_one_session_per_function)
{
	char why[512];
	void *a, *b;

	setup();
	a = open_irq(&fake, "fb", "00:01.0", 0);
	CHECK_INT(service_irq.open(&other, "fb", "pci=\"00:01.0\"", &b, why, sizeof why), -EBUSY);
	CHECK_STR_HAS(why, "held by \"fb\"");
	CHECK_INT(service_irq.open(&other, "fb", "pci=\"00:02.0\"", &b, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "outside the policy");
	b = open_irq(&other, "nic", "00:02.0", 0);	/* by vendor/device */
	service_irq.close(a);
	service_irq.close(b);
}

/*
 * uio_pci_generic's fd maps the function's BARs: a client that holds none
 * of them must not get it. It gets -ENOSYS and uses core's forwarding.
 */
TEST(irq_source_fd_reaching_bars_the_client_does_not_hold_is_not_handed_out)
{
	void *st;
	int fd;

	setup();
	st = open_irq(&fake, "fb", "00:01.0", 0);
	CHECK_INT(op(st, MKX_IRQ_FD, -1, &fd), -ENOSYS);
	CHECK_INT(fd, -1);
	service_irq.close(st);
}

TEST(irq_source_fd_handed_to_a_client_that_holds_the_bars)
{
	char why[512];
	void *st, *bar;
	int fd;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "fb", "base=0xfebf0000, size=0x1000", &bar, why, sizeof why), 0);
	st = open_irq(&fake, "fb", "00:01.0", 0);
	CHECK_INT(op(st, MKX_IRQ_FD, -1, &fd), 0);
	CHECK(fd >= 0);
	service_irq.close(st);
	service_io_mem.close(bar);
}

TEST(irq_source_fd_that_reaches_nothing_is_handed_out)
{
	void *st;
	int fd;

	setup();
	st = open_irq(&fake, "nic", "00:02.0", 0);
	CHECK_INT(op(st, MKX_IRQ_FD, -1, &fd), 0);
	CHECK(fd >= 0);
	service_irq.close(st);
}

TEST(irq_signal_fd_must_be_an_eventfd)
{
	void *st;
	int p[2];

	setup();
	st = open_irq(&fake, "fb", "00:01.0", 0);
	CHECK(pipe(p) == 0);
	CHECK_INT(op(st, MKX_IRQ_SIGH, p[1], NULL), -EINVAL);
	service_irq.close(st);
	close(p[0]);
}

/* core never writes to a client's fd in blocking mode: a full counter would stall it. */
TEST(irq_signal_eventfd_is_written_without_blocking)
{
	uint64_t full = 0xfffffffffffffffeull;
	void *st;
	int efd = eventfd(0, EFD_CLOEXEC);	/* blocking, as a hostile client would hand it */

	setup();
	st = open_irq(&fake, "fb", "00:01.0", 0);
	CHECK(efd >= 0);
	CHECK(write(efd, &full, sizeof full) == sizeof full);	/* counter full: a blocking write would hang */
	CHECK_INT(op(st, MKX_IRQ_SIGH, efd, NULL), 0);
	CHECK(fcntl(efd, F_GETFL) & O_NONBLOCK);
	CHECK_INT(op(st, MKX_IRQ_ACK, -1, NULL), 0);	/* the sim raises the next interrupt */
	CHECK_INT(irq_sim_unmasks(0x08), 1);
	service_irq.close(st);
	close(efd);
}

static int
conf1_write(void *st, unsigned bdf, unsigned reg, uint32_t v)
{
	static struct mkx_msg m;
	static struct mkx_reply r;
	struct mkx_io_port_req rq = { .port = 0xcf8, .width = 4, .value = 0x80000000u | bdf << 8 | reg };
	int rc;

	memset(&m.hdr, 0, sizeof m.hdr);
	m.hdr.op = MKX_IO_PORT_OUT;
	m.hdr.len = sizeof rq;
	memcpy(m.payload, &rq, sizeof rq);
	if ((rc = service_io_port.call(st, &m, &r)))
		return rc;
	rq.port = 0xcfc;
	rq.value = v;
	memcpy(m.payload, &rq, sizeof rq);
	return service_io_port.call(st, &m, &r);
}

TEST(irq_config_write_refused_while_another_holds_the_irq)
{
	char why[512];
	void *irq, *conf;

	setup();
	CHECK_INT(service_io_port.open(&fake, "platform", "io_port_base=0xcf8, io_port_size=8", &conf, why,
	    sizeof why), 0);
	irq = open_irq(&other, "nic", "00:02.0", 0);
	CHECK_INT(conf1_write(conf, 0x10, 0x04, 0x400), -EPERM);	/* INTx disable under its holder: no */
	service_irq.close(irq);
	CHECK_INT(conf1_write(conf, 0x10, 0x04, 0x400), 0);
	service_io_port.close(conf);
}

/*
 * Issue 22: 16 IRQ session slots served all of core, so one client took
 * them all (here 16 MSI-X vectors of a 64-vector function) and every
 * other client was refused. Now a client holds at most 16, and the table
 * has room for every session core can have.
 */
TEST(irq_one_client_cannot_take_every_session)
{
	static struct child hog = { .ram_left = 1 << 20 }, many = { .ram_left = 1 << 20 };
	char args[64], why[512];
	void *st[40], *nic;
	unsigned n = 0;

	setup();
	for (unsigned v = 0; v < 20; v++) {
		snprintf(args, sizeof args, "irq_type=2, pci=\"00:07.0\", vector=%u", v);
		why[0] = 0;
		if (service_irq.open(&hog, "hog", args, &st[n], why, sizeof why))
			break;
		n++;
	}
	/* Another client still gets its interrupt ... */
	nic = open_irq(&other, "nic", "00:02.0", 0);
	CHECK_INT(n, 16);
	CHECK_STR_HAS(why, "\"hog\" holds 16 IRQ sessions, the most one client may hold");
	/* ... and a third its own 16 vectors: the table holds more than one client's limit. */
	for (unsigned v = 20; v < 36; v++) {
		snprintf(args, sizeof args, "irq_type=2, pci=\"00:07.0\", vector=%u", v);
		CHECK_INT(service_irq.open(&many, "many", args, &st[n], why, sizeof why), 0);
		n++;
	}
	service_irq.close(nic);
	while (n)
		service_irq.close(st[--n]);
}
