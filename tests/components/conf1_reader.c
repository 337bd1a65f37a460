/*
 * Test component for core's CF8/CFC emulation: walks bus 0 through the
 * conf1 mechanism (PCI Local Bus 3.0, 3.2.2.3.2) as any legacy driver
 * would, prints what it finds, and checks the q35 host bridge 00:00.0 is
 * 8086:29c0 (QEMU's MCH). Config: <config expect="8086:29c0"/>.
 */
#include <stdio.h>
#include <string.h>

#include <mkx/env.h>
#include <mkx/io_port.h>
#include <mkx/log.h>
#include <mkx/rom.h>

static uint32_t
conf1_read(struct mkx_io_port *p, unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	mkx_outl(p, 0xcf8, 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (reg & 0xfc));
	return mkx_inl(p, 0xcfc);
}

int
main(void)
{
	struct mkx_io_port p;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	char why[512], expect[16] = "8086:29c0", got[16] = "";
	unsigned found = 0;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&rom);
	if (cfg && mkx_xml_attr(cfg, "expect"))
		snprintf(expect, sizeof expect, "%s", mkx_xml_attr(cfg, "expect"));
	mkx_xml_free(cfg);
	if (mkx_io_port_open(&p, 0xcf8, 8, why, sizeof why)) {
		mkx_error("0xcf8 denied: %s", why);
		mkx_exit(1);
	}
	mkx_log("0xcf8-0xcff granted, %s path", p.direct ? "direct" : "rpc (emulated)");
	for (unsigned dev = 0; dev < 32; dev++)
		for (unsigned fn = 0; fn < 8; fn++) {
			uint32_t id = conf1_read(&p, 0, dev, fn, 0), cls;

			if ((id & 0xffff) == 0xffff) {
				if (fn == 0)
					break;
				continue;
			}
			cls = conf1_read(&p, 0, dev, fn, 8) >> 8;
			mkx_log("00:%02x.%u %04x:%04x class %06x", dev, fn, id & 0xffff, id >> 16, cls);
			if (dev == 0 && fn == 0)
				snprintf(got, sizeof got, "%04x:%04x", id & 0xffff, id >> 16);
			found++;
			/* Single-function devices answer every function number: read the header type. */
			if (fn == 0 && !(conf1_read(&p, 0, dev, 0, 0xc) & 0x800000))
				break;
		}
	/* A byte access inside CFC..CFF: the device ID's high byte of 00:00.0. */
	mkx_outl(&p, 0xcf8, 0x80000000u);
	mkx_log("byte read at 0xcff: 0x%02x", mkx_inb(&p, 0xcff));
	if (strcmp(got, expect)) {
		mkx_error("00:00.0 is \"%s\", expected %s", got, expect);
		mkx_exit(1);
	}
	mkx_log("conf1 emulation ok: %u functions on bus 0, host bridge %s", found, got);
	mkx_exit(0);
}
