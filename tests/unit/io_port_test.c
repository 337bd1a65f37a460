/*
 * IO_PORT session logic on the sim backend: policy by label, exclusive
 * ranges, range checks, and the CF8/CFC emulation state machine.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include <mkx/io_port.h>
#include "../../core-services/core.h"
#include "../../core-services/io_port_backend.h"
#include "harness.h"

static struct core_config cfg;
static char err[1024];
static struct child fake = { .ram_left = 1 << 20 };

static void
setup(void)
{
	static const char xml[] =
	    "<config>\n<io_port backend=\"sim\">\n"
	    "<policy label_prefix=\"pit\" base=\"0x40\" size=\"4\"/>\n"
	    "<policy label=\"pci\" base=\"0xcf8\" size=\"8\"/>\n"
	    "<policy label=\"wide\" base=\"0xcf0\" size=\"0x10\"/>\n"
	    "</io_port><pci_config><policy label=\"pci\" pci=\"all\"/><policy label=\"wide\" pci=\"all\"/>"
	    "</pci_config><start name=\"a\"><binary name=\"true\"/></start></config>";

	CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), 0);
	CHECK_INT(io_port_select(&cfg), 0);
}

static int
call(void *st, uint16_t op, unsigned port, unsigned width, uint32_t val, uint32_t *out)
{
	static struct mkx_msg m;
	static struct mkx_reply r;
	struct mkx_io_port_req rq = { .port = (uint16_t)port, .width = (uint8_t)width, .value = val };
	int rc;

	memset(&m.hdr, 0, sizeof m.hdr);
	m.hdr.op = op;
	m.hdr.len = sizeof rq;
	memcpy(m.payload, &rq, sizeof rq);
	r.len = 0;
	rc = service_io_port.call(st, &m, &r);
	if (!rc && out && r.len == 4)
		memcpy(out, r.payload, 4);
	return rc;
}

TEST(io_port_inside_policy_granted_and_usable)
{
	void *st;
	char why[512];
	uint32_t v = 0;

	setup();
	CHECK_INT(service_io_port.open(&fake, "pit", "io_port_base=0x40, io_port_size=4", &st, why, sizeof why), 0);
	CHECK_INT(call(st, MKX_IO_PORT_OUT, 0x42, 1, 0x5a, NULL), 0);
	CHECK_INT(call(st, MKX_IO_PORT_IN, 0x42, 1, 0, &v), 0);
	CHECK_INT(v, 0x5a);
	service_io_port.close(st);
}

TEST(io_port_outside_policy_denied_naming_label_and_policy)
{
	void *st;
	char why[512];

	setup();
	CHECK_INT(service_io_port.open(&fake, "pit -> x", "io_port_base=0x60, io_port_size=1", &st, why, sizeof why),
	    -EPERM);
	CHECK_STR_HAS(why, "0x60-0x60");
	CHECK_STR_HAS(why, "label_prefix=\"pit\" 0x40-0x43 (line 3)");
	CHECK_INT(service_io_port.open(&fake, "other", "io_port_base=0x40, io_port_size=1", &st, why, sizeof why),
	    -EPERM);
	CHECK_STR_HAS(why, "no IO_PORT policy matches");
}

TEST(io_port_overlap_with_granted_range_is_busy)
{
	void *a, *b;
	char why[512];

	setup();
	CHECK_INT(service_io_port.open(&fake, "pit", "io_port_base=0x40, io_port_size=2", &a, why, sizeof why), 0);
	CHECK_INT(service_io_port.open(&fake, "pit2", "io_port_base=0x41, io_port_size=3", &b, why, sizeof why),
	    -EBUSY);
	CHECK_STR_HAS(why, "held by \"pit\"");
	service_io_port.close(a);
	CHECK_INT(service_io_port.open(&fake, "pit2", "io_port_base=0x41, io_port_size=3", &b, why, sizeof why), 0);
	service_io_port.close(b);
}

TEST(io_port_access_outside_session_refused_session_survives)
{
	void *st;
	char why[512];
	uint32_t v;

	setup();
	CHECK_INT(service_io_port.open(&fake, "pit", "io_port_base=0x40, io_port_size=4", &st, why, sizeof why), 0);
	CHECK_INT(call(st, MKX_IO_PORT_IN, 0x44, 1, 0, &v), -ERANGE);
	CHECK_INT(call(st, MKX_IO_PORT_IN, 0x43, 2, 0, &v), -ERANGE);	/* straddles the end */
	CHECK_INT(call(st, MKX_IO_PORT_IN, 0x40, 3, 0, &v), -ERANGE);	/* bad width */
	CHECK_INT(call(st, MKX_IO_PORT_IN, 0x43, 1, 0, &v), 0);
	service_io_port.close(st);
}

TEST(io_port_bad_args_rejected)
{
	void *st;
	char why[512];

	setup();
	CHECK_INT(service_io_port.open(&fake, "pit", "io_port_base=0x40", &st, why, sizeof why), -EINVAL);
	CHECK_INT(service_io_port.open(&fake, "pit", "io_port_base=0xffff, io_port_size=2", &st, why, sizeof why),
	    -EINVAL);
	CHECK_INT(service_io_port.open(&fake, "pit", "io_port_base=0x40, io_port_size=0", &st, why, sizeof why),
	    -EINVAL);
}

TEST(io_port_conf1_emulated_on_config_access)
{
	void *st;
	char why[512];
	uint32_t v = 0;

	setup();
	CHECK_INT(service_io_port.open(&fake, "pci", "io_port_base=0xcf8, io_port_size=8", &st, why, sizeof why), 0);
	/* Disabled: reads float high. */
	CHECK_INT(call(st, MKX_IO_PORT_IN, 0xcfc, 4, 0, &v), 0);
	CHECK_INT(v, 0xffffffffu);
	/* 00:00.0 register 0: the sim's IDs. */
	CHECK_INT(call(st, MKX_IO_PORT_OUT, 0xcf8, 4, 0x80000000u, NULL), 0);
	CHECK_INT(call(st, MKX_IO_PORT_IN, 0xcf8, 4, 0, &v), 0);
	CHECK_INT(v, 0x80000000u);
	CHECK_INT(call(st, MKX_IO_PORT_IN, 0xcfc, 4, 0, &v), 0);
	CHECK_INT(v, 0x00081b36);
	CHECK_INT(call(st, MKX_IO_PORT_IN, 0xcfe, 2, 0, &v), 0);
	CHECK_INT(v, 0x0008);
	/* An absent function reads all ones. */
	CHECK_INT(call(st, MKX_IO_PORT_OUT, 0xcf8, 4, 0x80001800u, NULL), 0);
	CHECK_INT(call(st, MKX_IO_PORT_IN, 0xcfc, 4, 0, &v), 0);
	CHECK_INT(v, 0xffffffffu);
	/* 0xCF9 (reset control) is refused, not passed on. */
	CHECK_INT(call(st, MKX_IO_PORT_OUT, 0xcf9, 1, 6, NULL), -ERANGE);
	service_io_port.close(st);
}

/*
 * Finding 3 of issue 10: an access that starts below 0xCF8 and runs into it
 * (a word at 0xCF7, a dword at 0xCF5-0xCF7) must never reach the real
 * ports: the dword at 0xCF6 would write 0xCF9, the reset control.
 */
TEST(io_port_access_straddling_into_conf1_is_refused)
{
	void *st;
	char why[512];
	uint32_t v;

	setup();
	CHECK_INT(service_io_port.open(&fake, "wide", "io_port_base=0xcf0, io_port_size=0x10", &st, why, sizeof why), 0);
	CHECK_INT(call(st, MKX_IO_PORT_OUT, 0xcf6, 4, 0x06060606u, NULL), -ERANGE);
	CHECK_INT(io_port_sim_peek(0xcf9), 0);
	CHECK_INT(io_port_sim_peek(0xcf8), 0);
	CHECK_INT(call(st, MKX_IO_PORT_OUT, 0xcf7, 2, 0x0606, NULL), -ERANGE);
	CHECK_INT(call(st, MKX_IO_PORT_OUT, 0xcf5, 4, 0x06060606u, NULL), -ERANGE);
	CHECK_INT(io_port_sim_peek(0xcf8), 0);
	CHECK_INT(call(st, MKX_IO_PORT_IN, 0xcf7, 2, 0, &v), -ERANGE);
	/* Below 0xCF8 the ports are plain ports; at 0xCF8 the emulation answers. */
	CHECK_INT(call(st, MKX_IO_PORT_OUT, 0xcf4, 4, 0x01020304u, NULL), 0);
	CHECK_INT(io_port_sim_peek(0xcf7), 0x01);
	CHECK_INT(call(st, MKX_IO_PORT_OUT, 0xcf8, 4, 0x80000000u, NULL), 0);
	CHECK_INT(io_port_sim_peek(0xcf8), 0);
	CHECK_INT(call(st, MKX_IO_PORT_IN, 0xcfc, 4, 0, &v), 0);
	CHECK_INT(v, 0x00081b36);
	service_io_port.close(st);
}

/* The direct (ioperm) path never reaches 0xCF8-0xCFF, not even through a range that starts below it. */
TEST(io_port_direct_policy_reaching_conf1_is_a_config_error)
{
	static const char xml[] =
	    "<config>\n<io_port backend=\"sim\">\n"
	    "<policy label=\"x\" base=\"0xcf0\" size=\"9\" direct=\"yes\"/>\n"
	    "</io_port><start name=\"a\"><binary name=\"true\"/></start></config>";

	CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), -EINVAL);
	CHECK_STR_HAS(err, "t.xml:3:");
	CHECK_STR_HAS(err, "0xCF8-0xCFF is never granted");
}
