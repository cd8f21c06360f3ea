#!/bin/sh
# Print the path of Debian's static busybox for a guest architecture.
# Usage: busybox.sh amd64|arm64
# This machine's own /bin/busybox for its own architecture; for another,
# the busybox-static package of that architecture, taken with apt-get
# download and unpacked with dpkg -x into $MEMINIT_CACHE/busybox-<arch>/,
# once. Installing it instead would replace this machine's /bin/busybox.
set -eu
arch=${1:?usage: busybox.sh amd64|arm64}
[ "$arch" = "$(dpkg --print-architecture)" ] && { echo /bin/busybox; exit 0; }
case "$arch" in
amd64|arm64) ;;
*) echo "busybox.sh: unknown architecture '$arch' (amd64 or arm64)" >&2; exit 2 ;;
esac
dir=${MEMINIT_CACHE:-/var/cache/meminit}/busybox-$arch
if [ ! -f "$dir/.unpacked" ]; then
	mkdir -p "$dir"
	exec 9> "$dir.lock"
	flock 9
	if [ ! -f "$dir/.unpacked" ]; then
		tmp=$(mktemp -d)
		trap 'rm -rf "$tmp"' EXIT
		(cd "$tmp" && apt-get download "busybox-static:$arch" > /dev/null 2>&1) ||
			{ echo "busybox.sh: apt-get download busybox-static:$arch failed (dpkg --add-architecture $arch, apt-get update?)" >&2; exit 1; }
		dpkg -x "$tmp"/busybox-static_*.deb "$dir" && touch "$dir/.unpacked"
	fi
fi
echo "$dir/bin/busybox"
