/*
 * core --host (docs/host-mode.md): on a running Linux, take the PCI
 * functions core's config grants from Linux's drivers before any
 * component starts, and give them back when core ends. What Linux needs
 * to stay alive is refused, and then nothing at all is changed: a half-
 * taken machine is worse than a clear "no". The state file is written
 * before the first change so `core --restore` can undo a killed core.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "host_mode.h"
#include "output.h"

static struct host_dev devs[HOST_DEVS_MAX];
static unsigned ndevs;
static char state_path[PATH_MAX];
static long hugepages = -1;	/* vm.nr_hugepages before core; -1 unknown */
static int given_back = 1;
static pid_t taker;	/* a forked child of core must never give back (its exit() runs atexit) */

static struct host_dev *ident_dev;	/* pci_ident_fn has no context argument */

static int
ident(unsigned bdf, struct pci_fn_ident *id)
{
	if (!ident_dev || ident_dev->bdf != bdf)
		return -ENOENT;
	*id = (struct pci_fn_ident){ ident_dev->vendor, ident_dev->device, ident_dev->class };
	return 0;
}

static int
names(int pbdf, unsigned pvendor, unsigned pdevice, const struct host_dev *d)
{
	return pbdf >= 0 ? (unsigned)pbdf == d->bdf : pvendor == d->vendor && pdevice == d->device;
}

/* Does any policy hand this function to a component? Then it is granted. */
static const char *
granted_by(const struct core_config *cfg, struct host_dev *d)
{
	for (unsigned i = 0; i < cfg->nio_mem; i++)
		if (cfg->io_mem[i].kind == IO_MEM_PCI && names(cfg->io_mem[i].bdf, cfg->io_mem[i].vendor,
		    cfg->io_mem[i].device, d))
			return "io_mem";
	for (unsigned i = 0; i < cfg->nirq; i++)
		if (names(cfg->irq[i].bdf, cfg->irq[i].vendor, cfg->irq[i].device, d))
			return "irq";
	for (unsigned i = 0; i < cfg->ndma; i++)
		if (cfg->dma[i].bdf != DMA_POLICY_ALL && names(cfg->dma[i].bdf, cfg->dma[i].vendor, cfg->dma[i].device, d))
			return "dma";
	ident_dev = d;
	if (pci_config_unbind_policy(cfg, d->bdf, ident)) {
		ident_dev = NULL;
		return "pci_config unbind";
	}
	ident_dev = NULL;
	return NULL;
}

static void
describe(const struct host_dev *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%04x:%04x, class %06x, Linux driver %s)", d->name, d->vendor, d->device, d->class,
	    d->driver[0] ? d->driver : "none");
}

/* The functions the config grants, with what sysfs says about each; -errno. */
static int
collect(const struct core_config *cfg, FILE *out)
{
	static char list[256][16];
	int n = host_pci_list(list, 256);

	if (n < 0) {
		fprintf(stderr, "core --host: cannot list the PCI functions (root \"%s\"): %s\n", host_root, strerror(-n));
		return n;
	}
	ndevs = 0;
	for (int i = 0; i < n; i++) {
		struct host_dev d = { 0 };
		const char *why;

		memcpy(d.name, list[i], sizeof d.name);
		if (host_pci_read(&d) || !(why = granted_by(cfg, &d)))
			continue;
		if ((d.class >> 16) == 0x06) {
			/* As pci_unbind.c: bridges carry the hierarchy and stay Linux's. */
			if (out)
				fprintf(out, "keep %s: a bridge, stays with Linux\n", d.name);
			continue;
		}
		if (ndevs == HOST_DEVS_MAX) {
			fprintf(stderr, "core --host: more than %u granted functions\n", HOST_DEVS_MAX);
			return -E2BIG;
		}
		devs[ndevs++] = d;
	}
	host_refuse_mounted(devs, ndevs);
	host_refuse_console(devs, ndevs);
	host_refuse_iommu(devs, ndevs);
	return 0;
}

void
host_mode_giveback(void)
{
	unsigned ok = 0, failed = 0;
	long now;

	if (given_back || getpid() != taker)
		return;
	given_back = 1;
	for (unsigned i = ndevs; i-- > 0;) {
		char why[512], what[160];

		if (!devs[i].taken)
			continue;
		describe(&devs[i], what, sizeof what);
		if (host_bind_giveback(&devs[i], why, sizeof why)) {
			core_log("host: %s NOT given back: %s", what, why);
			failed++;
			continue;
		}
		core_log("host: %s given back%s%s", what, why[0] ? "; " : "", why);
		devs[i].taken = 0;
		ok++;
	}
	/* After the functions: DMA buffers (huge pages) are freed once the drivers are gone. */
	if (hugepages >= 0 && !host_hugepages_get(&now) && now != hugepages) {
		int err = host_hugepages_set(hugepages);

		core_log("host: vm.nr_hugepages %ld, back to %ld as before core%s%s", now, hugepages,
		    err ? ": FAILED, " : "", err ? strerror(-err) : "");
	}
	if (failed)
		core_log("host: %u function(s) not given back; state kept in %s for core --restore", failed, state_path);
	else if (unlink(state_path) && errno != ENOENT)
		core_log("host: removing %s: %s", state_path, strerror(errno));
	else
		core_log("host: %u function(s) given back to Linux; %s removed", ok, state_path);
	out_flush(2000);
}

int
host_mode_take(const struct core_config *cfg, const char *state, int dry_run)
{
	unsigned refused = 0;
	sigset_t stop;
	int err;

	snprintf(state_path, sizeof state_path, "%s", state);
	if ((err = collect(cfg, dry_run ? stdout : NULL)))
		return err;
	for (unsigned i = 0; i < ndevs; i++)
		refused += !!devs[i].refused[0];
	if (!access(state_path, F_OK)) {
		fprintf(dry_run ? stdout : stderr, "%s: %s exists: an earlier core --host did not give its devices back; "
		    "run core --restore %s first\n", dry_run ? "refuse all" : "core --host", state_path, state_path);
		if (!dry_run)
			return -EEXIST;
		refused++;
	}
	if (dry_run) {
		for (unsigned i = 0; i < ndevs; i++) {
			char what[160];

			describe(&devs[i], what, sizeof what);
			if (devs[i].refused[0])
				printf("refuse %s: %s\n", what, devs[i].refused);
			else
				printf("take %s\n", what);
		}
		printf("dry run: %u to take, %u refused; %s\n", ndevs - (refused > ndevs ? ndevs : refused), refused,
		    refused ? "core --host would refuse to start and change nothing" : "core --host would take them");
		return refused ? -EPERM : 0;
	}
	if (refused) {
		for (unsigned i = 0; i < ndevs; i++)
			if (devs[i].refused[0]) {
				char what[160];

				describe(&devs[i], what, sizeof what);
				fprintf(stderr, "core --host: refusing %s: %s\n", what, devs[i].refused);
			}
		fprintf(stderr, "core --host: %u of %u granted function(s) refused; nothing was changed\n", refused, ndevs);
		return -EPERM;
	}
	/*
	 * From the first change on, SIGINT/SIGTERM must not kill core before
	 * its loop takes them (signalfd reads what is pending then): blocked
	 * here, they end the composition and the functions are given back.
	 */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	if (host_hugepages_get(&hugepages))
		hugepages = -1;		/* no hugetlb here: nothing to restore */
	if ((err = host_state_write(state_path, devs, ndevs, hugepages))) {
		fprintf(stderr, "core --host: cannot write state file %s: %s; nothing was changed\n", state_path,
		    strerror(-err));
		return err;
	}
	given_back = 0;
	taker = getpid();
	atexit(host_mode_giveback);	/* a fatal error's exit() gives back too */
	for (unsigned i = 0; i < ndevs; i++) {
		char why[512], what[160];

		describe(&devs[i], what, sizeof what);
		if ((err = host_bind_take(&devs[i], why, sizeof why))) {
			fprintf(stderr, "core --host: refusing %s: %s; giving back what was taken\n", what, why);
			host_mode_giveback();
			return err;
		}
		core_log("host: took %s (state in %s)", what, state_path);
	}
	return 0;
}

int
host_mode_restore(const char *state)
{
	char why[512];
	int n = host_state_read(state, devs, HOST_DEVS_MAX, &hugepages, why, sizeof why);

	if (n < 0) {
		fprintf(stderr, "core --restore: %s\n", why);
		return n;
	}
	ndevs = (unsigned)n;
	for (unsigned i = 0; i < ndevs; i++) {
		struct host_dev t = { 0 };

		/* Identity only, for the messages; the rest is what the file says. */
		snprintf(t.name, sizeof t.name, "%s", devs[i].name);
		if (!host_pci_read(&t))
			devs[i].vendor = t.vendor, devs[i].device = t.device, devs[i].class = t.class;
	}
	snprintf(state_path, sizeof state_path, "%s", state);
	given_back = 0;
	taker = getpid();
	host_mode_giveback();
	for (unsigned i = 0; i < ndevs; i++)
		if (devs[i].taken)
			return -EIO;
	return 0;
}
