/* One MSI-X vector per I/O queue pair: see vectors.h. */
#include <stdio.h>

#include <mkx/log.h>
#include "nvme.h"
#include "vectors.h"

static struct mkx_irq vec[NVME_QP_MAX];		/* vector n at vec[n - 1] */
static uint64_t irqs[NVME_QP_MAX];
static unsigned nvec = 1;

unsigned
nvme_vectors_open(struct mkx_platform *p, const char *pci, const struct mkx_irq *irq0, unsigned want)
{
	char why[256] = "";
	unsigned v;

	/* INTx and MSI have one vector (core enables one MSI message). */
	if (irq0->info.type != 2)
		return nvec = 1;
	want = want > NVME_QP_MAX ? NVME_QP_MAX : want < 1 ? 1 : want;
	for (v = 1; v <= want; v++)
		if (mkx_platform_irq(p, pci, v, &vec[v - 1], why, sizeof why))
			break;
	if (v > want)
		return nvec = v;
	/* A pair without its own vector would share one with another: simpler and as fast to share 0. */
	mkx_log("nvme: MSI-X vector %u (pair %u) not given: %s; all pairs on vector 0", v, v, why);
	while (--v >= 1)
		mkx_irq_close(&vec[v - 1]);
	return nvec = 1;
}

unsigned
nvme_vectors_fds(struct pollfd *p)
{
	for (unsigned v = 1; v < nvec; v++)
		p[v - 1] = (struct pollfd){ .fd = vec[v - 1].fd, .events = POLLIN };
	return nvec - 1;
}

void
nvme_vectors_count(const struct pollfd *p)
{
	int rc;

	for (unsigned v = 1; v < nvec; v++)
		if (p[v - 1].revents && (rc = mkx_irq_wait(&vec[v - 1], 0)) > 0)
			irqs[v - 1] += (uint64_t)rc;
}

void
nvme_vectors_log(uint64_t vector0)
{
	char line[256];
	size_t at = (size_t)snprintf(line, sizeof line, " vector 0: %llu", (unsigned long long)vector0);

	for (unsigned v = 1; v < nvec && at < sizeof line; v++)
		at += (size_t)snprintf(line + at, sizeof line - at, ", vector %u: %llu", v, (unsigned long long)irqs[v - 1]);
	mkx_log("nvme: interrupts per vector since the start:%s", line);
}
