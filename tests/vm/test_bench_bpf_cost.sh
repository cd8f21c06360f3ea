#!/bin/bash
# bench/bpf-cost.sh --small: one stock 6.12 guest onlines a 1 GiB DIMM (8
# blocks) with 'meminit hotplug --bpf-stats', fentry then kprobe. The
# kernel's per-program run counts must be what meminit itself counted: each
# program on online_pages, move_pfn_range_to_zone and memmap_init_range ran
# exactly once per call meminit saw (8), with a run time, and statistics
# were on through bpf_enable_stats.
source "$(dirname "$0")/../lib.sh"
T=bench-bpf-cost
have_root || { skip_missing root "$T" "needs root (QEMU, kernel cache)"; exit 0; }
need_vm "$T" || exit 0
command -v jq >/dev/null || { skip_missing deps "$T" "jq not installed (make deps)"; exit 0; }
[ -x "$TOP/build/meminit-static" ] || { fail "$T" "build/meminit-static not built (make)"; exit 0; }
res=$MEMINIT_BENCH_OUT/bpf-cost
log=$OUTROOT/bench-bpf-cost.log
if ! "$TOP/bench/bpf-cost.sh" --small > "$log" 2>&1; then
	fail "$T: bench/bpf-cost.sh --small" "$(tail -n 3 "$log")"
	exit 0
fi
# Root, QEMU and jq were checked above: the benchmark has no reason left
# not to measure.
if [ -e "$res/skipped" ]; then
	fail "$T" "bench/bpf-cost.sh did not measure: $(cat "$res/skipped")"
	exit 0
fi
pass "$T: bench/bpf-cost.sh --small ran"
d=$res/stock
for j in hotplug kprobe; do
	jq -e '.bpf_stats.enabled == true and (.bpf_stats.how | startswith("bpf_enable_stats"))' \
		"$d/$j.out" > /dev/null &&
		pass "$T: $j: statistics on through bpf_enable_stats" ||
		fail "$T: $j: statistics" "$(jq -c .bpf_stats.how "$d/$j.out")"
done
# Programs that must fire, by attach type; each row of programs.tsv:
# kernel verb program attach runs count ns_per_run call_ns pages_per_call.
tsv=$res/programs.tsv
for a in fentry fexit kprobe kretprobe; do
	for f in online_pages move_pfn_range_to_zone memmap_init_range; do
		row=$(awk -F'\t' -v at="$a/$f" '$4 == at' "$tsv")
		if [ -z "$row" ]; then
			fail "$T: $a/$f" "did not run (not in programs.tsv)"
			continue
		fi
		IFS=$'\t' read -r _ _ _ _ runs count nsper _ <<< "$row"
		[ "$runs" = 8 ] && [ "$count" = 8 ] &&
			awk -v x="$nsper" 'BEGIN { exit !(x > 0) }' &&
			pass "$T: $a/$f ran 8 times, as the 8 calls meminit counted; $nsper ns/run" ||
			fail "$T: $a/$f" "runs $runs, meminit counted $count, ns/run $nsper"
	done
done
# Every program that ran on a function meminit times ran once per call.
bad=$(awk -F'\t' '$6 != "-" && $5 != $6' "$tsv")
[ -z "$bad" ] && pass "$T: run_cnt equals meminit's own call count for every program" ||
	fail "$T: run_cnt vs calls" "$(echo "$bad" | cut -f3,5,6 | tr '\n' ';')"
rows=$(grep -c '^| 6.12 stock' "$res/section.md" || true)
[ "$rows" -ge 12 ] && pass "$T: section.md has $rows program rows" ||
	fail "$T: section.md" "$rows rows"
