/*
 * A hostile driver against the platform driver's refusal to hand a
 * released device to another client while the first still maps it
 * (pci/, core's IO_MEM HOLDERS, which reads the children's /proc fd and
 * maps). <config attack="bar_inflight"/>: acquire the edu, map BAR0, put
 * the BAR's fd in flight (SCM_RIGHTS into a socket pair we keep), unmap
 * and close every other copy, release; once the next driver had time to
 * acquire it, take the fd back, map it and read the edu's liveness
 * register, which the next driver set. <config attack="bar_victim"
 * ms="1500" wait_ms="10000"/>: that next driver: it asks after ms and
 * retries for wait_ms while refused (-EBUSY), saying each new reason once.
 * The thief's line: "probe bar_inflight: refused|HOLE|inconclusive: ...";
 * inconclusive when its set-up failed (no BAR0 to start with, the fd never
 * in flight or never back, an mmap error that is no refusal): nothing was
 * shown, and the scenario fails on it. The victim says "inconclusive" too
 * when it could not even ask.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/log.h>
#include <mkx/platform.h>
#include <mkx/rom.h>
#include <mkx/rpc.h>
#include <mkx/session.h>

#define EDU_LIVENESS	0x04	/* reads back the bitwise NOT of what was written */
#define MARK		0x6d6b1234u	/* what the victim writes */

static const char *dev = "00:03.0";

static void
bar_inflight(unsigned long wait_ms)
{
	static struct mkx_msg m;
	struct mkx_platform p;
	struct mkx_io_mem bar;
	struct mkx_io_mem_ds ds;
	char why[256];
	int sv[2], err, fd;
	volatile uint32_t *r;
	void *map;

	if ((err = mkx_platform_open(&p, "drv", why, sizeof why)) ||
	    (err = mkx_platform_acquire(&p, dev, why, sizeof why)) ||
	    (err = mkx_platform_io_mem(&p, dev, 0, &bar, why, sizeof why))) {
		mkx_log("probe bar_inflight: inconclusive: no BAR0 of %s to start with: %s", dev, why);
		return;
	}
	ds = bar.ds;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) ||
	    mkx_rpc_send(sv[0], 1, 0, 0, NULL, 0, &bar.fd, 1)) {
		mkx_log("probe bar_inflight: inconclusive: could not put the fd in flight");
		return;
	}
	munmap(bar.map, bar.ds.length);
	close(bar.fd);
	mkx_platform_release(&p, dev);
	mkx_log("probe bar_inflight: released %s; BAR0 unmapped, its only fd in flight", dev);
	mkx_log_flush();
	usleep(wait_ms * 1000);
	if (mkx_rpc_recv(sv[1], &m) || (fd = mkx_msg_take_fd(&m, 0)) < 0) {
		mkx_log("probe bar_inflight: inconclusive: the fd did not come back");
		return;
	}
	map = mmap(NULL, ds.length, PROT_READ, MAP_SHARED, fd, (off_t)ds.offset);
	if (map == MAP_FAILED) {
		/* only the kernel's permission check is a refusal */
		mkx_log("probe bar_inflight: %s: mapping the fd again: %s",
		    errno == EPERM || errno == EACCES ? "refused" : "inconclusive", strerror(errno));
		return;
	}
	r = (volatile uint32_t *)((char *)map + ds.page_offset);
	if (r[EDU_LIVENESS / 4] == ~MARK)
		mkx_log("probe bar_inflight: HOLE: BAR0 of %s mapped again from the fd kept in flight: its liveness "
		    "register reads 0x%08x, what the next driver wrote (0x%08x) inverted", dev, r[EDU_LIVENESS / 4],
		    MARK);
	else
		mkx_log("probe bar_inflight: refused: BAR0 mapped again, but not the next driver's: liveness 0x%08x",
		    r[EDU_LIVENESS / 4]);
}

static void
bar_victim(unsigned long delay_ms, unsigned long wait_ms)
{
	struct mkx_platform p;
	struct mkx_io_mem bar;
	char why[256], last[256] = "";
	int err;
	unsigned long waited = 0;

	usleep(delay_ms * 1000);
	if ((err = mkx_platform_open(&p, "drv", why, sizeof why))) {
		mkx_log("probe bar_victim: inconclusive: no Platform session: %s", why);
		return;
	}
	/* Bounded: the device is ours once the thief has exited, or the test has failed. */
	while ((err = mkx_platform_acquire(&p, dev, why, sizeof why)) == -EBUSY && waited < wait_ms) {
		if (strcmp(last, why)) {	/* each new reason once */
			mkx_log("probe bar_victim: acquire %s busy: %s", dev, why);
			snprintf(last, sizeof last, "%s", why);
		}
		usleep(100000);
		waited += 100;
	}
	if (err) {
		mkx_log("probe bar_victim: acquire %s refused after %lu ms: %s", dev, waited, why);
		return;
	}
	if ((err = mkx_platform_io_mem(&p, dev, 0, &bar, why, sizeof why))) {
		mkx_log("probe bar_victim: inconclusive: acquired %s, but no BAR0: %s", dev, why);
		return;
	}
	((volatile uint32_t *)bar.va)[EDU_LIVENESS / 4] = MARK;
	mkx_log("probe bar_victim: acquired %s after %lu ms and wrote 0x%08x to its liveness register", dev,
	    waited, MARK);
	mkx_log_flush();
	/* Held long enough for a thief that got it too early to look (its HOLE line fails the test). */
	sleep(3);
	mkx_io_mem_close(&bar);
	mkx_platform_release(&p, dev);
}

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	const char *attack;
	unsigned long ms = 0, wait_ms = 0;

	if (mkx_env_init() || !(cfg = mkx_config(&rom)))
		return 1;
	attack = mkx_xml_attr(cfg, "attack");
	mkx_xml_attr_ulong(cfg, "ms", 3000, &ms);
	mkx_xml_attr_ulong(cfg, "wait_ms", 10000, &wait_ms);
	if (attack && !strcmp(attack, "bar_inflight"))
		bar_inflight(ms);
	else if (attack && !strcmp(attack, "bar_victim"))
		bar_victim(ms, wait_ms);
	else {
		mkx_log("probe_platform: unknown attack \"%s\"", attack ? attack : "");
		return 2;
	}
	mkx_log_flush();
	mkx_xml_free(cfg);
	mkx_rom_close(&rom);
	return 0;
}
