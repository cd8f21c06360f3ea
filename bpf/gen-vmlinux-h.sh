#!/bin/sh
# Regenerate the committed vmlinux.h from a stock Debian kernel's BTF.
# Usage: gen-vmlinux-h.sh OUT [VMLINUZ]
# VMLINUZ defaults to the Debian 6.12 kernel the testbed caches for ARCH
# (x86 or arm64; default x86). The kernel's BTF is a blob in its read-only
# data (what /sys/kernel/btf/vmlinux serves), so it is found in the image
# itself: x86's bzImage holds a compressed vmlinux ELF, found by its
# zstd/xz/gzip magic as the kernel's scripts/extract-vmlinux does, whose
# .BTF section bpftool reads; arm64's Image is the raw kernel, where the
# blob is found by its header (magic 0xeb9f, version 1, a 24-byte header)
# and cut to the length that header gives.
set -eu
out=$1
case "${ARCH:-x86}" in
x86) debarch=amd64 ;;
arm64) debarch=arm64 ;;
*) echo "gen-vmlinux-h: no Debian kernel for ARCH=$ARCH (x86 or arm64)" >&2; exit 2 ;;
esac
img=${2:-$(tests/vm/kernel.sh path 6.12 "$debarch")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dump() { bpftool btf dump file "$1" format c > "$tmp/vmlinux.h" 2>/dev/null; }
try() { # magic-regex decompressor
	for off in $(LC_ALL=C grep -obUaP "$1" "$img" | cut -d: -f1); do
		tail -c +$((off + 1)) "$img" | $2 > "$tmp/vmlinux" 2>/dev/null || true
		dump "$tmp/vmlinux" && return 0
	done
	return 1
}
raw() { # the BTF header in an uncompressed image
	for off in $(LC_ALL=C grep -obUaP '\x9f\xeb\x01\x00\x18\x00\x00\x00\x00\x00\x00\x00' "$img" | cut -d: -f1); do
		# hdr_len type_off type_len str_off str_len, little-endian u32s
		set -- $(od -An -v -tu4 -j $((off + 4)) -N 20 --endian=little "$img")
		[ $# = 5 ] || continue
		tail -c +$((off + 1)) "$img" | head -c $(($1 + $4 + $5)) > "$tmp/raw.btf"
		dump "$tmp/raw.btf" && return 0
	done
	return 1
}
raw || try '\x28\xb5\x2f\xfd' 'zstd -dc' || try '\xfd\x37\x7a\x58\x5a\x00' 'xz -dc' ||
	try '\x1f\x8b\x08' 'gzip -dc' || { echo "gen-vmlinux-h: no BTF found in $img" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
mv "$tmp/vmlinux.h" "$out"
echo "gen-vmlinux-h: wrote $out from $img"
