#!/bin/bash
# needs: kernel-variants
# bench/boot-cost.sh on its small input (one boot per condition): each
# condition's boot yields every phase window, -icount makes the same kernel's
# early window identical whatever is traced later, and each tool saw what the
# benchmark says it saw (records = zoneinfo, the function trace has both
# nodes, bootgraph.py parsed the initcall_debug log).
source "$(dirname "$0")/../lib.sh"
T="bench boot-cost"

need_vm "$T" || exit 0
[ -x "$TOP/build/meminit" ] || { fail "$T" "build/meminit not built (make)"; exit 0; }
command -v jq > /dev/null || { skip_missing deps "$T" "jq missing (make deps)"; exit 0; }
out=$MEMINIT_BENCH_OUT/boot-cost
if ! "$TOP/bench/boot-cost.sh" --small > "$OUTROOT/boot-cost.md" 2> "$OUTROOT/boot-cost.err"; then
	fail "$T: runs" "$(tail -n1 "$OUTROOT/boot-cost.err")"
	exit 0
fi
pass "$T: --small ran $(cut -d'|' -f1 "$out/windows.txt" | sort -u | wc -l) conditions"

w=$out/windows.txt
missing=""
for cond in unpatched recording "meminit ftrace" "function_graph+filter" initcall_debug; do
	for ph in "vmemmap (sparse_init)" "memmap early (memmap_init)" "mem_init (reserved init, early free)" \
		"deferred node 0" "deferred node 1" "hash: Dentry cache" "hash: TCP bind" "boot to /init"; do
		grep -qF "$cond|1|$ph|" "$w" || missing="$missing [$cond: $ph]"
	done
done
[ -z "$missing" ] && pass "$T: every condition has every phase window" || fail "$T: windows" "missing$missing"

# The unpatched kernel's early window must not move when only later tracing
# differs: that is what makes a difference between conditions a cost. Under
# -icount it is an instruction count; the command lines differ in length
# (parsed before the window), which moves it by a microsecond or two at most.
early() { awk -F'|' -v c="$1" '$1 == c && $3 == "memmap early (memmap_init)" { print $4 }' "$w"; }
a=$(early unpatched) b=$(early "meminit ftrace") c=$(early initcall_debug)
awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN { d1 = a - b; d2 = a - c
	exit !(a != "" && b != "" && c != "" && d1 < 0.005 && d1 > -0.005 && d2 < 0.005 && d2 > -0.005) }' &&
	pass "$T: -icount: same kernel, the same early memmap window ($a / $b / $c ms) whatever is traced later" ||
	fail "$T: -icount determinism" "early window $a / $b / $c ms"

row() { grep -F "| $1 |" "$out/section.md" | grep -v '^| phase' | head -n1; }
row recording | grep -q '| yes (0:' &&
	pass "$T: recording: struct pages per node = zoneinfo present" ||
	fail "$T: recording pages" "$(row recording)"
row recording | grep -q 'recorded, ns' && pass "$T: recording: deferred init recorded per node" ||
	fail "$T: recording deferred" "$(row recording)"
row "meminit ftrace" | grep -qE 'traced, µs \([0-9.]+ ms, [0-9.]+ ms\)' &&
	row "meminit ftrace" | grep -qE '\| [0-9]+ \(0\) \|' &&
	pass "$T: meminit ftrace: both nodes traced, no entry lost" ||
	fail "$T: meminit ftrace" "$(row "meminit ftrace")"
# The function_graph cell is derived from that boot: its tracer's start
# against the deferred-init lines, computed here on the same log.
fg=$out/boot-function-graph-filter-1/dmesg.txt
if [ -f "$fg" ]; then
	ts=$(sed -n "s/^\[ *\([0-9.]*\)\] Starting tracer 'function_graph'.*/\1/p" "$fg" | head -n1)
	tl=$(sed -n 's/^\[ *\([0-9.]*\)\] node [0-9]* deferred pages initialised in .*/\1/p' "$fg" | tail -n1)
	if [ -z "$ts" ] || [ -z "$tl" ]; then
		fail "$T: function_graph" "no tracer or deferred line in $fg"
	else
		want=before; awk -v a="$ts" -v b="$tl" 'BEGIN { exit !(a + 0 > b + 0) }' && want=after
		row "function_graph+filter" | grep -q "the tracer started at $ts s, $want deferred init" &&
			pass "$T: function_graph: tracer at $ts s, $want deferred init ($tl s), as its log says" ||
			fail "$T: function_graph" "the row does not say '$ts s, $want': $(row "function_graph+filter")"
	fi
else
	fail "$T: function_graph" "no boot log $fg"
fi
# The initcall_debug cell: the hash-table lines inside initcall windows,
# counted here without bench/tool-views.sh.
ic=$out/boot-initcall-debug-1/dmesg.txt
n_in=$(awk 'match($0, /^\[ *[0-9.]+\]/) { s = substr($0, RSTART + 1, RLENGTH - 2) + 0 }
	/ calling  / { depth++ } / initcall .* returned / { depth-- }
	/ hash table entries: / && depth > 0 { n++ } END { print n + 0 }' "$ic" 2>/dev/null)
got=$(row initcall_debug | grep -oE 'inside initcalls: [^(|]*' | grep -oE '(^| )[0-9]+( |,|$)' | tr -d ' ,' | awk '{ s += $1 } END { print s + 0 }')
[ -n "$n_in" ] && [ "$got" = "$n_in" ] &&
	pass "$T: initcall_debug: $got hash-table lines inside initcalls, as its log says" ||
	fail "$T: initcall_debug hash tables" "row says $got, the log $n_in: $(row initcall_debug)"
n=$(grep -c 'initcall .* returned' "$out/boot-initcall-debug-1/dmesg.txt" || true)
[ "${n:-0}" -gt 0 ] && pass "$T: initcall_debug boot: $n initcalls timed" || fail "$T: initcall_debug" "no initcall line"
# The kernel source is the one bench/boot-cost.sh built its kernels from.
if ! command -v python3 > /dev/null; then
	skip_missing deps "$T: bootgraph.py" "python3 missing (make deps)"
elif [ -f "${MEMINIT_CACHE:-/var/cache/meminit}/src/linux-6.12/tools/power/pm-graph/bootgraph.py" ]; then
	grep -q '^result: pass' "$out/bootgraph-result.txt" 2> /dev/null &&
		pass "$T: bootgraph.py parsed the initcall_debug boot" ||
		fail "$T: bootgraph.py" "see $out/bootgraph.log"
else
	fail "$T: bootgraph.py" "no kernel source in ${MEMINIT_CACHE:-/var/cache/meminit}/src/linux-6.12 after the kernels were built"
fi
