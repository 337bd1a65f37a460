#!/usr/bin/env python3
"""Append N Devices nested in each other (Device (NEST) { Device (NEST) { ... } })
at the end of an AML table, then fix its length and checksum. iasl cannot
parse that deep, the interpreter must load it without running out of stack.

  nest.py TABLE.aml N"""
import struct, sys

def pkg_length(body_len):
    """PkgLength (ACPI 6.4 20.2.4) of a package whose body is body_len bytes."""
    for extra in range(4):
        total = body_len + 1 + extra
        if extra == 0 and total < 0x40:
            return bytes([total])
        if extra and total < 1 << (4 + 8 * extra):
            out = [(extra << 6) | (total & 0x0F)]
            out += [(total >> (4 + 8 * i)) & 0xFF for i in range(extra)]
            return bytes(out)
    raise ValueError("package too long")

path, n = sys.argv[1], int(sys.argv[2])
inner = b""
for _ in range(n):
    body = b"NEST" + inner
    inner = b"\x5b\x82" + pkg_length(len(body)) + body
t = bytearray(open(path, "rb").read()) + inner
struct.pack_into("<I", t, 4, len(t))
t[9] = 0
t[9] = (-sum(t)) & 0xFF
open(path, "wb").write(t)
