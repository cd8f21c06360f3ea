#!/bin/bash
# What measuring the boot costs the boot, per phase, for meminit and for the
# tools people use today (issue 8, items 1 and 2b/2c).
#
# Every boot runs under QEMU -icount (guest time counts instructions,
# sleep=off, single-threaded TCG), so the same kernel and command line give
# the same printk stamps and a difference between conditions is the cost of
# the condition, not host noise. Per phase, the time is a window between two
# of the kernel's own printk lines that every condition prints (the phase's
# own line and the one before it), so one table compares all conditions:
#
#   unpatched          6.12.117 with no meminit patch (the reference)
#   stats=n            the series applied, CONFIG_MEMINIT_STATS=n
#   param off          CONFIG_MEMINIT_STATS=y, no boot parameter
#   recording          meminit_stats: the boot records
#   records+event      what 'meminit arm' prints on a patched kernel
#   meminit ftrace     what 'meminit arm' prints on a stock kernel (unpatched)
#   function_graph     ftrace=function_graph on the deferred-init functions (unpatched)
#   initcall_debug     what bootgraph.py needs in the log (unpatched)
#
# Then what each saw of the same boots: entries, phases, pages, overruns,
# and bootgraph.py's own result on the initcall_debug boot.
#
# boot-cost.sh [--small] [--runs N] [--tables] [--only NAME]
#   Markdown on stdout and in build/bench/boot-cost/section.md; --tables
#   redoes the tables from the last run's boots (same other options).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${MEMINIT_BENCH_OUT:-$top/build/bench}/boot-cost
# 7 boots a condition: with 3, one make bench run read deferred init +0.86%
# for recording where 7 boots of the same kernels read +0.13% (the windows
# move by up to 1.6 ms with the tick alignment; 3 boots sample that poorly).
runs=7 small=0 boot=1 only=""
while [ $# -gt 0 ]; do
	case "$1" in
	--only) only=${2:?--only NAME}; shift ;;	# boot one condition again, keep the others
	--tables) boot=0 ;;	# redo the tables from the last run's boots
	--small) small=1; runs=1 ;;
	--runs) runs=${2:?--runs N}; shift ;;
	*) echo "boot-cost.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
case "$runs" in ''|*[!0-9]*|0) echo "boot-cost.sh: --runs wants a positive number" >&2; exit 2 ;; esac

m=$top/build/meminit
[ -x "$m" ] || { echo "boot-cost.sh: $m not built (make)" >&2; exit 1; }
source "$top/bench/tool-views.sh"
build() { "$top/kernel-patches/build.sh" "$@" 2>/dev/null | tail -n1; }
unpatched=$(MEMINIT_SERIES=none build)
patched=$(build)
# --small boots no stats=n condition: it does not build that kernel.
patched_n=$patched
[ $small = 1 ] || patched_n=$(build --off)
for k in "$unpatched" "$patched_n" "$patched"; do
	[ -f "$k/bzImage" ] || { echo "boot-cost.sh: no kernel in '$k' (kernel-patches/build.sh)" >&2; exit 1; }
done

# The stock-kernel line comes from 'meminit arm' itself (this host is stock).
# The host's tsc_early_khz= is left out: a guest's TSC is not the host's.
arm_stock=$("$m" arm -q 2>/dev/null | sed -n 1p | sed 's/ tsc_early_khz=[0-9]*//')
case "$arm_stock" in ftrace=function\ *) ;; *)
	echo "boot-cost.sh: 'meminit arm' printed '$arm_stock', not a stock-kernel line" >&2; exit 1 ;;
esac
arm_patched="meminit_stats trace_event=meminit:meminit_record trace_clock=global trace_buf_size=64K"
# function_graph as people use it: the graph filter alone (every function
# still goes through the graph entry hook), and with the function filter too.
fgraph="ftrace=function_graph ftrace_graph_filter=deferred_init_memmap,deferred_init_memmap_chunk trace_clock=global trace_buf_size=16M"
fgraph_f="$fgraph ftrace_filter=deferred_init_memmap,deferred_init_memmap_chunk"

# name|kernel dir|command line
conditions=(
	"unpatched|$unpatched|"
	"stats=n|$patched_n|"
	"param off|$patched|"
	"recording|$patched|meminit_stats"
	"records+event|$patched|$arm_patched"
	"meminit ftrace|$unpatched|$arm_stock"
	"function_graph|$unpatched|$fgraph"
	"function_graph+filter|$unpatched|$fgraph_f"
	"initcall_debug|$unpatched|initcall_debug"
)
[ $small = 1 ] && conditions=("${conditions[0]}" "${conditions[3]}" "${conditions[5]}" "${conditions[7]}" "${conditions[8]}")

mkdir -p "$out"
slug() { echo "$1" | tr -c 'a-zA-Z0-9\n' '-'; }
if [ -n "$only" ]; then
	found=0
	for c in "${conditions[@]}"; do [ "${c%%|*}" = "$only" ] && found=1; done
	[ $found = 1 ] || { echo "boot-cost.sh: --only: no condition '$only'" >&2; exit 2; }
	rm -rf "${out:?}/boot-$(slug "$only")"-*
	[ -f "$out/windows.txt" ] && { awk -F'|' -v c="$only" '$1 != c' "$out/windows.txt" > "$out/windows.tmp"; mv "$out/windows.tmp" "$out/windows.txt"; }
elif [ $boot = 1 ]; then
	rm -rf "${out:?}"/boot-* "$out/windows.txt"
fi

# windows DMESG: "phase ms" for every printk-bounded window the log has.
# initcall_debug lines are left out first so that every condition's windows
# start at the same line.
windows() {
	grep -vE '\] (calling  |initcall .* returned|probe of )' "$1" | awk '
	function t(line) { sub(/^\[ */, "", line); sub(/\].*/, "", line); return line * 1000 }
	function win(name, a, b) { if (a != "" && b != "") printf "%s|%.3f\n", name, b - a }
	{ now = t($0) }
	/NODE_DATA\(/ { nd = now }
	/Zone ranges:/ && zr == "" { zr = now }
	/Initmem setup node/ { im = now }
	/pages in unavailable ranges/ { ua = now }
	/software IO TLB: area num/ { sw = now }
	/SLUB: HWalign/ && sl == "" { sl = now }
	/hash table entries/ {
		name = $0; sub(/^\[[^]]*\] /, "", name); sub(/ hash table entries.*/, "", name)
		win("hash: " name, prev, now)
	}
	/smp: Brought up/ { smp = now }
	/node [0-9]+ deferred pages initialised/ {
		match($0, /node [0-9]+/); n = substr($0, RSTART + 5, RLENGTH - 5)
		win("deferred node " n, smp, now)
	}
	/Run \/init as init process/ { win("boot to /init", 0, now) }
	{ prev = now }
	END {
		win("vmemmap (sparse_init)", nd, zr)
		win("memmap early (memmap_init)", im, ua)
		win("mem_init (reserved init, early free)", sw, sl)
	}'
}

[ $boot = 1 ] && for c in "${conditions[@]}"; do
	IFS='|' read -r name kdir append <<< "$c"
	[ -z "$only" ] || [ "$name" = "$only" ] || continue
	for i in $(seq 1 "$runs"); do
		d=$out/boot-$(slug "$name")-$i
		# Boot i pads the command line with i characters: -icount makes a
		# boot repeatable, so the spread over boots is how much a window
		# moves when only the alignment of timer ticks changes, the noise
		# floor against which a condition's change is read.
		pad="bench_pad=$(printf "%${i}s" | tr ' ' x)"
		MEMINIT_ACCEL=tcg GUEST_CONFIG=$kdir/config "$top/tests/vm/guest.sh" --kernel "$kdir/bzImage" \
			--nodes 2G,2G --node-cpus 1,1 --append "$append $pad" --timeout 600 \
			--qemu "-icount shift=3,sleep=off" --out "$d" "$top/bench/guest-boot-cost.sh" \
			> "$d.log" 2>&1 || { echo "boot-cost.sh: $name boot $i failed (see $d.log)" >&2; exit 1; }
		echo "$name" > "$d/condition"
		windows "$d/dmesg.txt" | sed "s/^/$name|$i|/" >> "$out/windows.txt"
	done
done

# seen_row NAME DIR: one row of what a condition's tool saw of its boot.
seen_row() {
	local name=$1 d=$2 j=$2/report.json by entries=— dn ch ht want got same
	if [ -f "$d/trace.txt" ]; then
		entries="$(grep -vc '^#' "$d/trace.txt" || true) ($(awk '{ s += $2 } END { print s + 0 }' "$d/overrun"))"
	fi
	by="meminit report ($(jq -r .source "$j" 2>/dev/null || echo failed))"
	dn="kernel line, $(jq -r '.hz // "?"' "$j")-Hz jiffies"
	ch=—
	if [ "$(jq '[.phases[]? | select(.phase == "deferred")] | length' "$j")" -gt 0 ]; then
		dn="recorded, ns ($(jq -r '[.phases[] | select(.phase == "deferred") | "\(.wall_ms | .*100 | round / 100) ms"] | join(", ")' "$j"))"
		ch="$(jq '[.events[]? | select(.phase == "deferred_chunk")] | length' "$j") chunks on $(jq '[.events[]? | select(.phase == "deferred_chunk") | .cpu] | unique | length' "$j") CPUs"
	elif [ "$(jq '[.nodes[] | select(.deferred_traced_ms != null)] | length' "$j")" -gt 0 ]; then
		dn="traced, µs ($(jq -r '[.nodes[] | select(.deferred_traced_ms != null) | "\(.deferred_traced_ms | .*100 | round / 100) ms"] | join(", ")' "$j"))"
		ch="$(jq '[.nodes[].deferred_cpus[]?.chunks] | add // 0' "$j") chunks on $(jq '[.nodes[].deferred_cpus[]?.cpu] | unique | length' "$j") CPUs"
	fi
	ht=$(jq '[(.hash_records // [])[] | select(.total_ms != null)] + [(.hash_tables // [])[] | select(.time_ms_bound != null)] | length' "$j")
	case "$name" in
	function_graph*)
		# What the graph trace of this boot holds, and when its tracer
		# started against the kernel's deferred-init lines.
		by="the function_graph trace"
		local fns
		fns=$(grep -v '^#' "$d/trace.txt" | grep -oE '[a-z_]+\(\)' | sort -u | sed -n 1,5p | paste -sd' ' || true)
		dn="${fns:-nothing}: $(tracer_vs_deferred "$d/dmesg.txt" function_graph)"
		ch="$(grep -v '^#' "$d/trace.txt" | grep -c 'deferred_init_memmap_chunk()' || true) chunk calls in the trace"
		ht="$(grep -v '^#' "$d/trace.txt" | grep -c 'alloc_large_system_hash()' || true) alloc_large_system_hash calls in the trace" ;;
	initcall_debug)
		# bootgraph.py draws initcalls: where the phases fall among them.
		by="bootgraph.py (log with initcall_debug)"
		dn="deferred init $(deferred_vs_initcalls "$d/dmesg.txt")"; ch=—
		ht="inside initcalls: $(hash_in_initcalls "$d/dmesg.txt") ($(grep -c 'initcall .* returned' "$d/dmesg.txt") initcalls timed)" ;;
	esac
	# Ground truth: present pages per node from this boot's /proc/zoneinfo.
	want=$(awk '/^Node/ { n = $2 + 0 } $1 == "present" { p[n] += $2 } END { for (k in p) print k ":" p[k] }' "$d/zoneinfo" | sort | paste -sd' ')
	got=$(jq -r '[.nodes[] | select(.record_pages != null) | "\(.id):\(.record_pages)"] | join(" ")' "$j")
	if [ -z "$got" ] || [ "${by#meminit}" = "$by" ]; then same="not counted"
	elif [ "$got" = "$want" ]; then same="yes ($got)"
	else same="NO: $got vs $want"; fi
	echo "| $name | $by | $entries | $dn | $ch | $ht | $same |"
}

# --- tables ------------------------------------------------------------
names=()
for c in "${conditions[@]}"; do names+=("${c%%|*}"); done
{
echo "### Disturbance per phase, under -icount ($(date -u +%F))"
echo
echo "Machine: $(nproc) host cores, QEMU $(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')," \
	"TCG -icount shift=3,sleep=off. Guest: 2 nodes × 2 GiB, 1 vCPU each; kernel 6.12.117" \
	"built by kernel-patches/build.sh (unpatched, series with CONFIG_MEMINIT_STATS=n, =y)." \
	"$runs boot(s) per condition; each cell is the mean window in ms (min..max when boots differ)" \
	"and its change against the unpatched kernel's."
echo
awk -F'|' -v order="$(IFS='|'; echo "${names[*]}")" '
	{ k = $1 SUBSEP $3; n[k]++; s[k] += $4
	  if (n[k] == 1 || $4 < lo[k]) lo[k] = $4; if (n[k] == 1 || $4 > hi[k]) hi[k] = $4
	  if (!($3 in seen)) { seen[$3] = 1; ph[++np] = $3 } }
	END {
		nc = split(order, c, "|")
		printf "| phase (printk window) |"; for (j = 1; j <= nc; j++) printf " %s |", c[j]; print ""
		printf "|---|"; for (j = 1; j <= nc; j++) printf "---|"; print ""
		for (i = 1; i <= np; i++) {
			p = ph[i]; b = c[1] SUBSEP p
			printf "| %s |", p
			for (j = 1; j <= nc; j++) {
				k = c[j] SUBSEP p
				if (!(k in n)) { printf " — |"; continue }
				m = s[k] / n[k]; cell = sprintf("%.3f", m)
				if (hi[k] - lo[k] >= 0.0005) cell = cell sprintf(" (%.3f..%.3f)", lo[k], hi[k])
				if (j > 1 && (b in n) && s[b] > 0) cell = cell sprintf(" %+.3f%%", (m - s[b] / n[b]) * 100 / (s[b] / n[b]))
				printf " %s |", cell
			}
			print ""
		}
	}' "$out/windows.txt"
echo
echo "### What each saw of these boots"
echo
echo "Boot 1 of each condition. Deferred init and hash tables as the tool times them;" \
	"struct pages per node checked against the same boot's /proc/zoneinfo (present)."
echo
echo "| condition | read by | trace entries (lost) | deferred init per node | deferred chunks on CPUs | hash tables timed | struct pages per node = zoneinfo |"
echo "|---|---|---|---|---|---|---|"
for c in "${conditions[@]}"; do
	name=${c%%|*}
	d=$out/boot-$(slug "$name")-1
	seen_row "$name" "$d"
done
} | tee "$out/section.md"

# bootgraph.py (the kernel's tools/power/pm-graph) on the initcall_debug boot:
# what a dmesg-based boot timeline reports of the same phases.
bg=${MEMINIT_CACHE:-/var/cache/meminit}/src/linux-6.12/tools/power/pm-graph/bootgraph.py
d=$out/boot-initcall-debug-1
if [ -f "$bg" ] && command -v python3 >/dev/null && [ -f "$d/dmesg.txt" ]; then
	rm -rf "$out/bootgraph"
	(cd "$out" && python3 "$bg" -dmesg "$d/dmesg.txt" -result "$out/bootgraph-result.txt" -o bootgraph \
		> "$out/bootgraph.log" 2>&1) || echo "(bootgraph.py failed: see $out/bootgraph.log)" | tee -a "$out/section.md"
fi
