/*
 * The floor of INTx through UIO with core on the path, measured: raw_uio's
 * loop (raise -> read /dev/uioN -> ack the device), except that the
 * unmask (the config write uio_pci_generic leaves to its user) is done by
 * a second plain root process, the way only core may make it in mkx: the
 * loop writes one byte to a socket pair and goes on; the second process
 * waits in poll, takes the byte and writes the command register. No
 * framework, no policy, no logging: what is left is the two processes and
 * their switches. make bench compares the IRQ session with this floor as
 * well as with raw_uio. Root, run before core by bench_preinit:
 *   raw_uio_pair 00:03.0 500
 * Prints "bench: irq raw uio pair US us" and the switches per round of both.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "raw_common.h"
#include "phases.h"
#include "switches.h"

struct uio {
	char	dev[96];
	char	name[24];
	int	ufd, cfd, rfd;
	volatile uint32_t *bar;
};

/* Bind pci to uio_pci_generic, open /dev/uioN, its config and BAR0. 0 or -1. */
static int
take(struct uio *u, const char *pci)
{
	char path[160];
	int n = -1;
	struct dirent *e;
	DIR *d;

	snprintf(u->name, sizeof u->name, "0000:%s", pci);
	snprintf(u->dev, sizeof u->dev, "/sys/bus/pci/devices/%s", u->name);
	snprintf(path, sizeof path, "%s/driver_override", u->dev);
	put(path, "uio_pci_generic");
	put("/sys/bus/pci/drivers_probe", u->name);
	snprintf(path, sizeof path, "%s/uio", u->dev);
	if ((d = opendir(path))) {
		while ((e = readdir(d)))
			if (sscanf(e->d_name, "uio%d", &n) == 1)
				break;
		closedir(d);
	}
	snprintf(path, sizeof path, "/dev/uio%d", n);
	u->ufd = open(path, O_RDONLY);
	snprintf(path, sizeof path, "%s/config", u->dev);
	u->cfd = open(path, O_RDWR);
	snprintf(path, sizeof path, "%s/resource0", u->dev);
	u->rfd = open(path, O_RDWR);
	u->bar = u->rfd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, u->rfd, 0);
	if (n < 0 || u->ufd < 0 || u->cfd < 0 || u->bar == MAP_FAILED) {
		printf("raw_uio_pair: UIO set-up of %s failed (uio%d): %s\n", pci, n, strerror(errno));
		return -1;
	}
	return 0;
}

/* The second process: one config write (read-modify-write of the command register) per byte received. */
static void
unmasker(int sock, int cfd)
{
	for (;;) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		char b[64];
		uint16_t cmd;

		if (poll(&p, 1, -1) != 1 || recv(sock, b, sizeof b, MSG_DONTWAIT) <= 0)
			_exit(0);
		if (pread(cfd, &cmd, 2, 4) == 2) {
			cmd &= (uint16_t)~(1u << 10);
			if (pwrite(cfd, &cmd, 2, 4) != 2)
				_exit(1);
		}
	}
}

/* count rounds, best of 5 parts of count/5; the time of the best part per round, or -1. Steps in ph. */
static double
rounds(struct uio *u, int sock, unsigned long count, struct phases *ph)
{
	double t0, total = 0, best = 1e9;

	phases_start(ph, 5);
	for (unsigned long i = 0; i < count; i++) {
		struct pollfd p = { .fd = u->ufd, .events = POLLIN };
		uint32_t n;

		if (i && i % (count / 5) == 0) {
			best = total < best ? total : best;
			total = 0;
		}
		phases_round(ph);
		phases_step(ph, 0);
		t0 = now();
		u->bar[0x60 / 4] = 1u << (i % 31);
		phases_step(ph, 1);
		if (poll(&p, 1, 3000) != 1 || read(u->ufd, &n, 4) != 4) {
			printf("raw_uio_pair: interrupt %lu did not arrive\n", i);
			return -1;
		}
		phases_step(ph, 2);
		u->bar[0x64 / 4] = u->bar[0x24 / 4];
		phases_step(ph, 3);
		if (write(sock, "u", 1) != 1) {
			printf("raw_uio_pair: unmask request: %s\n", strerror(errno));
			return -1;
		}
		phases_step(ph, 4);
		total += now() - t0;
	}
	return (total < best ? total : best) / (double)(count / 5);
}

int
main(int argc, char **argv)
{
	const char *pci = argc > 1 ? argv[1] : "00:03.0";
	unsigned long count = argc > 2 ? strtoul(argv[2], NULL, 0) : 500;
	struct switches me0, me1, un0, un1;
	static const char *const step_names[] = { "sleep", "raise", "wait", "device", "ack" };
	char mine[48], his[48], path[160], steps[192];
	struct phases ph;
	struct uio u;
	int sp[2], status;
	double us;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	count = count < 5 ? 5 : count;
	if (take(&u, pci) || socketpair(AF_UNIX, SOCK_DGRAM, 0, sp))
		return 1;
	if ((pid = fork()) == 0) {
		close(sp[0]);
		unmasker(sp[1], u.cfd);
	}
	close(sp[1]);
	usleep(100000);	/* the unmasker waits in poll */
	if (pid < 0 || switches_read(0, &me0) || switches_read(pid, &un0)) {
		printf("raw_uio_pair: no second process or no context switch counts\n");
		return 1;
	}
	us = rounds(&u, sp[0], count, &ph) * 1e6;
	if (us < 0 || switches_read(0, &me1) || switches_read(pid, &un1)) {
		printf("raw_uio_pair: the loop failed or no context switch counts after it\n");
		return 1;
	}
	printf("bench: irq raw uio pair %.1f us\n", us);
	switches_per_round(mine, sizeof mine, &me0, &me1, count);
	switches_per_round(his, sizeof his, &un0, &un1, count);
	printf("bench: irq switches raw uio pair: total %.2f per round (loop %s, unmasker %s)\n",
	    switches_total(&me0, &me1, count) + switches_total(&un0, &un1, count), mine, his);
	phases_format(steps, sizeof steps, &ph, step_names);
	printf("bench: irq phases raw uio pair: %s\n", steps);
	kill(pid, SIGKILL);	/* a datagram pair's close does not wake the peer's poll */
	waitpid(pid, &status, 0);
	close(sp[0]);
	munmap((void *)u.bar, 4096);
	close(u.ufd);
	close(u.cfd);
	close(u.rfd);
	snprintf(path, sizeof path, "%s/driver_override", u.dev);
	put(path, "\n");
	put("/sys/bus/pci/drivers/uio_pci_generic/unbind", u.name);
	return 0;
}
