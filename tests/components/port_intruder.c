/*
 * Test component: asks core for ports it has no policy for (0x60, the PCI
 * conf1 pair 0xCF8) and then, inside its own grant (RTC 0x70-0x71), sends a
 * raw access to 0x72 past the library's own check, so core's check is what
 * refuses it. Exits 0 only if every refusal came and it was still served.
 */
#include <errno.h>
#include <string.h>

#include <mkx/env.h>
#include <mkx/io_port.h>
#include <mkx/log.h>

int
main(void)
{
	static struct mkx_msg reply;
	struct mkx_io_port p;
	struct mkx_io_port_req rq = { .port = 0x72, .width = 1 };
	char why[512];
	int err, ok = 1;

	if (mkx_env_init())
		return 1;
	err = mkx_io_port_open(&p, 0x60, 1, why, sizeof why);
	mkx_log("0x60: %s: %s", strerror(-err), why);
	ok &= err == -EPERM;
	err = mkx_io_port_open(&p, 0xcf8, 8, why, sizeof why);
	mkx_log("0xcf8: %s: %s", strerror(-err), why);
	ok &= err == -EPERM;

	err = mkx_io_port_open(&p, 0x70, 2, why, sizeof why);
	if (err) {
		mkx_error("own range 0x70-0x71 denied: %s", why);
		mkx_exit(1);
	}
	mkx_outb(&p, 0x70, 0x0a);		/* RTC status register A */
	mkx_log("RTC status A = 0x%02x", mkx_inb(&p, 0x71));
	err = mkx_session_call(&p.s, MKX_IO_PORT_IN, &rq, sizeof rq, NULL, 0, &reply);
	mkx_log("raw read of 0x72 through the session: %s", strerror(-err));
	ok &= err == -ERANGE;
	mkx_outb(&p, 0x70, 0x0a);
	ok &= mkx_inb(&p, 0x71) != 0xff;	/* still served after the refusal */
	mkx_log(ok ? "intruder: every refusal came, and core still serves me"
	    : "intruder: a refusal is missing");
	mkx_exit(ok ? 0 : 1);
}
