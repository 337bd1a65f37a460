#!/usr/bin/env python3
"""Host check of scenario host_nic: in QEMU's filter-dump pcap ($MKX_OUT/nic.pcap), in this
order: round 1's 64 pattern frames of our driver (seed 0, byte for byte, in order), then an
ICMP echo request Linux's e1000e sent (busybox ping, not nic_client's id 0x6d6b), then round
2's 64 pattern frames (seed 1), then another echo request of Linux's. Pattern frames are
rebuilt by tests/components/nic_client.c's rule (as run/checks/nic_pcap.py)."""
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
        incl = struct.unpack("<IIII", data[at:at + 16])[2]
        out.append(data[at + 16:at + 16 + incl])
        at += 16 + incl
    return out

def pattern(dst, src, n, seed):
    for i in range(n):
        length = 60 + (i * 37) % 1441
        yield dst + src + b"\x88\xb5" + bytes((i * 7 + j + seed) & 0xff for j in range(14, length))

def linux_echo(f, src):
    """An ICMP echo request to 10.0.2.2 from src that is not nic_client's (id 0x6d6b)."""
    return (len(f) >= 42 and f[6:12] == src and f[12:14] == b"\x08\x00" and f[23] == 1 and f[34] == 8
            and f[30:34] == bytes([10, 0, 2, 2]) and f[38:40] != b"\x6d\x6b")

def main():
    # nic_client's own lines only (serial_log.py: "[init -> nic_client] ", at the line start).
    log = Log()
    pcap = os.path.join(os.environ["MKX_OUT"], "nic.pcap")
    ours = log.first(r"nic_client: mac ([0-9a-f:]{17})", "nic_client")
    gw = log.first(r"nic_client: ARP reply: 10\.0\.2\.2 is at ([0-9a-f:]{17})", "nic_client")
    if not (ours and gw):
        sys.exit("the log lacks nic_client's mac or ARP reply")
    src, dst = mac(ours.group(1)), mac(gw.group(1))
    got = frames(pcap)
    at, said = 0, []
    for seed in (0, 1):
        for i, w in enumerate(pattern(dst, src, 64, seed)):
            try:
                at = got.index(w, at) + 1
            except ValueError:
                sys.exit(f"round {seed + 1}: pattern frame {i} (seed {seed}, {len(w)} bytes) is not in {pcap} after frame {at}")
        last = at
        at = next((k + 1 for k in range(at, len(got)) if linux_echo(got[k], src)), None)
        if at is None:
            sys.exit(f"round {seed + 1}: no ICMP echo request of Linux's e1000e after our driver's frames (frame {last})")
        said.append(f"round {seed + 1}: 64 frames of our driver (seed {seed}) byte for byte up to frame {last}, "
                    f"Linux's echo request at frame {at}")
    print("check: " + "; ".join(said) + f" ({len(got)} frames in the pcap)")

main()
