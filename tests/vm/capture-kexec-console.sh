#!/bin/bash
# Capture tests/fixtures/6.12-kexec-console: the serial console of a real
# 'meminit kexec' loop (stock Debian 6.12, 4 runs, nodes 1G + 2G), kernel
# messages at loglevel 7 so the console holds every boot's memory lines as a
# BMC's serial-over-LAN log would, and the loop's own run directory. Not
# part of make test (it boots a guest): run it to refresh the fixture.
#
# capture-kexec-console.sh [OUTDIR]   default: tests/fixtures/6.12-kexec-console
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$top/tests/fixtures/6.12-kexec-console}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/seed"
cat > "$w/seed/start.sh" <<'EOS'
exec meminit kexec --runs 4 --out /mnt/kx --kernel /mnt/boot/vmlinuz --initrd /mnt/boot/initrd.gz \
	--reuse-cmdline --yes
EOS
# After the loop: the run directory comes back through /out.
cat > "$w/seed/after.sh" <<'EOS'
mkdir -p /out/kx/runs && cp /mnt/kx/plan.json /out/kx/ && cp /mnt/kx/runs/run-*.json /out/kx/runs/
EOS
mkfs.ext4 -q -F -d "$w/seed" "$w/disk.img" 64M
"$here/guest.sh" --kernel 6.12 --nodes 1G,2G --node-cpus 1,1 --disk "$w/disk.img" \
	--append "loglevel=7" --timeout 400 --out "$w/out" "$here/guest-kexec.sh" > "$w/guest.log" 2>&1 ||
	{ echo "capture: the guest failed: $(tail -n2 "$w/guest.log")" >&2; exit 1; }
[ "$(ls "$w/out/kx/runs" | wc -l)" = 4 ] || { echo "capture: the loop did not write 4 runs" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out/kx/runs"
tr -d '\r' < "$w/out/console.log" | sed '/^=== MEMINIT-OUT-BEGIN/,/^=== MEMINIT-OUT-END/d' > "$out/console.log"
cp "$w/out/kx/plan.json" "$out/kx/" && cp "$w/out/kx/runs/"*.json "$out/kx/runs/"
echo "$out: console.log ($(grep -c 'Linux version' "$out/console.log") boots), kx/ (4 runs)"
