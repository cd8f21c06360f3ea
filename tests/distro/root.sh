#!/bin/bash
# A Debian 12 root filesystem for the distribution guest (issue 16): systemd
# as init, Debian's stock 6.12 kernel with its initramfs, node_exporter, kexec
# and what meminit's package depends on; meminit itself is not in it (the
# test installs the .deb of the tree it tests). Built from Debian's packages
# with mmdebstrap (about two minutes) and cached as a tarball by the hash of
# its inputs; prints the tarball's path.
#
#   root.sh            build if needed, print the path
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${MEMINIT_CACHE:-/var/cache/meminit}/distro

# Debian 12's 6.12 kernel through its meta-package: a versioned package
# (linux-image-6.12.N+deb12-amd64) leaves the mirrors when the next
# security update replaces it, and the root would no longer build.
PKGS=(systemd-sysv udev dbus kmod e2fsprogs procps iproute2 jq
	linux-image-6.12-amd64 initramfs-tools zstd
	prometheus-node-exporter kexec-tools
	libbpf1 libelf1 libjson-c5 zlib1g)
MIRRORS=("deb http://deb.debian.org/debian bookworm main"
	"deb http://deb.debian.org/debian bookworm-updates main"
	"deb http://deb.debian.org/debian-security bookworm-security main")

key=$( { echo v1; printf '%s\n' "${PKGS[@]}" "${MIRRORS[@]}"; cat "$0"; } | sha256sum | cut -c1-16)
out=$cache/$key
print_if_cached() {
	[ -f "$out/root.tar" ] || return 0
	echo "root.sh: cached ($out)" >&2
	echo "$out/root.tar"
	exit 0
}
print_if_cached
mkdir -p "$out"
# One build at a time: a caller that waited for another (make test builds
# ahead in the background) finds the root cached once it has the lock.
exec 9> "$cache/.lock"
flock 9
print_if_cached
t0=$(date +%s)
# The guest's own settings (after the packages are in):
# the console on the serial line, the root on virtio, networking by
# systemd-networkd (QEMU's user network answers DHCP), no password prompt
# needed (the tests talk to the guest through units and its disk).
cat > "$out/setup.sh" <<'SETUP'
set -e
root=$1
echo meminit-guest > "$root/etc/hostname"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' > "$root/etc/fstab"
mkdir -p "$root/etc/systemd/network"
printf '[Match]\nName=en* eth*\n[Network]\nDHCP=ipv4\n' > "$root/etc/systemd/network/20-wired.network"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /lib/systemd/system/systemd-networkd.service \
	"$root/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
# Root with no password on the serial console, for a person debugging it.
sed -i 's/^root:[^:]*:/root::/' "$root/etc/shadow"
SETUP
# The initramfs policy, in place before the kernel's package makes its
# initramfs (so it is made once): only what a QEMU virtio root needs
# (MODULES=list plus a hook that loads the three modules), not
# MODULES=most's every storage driver: a 32 MB image becomes a few MB,
# quicker to make here and to unpack in every TCG boot of the guest.
cat > "$out/initramfs.sh" <<'INITRAMFS'
set -e
d=$1/etc/initramfs-tools
mkdir -p "$d/conf.d" "$d/hooks"
echo MODULES=list > "$d/conf.d/meminit-guest"
cat > "$d/hooks/meminit-guest" <<'HOOK'
#!/bin/sh
[ "$1" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
force_load virtio_pci
force_load virtio_blk
force_load ext4
HOOK
chmod 755 "$d/hooks/meminit-guest"
INITRAMFS
# eatmydata (mmdebstrap's own hook): dpkg's fsync after every file is for
# a system that must survive a crash mid-upgrade, not for a tarball.
mmdebstrap --variant=minbase --include="$(IFS=,; echo "${PKGS[*]}")" \
	--hook-dir=/usr/share/mmdebstrap/hooks/eatmydata \
	--essential-hook="sh $out/initramfs.sh \"\$1\"" \
	--customize-hook="sh $out/setup.sh \"\$1\"" \
	--customize-hook='for f in "$1"/boot/initrd.img-6.12.*; do test -s "$f" || exit 1; done' \
	--customize-hook="ls \"\$1/boot\" > \"$out/boot.txt\"" \
	bookworm "$out/root.tmp.tar" "${MIRRORS[@]}" > "$out/mmdebstrap.log" 2>&1 ||
	{ tail -n 20 "$out/mmdebstrap.log" >&2; echo "root.sh: mmdebstrap failed; log in $out/mmdebstrap.log" >&2; exit 1; }
mv "$out/root.tmp.tar" "$out/root.tar"
echo "$(( $(date +%s) - t0 ))" > "$out/build-seconds"
echo "root.sh: built in $(cat "$out/build-seconds") s ($out)" >&2
echo "$out/root.tar"
