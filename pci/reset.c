/*
 * Resetting a function its driver let go of, so the next driver finds it
 * as the firmware left it and nothing the last one programmed (a ring
 * address, an enabled queue) survives. Quiescing first (quiesce.c) stops
 * DMA and interrupts; the reset clears the device's own state, which a
 * command register cannot reach.
 *
 * FLR (PCIe base spec, Device Control bit 15) where Device Capabilities
 * bit 28 offers it: wait for outstanding transactions to drain, initiate,
 * wait 100 ms, then for config space to answer. Else a PM D3hot->D0
 * transition, which resets the function unless its PMCSR says
 * No_Soft_Reset (PCI PM spec, 10 ms after each transition). A reset
 * clears BARs, the command register and Device Control, which is why the
 * header is saved first and written back, then read back to verify.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "reset.h"

#define CMD_MASTER	0x0004
#define CMD_INTX_OFF	0x0400

#define CAP_PM		0x01
#define CAP_EXP		0x10
#define EXP_DEVCAP	0x04
#define EXP_DEVCTL	0x08
#define EXP_DEVSTA	0x0a
#define EXP_DEVCTL2	0x28
#define DEVCAP_FLR	(1u << 28)
#define DEVCTL_FLR	0x8000u
#define DEVSTA_TRPND	0x0020u
#define PM_CSR		0x04
#define PMCSR_STATE	0x0003u
#define PMCSR_NSR	0x0008u	/* No_Soft_Reset: D3hot->D0 keeps the state */
#define PMCSR_PME_STS	0x8000u	/* write-one-to-clear: never written back as read */

const struct pci_reset_timing pci_reset_spec = {
	.flr_ms = 100, .pending_ms = 700, .back_ms = 1000, .d3_ms = 10,
};

/* What the firmware left and a reset clears: written back afterwards, then compared. */
struct saved {
	uint32_t	bar[6];
	unsigned	nbars;
	uint8_t		cacheline, latency, line;
	uint16_t	cmd;		/* to write: firmware's decode, bus master off, INTx disabled */
	unsigned	exp;		/* PCIe capability offset, 0 if none */
	uint16_t	devctl, devctl2;
	int		has_devctl2;
};

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static unsigned
cap_off(const struct pci_fn *f, unsigned id)
{
	for (unsigned i = 0; i < f->ncap; i++)
		if (f->cap[i].id == id)
			return f->cap[i].off;
	return 0;
}

static void
save(const struct pci_cfg *c, const struct pci_fn *f, struct saved *s)
{
	memset(s, 0, sizeof *s);
	s->nbars = f->hdr_type == 0 ? 6 : 0;
	for (unsigned b = 0; b < s->nbars; b++)
		s->bar[b] = pci_rd(c, f->a, 0x10 + 4 * b, 4);
	s->cacheline = (uint8_t)pci_rd(c, f->a, 0x0c, 1);
	s->latency = (uint8_t)pci_rd(c, f->a, 0x0d, 1);
	s->line = (uint8_t)pci_rd(c, f->a, 0x3c, 1);
	/*
	 * The firmware's command register (decode, SERR#, parity) as the
	 * enumeration found it, but bus master off (the next owner's acquire
	 * turns it on) and INTx disabled (the acquire enables it).
	 */
	s->cmd = (uint16_t)((f->command & 0x07ffu & ~CMD_MASTER) | CMD_INTX_OFF);
	if ((s->exp = cap_off(f, CAP_EXP))) {
		s->devctl = (uint16_t)(pci_rd(c, f->a, s->exp + EXP_DEVCTL, 2) & ~DEVCTL_FLR);
		/* Device Control 2 exists from capability version 2 on. */
		s->has_devctl2 = (pci_rd(c, f->a, s->exp + 2, 2) & 0xf) >= 2;
		if (s->has_devctl2)
			s->devctl2 = (uint16_t)pci_rd(c, f->a, s->exp + EXP_DEVCTL2, 2);
	}
}

/* Write the saved header back and read it back; 0, or -EIO naming the first register that differs. */
static int
restore(const struct pci_cfg *c, const struct pci_fn *f, const struct saved *s, char *why, size_t len)
{
	uint32_t v;

	for (unsigned b = 0; b < s->nbars; b++)
		pci_wr(c, f->a, 0x10 + 4 * b, 4, s->bar[b]);
	pci_wr(c, f->a, 0x0c, 1, s->cacheline);
	pci_wr(c, f->a, 0x0d, 1, s->latency);
	pci_wr(c, f->a, 0x3c, 1, s->line);
	if (s->exp) {
		pci_wr(c, f->a, s->exp + EXP_DEVCTL, 2, s->devctl);
		if (s->has_devctl2)
			pci_wr(c, f->a, s->exp + EXP_DEVCTL2, 2, s->devctl2);
	}
	pci_wr(c, f->a, 0x04, 2, s->cmd);	/* decode last: the BARs hold their addresses by now */

	for (unsigned b = 0; b < s->nbars; b++)
		if ((v = pci_rd(c, f->a, 0x10 + 4 * b, 4)) != s->bar[b]) {
			snprintf(why, len, "BAR%u reads 0x%08x, the firmware's was 0x%08x", b, v, s->bar[b]);
			return -EIO;
		}
	if ((v = pci_rd(c, f->a, 0x0c, 1)) != s->cacheline || (v = pci_rd(c, f->a, 0x0d, 1)) != s->latency) {
		snprintf(why, len, "cache line/latency timer reads 0x%02x%02x, the firmware's was 0x%02x%02x",
		    pci_rd(c, f->a, 0x0d, 1), pci_rd(c, f->a, 0x0c, 1), s->latency, s->cacheline);
		return -EIO;
	}
	if ((v = pci_rd(c, f->a, 0x3c, 1)) != s->line) {
		snprintf(why, len, "interrupt line reads 0x%02x, the firmware's was 0x%02x", v, s->line);
		return -EIO;
	}
	if (s->exp && (v = pci_rd(c, f->a, s->exp + EXP_DEVCTL, 2)) != s->devctl) {
		snprintf(why, len, "Device Control reads 0x%04x, was 0x%04x", v, s->devctl);
		return -EIO;
	}
	if ((v = pci_rd(c, f->a, 0x04, 2)) != s->cmd) {
		snprintf(why, len, "command reads 0x%04x, wrote 0x%04x", v, s->cmd);
		return -EIO;
	}
	return 0;
}

/* Until the function answers config reads again (a reset function may not for a while): 0 or -ETIMEDOUT. */
static int
wait_back(const struct pci_cfg *c, const struct pci_fn *f, unsigned max_ms)
{
	for (unsigned waited = 0;; waited += 10) {
		if (pci_rd(c, f->a, 0x00, 2) == f->vendor && pci_rd(c, f->a, 0x04, 2) != 0xffff)
			return 0;
		if (waited >= max_ms)
			return -ETIMEDOUT;
		sleep_ms(10);
	}
}

static int
flr(const struct pci_cfg *c, const struct pci_fn *f, const struct saved *s, const struct pci_reset_timing *t,
    char *note, size_t len)
{
	unsigned waited = 0;
	uint16_t sta;

	/* Let outstanding completions arrive first (PCIe base spec 6.6.2); FLR anyway if they never do. */
	while ((sta = (uint16_t)pci_rd(c, f->a, s->exp + EXP_DEVSTA, 2)) != 0xffff && (sta & DEVSTA_TRPND) &&
	    waited < t->pending_ms) {
		sleep_ms(10);
		waited += 10;
	}
	if (sta == 0xffff) {
		snprintf(note, len, "gone before FLR (config space reads all ones)");
		return -ENODEV;
	}
	if (sta & DEVSTA_TRPND)
		snprintf(note, len, " (transactions still pending after %u ms)", waited);
	pci_wr(c, f->a, s->exp + EXP_DEVCTL, 2, s->devctl | DEVCTL_FLR);
	sleep_ms(t->flr_ms);
	if (wait_back(c, f, t->back_ms)) {
		snprintf(note, len, "did not come back after FLR: config space reads all ones %u ms after it",
		    t->flr_ms + t->back_ms);
		return -ETIMEDOUT;
	}
	return 0;
}

/* D3hot and back to D0; -EIO if the function does not take either state. */
static int
d3hot_d0(const struct pci_cfg *c, const struct pci_fn *f, unsigned pm, const struct pci_reset_timing *t,
    char *note, size_t len)
{
	uint16_t csr = (uint16_t)(pci_rd(c, f->a, pm + PM_CSR, 2) & ~(PMCSR_PME_STS | PMCSR_STATE)), v;

	pci_wr(c, f->a, pm + PM_CSR, 2, csr | 3u);
	sleep_ms(t->d3_ms);
	if (((v = (uint16_t)pci_rd(c, f->a, pm + PM_CSR, 2)) & PMCSR_STATE) != 3) {
		snprintf(note, len, "did not enter D3hot (PMCSR reads 0x%04x)", v);
		pci_wr(c, f->a, pm + PM_CSR, 2, csr);
		return v == 0xffff ? -ENODEV : -EIO;
	}
	pci_wr(c, f->a, pm + PM_CSR, 2, csr);
	sleep_ms(t->d3_ms);
	if (wait_back(c, f, t->back_ms)) {
		snprintf(note, len, "did not come back from D3hot: config space reads all ones");
		return -ETIMEDOUT;
	}
	if (((v = (uint16_t)pci_rd(c, f->a, pm + PM_CSR, 2)) & PMCSR_STATE) != 0) {
		snprintf(note, len, "did not return to D0 (PMCSR reads 0x%04x)", v);
		return -EIO;
	}
	return 0;
}

int
pci_fn_reset(const struct pci_cfg *c, const struct pci_fn *f, const struct pci_reset_timing *t,
    enum pci_reset_method *method, char *line, size_t len)
{
	static const char *const names[] = { "no reset", "FLR", "D3hot/D0" };
	struct saved s;
	unsigned pm = cap_off(f, CAP_PM);
	char note[160] = "", why[128] = "";
	int err = 0, cleared;

	*method = PCI_RESET_NONE;
	if (f->bridge) {
		snprintf(line, len, "a bridge: not reset, quiesced only");
		return 0;
	}
	save(c, f, &s);
	if (s.exp && (pci_rd(c, f->a, s.exp + EXP_DEVCAP, 4) & DEVCAP_FLR) &&
	    pci_rd(c, f->a, s.exp + EXP_DEVCAP, 4) != 0xffffffffu)
		*method = PCI_RESET_FLR;
	else if (pm && !(pci_rd(c, f->a, pm + PM_CSR, 2) & PMCSR_NSR))
		*method = PCI_RESET_PM;
	if (*method == PCI_RESET_NONE) {
		snprintf(line, len, "no reset method (%s), quiesced only",
		    pm ? "no FLR, PM No_Soft_Reset set" : "neither FLR nor a PM capability");
		return 0;
	}
	err = *method == PCI_RESET_FLR ? flr(c, f, &s, t, note, sizeof note)
	    : d3hot_d0(c, f, pm, t, note, sizeof note);
	if (err && err != -EIO) {
		snprintf(line, len, "%s failed: %s", names[*method], note);
		return err;
	}
	if (err) {	/* refused a power state: still restore, it may have reset half way */
		restore(c, f, &s, why, sizeof why);
		snprintf(line, len, "%s failed: %s", names[*method], note);
		return err;
	}
	/*
	 * Evidence that the function did reset: the quiesce left INTx Disable
	 * set and the BARs hold addresses; a reset clears both. A function
	 * that kept them may not have reset at all (said, not an error).
	 */
	cleared = !(pci_rd(c, f->a, 0x04, 2) & CMD_INTX_OFF);
	for (unsigned b = 0; b < s.nbars; b++)
		cleared |= pci_rd(c, f->a, 0x10 + 4 * b, 4) != s.bar[b];
	if ((err = restore(c, f, &s, why, sizeof why))) {
		snprintf(line, len, "%s%s done, restoring the firmware's config failed: %s", names[*method], note, why);
		return err;
	}
	snprintf(line, len, "%s%s (%s), firmware's config restored and verified (command 0x%04x)", names[*method], note,
	    cleared ? "the header was cleared by it" : "the header was NOT cleared by it: the function may not have reset",
	    s.cmd);
	return 0;
}

/*
 * Power: a function nobody holds goes to D3hot, as Genode's platform driver
 * powers a released device down (device_pd.cc / pci.cc: pci_disable with
 * the PM capability's D3hot). Config space stays reachable in D3hot and the
 * BARs keep their addresses; memory and I/O decode do not answer.
 */
int
pci_fn_park(const struct pci_cfg *c, const struct pci_fn *f, const struct pci_reset_timing *t, char *line, size_t len)
{
	unsigned pm = cap_off(f, CAP_PM);
	uint16_t csr, v;

	if (f->bridge || !pm) {
		snprintf(line, len, "%s: left in D0", f->bridge ? "a bridge" : "no PM capability");
		return 0;
	}
	csr = (uint16_t)(pci_rd(c, f->a, pm + PM_CSR, 2) & ~PMCSR_PME_STS);
	pci_wr(c, f->a, pm + PM_CSR, 2, (csr & ~PMCSR_STATE) | 3u);
	sleep_ms(t->d3_ms);
	if (((v = (uint16_t)pci_rd(c, f->a, pm + PM_CSR, 2)) & PMCSR_STATE) != 3) {
		snprintf(line, len, "did not enter D3hot (PMCSR reads 0x%04x)", v);
		return -EIO;
	}
	snprintf(line, len, "in D3hot");
	return 0;
}

/*
 * Back to D0 before the next owner's acquire, if a release parked it: the
 * header as it is in D3hot (BARs, cache line, interrupt line, Device
 * Control) is saved, the transition made (a reset unless No_Soft_Reset),
 * and the header written back and verified. *was: 1 if it was not in D0.
 */
int
pci_fn_unpark(const struct pci_cfg *c, const struct pci_fn *f, const struct pci_reset_timing *t, int *was, char *line,
    size_t len)
{
	unsigned pm = cap_off(f, CAP_PM);
	uint16_t csr;
	struct saved s;
	char why[128] = "";
	int err;

	*was = 0;
	if (f->bridge || !pm || ((csr = (uint16_t)pci_rd(c, f->a, pm + PM_CSR, 2)) & PMCSR_STATE) == 0 || csr == 0xffff)
		return 0;
	*was = 1;
	save(c, f, &s);
	pci_wr(c, f->a, pm + PM_CSR, 2, csr & ~(PMCSR_PME_STS | PMCSR_STATE));
	sleep_ms(t->d3_ms);
	if (wait_back(c, f, t->back_ms) || (pci_rd(c, f->a, pm + PM_CSR, 2) & PMCSR_STATE) != 0) {
		snprintf(line, len, "did not return to D0 from D%u (PMCSR reads 0x%04x)", csr & PMCSR_STATE,
		    pci_rd(c, f->a, pm + PM_CSR, 2));
		return -EIO;
	}
	if ((err = restore(c, f, &s, why, sizeof why))) {
		snprintf(line, len, "back in D0 from D%u, header not restored: %s", csr & PMCSR_STATE, why);
		return err;
	}
	snprintf(line, len, "back in D0 from D%u, header restored and verified", csr & PMCSR_STATE);
	return 0;
}
