/*
 * IRQ backend without hardware, for host tests of the IRQ service (policy,
 * exclusivity, what the client fd reaches, core's forwarding path). The
 * machine is io_mem_sim.c's: 00:01.0 (1234:1111) and 00:02.0 (8086:10d3),
 * plus 00:03.0 (1234:11e8, no BARs here) on 00:02.0's GSI 23, and
 * 00:07.0 (1af4:1041) with 64 MSI-X vectors, and 00:10.0-00:13.0 alone
 * on GSIs 32-35.
 * Like uio_pci_generic, the source is a file of 4-byte cumulative counts
 * (a pipe here), and a client fd of 00:01.0 "reaches" its non-prefetchable
 * BAR2 as UIO maps do; 00:02.0 has only an I/O BAR, so its fd reaches
 * nothing. The device always has work: each unmask (the client's ack)
 * raises the next interrupt, so a driver acks once to start, as Genode
 * drivers do, and then sees one interrupt per ack.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../irq_backend.h"

#define CLIENTS_MAX 4

static const struct {
	unsigned	bdf, vendor, device, gsi;
	uint64_t	map_base, map_size;	/* what a client fd reaches; size 0: nothing */
	unsigned	msi, msix;		/* MSI capability (1 message), MSI-X vectors (issue 12) */
} fns[] = {
	{ 0x08, 0x1234, 0x1111, 22, 0xfebf0000, 0x1000, 0, 0 },
	{ 0x10, 0x8086, 0x10d3, 23, 0, 0, 1, 5 },
	{ 0x18, 0x1234, 0x11e8, 23, 0, 0, 1, 0 },	/* shares GSI 23 with 00:02.0 (sessions by GSI) */
	{ 0x38, 0x1af4, 0x1041, 21, 0, 0, 0, 64 },	/* many MSI-X vectors: per-client session limits */
	/*
	 * Lines 32-35, on ARM boards those of devices that are no PCI function
	 * (Genode's platform test: IRQ 32 + n). Core serves a line by GSI only
	 * as a function's, so here each is one of a function of its own.
	 */
	{ 0x80, 0x1234, 0x0032, 32, 0, 0, 0, 0 },
	{ 0x88, 0x1234, 0x0033, 33, 0, 0, 0, 0 },
	{ 0x90, 0x1234, 0x0034, 34, 0, 0, 0, 0 },
	{ 0x98, 0x1234, 0x0035, 35, 0, 0, 0, 0 },
};

/* The sim's ECAM window (as QEMU q35's MCFG): bus 0-255 from here. */
#define SIM_ECAM_BASE	0xb0000000ull

struct sim_line {
	unsigned	fn;
	int		msi;			/* an MSI/MSI-X vector's line, not INTx */
	unsigned	vector;
	int		src[2];			/* core reads [0] */
	int		cli[CLIENTS_MAX];	/* write ends of client fds */
	uint32_t	count;
	unsigned	unmasks;
};

static struct sim_line *lines[sizeof fns / sizeof fns[0]];

static int
find(unsigned bdf)
{
	for (unsigned i = 0; i < sizeof fns / sizeof fns[0]; i++)
		if (fns[i].bdf == bdf)
			return (int)i;
	return -1;
}

static int
sim_identify(unsigned bdf, unsigned *vendor, unsigned *device)
{
	int i = find(bdf);

	if (i < 0)
		return -ENOENT;
	*vendor = fns[i].vendor;
	*device = fns[i].device;
	return 0;
}

static int
sim_attach(unsigned bdf, void **linep, int *fd, uint32_t *gsi, char *why, size_t whylen)
{
	int i = find(bdf);
	struct sim_line *l;

	(void)why;
	(void)whylen;
	if (i < 0)
		return -ENODEV;
	signal(SIGPIPE, SIG_IGN);	/* a client that closed its fd must not kill a test */
	l = calloc(1, sizeof *l);
	if (!l)
		return -ENOMEM;
	if (pipe2(l->src, O_CLOEXEC | O_NONBLOCK)) {
		free(l);
		return -errno;
	}
	for (unsigned k = 0; k < CLIENTS_MAX; k++)
		l->cli[k] = -1;
	l->fn = (unsigned)i;
	lines[i] = l;
	*fd = l->src[0];
	*gsi = fns[i].gsi;
	*linep = l;
	return 0;
}

static int
sim_event(void *line)
{
	struct sim_line *l = line;
	uint32_t count, n = 0;

	while (read(l->src[0], &count, sizeof count) == sizeof count)
		n++;
	return n ? (int)count : -EAGAIN;
}

static int
sim_unmask(void *line)
{
	struct sim_line *l = line;

	l->unmasks++;
	l->count++;	/* the next interrupt, at once */
	if (write(l->src[1], &l->count, sizeof l->count) < 0 && errno != EAGAIN)
		return -errno;
	for (unsigned k = 0; k < CLIENTS_MAX; k++)
		if (l->cli[k] >= 0 && write(l->cli[k], &l->count, sizeof l->count) < 0 && errno == EPIPE) {
			close(l->cli[k]);
			l->cli[k] = -1;
		}
	return 0;
}

static int
sim_client_fd(void *line)
{
	struct sim_line *l = line;
	int p[2];

	for (unsigned k = 0; k < CLIENTS_MAX; k++)
		if (l->cli[k] < 0) {
			if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
				return -errno;
			l->cli[k] = p[1];
			return p[0];
		}
	return -ENOSPC;
}

static int
sim_client_fd_reach(void *line, uint64_t *base, uint64_t *size, int max)
{
	struct sim_line *l = line;

	if (!fns[l->fn].map_size || max < 1)
		return 0;
	*base = fns[l->fn].map_base;
	*size = fns[l->fn].map_size;
	return 1;
}

static void
sim_detach(void *line)
{
	struct sim_line *l = line;

	close(l->src[0]);
	close(l->src[1]);
	for (unsigned k = 0; k < CLIENTS_MAX; k++)
		if (l->cli[k] >= 0)
			close(l->cli[k]);
	if (!l->msi)
		lines[l->fn] = NULL;
	free(l);
}

/*
 * MSI/MSI-X on the sim (issue 12): 00:02.0 has an MSI capability and five
 * MSI-X vectors, 00:01.0 neither. A vector's line works as INTx's does
 * (each ack raises the next interrupt), and holds a made-up message.
 */
static int
sim_attach_request(const struct irq_request *rq, void **linep, int *fd, struct irq_line_info *info,
    char *why, size_t whylen)
{
	int i = find(rq->bdf), err;
	unsigned have;
	struct sim_line *l;

	info->msi_address = 0;
	info->msi_value = 0;
	if (rq->type == IRQ_TYPE_LEGACY)
		return sim_attach(rq->bdf, linep, fd, &info->gsi, why, whylen);
	if (i < 0)
		return -ENODEV;
	have = rq->type == IRQ_TYPE_MSI ? fns[i].msi : fns[i].msix;
	if (!have) {
		snprintf(why, whylen, "the function has no %s capability", rq->type == IRQ_TYPE_MSI ? "MSI" : "MSI-X");
		return -ENOTSUP;
	}
	if (rq->vector >= have) {
		snprintf(why, whylen, "the function has %u vectors (asked for vector %u)", have, rq->vector);
		return -EINVAL;
	}
	if (!(l = calloc(1, sizeof *l)))
		return -ENOMEM;
	if (pipe2(l->src, O_CLOEXEC | O_NONBLOCK)) {
		err = -errno;
		free(l);
		return err;
	}
	for (unsigned k = 0; k < CLIENTS_MAX; k++)
		l->cli[k] = -1;
	l->fn = (unsigned)i;
	l->msi = 1;
	l->vector = rq->vector;
	*fd = l->src[0];
	info->gsi = fns[i].gsi;
	info->msi_address = 0xfee00000u | rq->vector << 4;
	info->msi_value = 0x4020 + rq->vector;
	*linep = l;
	return 0;
}

static int
sim_msi_message(void *line, uint64_t *address, uint32_t *value)
{
	struct sim_line *l = line;

	if (!l->msi)
		return -ENOTSUP;
	*address = 0xfee00000u | l->vector << 4;
	*value = 0x4020 + l->vector;
	return 0;
}

static int
sim_functions(unsigned *bdf, int max)
{
	int n = 0;

	for (unsigned i = 0; i < sizeof fns / sizeof fns[0] && n < max; i++)
		bdf[n++] = fns[i].bdf;
	return n;
}

static int
sim_ecam_function(uint64_t phys, unsigned *bdf)
{
	if (phys < SIM_ECAM_BASE || phys >= SIM_ECAM_BASE + (256ull << 20))
		return -ENOENT;
	if (phys & 0xfff)
		return -EINVAL;
	*bdf = (unsigned)((phys - SIM_ECAM_BASE) >> 12);
	return find(*bdf) < 0 ? -ENODEV : 0;
}

int
irq_sim_unmasks(unsigned bdf)
{
	int i = find(bdf);

	return i < 0 || !lines[i] ? -1 : (int)lines[i]->unmasks;
}

const struct irq_backend irq_sim = {
	.name = "sim", .identify = sim_identify, .attach = sim_attach, .event = sim_event,
	.unmask = sim_unmask, .client_fd = sim_client_fd, .client_fd_reach = sim_client_fd_reach,
	.detach = sim_detach, .attach_request = sim_attach_request, .msi_message = sim_msi_message,
	.ecam_function = sim_ecam_function, .client_fd_format = IRQ_FD_UIO_COUNT, .functions = sim_functions,
};
