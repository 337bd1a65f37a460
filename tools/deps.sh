#!/bin/sh
# Install the Debian packages mkx needs, only those that are missing.
# Runs as root on a fresh Debian 12 machine; as another user it says what
# to install instead of failing obscurely later.
set -e
PKGS="gcc g++ make libc6-dev libexpat1-dev libx86emu-dev acpica-tools clang libclang-rt-14-dev ovmf qemu-system-x86 cpio kmod socat python3 pciutils busybox-static grub-pc-bin grub-efi-amd64-bin grub-common mtools dosfstools fdisk"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing; run as root or: apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || apt-get update
apt-get install -y -q --no-install-recommends $missing
