/*
 * dma_punch: issue 22's DMA attacks, in QEMU without an IOMMU, through
 * Platform sessions (scenario dma_punch, docs/scenarios/dma_punch.md).
 * Two roles, each with its own edu (QEMU's DMA test device) and its own
 * Platform session; they take turns through reports.
 *
 * role="attacker" (finding 1, then finding 2):
 *  1. Three 2 MiB buffers A, B, C. It punches A's pages out of A's file
 *     (fallocate PUNCH_HOLE) and B's out of its mapping (madvise
 *     MADV_REMOVE), reports their bus addresses (punch_ready) and waits
 *     for the victim's buffers (punch_victim).
 *  2. Its device writes a pattern to A's and B's bus addresses and reads
 *     it back from there into C: it reaches the pages it was given, and
 *     they still hold what it wrote (punch_written).
 *  3. Once the victim checked (punch_checked): frees A, B and C, then
 *     takes 2 MiB buffers, keeps each mapped and FREEs it, until refused
 *     (at most 7): the Platform session's donation must bound them
 *     (quota_done), and the victim must still get a buffer (quota_checked).
 *  4. Releases its device (core's session ends: bus master off, the
 *     punched pages go back to the pool) and exits.
 *
 * role="victim": waits for punch_ready, takes two 2 MiB buffers: each
 * must lie apart from every live buffer of the attacker (at 72a1639 the
 * first got A's page). Fills them, reports punch_victim, and after
 * punch_written checks every byte is unchanged (the attacker's device
 * wrote elsewhere). After quota_done it asks for a third buffer, which
 * its own donation covers: granted (at 72a1639 refused: the attacker's
 * kept buffers had spent the platform driver's quantum).
 *
 * Each check that does not hold logs an error and the component exits 1.
 * A setup that fails (a session, a buffer, the engine) is an error too:
 * inconclusive is failed.
 *
 * Config: <config role="attacker|victim" pci="00:03.0" platform_ram="6291456"/>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/dma.h>
#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/log.h>
#include <mkx/platform.h>
#include <mkx/report.h>
#include <mkx/rom.h>

/* QEMU's edu DMA engine (QEMU docs/specs/edu.rst), BAR0. */
#define SRC		0x80
#define DST		0x88
#define COUNT		0x90
#define CMD		0x98
#define CMD_START	0x1
#define CMD_TO_RAM	0x2	/* direction bit set: device buffer -> RAM */
#define DEV_BUF		0x40000	/* the engine's own 4 KiB buffer, as a DMA address */
#define LEN		4088u	/* QEMU 7.2 aborts on a transfer ending exactly at the end of DEV_BUF */
#define BUF		(2u << 20)
#define KEEP_MAX	7

static struct mkx_io_mem bar;
static int bad;

#define FAIL(...) do { mkx_error(__VA_ARGS__); bad = 1; } while (0)

static int
transfer(uint64_t src, uint64_t dst, uint32_t cmd)
{
	mkx_mmio_write32(&bar, SRC, (uint32_t)src);
	mkx_mmio_write32(&bar, SRC + 4, (uint32_t)(src >> 32));
	mkx_mmio_write32(&bar, DST, (uint32_t)dst);
	mkx_mmio_write32(&bar, DST + 4, (uint32_t)(dst >> 32));
	mkx_mmio_write32(&bar, COUNT, LEN);
	mkx_mmio_write32(&bar, CMD, cmd | CMD_START);
	for (int i = 0; i < 3000; i++) {
		if (!(mkx_mmio_read32(&bar, CMD) & CMD_START))
			return 0;
		usleep(1000);
	}
	mkx_error("the edu DMA engine did not finish (0x%" PRIx64 " -> 0x%" PRIx64 ")", src, dst);
	return -ETIMEDOUT;
}

static int
report(const char *name, const char *doc)
{
	static struct mkx_report r[8];
	static unsigned n;
	char why[256] = "";

	if (n == 8 || mkx_report_open(&r[n], name, why, sizeof why) || mkx_report_submit(&r[n], doc, strlen(doc))) {
		mkx_error("report \"%s\": %s", name, why);
		return -EIO;
	}
	n++;	/* left open: core keeps a report while its session lives */
	return 0;
}

/* Attribute attr of report name, once it is there (up to 120 s); 0 if none. */
static uint64_t
wait_report(const char *name, const char *attr)
{
	struct mkx_rom rom;
	struct mkx_xml *x;
	unsigned long v = 0;
	char err[128];

	for (int i = 0; i < 480; i++) {
		if (!mkx_rom_try_open(&rom, name)) {
			if ((x = mkx_xml_parse(rom.data, rom.size, err, sizeof err))) {
				if (attr)
					mkx_xml_attr_ulong(x, attr, 0, &v);
				mkx_xml_free(x);
			}
			mkx_rom_close(&rom);
			return attr ? v : 1;
		}
		usleep(250000);
	}
	mkx_error("no report \"%s\" within 120 s", name);
	return 0;
}

static int
open_platform(struct mkx_platform *p, struct mkx_dma *dma, const char *label, const char *pci, unsigned long ram,
    int engine)
{
	char why[512] = "";

	if (mkx_platform_open_ram(p, label, ram, why, sizeof why) || mkx_platform_acquire(p, pci, why, sizeof why) ||
	    (engine && mkx_platform_io_mem(p, pci, 0, &bar, why, sizeof why)) ||
	    mkx_dma_open_platform(dma, p, pci, why, sizeof why)) {
		mkx_error("%s through the Platform session: %s", pci, why);
		return -EIO;
	}
	return 0;
}

static int
take(struct mkx_dma *dma, struct mkx_dma_buffer *b, const char *what)
{
	char why[512] = "";

	if (mkx_dma_alloc(dma, BUF, b, why, sizeof why)) {
		mkx_error("buffer %s: %s", what, why);
		return -EIO;
	}
	return 0;
}

static int
overlaps(uint64_t a, uint64_t b)
{
	return a < b + BUF && b < a + BUF;
}

static void
fill(uint8_t *p, unsigned seed)
{
	uint32_t x = 0x9e3779b9u * (seed + 1);

	for (unsigned i = 0; i < LEN; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

static int
attacker(const char *pci, unsigned long ram)
{
	static uint8_t want[LEN];
	struct mkx_dma_buffer a, b, c, k[KEEP_MAX];
	struct mkx_platform p;
	struct mkx_dma dma;
	char doc[160], why[512] = "";
	unsigned kept = 0;
	int err;

	if (open_platform(&p, &dma, "punch_a", pci, ram, 1) || take(&dma, &a, "A") || take(&dma, &b, "B") ||
	    take(&dma, &c, "C"))
		return 1;
	memset(a.va, 0x11, BUF);
	memset(b.va, 0x22, BUF);
	if (fallocate(a.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t)a.size) ||
	    madvise(b.va, b.size, MADV_REMOVE)) {
		mkx_error("the punch itself failed (%s): inconclusive", strerror(errno));
		return 1;
	}
	mkx_log("punch_a: %s: punched buffer %u (bus 0x%" PRIx64 ") with fallocate(PUNCH_HOLE) and buffer %u (bus 0x%"
	    PRIx64 ") with madvise(MADV_REMOVE); buffer %u at 0x%" PRIx64 " untouched", pci, a.id, a.bus, b.id, b.bus,
	    c.id, c.bus);
	snprintf(doc, sizeof doc, "<ready a=\"0x%" PRIx64 "\" b=\"0x%" PRIx64 "\" c=\"0x%" PRIx64 "\"/>", a.bus, b.bus,
	    c.bus);
	if (report("punch_ready", doc) || !wait_report("punch_victim", "v1"))
		return 1;

	/* Our device writes to the punched buffers' bus addresses, then reads each back into C. */
	for (unsigned i = 0; i < 2; i++) {
		uint64_t to = i ? b.bus : a.bus;
		long at = -1;

		fill(want, i);
		memcpy(c.va, want, LEN);
		memset((uint8_t *)c.va + 0x1000, 0, LEN);
		memset((uint8_t *)c.va + 0x2000, 0xee, LEN);
		/* RAM -> engine -> the punched bus address; the engine overwritten from C; back from there. */
		if (transfer(c.bus, DEV_BUF, 0) || transfer(DEV_BUF, to, CMD_TO_RAM) ||
		    transfer(c.bus + 0x2000, DEV_BUF, 0) ||
		    transfer(to, DEV_BUF, 0) || transfer(DEV_BUF, c.bus + 0x1000, CMD_TO_RAM))
			return 1;
		for (unsigned j = 0; j < LEN && at < 0; j++)
			if (((uint8_t *)c.va)[0x1000 + j] != want[j])
				at = j;
		if (at >= 0)
			FAIL("punch_a: %u bytes written to 0x%" PRIx64 " did not read back from there (byte %ld): the page "
			    "under that bus address changed hands", LEN, to, at);
		else
			mkx_log("punch_a: device %s wrote %u bytes to punched buffer %u's bus address 0x%" PRIx64 " and read "
			    "them back from there, byte by byte", pci, LEN, i ? b.id : a.id, to);
	}
	if (report("punch_written", "<written/>") || !wait_report("punch_checked", NULL))
		return 1;

	/* Finding 2: freed buffers we keep mapped count against our donation until core released them. */
	mkx_dma_free(&dma, &a, why, sizeof why);
	mkx_dma_free(&dma, &b, why, sizeof why);
	mkx_dma_free(&dma, &c, why, sizeof why);
	for (kept = 0; kept < KEEP_MAX; kept++) {
		if ((err = mkx_dma_alloc(&dma, BUF, &k[kept], why, sizeof why)))
			break;
		memset(k[kept].va, 0x33, BUF);
		if (mkx_dma_free_id(&dma, k[kept].id, why, sizeof why)) {
			mkx_error("punch_a: FREE of buffer %u: %s", k[kept].id, why);
			return 1;
		}
	}
	if (kept == KEEP_MAX)
		FAIL("punch_a: kept %u freed buffers of 2 MiB mapped on a donation of %lu KiB: none refused", kept,
		    ram >> 10);
	else
		mkx_log("punch_a: kept %u freed buffer(s) of 2 MiB mapped on a donation of %lu KiB; the next: %s: %s",
		    kept, ram >> 10, strerror(-err), why);
	if (report("quota_done", "<done/>") || !wait_report("quota_checked", NULL))
		return 1;
	/* Release: the platform driver quiesces, core's session ends with bus master off. */
	mkx_io_mem_close(&bar);
	mkx_platform_release(&p, pci);
	mkx_platform_close(&p);
	mkx_log("punch_a: released %s; still mapping %u freed buffer(s) for a second", pci, kept);
	sleep(1);
	return bad;
}

static int
victim(const char *pci, unsigned long ram)
{
	struct mkx_dma_buffer v[3];
	struct mkx_platform p;
	struct mkx_dma dma;
	uint64_t live[3];
	char doc[128], why[512] = "";
	int err;

	if (open_platform(&p, &dma, "punch_b", pci, ram, 0) || !(live[0] = wait_report("punch_ready", "a")) ||
	    !(live[1] = wait_report("punch_ready", "b")) || !(live[2] = wait_report("punch_ready", "c")))
		return 1;
	if (take(&dma, &v[0], "1") || take(&dma, &v[1], "2"))
		return 1;
	for (unsigned i = 0; i < 2; i++) {
		memset(v[i].va, 0x5a, v[i].size);
		for (unsigned j = 0; j < 3; j++)
			if (overlaps(v[i].bus, live[j]))
				FAIL("punch_b: my buffer %u at bus 0x%" PRIx64 " is the page of punch_a's live buffer at 0x%"
				    PRIx64, v[i].id, v[i].bus, live[j]);
	}
	if (!bad)
		mkx_log("punch_b: %s: my buffers %u at 0x%" PRIx64 " and %u at 0x%" PRIx64 " lie apart from every live "
		    "buffer of punch_a (0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ")", pci, v[0].id, v[0].bus, v[1].id,
		    v[1].bus, live[0], live[1], live[2]);
	snprintf(doc, sizeof doc, "<victim v1=\"0x%" PRIx64 "\" v2=\"0x%" PRIx64 "\"/>", v[0].bus, v[1].bus);
	if (report("punch_victim", doc) || !wait_report("punch_written", NULL))
		return 1;
	for (unsigned i = 0; i < 2; i++)
		for (size_t off = 0; off < v[i].size; off++)
			if (((uint8_t *)v[i].va)[off] != 0x5a) {
				FAIL("punch_b: my buffer %u (bus 0x%" PRIx64 ") changed at byte 0x%zx (0x%02x) after "
				    "punch_a's device wrote to its punched buffers", v[i].id, v[i].bus, off,
				    ((uint8_t *)v[i].va)[off]);
				break;
			}
	if (!bad)
		mkx_log("punch_b: my buffers unchanged byte by byte (2 x 2 MiB) after punch_a's device wrote to its "
		    "punched buffers");
	if (report("punch_checked", "<checked/>") || !wait_report("quota_done", NULL))
		return 1;
	if ((err = mkx_dma_alloc(&dma, BUF, &v[2], why, sizeof why)))
		FAIL("punch_b: a third buffer, within my donation, while punch_a keeps freed buffers: %s: %s",
		    strerror(-err), why);
	else
		mkx_log("punch_b: a third buffer, within my donation, while punch_a keeps freed buffers: granted, %u at "
		    "0x%" PRIx64, v[2].id, v[2].bus);
	if (report("quota_checked", "<checked/>"))
		return 1;
	for (unsigned i = 0; i < (err ? 2u : 3u); i++)
		mkx_dma_free(&dma, &v[i], why, sizeof why);
	mkx_platform_release(&p, pci);
	mkx_platform_close(&p);
	return bad;
}

int
main(void)
{
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	char role[16] = "", pci[16] = "00:03.0";
	unsigned long ram = 6ul << 20;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom))) {
		if (mkx_xml_attr(cfg, "role"))
			snprintf(role, sizeof role, "%s", mkx_xml_attr(cfg, "role"));
		if (mkx_xml_attr(cfg, "pci"))
			snprintf(pci, sizeof pci, "%s", mkx_xml_attr(cfg, "pci"));
		mkx_xml_attr_ulong(cfg, "platform_ram", ram, &ram);
		mkx_xml_free(cfg);
		mkx_rom_close(&rom);
	}
	if (!strcmp(role, "attacker"))
		mkx_exit(attacker(pci, ram));
	if (!strcmp(role, "victim"))
		mkx_exit(victim(pci, ram));
	mkx_error("config: role=\"%s\": attacker or victim", role);
	mkx_exit(1);
}
