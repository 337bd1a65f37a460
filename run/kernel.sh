#!/bin/sh
# Fetch the stock Debian kernel (linux-image-amd64 -> linux-image-6.1.0-NN-amd64)
# with apt-get download and extract it under build/kernel/. Cached: a second
# run does nothing. Prints the kernel directory.
set -eu
K=build/kernel
if [ -f "$K/vmlinuz" ] && [ -d "$K/pkg/lib/modules" ]; then
	echo "$K"
	exit 0
fi
mkdir -p "$K/dl"
cd "$K/dl"
if ! ls linux-image-amd64_*.deb >/dev/null 2>&1; then
	apt-get download linux-image-amd64 >&2 || { apt-get update -q >&2 && apt-get download linux-image-amd64 >&2; }
fi
DEP=$(dpkg-deb -f linux-image-amd64_*.deb Depends | grep -o 'linux-image-[0-9][^ ,]*' | head -1)
[ -n "$DEP" ] || { echo "kernel: cannot resolve the kernel package behind linux-image-amd64" >&2; exit 1; }
ls "$DEP"_*.deb >/dev/null 2>&1 || apt-get download "$DEP" >&2
cd ..
rm -rf pkg
mkdir pkg
dpkg-deb -x dl/"$DEP"_*.deb pkg
cp pkg/boot/vmlinuz-* vmlinuz
echo "$DEP" > version
echo "$K"
