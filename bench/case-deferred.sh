#!/bin/bash
# Case study (issue 15): do two upstream changes to struct page init,
# backported to Debian's 6.12 under the meminit series, do what they claim,
# and where? "mm/mm_init: simplify deferred init of struct pages" (v6.18,
# kernel-patches/experiments/deferred-simplify) and "mm: Introduce
# for_each_valid_pfn()" (v6.16, experiments/valid-pfn), two by two with
# both (experiments/simplify-valid-pfn), on a guest with a 16 GiB
# soft-reserved range that has no memory map. One 'meminit kexec' loop
# alternating five variants ABBA (base: the meminit kernel; simplify;
# valid-pfn; simplify-valid-pfn; hash: the base kernel with an eight times
# larger dentry hash, the control arm), N runs each, every boot's
# /proc/zoneinfo kept as its ground truth; then 'meminit compare' of base
# against each variant and the predictions (bench/case-deferred/
# predictions.tsv for simplify, predictions-VARIANT.tsv for the others,
# each committed before any run with it) checked against its rows. Prints the Markdown section docs/case-studies/ and
# bench/RESULTS.md are generated from; leaves the kexec directory, the
# compare tables and JSON, and the HTML A/B pages (ab-VARIANT.html) in
# build/bench/case-deferred/MODE/.
#
# bench/case-deferred.sh [--runs N] [--small] [--icount] [--summarize]
#   --runs N      runs per variant (default 10; --small: 2, the pipeline only)
#   --icount      single-threaded TCG with -icount shift=3,sleep=off: the
#                 guest's clock counts instructions, so scheduling noise of
#                 the host is gone (the padata threads then take turns)
#   --summarize   the section again from the last run's files, no boot
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
	*) echo "case-deferred.sh: unknown option $1 (--runs N, --small, --icount, --summarize)" >&2; exit 2 ;;
	esac
	shift
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] && [ "$runs" -le 50 ] ||
	{ echo "case-deferred.sh: --runs: '$runs' is not a number from 1 to 50" >&2; exit 2; }
for t in jq mkfs.ext4 qemu-system-x86_64; do
	command -v $t >/dev/null || { echo "case-deferred.sh: $t missing (make deps)" >&2; exit 1; }
done
[ -x "$top/build/meminit-static" ] && [ -x "$top/build/meminit" ] ||
	{ echo "case-deferred.sh: build/meminit not built (make)" >&2; exit 1; }
meminit=$top/build/meminit
# The variants compared with base, each with its predictions file; those
# with a kernel of their own and its experiment (kernel-patches/experiments/).
variants="simplify valid-pfn simplify-valid-pfn hash"
experiment_of() { case "$1" in simplify) echo deferred-simplify ;; hash) ;; *) echo "$1" ;; esac; }
# Every variant boots with a soft-reserved range above the guest's memory:
# memblock-reserved, no memory map, walked by reserve_bootmem_region()
# (predictions-valid-pfn.tsv).
soft_reserved="memmap=16G%0x1000000000+0xefffffff"
# The control: the guest's dentry hash is 524288 entries by default; eight
# times that moves the hash phase alone (predictions-hash.tsv).
hash_append="dhash_entries=4194304"
pred_of() { [ "$1" = simplify ] && echo "$here/case-deferred/predictions.tsv" || echo "$here/case-deferred/predictions-$1.tsv"; }
out=${MEMINIT_BENCH_OUT:-$top/build/bench}/case-deferred
mode_dir=$out/mttcg
[ $icount = 1 ] && mode_dir=$out/icount

# Guest: two nodes of unequal size. Multi-threaded TCG: one vCPU per node,
# so that each node's deferred init runs on a CPU of its own and its time is
# its own cost (case_method.py checks that in every run; with the vCPUs on
# one node, as the first runs had them, the smaller node's thread shared
# them), and the host's 2 cores are not overcommitted. -icount: one vCPU:
# every vCPU's instructions advance the one clock, so with several a
# node's time would count the others' work; with one, the nodes' deferred
# threads take turns on it, so only their span over all nodes is a cost.
nodes=2G,1G node_cpus=1,1
accel=$("$top/tests/vm/accel.sh") qargs="" mode="multi-threaded TCG ($accel)"
icount_shift=3	# 2^3 ns of the guest's clock per instruction
[ $icount = 1 ] && node_cpus=1,0 accel=tcg qargs="-icount shift=$icount_shift,sleep=off" \
	mode="single-threaded TCG, -icount shift=$icount_shift,sleep=off"

if [ $summarize_only = 1 ]; then
	[ -f "$mode_dir/params" ] || { echo "case-deferred.sh: --summarize: no earlier run in $mode_dir" >&2; exit 1; }
	# shellcheck source=/dev/null
	source "$mode_dir/params"
else
	rm -rf "$mode_dir"
	mkdir -p "$mode_dir/seed/kernels"
	base=$("$top/kernel-patches/build.sh" 2> "$mode_dir/kernel-base.log" | tail -n1) && [ -f "$base/bzImage" ] ||
		{ echo "case-deferred.sh: no meminit kernel: $(tail -n1 "$mode_dir/kernel-base.log")" >&2; exit 1; }
	series_of="base=$(wc -l < "$base/series.log")"
	kexec_args="--variant base"
	for v in $variants; do
		e=$(experiment_of "$v")
		if [ -z "$e" ]; then
			kexec_args="$kexec_args --variant $v --append $hash_append"
			continue
		fi
		k=$(MEMINIT_SERIES=$e "$top/kernel-patches/build.sh" 2> "$mode_dir/kernel-$v.log" | tail -n1) &&
			[ -f "$k/bzImage" ] ||
			{ echo "case-deferred.sh: no $e kernel: $(tail -n1 "$mode_dir/kernel-$v.log")" >&2; exit 1; }
		# The same configuration, so that the patches are the only difference.
		cmp -s "$base/config" "$k/config" ||
			{ echo "case-deferred.sh: the configs of base and $v differ ($base/config, $k/config)" >&2; exit 1; }
		cp "$k/bzImage" "$mode_dir/seed/kernels/$v"
		kexec_args="$kexec_args --variant $v --kernel /mnt/kernels/$v"
		series_of="$series_of $v=$(wc -l < "$k/series.log")"
	done
	echo "$runs" > "$mode_dir/seed/runs"
	echo "$kexec_args" > "$mode_dir/seed/kexec_args"
	mkfs.ext4 -q -F -d "$mode_dir/seed" "$mode_dir/disk.img" 128M > "$mode_dir/mkfs.log" 2>&1 ||
		{ echo "case-deferred.sh: mkfs.ext4 failed: $(tail -n1 "$mode_dir/mkfs.log")" >&2; exit 1; }
	if ! GUEST_CONFIG=$base/config MEMINIT_ACCEL=$accel "$top/tests/vm/guest.sh" --kernel "$base/bzImage" \
		--nodes $nodes --node-cpus $node_cpus --append "meminit_stats $soft_reserved" --disk "$mode_dir/disk.img" \
		${qargs:+--qemu "$qargs"} --timeout $((180 + 5 * runs * 90)) --out "$mode_dir/guest" \
		"$here/guest-case-deferred.sh" > "$mode_dir/guest.log" 2>&1; then
		echo "case-deferred.sh: the guest run failed: $(tail -n1 "$mode_dir/guest.log")" >&2
		exit 1
	fi
	{
		printf 'runs=%q small=%q hash_append=%q soft_reserved=%q\n' "$runs" "$small" "$hash_append" "$soft_reserved"
		printf 'series_of=%q\n' "$series_of"
		printf 'run_date=%q rev=%q\n' "$(date -u '+%F %H:%M')" "$(git -C "$top" rev-parse --short HEAD)"
	} > "$mode_dir/params"
fi
g=$mode_dir/guest
kx=$g/kx
n=$(find "$kx/runs" -maxdepth 1 -name 'run-*.json' | wc -l)
nv=$(( $(wc -w <<< "$variants") + 1 ))
[ "$n" = $((nv * runs)) ] || { echo "case-deferred.sh: $n of $((nv * runs)) runs collected (see $g/status.txt)" >&2; exit 1; }

# Ground truth: struct pages per node in every boot = that boot's zoneinfo present.
present() { awk '/^Node/ {n = $2 + 0} $1 == "present" {s[n] += $2} END {for (i in s) print i, s[i]}' "$1" | sort -n; }
bad_pages=0
for f in "$kx"/runs/run-*.json; do
	bid=$(jq -r .boot_id "$f")
	[ -s "$g/acc/$bid.zoneinfo" ] || { echo "case-deferred.sh: no zoneinfo saved for boot $bid" >&2; exit 1; }
	while read -r id want; do
		got=$(jq --argjson id "$id" '[.report.nodes[] | select(.id == $id) | .record_pages] | first // 0' "$f")
		[ "$got" = "$want" ] || { bad_pages=$((bad_pages + 1)); echo "    $(basename "$f") node $id: records $got, zoneinfo $want" >&2; }
	done < <(present "$g/acc/$bid.zoneinfo")
done
[ $bad_pages = 0 ] || { echo "case-deferred.sh: struct pages per node differ from zoneinfo in $bad_pages (run, node) pairs" >&2; exit 1; }

for v in $variants; do
	"$meminit" compare --format json "$kx:base" "$kx:$v" > "$mode_dir/compare-$v.json"
	"$meminit" compare "$kx:base" "$kx:$v" > "$mode_dir/compare-$v.txt"
done
"$meminit" stats "$kx" > "$mode_dir/stats.txt"
# The method's checks (issue 28): the control arm's floor, states across
# boots, shared CPUs; method.json feeds the predictions below.
python3 "$here/case_method.py" "$mode_dir" "$(tr ' ' , <<< "$variants")" \
	$([ $icount = 1 ] && echo --icount-shift "$icount_shift") > "$mode_dir/method.md" ||
	{ echo "case-deferred.sh: case_method.py failed" >&2; exit 1; }
for v in $variants; do
	"$meminit" export --format html --from "$kx:base" --compare "$kx:$v" --output "$mode_dir/ab-$v.html"
done

# Per run and node: variant chunk_records init_ms free_ms pages (the
# deferred phase of the records), for the chunk prediction and the split.
for f in "$kx"/runs/run-*.json; do
	jq -r '.variant as $v | .report.phases[] | select(.phase == "deferred" and .node != null)
		| "\($v) \(.node) \(.records) \(.init_ms // "nan") \(.free_ms // "nan") \(.pages)"' "$f"
done > "$mode_dir/chunks.txt"
med() { sort -g | awk '{v[NR] = $1} END {if (!NR) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
col() { awk -v v="$1" -v n="$2" -v c="$3" '$1 == v && $2 == n {print $c}' "$mode_dir/chunks.txt" | med; }

# The predictions against the rows.
check() {	# variant metric node expect -> "measured<TAB>outcome"
	local var=$1 m=$2 nd=$3 ex=$4 row v lo hi bound verdict a b lvl
	if [ "${ex%%:*}" = chunks ]; then
		a=$(col base "$nd" 3) b=$(col "$var" "$nd" 3)
		printf '%s -> %s chunk records (median)\t%s\n' "$a" "$b" \
			"$(awk -v a="$a" -v b="$b" 'BEGIN {print (b < a) ? "held" : "did not hold"}')"
		return
	fi
	row=$(jq -c --arg m "$m" --arg nd "$nd" '[.metrics[] | select(.phase == $m and .cpu == null and
		((.node | tostring) == $nd or ($nd == "-" and .node == null)))] | first // empty' "$mode_dir/compare-$var.json")
	[ -n "$row" ] || { printf 'no such row\tnot measured\n'; return; }
	read -r v lo hi bound verdict lvl <<< "$(jq -r 'if (.median_a_ms // 0) == 0 then "nan nan nan -100 no_median 0" else
		[(.relative * 100 | tostring), (.shift_ci_ms[0] / .median_a_ms * 100 | tostring),
		(.shift_ci_ms[1] / .median_a_ms * 100 | tostring), ((.no_change_beyond // -1) * 100 | tostring),
		(.verdict | gsub(" "; "_")), (.shift_ci_level * 100 | tostring)] | join(" ") end' <<< "$row")"
	local meas fl wlo whi
	# The control arm's floor for this phase (case_method.py): the interval
	# is widened by it on both sides. The control's own predictions are
	# read against its raw interval (it calibrates the floor).
	fl=0
	[ "$var" = hash ] || fl=$(jq -r --arg m "$m" --arg nd "$nd" '[.floors[] | select(.phase == $m and
		((.node | tostring) == $nd or ($nd == "-" and .node == null))) | .floor_pct] | first // 0' \
		"$mode_dir/method.json")
	read -r wlo whi <<< "$(awk -v lo="$lo" -v hi="$hi" -v f="$fl" 'BEGIN {print lo - f, hi + f}')"
	# The interval's own level where the runs are too few for 95%.
	meas=$(awk -v v="$v" -v lo="$lo" -v hi="$hi" -v vd="$verdict" -v l="$lvl" -v f="$fl" 'BEGIN {
		gsub("_", " ", vd); printf "%+.1f%% [%+.1f%%, %+.1f%%]%s, %s%s", v, lo, hi,
		(l < 94.999) ? sprintf(" at %.0f%%", l) : "", vd,
		(f > 0) ? sprintf("; floor %.2f%%: [%+.1f%%, %+.1f%%]", f, lo - f, hi + f) : "" }')
	case "$ex" in
	*) [ "$verdict" = too_few_runs ] && { printf '%s\t%s\n' "$meas" "not decided at this n (under 4 runs a side)"; return; } ;;
	esac
	# From the widened interval: held, did not hold, or not decided (it
	# reaches across the predicted bound or into the control's floor).
	o=$(awk -v ex="$ex" -v lo="$wlo" -v hi="$whi" -v f="$fl" 'BEGIN {
		within = (f > 0) ? " or the control'"'"'s floor" : ""
		if (ex == "faster") o = (hi < 0) ? "held" : (lo > 0) ? "did not hold" : "not decided at this n" within
		else if (ex == "slower") o = (lo > 0) ? "held" : (hi < 0) ? "did not hold" : "not decided at this n" within
		else if (ex == "not-slower") o = (lo > 0) ? "did not hold" : "held"
		else if (ex ~ /^unchanged:/) { p = substr(ex, 11) + 0
			if (lo >= -p && hi <= p) o = "held"
			else if (lo > p || hi < -p) o = "did not hold"
			else o = sprintf("not decided at this n (the interval reaches %.1f%%)", (-lo > hi) ? -lo : hi) }
		else o = "unknown expectation '"'"'" ex "'"'"'"
		print o }')
	printf '%s\t%s\n' "$meas" "$o"
}
for var in $variants; do
	: > "$mode_dir/predictions-$var.out"
	while IFS=$'\t' read -r m nd ex why; do
		case "$m" in ''|'#'*|metric) continue ;; esac
		IFS=$'\t' read -r meas o <<< "$(check "$var" "$m" "$nd" "$ex")"
		printf '%s\t%s\t%s\t%s\t%s\n' "$m" "$nd" "$ex" "$meas" "$o" >> "$mode_dir/predictions-$var.out"
	done < "$(pred_of "$var")"
done

# shellcheck source=/dev/null
source "$mode_dir/params"
kver=$(jq -r .report.kernel "$kx/runs/run-0000.json")
fails=$(find "$kx/failures" -maxdepth 1 -name '*.json' 2>/dev/null | wc -l)
label=mttcg
[ $icount = 1 ] && label=icount
echo "## Case study: struct page init changes of v6.16 and v6.18 on 6.12, $label"
echo
# --summarize with another meminit than the runs': the tables below are
# that one's (compare, stats, case_method.py), and the section says so.
now_rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null)
git -C "$top" diff --quiet HEAD -- cli bench/case-deferred.sh bench/case_method.py 2>/dev/null || now_rev="$now_rev+dirty"
analysed=""
[ "$now_rev" = "$rev" ] || analysed=" (the runs; their tables analysed by meminit at $now_rev)"
echo "meminit at $rev, $run_date UTC$analysed; kernel $kver. Variants (patches in the series): base = the"
echo "meminit series; simplify, valid-pfn, simplify-valid-pfn = kernel-patches/experiments/"
echo "deferred-simplify, valid-pfn, simplify-valid-pfn, the same configuration ($series_of);"
echo "hash = base with \`$hash_append\` (the control arm). Every boot: \`$soft_reserved\`. Guest:"
echo "nodes $nodes, vCPUs $node_cpus, $mode; one \`meminit kexec\` loop of $runs runs per variant"
echo "alternated ABBA, $n collected, $fails failed attempts. Struct pages per node = /proc/zoneinfo"
echo "present in all $n boots, every variant."
for var in $variants; do
	pred=$(pred_of "$var")
	pred_rev=$(git -C "$top" log -1 --format='%h, %cd' --date=format:'%F %H:%M' -- "$pred" 2>/dev/null || echo "?")
	echo
	echo "### base against $var"
	echo
	echo "Predictions ($(realpath --relative-to="$top" "$pred"), committed $pred_rev, before the"
	echo "first run with them):"
	echo
	echo "| metric | node | predicted | measured ($var vs base, 95% interval) | outcome |"
	echo "|---|---|---|---|---|"
	awk -F'\t' '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}' "$mode_dir/predictions-$var.out"
	echo
	echo "\`meminit compare --detect 5 DIR:base DIR:$var\`, per node and phase (ms; bound: no change"
	echo "beyond it at the interval's level; runs: per variant to find a 5% shift with 80% power):"
	echo
	echo "| phase | node | median base | median $var | shift [95% interval] | change | p | verdict | bound | runs | s/TiB | ns/page |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
	jq -r 'def r(d): . * d | round / d;
		.metrics[] | select(.cpu == null and .median_a_ms != null and .median_b_ms != null) |
		"| \(.phase) | \(.node // "-") | \(.median_a_ms | r(1000)) | \(.median_b_ms | r(1000)) | \(.shift_ms | r(1000)) [\(.shift_ci_ms[0] | r(1000)), \(.shift_ci_ms[1] | r(1000))] | \((.relative // 0) * 100 | r(10))% | \(.p | r(10000)) | \(.verdict) | \(if .no_change_beyond then "+-\(.no_change_beyond * 100 | r(10))%" else "-" end) | \(.runs_to_detect // "-") | \(if .s_per_tib_a then "\(.s_per_tib_a | r(100)) -> \(.s_per_tib_b | r(100))" else "-" end) | \(if .ns_per_page_a then "\(.ns_per_page_a | r(100)) -> \(.ns_per_page_b | r(100))" else "-" end) |"' \
		"$mode_dir/compare-$var.json"
done
echo
echo "Deferred init per node, from the records (medians over the runs): chunk records, and the"
echo "chunks' time initializing struct pages and freeing them to the buddy allocator:"
echo
echo "| node | variant | chunk records | init (ms) | free (ms) | pages |"
echo "|---|---|---|---|---|---|"
for nd in $(awk '{print $2}' "$mode_dir/chunks.txt" | sort -un); do
	for v in base $variants; do
		echo "| $nd | $v | $(col "$v" "$nd" 3) | $(col "$v" "$nd" 4) | $(col "$v" "$nd" 5) | $(col "$v" "$nd" 6) |"
	done
done
echo
cat "$mode_dir/method.md"
echo "The loop, from its run files (\`meminit kexec --status\`; cycle: one boot of the loop on the"
echo "wall clock, the loop's span per boot; clocked: the part of it the kernels' own clocks see):"
echo
echo '```'
"$meminit" kexec --status "$kx" | sed -e 1d -e '/^  state:/d'
echo '```'
echo
echo "Commands: \`bench/case-deferred.sh --runs $runs$([ $icount = 1 ] && echo ' --icount')\`; the A/B pages:"
echo "\`meminit export --format html --from DIR:base --compare DIR:VARIANT\`; the tables:"
echo "\`meminit compare DIR:base DIR:VARIANT\`; the loop: \`meminit kexec --status DIR\`."
