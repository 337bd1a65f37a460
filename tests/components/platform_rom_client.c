/*
 * Test component: a client of the ROM-fed platform driver (pci/platform_serve.c),
 * for Genode's session semantics.
 * <config mode="single|hold|wait|watch" device="00:01.0" type="" hold_ms="1500" delay_ms="0" wait_ms="20000" port="0"/>
 *   single: acquire_single_device; its I/O port range `port` and its first interrupt
 *           (with type="x": device_by_type instead, and nothing more), after delay_ms
 *   hold:   acquire device, map its io_mem 0, hold it hold_ms, exit
 *   wait:   after delay_ms, acquire device waiting on the session's signal
 *           (mkx_platform_acquire_wait): how many ACQUIRE requests it took
 *   watch:  acquire device, map io_mem 0, then wait for the signal; say
 *           whether the device is still in the document and usable; keep
 *           the old mapping hold_ms more, then exit
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/io_port.h>
#include <mkx/irq.h>
#include <mkx/log.h>
#include <mkx/platform.h>
#include <mkx/rom.h>

static char mode[16] = "single", device[64] = "00:01.0", type[32];
static unsigned long hold_ms = 1500, delay_ms, wait_ms = 20000, port;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
single(struct mkx_platform *p)
{
	struct mkx_io_port io;
	struct mkx_irq irq;
	char name[64], why[400] = "";
	uint32_t v = 0;
	int err;

	usleep(delay_ms * 1000);
	err = mkx_platform_acquire_any(p, type[0] ? type : NULL, name, sizeof name, why, sizeof why);

	if (type[0]) {
		mkx_log("device_by_type %s: %s", type, err ? why : name);
		return err != 0;
	}
	if (err) {
		mkx_log("acquire_single_device refused: %s", why);
		return 0;	/* the refusal is what a test looks for */
	}
	mkx_log("acquire_single_device: %s", name);
	if ((err = mkx_platform_io_port(p, name, (unsigned)port, &io, why, sizeof why))) {
		mkx_log("%s io_port_range %lu refused: %s", name, port, why);
		return 1;
	}
	err = mkx_io_port_in(&io, (unsigned)io.base, 1, &v);
	mkx_log("%s io_port_range %lu: IO_PORT session 0x%x+%u, inb 0x%x: %s", name, port, (unsigned)io.base,
	    (unsigned)io.size, (unsigned)io.base, err ? strerror(-err) : "read");
	if (!err)
		mkx_log("%s: port 0x%x reads 0x%02x", name, (unsigned)io.base, (unsigned)v & 0xff);
	mkx_io_port_close(&io);
	if ((err = mkx_platform_irq(p, name, 0, &irq, why, sizeof why)))
		mkx_log("%s irq 0: %s", name, why);
	else {
		mkx_log("%s irq 0: IRQ session at core", name);
		mkx_irq_close(&irq);
	}
	return 0;
}

static int
hold(struct mkx_platform *p)
{
	struct mkx_io_mem m;
	char why[400] = "";
	int err = mkx_platform_acquire(p, device, why, sizeof why);

	if (err) {
		mkx_log("acquire %s refused: %s", device, why);
		return 1;
	}
	if ((err = mkx_platform_io_mem(p, device, 0, &m, why, sizeof why))) {
		mkx_log("%s io_mem 0 refused: %s", device, why);
		return 1;
	}
	mkx_log("holding %s (io_mem 0: %llu bytes mapped) for %lu ms", device, (unsigned long long)m.ds.length,
	    hold_ms);
	usleep(hold_ms * 1000);
	mkx_log("exiting with %s held", device);
	return 0;
}

static int
wait_for(struct mkx_platform *p)
{
	char why[400] = "";
	unsigned requests = 0;
	int fd, err;
	double t0;

	if ((err = mkx_platform_sigh(p, &fd))) {
		mkx_log("SIGH refused: %s", strerror(-err));
		return 1;
	}
	usleep(delay_ms * 1000);
	t0 = now_ms();
	err = mkx_platform_acquire_wait(p, fd, device, (int)wait_ms, &requests, why, sizeof why);
	if (err) {
		mkx_log("acquire %s (waiting) failed after %u requests: %s", device, requests, err == -ETIMEDOUT ?
		    "timed out" : why);
		return 1;
	}
	mkx_log("acquired %s after waiting %.0f ms: %u ACQUIRE requests", device, now_ms() - t0, requests);
	mkx_platform_release(p, device);
	close(fd);
	return 0;
}

static int
watch(struct mkx_platform *p)
{
	struct pollfd pfd;
	struct mkx_io_mem m, m2;
	char why[400] = "", *xml = NULL, pat[96];
	size_t len;
	unsigned signals = 0;
	int fd, err, listed;

	if ((err = mkx_platform_sigh(p, &fd)) || (err = mkx_platform_acquire(p, device, why, sizeof why)) ||
	    (err = mkx_platform_io_mem(p, device, 0, &m, why, sizeof why))) {
		mkx_log("watch: %s: %s", device, why[0] ? why : strerror(-err));
		return 1;
	}
	mkx_log("acquired %s, io_mem 0 mapped; waiting for a change of the devices ROM", device);
	snprintf(pat, sizeof pat, "<device name=\"%s\"", device);
	pfd = (struct pollfd){ fd, POLLIN, 0 };
	for (;;) {
		uint64_t v;

		if (poll(&pfd, 1, (int)wait_ms) != 1) {
			mkx_log("no signal within %lu ms", wait_ms);
			return 1;
		}
		while (read(fd, &v, sizeof v) == sizeof v)
			;
		signals++;
		err = mkx_platform_devices(p, &xml, &len);
		listed = !err && strstr(xml, pat);
		free(xml);
		if (err || !listed)
			break;
	}
	mkx_log("devices ROM changed (%u signals): %s %s", signals, device, err ? "(no document: policy gone)" :
	    "no longer listed");
	err = mkx_platform_io_mem(p, device, 0, &m2, why, sizeof why);
	mkx_log("io_mem 0 of %s again: %s", device, err ? why : "GRANTED");
	if (!err)
		mkx_io_mem_close(&m2);
	/* Still mapping what it got (Linux cannot revoke it): nobody else may have the device meanwhile. */
	mkx_log("keeping the old mapping of %s for %lu ms, then exiting", device, hold_ms);
	usleep(hold_ms * 1000);
	mkx_io_mem_close(&m);
	return 0;
}

int
main(void)
{
	struct mkx_rom cfg_rom;
	struct mkx_xml *cfg;
	struct mkx_platform p;
	char why[256] = "";
	int rc;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&cfg_rom))) {
		if (mkx_xml_attr(cfg, "mode"))
			snprintf(mode, sizeof mode, "%s", mkx_xml_attr(cfg, "mode"));
		if (mkx_xml_attr(cfg, "type"))
			snprintf(type, sizeof type, "%s", mkx_xml_attr(cfg, "type"));
		if (mkx_xml_attr(cfg, "device"))
			snprintf(device, sizeof device, "%s", mkx_xml_attr(cfg, "device"));
		mkx_xml_attr_ulong(cfg, "hold_ms", 1500, &hold_ms);
		mkx_xml_attr_ulong(cfg, "delay_ms", 0, &delay_ms);
		mkx_xml_attr_ulong(cfg, "wait_ms", 20000, &wait_ms);
		mkx_xml_attr_ulong(cfg, "port", 0, &port);
		mkx_xml_free(cfg);
		mkx_rom_close(&cfg_rom);
	}
	if (mkx_platform_open(&p, "drv", why, sizeof why)) {
		mkx_log("Platform session refused: %s", why);
		return 1;
	}
	rc = !strcmp(mode, "single") ? single(&p) : !strcmp(mode, "hold") ? hold(&p) : !strcmp(mode, "wait") ?
	    wait_for(&p) : !strcmp(mode, "watch") ? watch(&p) : (mkx_log("unknown mode \"%s\"", mode), 1);
	mkx_platform_close(&p);
	mkx_exit(rc);
}
