/*
 * What both platform drivers' Platform sessions do alike (platform_session.c):
 * the enumerating `pci` (platform.c, devices from its own walk) and the
 * ROM-fed `platform` (platform_serve.c, devices from its devices ROM) differ
 * only in where a device and its resources come from. The policy check at
 * open, the reply fds, the devices document as a memfd, a refusal's log line
 * and reply, a BAR's IO_MEM dataspace handed out, core's HOLDERS and RUNNING
 * questions before a released device goes to another component, and the
 * per-function config work at acquire and release are here, once.
 */
#ifndef PCI_PLATFORM_SESSION_H
#define PCI_PLATFORM_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include <mkx/io_mem.h>
#include <mkx/platform.h>
#include <mkx/server.h>
#include <mkx/session.h>

#include "cfg.h"
#include "platform_dma.h"
#include "pci.h"
#include "policy.h"

/*
 * A Platform session's DMA: its IOMMU domain at core (domain=<id>, never
 * reused: two sessions never share one), what its client donated with it
 * (ram_quota: pays its buffers, not our own quantum), and its freed buffers
 * core may still keep (they count until core released them).
 */
struct ps_dma_session {
	unsigned		id;
	uint64_t		ram_quota;
	struct pci_dma_freed	freed;
};

/* What every Platform session has; the first member of each platform driver's session struct. */
struct ps_session {
	char			label[192];
	unsigned		refusals_logged;	/* a client polling a busy device would flood the log */
	struct ps_dma_session	dma;			/* its IOMMU domain, ram_quota, freed buffers */
};

/*
 * What a platform driver does per request; the dispatch, the checks of a
 * request's size and the reply's end are ps_call's. why gets a refusal's
 * reason. A NULL op is not served (-ENOSYS).
 */
struct ps_ops {
	int	(*devices)(void *s, struct mkx_reply *r, char *why, size_t whylen);
	int	(*sigh)(void *s, int fd);
	int	(*acquire)(void *s, const char *name, size_t len, char *why, size_t whylen);
	int	(*acquire_any)(void *s, const char *type, size_t len, struct mkx_reply *r, char *why, size_t whylen);
	int	(*release)(void *s, const char *name, size_t len, char *why, size_t whylen);
	/* MKX_PLATFORM_IO_MEM, _IRQ, _IO_PORT */
	int	(*resource)(void *s, uint16_t op, const struct mkx_platform_res *q, struct mkx_reply *r, char *why,
		    size_t whylen);
	/* MKX_PLATFORM_DMA_* */
	int	(*dma)(void *s, uint16_t op, const struct mkx_platform_dma *q, struct mkx_reply *r, char *why,
		    size_t whylen);
};

/* One Platform request of session s. */
int	ps_call(const struct ps_ops *, struct ps_session *s, struct mkx_msg *req, struct mkx_reply *r);

/*
 * A new session of label: allocated (size bytes, a struct that begins
 * with struct ps_session), its label, a fresh IOMMU domain and the
 * ram_quota core moved from its client to us with args filled in, and its
 * policy in *pol. NULL: refused (*err: -EPERM, no policy matches, why says
 * so and a line is logged; -ENOMEM).
 */
void	*ps_open(size_t size, const struct pci_policy *p, unsigned n, const char *label, const char *args,
	    const struct pci_policy **pol, int *err, char *why, size_t whylen);

/*
 * The fd a call put into its reply is sent by the server loop after the
 * call returns; ours is closed at the next call (ps_call_end keeps it) or release (a DMA buffer's
 * memory must not outlive core's free in our fd table).
 */
void	ps_pending_close(void);

/* A devices document (malloc'd buf, freed here) as a memfd in the reply, its size as payload. 0 or -errno. */
int	ps_doc_reply(char *buf, size_t len, struct mkx_reply *r);

/*
 * An IO_MEM range of an acquired device to the client: core's session
 * opened once (m, *open), its dataspace and a dup of its fd in the reply.
 * 0, or -errno with core's reason in cwhy.
 */
int	ps_io_mem_give(struct mkx_io_mem *m, int *open, uint64_t addr, uint64_t size, int wc, struct mkx_reply *r,
	    char *cwhy, size_t cwhylen);
/* A session the platform driver opened at core (IRQ, IO_PORT) to the client: its socket, ours closed once sent. */
void	ps_session_give(struct mkx_session *sess, struct mkx_reply *r);

/*
 * Interrupt index of a Platform session's device f (dev: its name): 0 is
 * the function's interrupt (MSI-X, MSI or INTx, whichever core grants);
 * N > 0 is MSI-X vector N, so f needs MSI-X with a table of more than N
 * entries (its Message Control says how many). Core enables one MSI
 * message and INTx is one line: neither has an index but 0, nor has a
 * request that insists on INTx (intx). 0, or -ENOENT with why.
 */
int	ps_irq_index_check(const struct pci_cfg *, const struct pci_fn *f, const char *dev, unsigned index, int intx,
	    char *why, size_t whylen);

/* The start name core gave a label's client: "drv_a" of "drv_a -> drv". */
void	ps_component_of(const char *label, char *name, size_t len);
/* Is label (a session's) of the component core started as name? */
int	ps_same_component(const char *label, const char *name);

/*
 * HOLDERS, asked on m (an IO_MEM session of one of the device's memory
 * ranges): does any component but the acquiring session's (label) still
 * hold an fd or a mapping of the device? 0 if nobody; -EBUSY with why if
 * one does or core's look did not finish; 0 with a log line if core cannot
 * answer at all (RUNNING still applies). last: the component the device
 * went to last, "" if none.
 */
int	ps_holders(struct mkx_io_mem *m, const char *dev, const char *label, const char *last, char *why,
	    size_t whylen);
/* RUNNING: has comp exited? 1 yes, 0 it runs, -errno core cannot be asked (the caller fails closed). */
int	ps_exited(struct mkx_io_mem *m, const char *comp);

/*
 * Config work on a function through core (ECAM or conf1): at acquire,
 * back to D0 if a release parked it in D3hot (its header written back),
 * then decode and bus master on; at release, quiesce (bus master, decode,
 * INTx, MSI/MSI-X off), reset (FLR or D3hot/D0, header restored), then
 * D3hot where the function has the PM capability. Each logs one line
 * naming dev and label (quiet: none). *cmd: the command register after.
 */
int	ps_fn_acquire(const struct pci_cfg *, const struct pci_fn *, const char *dev, const char *label,
	    uint16_t *cmd);
void	ps_fn_quiesce(const struct pci_cfg *, const struct pci_fn *, const char *dev, const char *label,
	    const char *how, int dma, int quiet, uint16_t *cmd);
void	ps_fn_reset(const struct pci_cfg *, const struct pci_fn *, const char *dev, const char *label, int quiet,
	    uint16_t *cmd);

/*
 * One MKX_PLATFORM_DMA_* op for f, acquired by the session (label), through
 * d (core's DMA session of f, opened at the first). used: what the live
 * buffers of all the session's devices cost; dma_quota: the policy's limit
 * (0: none). An ALLOC above what is left of the ram_quota (or dma_quota if
 * less) is refused with -EDQUOT without asking core. 0 or -errno with why.
 */
int	ps_dma(struct ps_dma_session *, uint64_t dma_quota, uint64_t used, struct pci_dma *d, const struct pci_fn *f,
	    const char *label, uint16_t op, const struct mkx_platform_dma *q, struct mkx_reply *r, char *why,
	    size_t whylen);

/*
 * At acquire: d still open although nobody holds the function means its
 * bus master did not go off at the last release, so core's DMA session
 * (the last owner's buffers, reachable by the device) was kept on
 * purpose; handing the function out would hand those buffers on.
 * -EBUSY with why (name: the function's), else 0.
 */
int	ps_dma_kept_check(const struct pci_dma *d, const char *name, char *why, size_t whylen);

#endif
