#!/bin/bash
# bench/scale.sh --small runs, and what it measures is real: the generated
# records.bin is one 'meminit report' reads with exactly the pages per node
# the generator wrote, every command has its rows with numeric sizes and
# growth ratios, and instructions (deterministic) grow linearly or better.
# Also stats on a directory of 1100 runs, past the 2^-n underflow that once
# collapsed its confidence interval (MI_KX_MAX_RUNS allows 10000).
. "$(dirname "$0")/../lib.sh"
name=bench-scale
for t in valgrind cc python3 jq; do
	command -v $t >/dev/null || { skip_missing deps "$name" "$t missing (make deps)"; exit 0; }
done
[ -x /usr/bin/time ] || { skip_missing deps "$name" "/usr/bin/time missing (make deps)"; exit 0; }
res=$MEMINIT_BENCH_OUT/scale
log=$OUTROOT/bench-scale.log
if ! "$TOP/bench/scale.sh" --small > "$log" 2>&1; then
	fail "$name: bench/scale.sh --small" "$(tail -5 "$log")"
	exit 0
fi
pass "$name: bench/scale.sh --small ran"

# Pages per node: the generator's own sums against report's record_pages.
n=$(cat "$res/check.records")
nodes=$(jq '.nodes | length' "$res/check.json")
got=$(jq -r '.nodes[] | "node \(.id) \(.record_pages)"' "$res/check.json")
if [ "$nodes" = 64 ] && [ "$got" = "$(cat "$res/check.expect")" ] &&
   [ "$(jq '.records.nr_records' "$res/check.json")" = "$n" ] &&
   [ "$(jq '[.phases[] | select(.phase == "deferred") | .records] | add' "$res/check.json")" -gt 0 ]; then
	pass "$name: generated records.bin ($n records, 64 nodes): record_pages per node as written"
else
	fail "$name: pages per node" "nodes=$nodes; diff: $(diff <(echo "$got") "$res/check.expect" | head -4)"
fi
# The same records as tracefs text: import-perf reads the same report.
strip='del(.records, .meminit_version, .notes, .source, .sources) | del(.events[].live)'
diff <(jq -S "$strip" "$res/check-import.json") <(jq -S "$strip" "$res/check.json") > /dev/null &&
	pass "$name: import-perf of the same $n records as tracefs text = the records.bin report" ||
	fail "$name: import-perf" "its report differs from the records.bin one"
cpus=$(jq '[.cpus[].cpu] | unique | length' "$res/check.json")
[ "$cpus" = 1024 ] && pass "$name: the report sees 1024 CPUs" ||
	fail "$name: CPUs" "report has $cpus distinct CPUs, not 1024"

# Every command in both tables, three sizes, two numeric ratios each.
sec=$res/section.md
ok=1
for c in 'report --format json' 'report (table)' 'import-perf (tracefs text)' stats 'stats (machine size)' fleet; do
	rows=$(grep -cF "| $c |" "$sec" || true)
	if [ "$rows" != 2 ]; then
		ok=0; fail "$name: rows of $c" "$rows rows in section.md, want 2"; continue
	fi
	while IFS='|' read -r _ _ _ sizes _ ratios _; do
		# shellcheck disable=SC2086 # split "1.97, 2.02" into two words
		set -- ${ratios//,/ }
		if [ $# != 2 ] || ! [[ $1 =~ ^[0-9]+\.[0-9]+$ && $2 =~ ^[0-9]+\.[0-9]+$ ]] ||
		   [ "$(echo "$sizes" | tr -cd '/' | wc -c)" != 2 ]; then
			ok=0; fail "$name: $c ratios" "sizes '$sizes' ratios '$ratios'"
		fi
	done < <(grep -F "| $c |" "$sec")
done
[ $ok = 1 ] && pass "$name: report json/table, import-perf, stats (runs, machine size) and fleet rows with 3 sizes and 2 ratios"

# Instructions are deterministic: per doubling at most 2.2 (n log n of the sorts).
worst=$(awk -F'\t' '$2 == "instr" { if (p[$1]) { r = $4 / p[$1]; if (r > w) { w = r; c = $1 } } p[$1] = $4 }
	END { printf "%.3f %s", w, c }' "$res/results.tsv")
awk -v w="${worst% *}" 'BEGIN { exit !(w > 1 && w <= 2.2) }' &&
	pass "$name: instructions grow linearly per doubling (worst ${worst})" ||
	fail "$name: growth" "worst instruction ratio ${worst} (> 2.2: worse than linear)"

# stats at 1100 runs: a real interval at about 95%, not [median, median] at 100%.
d=$OUTROOT/bench-scale-kexec
rm -rf "$d"
fp=$TOP/tests/fixtures/6.12-patched-3node
$MEMINIT report --records $fp/records.bin --format json > "$OUTROOT/bench-scale-run.json"
"$res/gen-scale" kexec "$d" 1100 "$OUTROOT/bench-scale-run.json"
if $MEMINIT stats --format json "$d" > "$OUTROOT/bench-scale-stats.json" 2>&1; then
	# Metrics whose values differ (the fixture's 0 ns records do not).
	bad=$(jq '[.variants[0].metrics[] | select(.n == 1100 and .min_ms < .max_ms) |
		select(.median_ci_level < 0.95 or .median_ci_level > 0.951 or
		       .median_ci_ms[0] >= .median_ci_ms[1])] | length' "$OUTROOT/bench-scale-stats.json")
	all=$(jq '[.variants[0].metrics[] | select(.n == 1100 and .min_ms < .max_ms)] | length' \
		"$OUTROOT/bench-scale-stats.json")
	[ "$bad" = 0 ] && [ "$all" -gt 0 ] &&
		pass "$name: stats over 1100 runs: $all CIs of the median at 95.0%, none degenerate" ||
		fail "$name: stats over 1100 runs" "$bad of $all metrics with a bad CI"
else
	fail "$name: stats over 1100 runs" "$(tail -3 "$OUTROOT/bench-scale-stats.json")"
fi
rm -rf "$d"
