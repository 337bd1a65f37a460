/*
 * core: reads its config, starts the composition, serves LOG, ROM and
 * IO_PORT, routes sessions, and reports how every child ends. As PID 1
 * (image mode) it also sets up the system and powers off at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "report_files.h"
#include "host_mode.h"
#include "output.h"
#include "pid1.h"

extern const char *core_rom_dir;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: core [--config FILE] [--bin-dir DIR] [--check [FILE]] [--help]\n"
	    "  --config FILE   composition to run (default: /config.xml as PID 1,\n"
	    "                  else ./config.xml)\n"
	    "  --bin-dir DIR   where <binary name=...> and ROM files are looked up\n"
	    "                  (default: /bin as PID 1, else the directory of core)\n"
	    "  --check [FILE]  only parse and check the config (XML or HID), print\n"
	    "                  \"config ok\", what core honours and what it ignores\n"
	    "  --host [FILE]   on a running Linux: take the PCI functions the config\n"
	    "                  grants from Linux's drivers, give them back at the end\n"
	    "  --dry-run       with --host: say what would be taken and refused, why\n"
	    "  --state FILE    with --host: state file (default /run/mkx-host.state)\n"
	    "  --restore FILE  give back what a killed core --host took, then exit\n"
	    "  --root DIR      with --host/--restore: sysfs and procfs below DIR (tests)\n"
	    "Signals: SIGHUP re-reads the config and delivers changed <config> nodes\n"
	    "as ROM updates; SIGTERM/SIGINT stop all children and exit.\n"
	    "Exit status: 0 if every child exited with 0, 1 if any failed, 2 on a\n"
	    "config or usage error. See docs/architecture.md.\n");
}

/* What the command line asks for. */
struct args {
	const char	*config_file, *bin_dir, *state, *restore;
	int		 check, host, dry_run;
};

/*
 * The options, and the config file --check or --host may take as a plain
 * argument. -1 to go on, else the exit status (0 after --help, 2 on misuse).
 */
static int
parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "bin-dir", required_argument, NULL, 'b' },
		{ "check", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ "host", no_argument, NULL, 'H' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "state", required_argument, NULL, 's' },
		{ "restore", required_argument, NULL, 'r' },
		{ "root", required_argument, NULL, 'R' },
		{ 0 }
	};
	int o;

	while ((o = getopt_long(argc, argv, "c:b:kh", opts, NULL)) != -1)
		switch (o) {
		case 'c': a->config_file = optarg; break;
		case 'b': a->bin_dir = optarg; break;
		case 'k': a->check = 1; break;
		case 'h': usage(stdout); return 0;
		case 'H': a->host = 1; break;
		case 'n': a->dry_run = 1; break;
		case 's': a->state = optarg; break;
		case 'r': a->restore = optarg; break;
		case 'R': snprintf(host_root, sizeof host_root, "%s", optarg); break;
		default: usage(stderr); return 2;
		}
	/* core --check FILE: the config to check may follow, as Genode users type it. */
	if ((a->check || a->host) && !a->config_file && optind + 1 == argc)
		a->config_file = argv[optind++];
	if (optind != argc) {
		fprintf(stderr, "core: unexpected argument \"%s\"; see --help\n", argv[optind]);
		return 2;
	}
	return -1;
}

/* What the config says and core does not act on, named once each. */
static void
log_ignored(const struct core_config *cfg)
{
	for (unsigned i = 0; i < cfg->nnotes; i++)
		if (strcmp(cfg->notes[i].what, "(more)"))
			core_log("config: %s ignored (line %d): %s", cfg->notes[i].what, cfg->notes[i].lines[0],
			    cfg->notes[i].why);
		else
			core_log("config: %u more ignored: %s", cfg->notes[i].count,
			    cfg->notes[i].why);
}

/* The composition runs: back ends, output, the loop, and the end (given back, flushed, powered off). */
static int
run(struct core_config *cfg, const char *config_file, const char *bin_dir, int host, int pid1)
{
	int rc;

	if (io_port_select(cfg) || io_mem_select(cfg) || dma_select(cfg)) {
		if (pid1)
			pid1_poweroff(2, "a forced backend is unusable");
		return 2;
	}
	/* From here on core's output never blocks its loop (output.h). */
	report_files_start(cfg);	/* may wait for the results partition: before any child runs */
	out_init();
	pci_unbind_managed(cfg);	/* before the platform driver (or anyone) starts */
	rc = loop_run(cfg, config_file, bin_dir);
	config_free(cfg);
	if (host)
		host_mode_giveback();
	/* The end: what is still queued goes out now, unless nobody reads for 10 s. */
	out_flush(10000);
	report_files_end();
	if (pid1)
		pid1_poweroff(rc, NULL);
	return rc;
}

int
main(int argc, char **argv)
{
	static struct core_config cfg;
	struct args a = { .state = "/run/mkx-host.state" };
	char self[PATH_MAX], err[1024];
	int pid1 = getpid() == 1, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((rc = parse_args(argc, argv, &a)) >= 0)
		return rc;
	if (a.restore)
		return host_mode_restore(a.restore) ? 1 : 0;
	if (a.dry_run && !a.host) {
		fprintf(stderr, "core: --dry-run needs --host\n");
		return 2;
	}
	pid1 &= !a.host;	/* host mode: a daemon on a running Linux, even if started as PID 1 */
	if (pid1) {
		pid1_setup();
		core_log("mkx core running as PID 1 (uptime %.2fs)", pid1_uptime());
	}
	if (!a.config_file)
		a.config_file = pid1 ? "/config.xml" : "config.xml";
	if (!a.bin_dir) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

		self[n > 0 ? n : 0] = 0;
		a.bin_dir = pid1 ? "/bin" : (n > 0 ? dirname(self) : ".");
	}
	core_rom_dir = a.bin_dir;
	rc = config_load(&cfg, a.config_file, a.bin_dir, err, sizeof err);
	if (rc) {
		fprintf(pid1 ? stdout : stderr, "core: config error: %s\n", err);
		if (pid1)
			pid1_poweroff(2, "invalid config");
		return 2;
	}
	if (a.check) {
		config_report(&cfg, a.config_file, stdout);
		return 0;
	}
	log_ignored(&cfg);
	/*
	 * Host mode: Linux's drivers give up the granted functions before anyone
	 * starts, and before the back ends change the host (dma_select reserves
	 * huge pages): a refusal or a dry run leaves everything as it was.
	 */
	if (a.host && (rc = host_mode_take(&cfg, a.state, a.dry_run)))
		return rc == -EPERM && a.dry_run ? 1 : rc == -EPERM ? 3 : 1;
	if (a.dry_run)
		return 0;
	return run(&cfg, a.config_file, a.bin_dir, a.host, pid1);
}
