/*
 * Reset on release (pci/reset.c) on simulated config space: a wrapper
 * around the dump simulation plays the function's reset behaviour (FLR
 * and D3hot->D0 clear the header as hardware does), so a test fails if
 * the reset is not initiated, not waited for, or the header not restored.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "../../pci/quiesce.h"
#include "../../pci/reset.h"
#include "../../pci/sim.h"

#define EXP	0x40	/* PCIe capability */
#define PM	0x60	/* PM capability */

static struct dev {
	struct pci_sim	sim;
	int		flr_cap, pm_cap, nsr;	/* what the function offers */
	int		vanish_on_flr, pending_forever, refuse_d3, bar_stuck;
	unsigned	flrs, soft_resets, d3_seen;
} d;

static struct pci_sim_fn *
me(void)
{
	return &d.sim.fn[0];
}

static void
wr(unsigned off, unsigned width, uint32_t v)
{
	for (unsigned i = 0; i < width; i++)
		me()->cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t
rd(unsigned off, unsigned width)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)me()->cfg[off + i] << (8 * i);
	return v;
}

/* What a conventional reset leaves: no decode, BARs zero (type bits stay), defaults elsewhere. */
static void
hw_reset(void)
{
	wr(0x04, 2, 0);
	wr(0x10, 4, d.bar_stuck ? 0 : rd(0x10, 4) & 0xf);
	wr(0x0c, 1, 0);
	wr(0x0d, 1, 0);
	wr(0x3c, 1, 0);
	wr(EXP + 0x08, 2, 0x2810);
	wr(EXP + 0x28, 2, 0);
	if (d.bar_stuck)
		me()->bar_size[0] = 0;	/* takes no address any more */
}

static int
dev_read(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t *val)
{
	int err = pci_cfg_sim.read(ctx, a, off, width, val);

	if (!err && off == EXP + 0x0a && width == 2 && d.pending_forever && !me()->gone)
		*val |= 0x0020;
	return err;
}

static int
dev_write(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t v)
{
	if (me()->gone)
		return pci_cfg_sim.write(ctx, a, off, width, v);
	if ((off == 0x0c || off == 0x0d || off == 0x3c) && width == 1) {
		wr(off, 1, v);
		return 0;
	}
	if (off == EXP + 0x08 && width == 2) {
		if ((v & 0x8000) && d.flr_cap) {
			d.flrs++;
			hw_reset();
			if (d.vanish_on_flr)
				me()->gone = 1;
			return 0;
		}
		wr(off, 2, v & 0x7fff);
		return 0;
	}
	if (off == EXP + 0x28 && width == 2) {
		wr(off, 2, v);
		return 0;
	}
	if (off == PM + 4 && width == 2 && d.pm_cap) {
		unsigned from = rd(off, 2) & 3, to = v & 3;

		if (d.refuse_d3)
			return 0;
		if (to == 3)
			d.d3_seen++;
		wr(off, 2, (rd(off, 2) & ~3u) | to);
		if (from == 3 && to == 0 && !d.nsr) {
			d.soft_resets++;
			hw_reset();
		}
		return 0;
	}
	return pci_cfg_sim.write(ctx, a, off, width, v);
}

static const struct pci_cfg_ops dev_ops = { "test", dev_read, dev_write, NULL };
static const struct pci_cfg cfg = { &dev_ops, &d.sim };

/* A function as the firmware left it: BAR0 0xfebf0000 (4K), decode on, the caps asked for. */
static struct pci_fn
setup(int flr, int pm, int nsr)
{
	struct pci_fn f;
	struct pci_sim_fn *s;

	memset(&d, 0, sizeof d);
	d.flr_cap = flr, d.pm_cap = pm, d.nsr = nsr;
	pci_sim_init(&d.sim);
	s = pci_sim_add(&d.sim, (struct pci_addr){ 0, 0, 3, 0 }, NULL, 4096);
	s->bar_size[0] = 0x1000;
	wr(0x00, 4, 0x11e81234);
	wr(0x04, 2, 0x0106);
	wr(0x10, 4, 0xfebf0000);
	wr(0x0c, 1, 0x10);
	wr(0x0d, 1, 0x20);
	wr(0x3c, 1, 0x0b);
	memset(&f, 0, sizeof f);
	f.a = s->a;
	f.vendor = 0x1234;
	f.device = 0x11e8;
	f.command = 0x0106;	/* the firmware left bus mastering and SERR# on */
	f.bar[0] = (struct pci_bar){ PCI_BAR_MEM32, 0, 0xfebf0000, 0x1000, 0 };
	if (flr || pm) {
		wr(0x06, 2, 0x0010);
		wr(0x34, 1, EXP);
		wr(EXP, 2, 0x0010 | (pm ? PM << 8 : 0));
		wr(EXP + 0x02, 2, 0x0002);			/* version 2: Device Control 2 exists */
		wr(EXP + 0x04, 4, flr ? 1u << 28 : 0);
		wr(EXP + 0x08, 2, 0x2850);			/* what firmware set: MPS, MRRS */
		wr(EXP + 0x28, 2, 0x0006);
		f.cap[f.ncap++] = (struct pci_cap){ EXP, 0x10, 0 };
		if (pm) {
			wr(PM, 2, 0x0001);
			wr(PM + 2, 2, 0x0003);
			wr(PM + 4, 2, nsr ? 0x0008 : 0);
			f.cap[f.ncap++] = (struct pci_cap){ PM, 0x01, 0 };
		}
	}
	return f;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static int
release_reset(struct pci_fn *f, enum pci_reset_method *m, char *line, size_t len, long *ms)
{
	struct timespec t0;
	uint16_t cmd;
	int err;

	CHECK_INT(pci_fn_enable(&cfg, f, &cmd), 0);
	CHECK_INT(pci_fn_quiesce(&cfg, f, &cmd), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = pci_fn_reset(&cfg, f, &pci_reset_spec, m, line, len);
	*ms = ms_since(&t0);
	return err;
}

TEST(reset_flr_then_firmware_config_restored)
{
	struct pci_fn f = setup(1, 1, 0);
	enum pci_reset_method m;
	char line[320];
	long ms;

	CHECK_INT(release_reset(&f, &m, line, sizeof line, &ms), 0);
	CHECK_INT(m, PCI_RESET_FLR);
	CHECK_INT(d.flrs, 1);
	CHECK_INT(d.soft_resets, 0);		/* FLR preferred over D3hot/D0 */
	CHECK(ms >= 100);			/* the spec's 100 ms after FLR */
	CHECK_STR_HAS(line, "FLR (the header was cleared by it), firmware's config restored and verified");
	CHECK_INT(rd(0x10, 4), 0xfebf0000);
	CHECK_INT(rd(0x04, 2), 0x0502);		/* firmware's decode and SERR#, bus master off, INTx disabled */
	CHECK_INT(rd(0x0c, 1), 0x10);
	CHECK_INT(rd(0x0d, 1), 0x20);
	CHECK_INT(rd(0x3c, 1), 0x0b);
	CHECK_INT(rd(EXP + 0x08, 2), 0x2850);
	CHECK_INT(rd(EXP + 0x28, 2), 0x0006);
	pci_sim_free(&d.sim);
}

TEST(reset_d3hot_d0_when_no_flr)
{
	struct pci_fn f = setup(0, 1, 0);
	enum pci_reset_method m;
	char line[320];
	long ms;

	CHECK_INT(release_reset(&f, &m, line, sizeof line, &ms), 0);
	CHECK_INT(m, PCI_RESET_PM);
	CHECK_INT(d.d3_seen, 1);
	CHECK_INT(d.soft_resets, 1);
	CHECK(ms >= 20);			/* 10 ms after each transition */
	CHECK_STR_HAS(line, "D3hot/D0 (the header was cleared by it), firmware's config restored and verified");
	CHECK_INT(rd(0x10, 4), 0xfebf0000);
	CHECK_INT(rd(0x04, 2), 0x0502);
	CHECK_INT(rd(0x3c, 1), 0x0b);
	CHECK_INT(rd(PM + 4, 2) & 3, 0);	/* back in D0 */
	pci_sim_free(&d.sim);
}

TEST(reset_none_with_no_soft_reset_or_no_caps)
{
	struct pci_fn f = setup(0, 1, 1);
	enum pci_reset_method m;
	char line[320];
	long ms;

	CHECK_INT(release_reset(&f, &m, line, sizeof line, &ms), 0);
	CHECK_INT(m, PCI_RESET_NONE);
	CHECK_INT(d.d3_seen, 0);		/* D3hot would not reset it: not tried */
	CHECK_STR_HAS(line, "no reset method (no FLR, PM No_Soft_Reset set), quiesced only");
	CHECK_INT(rd(0x04, 2), 0x0500);		/* as the quiesce left it */
	pci_sim_free(&d.sim);

	f = setup(0, 0, 0);			/* edu: neither capability */
	CHECK_INT(release_reset(&f, &m, line, sizeof line, &ms), 0);
	CHECK_INT(m, PCI_RESET_NONE);
	CHECK_STR_HAS(line, "no reset method (neither FLR nor a PM capability), quiesced only");
	CHECK_INT(rd(0x04, 2), 0x0500);
	pci_sim_free(&d.sim);
}

TEST(reset_flr_device_vanishes_bounded)
{
	struct pci_fn f = setup(1, 0, 0);
	enum pci_reset_method m;
	char line[320];
	long ms;

	d.vanish_on_flr = 1;
	CHECK_INT(release_reset(&f, &m, line, sizeof line, &ms), -ETIMEDOUT);
	CHECK_INT(m, PCI_RESET_FLR);
	CHECK_STR_HAS(line, "FLR failed: did not come back after FLR: config space reads all ones 1100 ms after it");
	CHECK(ms >= 1100 && ms < 2500);		/* gives up, bounded */
	pci_sim_free(&d.sim);
}

TEST(reset_flr_transactions_never_drain_bounded)
{
	struct pci_fn f = setup(1, 0, 0);
	enum pci_reset_method m;
	char line[320];
	long ms;

	d.pending_forever = 1;
	CHECK_INT(release_reset(&f, &m, line, sizeof line, &ms), 0);
	CHECK_INT(d.flrs, 1);			/* FLR anyway, as the spec allows after a while */
	CHECK_STR_HAS(line, "FLR (transactions still pending after 700 ms) (the header was cleared by it), firmware's config restored");
	CHECK(ms >= 800 && ms < 2000);
	pci_sim_free(&d.sim);
}

TEST(reset_restore_verified_by_reading_back)
{
	struct pci_fn f = setup(1, 0, 0);
	enum pci_reset_method m;
	char line[320];
	long ms;

	d.bar_stuck = 1;			/* BAR0 takes no address after the reset */
	CHECK_INT(release_reset(&f, &m, line, sizeof line, &ms), -EIO);
	CHECK_STR_HAS(line, "FLR done, restoring the firmware's config failed: BAR0 reads 0x00000000, the firmware's was 0xfebf0000");
	pci_sim_free(&d.sim);
}

TEST(reset_d3hot_refused)
{
	struct pci_fn f = setup(0, 1, 0);
	enum pci_reset_method m;
	char line[320];
	long ms;

	d.refuse_d3 = 1;
	CHECK_INT(release_reset(&f, &m, line, sizeof line, &ms), -EIO);
	CHECK_STR_HAS(line, "D3hot/D0 failed: did not enter D3hot (PMCSR reads 0x0000)");
	CHECK_INT(rd(0x10, 4), 0xfebf0000);	/* written back all the same */
	pci_sim_free(&d.sim);
}

TEST(reset_d3hot_d0_that_resets_nothing_is_said)
{
	struct pci_fn f = setup(0, 1, 0);
	enum pci_reset_method m;
	char line[320];
	long ms;

	d.nsr = 1;			/* the PMCSR bit reads clear, but the function keeps its state */
	me()->cfg[PM + 4] &= (uint8_t)~0x08;
	CHECK_INT(release_reset(&f, &m, line, sizeof line, &ms), 0);
	CHECK_INT(m, PCI_RESET_PM);
	CHECK_INT(d.soft_resets, 0);
	CHECK_STR_HAS(line, "D3hot/D0 (the header was NOT cleared by it: the function may not have reset), firmware's config restored and verified");
	pci_sim_free(&d.sim);
}
