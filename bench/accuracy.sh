#!/bin/bash
# Accuracy of the patched kernel's boot records as 'meminit kexec' collects
# them: N kexec boots of one multi-node guest (bench/guest-accuracy.sh), and
# for every boot the kernel's own figures of the same boot:
#   - deferred init per node: the record's wall time against the kernel's
#     "node N deferred pages initialised in Mms" line (jiffies);
#   - struct pages per node: the records against /proc/zoneinfo present
#     (must be exact, every boot);
#   - the spread of each phase over the boots (median, sd, coefficient of
#     variation), computed here from the run files and cross-checked with
#     'meminit stats' (which has no hash allocation/zeroing split).
#
# bench/accuracy.sh [--runs N] [--small] [--icount]
#   --runs N   kexec boots (default 10; --small: 2)
#   --icount   single-threaded TCG with -icount shift=3,sleep=off (deterministic
#              guest clock) instead of the usual multi-threaded TCG
#   --summarize  the tables again from the raw files of the last run (of the
#              same mode), no boot
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
runs=10 small=0 icount=0 summarize_only=0
while [ $# -gt 0 ]; do
	case "$1" in
	--small) small=1 runs=2 ;;
	--runs) runs=${2:?--runs N}; shift ;;
	--icount) icount=1 ;;
	--summarize) summarize_only=1 ;;
	*) echo "accuracy.sh: unknown option $1 (--runs N, --small, --icount, --summarize)" >&2; exit 2 ;;
	esac
	shift
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] && [ "$runs" -le 100 ] ||
	{ echo "accuracy.sh: --runs: '$runs' is not a number from 1 to 100" >&2; exit 2; }
for t in jq mkfs.ext4 qemu-system-x86_64; do
	command -v $t >/dev/null || { echo "accuracy.sh: $t missing (make deps)" >&2; exit 1; }
done
[ -x "$top/build/meminit-static" ] && [ -x "$top/build/meminit" ] ||
	{ echo "accuracy.sh: build/meminit not built (make)" >&2; exit 1; }
# Raw files per mode (build/bench/accuracy/mttcg or icount), so that an
# -icount run leaves the usual one in place; section.md of the latest above.
base=${MEMINIT_BENCH_OUT:-$top/build/bench}/accuracy
out=$base/mttcg
[ $icount = 1 ] && out=$base/icount
if [ $summarize_only = 1 ]; then
	[ -f "$out/params" ] || { echo "accuracy.sh: --summarize: no earlier run in $out" >&2; exit 1; }
	# shellcheck source=/dev/null
	source "$out/params"
else
	rm -rf "$out"
	mkdir -p "$out/seed"
fi
kdir=$("$top/kernel-patches/build.sh" 2> "$out/kernel.log" | tail -n1) && [ -f "$kdir/bzImage" ] ||
	{ echo "accuracy.sh: no patched kernel: $(tail -n1 "$out/kernel.log")" >&2; exit 1; }
hz=$(sed -n 's/^CONFIG_HZ=//p' "$kdir/config")
jiffy_ms=$(awk -v hz="$hz" 'BEGIN {printf "%g", 1000 / hz}')

# Two nodes of 2 GiB with 2 vCPUs each (deferred init runs in parallel
# chunks) and a memoryless node with one vCPU.
nodes=2G,2G,0 node_cpus=2,2,1
accel=$("$top/tests/vm/accel.sh") qargs="" mode="multi-threaded TCG ($accel)"
[ $icount = 1 ] && accel=tcg qargs="-icount shift=3,sleep=off" mode="single-threaded TCG, -icount shift=3,sleep=off"
if [ $summarize_only = 0 ]; then
	echo "$runs" > "$out/seed/runs"
	mkfs.ext4 -q -F -d "$out/seed" "$out/disk.img" 64M > "$out/mkfs.log" 2>&1 ||
		{ echo "accuracy.sh: mkfs.ext4 failed: $(tail -n1 "$out/mkfs.log")" >&2; exit 1; }
	if ! GUEST_CONFIG=$kdir/config MEMINIT_ACCEL=$accel "$top/tests/vm/guest.sh" --kernel "$kdir/bzImage" \
		--nodes $nodes --node-cpus $node_cpus --append meminit_stats --disk "$out/disk.img" \
		${qargs:+--qemu "$qargs"} --timeout $((120 + runs * 60)) --out "$out/guest" \
		"$here/guest-accuracy.sh" > "$out/guest.log" 2>&1; then
		echo "accuracy.sh: the guest run failed: $(tail -n1 "$out/guest.log")" >&2
		exit 1
	fi
	echo "runs=$runs small=$small" > "$out/params"
fi
g=$out/guest
n=$(find "$g/runs" -maxdepth 1 -name 'run-*.json' | wc -l)
[ "$n" = "$runs" ] || { echo "accuracy.sh: $n of $runs runs collected (see $g/status.txt)" >&2; exit 1; }

# Per boot and node: run node record_ms kernel_ms record_pages zoneinfo_present
# report_kernel_ms same_layout cold_present (the cold boot's present pages).
present() {
	awk '/^Node/ {n = $2 + 0; seen[n] = 1} $1 == "present" {s[n] += $2}
	     END {for (i in seen) print i, s[i] + 0}' "$1" | sort -n
}
[ -s "$g/acc/cold.zoneinfo" ] && [ -s "$g/acc/cold.nodes" ] ||
	{ echo "accuracy.sh: the cold boot's zoneinfo and node layout are missing" >&2; exit 1; }
present "$g/acc/cold.zoneinfo" > "$out/cold-present.txt"
: > "$out/per-node.txt"
for f in "$g"/runs/run-*.json; do
	run=$(jq -r .run "$f") bid=$(jq -r .boot_id "$f")
	a=$g/acc/$bid
	for x in dmesg zoneinfo nodes; do
		[ -s "$a.$x" ] || { echo "accuracy.sh: run $run: no $x saved for boot $bid" >&2; exit 1; }
	done
	same=no
	cmp -s "$a.nodes" "$g/acc/cold.nodes" && same=yes
	present "$a.zoneinfo" > "$out/zi.tmp"
	sed -n 's/.*node \([0-9]*\) deferred pages initialised in \([0-9]*\)ms.*/\1 \2/p' "$a.dmesg" > "$out/kl.tmp"
	while read -r id present; do
		km=$(awk -v id="$id" '$1 == id {print $2}' "$out/kl.tmp")
		cp=$(awk -v id="$id" '$1 == id {print $2}' "$out/cold-present.txt")
		jq -r --argjson id "$id" --arg run "$run" --arg km "${km:-nan}" --arg zp "$present" --arg same "$same" \
			--arg cp "${cp:-nan}" '
			([.report.phases[] | select(.phase == "deferred" and .node == $id) | .wall_ms] | first // "nan") as $w
			| ([.report.nodes[] | select(.id == $id) | .record_pages] | first // 0) as $p
			| ([.report.nodes[] | select(.id == $id) | .deferred_init_ms] | first // "nan") as $rk
			| ([(.report.notes // [])[] | select(test("^node \($id): the kernel.s deferred-init line says"))]
			   | if length > 0 then "yes" else "no" end) as $lag
			| "\($run) \($id) \($w) \($km) \($p) \($zp) \($rk) \($same) \($cp) \($lag)"' "$f" >> "$out/per-node.txt"
	done < "$out/zi.tmp"
done
rm -f "$out/zi.tmp" "$out/kl.tmp"

# The early clock of each boot: when the kernel's fast TSC calibration fails
# (PIT too slow under a loaded TCG host), sched_clock runs on jiffies, which do
# not advance before interrupts are on, until tsc-early is registered (the
# printk time then restarts near 0): every record taken before reads 0 ns.
# Such a boot's zeros are not measurements and stay out of the spread.
: > "$out/early-clock.txt"
for f in "$g"/runs/run-*.json; do
	bid=$(jq -r .boot_id "$f")
	if grep -q 'Fast TSC calibration failed' "$g/acc/$bid.dmesg"; then c=jiffies; else c=tsc; fi
	echo "$(jq -r .run "$f") $c" >> "$out/early-clock.txt"
done
nj=$(grep -c ' jiffies$' "$out/early-clock.txt" || true)

# Every phase's value per boot: metric<TAB>ms. Phases per node, hash tables
# (total, allocation, zeroing) and the boot up to the hook.
# A value of exactly 0 ns is a clock that did not advance, not a phase that
# took no time: the jiffies clock above, or local_clock before
# sched_clock_init_late() (late_initcall, "sched_clock: Marking stable"),
# which is clamped per CPU to the last tick + 1 tick and stalls there when
# ticks come late (TCG on a loaded host). Zeros go to zeros.txt, not the spread.
: > "$out/zeros.txt"
for f in "$g"/runs/run-*.json; do
	run=$(jq -r .run "$f")
	jq -r '.boot_to_hook_s as $b | .report |
		(.phases[] | select(.wall_ms != null) | "\(.phase) node \(.node)\t\(.wall_ms)"),
		(.hash_records[] | ("hash \(.name) total\t\(.total_ms)",
			(select(.alloc_ms != null) | "hash \(.name) alloc\t\(.alloc_ms)"),
			(select(.zero_ms != null) | "hash \(.name) zero\t\(.zero_ms)"))),
		"boot: kernel start to hook\t\($b * 1000)"' "$f" |
		awk -F'\t' -v run="$run" -v z="$out/zeros.txt" '$2 + 0 == 0 {print run "\t" $1 >> z; next} {print}'
done > "$out/values.tsv"
# metric n median mean sd cv_pct min max rcv_pct (sd with n - 1; rcv: 1.4826 MAD / median)
awk -F'\t' '{k = $1; if (!(k in n)) ord[++m] = k; v[k, ++n[k]] = $2 + 0}
	END {
		for (q = 1; q <= m; q++) { k = ord[q]; c = n[k]; s = 0
			for (i = 1; i <= c; i++) { x[i] = v[k, i]; s += x[i] }
			for (i = 2; i <= c; i++) { y = x[i]; for (j = i - 1; j >= 1 && x[j] > y; j--) x[j + 1] = x[j]; x[j + 1] = y }
			mean = s / c; ss = 0
			for (i = 1; i <= c; i++) ss += (x[i] - mean) ^ 2
			sd = c > 1 ? sqrt(ss / (c - 1)) : 0
			med = c % 2 ? x[(c + 1) / 2] : (x[c / 2] + x[c / 2 + 1]) / 2
			for (i = 1; i <= c; i++) { a[i] = x[i] - med; if (a[i] < 0) a[i] = -a[i] }
			for (i = 2; i <= c; i++) { y = a[i]; for (j = i - 1; j >= 1 && a[j] > y; j--) a[j + 1] = a[j]; a[j + 1] = y }
			mad = c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
			printf "%s\t%d\t%.6f\t%.6f\t%.6f\t%.2f\t%.6f\t%.6f\t%.2f\n", k, c, med, mean, sd,
				(mean > 0 ? 100 * sd / mean : 0), x[1], x[c], (med > 0 ? 100 * 1.4826 * mad / med : 0)
		}
	}' "$out/values.tsv" > "$out/spread.tsv"

# meminit stats over the same runs (the guest's loop directory as copied
# out): its per-node phase medians and sd must be ours, on the boots whose
# early clock ran (meminit stats keeps the zeros of the others).
stats_ok=no
if "$top/build/meminit" stats --format json "$g" > "$out/stats.json" 2> "$out/stats.err"; then
	jq -r '.variants[0].metrics[] | select(.node != null and .cpu == null) |
		"\(.phase) node \(.node)\t\(.median_ms)\t\(.sd_ms)\t\(.n)"' "$out/stats.json" > "$out/stats-phases.tsv"
	# Only where both have the same samples (stats keeps a jiffies boot's zeros).
	stats_ok=$(awk -F'\t' 'NR == FNR {m[$1] = $3; s[$1] = $5; n[$1] = $2; next}
		($1 in m) && n[$1] == $4 {c++; d = $2 - m[$1]; e = $3 - s[$1]; if (d * d > 1e-12 || e * e > 1e-12) bad++}
		END {print (c > 0 && !bad) ? "yes (" c " per-node phases: same median and sd)" : "no"}' \
		"$out/spread.tsv" "$out/stats-phases.tsv")
fi
echo "$stats_ok" > "$out/stats-agree.txt"

# Summary per node: boots, median record ms, median kernel ms, max |diff| ms
# and jiffies, pages exact in how many boots, report's kernel line = dmesg's.
awk -v j="$jiffy_ms" '{ id = $2; b[id]++
	if ($3 != "nan" && $4 != "nan") { d = $3 - $4; if (d < 0) d = -d; if (d > md[id]) md[id] = d; nd[id]++
		r[id, nd[id]] = $3; k[id, nd[id]] = $4 }
	if ($5 == $6) ex[id]++
	if ($4 == $7 || ($4 == "nan" && $7 == "nan")) kl[id]++
	if ($8 == "yes") ly[id]++
	pg[id] = $6 }
	function med(arr, id, c,   i, jj, x, y) { for (i = 1; i <= c; i++) x[i] = arr[id, i]
		for (i = 2; i <= c; i++) { y = x[i]; for (jj = i - 1; jj >= 1 && x[jj] > y; jj--) x[jj + 1] = x[jj]; x[jj + 1] = y }
		return c % 2 ? x[(c + 1) / 2] : (x[c / 2] + x[c / 2 + 1]) / 2 }
	END { for (id in b) {
		if (nd[id]) printf "%d %d %d %.3f %.1f %.3f %.2f %d %d %d %d\n", id, b[id], nd[id], med(r, id, nd[id]), med(k, id, nd[id]), md[id], md[id] / j, ex[id], pg[id], kl[id], ly[id]
		else printf "%d %d 0 nan nan nan nan %d %d %d %d\n", id, b[id], ex[id], pg[id], kl[id], ly[id] } }' \
	"$out/per-node.txt" | sort -n > "$out/nodes.txt"

mem=$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)
qv=$(qemu-system-x86_64 --version | sed -n 1p | sed 's/.*version \([0-9.]*\).*/\1/')
kver=$(jq -r .report.kernel "$g/runs/run-0000.json")
# When sched_clock turned stable in these boots: the median stamp of that
# line over the saved dmesgs.
stable_at=$(sed -n 's/^\[ *\([0-9.]*\)\] sched_clock: Marking stable.*/\1/p' "$g"/acc/*.dmesg | sort -n |
	awk '{ v[NR] = $1 } END { if (NR) printf "at %.2f s, median of %d boots", v[int((NR + 1) / 2)], NR; else print "a line these boots did not print" }')
{
	echo "## Accuracy of the boot records over kexec repeats (\`bench/accuracy.sh$([ $small = 1 ] && echo " --small")$([ $icount = 1 ] && echo " --icount")\`)"
	echo
	echo "$(date -u +%Y-%m-%d), $(nproc) CPUs / $mem GiB host, QEMU $qv, $mode; kernel: patched $kver"
	echo "(kernel-patches/, HZ=$hz, so 1 jiffy = $jiffy_ms ms) with meminit_stats; guest: nodes $nodes"
	echo "(0 = memoryless), vCPUs $node_cpus; $runs \`meminit kexec\` boots of one guest, each collected"
	echo "from its boot records, with the same boot's dmesg and /proc/zoneinfo saved beside it."
	echo
	echo "| node | boots | deferred init, records (median ms) | kernel line (median ms) | max \\|records - line\\| (ms) | in jiffies | struct pages = zoneinfo present | pages |"
	echo "|---|---|---|---|---|---|---|---|"
	while read -r id b nd rm km md mj ex pg _ _; do
		if [ "$nd" = 0 ]; then
			echo "| $id | $b | - (no deferred init: memoryless) | - | - | - | $ex of $b | $pg |"
		else
			echo "| $id | $b | $rm | $km | $md | $mj | $ex of $b | $pg |"
		fi
	done < "$out/nodes.txt"
	echo
	echo "Same NUMA layout as the cold boot (nodes, their CPUs and memory blocks): $(awk '$8 == "yes" {print $1}' "$out/per-node.txt" | sort -u | wc -l)"
	echo "of $runs kexec boots; same present pages on every node as the cold boot: $(awk '{b[$1]; if ($6 != $9) bad[$1]} END {for (r in b) if (!(r in bad)) c++; print c + 0}' "$out/per-node.txt") of $runs."
	echo "Clock: $nj of $runs boots had the kernel's fast TSC calibration fail, so sched_clock"
	echo "ran on jiffies until tsc-early and their early records (vmemmap, early memmap, holes,"
	echo "reserved, early free) read 0 ns. Before sched_clock_init_late() (\"sched_clock: Marking"
	echo "stable\", $stable_at) local_clock is clamped to the last tick + 1 tick and"
	echo "stalls when ticks come late, so a short phase can read 0 ns there too. Values of exactly"
	if [ -s "$out/zeros.txt" ]; then
		echo "0 are not measurements: $(wc -l < "$out/zeros.txt") left out of the spread (runs $(cut -f1 "$out/zeros.txt" | sort -un | tr '\n' ' ' | sed 's/ $//'); list in zeros.txt)."
	else
		echo "0 would not be measurements: none in these boots."
	fi
	echo "The kernel's line is whole jiffies (jiffies_to_msecs of a jiffies difference), so"
	echo "it differs from a nanosecond-timed window by up to a jiffy of rounding, and by more"
	echo "where a tick was handled late (jiffies lags local_clock until the next tick catches"
	echo "up): here at most $(awk '$3 != 0 { if ($7 + 0 > m) m = $7 + 0 } END { printf "%.2f", m }' "$out/nodes.txt") jiffies;"
	echo "meminit's report named $(awk '$10 == "yes"' "$out/per-node.txt" | wc -l) of $(awk '$3 != "nan" && $4 != "nan"' "$out/per-node.txt" | wc -l) node lines as short of the records by more than 2 jiffies (the tick fell behind)."
	echo
	echo "Spread over the $runs boots (ms; sd with n - 1; CV = sd / mean; the per-node phases"
	echo "agree with \`meminit stats\`: $stats_ok):"
	echo
	echo "| phase | n | median (ms) | sd (ms) | CV | robust CV (1.4826 MAD / median) | min..max (ms) |"
	echo "|---|---|---|---|---|---|---|"
	awk -F'\t' '$3 >= 0.1 || $1 ~ /^(deferred|memmap_early|boot)/ {
		printf "| %s | %d | %.3f | %.3f | %.1f%% | %.1f%% | %.3f..%.3f |\n", $1, $2, $3, $5, $6, $9, $7, $8 }' "$out/spread.tsv"
	echo
	echo "(Phases and tables under 0.1 ms are left out of this table; all are in"
	echo "${out#$top/}/spread.tsv.)"
	if [ $icount = 1 ]; then
		echo "Under -icount the guest clock counts instructions: what one CPU does alone before"
		echo "SMP (early memmap, hash tables) repeats almost exactly; deferred init runs on the"
		echo "vCPUs of each node, which single-threaded TCG runs in turn, with device and timer"
		echo "events still tied to the host, so it varies from boot to boot even here."
	else
		echo "TCG timing is noisy: the 2 host cores are shared with other QEMU runs, and"
		echo "multi-threaded TCG maps vCPUs onto them as the host schedules; the robust CV"
		echo "(median absolute deviation) is less swayed by the boots a host burst hit."
	fi
} > "$out/section.md"
cp "$out/section.md" "$base/section.md"
cat "$out/section.md"
