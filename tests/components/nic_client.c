/*
 * nic_client: the test client of a Nic session (mkx/nic.h). On QEMU's
 * user network (10.0.2.0/24, gateway 10.0.2.2, us 10.0.2.15) it asks ARP
 * for 10.0.2.2, pings it, and sends `count` pattern frames (ethertype
 * 0x88b5, local experimental) whose bytes a host check regenerates and
 * finds in QEMU's filter-dump pcap (run/checks/nic_pcap.py: frame i is
 * 60 + (i * 37) % 1441 bytes long, payload byte j is (i * 7 + j + seed) &
 * 0xff; the seed tells two clients' frames apart).
 *
 * Config: <config count="64" flood="0" label="nic" seed="0" bench_ms="0" bench_size="60" bench_rounds="1"
 *   wait_rom=""/>
 *   flood: after that, send frames until this many are queued or the
 *   driver is gone (the crash test), and say which.
 *   bench_ms: then send bench_size-byte frames as fast as the driver takes
 *   them for that long and report the driver's transmitted frames per
 *   second (make bench; the same frames as core-services/tools/raw_packet_tx).
 *   wait_rom: first wait (up to 60 s) until this ROM exists (scenario nic:
 *   nic_shrinker's report), then open the session (retrying up to 5 s
 *   while the driver still holds the previous client's: -EBUSY).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/nic.h>
#include <mkx/rom.h>

static const uint8_t our_ip[4] = { 10, 0, 2, 15 }, gw_ip[4] = { 10, 0, 2, 2 };
static uint8_t mac[6], gw_mac[6];
static unsigned long seed;
static struct mkx_nic nic;

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned
get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint16_t
inet_sum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += get16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* An ARP packet (op 1 request, 2 reply) from us to target. */
static size_t
arp(uint8_t *f, unsigned op, const uint8_t *dst_mac, const uint8_t *tha, const uint8_t *tpa)
{
	memset(f, 0, 60);
	memcpy(f, dst_mac, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x0806);
	put16(f + 14, 1);		/* Ethernet */
	put16(f + 16, 0x0800);		/* IPv4 */
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, op);
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, our_ip, 4);
	memcpy(f + 32, tha, 6);
	memcpy(f + 38, tpa, 4);
	return 60;
}

/* ICMP echo request to the gateway: id 0x6d6b, seq, 56 bytes of payload. */
static size_t
echo(uint8_t *f, unsigned seq)
{
	uint8_t *ip = f + 14, *icmp = ip + 20;
	size_t payload = 56, iplen = 20 + 8 + payload;

	memcpy(f, gw_mac, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (unsigned)iplen);
	put16(ip + 4, seq);
	ip[8] = 64;
	ip[9] = 1;			/* ICMP */
	memcpy(ip + 12, our_ip, 4);
	memcpy(ip + 16, gw_ip, 4);
	put16(ip + 10, inet_sum(ip, 20));
	memset(icmp, 0, 8);
	icmp[0] = 8;			/* echo request */
	put16(icmp + 4, 0x6d6b);
	put16(icmp + 6, seq);
	for (size_t j = 0; j < payload; j++)
		icmp[8 + j] = (uint8_t)(0x20 + j);
	put16(icmp + 2, inet_sum(icmp, 8 + payload));
	return 14 + iplen;
}

/* Answer ARP requests for our address (QEMU's slirp may ask before it replies to us). */
static int
answer_arp(const uint8_t *f, int len)
{
	uint8_t out[60];

	if (len < 42 || get16(f + 12) != 0x0806 || get16(f + 20) != 1 || memcmp(f + 38, our_ip, 4))
		return 0;
	arp(out, 2, f + 6, f + 22, f + 28);
	mkx_nic_send(&nic, out, sizeof out);
	mkx_nic_kick(&nic);
	return 1;
}

/* Wait up to timeout_ms for a frame that match() accepts. */
static int
wait_for(uint8_t *f, int (*match)(const uint8_t *, int), int timeout_ms)
{
	double end = mkx_now() + timeout_ms / 1e3;

	while (mkx_now() < end) {
		int len = mkx_nic_recv(&nic, f, 2048, 100);

		if (len < 0)
			return len;
		if (len > 0 && !answer_arp(f, len) && match(f, len))
			return len;
	}
	return 0;
}

static int
is_arp_reply(const uint8_t *f, int len)
{
	return len >= 42 && get16(f + 12) == 0x0806 && get16(f + 20) == 2 && !memcmp(f + 28, gw_ip, 4) &&
	    !memcmp(f + 32, mac, 6);
}

static int
is_echo_reply(const uint8_t *f, int len)
{
	const uint8_t *ip = f + 14, *icmp = f + 34;

	if (len < 14 + 20 + 8 + 56 || get16(f + 12) != 0x0800 || ip[9] != 1 || memcmp(ip + 12, gw_ip, 4) ||
	    icmp[0] != 0 || get16(icmp + 4) != 0x6d6b || get16(icmp + 6) != 1)
		return 0;
	for (int j = 0; j < 56; j++)
		if (icmp[8 + j] != (uint8_t)(0x20 + j))
			return 0;
	return 1;
}

/* Pattern frame i (run/checks/nic_pcap.py builds the same bytes). */
static size_t
pattern(uint8_t *f, unsigned i)
{
	size_t len = 60 + (i * 37u) % 1441;

	memcpy(f, gw_mac, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x88b5);
	for (size_t j = 14; j < len; j++)
		f[j] = (uint8_t)(i * 7u + j + seed);
	return len;
}

static int
send_all(const uint8_t *f, size_t len, double timeout_s)
{
	double end = mkx_now() + timeout_s;
	int err;

	for (unsigned spins = 1; (err = mkx_nic_send(&nic, f, len)) == -EAGAIN && mkx_now() < end; spins++) {
		mkx_nic_kick(&nic);
		usleep(200);
		/* A full ring for a while: is the driver still there? (its session socket says) */
		if (spins % 100 == 0 && mkx_nic_info(&nic))
			return -ECONNRESET;
	}
	return err;
}

/* Transmit rate: frames the driver handed to the device per second, by its own counter; the best of rounds. */
static void
bench(double seconds, unsigned long size, unsigned long rounds)
{
	static uint8_t f[1514];
	uint64_t before, total = 0;
	double t0, t, best = 0;

	if (size < 60 || size > sizeof f)
		size = 60;
	memcpy(f, gw_mac, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x88b5);
	for (size_t j = 14; j < size; j++)
		f[j] = (uint8_t)j;
	for (unsigned long round = 0; round < rounds; round++) {
	if (mkx_nic_info(&nic))
		return;
	before = nic.info.tx_frames;
	t0 = mkx_now();
	for (unsigned n = 1; (t = mkx_now()) - t0 < seconds; n++) {
		if (mkx_nic_send(&nic, f, size) == -EAGAIN) {
			struct pollfd p = { .fd = nic.signal, .events = POLLIN };
			uint64_t v;

			/* Full: wake the driver and sleep until it has taken frames. */
			mkx_nic_kick(&nic);
			if (poll(&p, 1, 5) > 0 && read(nic.signal, &v, sizeof v) < 0)
				return;
		} else if (n % 32 == 0)
			mkx_nic_kick(&nic);
	}
	mkx_nic_kick(&nic);
	if (mkx_nic_info(&nic))
		return;
	total += nic.info.tx_frames - before;
	if ((double)(nic.info.tx_frames - before) / (t - t0) > best)
		best = (double)(nic.info.tx_frames - before) / (t - t0);
	}
	mkx_log("bench: nic tx session %.0f pps (%lu-byte frames, best of %lu rounds of %.1f s, %llu frames in all)",
	    best, size, rounds, seconds, (unsigned long long)total);
}

/* Wait (up to 60 s) until ROM name exists: the client before us is done with the driver. */
static void
wait_rom(const char *name)
{
	struct mkx_rom other;
	double w0 = mkx_now();

	while (mkx_rom_try_open(&other, name) && mkx_now() - w0 < 60)
		usleep(200000);
	mkx_log("nic_client: ROM \"%s\" %s after %.1f s", name, mkx_now() - w0 < 60 ? "present" : "STILL MISSING",
	    mkx_now() - w0);
}

/* Open the Nic session, after ROM wait_rom if one is named; exit if it cannot be had. */
static void
open_after(const char *label, const char *wait)
{
	char why[256];
	int err;

	if (wait)
		wait_rom(wait);
	/* The client before us may have gone a moment before the driver has seen its session end. */
	for (double t0 = mkx_now(); (err = mkx_nic_open(&nic, label, why, sizeof why)) == -EBUSY && mkx_now() - t0 < 5;)
		usleep(100000);
	if (err) {
		mkx_error("Nic session: %s", why);
		mkx_exit(1);
	}
}

int
main(void)
{
	static uint8_t f[2048];
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long count = 64, flood = 0, bench_ms = 0, bench_size = 60, bench_rounds = 1;
	char label[64] = "nic";
	int len;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom))) {
		mkx_xml_attr_ulong(cfg, "count", 64, &count);
		mkx_xml_attr_ulong(cfg, "flood", 0, &flood);
		mkx_xml_attr_ulong(cfg, "seed", 0, &seed);
		mkx_xml_attr_ulong(cfg, "bench_ms", 0, &bench_ms);
		mkx_xml_attr_ulong(cfg, "bench_size", 60, &bench_size);
		mkx_xml_attr_ulong(cfg, "bench_rounds", 1, &bench_rounds);
		if (mkx_xml_attr(cfg, "label"))
			snprintf(label, sizeof label, "%s", mkx_xml_attr(cfg, "label"));
	}
	open_after(label, cfg ? mkx_xml_attr(cfg, "wait_rom") : NULL);
	memcpy(mac, nic.info.mac, 6);
	mkx_log("nic_client: mac %02x:%02x:%02x:%02x:%02x:%02x, link %s, %u Mb/s", mac[0], mac[1], mac[2], mac[3],
	    mac[4], mac[5], nic.info.link_up ? "up" : "down", nic.info.speed_mbps);

	arp(f, 1, (const uint8_t *)"\xff\xff\xff\xff\xff\xff", (const uint8_t *)"\0\0\0\0\0\0", gw_ip);
	mkx_nic_send(&nic, f, 60);
	mkx_nic_kick(&nic);
	if ((len = wait_for(f, is_arp_reply, 5000)) <= 0) {
		mkx_error("no ARP reply for 10.0.2.2 within 5 s");
		mkx_exit(1);
	}
	memcpy(gw_mac, f + 22, 6);
	mkx_log("nic_client: ARP reply: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x", gw_mac[0], gw_mac[1], gw_mac[2],
	    gw_mac[3], gw_mac[4], gw_mac[5]);

	mkx_nic_send(&nic, f, echo(f, 1));
	mkx_nic_kick(&nic);
	if ((len = wait_for(f, is_echo_reply, 5000)) <= 0) {
		mkx_error("no ICMP echo reply from 10.0.2.2 within 5 s");
		mkx_exit(1);
	}
	mkx_log("nic_client: ICMP echo reply from 10.0.2.2: id 0x6d6b seq 1, 56 payload bytes equal (%d-byte frame)", len);

	for (unsigned i = 0; i < count; i++)
		if (send_all(f, pattern(f, i), 5)) {
			mkx_error("pattern frame %u: the tx ring stayed full", i);
			mkx_exit(1);
		}
	mkx_nic_kick(&nic);
	usleep(300000);		/* let the driver drain its ring before we count */
	if (mkx_nic_info(&nic) == 0)
		mkx_log("nic_client: sent %lu pattern frames (ethertype 0x88b5, seed %lu); driver counts %llu sent, %llu received, "
		    "%llu interrupts", count, seed, (unsigned long long)nic.info.tx_frames,
		    (unsigned long long)nic.info.rx_frames, (unsigned long long)nic.info.interrupts);
	if (bench_ms)
		bench((double)bench_ms / 1e3, bench_size, bench_rounds);
	if (flood) {
		double t0 = mkx_now();
		unsigned long sent = 0;

		for (; sent < flood; sent++) {
			if (send_all(f, pattern(f, (unsigned)sent), 2)) {
				mkx_log("nic_client: flood: the driver stopped taking frames after %lu (%s)", sent,
				    mkx_nic_info(&nic) ? "it is gone: session closed" : "its session is still open");
				break;
			}
			if (sent % 32 == 31)
				mkx_nic_kick(&nic);
		}
		mkx_nic_kick(&nic);
		if (sent == flood)
			mkx_log("nic_client: flood: %lu frames queued in %.2f s", sent, mkx_now() - t0);
	}
	mkx_nic_close(&nic);
	mkx_exit(0);
}
