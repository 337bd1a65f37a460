/*
 * nic_e1000e: a driver for Intel's 82574 (e1000e, 8086:10d3, q35's
 * default NIC) on core's sessions only: BAR0 through IO_MEM, its
 * interrupt through IRQ, descriptor rings and packet buffers in a buffer
 * of the DMA session. It serves one client at a time through a Nic
 * session (mkx/nic.h): frames are copied between the client's shared
 * rings and the device's DMA buffers.
 *
 * platform="yes": the same through a Platform session (label
 * "nic_e1000e"): the platform driver gives the device, BAR0, the interrupt
 * (irq_type 0: INTx; else what the platform driver picks: MSI-X, MSI,
 * INTx) and DMA buffers, and quiesces the NIC when this driver is gone.
 *
 * Config: <config pci="00:02.0" irq_type="0" acquire_ms="10000" wait_ms="0" platform="no"/>
 *   acquire_ms: how long to retry while a previous instance still holds
 *   the device (its BAR, IRQ or DMA session, or on a Platform session the
 *   device itself: -EBUSY); wait_ms: sleep first (a second instance that
 *   must come after the first).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/devices.h>
#include <mkx/dma.h>
#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/irq.h>
#include <mkx/log.h>
#include <mkx/nic.h>
#include <mkx/platform.h>
#include <mkx/rom.h>
#include <mkx/server.h>
#include "regs.h"
#include "e1000e.h"

struct nic {
	struct e1000e		dev;
	struct mkx_irq		irq;
	struct mkx_io_mem	bar;
	struct mkx_dma		dma;
	struct mkx_platform	platform;	/* platform="yes" */
	unsigned		mbps;
	int			link_up;
	uint64_t		interrupts, dropped;
	/* the one client */
	int			attached;
	struct mkx_nic_shm	*shm;
	int			kick, signal;
	char			client[128];
};

static struct nic nic = { .kick = -1, .signal = -1 };

static void
signal_client(struct nic *n)
{
	uint64_t one = 1;

	if (n->signal >= 0 && write(n->signal, &one, sizeof one) < 0 && errno != EAGAIN)
		mkx_error("cannot signal the client: %s", strerror(errno));
}

/* Device -> client: every received frame into the client's rx ring (dropped if it is full). */
static void
receive(struct nic *n)
{
	static uint8_t scratch[BUF_SIZE];
	int any = 0, len;

	for (;;) {
		struct mkx_nic_ring *r = n->attached ? &n->shm->rx : NULL;
		uint32_t tail = r ? atomic_load_explicit(&r->tail, memory_order_relaxed) : 0;
		int room = r && tail - atomic_load_explicit(&r->head, memory_order_acquire) < MKX_NIC_SLOTS;
		struct mkx_nic_slot *s = room ? &r->slot[tail % MKX_NIC_SLOTS] : NULL;

		len = e1000e_rx(&n->dev, s ? s->data : scratch, s ? sizeof s->data : sizeof scratch);
		if (len == 0)
			break;
		if (len < 0 || !s) {
			n->dropped++;
			continue;
		}
		s->len = (uint32_t)len;
		atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
		any = 1;
	}
	if (any)
		signal_client(n);
}

/* Client -> device: frames of the client's tx ring, checked, into transmit descriptors. How many. */
static uint32_t
transmit(struct nic *n)
{
	struct mkx_nic_ring *r = &n->shm->tx;
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed), moved = 0;
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);

	if (tail - head > MKX_NIC_SLOTS)	/* a client that lies about its ring gets nothing sent */
		return 0;
	while (head != tail) {
		struct mkx_nic_slot *s = &r->slot[head % MKX_NIC_SLOTS];
		uint32_t len = s->len;	/* read once: the client may change it under us */

		if (len >= 14 && len <= MKX_NIC_MTU_FRAME) {
			if (e1000e_tx(&n->dev, s->data, len) == -EAGAIN)
				break;
		} else
			n->dropped++;
		head++;
		moved++;
	}
	if (moved) {
		e1000e_tx_flush(&n->dev);
		atomic_store_explicit(&r->head, head, memory_order_release);
		signal_client(n);
	}
	return moved;
}

static int
nic_open(void *ctx, const char *label, const char *args, void **state, char *why, size_t whylen)
{
	struct nic *n = ctx;

	(void)args;
	if (n->client[0]) {
		snprintf(why, whylen, "the NIC serves one client, \"%s\" holds it", n->client);
		return -EBUSY;
	}
	snprintf(n->client, sizeof n->client, "%s", label);
	*state = n;
	mkx_log("nic_e1000e: Nic session of \"%s\"", label);
	return 0;
}

/*
 * ATTACH's memfd must hold struct mkx_nic_shm and be sealed against
 * shrinking: a client truncating it under our mapping would make our next
 * access to the rings fault (SIGBUS), the driver gone for every client.
 * 1 if it is, else 0 with the reason in why.
 */
static int
sealed(struct nic *n, int fd, char *why, size_t whylen)
{
	int seals = fcntl(fd, F_GET_SEALS);
	struct stat st;

	if (!fstat(fd, &st) && st.st_size >= (off_t)sizeof *n->shm && seals >= 0 && seals & F_SEAL_SHRINK)
		return 1;
	snprintf(why, whylen, "the shared memfd must hold %zu bytes and be sealed F_SEAL_SHRINK (it %s)",
	    sizeof *n->shm, seals < 0 ? "cannot be sealed: no memfd" : !(seals & F_SEAL_SHRINK) ? "is not sealed" :
	    "is too small");
	mkx_log("nic_e1000e: \"%s\": attach refused: %s", n->client, why);
	return 0;
}

static int
nic_call(void *ctx, void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	struct nic *n = ctx;
	struct mkx_nic_info info;
	void *shm;

	(void)state;
	switch (req->hdr.op) {
	case MKX_NIC_ATTACH:
		if (n->attached || req->hdr.nfds != 3)
			return -EINVAL;
		if (!sealed(n, req->fds[0], (char *)r->payload, 256)) {
			r->len = strlen((char *)r->payload) + 1;
			return -EINVAL;
		}
		shm = mmap(NULL, sizeof *n->shm, PROT_READ | PROT_WRITE, MAP_SHARED, req->fds[0], 0);
		if (shm == MAP_FAILED)
			return -errno;
		n->shm = shm;
		n->kick = mkx_msg_take_fd(req, 1);
		n->signal = mkx_msg_take_fd(req, 2);
		n->attached = 1;
		return 0;
	case MKX_NIC_INFO:
		memset(&info, 0, sizeof info);
		memcpy(info.mac, n->dev.mac, 6);
		info.link_up = (uint8_t)n->link_up;
		info.speed_mbps = n->mbps;
		info.tx_frames = n->dev.tx_frames;
		info.rx_frames = n->dev.rx_frames;
		info.interrupts = n->interrupts;
		memcpy(r->payload, &info, sizeof info);
		r->len = sizeof info;
		return 0;
	default:
		return -ENOSYS;
	}
}

static void
nic_close(void *ctx, void *state)
{
	struct nic *n = ctx;

	(void)state;
	mkx_log("nic_e1000e: Nic session of \"%s\" closed (%llu frames sent, %llu received, %llu interrupts, "
	    "%llu dropped; the device counts %llu good packets transmitted, GPTC)", n->client,
	    (unsigned long long)n->dev.tx_frames, (unsigned long long)n->dev.rx_frames,
	    (unsigned long long)n->interrupts, (unsigned long long)n->dropped,
	    (unsigned long long)e1000e_device_tx_count(&n->dev));
	if (n->shm)
		munmap(n->shm, sizeof *n->shm);
	if (n->kick >= 0)
		close(n->kick);
	if (n->signal >= 0)
		close(n->signal);
	n->shm = NULL;
	n->kick = n->signal = -1;
	n->attached = 0;
	n->client[0] = 0;
}

/* Retry while a previous instance still holds the device (-EBUSY), up to acquire_ms. */
static int
acquire(struct nic *n, const struct mkx_pci_device *d, unsigned long irq_type, unsigned long acquire_ms)
{
	char why[512], args[96];
	double t0 = mkx_now();
	unsigned tries = 0;
	int err;

	snprintf(args, sizeof args, "pci=\"%s\", irq_type=%lu", d->name, irq_type);
	while ((err = mkx_io_mem_open(&n->bar, d->bar[0].address, E1000E_BAR_SIZE, 0, why, sizeof why)) == -EBUSY &&
	    mkx_now() - t0 < acquire_ms / 1e3 && ++tries)
		usleep(100000);
	if (err) {
		mkx_error("BAR0 of %s: %s", d->name, why);
		return err;
	}
	/* IRQ before DMA: VFIO's device open clears bus master, which the DMA session sets. */
	while ((err = mkx_irq_open_args(&n->irq, args, MKX_IRQ_ACK_AUTO, why, sizeof why)) == -EBUSY &&
	    mkx_now() - t0 < acquire_ms / 1e3 && ++tries)
		usleep(100000);
	if (err) {
		mkx_error("IRQ of %s: %s", d->name, why);
		return err;
	}
	while ((err = mkx_dma_open(&n->dma, d->name, why, sizeof why)) == -EBUSY && mkx_now() - t0 < acquire_ms / 1e3 &&
	    ++tries)
		usleep(100000);
	if (err) {
		mkx_error("DMA session of %s: %s", d->name, why);
		return err;
	}
	if (tries)
		mkx_log("nic_e1000e: %s acquired after %.1f s (%u tries: a previous instance still held it)", d->name,
		    mkx_now() - t0, tries + 1);
	return 0;
}

/*
 * The device named pci from the Platform session, retrying while another
 * session holds it (-EBUSY) up to acquire_ms; then BAR0, the interrupt and
 * the DMA session through it (IRQ first, as above).
 */
static int
acquire_platform(struct nic *n, const char *pci, unsigned long irq_type, unsigned long acquire_ms)
{
	struct mkx_pci_device d;
	struct mkx_xml *devices;
	char why[512] = "", *xml;
	double t0 = mkx_now();
	unsigned tries = 0;
	size_t len;
	int err;

	/* The session's ram_quota pays our one DMA buffer (rings and packets: one 2 MiB huge page). */
	if ((err = mkx_platform_open_ram(&n->platform, "nic_e1000e", 2ul << 20, why, sizeof why)) ||
	    (err = mkx_platform_devices(&n->platform, &xml, &len))) {
		mkx_error("Platform session: %s", why[0] ? why : "devices document unreadable");
		return err ? err : -EIO;
	}
	devices = mkx_xml_parse(xml, len, why, sizeof why);
	free(xml);
	for (unsigned i = 0; devices && !mkx_devices_find(devices, E1000E_VENDOR, E1000E_DEVICE, i, &d) &&
	    strcmp(d.name, pci); i++)
		;
	mkx_xml_free(devices);
	if (!devices || strcmp(d.name, pci)) {
		mkx_error("no 82574 (8086:10d3) %s in the Platform session's devices", pci);
		return -ENOENT;
	}
	while ((err = mkx_platform_acquire(&n->platform, pci, why, sizeof why)) == -EBUSY &&
	    mkx_now() - t0 < acquire_ms / 1e3 && ++tries)
		usleep(100000);
	if (!err && !(err = mkx_platform_io_mem(&n->platform, pci, 0, &n->bar, why, sizeof why)))
		/* core may not yet have ended a dead previous holder's IRQ session (its own socket's EOF) */
		while ((err = (irq_type ? mkx_platform_irq : mkx_platform_irq_intx)(&n->platform, pci, 0, &n->irq, why,
		    sizeof why)) == -EBUSY && mkx_now() - t0 < acquire_ms / 1e3 && ++tries)
			usleep(100000);
	if (err || (err = mkx_dma_open_platform(&n->dma, &n->platform, pci, why, sizeof why))) {
		mkx_error("%s through the Platform session: %s", pci, why);
		return err;
	}
	mkx_log("nic_e1000e: %s from the Platform session%s", pci, tries ? " (after a previous holder let go)" : "");
	return 0;
}

/*
 * Serve the Nic session and the device: interrupts (link changes), frames
 * from the client (its kick) and to it. Returns when the parent channel
 * is gone (core exited) or reading the kick fails.
 */
static void
serve(struct nic *n)
{
	int rc;

	for (int busy = 0;;) {
		struct pollfd p[2] = { { .fd = n->irq.fd, .events = POLLIN }, { .fd = n->kick, .events = POLLIN } };
		uint64_t v;

		if (mkx_server_dispatch(0) == -ECONNRESET)
			return;
		/* While the client keeps frames coming, go round again at once; else sleep until a signal. */
		if (poll(p, n->attached ? 2 : 1, busy ? 0 : 2) > 0) {
			if (p[0].revents && (rc = mkx_irq_wait(&n->irq, 0)) > 0) {
				uint32_t causes = e1000e_causes(&n->dev);

				n->interrupts += (uint64_t)rc;
				if (causes & ICR_LSC) {
					n->link_up = e1000e_link(&n->dev, 0, &n->mbps);
					mkx_log("nic_e1000e: link %s", n->link_up ? "up" : "down");
				}
				mkx_irq_ack(&n->irq);
			}
			if (n->attached && p[1].revents && read(n->kick, &v, sizeof v) < 0 && errno != EAGAIN)
				return;
		}
		receive(n);
		e1000e_tx_reclaim(&n->dev);
		busy = n->attached && transmit(n) > 0;
	}
}

int
main(void)
{
	static struct mkx_service svc = { .name = "Nic", .ctx = &nic, .open = nic_open, .call = nic_call,
	    .close = nic_close };
	struct mkx_pci_device d;
	struct mkx_dma_buffer mem;
	struct mkx_rom rom, devs;
	struct mkx_xml *cfg, *x;
	unsigned long irq_type = 0, acquire_ms = 10000, wait_ms = 0;
	char why[512], pci[16] = "00:02.0", err[128];
	double t0;
	int rc, via_platform = 0;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom))) {
		if (mkx_xml_attr(cfg, "pci"))
			snprintf(pci, sizeof pci, "%s", mkx_xml_attr(cfg, "pci"));
		mkx_xml_attr_ulong(cfg, "irq_type", 0, &irq_type);
		mkx_xml_attr_ulong(cfg, "acquire_ms", 10000, &acquire_ms);
		mkx_xml_attr_ulong(cfg, "wait_ms", 0, &wait_ms);
		via_platform = mkx_xml_attr_bool(cfg, "platform", 0) == 1;
	}
	usleep((useconds_t)wait_ms * 1000);
	if (via_platform) {
		if (acquire_platform(&nic, pci, irq_type, acquire_ms))
			mkx_exit(1);
	} else if (mkx_rom_open(&devs, "pci_devices") || !(x = mkx_xml_parse(devs.data, devs.size, err, sizeof err))) {
		mkx_error("no pci_devices ROM");
		mkx_exit(1);
	} else {
		for (unsigned i = 0; !mkx_devices_find(x, E1000E_VENDOR, E1000E_DEVICE, i, &d) && strcmp(d.name, pci);
		    i++)
			;
		if (strcmp(d.name, pci)) {
			mkx_error("no 82574 (8086:10d3) at %s", pci);
			mkx_exit(1);
		}
		if (acquire(&nic, &d, irq_type, acquire_ms))
			mkx_exit(1);
	}
	if (mkx_dma_alloc(&nic.dma, 2u << 20, &mem, why, sizeof why)) {
		mkx_error("DMA buffer: %s", why);
		mkx_exit(1);
	}
	if ((rc = e1000e_init(&nic.dev, &nic.bar, &mem))) {
		mkx_error("device init: %s", strerror(-rc));
		mkx_exit(1);
	}
	if (nic.irq.info.type == 2)
		e1000e_msix_vector0(&nic.dev);
	t0 = mkx_now();
	nic.link_up = e1000e_link(&nic.dev, 5000, &nic.mbps);
	mkx_log("nic_e1000e %s: mac %02x:%02x:%02x:%02x:%02x:%02x, link %s (%u Mb/s) after %.0f ms; rings at bus "
	    "0x%llx (%s); interrupts %s, ack %s", pci, nic.dev.mac[0], nic.dev.mac[1], nic.dev.mac[2], nic.dev.mac[3],
	    nic.dev.mac[4], nic.dev.mac[5], nic.link_up ? "up" : "DOWN", nic.mbps, (mkx_now() - t0) * 1e3,
	    (unsigned long long)mem.bus, nic.dma.info.iommu ? "IOVA" : "physical",
	    nic.irq.info.type == 2 ? "MSI-X" : nic.irq.info.type ? "MSI" : "INTx", mkx_irq_ack_path(&nic.irq));
	if ((rc = mkx_server_announce(&svc))) {
		mkx_error("announce Nic: %s", strerror(-rc));
		mkx_exit(1);
	}
	serve(&nic);
	e1000e_stop(&nic.dev);
	mkx_exit(0);
}
