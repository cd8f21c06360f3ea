#!/bin/bash
# Time 'meminit fleet' on N generated reports (default 10000) built from the
# real fixture reports. Not a test: prints the wall time, asserts nothing.
#   bench/fleet.sh [N]            generate N reports, time meminit fleet on them
#   bench/fleet.sh --gen DIR N    only generate them into DIR/r (DIR/planted
#                                 lists the planted slow hosts); bench/scale.sh
#                                 uses this, so both time the same input
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
m=$top/build/meminit
fx=$top/tests/fixtures

# gen DIR N: DIR/r holds N host reports, every 997th planted twice as slow.
gen() {
	local out=$1 n=$2
	mkdir -p "$out"
	$m report --dmesg $fx/6.12-2node-ftrace/dmesg.txt --ftrace $fx/6.12-2node-ftrace/trace.txt \
		--hz 250 --format json > "$out/a.json"
	$m report --dmesg $fx/6.1-2node-ftrace/dmesg.txt --ftrace $fx/6.1-2node-ftrace/trace.txt \
		--hz 250 --format json > "$out/b.json"
	$m report --dmesg $fx/6.12-patched-3node/dmesg.txt \
		--records $fx/6.12-patched-3node/records.bin --format json > "$out/c.json"
	python3 "$top/tests/gen-fleet.py" "$out/r" "$n" 997 "$out/a.json" "$out/b.json" \
		"$out/c.json" > "$out/planted"
}

if [ "${1:-}" = --gen ]; then
	[ $# = 3 ] || { echo "usage: bench/fleet.sh --gen DIR N" >&2; exit 2; }
	gen "$2" "$3"
	exit 0
fi
n=${1:-10000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gen "$out" "$n"
echo "$n reports, $(du -sh $out/r | cut -f1) on disk, $(wc -l < $out/planted) planted slow hosts"
sync
TIMEFORMAT="meminit fleet: %R s wall, %U s user, %S s sys"
time $m fleet $out/r > $out/fleet.txt
head -20 $out/fleet.txt | cut -c1-150
