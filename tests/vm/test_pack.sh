#!/bin/bash
# needs: patched-kernel
# The large-memory run of issue 18 (bench/large-memory.sh), packed for a
# machine with nothing installed, checked here at a small shape: the packed
# folder boots the patched kernel with only its own QEMU, libraries,
# firmware and accelerator modules (no PATH, no QEMU of this machine), and
# the boot's truths hold (struct pages per node = zoneinfo present).
source "$(dirname "$0")/../lib.sh"
need_vm "pack" || exit 0
d=$OUTROOT/pack
rm -rf "$d"
mkdir -p "$d/run"
if ! NODES=512M,512M NODE_CPUS=1,1 TIMEOUT=300 "$TOP/bench/large-memory.sh" pack "$d/lm" > "$d/pack.log" 2>&1; then
	fail "pack: bench/large-memory.sh pack" "$(tail -n 2 "$d/pack.log" | tr '\n' ' ')"
	exit 0
fi
size=$(du -m "$d/lm.tar.xz" | cut -f1)
[ "$size" -lt 64 ] && pass "pack: $size MiB packed (kernel, initramfs, QEMU, libraries, firmware), under a device call's 64 MiB" ||
	fail "pack: size" "$size MiB"
tar -C "$d/run" -xJf "$d/lm.tar.xz"
accel=$("$TOP/tests/vm/accel.sh")
# Nothing of this machine's: an empty environment, QEMU from the folder.
if flock "${MEMINIT_CACHE:-/var/cache/meminit}/qemu.lock" env -i MEMINIT_ACCEL="$accel" \
	"$d/run/lm/run.sh" "$d/out" > "$d/run.log" 2>&1; then
	pass "pack: the folder boots the guest with its own QEMU ($(cat "$d/out/boot-seconds") s, $accel)"
	# run.sh reads no kernel line; the console it kept is scanned here.
	console_clean "pack: the packed guest" "$d/out/console.log"
else
	fail "pack: run.sh" "$(tail -n 2 "$d/run.log" | tr '\n' ' ')"
	exit 0
fi
if "$TOP/bench/large-memory.sh" check "$d/out" > "$d/check.md" 2>&1; then
	pass "pack: struct pages per node = zoneinfo present ($(grep -c '^| [0-9]' "$d/check.md") nodes)"
else
	fail "pack: check" "$(tail -n 2 "$d/check.md" | tr '\n' ' ')"
fi
