#!/bin/bash
# run.sh OUTDIR: boot the guest that 'tests/vm/guest.sh --pack' put in this
# folder, with the QEMU, libraries and firmware beside this script (nothing
# installed on the machine), KVM when /dev/kvm can be opened, else TCG; the
# files the guest script writes to /out land in OUTDIR, with console.log,
# qemu.log, accel and boot-seconds. Exit 0 when the guest script exited 0.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: run.sh OUTDIR}
mkdir -p "$out"
q=$here/qemu
ld=$(ls "$q"/lib/ld-linux-x86-64.so.* 2>/dev/null | head -n1)
[ -n "$ld" ] || { echo "run.sh: no ld-linux-x86-64.so in $q/lib" >&2; exit 1; }
accel=${MEMINIT_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg,thread=multi
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && accel=kvm
fi
echo "$accel" > "$out/accel"
# the machine it ran on, for the results
{ uname -n; nproc; sed -n 's/^MemTotal: *//p' /proc/meminfo; } > "$out/host"
mapfile -t args < <(grep -v '^-append$' "$here/qemu-args" | sed '$d' | tr ' ' '\n' | grep -v '^$')
app=$(tail -n1 "$here/qemu-args")
start=$(date +%s)
QEMU_MODULE_DIR=$q/modules timeout "$(cat "$here/timeout")" "$ld" --library-path "$q/lib" "$q/qemu-system-x86_64" \
	-L "$q/share" -accel "$accel" "${args[@]}" -kernel "$here/bzImage" -initrd "$here/initrd.gz" \
	-append "$app" -display none -serial "file:$out/console.log" -no-reboot \
	> "$out/qemu.log" 2>&1
rc=$?
echo "$(( $(date +%s) - start ))" > "$out/boot-seconds"
[ $rc = 0 ] || { echo "run.sh: QEMU exited with $rc (124 = timeout); see $out/qemu.log" >&2; exit 1; }
tr -d '\r' < "$out/console.log" | sed -n '/^=== MEMINIT-OUT-BEGIN/,/^=== MEMINIT-OUT-END/p' |
	sed '1d;$d' | base64 -d 2>/dev/null | tar xzf - -C "$out" 2>/dev/null ||
	{ echo "run.sh: no /out archive in $out/console.log" >&2; exit 1; }
grc=$(tr -d '\r' < "$out/console.log" | sed -n 's/^=== MEMINIT-GUEST-RC \([0-9]*\)$/\1/p')
[ "$grc" = 0 ] || { echo "run.sh: guest script exited with ${grc:-nothing}" >&2; exit 1; }
exit 0
