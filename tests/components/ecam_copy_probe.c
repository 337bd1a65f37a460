/*
 * Attack probe for read-only ECAM copies (issue 24): a component whose
 * <pci_config> policy only reads asks core for bus 0 of the ECAM window
 * (0xb0000000, as on q35 and in the sim back end) and tries to make the copy
 * reach the device or change it: a shared writable mapping of its fd,
 * mprotect of the read-only mapping to writable, write() and ftruncate()
 * on the fd, and then the live window and a function's page, which core
 * must refuse or give as a copy, never live. It also reads edu's vendor/device (00:03.0) from the
 * copy, to show the copy is real. One line per attempt ("HOLE" where
 * something went through); exits 0 only if every attempt was refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/log.h>

static int holes;

static void
verdict(const char *what, int refused, int err)
{
	mkx_log("%s: %s (%s)", what, refused ? "refused" : "HOLE", refused ? strerror(err) : "went through");
	holes += !refused;
}

/* What the kernel lets this process do with the copy's fd and mapping. */
static void
try_fd(struct mkx_io_mem *m)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, (off_t)m->ds.offset);

	verdict("mmap(PROT_WRITE, MAP_SHARED) of the copy", p == MAP_FAILED, errno);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	verdict("mprotect(PROT_WRITE) of the read-only shared mapping",
	    mprotect(m->map, 4096, PROT_READ | PROT_WRITE) != 0, errno);
	verdict("write() to the copy", pwrite(m->fd, "\xff\xff\xff\xff", 4, 0x18010) != 4, errno);
	verdict("ftruncate() of the copy", ftruncate(m->fd, 0) != 0, errno);
}

/* A live grant (not a copy) of [base, base+size) must be refused; a copy is no hole. */
static void
try_live(uint64_t base, uint64_t size, const char *what)
{
	struct mkx_io_mem m;
	char why[512] = "";
	int err = mkx_io_mem_open(&m, base, size, 0, why, sizeof why), live = 0;

	if (!err) {
		live = !(m.ds.flags & MKX_IO_MEM_SNAPSHOT);
		mkx_io_mem_close(&m);
	}
	mkx_log("%s: %s", what, err ? why : live ? "granted live" : "granted as a read-only copy");
	verdict(what, !live, err ? -err : EROFS);
}

int
main(void)
{
	const uint64_t ecam = 0xb0000000;
	struct mkx_io_mem m;
	char why[512] = "";
	uint32_t id;
	int err;

	if (mkx_env_init())
		return 1;
	err = mkx_io_mem_open(&m, ecam, 0x100000, 0, why, sizeof why);
	if (err) {
		mkx_error("bus 0 of ECAM not granted: %s", why[0] ? why : strerror(-err));
		mkx_exit(1);
	}
	memcpy(&id, (uint8_t *)m.va + (3 << 15), 4);	/* 00:03.0's first dword */
	mkx_log("copy of bus 0: flags 0x%x, 00:03.0 reads %04x:%04x", m.ds.flags, id & 0xffff, id >> 16);
	if (!(m.ds.flags & MKX_IO_MEM_SNAPSHOT) || !(m.ds.flags & MKX_IO_MEM_READONLY))
		verdict("bus 0 granted as a read-only copy", 0, 0);
	try_fd(&m);
	mkx_io_mem_close(&m);
	try_live(ecam, 0x10000000, "the ECAM window live");
	try_live(ecam + (3 << 15), 0x1000, "00:03.0's config page live");
	mkx_log("ecam copy probe: %d holes", holes);
	mkx_exit(holes ? 1 : 0);
}
