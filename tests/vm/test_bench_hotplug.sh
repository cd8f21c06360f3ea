#!/bin/bash
# bench/hotplug-peers.sh --small: one -icount guest on stock Debian 6.12, the
# 1 GiB DIMM of node 1 onlined twice per condition (no tracer, meminit trace
# fentry and kprobe, bpftrace kfunc and kprobe). Checks what the kernel and
# the tracers counted, not how long it took:
# - every online and offline moved all of the DIMM's blocks, and node 1's
#   zoneinfo present pages and meminfo MemTotal moved by exactly
#   blocks x pages per block;
# - meminit's trace and bpftrace's maps counted exactly the onlined
#   calls and pages of their condition, on node 1 only;
# - bpftrace's ready signal came after its "Attaching" line;
# - every row of the tables is there and its numbers parse.
source "$(dirname "$0")/../lib.sh"

T=bench-hotplug
REPS=2
DIMM_BYTES=$((1 << 30))

if ! have_root; then
	skip_missing root "$T" "needs root (QEMU, memory hotplug in the guest)"
	exit 0
fi
need_vm "$T" || exit 0
[ -x "$TOP/build/meminit-static" ] || { fail "$T" "build/meminit-static not built (make)"; exit 0; }
command -v jq >/dev/null || { skip_missing deps "$T" "jq not installed (make deps)"; exit 0; }
if ! echo 'int main(void){return 0;}' | cc -static -x c -o /dev/null - 2>/dev/null; then
	skip_missing deps "$T" "cc -static cannot link (libc6-dev; make deps)"
	exit 0
fi

exec 9> "$OUTROOT/test_bench_hotplug.lock"
flock 9

out=$MEMINIT_BENCH_OUT/hotplug-peers
g=$out/guest
if ! "$TOP/bench/hotplug-peers.sh" --small > "$OUTROOT/bench-hotplug.md" 2> "$OUTROOT/bench-hotplug.err"; then
	fail "$T: --small ran" "$(tail -n1 "$OUTROOT/bench-hotplug.err")"
	exit 0
fi
pass "$T: --small ran ($(cat "$g/kernel.txt"), $(cat "$g/boot-seconds") s)"

block_bytes=$((0x$(cat "$g/block_size_bytes.txt")))
blocks=$((DIMM_BYTES / block_bytes))
ppb=$((block_bytes / 4096))
pages=$((blocks * ppb))
have_bpftrace=no
command -v bpftrace >/dev/null && have_bpftrace=yes
conds="none.1 meminit-fentry.1 meminit-kprobe.1 none.2"
[ $have_bpftrace = yes ] && conds="none.1 meminit-fentry.1 meminit-kprobe.1 bpftrace-kfunc.1 bpftrace-kprobe.1 none.2"

# check_lines COND ACTION SIGN: every line of COND.ACTION moved the whole DIMM;
# SIGN 1 for an online (node 1 grows), -1 for an offline.
check_lines() {
	local c=$1 f=$g/$1.$2 sign=$3 bad
	if [ "$(wc -l < "$f" 2>/dev/null || echo 0)" != $REPS ]; then
		fail "$T $c: $REPS ${2}s" "$(wc -l < "$f" 2>/dev/null || echo none) lines in $f"
		return
	fi
	bad=$(awk -v b=$blocks -v p=$pages -v s="$sign" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (v["blocks"] != b || v["failed"] != 0 || v["pages"] != p ||
		    (v["present_after"] - v["present_before"]) != s * p ||
		    (v["memtotal_kb_after"] - v["memtotal_kb_before"]) != s * p * 4 ||
		    v["ns"] !~ /^[0-9]+$/ || v["ns"] <= 0)
			print NR ": " $0
	}' "$f")
	[ -z "$bad" ] &&
		pass "$T $c: $REPS ${2}s of $blocks blocks, node 1 zoneinfo present and MemTotal moved by $pages pages each" ||
		fail "$T $c: ${2}s" "$bad"
}

for c in $conds; do
	check_lines "$c" online 1
	check_lines "$c" offline -1
done
[ -s "$g/errors.txt" ] && fail "$T: guest errors" "$(tr '\n' ';' < "$g/errors.txt")"

# The tracers saw exactly what was onlined beside them.
want_calls=$((REPS * blocks)) want_pages=$((REPS * pages))
for c in meminit-fentry.1 meminit-kprobe.1; do
	j=$g/$c.json
	if ! jq -e .totals "$j" > /dev/null 2>&1; then
		fail "$T $c: JSON" "$(head -c 300 "$g/$c.tool")"
		continue
	fi
	if jq -e --argjson c $want_calls --argjson p $want_pages '
		([.totals[] | select(.phase == "online_pages" and .node == 1 and .calls == $c and .pages == $p)] | length) == 1 and
		([.totals[] | select(.phase == "move_pfn_range_to_zone" and .node == 1 and .calls == $c and .pages == $p)] | length) == 1 and
		([.totals[] | select(.phase == "memmap_init_range" and .node == 1 and .calls == $c and .pages == $p)] | length) == 1 and
		([.totals[] | select(.node != 1)] | length) == 0 and .lost == 0' "$j" > /dev/null; then
		pass "$T $c: online_pages, move_pfn_range_to_zone, memmap_init_range node 1 = $want_calls calls, $want_pages pages each"
	else
		fail "$T $c: counts" "$(jq -c '[.totals[] | [.phase, .node, .calls, .pages]]' "$j")"
	fi
	jq -e --arg a "${c#meminit-}" '.attach == ($a | rtrimstr(".1"))' "$j" > /dev/null &&
		pass "$T $c: attached by $(jq -r .attach "$j")" ||
		fail "$T $c: attach" "$(jq -r .attach "$j")"
done

if [ $have_bpftrace = no ]; then
	skip_missing deps "$T bpftrace" "bpftrace not installed (make deps)"
else
	for c in bpftrace-kfunc.1 bpftrace-kprobe.1; do
		f=$g/$c.tool
		# @calls[phase, node, cpu]: phase 0 online_pages, 1 move_pfn_range_to_zone, 2 memmap_init_range
		got=$(awk -F': ' '/^@(calls|pages)\[[0-9]+, / {
			split($1, k, /[][, ]+/); s[k[1] " " k[2] " " k[3]] += $2 }
			END { for (x in s) print x, s[x] }' "$f" | sort | tr '\n' ';')
		want="@calls 0 1 $want_calls;@calls 1 1 $want_calls;@calls 2 1 $want_calls;@pages 0 1 $want_pages;@pages 1 1 $want_pages;@pages 2 1 $want_pages;"
		[ "$got" = "$want" ] &&
			pass "$T $c: the script's maps: phases 0-2 node 1 = $want_calls calls, $want_pages pages each" ||
			fail "$T $c: the script's maps" "got '$got', want '$want'"
		awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
			END { exit !(v["mark_ns"] > 0 && v["ready_ns"] > v["mark_ns"]) }' "$g/$c.launch" &&
			pass "$T $c: ready after \"Attaching\" ($(sed 's/pid=[0-9]* //' "$g/$c.launch"))" ||
			fail "$T $c: ready signal" "$(cat "$g/$c.launch" "$g/$c.launch.err" 2>/dev/null)"
	done
fi

# Tables: every condition has a row and its numbers parse.
rows="none meminit-fentry meminit-kprobe"
[ $have_bpftrace = yes ] && rows="$rows bpftrace-kfunc bpftrace-kprobe"
for r in $rows; do
	n=$REPS
	[ "$r" = none ] && n=$((2 * REPS))	# none.1 and none.2
	awk -F'\t' -v r="$r" -v n=$n -v p=$pages '
		$1 == r && $2 == n && $3 == p && $4 ~ /^[0-9]+$/ && $4 > 0 && $7 ~ /^[0-9]+$/ && $7 > 0 {ok = 1}
		END {exit !ok}' "$out/results.tsv" &&
		grep -q "^| $r | " "$out/section.md" &&
		pass "$T: $r row: $(awk -F'\t' -v r="$r" '$1 == r {printf "%.3f ms/GiB all, %.3f steady", $4 / 1e6, $7 / 1e6}' "$out/results.tsv")" ||
		fail "$T: $r row" "$(grep "^$r" "$out/results.tsv")"
	[ "$r" = none ] && continue
	awk -F'\t' -v r="$r" '$1 == r && $2 ~ /^[0-9]+$/ && $2 > 0 && $4 ~ /^[0-9]+$/ && $5 ~ /^[0-9]+$/ {ok = 1} END {exit !ok}' \
		"$out/tools.tsv" && grep -q "^| $r | [0-9]" "$out/section.md" &&
		pass "$T: $r start-up $(awk -F'\t' -v r="$r" '$1 == r {printf "%.2f s, peak RSS %d kB", $2 / 1e9, $4}' "$out/tools.tsv")" ||
		fail "$T: $r start-up row" "$(grep "^$r" "$out/tools.tsv")"
done
cmp -s "$out/section.md" "$OUTROOT/bench-hotplug.md" &&
	pass "$T: section.md is what was printed" || fail "$T: section.md" "differs from stdout"
exit 0
