#!/bin/sh
# Fetch and cache a stock Debian kernel for the QEMU testbed.
# Usage: kernel.sh path|dir|config|version 6.1|6.12 [amd64|arm64] [16k]
#   6.1  = the kernel linux-image-<arch> depends on (Debian 12's default)
#   6.12 = the newest linux-image-6.12.*+deb12-<arch>
#   arm64 takes the -unsigned image (the same kernel without the EFI
#   signature), through dpkg's foreign architecture (make deps adds it).
#   16k  = arm64 only: the arm64-16k flavour (16 KiB base pages), 6.12 only
# The .deb is taken with apt-get download and unpacked with dpkg -x into
# $MEMINIT_CACHE/kernels/<package>/, once.
set -eu
what=$1 series=$2 arch=${3:-amd64} pages=${4:-}
case "$arch$pages" in
amd64) flavour=amd64 ;;
arm64) flavour=arm64-unsigned ;;
arm6416k) flavour=arm64-16k-unsigned ;;
*) echo "kernel.sh: unknown architecture '$arch' '$pages' (amd64, arm64, arm64 16k)" >&2; exit 2 ;;
esac
cache=${MEMINIT_CACHE:-/var/cache/meminit}/kernels
mkdir -p "$cache"
cd "$cache"
# One download and unpack at a time (make test fetches ahead in the
# background while a test may ask for the same kernel).
exec 9> "$cache/.lock"
flock 9

resolve() {
	case "$series" in
	6.1) apt-cache depends "linux-image-$arch:$arch" 2>/dev/null |
		sed -n "s/^ *Depends: \(linux-image-6\.1\.[^ :]*-$arch\)\(:$arch\)\?\$/\1/p" |
		head -n1 | sed "s/-$arch\$/-$flavour/" ;;
	6.12) apt-cache search --names-only "^linux-image-6\.12\.[0-9]+\+deb12-$flavour\$" 2>/dev/null |
		cut -d' ' -f1 | sort -V | tail -n1 ;;
	*) echo "kernel.sh: unknown series '$series' (6.1 or 6.12)" >&2; exit 2 ;;
	esac
}

# Reuse a cached unpack without asking apt (CI may run offline).
pkg=$(ls -d linux-image-"$series".*-"$flavour" 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$pkg" ] || [ ! -f "$pkg/.unpacked" ]; then
	pkg=$(resolve)
	[ -n "$pkg" ] || { echo "kernel.sh: no Debian package found for $series (apt-get update?)" >&2; exit 1; }
	if [ ! -f "$pkg/.unpacked" ]; then
		rm -f "$pkg"_*.deb
		apt-get download "$pkg:$arch" >/dev/null 2>&1 ||
			{ echo "kernel.sh: apt-get download $pkg failed" >&2; exit 1; }
		rm -rf "$pkg" && dpkg -x "$pkg"_*.deb "$pkg" && rm -f "$pkg"_*.deb
		touch "$pkg/.unpacked"
	fi
fi
ver=$(ls "$pkg/boot" | sed -n 's/^vmlinuz-//p' | head -n1)
case "$what" in
path) echo "$cache/$pkg/boot/vmlinuz-$ver" ;;
config) echo "$cache/$pkg/boot/config-$ver" ;;
dir) echo "$cache/$pkg" ;;
version) echo "$ver" ;;
*) echo "kernel.sh: unknown request '$what'" >&2; exit 2 ;;
esac
