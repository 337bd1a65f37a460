/*
 * The Linux reference for the NIC transmit benchmark: Linux's own e1000e
 * driver (the module is bound to the function at boot) sends the same
 * frames as the mkx driver's client, through an AF_PACKET socket, for the
 * same time. A plain root process (bench_preinit runs it before core);
 * afterwards it takes the interface down and unbinds e1000e from the
 * function (a bound driver's BAR cannot be mapped under IO_STRICT_DEVMEM),
 * so the mkx driver can have it.
 *   raw_packet_tx 00:02.0 1000 60 5   (function, milliseconds per round, frame bytes, rounds;
 *                                       the best round is reported, as nic_client's bench does)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <linux/if_packet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "raw_common.h"

/* The network interface of PCI function pci, waiting up to 10 s for the driver to create it. */
static int
ifname_of(const char *pci, char *name, size_t len)
{
	char dir[128];

	snprintf(dir, sizeof dir, "/sys/bus/pci/devices/0000:%s/net", pci);
	for (int i = 0; i < 1000; i++) {
		DIR *d = opendir(dir);
		struct dirent *e;

		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.' && strlen(e->d_name) < len) {
				memcpy(name, e->d_name, strlen(e->d_name) + 1);
				closedir(d);
				return 0;
			}
		if (d)
			closedir(d);
		usleep(10000);
	}
	return -ENOENT;
}

static int
carrier(const char *ifname)
{
	char path[128], c = '0';
	FILE *f;

	snprintf(path, sizeof path, "/sys/class/net/%s/carrier", ifname);
	if ((f = fopen(path, "r"))) {
		if (fread(&c, 1, 1, f) != 1)
			c = '0';
		fclose(f);
	}
	return c == '1';
}

/* The interface's transmitted-packet counter (what the driver says it handed to the device). */
static unsigned long
tx_packets(const char *ifname)
{
	char path[128];
	unsigned long n = 0;
	FILE *f;

	snprintf(path, sizeof path, "/sys/class/net/%s/statistics/tx_packets", ifname);
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%lu", &n) != 1)
			n = 0;
		fclose(f);
	}
	return n;
}

static int
set_up(int s, const char *ifname, int up)
{
	struct ifreq r;

	memset(&r, 0, sizeof r);
	snprintf(r.ifr_name, sizeof r.ifr_name, "%s", ifname);
	if (ioctl(s, SIOCGIFFLAGS, &r))
		return -errno;
	r.ifr_flags = (short)(up ? r.ifr_flags | IFF_UP : r.ifr_flags & ~IFF_UP);
	return ioctl(s, SIOCSIFFLAGS, &r) ? -errno : 0;
}

int
main(int argc, char **argv)
{
	const char *pci = argc > 1 ? argv[1] : "00:02.0";
	double ms = argc > 2 ? strtod(argv[2], NULL) : 3000, t0, t;
	size_t size = argc > 3 ? strtoul(argv[3], NULL, 0) : 60;
	unsigned rounds = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 0) : 5;
	double best = 0;
	unsigned long total = 0;
	static uint8_t frame[1514];
	struct sockaddr_ll ll;
	struct ifreq r;
	char ifname[IFNAMSIZ];
	unsigned long sent = 0, full = 0;
	int ctl, s;

	if (size < 60 || size > sizeof frame)
		size = 60;
	if (ifname_of(pci, ifname, sizeof ifname)) {
		printf("raw_packet_tx: %s has no network interface (is e1000e loaded?)\n", pci);
		return 1;
	}
	ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ctl < 0 || set_up(ctl, ifname, 1)) {
		printf("raw_packet_tx: cannot bring %s up: %s\n", ifname, strerror(errno));
		return 1;
	}
	for (int i = 0; i < 500 && !carrier(ifname); i++)
		usleep(10000);
	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);	/* protocol 0: send only, receive nothing */
	memset(&r, 0, sizeof r);
	snprintf(r.ifr_name, sizeof r.ifr_name, "%s", ifname);
	if (s < 0 || ioctl(s, SIOCGIFHWADDR, &r)) {
		printf("raw_packet_tx: AF_PACKET on %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	memset(&ll, 0, sizeof ll);
	ll.sll_family = AF_PACKET;
	ll.sll_protocol = htons(0x88b5);
	ll.sll_ifindex = (int)if_nametoindex(ifname);
	if (bind(s, (struct sockaddr *)&ll, sizeof ll)) {
		printf("raw_packet_tx: bind: %s\n", strerror(errno));
		return 1;
	}
	/* The frame nic_client's bench sends: to QEMU's gateway, ethertype 0x88b5, a byte pattern. */
	memcpy(frame, "\x52\x55\x0a\x00\x02\x02", 6);
	memcpy(frame + 6, r.ifr_hwaddr.sa_data, 6);
	frame[12] = 0x88;
	frame[13] = 0xb5;
	for (size_t j = 14; j < size; j++)
		frame[j] = (uint8_t)j;
	unsigned long tx0 = tx_packets(ifname);

	for (unsigned round = 0; round < rounds; round++) {
		sent = 0;
		t0 = now();
		while ((t = now()) - t0 < ms / 1e3) {
			if (send(s, frame, size, 0) == (ssize_t)size)
				sent++;
			else if (errno == ENOBUFS || errno == EAGAIN)
				full++;
			else {
				printf("raw_packet_tx: send: %s\n", strerror(errno));
				return 1;
			}
		}
		total += sent;
		if (sent / (t - t0) > best)
			best = sent / (t - t0);
	}
	printf("bench: nic tx linux %.0f pps (%zu-byte frames, best of %u rounds of %.1f s, %lu frames in all, "
	    "through %s, carrier %d, %lu sends refused full; the driver counts %lu transmitted)\n", best, size, rounds,
	    ms / 1e3, total, ifname, carrier(ifname), full, tx_packets(ifname) - tx0);
	close(s);
	set_up(ctl, ifname, 0);
	close(ctl);
	{
		char name[32];
		FILE *f = fopen("/sys/bus/pci/drivers/e1000e/unbind", "w");

		snprintf(name, sizeof name, "0000:%s", pci);
		if (!f || fputs(name, f) < 0 || fclose(f)) {
			printf("raw_packet_tx: cannot unbind e1000e from %s\n", pci);
			return 1;
		}
	}
	return 0;
}
