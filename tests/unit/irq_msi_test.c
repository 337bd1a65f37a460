/*
 * IRQ sessions for MSI/MSI-X and by Genode's arguments, on the sim back
 * end (issue 12): a session per vector, INFO as Genode's Info, refusals
 * for a function without the capability, a vector it lacks, a vector or a
 * function held already, an ECAM address that names no function or lies
 * outside ECAM, a mix of types on one function; the UIO-style ack
 * socket core watches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mkx/irq.h>
#include "../../core-services/core.h"
#include "../../core-services/irq_backend.h"
#include "harness.h"

static struct core_config cfg;
static char err[1024], why[512];
static struct child fake = { .ram_left = 1 << 20 };

static void
setup(void)
{
	static const char xml[] =
	    "<config>\n<irq backend=\"sim\">\n"
	    "<policy label=\"fb\" pci=\"00:01.0\"/>\n"
	    "<policy label=\"nic\" pci=\"00:02.0\"/>\n"
	    "</irq>\n"
	    "<start name=\"a\"><binary name=\"true\"/></start></config>";

	core_cfg = &cfg;
	CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), 0);
}

static int
call(void *st, uint16_t code, struct mkx_reply *r)
{
	static struct mkx_msg m;

	memset(&m, 0, sizeof m);
	memset(r, 0, sizeof *r);
	m.hdr.op = code;
	return service_irq.call(st, &m, r);
}

static void *
open_ok(const char *label, const char *args)
{
	void *st = NULL;

	why[0] = 0;
	if (service_irq.open(&fake, label, args, &st, why, sizeof why))
		harness_fail(__FILE__, __LINE__, "{%s} refused: %s", args, why);
	return st;
}

static void
refused(const char *label, const char *args, int expect, const char *says)
{
	void *st = NULL;
	int rc;

	why[0] = 0;
	rc = service_irq.open(&fake, label, args, &st, why, sizeof why);
	if (rc != expect)
		harness_fail(__FILE__, __LINE__, "{%s}: %d, expected %d (%s)", args, rc, expect, why);
	if (!strstr(why, says))
		harness_fail(__FILE__, __LINE__, "{%s}: \"%s\" does not say \"%s\"", args, why, says);
}

TEST(irq_msi_info_is_genodes_info_with_the_message)
{
	static struct mkx_reply r;
	struct mkx_irq_info_msg info;
	void *st;

	setup();
	st = open_ok("nic", "irq_number=1, irq_type=1, device_config_phys=0xb0010000");
	CHECK_INT(call(st, MKX_IRQ_INFO, &r), 0);
	CHECK_INT(r.len, sizeof info);
	memcpy(&info, r.payload, sizeof info);
	CHECK_INT(info.type, 1);
	CHECK_INT(info.info_type, 1);		/* Genode's Info::MSI */
	CHECK(info.address == 0xfee00000ull);
	CHECK(info.value == 0x4020);
	CHECK(info.flags & MKX_IRQ_INFO_NO_ACK);
	service_irq.close(st);
}

TEST(irq_legacy_info_is_invalid_type_with_the_gsi)
{
	static struct mkx_reply r;
	struct mkx_irq_info_msg info;
	void *st;

	setup();
	st = open_ok("nic", "irq_number=23, irq_type=0, bdf=0x10");
	CHECK_INT(call(st, MKX_IRQ_INFO, &r), 0);
	memcpy(&info, r.payload, sizeof info);
	CHECK_INT(info.gsi, 23);
	CHECK_INT(info.type, 0);
	CHECK_INT(info.info_type, 0);		/* Genode's Info::INVALID */
	CHECK_INT(info.flags, 0);
	service_irq.close(st);
}

TEST(irq_msix_one_session_per_vector)
{
	static struct mkx_reply r;
	struct mkx_irq_info_msg info;
	void *v0, *v3;

	setup();
	v0 = open_ok("nic", "irq_type=2, pci=\"00:02.0\", vector=0");
	v3 = open_ok("nic", "irq_type=2, pci=\"00:02.0\", vector=3");
	CHECK_INT(call(v3, MKX_IRQ_INFO, &r), 0);
	memcpy(&info, r.payload, sizeof info);
	CHECK(info.address == (0xfee00000ull | 3 << 4));
	refused("nic", "irq_type=2, pci=\"00:02.0\", vector=3", -EBUSY, "the MSI-X vector of 00:02.0 is held by \"nic\"");
	refused("nic", "irq_type=1, pci=\"00:02.0\"", -EBUSY, "held as MSI-X by \"nic\"");
	refused("nic", "irq_type=0, pci=\"00:02.0\"", -EBUSY, "held as MSI-X by \"nic\"");
	refused("nic", "irq_type=2, pci=\"00:02.0\", vector=5", -EINVAL, "has 5 vectors");
	service_irq.close(v0);
	service_irq.close(v3);
	v0 = open_ok("nic", "pci=\"00:02.0\"");	/* all given back: INTx again */
	service_irq.close(v0);
}

TEST(irq_msi_refusals_name_the_reason)
{
	setup();
	refused("fb", "irq_type=1, pci=\"00:01.0\"", -ENOTSUP, "no MSI capability");
	refused("fb", "irq_type=2, pci=\"00:01.0\"", -ENOTSUP, "no MSI-X capability");
	refused("fb", "irq_type=1, device_config_phys=0xb0020000", -ENODEV, "no PCI function there");
	refused("fb", "irq_type=1, device_config_phys=0x80000000", -EINVAL, "not in an ECAM window");
	refused("fb", "irq_type=1, device_config_phys=0xb0008000, bdf=0x10", -EINVAL, "not the function");
	refused("fb", "irq_type=1, device_config_phys=0xb0010000", -EPERM, "outside the policy");
	refused("fb", "bdf=0x28", -ENODEV, "there is no PCI function 00:05.0");
}

/*
 * The UIO-style asynchronous ack: core watches its end of a socket pair;
 * the client gets the other end (never a file it shares with core: a
 * shared eventfd's O_NONBLOCK would be the client's to clear).
 */
TEST(irq_ack_socket_handed_out_for_legacy_not_for_msi)
{
	static struct mkx_reply r;
	struct stat st;
	uint32_t how;
	void *intx, *msi;

	setup();
	intx = open_ok("fb", "pci=\"00:01.0\"");
	CHECK_INT(call(intx, MKX_IRQ_ACK_FD, &r), 0);
	CHECK_INT(r.nfds, 1);
	CHECK_INT(fd_is_eventfd(r.fds[0]), 0);
	CHECK(fstat(r.fds[0], &st) == 0 && S_ISSOCK(st.st_mode));
	memcpy(&how, r.payload, 4);
	CHECK_INT(how, MKX_IRQ_ACK_BY_CORE);
	CHECK_INT(call(intx, MKX_IRQ_ACK_FD, &r), -EBUSY);	/* one ack channel per session */
	msi = open_ok("nic", "irq_type=1, pci=\"00:02.0\"");
	CHECK_INT(call(msi, MKX_IRQ_ACK_FD, &r), -ENOSYS);
	service_irq.close(intx);
	service_irq.close(msi);
}

/* Genode's legacy Irq_connection(irq_number): every free function the policy grants on that GSI. */
TEST(irq_session_by_gsi_takes_the_granted_functions_on_the_line)
{
	static const char xml[] =
	    "<config>\n<irq backend=\"sim\">\n"
	    "<policy label=\"pair\" pci=\"00:02.0\"/>\n"
	    "<policy label=\"pair\" pci=\"00:03.0\"/>\n"
	    "<policy label=\"one\" pci=\"00:03.0\"/>\n"
	    "<policy label=\"fb\" pci=\"00:01.0\"/>\n"
	    "</irq>\n"
	    "<start name=\"a\"><binary name=\"true\"/></start></config>";
	static struct mkx_reply r;
	struct mkx_irq_info_msg info;
	void *pair, *one;

	core_cfg = &cfg;
	CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), 0);
	refused("fb", "irq_number=23", -EPERM, "GSI 23: no free function the IRQ policy grants to this label is on it "
	    "(1 function(s) granted)");
	pair = open_ok("pair", "irq_number=23, irq_trigger=1, irq_polarity=2");
	CHECK_INT(call(pair, MKX_IRQ_INFO, &r), 0);
	memcpy(&info, r.payload, sizeof info);
	CHECK_INT(info.gsi, 23);
	CHECK_INT(call(pair, MKX_IRQ_FD, &r), -ENOSYS);		/* two sources: core forwards */
	CHECK_INT(call(pair, MKX_IRQ_ACK, &r), 0);
	CHECK_INT(irq_sim_unmasks(0x10), 1);			/* the ack unmasks both lines */
	CHECK_INT(irq_sim_unmasks(0x18), 1);
	refused("one", "pci=\"00:03.0\"", -EBUSY, "the INTx of 00:03.0 is held by \"pair\"");
	refused("one", "irq_number=23", -EPERM, "no free function");
	service_irq.close(pair);
	CHECK_INT(irq_sim_unmasks(0x18), -1);			/* given back */
	one = open_ok("one", "irq_number=23");
	CHECK_INT(call(one, MKX_IRQ_FD, &r), 0);		/* one source: handed out */
	service_irq.close(one);
}

/* Core never reads a source it shares with the client: FD and SIGH exclude each other. */
TEST(irq_source_handed_out_or_forwarded_not_both)
{
	static struct mkx_reply r;
	static struct mkx_msg m;
	void *st;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	setup();
	st = open_ok("nic", "pci=\"00:02.0\"");
	CHECK_INT(call(st, MKX_IRQ_FD, &r), 0);			/* the source, handed out */
	memset(&m, 0, sizeof m);
	m.hdr.op = MKX_IRQ_SIGH;
	m.hdr.nfds = 1;
	m.fds[0] = efd;
	CHECK_INT(service_irq.call(st, &m, &r), -EBUSY);
	service_irq.close(st);
	st = open_ok("nic", "pci=\"00:02.0\"");
	memset(&m, 0, sizeof m);
	m.hdr.op = MKX_IRQ_SIGH;
	m.hdr.nfds = 1;
	m.fds[0] = fcntl(efd, F_DUPFD_CLOEXEC, 0);
	CHECK_INT(service_irq.call(st, &m, &r), 0);		/* core forwards */
	CHECK_INT(call(st, MKX_IRQ_FD, &r), -EBUSY);
	service_irq.close(st);
	close(efd);
}

/* A policy may pick the mechanism for its functions; a name core does not know is a config error. */
TEST(irq_policy_backend_checked)
{
	static const char bad[] =
	    "<config>\n<irq>\n<policy label=\"x\" pci=\"00:01.0\" backend=\"linux-msi\"/>\n</irq>\n"
	    "<start name=\"a\"><binary name=\"true\"/></start></config>";
	static const char good[] =
	    "<config>\n<irq>\n<policy label=\"x\" pci=\"00:01.0\" backend=\"linux-uio\"/>\n</irq>\n"
	    "<start name=\"a\"><binary name=\"true\"/></start></config>";

	CHECK_INT(config_load_buf(&cfg, bad, sizeof bad - 1, "t.xml", "/bin", err, sizeof err), -EINVAL);
	CHECK_STR_HAS(err, "t.xml:3: IRQ <policy backend=\"linux-msi\">: known are auto, linux-uio, linux-vfio");
	CHECK_INT(config_load_buf(&cfg, good, sizeof good - 1, "t.xml", "/bin", err, sizeof err), 0);
	CHECK(!strcmp(cfg.irq[0].backend, "linux-uio"));
}
