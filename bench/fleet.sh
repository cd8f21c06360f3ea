#!/bin/bash
# Time 'meminit fleet' on N generated reports (default 10000) built from the
# real fixture reports. Not a test: prints the wall time, asserts nothing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
m=$top/build/meminit
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fx=$top/tests/fixtures
$m report --dmesg $fx/6.12-2node-ftrace/dmesg.txt --ftrace $fx/6.12-2node-ftrace/trace.txt \
	--hz 250 --format json > $out/a.json
$m report --dmesg $fx/6.1-2node-ftrace/dmesg.txt --ftrace $fx/6.1-2node-ftrace/trace.txt \
	--hz 250 --format json > $out/b.json
$m report --dmesg $fx/6.12-patched-3node/dmesg.txt --records $fx/6.12-patched-3node/records.bin \
	--format json > $out/c.json
python3 $top/tests/gen-fleet.py $out/r "$n" 997 $out/a.json $out/b.json $out/c.json > $out/planted
echo "$n reports, $(du -sh $out/r | cut -f1) on disk, $(wc -l < $out/planted) planted slow hosts"
sync
TIMEFORMAT="meminit fleet: %R s wall, %U s user, %S s sys"
time $m fleet $out/r > $out/fleet.txt
head -20 $out/fleet.txt | cut -c1-150
