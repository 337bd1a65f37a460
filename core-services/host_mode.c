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
#include "holders.h"
#include "host_mode.h"
#include "output.h"
#include "uid_range.h"

static struct host_dev devs[HOST_DEVS_MAX];
static unsigned ndevs;
static char state_path[PATH_MAX];
static long hugepages = -1;	/* vm.nr_hugepages before core; -1 unknown */
static int given_back = 1;
static pid_t taker;	/* a forked child of core must never give back (its exit() runs atexit) */
static unsigned refused_at_restore;	/* functions core --restore would not touch: the state file stays */
static int hugepages_refused;		/* core --restore would not write the file's nr_hugepages: the same */

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

/*
 * Does a process other than core still map or hold what core hands out
 * for d (its BAR files, UIO node, VFIO group node)? 1 with who in why,
 * 0 if none; not knowing counts as held.
 */
static int
held(const struct host_dev *d, char *why, size_t whylen)
{
	struct holder_id ids[HOLDER_TARGETS_MAX];
	char what[256] = "";
	pid_t pid = 0;
	uid_t uid = 0;
	int n = holders_pci_targets_at(host_root, d->bdf, ids, HOLDER_TARGETS_MAX), r;

	if (n < 0) {
		snprintf(why, whylen, "cannot tell who holds its files (%s)", strerror(-n));
		return 1;
	}
	if (!n || !(r = holders_find(NULL, NULL, ids, (unsigned)n, 0, &pid, &uid, what, sizeof what)))
		return 0;
	if (r < 0)
		snprintf(why, whylen, "cannot tell who holds its files (%s)", strerror(-r));
	else
		snprintf(why, whylen, "still held by pid %d (uid %u): %s", (int)pid, (unsigned)uid, what);
	return 1;
}

void
host_mode_giveback(void)
{
	unsigned ok = 0, failed = 0;
	long now;
	int err;

	if (given_back || getpid() != taker)
		return;
	given_back = 1;
	for (unsigned i = ndevs; i-- > 0;) {
		char why[512], what[160];

		if (!devs[i].taken)
			continue;
		describe(&devs[i], what, sizeof what);
		/* A process that still maps a BAR or holds the UIO/VFIO node would reach the device under Linux's driver. */
		if (held(&devs[i], why, sizeof why)) {
			core_log("host: %s NOT given back: %s", what, why);
			failed++;
			continue;
		}
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
		err = host_hugepages_set(hugepages);

		core_log("host: vm.nr_hugepages %ld, back to %ld as before core%s%s", now, hugepages,
		    err ? ": FAILED, " : "", err ? strerror(-err) : "");
	}
	failed += refused_at_restore;
	if (failed || hugepages_refused)
		core_log("host: %u function(s) not given back%s; state kept in %s for core --restore", failed,
		    hugepages_refused ? ", vm.nr_hugepages not restored" : "", state_path);
	else if ((err = host_state_remove(state_path)))
		core_log("host: removing %s: %s", state_path, strerror(-err));
	else
		core_log("host: %u function(s) given back to Linux; %s removed", ok, state_path);
	out_flush(2000);
}

/*
 * The state file's directory must be safe and no earlier core's state file
 * there: otherwise -EPERM or -EEXIST, or, in a dry run, one more refusal.
 */
static int
state_refused(int dry_run, unsigned *refused)
{
	char why[PATH_MAX + 256];
	int err;

	if ((err = host_state_check_dir(state_path, why, sizeof why))) {
		fprintf(dry_run ? stdout : stderr, "%s: state file %s\n", dry_run ? "refuse all" : "core --host", why);
		if (!dry_run)
			return -EPERM;
		(*refused)++;
	} else if (host_state_exists(state_path) > 0) {
		fprintf(dry_run ? stdout : stderr, "%s: %s exists: an earlier core --host did not give its devices "
		    "back; run core --restore %s first\n", dry_run ? "refuse all" : "core --host", state_path, state_path);
		if (!dry_run)
			return -EEXIST;
		(*refused)++;
	}
	return 0;
}

/* --dry-run: what would be taken and what refused, on stdout; -EPERM if anything is refused. */
static int
dry_run_report(unsigned refused)
{
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

/* Each refused function and why, on stderr, before core --host gives up having changed nothing. */
static void
refusals_report(unsigned refused)
{
	for (unsigned i = 0; i < ndevs; i++)
		if (devs[i].refused[0]) {
			char what[160];

			describe(&devs[i], what, sizeof what);
			fprintf(stderr, "core --host: refusing %s: %s\n", what, devs[i].refused);
		}
	fprintf(stderr, "core --host: %u of %u granted function(s) refused; nothing was changed\n", refused, ndevs);
}

/* Every granted function from Linux's driver to core; at the first failure, all given back. */
static int
take_all(void)
{
	int err;

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
	if ((err = state_refused(dry_run, &refused)))
		return err;
	if (dry_run)
		return dry_run_report(refused);
	if (refused) {
		refusals_report(refused);
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
	{
		char why[PATH_MAX + 256];

		if ((err = host_state_write(state_path, devs, ndevs, hugepages, why, sizeof why))) {
			fprintf(stderr, "core --host: cannot write state file %s; nothing was changed\n", why);
			return err;
		}
	}
	given_back = 0;
	taker = getpid();
	atexit(host_mode_giveback);	/* a fatal error's exit() gives back too */
	return take_all();
}

/*
 * Which functions of the state file are there and core's: the others are
 * left alone (taken cleared). How many were left alone.
 */
static unsigned
restore_held(void)
{
	unsigned alone = 0;

	for (unsigned i = 0; i < ndevs; i++) {
		struct host_dev t = { 0 };

		snprintf(t.name, sizeof t.name, "%s", devs[i].name);
		if (host_pci_read(&t)) {
			core_log("host: restore skips %s: no such PCI function on this host; left alone", devs[i].name);
			devs[i].taken = 0;
			alone++;
			continue;
		}
		devs[i].vendor = t.vendor, devs[i].device = t.device, devs[i].class = t.class;
		/* One a Linux driver drives is not core's, whatever the file says. */
		if (!host_pci_core_holds(&t)) {
			core_log("host: restore skips %s: bound to %s, driver_override not \"mkx\": core does not hold it; left alone",
			    devs[i].name, t.driver);
			devs[i].taken = 0;
			alone++;
			continue;
		}
	}
	return alone;
}

/*
 * What host mode would not take now, or whose drivers this host lacks, is
 * not given back either: each named in the log, and counted in
 * refused_at_restore (the state file stays).
 */
static void
restore_refuse(void)
{
	char why[PATH_MAX + 512];

	/* What host mode refuses to take it never gives "back" either; then the drivers named must exist. */
	host_refuse_mounted(devs, ndevs);
	host_refuse_console(devs, ndevs);
	for (unsigned i = 0; i < ndevs; i++) {
		if (!devs[i].taken || devs[i].refused[0])
			continue;
		if (devs[i].driver[0] && !host_pci_driver_exists(devs[i].driver))
			snprintf(why, sizeof why, "its driver \"%s\" is not on this host", devs[i].driver);
		else if (devs[i].override[0] && !host_pci_driver_exists(devs[i].override))
			snprintf(why, sizeof why, "its driver_override \"%s\" names no driver on this host", devs[i].override);
		else
			continue;
		memcpy(devs[i].refused, why, sizeof devs[i].refused - 1);	/* why is shorter: driver names < 64 */
	}
	for (unsigned i = 0; i < ndevs; i++)
		if (devs[i].taken && devs[i].refused[0]) {
			char what[160];

			describe(&devs[i], what, sizeof what);
			core_log("host: restore skips %s: %s; not unbound, bus master and driver_override untouched", what,
			    devs[i].refused);
			devs[i].taken = 0;
			refused_at_restore++;
		}
}

/*
 * core --restore trusts the state file only as far as the host agrees
 * (host_state.c already refused a file anyone but root could have
 * written): a function is touched only if it exists and core holds it
 * (driver_override "mkx", set first when core takes one; or no driver
 * but core's back ends' own), only if host
 * mode would take it now (never the controller of a mounted filesystem,
 * never the console's display), only with drivers this host has, and
 * vm.nr_hugepages is only ever lowered. Processes dead cores left (their
 * uid ranges are free) are killed first, and a function a process still
 * maps or holds is not handed to Linux (host_mode_giveback). What is
 * skipped is said, function by function.
 */
int
host_mode_restore(const char *state)
{
	char why[PATH_MAX + 512];
	unsigned killed = 0, alone = 0;
	long now;
	int n = host_state_read(state, devs, HOST_DEVS_MAX, &hugepages, why, sizeof why), err;

	if (n < 0) {
		fprintf(stderr, "core --restore: %s\n", why);
		return n;
	}
	ndevs = (unsigned)n;
	refused_at_restore = 0;
	hugepages_refused = 0;
	/* Only root can kill processes of other uids; an unprivileged core's children had its own. */
	if (!geteuid()) {
		if ((err = uid_range_sweep_free(&killed)))
			core_log("host: restore: processes left by a dead core could not all be killed: %s", strerror(-err));
		else if (killed)
			core_log("host: restore: killed %u processes a dead core left behind", killed);
	}
	alone = restore_held();
	restore_refuse();
	/* core raises nr_hugepages and only ever lowers it back: a value above today's is not core's. */
	if (hugepages >= 0 && (host_hugepages_get(&now) || hugepages > now)) {
		core_log("host: restore skips vm.nr_hugepages %ld: %s", hugepages, host_hugepages_get(&now) ?
		    "cannot read today's value" : "above today's; restoring only lowers it back");
		hugepages = -1;
		hugepages_refused = 1;
	}
	if (alone)
		core_log("host: restore: %u function(s) of %s left alone (not held by core)", alone, state);
	snprintf(state_path, sizeof state_path, "%s", state);
	given_back = 0;
	taker = getpid();
	host_mode_giveback();
	if (refused_at_restore || hugepages_refused)
		return -EPERM;
	for (unsigned i = 0; i < ndevs; i++)
		if (devs[i].taken)
			return -EIO;
	return 0;
}
