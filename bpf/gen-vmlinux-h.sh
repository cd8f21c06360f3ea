#!/bin/sh
# Regenerate the committed vmlinux.h from a stock Debian kernel's BTF.
# Usage: gen-vmlinux-h.sh OUT [VMLINUZ]
# VMLINUZ defaults to the Debian 6.12 kernel the testbed caches. The
# compressed vmlinux is found by its zstd/xz/gzip magic, as the kernel's
# scripts/extract-vmlinux does, and its .BTF section dumped with bpftool.
set -eu
out=$1
img=${2:-$(tests/vm/kernel.sh path 6.12)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
try() { # magic-regex decompressor
	for off in $(LC_ALL=C grep -obUaP "$1" "$img" | cut -d: -f1); do
		tail -c +$((off + 1)) "$img" | $2 > "$tmp/vmlinux" 2>/dev/null || true
		if bpftool btf dump file "$tmp/vmlinux" format c > "$tmp/vmlinux.h" 2>/dev/null; then
			return 0
		fi
	done
	return 1
}
try '\x28\xb5\x2f\xfd' 'zstd -dc' || try '\xfd\x37\x7a\x58\x5a\x00' 'xz -dc' ||
	try '\x1f\x8b\x08' 'gzip -dc' || { echo "gen-vmlinux-h: no BTF found in $img" >&2; exit 1; }
mv "$tmp/vmlinux.h" "$out"
echo "gen-vmlinux-h: wrote $out from $img"
