#!/bin/bash
# snapshot-outputs.sh OUTDIR [MEMINIT]: every output meminit gives for the
# captures in tests/fixtures (report table and JSON, export prom, csv, html
# and json, from the sources and from the saved JSON; stats, compare and
# fleet on run sets), one file each, with the exit status. Two snapshots of
# two builds compared with 'diff -r' show every output a change moved.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: snapshot-outputs.sh OUTDIR [MEMINIT]}
m=${2:-$top/build/meminit}
fx=$top/tests/fixtures
mkdir -p "$out"

# run NAME CMD...: CMD's standard output in OUTDIR/NAME, its status after it.
run() {
	local name=$1
	shift
	"$@" > "$out/$name" 2> "$out/$name.err"
	echo "exit $?" >> "$out/$name"
	# the HTML's title and error lines name the snapshot's own paths
	sed -i "s|$out|OUT|g; s|$top|TOP|g" "$out/$name" "$out/$name.err"
}

src() {
	local d=$fx/$1 a="--dmesg $fx/$1/dmesg.txt --hz 250"
	[ -f "$d/trace.txt" ] && a="$a --ftrace $d/trace.txt"
	[ -f "$d/records.bin" ] && a="--dmesg $d/dmesg.txt --records $d/records.bin"
	echo "$a"
}

for d in "$fx"/*/; do
	f=$(basename "$d")
	[ -f "$d/dmesg.txt" ] || continue
	# shellcheck disable=SC2046
	{
		run "$f.report.txt" "$m" report $(src "$f")
		run "$f.report.json" "$m" report $(src "$f") --format json
		run "$f.timeline.txt" "$m" report $(src "$f") --timeline
		for fmt in prom csv html json; do
			run "$f.export.$fmt" "$m" export --format "$fmt" $(src "$f")
		done
	}
	head -n -1 "$out/$f.report.json" > "$out/$f.saved.json"
	for fmt in prom csv html json; do
		run "$f.from.$fmt" "$m" export --format "$fmt" --from "$out/$f.saved.json"
	done
	mkdir -p "$out/fleet"
	cp "$out/$f.saved.json" "$out/fleet/$f.json"
done
run fleet.txt "$m" fleet "$out/fleet"
run fleet.json "$m" fleet --format json "$out/fleet"

log=$fx/6.12-kexec-console/console.log kx=$fx/6.12-kexec-console/kx
run console.report.txt "$m" report --dmesg "$log" --hz 250 --boot all
run console.report.json "$m" report --dmesg "$log" --hz 250 --boot all --format json
run console.stats.txt "$m" stats "$log"
run console.stats.json "$m" stats --format json "$log"
run console.csv "$m" export --format csv --dmesg "$log" --hz 250
run kx.stats.txt "$m" stats "$kx"
run kx.stats.json "$m" stats --format json "$kx"
run kx.csv "$m" export --format csv --from "$kx"
run kx.html "$m" export --format html --from "$kx"
run kx.fleet.txt "$m" fleet "$kx"
run compare.txt "$m" compare "$log" "$kx"
run compare.json "$m" compare --format json "$log" "$kx"
