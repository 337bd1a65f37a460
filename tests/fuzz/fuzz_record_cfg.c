/*
 * libFuzzer target for acpi's machine-record config space (acpi/record_cfg.c):
 * a record's config.txt is whatever the machine (or whoever wrote the record)
 * put there, so every byte of it is input. The input is split at the first
 * NUL: before it, config.txt's text (written to a memfd, opened through
 * /proc/self/fd as acpi opens the real file); after it, 12-byte accesses
 * (space, width code, read/write, 8 bytes of address) replayed on the
 * backend as AML would. Beyond "no crash, leak or timeout": a read of a
 * function the text did not name answers all ones, a write is read back
 * where the record holds the register, and an access past the 4 KiB
 * space is refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../acpi/record_cfg.h"

static void
replay(struct aml_region_ops *ops, const uint8_t *d, size_t n)
{
	static const unsigned widths[4] = { 8, 16, 32, 64 };

	for (; n >= 12; d += 12, n -= 12) {
		unsigned width = widths[d[1] & 3], reg;
		uint64_t addr, v = 0, back;
		int rc;

		memcpy(&addr, d + 4, 8);
		reg = (unsigned)(addr & 0xffff);
		memcpy(&v, d + 4, 8);	/* the value written: the address's bytes, whatever they are */
		if (width < 64)
			v &= (1ull << width) - 1;
		rc = d[2] & 1 ? ops->write(ops->ctx, d[0] & 3, addr, width, v)
			      : ops->read(ops->ctx, d[0] & 3, addr, width, &back);
		if ((d[0] & 3) != 2) {
			if (rc || (!(d[2] & 1) && back))
				abort();	/* other spaces: read 0, writes dropped, never an error */
			continue;
		}
		if (reg + width / 8 > 4096) {
			if (rc != -ERANGE)
				abort();	/* past the config space: refused */
			continue;
		}
		if (rc)
			abort();
		if (d[2] & 1) {
			/* Read back: the value written, or all ones where the record holds nothing. */
			uint64_t ones = width == 64 ? ~0ull : (1ull << width) - 1;

			if (ops->read(ops->ctx, 2, addr, width, &back) || (back != v && back != ones))
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	struct aml_region_ops ops;
	char path[64], err[256];
	unsigned nfn = 0;
	uint64_t v;
	int fd = memfd_create("config.txt", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	if (tlen && write(fd, data, tlen) != (ssize_t)tlen)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	memset(&ops, 0, sizeof ops);
	err[0] = 0;
	if (record_cfg_open(&ops, path, &nfn, err, sizeof err) == 0) {
		/* 1f:1f.7 on bus 0xff is named by almost no input: it must read as absent then. */
		if (ops.read(ops.ctx, 2, 0xffffull << 16, 32, &v))
			abort();
		if (nfn == 0 && v != 0xffffffffu)
			abort();
		if (nul)
			replay(&ops, nul + 1, size - tlen - 1);
		record_cfg_close(&ops);
	} else if (!err[0]) {
		abort();	/* refused without saying why */
	}
	close(fd);
	return 0;
}
