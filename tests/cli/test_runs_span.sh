#!/bin/bash
# 'deferred, all nodes (span)' in stats and compare: per run, the first
# node's deferred start to the last node's end, as each run's own report
# gives them (real records: tests/fixtures/6.12-patched-3node, Debian 6.12
# with the meminit series, 3 nodes, QEMU TCG). It is the deferred figure
# that stays a cost where nodes share CPUs (one vCPU under -icount).
source "$(dirname "$0")/../lib.sh"
T=runs-span
out=$OUTROOT/runs-span
rm -rf "$out" && mkdir -p "$out"
fx=$TOP/tests/fixtures/6.12-patched-3node
"$MEMINIT" report --records "$fx/records.bin" --dmesg "$fx/dmesg.txt" --format json > "$out/report.json" ||
	{ fail "$T: report" "meminit report of $fx failed"; exit 0; }
python3 "$TOP/tests/gen-kexec-dir.py" "$out/kx" 4 base="$out/report.json" > /dev/null ||
	{ fail "$T: kexec dir" "gen-kexec-dir.py failed"; exit 0; }
"$MEMINIT" stats "$out/kx" --format json > "$out/stats.json" ||
	{ fail "$T: stats" "meminit stats failed"; exit 0; }
# The runs' own spans, in run order, from their records: all nodes'
# deferred records (its threads and their chunks).
want=$(for f in "$out"/kx/runs/run-*.json; do
	jq -r '[.report.events[] | select(.phase == "deferred_node" or .phase == "deferred_chunk")] |
		(map(.end_ns) | max) - (map(.start_ns) | min)' "$f"
done | tr '\n' ' ')
got=$(jq -r '.variants[0].metrics[] | select(.phase == "deferred, all nodes (span)") |
	.values_ms[] | . * 1e6 | round' "$out/stats.json" | tr '\n' ' ')
[ -n "$want" ] && [ "$got" = "$want" ] && pass "$T: each run's span, first node start to last node end (ns): $got" ||
	fail "$T: span per run" "stats gives '$got' ns, the run files' reports '$want'"
pages=$(jq '[.phases[] | select(.phase == "deferred" and .node != null) | .pages] | add' "$out/report.json")
got=$(jq '.variants[0].metrics[] | select(.phase == "deferred, all nodes (span)") | .pages' "$out/stats.json")
[ "$got" = "$pages" ] && pass "$T: its pages are the nodes' deferred pages summed ($pages)" ||
	fail "$T: pages" "stats gives $got, the nodes' deferred rows sum to $pages"
# A saved log of a stock kernel has no records: no span row there.
fixture_runs "$out/stock" 4 base || { fail "$T: stock kexec dir" "fixture_runs failed"; exit 0; }
n=$("$MEMINIT" stats "$out/stock" --format json | jq '[.variants[].metrics[] | select(.phase | test("all nodes"))] | length')
[ "$n" = 0 ] && pass "$T: no span row without boot records" || fail "$T: stock" "$n span rows from a stock kernel's log"
