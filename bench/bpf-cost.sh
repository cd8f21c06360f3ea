#!/bin/bash
# bench/bpf-cost.sh [--small]: what each of meminit's BPF programs costs per
# event, from the kernel's own counters (bpf_prog_info run_cnt and
# run_time_ns, meminit --bpf-stats), in real kernels under QEMU:
#  - stock Debian 6.12, 2 nodes and a 1 GiB pc-dimm left offline on node 1:
#    'meminit hotplug --bpf-stats' onlines it with fentry/fexit on
#    online_pages, move_pfn_range_to_zone and memmap_init_range, then
#    offlines and re-onlines it with kprobe/kretprobe (--cycle --attach kprobe);
#  - the patched 6.12 (kernel-patches/build.sh, cached), booted with
#    meminit_stats and the same DIMM: 'meminit report --via bpf' with
#    MEMINIT_BPF_STATS=1 (tp_btf on meminit:meminit_replay, one run per boot
#    record), and 'meminit trace --bpf-stats' beside a hotplug run
#    (tp_btf on meminit:meminit_record).
# QEMU runs single-threaded TCG with -icount shift=3,sleep=off: the guest
# clock, and with it run_time_ns, counts guest instructions (8 ns each), so
# the figures are deterministic emulated time, not hardware time. They are
# also given as a ratio to the time meminit measured for the same call.
# --small: the stock boot only. Raw outputs in build/bench/bpf-cost/, the
# Markdown section on stdout and in build/bench/bpf-cost/section.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
small=0
case "${1:-}" in
--small) small=1 ;;
"") ;;
*) echo "usage: bench/bpf-cost.sh [--small]" >&2; exit 2 ;;
esac
out=${MEMINIT_BENCH_OUT:-$top/build/bench}/bpf-cost
rm -rf "$out"
mkdir -p "$out"
# No VM here: say so in the section (tests/vm/test_bench_bpf_cost.sh checks
# these first, and fails on a section that says so).
novm() {
	{
		echo "## BPF per-event cost"
		echo
		echo "Not measured: $1."
	} | tee "$out/section.md"
	echo "$1" > "$out/skipped"
	exit 0
}
[ "$(id -u)" = 0 ] || novm "needs root (QEMU and the kernel cache)"
command -v qemu-system-x86_64 >/dev/null && [ -x /bin/busybox ] ||
	novm "qemu-system-x86_64 or busybox-static missing (make deps)"
command -v jq >/dev/null || novm "jq missing (make deps)"
[ -x "$top/build/meminit-static" ] || { echo "bpf-cost.sh: build meminit first (make)" >&2; exit 3; }

DIMM_QEMU="-object memory-backend-ram,id=dimm1,size=1G -device pc-dimm,id=d1,memdev=dimm1,node=1"
ICOUNT="-icount shift=3,sleep=off"

# boot NAME KERNEL MODE APPEND [env...]: one guest, its /out in $out/NAME.
boot() {
	local name=$1 kernel=$2 mode=$3 append=$4 d=$out/$1
	shift 4
	mkdir -p "$d"
	{ echo "MODE=$mode"; cat "$top/bench/guest-bpf-cost.sh"; } > "$d/guest-script.sh"
	if ! env MEMINIT_ACCEL=tcg "$@" "$top/tests/vm/guest.sh" --kernel "$kernel" \
		--nodes 2G,1G --node-cpus 1,1 --maxmem 8G \
		--append "memhp_default_state=offline $append" --qemu "$ICOUNT $DIMM_QEMU" \
		--timeout 900 --out "$d" "$d/guest-script.sh" > "$d/guest.log" 2>&1; then
		echo "bpf-cost.sh: the $name guest failed: $(tail -n1 "$d/guest.log")" >&2
		exit 1
	fi
}

# programs.tsv: kernel verb program attach runs count bpf_ns_per_run
# call_ns pages_per_call (count and call_ns: what meminit itself measured for
# the call the program is attached to; "-" where there is none).
tsv=$out/programs.tsv
: > "$tsv"
# A hotplug JSON: each program beside its function's calls, ns and pages
# summed over the steps.
hotplug_rows() {
	local kernel=$1 verb=$2 j=$3
	jq -r --arg k "$kernel" --arg v "$verb" '
		([.steps[].phases[]] | group_by(.phase) |
		 map({key: .[0].phase, value: {calls: (map(.calls) | add),
			ns: (map(.ns) | add), pages: (map(.pages) | add)}}) | from_entries) as $ph
		| .bpf_stats.programs[] | select(.run_cnt > 0)
		| (.attach | split("/")[1]) as $f | ($ph[$f] // null) as $m
		| [$k, $v, .program, .attach, .run_cnt,
		   (if $m then $m.calls else "-" end), .ns_per_run,
		   (if $m and $m.calls > 0 then $m.ns / $m.calls else "-" end),
		   (if $m and $m.calls > 0 then $m.pages / $m.calls else "-" end)] | @tsv' "$j" >> "$tsv"
}
check_rc() {
	[ "$(cat "$1.rc" 2>/dev/null)" = 0 ] ||
		{ echo "bpf-cost.sh: $1: exit $(cat "$1.rc" 2>/dev/null): $(head -c 300 "$1.err")" >&2; exit 1; }
}

boot stock 6.12 stock ""
d=$out/stock
k="6.12 stock ($(cat "$d/kernel.txt"))"
check_rc "$d/hotplug"
check_rc "$d/kprobe"
hotplug_rows "$k" "hotplug" "$d/hotplug.out"
hotplug_rows "$k" "hotplug --cycle --attach kprobe" "$d/kprobe.out"

if [ $small = 0 ]; then
	if ! kdir=$("$top/kernel-patches/build.sh" 2> "$out/kernel-build.log" | tail -n1) ||
		[ ! -f "$kdir/bzImage" ]; then
		echo "bpf-cost.sh: no patched kernel: $(tail -n2 "$out/kernel-build.log")" >&2
		exit 1
	fi
	boot patched "$kdir/bzImage" patched meminit_stats GUEST_CONFIG="$kdir/config"
	d=$out/patched
	k="6.12 patched ($(cat "$d/kernel.txt"))"
	check_rc "$d/replay"
	check_rc "$d/hotplug"
	check_rc "$d/trace"
	# The replay: one run per record; meminit counted what the buffer delivered.
	delivered=$(sed -n 's/^meminit: replay delivered \([0-9]*\) records.*/\1/p' "$d/replay.err")
	awk -v k="$k" -v n="${delivered:--}" '$1 == "meminit:" && $2 == "on_replay" {
		printf "%s\treport --via bpf\t%s\t%s\t%s\t%s\t%s\t-\t-\n", k, $2, $3, $4, n, $6 }' \
		"$d/replay.err" >> "$tsv"
	hotplug_rows "$k" "hotplug" "$d/hotplug.out"
	# trace beside it: its live programs against its per-node totals, and
	# meminit:meminit_record, one run per record, each record the kernel's
	# own time of one hotplug memmap init.
	jq -r --arg k "$k" '
		([.records.rows[]?] | {calls: (map(.records) | add // 0), ns: (map(.ns) | add // 0),
		  pages: (map(.pages) | add // 0)}) as $r
		| ([.totals[]] | group_by(.phase) |
		   map({key: .[0].phase, value: {calls: (map(.calls) | add),
			ns: (map(.ns) | add), pages: (map(.pages) | add)}}) | from_entries) as $ph
		| .bpf_stats.programs[] | select(.run_cnt > 0)
		| (if (.attach | startswith("tp_btf/")) then $r
		   else ($ph[.attach | split("/")[1]] // null) end) as $m
		| [$k, "trace", .program, .attach, .run_cnt,
		   (if $m then $m.calls else "-" end), .ns_per_run,
		   (if $m and $m.calls > 0 then $m.ns / $m.calls else "-" end),
		   (if $m and $m.calls > 0 then $m.pages / $m.calls else "-" end)]
		| @tsv' "$d/trace.out" >> "$tsv"
fi

{
	echo "## BPF per-event cost"
	echo
	echo "\`bench/bpf-cost.sh$([ $small = 1 ] && echo ' --small')\`, $(date -u +%Y-%m-%d):" \
		"QEMU $(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9.]*\).*/\1/p')" \
		"single-threaded TCG, \`-icount shift=3,sleep=off\`; guest: 2 nodes (2G + 1G),"
	echo "1 vCPU each, a 1 GiB pc-dimm on node 1 left offline (8 blocks of 128 MiB)."
	echo "Counters: bpf_prog_info run_cnt and run_time_ns, counted while meminit holds"
	echo "bpf_enable_stats(BPF_STATS_RUN_TIME) (\`--bpf-stats\`, MEMINIT_BPF_STATS=1 for"
	echo "the replay). Under -icount the guest clock counts instructions (8 ns each):"
	echo "these ns are emulated time, not hardware time; a ratio to meminit's own"
	echo "measurement of the same call, on the same clock, is the portable figure."
	echo "run_time_ns is the program's own run: the fentry trampoline or the kprobe"
	echo "(on ftrace) that calls it is not in it. \"count\" is what meminit itself"
	echo "counted for the event (calls of the function, records delivered or"
	echo "received); it must equal runs. \"measured ns/call\" is meminit's own time of"
	echo "that call (fentry to fexit, or the kernel's record), \"program / call\" the"
	echo "program's run time as a share of it, \"ns per page\" its run time over the"
	echo "pages of one call."
	echo
	echo "| kernel | verb | program | attach | runs | count | ns/run | measured ns/call | program / call | ns per page |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	awk -F'\t' '{
		share = "-"; pp = "-"; call = "-"
		if ($8 != "-" && $8 > 0) { call = sprintf("%.0f", $8); share = sprintf("%.3f%%", 100 * $7 / $8) }
		if ($9 != "-" && $9 > 0) pp = sprintf("%.4f", $7 / $9)
		printf "| %s | %s | %s | %s | %s | %s | %.0f | %s | %s | %s |\n",
			$1, $2, $3, $4, $5, $6, $7, call, share, pp
	}' "$tsv"
	if [ $small = 0 ]; then
		echo
		echo "Replay: $(cat "$out/patched/records-header.txt"); the whole replay ran"
		echo "$(awk '$1 == "meminit:" && $2 == "on_replay" { printf "%.1f", $5 / 1e3 }' \
			"$out/patched/replay.err") µs of program time."
	fi
} | tee "$out/section.md"
