#!/bin/bash
# needs: patched-kernel
# bench/repeat.sh and bench/accuracy.sh in --small mode (issue 8): one guest
# run each on the patched kernel. Checks what the figures stand on, never a
# timing: every cycle has its markers and collection time, the ratio and the
# share are numbers; struct pages per node = /proc/zoneinfo present in every
# boot, the records' deferred init within 2 jiffies of the kernel's line
# (or above it within the span the boot's own dmesg stamps give the node's
# work: tests/lib.sh).
source "$(dirname "$0")/../lib.sh"

T="bench kexec"
need_vm "$T" || exit 0
have_root || { skip_missing root "$T" "needs root (debugfs on the disk image, QEMU)"; exit 0; }
for t in mkfs.ext4 debugfs jq; do
	command -v $t >/dev/null || { skip_missing deps "$T" "$t missing (make deps)"; exit 0; }
done
[ -x "$TOP/build/meminit-static" ] || { fail "$T" "build/meminit-static not built (make)"; exit 0; }
exec 8> "$OUTROOT/bench-kexec.lock"
flock 8
num() { [[ "$1" =~ ^[0-9]+(\.[0-9]+)?$ ]]; }

# --- repeat speed --------------------------------------------------------
r=$MEMINIT_BENCH_OUT/repeat
if "$TOP/bench/repeat.sh" --small > "$OUTROOT/bench-repeat.out" 2> "$OUTROOT/bench-repeat.err"; then
	pass "$T: repeat.sh --small ran ($(grep -c '^|' "$r/section.md") table lines)"
	c=$r/mttcg/cycles.txt
	boots=$(grep -c '^[0-9.]* BENCH-MARK start ' "$r/mttcg/stamped.log")
	na=$(grep -c '^A ' "$c") nb=$(grep -c '^B ' "$c") ns=$(grep -c '^S ' "$c")
	# 2 groups: cold, (K0, K1, F) x 2 = 7 boots, 6 cycles S A B S A B
	[ "$boots" = 7 ] && [ "$na" = 2 ] && [ "$nb" = 2 ] && [ "$ns" = 2 ] &&
		[ "$(awk '{printf "%s", $1}' "$c")" = SABSAB ] &&
		pass "$T: 7 boots, every cycle between two start markers: S A B S A B" ||
		fail "$T: cycles" "$boots boots, A $na, B $nb, S $ns: $(awk '{printf "%s", $1}' "$c")"
	ok=1
	while read -r ty _ host guest ch cg prep rb; do
		num "$host" && num "$guest" && num "$rb" || ok=0
		[ "$ty" = S ] || { num "$ch" && num "$cg" && num "$prep" || ok=0; }
	done < "$c"
	[ $ok = 1 ] && pass "$T: every A and B cycle has host and guest times, both collection times and its split" ||
		fail "$T: cycle figures" "$(tr '\n' ';' < "$c")"
	nr=$(wc -l < "$r/mttcg/runs.txt")
	src=$(jq -r .report.source "$r"/mttcg/guest/kx/kx*/run-*.json | sort -u | tr '\n' ' ')
	[ "$nr" = 4 ] && awk '{if (!($3 > 0)) exit 1}' "$r/mttcg/runs.txt" &&
		pass "$T: 4 run files, each with meminit's collect_s (source: $src)" ||
		fail "$T: run files" "$nr: $(tr '\n' ';' < "$r/mttcg/runs.txt")"
	read -r _ _ r1 r2 np < <(grep '^RATIO mttcg ' "$r/summary.txt") || true
	share=$(sed -n 's/^| mttcg | kexec repeat.* | \([0-9.]*\)% |$/\1/p' "$r/section.md")
	num "${r1:-}" && num "${r2:-}" && [ "${np:-}" = 2 ] && num "$share" &&
		pass "$T: firmware/kexec ratio $r1 (per group $r2), collection $share% of the kexec cycle" ||
		fail "$T: ratio and share" "ratio '${r1:-}' '${r2:-}' n '${np:-}', share '$share'"
else
	fail "$T: repeat.sh --small" "$(tail -n1 "$OUTROOT/bench-repeat.err")"
fi

# --- accuracy ------------------------------------------------------------
a=$MEMINIT_BENCH_OUT/accuracy/mttcg
if "$TOP/bench/accuracy.sh" --small > "$OUTROOT/bench-accuracy.out" 2> "$OUTROOT/bench-accuracy.err"; then
	pass "$T: accuracy.sh --small ran"
	p=$a/per-node.txt
	# run node record_ms kernel_ms record_pages zoneinfo_present report_kernel_ms layout cold_present line_named_behind
	nboots=$(awk '{print $1}' "$p" | sort -u | wc -l)
	mem=$(awk '$6 > 0' "$p" | wc -l)
	awk '$5 != $6 {exit 1}' "$p" && [ "$nboots" = 2 ] && [ "$mem" = 4 ] &&
		pass "$T: struct pages per node = zoneinfo present, exactly, in both boots (2 memory nodes + memoryless)" ||
		fail "$T: pages" "$(tr '\n' ';' < "$p")"
	hz=$(jq -r .report.hz "$a/guest/runs/run-0000.json")
	nd=$(awk '$3 != "nan" && $4 != "nan"' "$p" | wc -l)
	ok=1 nl=0 bad=""
	while read -r run id rec km _; do
		[ "$rec" = nan ] || [ "$km" = nan ] && continue
		# the dmesg the guest saved of that boot (bench/guest-accuracy.sh)
		bid=$(jq -r --argjson run "$run" 'select(.run == $run) | .boot_id' "$a"/guest/runs/run-*.json)
		span=$(deferred_span_ms "$a/guest/acc/$bid.dmesg" "$id")
		awk -v c="$rec" -v l="$km" -v hz="$hz" 'BEGIN { exit !(c > l + 2000 / hz) }' && nl=$((nl + 1))
		jiffies_line_ok "$rec" "$km" "$hz" "$span" ||
			{ ok=0; bad="$bad run $run node $id: record $rec, line $km, console span ${span:-none};"; }
	done < "$p"
	[ $ok = 1 ] && [ "$nd" = 4 ] &&
		pass "$T: deferred init per node (4 boot x node) within 2 jiffies of the kernel's line, or above it within the console's span of the node's work ($nl such; max $(awk '{print $6}' "$a/nodes.txt" | sort -g | tail -n1) ms)" ||
		fail "$T: records vs kernel line" "$nd pairs;$bad $(tr '\n' ';' < "$p")"
	awk '$4 != $7 || $8 != "yes" || $6 != $9 {exit 1}' "$p" &&
		pass "$T: the report's kernel line = dmesg's; same NUMA layout and present pages as the cold boot" ||
		fail "$T: kernel line / layout" "$(tr '\n' ';' < "$p")"
	grep -q '^yes (' "$a/stats-agree.txt" && pass "$T: spread = meminit stats ($(cat "$a/stats-agree.txt"))" ||
		fail "$T: spread vs meminit stats" "$(cat "$a/stats-agree.txt")"
	awk -F'\t' '$1 ~ /^deferred node [01]$/ && $2 >= 1 && $3 > 0 {c++} END {exit c != 2}' "$a/spread.tsv" &&
		grep -q '^| deferred node 0 |' "$a/section.md" &&
		pass "$T: spread rows for deferred init on both memory nodes" || fail "$T: spread rows" "missing"
else
	fail "$T: accuracy.sh --small" "$(tail -n1 "$OUTROOT/bench-accuracy.err")"
fi
