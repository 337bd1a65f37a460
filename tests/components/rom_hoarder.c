/*
 * Test component: tries to pin more of core's memory than its RAM quantum
 * (issue 10, finding 7). It asks a ROM's dataspace many times and keeps
 * every fd, over as many ROM sessions as core gives it, then asks for IO_MEM
 * snapshots and keeps them. Logs what it got:
 *   "same version shared: yes|no"  two requests of one session, one memfd?
 *   "client fd read-only: yes|no"
 *   "hoard: N of M sessions granted"  and "pinned K KiB in D copies"
 *   "snapshots: N of M granted"
 * <config rom="big.dat" sessions="28" snapshots="4" snapshot_base="0xf0000000"
 *  snapshot_size="0x1000000"/>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/log.h>
#include <mkx/rom.h>

#define MAX 32

/* One DATASPACE request; the fd (kept by the caller) or -errno. */
static int
dataspace(struct mkx_session *s, uint16_t op)
{
	static struct mkx_msg reply;
	int err = mkx_session_call(s, op, NULL, 0, NULL, 0, &reply), fd;

	if (err)
		return err;
	fd = mkx_msg_take_fd(&reply, 0);
	mkx_msg_close_fds(&reply);
	return fd < 0 ? -EBADMSG : fd;
}

int
main(void)
{
	static struct mkx_session sess[MAX], snaps[MAX];
	static ino_t inos[2 * MAX];
	struct mkx_rom cfg_rom;
	struct mkx_xml *cfg;
	char rom[128] = "big.dat";
	unsigned long nsess = 28, nsnap = 4, sbase = 0xf0000000, ssize = 0x1000000;
	unsigned granted = 0, snapped = 0, ninos = 0;
	unsigned long long pinned = 0;
	char args[160], why[512];
	struct stat a, b;
	int fd1, fd2, err = 0;

	if (mkx_env_init())
		return 1;
	cfg = mkx_config(&cfg_rom);
	if (cfg) {
		if (mkx_xml_attr(cfg, "rom"))
			snprintf(rom, sizeof rom, "%s", mkx_xml_attr(cfg, "rom"));
		mkx_xml_attr_ulong(cfg, "sessions", 28, &nsess);
		mkx_xml_attr_ulong(cfg, "snapshots", 4, &nsnap);
		mkx_xml_attr_ulong(cfg, "snapshot_base", 0xf0000000, &sbase);
		mkx_xml_attr_ulong(cfg, "snapshot_size", 0x1000000, &ssize);
		mkx_xml_free(cfg);
		mkx_rom_close(&cfg_rom);
	}
	if (nsess > MAX)
		nsess = MAX;
	if (nsnap > MAX)
		nsnap = MAX;
	snprintf(args, sizeof args, "label=\"%s\"", rom);
	for (unsigned i = 0; i < nsess; i++) {
		if (mkx_session_open(&sess[i], "ROM", args, why, sizeof why)) {
			mkx_log("ROM session %u denied: %s", i, why);
			break;
		}
		/* Twice per session, every fd kept: a copy per request would pin twice. */
		fd1 = dataspace(&sess[i], MKX_ROM_DATASPACE);
		fd2 = fd1 >= 0 ? dataspace(&sess[i], MKX_ROM_DATASPACE) : fd1;
		if (fd1 < 0 || fd2 < 0) {
			err = fd1 < 0 ? fd1 : fd2;
			break;
		}
		granted++;
		fstat(fd1, &a);
		fstat(fd2, &b);
		if (i == 0) {
			mkx_log("same version shared: %s", a.st_ino == b.st_ino ? "yes" : "no");
			mkx_log("client fd read-only: %s", (fcntl(fd1, F_GETFL) & O_ACCMODE) == O_RDONLY ? "yes" : "no");
		}
		for (unsigned k = 0; k < 2; k++) {
			ino_t ino = k ? b.st_ino : a.st_ino;
			unsigned j;

			for (j = 0; j < ninos && inos[j] != ino; j++)
				;
			if (j == ninos) {
				inos[ninos++] = ino;
				pinned += (unsigned long long)a.st_size;
			}
		}
	}
	mkx_log("hoard: %u of %lu sessions granted%s%s", granted, nsess, err ? "; then: " : "",
	    err ? strerror(-err) : "");
	mkx_log("pinned %llu KiB in %u copies", pinned / 1024, ninos);
	snprintf(args, sizeof args, "base=0x%lx, size=0x%lx", sbase, ssize);
	for (unsigned i = 0; i < nsnap; i++) {
		if (mkx_session_open(&snaps[i], "IO_MEM", args, why, sizeof why)) {
			mkx_log("snapshot %u denied: %s", i, why);
			break;
		}
		if (dataspace(&snaps[i], MKX_IO_MEM_DATASPACE) < 0)
			break;
		snapped++;
	}
	mkx_log("snapshots: %u of %lu granted", snapped, nsnap);
	mkx_exit(0);
}
