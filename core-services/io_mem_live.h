/* Live IO_MEM sessions: core does every register access (io_mem_live.c). */
#ifndef IO_MEM_LIVE_H
#define IO_MEM_LIVE_H

#include <stddef.h>
#include <stdint.h>
#include <mkx/server.h>

struct io_mem_backend;

/* 0 if [base, base+size) may be granted live: not RAM, no PCI memory BAR, no ECAM. Else -EPERM with why. */
int	io_mem_live_check(const struct io_mem_backend *be, uint64_t base, uint64_t size,
	    char *why, size_t whylen);
/* RANGE, READ, WRITE on a live session granted [base, base+size). */
int	io_mem_live_call(const struct io_mem_backend *be, uint64_t base, uint64_t size,
	    const struct mkx_msg *req, struct mkx_reply *r);

#endif
