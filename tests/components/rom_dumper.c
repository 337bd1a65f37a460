/*
 * Test component: logs documents whole, line by line, for a host check that
 * parses them (scenario genode_formats): each <rom name="..."/> of its config
 * (waiting for a report to be published, at most wait_ms), and with
 * <platform/> its Platform session's devices document. Each line is logged as
 * "NAME| <line>", then "NAME: end, N bytes".
 */
#include <string.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/platform.h>
#include <mkx/rom.h>

static void
dump(const char *name, const char *data, size_t size)
{
	size_t at = 0;

	while (at < size) {
		const char *nl = memchr(data + at, '\n', size - at);
		size_t len = nl ? (size_t)(nl - (data + at)) : size - at;

		mkx_log("%s| %.*s", name, (int)len, data + at);
		at += len + 1;
	}
	mkx_log("%s: end, %zu bytes", name, size);
}

static int
dump_rom(const char *name, unsigned long wait_ms)
{
	struct mkx_rom rom;
	unsigned long waited = 0;

	while (mkx_rom_try_open(&rom, name)) {
		if (waited >= wait_ms) {
			mkx_error("ROM %s: not there after %lu ms", name, wait_ms);
			return -1;
		}
		usleep(50000);
		waited += 50;
	}
	dump(name, rom.data, rom.size);
	mkx_rom_close(&rom);
	return 0;
}

static int
dump_platform(void)
{
	struct mkx_platform p;
	char why[256] = "", *xml;
	size_t len;

	if (mkx_platform_open(&p, "rom_dumper", why, sizeof why) || mkx_platform_devices(&p, &xml, &len)) {
		mkx_error("Platform session: %s", why[0] ? why : "no devices document");
		return -1;
	}
	dump("session", xml, len);
	return 0;
}

int
main(void)
{
	struct mkx_rom cfg_rom;
	struct mkx_xml *cfg;
	unsigned long wait_ms = 60000;
	int err = 0;

	if (mkx_env_init())
		return 1;
	if (!(cfg = mkx_config(&cfg_rom))) {
		mkx_error("no config");
		mkx_exit(1);
	}
	mkx_xml_attr_ulong(cfg, "wait_ms", 60000, &wait_ms);
	for (struct mkx_xml *c = cfg->child; c; c = c->next)
		if (!strcmp(c->name, "rom") && mkx_xml_attr(c, "name"))
			err |= dump_rom(mkx_xml_attr(c, "name"), wait_ms);
		else if (!strcmp(c->name, "platform"))
			err |= dump_platform();
	mkx_xml_free(cfg);
	mkx_rom_close(&cfg_rom);
	mkx_exit(err ? 1 : 0);
}
