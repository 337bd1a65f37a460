#!/usr/bin/env python3
"""Host check of the nic scenarios: every pattern frame nic_client says it
sent must be in QEMU's filter-dump pcap ($MKX_OUT/nic.pcap), byte for
byte and in order, and the gateway's ARP reply and ICMP echo reply to us
must be there too. The frames are rebuilt here from the same rule as
tests/components/nic_client.c: frame i is 60 + (i*37) % 1441 bytes, to the
gateway's MAC from ours, ethertype 0x88b5, byte j (from 14) = (i*7 + j + seed)
& 0xff.  Arguments: the pcap's name in $MKX_OUT, the client's label."""
import os, re, struct, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serial_log import Log

def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))

def frames(path):
    data = open(path, "rb").read()
    if len(data) < 24 or struct.unpack("<I", data[:4])[0] != 0xa1b2c3d4:
        sys.exit(f"{path}: not a little-endian pcap file")
    at, out = 24, []
    while at + 16 <= len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[at:at + 16])
        out.append(data[at + 16:at + 16 + incl])
        at += 16 + incl
    return out

def main():
    # The client's own lines only (serial_log.py: "[init -> WHO] ", matched at the line start).
    log = Log()
    pcap = os.path.join(os.environ["MKX_OUT"], sys.argv[1] if len(sys.argv) > 1 else "nic.pcap")
    who = sys.argv[2] if len(sys.argv) > 2 else "nic_client"
    ours = log.first(r"nic_client: mac ([0-9a-f:]{17})", who)
    gw = log.first(r"nic_client: ARP reply: 10\.0\.2\.2 is at ([0-9a-f:]{17})", who)
    count = log.first(r"nic_client: sent (\d+) pattern frames \(ethertype 0x88b5, seed (\d+)\)", who)
    if not (ours and gw and count):
        sys.exit("the log lacks nic_client's mac, ARP reply or pattern count")
    src, dst, n, seed = mac(ours.group(1)), mac(gw.group(1)), int(count.group(1)), int(count.group(2))
    got = frames(pcap)
    want = []
    for i in range(n):
        length = 60 + (i * 37) % 1441
        want.append(dst + src + b"\x88\xb5" + bytes((i * 7 + j + seed) & 0xff for j in range(14, length)))
    # In order: each wanted frame after the previous one found.
    at, found = 0, 0
    for i, w in enumerate(want):
        try:
            at = got.index(w, at) + 1
            found += 1
        except ValueError:
            near = [f for f in got if f[12:14] == b"\x88\xb5" and len(f) == len(w)]
            sys.exit(f"pattern frame {i} ({len(w)} bytes) is not in {pcap} (in order); "
                     f"{len(near)} frames of that length and type are")
    arp = [f for f in got if f[:6] == src and f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x02"
           and f[28:32] == bytes([10, 0, 2, 2])]
    echo = [f for f in got if f[:6] == src and f[12:14] == b"\x08\x00" and f[23] == 1 and f[34] == 0
            and f[26:30] == bytes([10, 0, 2, 2])]
    if not arp or not echo:
        sys.exit(f"{pcap}: {len(arp)} ARP replies and {len(echo)} ICMP echo replies from 10.0.2.2 to us")
    print(f"check: {found} of {n} pattern frames (seed {seed}) found byte for byte and in order among {len(got)} frames of "
          f"the pcap; the gateway's ARP reply and ICMP echo reply to {ours.group(1)} are in it too")

main()
