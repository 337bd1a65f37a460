/*
 * One MSI-X vector per I/O queue pair (vectors.c): the Platform session's
 * interrupt index n is the function's MSI-X vector n, its own IRQ session
 * at core with its own eventfd, which the kernel signals directly (VFIO):
 * pair n's completions wake the driver on vector n with nobody between.
 */
#ifndef NVME_VECTORS_H
#define NVME_VECTORS_H

#include <poll.h>

#include <mkx/irq.h>
#include <mkx/platform.h>

/*
 * Vectors 1..want of device pci, if irq0 (index 0) is MSI-X and each is
 * given; else none is kept (one not given is logged) and every pair stays
 * on vector 0. How many vectors the driver has, vector 0 included.
 */
unsigned nvme_vectors_open(struct mkx_platform *, const char *pci, const struct mkx_irq *irq0, unsigned want);
/* The vectors' fds (1..n-1) into p, POLLIN; how many. */
unsigned nvme_vectors_fds(struct pollfd *p);
/* After the poll: count what each vector whose fd p says is readable delivered. */
void	nvme_vectors_count(const struct pollfd *p);
/* Interrupts per vector since the start (vector 0's count given: the caller waits on it). */
void	nvme_vectors_log(uint64_t vector0);

#endif
