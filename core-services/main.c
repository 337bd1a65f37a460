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
	    "Signals: SIGHUP re-reads the config and delivers changed <config> nodes\n"
	    "as ROM updates; SIGTERM/SIGINT stop all children and exit.\n"
	    "Exit status: 0 if every child exited with 0, 1 if any failed, 2 on a\n"
	    "config or usage error. See docs/architecture.md.\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "bin-dir", required_argument, NULL, 'b' },
		{ "check", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct core_config cfg;
	char self[PATH_MAX], err[1024];
	const char *config_file = NULL, *bin_dir = NULL;
	int pid1 = getpid() == 1, check = 0, o, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((o = getopt_long(argc, argv, "c:b:kh", opts, NULL)) != -1)
		switch (o) {
		case 'c': config_file = optarg; break;
		case 'b': bin_dir = optarg; break;
		case 'k': check = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	/* core --check FILE: the config to check may follow, as Genode users type it. */
	if (check && !config_file && optind + 1 == argc)
		config_file = argv[optind++];
	if (optind != argc) {
		fprintf(stderr, "core: unexpected argument \"%s\"; see --help\n", argv[optind]);
		return 2;
	}
	if (pid1) {
		pid1_setup();
		core_log("mkx core running as PID 1 (uptime %.2fs)", pid1_uptime());
	}
	if (!config_file)
		config_file = pid1 ? "/config.xml" : "config.xml";
	if (!bin_dir) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

		self[n > 0 ? n : 0] = 0;
		bin_dir = pid1 ? "/bin" : (n > 0 ? dirname(self) : ".");
	}
	core_rom_dir = bin_dir;
	rc = config_load(&cfg, config_file, bin_dir, err, sizeof err);
	if (rc) {
		fprintf(pid1 ? stdout : stderr, "core: config error: %s\n", err);
		if (pid1)
			pid1_poweroff(2, "invalid config");
		return 2;
	}
	if (check) {
		config_report(&cfg, config_file, stdout);
		return 0;
	}
	/* What the config says and core does not act on, named once each. */
	for (unsigned i = 0; i < cfg.nnotes; i++)
		if (strcmp(cfg.notes[i].what, "(more)"))
			core_log("config: %s ignored (line %d): %s", cfg.notes[i].what, cfg.notes[i].lines[0],
			    cfg.notes[i].why);
		else
			core_log("config: %u more ignored: %s", cfg.notes[i].count,
			    cfg.notes[i].why);
	if (io_port_select(&cfg) || io_mem_select(&cfg) || dma_select(&cfg)) {
		if (pid1)
			pid1_poweroff(2, "a forced backend is unusable");
		return 2;
	}
	/* From here on core's output never blocks its loop (output.h). */
	out_init();
	pci_unbind_managed(&cfg);	/* before the platform driver (or anyone) starts */
	rc = loop_run(&cfg, config_file, bin_dir);
	config_free(&cfg);
	/* The end: what is still queued goes out now, unless nobody reads for 10 s. */
	out_flush(10000);
	if (pid1)
		pid1_poweroff(rc, NULL);
	return rc;
}
