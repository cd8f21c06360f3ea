#!/bin/bash
# bench/scale.sh [--small]: how 'meminit report', 'stats' and 'fleet' grow
# with their input. Each runs at sizes S, 2S and 4S: instructions from
# callgrind (deterministic; smaller sizes, valgrind is ~50x slower) and,
# natively at the full sizes, peak RSS (/usr/bin/time %M) and wall time
# (informational: this machine is shared). The figure that matters is the
# growth when the input doubles, which must be 2 or less (linear or better).
# Inputs: bench/gen-scale.c (records.bin of a 64-node, 1024-CPU machine;
# kexec run directories) and bench/fleet.sh --gen (host reports).
# Raw outputs in build/bench/scale/, the Markdown section on stdout and in
# build/bench/scale/section.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
small=0
case "${1:-}" in
--small) small=1 ;;
"") ;;
*) echo "usage: bench/scale.sh [--small]" >&2; exit 2 ;;
esac
m=$top/build/meminit
out=${MEMINIT_BENCH_OUT:-$top/build/bench}/scale
for t in valgrind cc python3; do
	command -v $t >/dev/null || { echo "scale.sh: $t is missing" >&2; exit 3; }
done
[ -x /usr/bin/time ] || { echo "scale.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 3; }
[ -x "$m" ] || { echo "scale.sh: build meminit first (make)" >&2; exit 3; }
rm -rf "$out"
mkdir -p "$out/raw" "$out/in"
cc -O2 -Wall -Wextra -std=gnu11 -o "$out/gen-scale" "$top/bench/gen-scale.c" -lm
gen=$out/gen-scale

# Sizes: callgrind (cg) and native (run), each S 2S 4S.
if [ $small = 1 ]; then
	report_cg="4096 8192 16384"; report_run="16384 32768 65536"
	stats_cg="2 4 8"; stats_run="10 20 40"
	fleet_cg="100 200 400"; fleet_run="250 500 1000"
	shape_cg="256 512 1024"; shape_run="256 512 1024"
else
	report_cg="32768 65536 131072"; report_run="262144 524288 1048576"
	stats_cg="8 16 32"; stats_run="100 200 400"
	fleet_cg="1250 2500 5000"; fleet_run="2500 5000 10000"
	shape_cg="1024 2048 4096"; shape_run="1024 2048 4096"
fi
# The report each kexec run holds: the same machine shape, 2048 records
# (64 nodes x 16 CPUs x ~2 deferred chunks), as one boot would give.
stats_records=2048
# stats over a growing machine: CPUS CPUs on CPUS/16 nodes, 2 records per
# CPU, always $shape_runs runs (a per-run cost that grows faster than the
# machine is what this row shows).
shape_runs=4

# Input of COMMAND at SIZE: its path (built on first use).
input() {
	local what=$1 n=$2 p
	case $what in
	report*)
		p=$out/in/records-$n.bin
		[ -e "$p" ] || "$gen" records "$p" "$n" > "$out/in/records-$n.expect"
		;;
	import-perf)
		p=$out/in/events-$n.txt
		[ -e "$p" ] || "$gen" events "$p" "$n" > /dev/null
		;;
	stats)
		p=$out/in/kexec-$n
		if [ ! -e "$p" ]; then
			if [ ! -e "$out/in/run-report.json" ]; then
				"$gen" records "$out/in/run-report.bin" $stats_records > /dev/null
				"$m" report --records "$out/in/run-report.bin" --format json \
					> "$out/in/run-report.json"
			fi
			"$gen" kexec "$p" "$n" "$out/in/run-report.json"
		fi
		;;
	fleet)
		p=$out/in/fleet-$n/r
		[ -e "$p" ] || "$top/bench/fleet.sh" --gen "$out/in/fleet-$n" "$n"
		;;
	stats-shape)
		p=$out/in/shape-$n
		if [ ! -e "$p" ]; then
			"$gen" records "$out/in/shape-$n.bin" $((2 * n)) $((n / 16)) "$n" > /dev/null
			"$m" report --records "$out/in/shape-$n.bin" --format json \
				> "$out/in/shape-$n.json"
			"$gen" kexec "$p" $shape_runs "$out/in/shape-$n.json"
		fi
		;;
	esac
	echo "$p"
}

# setcmd COMMAND INPUT: its command line into the array cmd.
setcmd() {
	case $1 in
	report-json) cmd=("$m" report --records "$2" --format json) ;;
	report-table) cmd=("$m" report --records "$2") ;;
	import-perf) cmd=("$m" import-perf "$2") ;;
	stats*) cmd=("$m" stats "$2") ;;
	fleet) cmd=("$m" fleet "$2") ;;
	esac
}

# Drop an input once its command has run at every size (they are large).
drop() {
	case $1 in
	stats) rm -rf "$out/in/kexec-$2" ;;
	stats-shape) rm -rf "$out/in/shape-$2" ;;
	fleet) rm -rf "$out/in/fleet-$2" ;;
	import-perf) rm -f "$out/in/events-$2.txt" ;;
	esac
}

# Every command measured, in the order of both tables.
commands="report-json report-table import-perf stats stats-shape fleet"
results=$out/results.tsv
: > "$results"
for c in $commands; do
	case $c in
	report* | import-perf) cg=$report_cg; run=$report_run ;;
	stats) cg=$stats_cg; run=$stats_run ;;
	stats-shape) cg=$shape_cg; run=$shape_run ;;
	fleet) cg=$fleet_cg; run=$fleet_run ;;
	esac
	for n in $cg; do
		setcmd $c "$(input $c $n)"
		log=$out/raw/callgrind-$c-$n
		if ! valgrind --tool=callgrind --callgrind-out-file="$log.out" \
			"${cmd[@]}" > /dev/null 2> "$log.log"; then
			echo "scale.sh: $c at $n failed under callgrind: $(tail -3 "$log.log")" >&2
			exit 1
		fi
		ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log.log")
		printf '%s\tinstr\t%s\t%s\n' $c $n "$ir" >> "$results"
	done
	for n in $run; do
		setcmd $c "$(input $c $n)"
		# Warm the page cache, then measure.
		"${cmd[@]}" > /dev/null
		if ! /usr/bin/time -f '%e %M' -o "$out/raw/time-$c-$n" \
			"${cmd[@]}" > /dev/null 2> "$out/raw/time-$c-$n.err"; then
			echo "scale.sh: $c at $n failed: $(tail -3 "$out/raw/time-$c-$n.err")" >&2
			exit 1
		fi
		read -r wall rss < <(tail -1 "$out/raw/time-$c-$n")
		printf '%s\trss\t%s\t%s\n' $c $n "$rss" >> "$results"
		printf '%s\twall\t%s\t%s\n' $c $n "$wall" >> "$results"
	done
	for n in $cg $run; do
		drop $c $n
	done
done

# The check input of the test: the smallest native report size, its JSON
# and the pages per node the generator wrote.
n0=${report_run%% *}
cp "$out/in/records-$n0.expect" "$out/check.expect"
"$m" report --records "$out/in/records-$n0.bin" --format json > "$out/check.json"
echo "$n0" > "$out/check.records"
"$gen" events "$out/in/events-$n0.txt" "$n0" > /dev/null
"$m" import-perf "$out/in/events-$n0.txt" --format json > "$out/check-import.json"
rm -f "$out/in/events-$n0.txt"

# Markdown. Ratios: value at 2S over value at S, and 4S over 2S.
unit() {
	case $1 in
	report* | import-perf) echo records ;;
	stats) echo "kexec runs" ;;
	stats-shape) echo "CPUs ($shape_runs runs)" ;;
	fleet) echo "host reports" ;;
	esac
}
label() {
	case $1 in
	report-json) echo 'report --format json' ;;
	report-table) echo 'report (table)' ;;
	import-perf) echo 'import-perf (tracefs text)' ;;
	stats-shape) echo 'stats (machine size)' ;;
	*) echo "$1" ;;
	esac
}
section() {
	local c
	echo "## Scale of the tool itself: report, stats, fleet"
	echo
	echo "\`bench/scale.sh$([ $small = 1 ] && echo ' --small')\`, $(date -u +%Y-%m-%d):" \
		"$(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2 / 1048576}' /proc/meminfo)," \
		"host kernel $(uname -r), meminit $(cat "$top/VERSION")."
	echo "Report input: bench/gen-scale.c, a records.bin of a 64-node, 1024-CPU,"
	echo "32 TiB machine (512 GiB per node), the records beyond the fixed ~400 being"
	echo "deferred chunks spread over each node's 16 CPUs; import-perf reads the same"
	echo "records as tracefs meminit_replay lines. Stats input: kexec"
	echo "directories of one variant, each run the report of $stats_records such records;"
	echo "for \"stats (machine size)\", $shape_runs runs of a machine of that many CPUs"
	echo "(16 per node, 2 records per CPU)."
	echo "Fleet input: bench/fleet.sh --gen (host reports from the real fixtures)."
	echo "Instructions from callgrind (deterministic), at smaller sizes than the native"
	echo "runs; peak RSS and wall time from /usr/bin/time on the native runs; wall"
	echo "time is one run on a shared machine, for orientation only. A growth of 2.00"
	echo "per doubling is linear."
	echo
	echo "| command | input | sizes | instructions | growth per doubling |"
	echo "|---|---|---|---|---|"
	for c in $commands; do
		awk -F'\t' -v c=$c -v l="$(label $c)" -v u="$(unit $c)" '
			$1 == c && $2 == "instr" { n[++k] = $3; v[k] = $4 }
			END {
				s = ""; x = ""; g = ""
				for (i = 1; i <= k; i++) {
					s = s (i > 1 ? " / " : "") n[i]
					x = x (i > 1 ? " / " : "") sprintf("%.3g G", v[i] / 1e9)
					if (i > 1)
						g = g (i > 2 ? ", " : "") sprintf("%.2f", v[i] / v[i - 1])
				}
				printf "| %s | %s | %s | %s | %s |\n", l, u, s, x, g
			}' "$results"
	done
	echo
	echo "| command | input | sizes | peak RSS | growth per doubling | wall |"
	echo "|---|---|---|---|---|---|"
	for c in $commands; do
		awk -F'\t' -v c=$c -v l="$(label $c)" -v u="$(unit $c)" '
			$1 == c && $2 == "rss" { n[++k] = $3; v[k] = $4 }
			$1 == c && $2 == "wall" { w[++j] = $4 }
			END {
				s = ""; x = ""; g = ""; t = ""
				for (i = 1; i <= k; i++) {
					s = s (i > 1 ? " / " : "") n[i]
					x = x (i > 1 ? " / " : "") sprintf("%.1f MiB", v[i] / 1024)
					t = t (i > 1 ? " / " : "") sprintf("%.2f s", w[i])
					if (i > 1)
						g = g (i > 2 ? ", " : "") sprintf("%.2f", v[i] / v[i - 1])
				}
				printf "| %s | %s | %s | %s | %s | %s |\n", l, u, s, x, g, t
			}' "$results"
	done
}
section | tee "$out/section.md"
