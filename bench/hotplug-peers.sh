#!/bin/bash
# What a live tracer costs memory hotplug, and what it sees: meminit trace
# (fentry and kprobe) against bpftrace running the same probes and the same
# per-call aggregation (bench/live-kfunc.bt, bench/live-kprobe.bt), and
# against no tracer, in ONE boot of the stock Debian 6.12 kernel under QEMU
# TCG with -icount shift=3,sleep=off: guest time counts instructions, so the
# same work takes the same guest time and a difference is not noise.
#
# Guest: node 0 with 2 GiB and the only vCPU, node 1 with 1 GiB and a
# coldplugged 1 GiB pc-dimm that stays offline (memhp_default_state=offline).
# Per condition the tracer is started (its start-up to ready is timed), then
# the DIMM's 8 blocks are onlined as ZONE_MOVABLE and offlined again REPS
# times; each online is timed in the guest by bench/online-timer.c
# (CLOCK_MONOTONIC around each sysfs state write). Order: none,
# meminit-fentry, meminit-kprobe, bpftrace-kfunc, bpftrace-kprobe, none-end
# (the two no-tracer blocks bracket any drift over the boot).
#
# hotplug-peers.sh [--small]    --small: one round of 2 repetitions (make test)
# hotplug-peers.sh --report     the section again from the last run's raw outputs
# HOTPLUG_PEERS_REPS=N          repetitions per condition and round (default 15)
# Raw outputs in build/bench/hotplug-peers/, the Markdown section on stdout
# and in build/bench/hotplug-peers/section.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${MEMINIT_BENCH_OUT:-$top/build/bench}/hotplug-peers
small=no report_only=no
case "${1:-}" in
--small) small=yes ;;
--report) report_only=yes ;;
"") ;;
*) echo "hotplug-peers.sh: unknown argument '$1' (--small, --report or nothing)" >&2; exit 2 ;;
esac
reps=${HOTPLUG_PEERS_REPS:-15}
[ $small = yes ] && reps=2
case "$reps" in ''|*[!0-9]*|0) echo "hotplug-peers.sh: HOTPLUG_PEERS_REPS must be > 0" >&2; exit 2 ;; esac

if [ $report_only = yes ]; then
	[ -f "$out/run.env" ] || { echo "hotplug-peers.sh: no earlier run in $out" >&2; exit 1; }
	# shellcheck disable=SC1091
	source "$out/run.env"
else
	[ -x "$top/build/meminit-static" ] || { echo "hotplug-peers.sh: build/meminit-static not built (make)" >&2; exit 1; }
	command -v jq >/dev/null || { echo "hotplug-peers.sh: jq missing (make deps)" >&2; exit 1; }
	mkdir -p "$out"
	rm -rf "$out/guest" "$out/section.md" "$out/results.tsv" "$out/bpftrace-skip.txt" "$out/run.env"
	cc -static -O2 -Wall -Wextra -std=gnu11 -o "$out/online-timer" "$top/bench/online-timer.c"

	tracers="meminit-fentry meminit-kprobe"
	bins=(--bin "$out/online-timer")
	bpftrace=$(command -v bpftrace || true)
	if [ -n "$bpftrace" ]; then
		tracers="$tracers bpftrace-kfunc bpftrace-kprobe"
		bins+=(--bin "$bpftrace")
	else
		echo "bpftrace not installed (apt-get install bpftrace)" > "$out/bpftrace-skip.txt"
	fi
	# Round 1 in order, round 2 (full run only) in reverse; no tracer before,
	# between and after, so a drift over the boot shows and averages out.
	conds="none.1"
	for t in $tracers; do conds="$conds $t.1"; done
	conds="$conds none.2"
	diag=""
	if [ $small = no ]; then
		for t in $(echo "$tracers" | tr ' ' '\n' | tac); do conds="$conds $t.2"; done
		conds="$conds none.3"
		diag="meminit-fentry meminit-kprobe meminit-auto"
	fi

	# The guest script: settings, the bpftrace scripts, then the guest side.
	script=$out/guest-script.sh
	{
		echo "REPS=$reps"
		echo "CONDS='$conds'"
		echo "TIMER=$out/online-timer"
		echo "BPFTRACE=$bpftrace"
		echo "DIAG='$diag'"
		for bt in live-kfunc live-kprobe; do
			echo "cat > /tmp/$bt.bt <<'MEMINIT_BT_EOF'"
			cat "$top/bench/$bt.bt"
			echo "MEMINIT_BT_EOF"
		done
		cat "$top/bench/guest-hotplug-peers.sh"
	} > "$script"

	start=$(date +%s)
	if ! MEMINIT_ACCEL=tcg "$top/tests/vm/guest.sh" --kernel 6.12 --nodes 2G,1G --node-cpus 1,0 \
		--maxmem 8G --append "memhp_default_state=offline" \
		--qemu "-icount shift=3,sleep=off -object memory-backend-ram,id=dimm1,size=1G -device pc-dimm,id=d1,memdev=dimm1,node=1" \
		--timeout $((900 + reps * 120)) "${bins[@]}" --out "$out/guest" "$script" > "$out/guest.log" 2>&1; then
		echo "hotplug-peers.sh: guest run failed: $(tail -n1 "$out/guest.log")" >&2
		exit 1
	fi
	wall=$(( $(date +%s) - start ))
	run_date=$(date +%Y-%m-%d)
	declare -p small reps tracers conds diag wall run_date > "$out/run.env"
fi
g=$out/guest

median() { sort -n | awk '{v[NR] = $1} END {if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# One row per online: base condition, all-8-blocks ns, blocks 2..N ns
# ("steady": the first block of a DIMM also populates the zone and rebuilds
# the zonelists, and varies by a few ms), pages, blocks.
for c in $conds; do
	[ -s "$g/$c.online" ] || continue
	sed "s/^/${c%.*} /" "$g/$c.online"
done | awk '{
	ns = ""; pages = ""; blocks = ""; bl = ""
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == "ns") ns = kv[2]
		if (kv[1] == "pages") pages = kv[2]
		if (kv[1] == "blocks") blocks = kv[2]
		if (kv[1] == "block_ns") bl = kv[2]
	}
	n = split(bl, b, ","); steady = 0
	for (i = 2; i <= n; i++) steady += b[i]
	print $1, ns, steady, pages, blocks
}' > "$out/onlines.txt"

# per base condition: the start-ups (ready, mark), peak RSS, CPU ticks and
# what the tracer counted for online_pages, summed over its rounds.
tool_row() {
	local base=$1 c ready="" mark="" hwm="" ticks="" calls=0 spages=0 seen=no
	for c in $conds; do
		[ "${c%.*}" = "$base" ] || continue
		r=$(sed -n 's/.*ready_ns=\([0-9]*\).*/\1/p' "$g/$c.launch" 2>/dev/null)
		[ -n "$r" ] && ready="$ready${ready:+,}$r"
		r=$(sed -n 's/.*mark_ns=\([0-9]*\).*/\1/p' "$g/$c.launch" 2>/dev/null)
		[ -n "$r" ] && mark="$mark${mark:+,}$r"
		[ -f "$g/$c.status" ] && hwm="$hwm${hwm:+,}$(awk '$1 == "VmHWM:" {print $2}' "$g/$c.status")"
		# utime + stime, fields 14 and 15 (no spaces in these comm fields)
		[ -f "$g/$c.stat" ] && ticks="$ticks${ticks:+,}$(awk '{print $14 + $15}' "$g/$c.stat")"
		case $base in
		meminit-*)
			jq -e .totals "$g/$c.json" >/dev/null 2>&1 || continue
			seen=yes
			calls=$((calls + $(jq '[.totals[] | select(.phase == "online_pages") | .calls] | add // 0' "$g/$c.json")))
			spages=$((spages + $(jq '[.totals[] | select(.phase == "online_pages") | .pages] | add // 0' "$g/$c.json"))) ;;
		bpftrace-*)
			[ -f "$g/$c.tool" ] || continue
			seen=yes
			# @calls[0, node, cpu]: N -- phase 0 is online_pages
			calls=$((calls + $(awk -F': ' '/^@calls\[0, / {s += $2} END {print s + 0}' "$g/$c.tool")))
			spages=$((spages + $(awk -F': ' '/^@pages\[0, / {s += $2} END {print s + 0}' "$g/$c.tool"))) ;;
		esac
	done
	[ $seen = yes ] || { calls=-; spages=-; }
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$base" "${ready:--}" "${mark:--}" "${hwm:--}" "${ticks:--}" "$calls" "$spages"
}
{
	printf 'condition\tready_ns\tmark_ns\tvmhwm_kb\tcpu_ticks\tseen_calls\tseen_pages\n'
	for base in none $tracers; do tool_row "$base"; done
} > "$out/tools.tsv"

# results.tsv: per base condition, medians over its onlines (ns per GiB).
awk -v gib=1073741824 '
function med(arr, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]; arr[j + 1] = t }
	return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
}
{
	b = $1; if (!(b in n)) order[++m] = b
	k = ++n[b]; scale = gib / ($4 * 4096)
	all[b, k] = $2 * scale; st[b, k] = $5 > 1 ? $3 * scale * $5 / ($5 - 1) : 0; pages[b] = $4
}
END {
	print "condition\tonlines\tpages_per_online\tall_ns_per_gib\tall_min\tall_max\tsteady_ns_per_gib\tsteady_min\tsteady_max"
	for (i = 1; i <= m; i++) {
		b = order[i]; split("", x); split("", y)
		mn = mx = all[b, 1]; smn = smx = st[b, 1]
		for (k = 1; k <= n[b]; k++) {
			x[k] = all[b, k]; y[k] = st[b, k]
			if (all[b, k] < mn) mn = all[b, k]; if (all[b, k] > mx) mx = all[b, k]
			if (st[b, k] < smn) smn = st[b, k]; if (st[b, k] > smx) smx = st[b, k]
		}
		printf "%s\t%d\t%d\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\n", b, n[b], pages[b], med(x, n[b]), mn, mx, med(y, n[b]), smn, smx
	}
}' "$out/onlines.txt" > "$out/results.tsv"

kernel=$(cat "$g/kernel.txt")
hz=$(cat "$g/clk_tck.txt" 2>/dev/null || echo 100)
qemu=$(qemu-system-x86_64 --version | sed -n 1p | sed 's/.*version \([^ ]*\).*/\1/')
rounds="one round"; [ $small = no ] && rounds="two rounds, the second in reverse order"
{
	echo "## Live-path disturbance: meminit trace against bpftrace (memory hotplug)"
	echo
	echo "\`bench/hotplug-peers.sh$([ $small = yes ] && echo ' --small')\`, $run_date: $(nproc) host cores, QEMU $qemu TCG"
	echo "\`-icount shift=3,sleep=off\` (guest time counts instructions, 8 ns each), stock Debian"
	echo "$kernel; node 0 2 GiB with the only vCPU, node 1 1 GiB plus a coldplugged 1 GiB pc-dimm"
	echo "(8 blocks of 128 MiB, \`memhp_default_state=offline\`); one boot, $wall s wall with any wait for"
	echo "the shared QEMU lock. Per condition the tracer starts, then the DIMM is onlined as"
	echo "ZONE_MOVABLE and offlined again $reps times; $rounds, no tracer before, between and after."
	echo "Each online is timed in the guest around its sysfs writes (\`bench/online-timer.c\`,"
	echo "CLOCK_MONOTONIC). \"All\" is the 8 blocks; \"steady\" is blocks 2-8 scaled to 8 (the first"
	echo "block also populates ZONE_MOVABLE and rebuilds the zonelists, and varies by a few ms),"
	echo "the better figure for a per-call cost. Added time: against the no-tracer median."
	echo
	echo "| condition | onlines | all: ms/GiB (median) | min..max | steady: ms/GiB (median) | min..max | added, steady: ms/GiB | added | added per traced call (µs) |"
	echo "|---|---|---|---|---|---|---|---|---|"
	awk -F'\t' 'NR == FNR { if (FNR > 1 && $6 != "-" && $7 + 0 > 0) calls_per_gib[$1] = $6 * 1073741824 / ($7 * 4096); next }
	FNR == 1 { next }
	{ row[++m] = $0; if ($1 == "none") { base = $7; bmin = $8; bmax = $9 } }
	END {
		for (i = 1; i <= m; i++) {
			split(row[i], f, "\t"); c = f[1]; add = f[7] - base
			# online_pages, move_pfn_range_to_zone and memmap_init_range each
			# run once per block: 3 calls per block
			percall = (c in calls_per_gib) ? sprintf("%.1f", add / (3 * calls_per_gib[c]) / 1000) : "—"
			printf "| %s | %d | %.3f | %.3f..%.3f | %.3f | %.3f..%.3f | %s | %s | %s |\n", c, f[2],
				f[4] / 1e6, f[5] / 1e6, f[6] / 1e6, f[7] / 1e6, f[8] / 1e6, f[9] / 1e6,
				c == "none" ? "—" : sprintf("%+.3f", add / 1e6),
				c == "none" ? sprintf("(range %.2f%%)", (bmax - bmin) * 100 / base) : sprintf("%+.3f%%", add * 100 / base),
				c == "none" ? "—" : percall
		}
	}' "$out/tools.tsv" "$out/results.tsv"
	echo
	awk -F'\t' 'FNR == 1 { next } NR == FNR { if ($1 == "none") base = $7; next }
	$1 != "none" { printf "%s%s %.2f ns", sep, $1, ($7 - base) / (1073741824 / 4096); sep = ", " }
	' "$out/results.tsv" "$out/results.tsv" > "$out/per-page.txt"
	for c in $conds; do
		[ "${c%.*}" = none ] && [ -s "$g/$c.online" ] || continue
		sed 's/.*block_ns=[0-9]*,//' "$g/$c.online" | tr ',' ' ' |
			awk '{s = 0; for (i = 1; i <= NF; i++) s += $i; print s * (NF + 1) / NF}' | median
	done | awk '{printf "%s%.3f", (NR > 1 ? ", " : ""), $1 / 1e6}' > "$out/none-blocks.txt"
	echo "No tracer, steady median of each no-tracer block in boot order: $(cat "$out/none-blocks.txt") ms/GiB."
	# Stalls: whole onlines (all 8 blocks) more than 5% above the no-tracer median.
	awk -F'\t' 'NR == FNR { if ($1 == "none") base = $4; next }
		{ split($0, f, " "); v = f[2] * 1073741824 / (f[4] * 4096); c = f[1]
		  if (!(c in n)) order[++m] = c; n[c]++
		  if (v > base * 1.05) { s[c]++; w[c] = w[c] sprintf(" %.1f", v / 1e6) } }
		END { for (i = 1; i <= m; i++) { c = order[i]; printf "%s%s %d of %d%s", (i > 1 ? ", " : ""), c, s[c], n[c], s[c] ? " (" substr(w[c], 2) " ms)" : "" } }' \
		"$out/results.tsv" "$out/onlines.txt" > "$out/stalls.txt"
	echo "Onlines more than 5% slower than the no-tracer median (all blocks): $(cat "$out/stalls.txt")."
	echo
	echo "Added time per onlined page (steady): $(cat "$out/per-page.txt"); at 8 ns per guest"
	echo "instruction that is well under one instruction per page, while one BPF program run costs"
	echo "hundreds: the programs run per call (2 per traced function per 128 MiB block), never per page."
	echo
	echo "| tracer | start-up to ready (s, guest) | of which parse + compile (s) | peak RSS (MiB) | CPU, start to stop (s) | online_pages calls / pages seen |"
	echo "|---|---|---|---|---|---|"
	awk -F'\t' -v hz="$hz" '
	function list(s, div, fmt,   a, n, i, o) { if (s == "-") return "—"; n = split(s, a, ","); o = ""
		for (i = 1; i <= n; i++) o = o (i > 1 ? ", " : "") sprintf(fmt, a[i] / div); return o }
	NR > 1 && $1 != "none" {
		printf "| %s | %s | %s | %s | %s | %s |\n", $1, list($2, 1e9, "%.2f"), list($3, 1e9, "%.2f"),
			list($4, 1024, "%.1f"), list($5, hz, "%.2f"), $6 == "-" ? "—" : $6 " / " $7
	}' "$out/tools.tsv"
	echo
	echo "Start-up: launch to ready, per round: meminit's \"tracing with\" line (printed after attach),"
	echo "bpftrace's \`-c\` command (started once its probes are attached); \"parse + compile\" is"
	echo "bpftrace's \"Attaching N probes\" line. CPU: utime + stime of the tracer at its stop."
	echo
	if [ -n "$diag" ]; then
		echo "Where meminit's start-up goes (once more with -v, each line stamped on arrival;"
		echo "diag-*.tool.times): the largest gaps, in guest seconds."
		echo
		for m in $diag; do
			f=$g/diag-$m.tool.times
			[ -s "$f" ] || continue
			printf -- '- %s, ready at %.2f s: ' "$m" "$(sed -n 's/.*ready_ns=\([0-9]*\).*/\1/p' "$g/diag-$m.launch")e-9"
			awk '{t = $1 / 1e9; line = substr($0, index($0, " ") + 1); sub(/^meminit: debug[^:]*: (libbpf: )?/, "", line)
				if (NR > 1) print t - prev "\t" substr(prevline, 1, 90); prev = t; prevline = line}' "$f" |
				sort -rn | awk "NR <= 3" | awk -F'\t' '{printf "%s%.2f s after \"%s\"", (NR > 1 ? "; " : ""), $1, $2}'
			echo
		done
		echo
	fi
	if [ -f "$out/bpftrace-skip.txt" ]; then
		echo "bpftrace rows missing: $(cat "$out/bpftrace-skip.txt")."
		echo
	fi
	if [ -s "$g/errors.txt" ]; then
		echo "Errors in the guest: $(tr '\n' ';' < "$g/errors.txt")"
		echo
	fi
	echo "What each sees (first round):"
	echo
	echo "| tracer | keys and values | output for the $reps onlines | not attached |"
	echo "|---|---|---|---|"
	for c in meminit-fentry.1 meminit-kprobe.1; do
		[ -s "$g/$c.json" ] || continue
		echo "| ${c%.*} | phase, node, CPU: calls, pages, ns, max ns, fails; nesting level; ns/page, s/TiB, per node and per CPU | $(jq -r '[.totals[] | "\(.phase) node \(.node): \(.calls) calls, \(.pages) pages, \(.ns_per_page * 10 | floor / 10) ns/page"] | join("; ")' "$g/$c.json") | $(jq -r '[.probes[] | select(.attach == "none") | .function] | join(", ")' "$g/$c.json") (\_\_init) |"
	done
	for c in bpftrace-kfunc.1 bpftrace-kprobe.1; do
		[ -s "$g/$c.tool" ] || continue
		echo "| ${c%.*} | the script's maps per [phase, node, cpu]: @calls, @pages, @ns, @max_ns, @fails; ns/page and nesting left to the reader | $(awk -F': ' '/^@(calls|pages|ns)\[/ {sub(/^@/, ""); printf "%s%s = %s", sep, $1, $2; sep = "; "}' "$g/$c.tool") | deferred_grow_zone (\_\_init; left out, bpftrace 0.17 refuses a script with a missing probe)$([ "${c%.*}" = bpftrace-kfunc ] && echo '; memmap_init_range by kprobe: bpftrace 0.17 has no kfunc for functions of more than 6 parameters (it has 9)')$(grep -m1 'ERROR' "$g/$c.tool" | tr -d '|' | sed 's/^/; /' || true) |"
	done
	echo
} > "$out/section.md"
cat "$out/section.md"
