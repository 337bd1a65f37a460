/*
 * nic_shrinker: a Nic client that tries to take the driver down by
 * shrinking the shared memory under its mapping (scenario nic). A memfd
 * the driver maps can be truncated by its owner at any time unless it is
 * sealed F_SEAL_SHRINK; the driver's next access to the vanished pages
 * is a SIGBUS, the driver gone for every client. Two attacks, each with a
 * verdict in the style of tests/attack/attack.h:
 *   unsealed: ATTACH with a memfd of the right size but no seals. The
 *     driver must refuse it (REFUSED); if it takes it, we queue a frame,
 *     truncate the memfd to 0, kick, and see whether the driver still
 *     answers INFO (HOLE either way: it accepted memory it could lose).
 *   sealed: through libmkx's own mkx_nic_open, truncating its memfd must
 *     be refused by the kernel (EPERM: libmkx sealed it before handing
 *     it over).
 * Then it reports "done" so that the next client (nic_client's wait_rom)
 * can show the driver still serves. Without the driver's seal check (even
 * with libmkx sealing its own memfd) scenario nic fails: the driver dies
 * of SIGBUS right after this client's unsealed ATTACH.
 *
 * Config: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/nic.h>
#include <mkx/report.h>
#include "../attack/attack.h"	/* the verdicts only */

/* ATTACH an unsealed memfd; if the driver takes it, shrink it under the driver. */
static int
unsealed(char *how, size_t len)
{
	static struct mkx_msg reply;
	struct mkx_session s;
	struct mkx_nic_shm *shm;
	char why[256];
	int fds[3] = { memfd_create("nic-shrink", MFD_CLOEXEC | MFD_ALLOW_SEALING), eventfd(0, EFD_CLOEXEC),
	    eventfd(0, EFD_CLOEXEC) }, rc, verdict;
	uint64_t one = 1;

	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || ftruncate(fds[0], sizeof *shm) ||
	    (shm = mmap(NULL, sizeof *shm, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0)) == MAP_FAILED) {
		snprintf(how, len, "set-up: %s", strerror(errno));
		return ATTACK_INCONCLUSIVE;
	}
	if ((rc = mkx_session_open(&s, "Nic", "label=\"shrinker\", ram_quota=8K", why, sizeof why))) {
		snprintf(how, len, "no Nic session: %s", why);
		return ATTACK_INCONCLUSIVE;
	}
	rc = mkx_session_call(&s, MKX_NIC_ATTACH, NULL, 0, fds, 3, &reply);
	mkx_msg_close_fds(&reply);
	if (rc == -EINVAL && reply.hdr.len > 1) {
		reply.payload[reply.hdr.len - 1] = 0;
		snprintf(how, len, "ATTACH refused (%s): %s", strerror(-rc), (char *)reply.payload);
		verdict = ATTACK_REFUSED;
	} else if (rc) {
		snprintf(how, len, "ATTACH failed with status %d and no reason: no refusal", rc);
		verdict = ATTACK_INCONCLUSIVE;
	} else {
		/* Taken: one good frame in the tx ring, then the memory gone from under it. */
		memset(shm->tx.slot[0].data, 0xff, 12);
		shm->tx.slot[0].len = 60;
		atomic_store_explicit(&shm->tx.tail, 1, memory_order_release);
		munmap(shm, sizeof *shm);
		rc = ftruncate(fds[0], 0);
		if (write(fds[1], &one, sizeof one) < 0)
			rc = -1;
		usleep(500000);
		snprintf(how, len, "ATTACH of an unsealed memfd accepted; shrunk to 0 %s; the driver %s", rc ? "FAILED" :
		    "and kicked", mkx_session_call(&s, MKX_NIC_INFO, NULL, 0, NULL, 0, &reply) == -ECONNRESET ?
		    "is gone (session reset: it died touching the vanished pages)" : "still answers INFO");
		mkx_msg_close_fds(&reply);
		verdict = ATTACK_HOLE;
	}
	mkx_session_close(&s);
	for (unsigned i = 0; i < 3; i++)
		close(fds[i]);
	return verdict;
}

/* libmkx's own client: its memfd must be sealed, so the kernel refuses the truncation. */
static int
sealed(char *how, size_t len)
{
	struct mkx_nic nic;
	char why[256];
	int rc;

	/* The driver may not yet have seen our first session end (-EBUSY: it serves one client). */
	for (double t0 = mkx_now(); (rc = mkx_nic_open(&nic, "shrinker", why, sizeof why)) == -EBUSY &&
	    mkx_now() - t0 < 5;)
		usleep(100000);
	if (rc) {
		snprintf(how, len, "mkx_nic_open: %s", why);
		return ATTACK_INCONCLUSIVE;
	}
	rc = ftruncate(nic.memfd, 0) ? errno : 0;
	if (!rc)
		snprintf(how, len, "libmkx's memfd truncated to 0 (not sealed F_SEAL_SHRINK)");
	else
		snprintf(how, len, "truncating libmkx's memfd: %s", strerror(rc));
	mkx_nic_close(&nic);
	return !rc ? ATTACK_HOLE : rc == EPERM ? ATTACK_REFUSED : ATTACK_INCONCLUSIVE;
}

int
main(void)
{
	static const struct attack attacks[] = { { "unsealed", unsealed }, { "sealed", sealed } };
	static const char doc[] = "<done/>\n";
	unsigned n[3] = { 0 };		/* refused, holes, inconclusive */
	struct mkx_report rep;
	char how[512], why[256] = "";

	if (mkx_env_init())
		return 1;
	for (unsigned i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
		int v = attacks[i].run(how, sizeof how);

		mkx_log("nic_shrinker: %s: %s: %s", attacks[i].name, v == ATTACK_REFUSED ? "refused" : v == ATTACK_HOLE ?
		    "HOLE" : "inconclusive", how);
		n[v == ATTACK_REFUSED ? 0 : v == ATTACK_HOLE ? 1 : 2]++;
	}
	mkx_log("nic_shrinker: %u refused, %u holes, %u inconclusive", n[0], n[1], n[2]);
	if (mkx_report_open(&rep, "done", why, sizeof why) || mkx_report_submit(&rep, doc, sizeof doc - 1))
		mkx_error("nic_shrinker: report \"done\": %s", why);
	mkx_exit(n[1] || n[2] ? 1 : 0);
}
