#!/bin/bash
# make ARCH=arm64 (issue 17, item 1): meminit and meminit-static
# cross-built with Debian's aarch64 compiler against the arm64 -dev
# packages, the BPF programs for __TARGET_ARCH_arm64 against
# bpf/vmlinux/arm64/vmlinux.h (bpf/gen-vmlinux-h.sh takes it from Debian's
# arm64 kernel image). The arm64 binaries then run under qemu-aarch64 (user
# mode): the report of every fixture, table and JSON, is byte for byte what
# this machine's own build prints.
source "$(dirname "$0")/../lib.sh"
T=arm64-build
for t in aarch64-linux-gnu-gcc qemu-aarch64-static bpftool; do
	command -v $t > /dev/null || { skip_missing deps "$T" "$t missing (make deps)"; exit 0; }
done
[ -f /usr/lib/aarch64-linux-gnu/libbpf.a ] || { skip_missing deps "$T" "libbpf-dev:arm64 missing (make deps)"; exit 0; }
[ -x "$TOP/build/meminit" ] || { fail "$T" "build/meminit not built (make)"; exit 0; }
o=$OUTROOT/arm64-build
rm -rf "$o" && mkdir -p "$o"

if ! make -C "$TOP" --no-print-directory -j"$(nproc)" ARCH=arm64 OUTPUT="$o/build" > "$o/make.log" 2>&1; then
	fail "$T: make ARCH=arm64" "$(grep -m1 -E 'error|Error' "$o/make.log")"
	exit 0
fi
warn=$(grep -c 'warning:' "$o/make.log")
[ "$warn" = 0 ] && pass "$T: make ARCH=arm64 builds with no warning (-Wall -Wextra)" ||
	fail "$T: warnings" "$warn in $o/make.log: $(grep -m1 'warning:' "$o/make.log")"
for b in meminit meminit-static; do
	desc=$(file -b "$o/build/$b")
	case "$desc" in *"ARM aarch64"*) pass "$T: $b is an aarch64 executable" ;;
	*) fail "$T: $b" "$desc" ;; esac
done
file -b "$o/build/meminit-static" | grep -q 'statically linked' &&
	pass "$T: meminit-static is statically linked (for the arm64 guests' initramfs)" ||
	fail "$T: meminit-static" "$(file -b "$o/build/meminit-static")"

# The programs that read a probed function's arguments must do it through
# arm64's registers (struct user_pt_regs in a 336-byte pt_regs), not x86's.
for p in live probe; do
	arm=$(bpftool btf dump file "$o/build/$p.bpf.o" 2>/dev/null | grep -E "STRUCT '(user_)?pt_regs'" | paste -sd' ')
	x86=$(bpftool btf dump file "$TOP/build/$p.bpf.o" 2>/dev/null | grep -E "STRUCT '(user_)?pt_regs'" | paste -sd' ')
	case "$arm" in *"'user_pt_regs'"*"size=272"*) ;; *) arm="" ;; esac
	[ -n "$arm" ] && [ "$arm" != "$x86" ] &&
		pass "$T: $p.bpf.o reads arguments through arm64's pt_regs (x86's build: ${x86#*] })" ||
		fail "$T: $p.bpf.o" "arm64 build: '$arm', x86 build: '$x86'"
done

q() { qemu-aarch64-static "$o/build/meminit-static" "$@"; }
v=$(q --version 2>&1)
[ "$v" = "$("$TOP/build/meminit" --version)" ] && pass "$T: under qemu-aarch64: $v" ||
	fail "$T: --version under qemu-aarch64" "$v"
compare_fixture_reports "$o/out" qemu-aarch64-static "$o/build/meminit-static"
[ -z "$FIXTURE_BAD" ] && [ $FIXTURE_RUNS -gt 0 ] &&
	pass "$T: under qemu-aarch64, the report of every fixture ($FIXTURE_RUNS, table and JSON) = this machine's build" ||
	fail "$T: fixtures under qemu-aarch64" "${FIXTURE_BAD:-no fixture}"
