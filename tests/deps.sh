#!/bin/sh
# Install every build and test dependency meminit needs on Debian 12.
# Does nothing (and needs no network) when all of them are present.
set -eu
PKGS="make gcc clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev libzstd-dev
libjson-c-dev pkg-config qemu-system-x86 busybox-static cpio kexec-tools jq
zstd xz-utils linux-perf
libclang-rt-14-dev cppcheck clang-tidy
linux-source-6.12 dwarves flex bison bc libssl-dev python3-ply
prometheus chromium man-db groff-base python3
git perl e2fsprogs util-linux
bpftrace valgrind time systemd ovmf libc6-dev binutils"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "meminit: make deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "  APT     $missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
