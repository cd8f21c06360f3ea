#!/bin/bash
# Where parallel deferred init went wrong (issue 18): per node, the kernel's
# padata split, the busy time of its CPUs, and a flag when one CPU or one
# chunk held the node up. Ground truth: the boot records themselves
# (tests/fixtures/6.12-patched-3node/records.txt, a real 3-node patched
# 6.12 guest), summed here with awk; then two copies of them edited so that
# one chunk, or one CPU, holds node 1 up; then a synthetic 64-node,
# 1024-CPU records.bin (bench/gen-scale.c) for the summary of a large machine.
. "$(dirname "$0")/../lib.sh"
out=$OUTROOT/balance
rm -rf "$out"
mkdir -p "$out"
fx=$TOP/tests/fixtures/6.12-patched-3node
rec=$fx/records.txt
m=$MEMINIT

# 1. The real records: chunks, pages per chunk, busy per CPU, as awk sums them.
$m report --dmesg "$fx/dmesg.txt" --records "$rec" --format json > "$out/real.json" &&
	$m report --dmesg "$fx/dmesg.txt" --records "$rec" > "$out/real.txt" ||
	{ fail "balance: real records" "report failed"; exit 0; }
for node in 0 1; do
	want=$(awk -v n=$node '$1 == "deferred_chunk" && $2 == n {
		c++; p = $10; if (min == "" || p < min) min = p; if (p > max) max = p
		busy[$4] += $7 - $6 }
		END { for (k in busy) if (busy[k] > b) { b = busy[k]; cpu = k }
		printf "%d %d %d %d %.6f", c, min, max, cpu, b / 1e6 }' "$rec")
	got=$(jq -r --argjson n $node '.nodes[] | select(.id == $n) | .deferred_balance |
		"\(.chunks) \(.chunk_pages_min) \(.chunk_pages_max) \(.slowest_cpu) \(.busy_ms_max)"' "$out/real.json" |
		awk '{printf "%d %d %d %d %.6f", $1, $2, $3, $4, $5}')
	check "balance: node $node: chunks, pages per chunk, slowest CPU and its busy ms = the records' ($got)" \
		"want '$want', got '$got'" [ "$want" = "$got" ]
done
check "balance: the real boot holds no node up" "$(grep 'held up' "$out/real.txt")" \
	bash -c "! grep -q 'held up' '$out/real.txt' && jq -e '[.nodes[].deferred_balance // empty |
		.one_cpu_dominates or .one_chunk_dominates] | any | not' '$out/real.json' > /dev/null"
check "balance: the table has the per-node summary" "$(head -c 300 "$out/real.txt")" \
	grep -q '^Deferred init per node: the kernel.s split and its CPUs' "$out/real.txt"

# 2. One chunk: node 1's first chunk on CPU 2 made to run 17.5 ms of the node's 32.9.
awk '$1 == "deferred_chunk" && $2 == 1 && $4 == 2 && $6 == 799512660 { $7 = 817000000; $8 = 816000000 } 1' \
	"$rec" > "$out/chunk.txt"
$m report --dmesg "$fx/dmesg.txt" --records "$out/chunk.txt" > "$out/chunk.out" 2>&1
med=$(awk '$1 == "deferred_chunk" && $2 == 1 { print ($7 - $6) / 1e6 }' "$out/chunk.txt" | sort -g |
	awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
check "balance: one chunk holds node 1 up: named with its CPU, pfn, the median chunk ($med ms) and the padata split" \
	"$(grep 'node 1' "$out/chunk.out" | tail -3)" \
	grep -q "^node 1: held up by one chunk: 17.487 ms on CPU 2 (pfn 1114112, 32768 pages) of the node's 32.855 ms, more than half, against a median chunk of $med ms; the kernel split the node into 7 chunks of 27800-32768 pages over 2 threads\$" \
	"$out/chunk.out"
check "balance: ... and node 0 is not flagged" "$(grep 'held up' "$out/chunk.out")" \
	bash -c "! grep -q '^node 0: held up' '$out/chunk.out'"

# ... and for a fleet: Prometheus says node 1 was held up by a chunk, node 0 by nothing.
$m export --format prom --dmesg "$fx/dmesg.txt" --records "$out/chunk.txt" > "$out/chunk.prom"
got=$(grep '^meminit_deferred_held_up' "$out/chunk.prom" | tr '\n' ';')
want='meminit_deferred_held_up{node="0",by="cpu"} 0;meminit_deferred_held_up{node="0",by="chunk"} 0;meminit_deferred_held_up{node="1",by="cpu"} 0;meminit_deferred_held_up{node="1",by="chunk"} 1;'
check "balance: Prometheus: meminit_deferred_held_up{node=\"1\",by=\"chunk\"} 1, every other 0" \
	"got '$got'" [ "$got" = "$want" ]

# 3. One CPU: node 1's chunks on CPU 3 made three times as long.
awk '$1 == "deferred_chunk" && $2 == 1 && $4 == 3 { $7 = $6 + 3 * ($7 - $6); $8 = $6 } 1' \
	"$rec" > "$out/cpu.txt"
$m report --dmesg "$fx/dmesg.txt" --records "$out/cpu.txt" --format json > "$out/cpu.json"
$m report --dmesg "$fx/dmesg.txt" --records "$out/cpu.txt" > "$out/cpu.out"
# ns a page of each of node 1's CPUs, as the edited records give them
rates=$(awk '$1 == "deferred_chunk" && $2 == 1 { b[$4] += $7 - $6; p[$4] += $10 }
	END { printf "%.1f %.1f %.3f", b[3] / p[3], b[2] / p[2], b[3] / 1e6 }' "$out/cpu.txt")
read -r r3 r2 busy3 <<< "$rates"
check "balance: one CPU holds node 1 up: CPU 3 at $r3 ns a page against the other's $r2" \
	"$(grep 'node 1' "$out/cpu.out" | tail -2)" \
	grep -q "^node 1: held up by one CPU: CPU 3 took $r3 ns a page, more than 2x the median of the node's other CPUs ($r2), busy $busy3 ms of the node's 32.855 ms\$" \
	"$out/cpu.out"
check "balance: JSON says the same (one_cpu_dominates)" "$(jq -c '.nodes[1].deferred_balance' "$out/cpu.json")" \
	jq -e '.nodes[] | select(.id == 1) | .deferred_balance | .one_cpu_dominates and .slow_cpu == 3' "$out/cpu.json"

# 4. A 64-node, 1024-CPU machine: summarized by default, every row on request.
if cc -O2 -std=gnu11 -o "$out/gen-scale" "$TOP/bench/gen-scale.c" -lm 2> "$out/gen.err" &&
	"$out/gen-scale" records "$out/big.bin" 8192 64 1024 > /dev/null; then
	$m report --records "$out/big.bin" > "$out/big.txt"
	$m report --records "$out/big.bin" --cpus all > "$out/big-all.txt"
	rows=$(sed -n '/^Deferred init per CPU (records/,/^$/p' "$out/big-all.txt" | awk '$1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/' | wc -l)
	nodes=$(sed -n '/^Deferred init per node/,/^$/p' "$out/big.txt" | grep -c '^[0-9]')
	check "balance: 1024 CPUs: per-node summary of 64 nodes, per-CPU rows summarized" \
		"nodes $nodes; $(grep 'Deferred init per CPU' "$out/big.txt")" \
		bash -c "[ $nodes = 64 ] && grep -q '^Deferred init per CPU: 1024 rows, summarized per node above' '$out/big.txt'"
	check "balance: 1024 CPUs: --cpus all prints every one of the 1024 rows" "rows $rows" [ "$rows" = 1024 ]
else
	fail "balance: synthetic records" "$(head -c 300 "$out/gen.err")"
fi
